/*
 * The sender check through mv_scan(), on realistic messages with every
 * check on: a zone file this test writes (SPF, DMARC and the DKIM keys it
 * makes) and messages it signs.  The scenarios:
 *   - a brand's notice sent through a bulk-mail provider (Mailchimp's
 *     domains), unsigned, with the provider's Return-Path, Message-ID,
 *     servers, List-Unsubscribe and tracked links showing the brand's URLs:
 *     SENT_ON_BEHALF naming the provider, rejected by the brand's DMARC;
 *   - the same notice sent by the brand itself, DKIM-aligned: no SENT_ON_BEHALF;
 *   - a newsletter through the same provider, signed by its own From domain:
 *     the From domain's organization, the provider named, SENT_VIA_PROVIDER;
 *   - an unlisted provider found by structure, and named by a providers_file;
 *   - a mailing list's resending; a provider allowed by the From domain's SPF.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailvet/scan.h"
#include "mailvet/engine.h"
#include "sign.h"
#include "test.h"

static EVP_PKEY *brand_key, *news_key;
static char dir[] = "/tmp/mv-sender-XXXXXX";
static struct mv_engine *engine;

/* The zone: the brand, the provider's servers, the newsletter's domain, the unlisted sender, a shop. */
static bool write_zone(const char *path)
{
	FILE *f = fopen(path, "w");
	char *brand_p = key_p(brand_key), *news_p = key_p(news_key);
	bool ok = f != NULL;

	if (ok) {
		fprintf(f, "$TTL 300\n"
			   "microsoft.com.\t\tTXT\t\"v=spf1 ip4:203.0.113.64/26 -all\"\n"
			   "email.microsoft.com.\tTXT\t\"v=spf1 ip4:203.0.113.64/26 -all\"\n"
			   "_dmarc.microsoft.com.\tTXT\t\"v=DMARC1; p=reject\"\n"
			   "s1._domainkey.microsoft.com. TXT ( \"v=DKIM1; k=rsa; p=%.200s\" \"%s\" )\n"
			   "mail181.atl61.mcsv.net.\tTXT\t\"v=spf1 ip4:198.51.100.0/24 -all\"\n"
			   "example.net.\t\tTXT\t\"v=spf1 -all\"\n"
			   "_dmarc.example.net.\tTXT\t\"v=DMARC1; p=quarantine\"\n"
			   "k1._domainkey.example.net. TXT ( \"v=DKIM1; k=rsa; p=%.200s\" \"%s\" )\n"
			   "em.mailer.example.\tTXT\t\"v=spf1 ip4:192.0.2.0/24 -all\"\n"
			   "_dmarc.bank.example.\tTXT\t\"v=DMARC1; p=none\"\n"
			   "em.shop.example.\tTXT\t\"v=spf1 ip4:198.51.100.0/24 -all\"\n"
			   "lists.example.org.\tTXT\t\"v=spf1 ip4:192.0.2.0/24 -all\"\n",
			brand_p, strlen(brand_p) > 200 ? brand_p + 200 : "", news_p,
			strlen(news_p) > 200 ? news_p + 200 : "");
		ok = fclose(f) == 0;
	}
	free(brand_p);
	free(news_p);
	return ok;
}

/* An engine with every check, our relay trusted and DNS from the zone; `extra` adds settings. */
static struct mv_engine *engine_with(const char *extra)
{
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *e = NULL;
	char conf[1200], *error = NULL;

	snprintf(conf, sizeof(conf),
		 "trusted_relays = mx.example.org\nlocal_domains = example.org\ndns_zone = %s/test.zone\n%s", dir,
		 extra);
	if (cfg != NULL && mv_config_read_text(cfg, "test.conf", conf, strlen(conf), &error) == 0) {
		mv_config_finish(cfg);
		(void)mv_engine_new(cfg, &e, &error);
	}
	if (error != NULL)
		fprintf(stderr, "engine: %s\n", error);
	free(error);
	mv_config_unref(&cfg);
	return e;
}

/* "NAME NAME ..." of the report's sender symbols, in order. */
static const char *sender_symbols(const struct mv_report *r)
{
	static char out[200];
	size_t n = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < r->n_symbols; i++) {
		if (strcmp(r->symbols[i].group, "sender") == 0)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? " " : "", r->symbols[i].name);
	}
	return out;
}

/* The detail of a symbol, or "". */
static const char *detail(const struct mv_report *r, const char *name)
{
	static char out[600];
	const struct mv_symbol *s = mv_report_symbol(r, name);

	snprintf(out, sizeof(out), "%.*s", s != NULL ? (int)s->detail.len : 0, s != NULL ? s->detail.p : "");
	return out;
}

/* Scans text with engine e (the message kept for the report's views: free it after). */
static struct mv_msg *scan(struct mv_engine *e, const char *text, struct mv_report *r)
{
	struct mv_msg *msg = NULL;

	CHECK(mv_msg_parse(text, strlen(text), mv_engine_limits(e), &msg) == 0);
	if (msg == NULL)
		return NULL;
	CHECK_INT(mv_scan(e, msg, NULL, r), MV_OK);
	return msg;
}

/* The top Received field, written by our relay for a client. */
#define ARRIVED(name, ip) \
	"Received: from " name " (" name " [" ip "])\n\tby mx.example.org (Postfix) with ESMTPS id 4XyZ1q6mW1\n" \
	"\tfor <security@example.org>; Tue, 10 Nov 2026 09:14:02 +0000 (UTC)\n"

static const char notice_body[] =
	"MIME-Version: 1.0\n"
	"Content-Type: text/html; charset=utf-8\n"
	"\n"
	"<html><body><p>Microsoft has released the November security update. Review it before November 14:</p>\n"
	"<p><a href=\"%s\">https://www.microsoft.com/security/updates</a></p>\n"
	"<p>Release notes: <a href=\"%s\">msrc.microsoft.com/update-guide</a></p>\n"
	"%s</body></html>\n";

static void test_brand_notice_through_a_provider_is_sent_on_its_behalf(void)
{
	char text[4000], body[1500];
	struct mv_report r;
	struct mv_msg *msg;

	snprintf(body, sizeof(body), notice_body,
		 "https://microsoft.us5.list-manage.com/track/click?u=8f3b9c1d2e&amp;id=41a7&amp;e=77c1",
		 "https://microsoft.us5.list-manage.com/track/click?u=8f3b9c1d2e&amp;id=41a8&amp;e=77c1",
		 "<img src=\"https://microsoft.us5.list-manage.com/track/open.php?u=8f3b9c1d2e&amp;id=41a7\" "
		 "width=\"1\" height=\"1\" alt=\"\">");
	snprintf(text, sizeof(text),
		 "Return-Path: <bounce-mc.us5_12345.67890-security=example.org@mail181.atl61.mcsv.net>\n"
		 ARRIVED("mail181.atl61.mcsv.net", "198.51.100.181")
		 "Received: from localhost (localhost [127.0.0.1])\n\tby mail181.atl61.mcsv.net (Postfix) with ESMTP"
		 " id 9F1A2; Tue, 10 Nov 2026 09:14:01 +0000\n"
		 "From: \"Microsoft Security\" <security-notice@microsoft.com>\n"
		 "To: security@example.org\n"
		 "Subject: Action required: November security update for your Microsoft account\n"
		 "Date: Tue, 10 Nov 2026 09:14:00 +0000\n"
		 "Message-ID: <a1b2c3d4e5.7731@mail181.atl61.mcsv.net>\n"
		 "List-Unsubscribe: <https://microsoft.us5.list-manage.com/unsubscribe?u=8f3b9c1d2e&id=41a7>,\n"
		 " <mailto:unsubscribe-mc.us5_8f3b9c1d2e@mail181.atl61.mcsv.net>\n"
		 "X-MC-User: 8f3b9c1d2e\n"
		 "%s",
		 body);
	msg = scan(engine, text, &r);
	if (msg == NULL)
		return;
	CHECK_STR(mv_str_cstr(sender_symbols(&r)), "SENT_ON_BEHALF SENT_ON_BEHALF_UNSIGNED");
	CHECK_STR(r.sender.claimed, "microsoft.com");
	CHECK_STR(r.sender.org, "mcsv.net");
	CHECK_STR(r.sender.provider, "Mailchimp");
	CHECK(r.sender.on_behalf);
	CHECK_STR(r.sender.summary,
		  "From says microsoft.com; sent by Mailchimp (mcsv.net) on its behalf (SPF, Return-Path, Message-ID, "
		  "the server's name, its HELO, the Received hop, List-Unsubscribe and the X-MC-User field); not signed "
		  "by microsoft.com");
	CHECK_STR(mv_str_cstr(detail(&r, "SENT_ON_BEHALF_UNSIGNED")),
		  "mcsv.net sent it for microsoft.com, and no valid DKIM signature of any domain stands behind it");
	/* Strongest first: SPF, the client's name and HELO, the hops, then what the message says. */
	CHECK(r.sender.n_evidence >= 8);
	if (r.sender.n_evidence >= 8) {
		CHECK(strcmp(r.sender.evidence[0].kind, "spf") == 0);
		CHECK_STR(r.sender.evidence[0].value, "mail181.atl61.mcsv.net");
		CHECK(strcmp(r.sender.evidence[1].kind, "rdns") == 0);
		CHECK(strcmp(r.sender.evidence[2].kind, "helo") == 0);
		CHECK(strcmp(r.sender.evidence[3].kind, "received") == 0);
		CHECK(strcmp(r.sender.evidence[4].kind, "return_path") == 0);
		CHECK(strcmp(r.sender.evidence[5].kind, "message_id") == 0);
		CHECK(strcmp(r.sender.evidence[r.sender.n_evidence - 1].kind, "provider_header") == 0);
		CHECK_STR(r.sender.evidence[r.sender.n_evidence - 1].domain, "mcsv.net");
	}
	CHECK(mv_report_symbol(&r, "DMARC_REJECT") != NULL);
	CHECK_INT(r.action, MV_ACTION_REJECT);
	mv_msg_free(&msg);
}

static void test_brand_notice_from_the_brand_itself_is_its_own(void)
{
	char text[4000], body[1500], *signed_text;
	struct mv_report r;
	struct mv_msg *msg;

	snprintf(body, sizeof(body), notice_body, "https://www.microsoft.com/security/updates",
		 "https://msrc.microsoft.com/update-guide", "");
	snprintf(text, sizeof(text),
		 "From: \"Microsoft Security\" <security-notice@microsoft.com>\n"
		 "To: security@example.org\n"
		 "Subject: Action required: November security update for your Microsoft account\n"
		 "Date: Tue, 10 Nov 2026 09:14:00 +0000\n"
		 "Message-ID: <20261110091400.5521@mail-out.microsoft.com>\n"
		 "%s",
		 body);
	signed_text = sign_message(text, "v=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com; s=s1; "
					 "h=from:to:subject:date:message-id",
				   brand_key);
	snprintf(text, sizeof(text), "Return-Path: <bounce@email.microsoft.com>\n" ARRIVED("mail-out.microsoft.com",
											      "203.0.113.70") "%s",
		 signed_text);
	free(signed_text);
	msg = scan(engine, text, &r);
	if (msg == NULL)
		return;
	CHECK_STR(mv_str_cstr(sender_symbols(&r)), "");
	CHECK_STR(r.sender.org, "microsoft.com");
	CHECK_STR(r.sender.provider, "");
	CHECK(!r.sender.on_behalf);
	CHECK_STR(r.sender.summary,
		  "From says microsoft.com; sent by microsoft.com itself (its DKIM signature, SPF, Return-Path, "
		  "Message-ID, the server's name and its HELO)");
	CHECK(mv_report_symbol(&r, "DMARC_PASS") != NULL);
	CHECK_INT(r.action, MV_ACTION_ACCEPT);
	mv_msg_free(&msg);
}

static void test_newsletter_through_the_provider_signed_by_its_own_domain(void)
{
	char text[4000], *signed_text;
	struct mv_report r;
	struct mv_msg *msg;

	signed_text = sign_message(
		"From: Example.net News <news@example.net>\n"
		"To: reader@example.org\n"
		"Subject: Your November newsletter\n"
		"Date: Tue, 10 Nov 2026 09:14:00 +0000\n"
		"Message-ID: <f00d.4411@mail181.atl61.mcsv.net>\n"
		"List-Unsubscribe: <https://examplenet.us5.list-manage.com/unsubscribe?u=55aa&id=9c>\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/html; charset=utf-8\n"
		"\n"
		"<html><body><h1>November</h1>\n"
		"<p><a href=\"https://examplenet.us5.list-manage.com/track/click?u=55aa&amp;id=1\">Why the river "
		"flooded twice</a></p>\n"
		"<p><a href=\"https://examplenet.us5.list-manage.com/track/click?u=55aa&amp;id=2\">A winter garden "
		"in ten steps</a></p>\n"
		"</body></html>\n",
		"v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=k1; h=from:to:subject:date:message-id",
		news_key);
	snprintf(text, sizeof(text),
		 "Return-Path: <bounce-mc.us5_55aa.9c-reader=example.org@mail181.atl61.mcsv.net>\n" ARRIVED(
			 "mail181.atl61.mcsv.net", "198.51.100.181") "%s",
		 signed_text);
	free(signed_text);
	msg = scan(engine, text, &r);
	if (msg == NULL)
		return;
	CHECK_STR(mv_str_cstr(sender_symbols(&r)), "SENT_VIA_PROVIDER");
	CHECK_STR(r.sender.org, "example.net");
	CHECK_STR(r.sender.provider, "Mailchimp");
	CHECK(!r.sender.on_behalf);
	CHECK_STR(r.sender.summary, "delivered by Mailchimp for example.net, signed by example.net");
	CHECK(mv_report_symbol(&r, "DMARC_PASS") != NULL);
	CHECK_INT(r.action, MV_ACTION_ACCEPT);
	mv_msg_free(&msg);
}

static const char bank_notice[] =
	"Return-Path: <b-88123-security=example.org@em.mailer.example>\n" ARRIVED("o17.em.mailer.example",
										   "192.0.2.17")
	"From: Bank Alerts <alerts@bank.example>\n"
	"To: security@example.org\n"
	"Subject: Your statement is ready\n"
	"Date: Tue, 10 Nov 2026 09:14:00 +0000\n"
	"Message-ID: <20261110.88123@em.mailer.example>\n"
	"Content-Type: text/html\n"
	"\n"
	"<p><a href=\"https://click.mailer.example/l/88123/aZx9\">https://www.bank.example/statements</a></p>\n";

static void test_unlisted_provider_found_by_structure(void)
{
	char providers[700], extra[800];
	struct mv_engine *named;
	struct mv_report r;
	struct mv_msg *msg;
	FILE *f;

	msg = scan(engine, bank_notice, &r);
	if (msg == NULL)
		return;
	CHECK_STR(mv_str_cstr(sender_symbols(&r)), "SENT_ON_BEHALF SENT_ON_BEHALF_UNSIGNED");
	CHECK_STR(r.sender.org, "mailer.example");
	CHECK_STR(r.sender.provider, "mailer.example");
	CHECK_STR(r.sender.summary,
		  "From says bank.example; sent by mailer.example, a bulk-mail sender, on its behalf (SPF, Return-Path, "
		  "Message-ID, the server's name, its HELO and a tracking link); not signed by bank.example");
	mv_msg_free(&msg);
	/* A providers_file that lists it (relative to the configuration that names it) names it. */
	snprintf(providers, sizeof(providers), "%s/providers.conf", dir);
	f = fopen(providers, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs("provider Mailer Co\n  domain mailer.example\n", f);
	fclose(f);
	snprintf(extra, sizeof(extra), "providers_file = %s\n", providers);
	named = engine_with(extra);
	CHECK(named != NULL);
	if (named == NULL)
		return;
	msg = scan(named, bank_notice, &r);
	CHECK_STR(r.sender.provider, "Mailer Co");
	CHECK_STR(r.sender.summary,
		  "From says bank.example; sent by Mailer Co (mailer.example) on its behalf (SPF, Return-Path, "
		  "Message-ID, the server's name, its HELO and a tracking link); not signed by bank.example");
	mv_msg_free(&msg);
	/* That file replaces the built-in one: Mailchimp is no longer known by name. */
	msg = scan(named,
		   "Return-Path: <b@mail181.atl61.mcsv.net>\n" ARRIVED("mail181.atl61.mcsv.net", "198.51.100.181")
		   "From: a@shop.example\nSubject: s\nMessage-ID: <1@shop.example>\n\nbody\n",
		   &r);
	CHECK_STR(r.sender.org, "mcsv.net");
	CHECK_STR(r.sender.provider, "");
	mv_msg_free(&msg);
	mv_engine_unref(&named);
	remove(providers);
}

static void test_mailing_list_resends(void)
{
	struct mv_report r;
	struct mv_msg *msg = scan(engine,
				  "Return-Path: <users-bounces@lists.example.org>\n" ARRIVED("lists.example.org", "192.0.2.40")
				  "From: Alice <alice@alice.example>\n"
				  "To: users@lists.example.org\n"
				  "Subject: Re: the build on ARM\n"
				  "Date: Tue, 10 Nov 2026 09:14:00 +0000\n"
				  "Message-ID: <87zg2a.fsf@laptop.alice.example>\n"
				  "List-Id: Users of the project <users.lists.example.org>\n"
				  "List-Unsubscribe: <https://lists.example.org/mailman/options/users>,\n"
				  " <mailto:users-request@lists.example.org?subject=unsubscribe>\n"
				  "List-Post: <mailto:users@lists.example.org>\n"
				  "\n"
				  "It builds now.\n",
				  &r);

	if (msg == NULL)
		return;
	CHECK_STR(mv_str_cstr(sender_symbols(&r)), "SENT_ON_BEHALF");
	CHECK_STR(r.sender.org, "example.org");
	CHECK(r.sender.on_behalf);
	CHECK_STR(r.sender.summary,
		  "From says alice.example; resent by a mailing list of example.org on its behalf (SPF, Return-Path, "
		  "the server's name, its HELO, List-Id and List-Unsubscribe); not signed by alice.example");
	mv_msg_free(&msg);
	/* A LISTSERV list writes no List-* field: its Sender and MAIL FROM are the list manager's. */
	msg = scan(engine,
		   "Return-Path: <owner-dailyslang@listserv.example.org>\n" ARRIVED("lists.example.org", "192.0.2.40")
		   "Sender: Daily Slang List <DAILYSLANG@LISTSERV.EXAMPLE.ORG>\n"
		   "From: Slang of the Day <dailyslang@dli.example>\n"
		   "Subject: today\n"
		   "Message-ID: <924461.1027544231700.JavaMail.root@kudu>\n"
		   "\n"
		   "Word of the day.\n",
		   &r);
	CHECK_STR(mv_str_cstr(sender_symbols(&r)), "SENT_ON_BEHALF");
	mv_msg_free(&msg);
	/* Without any of that, the same resending is another organization's, unsigned. */
	msg = scan(engine,
		   "Return-Path: <dailyslang@listserv.example.org>\n" ARRIVED("lists.example.org", "192.0.2.40")
		   "From: Slang of the Day <dailyslang@dli.example>\n"
		   "Subject: today\n"
		   "\n"
		   "Word of the day.\n",
		   &r);
	CHECK_STR(mv_str_cstr(sender_symbols(&r)), "SENT_ON_BEHALF SENT_ON_BEHALF_UNSIGNED");
	mv_msg_free(&msg);
}

static void test_provider_allowed_by_the_from_domains_spf(void)
{
	struct mv_report r;
	struct mv_msg *msg = scan(engine,
				  "Return-Path: <bounces+1234-ab-reader=example.org@em.shop.example>\n" ARRIVED(
					  "o1.ptr1234.sendgrid.net", "198.51.100.9")
				  "From: Shop <news@shop.example>\n"
				  "To: reader@example.org\n"
				  "Subject: Winter sale\n"
				  "Date: Tue, 10 Nov 2026 09:14:00 +0000\n"
				  "Message-ID: <aBcD.1@geopod-ismtpd-1>\n"
				  "X-SG-EID: u001.Xy7w\n"
				  "\n"
				  "Our winter sale starts today.\n",
				  &r);

	if (msg == NULL)
		return;
	CHECK_STR(mv_str_cstr(sender_symbols(&r)), "SENT_VIA_PROVIDER");
	CHECK_STR(r.sender.org, "shop.example");
	CHECK_STR(r.sender.provider, "SendGrid");
	CHECK_STR(r.sender.summary, "delivered by SendGrid for shop.example, which the SPF policy of em.shop.example allows");
	mv_msg_free(&msg);
}

static void test_outbound_mail_is_not_judged(void)
{
	struct mv_envelope env;
	struct mv_report r;
	struct mv_msg *msg = NULL;

	memset(&env, 0, sizeof(env));
	env.conn.client_ip = MV_STR_LIT("127.0.0.1");
	CHECK(mv_msg_parse(bank_notice, sizeof(bank_notice) - 1, NULL, &msg) == 0);
	CHECK_INT(mv_scan(engine, msg, &env, &r), MV_OK);
	CHECK_STR(mv_str_cstr(sender_symbols(&r)), "");
	CHECK(r.sender.summary.len == 0 && r.sender.n_evidence == 0);
	mv_msg_free(&msg);
}

static void test_bad_providers_file_fails_the_engine(void)
{
	char path[700], conf[900];
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *e = NULL;
	char *error = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.conf", dir);
	f = fopen(path, "w");
	CHECK(f != NULL && cfg != NULL);
	if (f == NULL || cfg == NULL)
		return;
	fputs("provider A\n  domain a.example\n  domain b..example\n", f);
	fclose(f);
	snprintf(conf, sizeof(conf), "providers_file = %s\n", path);
	CHECK_INT(mv_config_read_text(cfg, "site.conf", conf, strlen(conf), &error), 0);
	mv_config_finish(cfg);
	CHECK(mv_engine_new(cfg, &e, &error) < 0);
	CHECK(error != NULL && strstr(error, "/bad.conf:3: 'b..example': a label is empty or ends in '-'") != NULL);
	if (error != NULL && strstr(error, "/bad.conf:3:") == NULL)
		fprintf(stderr, "got: %s\n", error);
	free(error);
	mv_engine_unref(&e);
	mv_config_unref(&cfg);
	remove(path);
}

int main(void)
{
	char zone[100];
	int rc;

	brand_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	news_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	snprintf(zone, sizeof(zone), "%s/test.zone", dir);
	if (brand_key == NULL || news_key == NULL || mkdtemp(dir) == NULL ||
	    (snprintf(zone, sizeof(zone), "%s/test.zone", dir), !write_zone(zone)) || (engine = engine_with("")) == NULL) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	RUN(test_brand_notice_through_a_provider_is_sent_on_its_behalf);
	RUN(test_brand_notice_from_the_brand_itself_is_its_own);
	RUN(test_newsletter_through_the_provider_signed_by_its_own_domain);
	RUN(test_unlisted_provider_found_by_structure);
	RUN(test_mailing_list_resends);
	RUN(test_provider_allowed_by_the_from_domains_spf);
	RUN(test_outbound_mail_is_not_judged);
	RUN(test_bad_providers_file_fails_the_engine);
	rc = test_summary();
	mv_engine_unref(&engine);
	EVP_PKEY_free(brand_key);
	EVP_PKEY_free(news_key);
	remove(zone);
	rmdir(dir);
	return rc;
}
