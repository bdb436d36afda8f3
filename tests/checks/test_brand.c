/*
 * The brand check (and FROM_MALFORMED of the headers check) through mv_scan():
 * report->sender, a brand claimed by From domain, display name, Reply-To or
 * footer with and without the DKIM it requires, DISPLAY_NAME_SPOOF for
 * brands, local people, local domains and addresses in names, look-alike
 * From, Reply-To, envelope and link domains, brand_enforce, the brand a
 * DMARC policy makes, outbound mail, and brands files that are refused with
 * FILE:LINE.  A test check (dmarc/auth_stub.h) stands in for the DKIM
 * results; DNS is a zone file written here.  tests/brand/t_brand_scenarios.sh
 * has the end-to-end scenarios with real signatures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "dmarc/auth_stub.h"

static char zone_path[] = "/tmp/mv-brand-zone-XXXXXX";
static char brands_path[] = "/tmp/mv-brands-XXXXXX";

struct outcome {
	char symbols[400];	/* the impersonation and FROM_MALFORMED symbols, comma-separated */
	char details[2000];	/* their details and options, " | " between */
	char action[16];
	char claimed[100], claimed_name[100], brand[100];
};

static bool ours(const char *name)
{
	return strcmp(name, "BRAND_UNSIGNED") == 0 || strcmp(name, "DISPLAY_NAME_SPOOF") == 0 ||
	       strcmp(name, "LOOKALIKE_DOMAIN") == 0 || strcmp(name, "FROM_MALFORMED") == 0;
}

static void copy_str(char *out, size_t cap, mv_str s)
{
	snprintf(out, cap, "%.*s", (int)s.len, s.p != NULL ? s.p : "");
}

/* Scans header fields (with a blank line and `body` after them) with the DKIM results given. */
static struct outcome scan_env(struct mv_engine *engine, const char *headers, const char *body, const char *dkim,
			       const struct mv_envelope *env)
{
	struct outcome o;
	struct mv_report r;
	struct mv_msg *msg;
	char text[4000];
	size_t n = 0, d = 0;
	unsigned i, k;

	memset(&o, 0, sizeof(o));
	snprintf(text, sizeof(text), "%sTo: bob@example.org\nSubject: hello\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n"
		 "Message-ID: <1@test>\n\n%s\n", headers, body);
	msg = scan_text(engine, text, strlen(text), "-", dkim, env, &r);
	CHECK(msg != NULL);
	if (msg == NULL)
		return o;
	for (i = 0; i < r.n_symbols; i++) {
		const struct mv_symbol *s = &r.symbols[i];

		if (!ours(s->name))
			continue;
		n += (size_t)snprintf(o.symbols + n, sizeof(o.symbols) - n, "%s%s", n != 0 ? "," : "", s->name);
		d += (size_t)snprintf(o.details + d, sizeof(o.details) - d, "%s%.*s", d != 0 ? " | " : "",
				      (int)s->detail.len, s->detail.p);
		for (k = 0; k < s->n_options && d < sizeof(o.details); k++)
			d += (size_t)snprintf(o.details + d, sizeof(o.details) - d, " | %.*s", (int)s->options[k].len,
					      s->options[k].p);
	}
	snprintf(o.action, sizeof(o.action), "%s", mv_action_name(r.action));
	copy_str(o.claimed, sizeof(o.claimed), r.sender.claimed);
	copy_str(o.claimed_name, sizeof(o.claimed_name), r.sender.claimed_name);
	copy_str(o.brand, sizeof(o.brand), r.sender.brand);
	mv_msg_free(&msg);
	return o;
}

static struct outcome scan_h(struct mv_engine *engine, const char *headers, const char *dkim)
{
	return scan_env(engine, headers, "Hello.", dkim, NULL);
}

#define CHECK_HAS(text, words) do { \
	CHECK(strstr((text), (words)) != NULL); \
	if (strstr((text), (words)) == NULL) \
		fprintf(stderr, "  \"%s\"\n  does not hold \"%s\"\n", (text), (words)); \
} while (0)

static struct mv_engine *engine_conf(const char *extra)
{
	char conf[1200];

	snprintf(conf, sizeof(conf), "dns_zone = %s\n%s", zone_path, extra);
	return engine_from(conf);
}

static void test_brand_sender_fields(void)
{
	struct mv_engine *e = engine_conf("");
	struct mv_envelope out = { 0 };
	struct outcome o;

	if (e == NULL)
		return;
	/* Mathematical bold "Microsoft" and a zero-width space: the reader sees "Microsoft Team". */
	o = scan_h(e, "From: =?utf-8?b?8J2QjPCdkKLwnZCc8J2Qq/CdkKjwnZCs8J2QqPCdkJ/wnZCt4oCLIFRlYW0=?= "
		   "<a@Evil.Example>\n", "-");
	CHECK_STR(mv_str_cstr(o.claimed), "evil.example");
	CHECK_STR(mv_str_cstr(o.claimed_name), "Microsoft Team");
	CHECK_STR(mv_str_cstr(o.brand), "Microsoft");
	CHECK_STR(mv_str_cstr(o.symbols), "BRAND_UNSIGNED,DISPLAY_NAME_SPOOF");
	/* Our own users' mail is not judged, but the sender is still described. */
	out.conn.sasl_user = MV_STR_LIT("bob");
	out.conn.authenticated = true;
	o = scan_env(e, "From: PayPal <bob@evil.example>\n", "Hello.", "-", &out);
	CHECK_STR(mv_str_cstr(o.claimed_name), "PayPal");
	CHECK_STR(mv_str_cstr(o.symbols), "");
	CHECK_STR(mv_str_cstr(o.brand), "");
	mv_engine_unref(&e);
}

enum conf { PLAIN, LENIENT, LOCAL, LOCAL_LENIENT, N_CONFS };

static const char *const confs[N_CONFS] = {
	[PLAIN] = "",
	[LENIENT] = "brand_enforce = no\n",
	[LOCAL] = "local_domains = .example.org\nlocal_names = John.Smith, Jane_Doe\n",
	[LOCAL_LENIENT] = "local_domains = example.org\nbrand_enforce = no\n",
};

/* A message (header fields, a body, DKIM results, a MAIL FROM) and what must come of it. */
struct scan_case {
	enum conf conf;
	const char *headers;
	const char *body;	/* NULL: "Hello." */
	const char *dkim;	/* as dmarc/auth_stub.h reads it; "-": none */
	const char *mail_from;	/* NULL: none given */
	const char *symbols;	/* the impersonation and FROM_MALFORMED symbols, exactly */
	const char *words;	/* in their details and options (NULL: not looked at) */
	const char *action;	/* NULL: not looked at */
	const char *brand;	/* sender.brand; NULL: not looked at */
};

static const struct scan_case cases[] = {
	/* Claimed by the From domain. */
	{ PLAIN, "From: PayPal <service@paypal.com>\n", NULL, "-", NULL, "BRAND_UNSIGNED",
	  "claims PayPal by its From domain (paypal.com), but has no valid DKIM signature of paypal.com", "quarantine",
	  "PayPal" },
	{ PLAIN, "From: PayPal <service@paypal.com>\n", NULL, "-", NULL, "BRAND_UNSIGNED", "PayPal: From domain", NULL,
	  NULL },
	{ PLAIN, "From: PayPal <service@paypal.com>\n", NULL, "-", NULL, "BRAND_UNSIGNED",
	  "paypal.com or its other domains and senders; quarantined whatever the score (brand_enforce)", NULL, NULL },
	/* brand_enforce = no: the score alone (5.5: tag). */
	{ LENIENT, "From: PayPal <service@paypal.com>\n", NULL, "-", NULL, "BRAND_UNSIGNED", NULL, "tag", NULL },
	/* A list's post by an employee: the score alone. */
	{ PLAIN, "From: Jane Doe <jane@paypal.com>\nList-Id: <dev.lists.example>\n", NULL, "fail:paypal.com", NULL,
	  "BRAND_UNSIGNED", NULL, "tag", NULL },
	/* Signed by the brand, or a domain under it: nothing to say. */
	{ PLAIN, "From: PayPal <service@paypal.com>\n", NULL, "pass:paypal.com", NULL, "", NULL, "accept", "PayPal" },
	{ PLAIN, "From: PayPal <service@mail.paypal.com>\n", NULL, "pass:e.paypal.com", NULL, "", NULL, NULL, NULL },
	{ PLAIN, "From: PayPal <service@paypal.com>\n", NULL, "pass:PayPal.COM", NULL, "", NULL, NULL, NULL },
	/* A signature that fails, or one by someone else, is not the brand's. */
	{ PLAIN, "From: service@paypal.com\n", NULL, "fail:paypal.com", NULL, "BRAND_UNSIGNED", NULL, NULL, NULL },
	{ PLAIN, "From: service@paypal.com\n", NULL, "pass:mailer.example,pass:paypal.com.mailer.example", NULL,
	  "BRAND_UNSIGNED", NULL, NULL, NULL },
	/* A mailbox of the brand's consumer service is a person's, not the brand's. */
	{ PLAIN, "From: Jane Doe <jane@outlook.com>\n", NULL, "-", NULL, "", NULL, NULL, "" },
	{ PLAIN, "From: Microsoft account team <jane@outlook.com>\n", NULL, "pass:outlook.com", NULL,
	  "BRAND_UNSIGNED,DISPLAY_NAME_SPOOF", NULL, NULL, NULL },

	/* Claimed by the display name. */
	{ PLAIN, "From: \"PayPal Service\" <alert@account-check.example>\n", NULL, "pass:account-check.example", NULL,
	  "BRAND_UNSIGNED,DISPLAY_NAME_SPOOF", "claims PayPal by its display name (\"PayPal Service\")", "quarantine",
	  NULL },
	{ PLAIN, "From: \"PayPal Service\" <alert@account-check.example>\n", NULL, "-", NULL,
	  "BRAND_UNSIGNED,DISPLAY_NAME_SPOOF",
	  "the display name \"PayPal Service\" names PayPal, but the address is alert@account-check.example", NULL,
	  NULL },
	/* An ordinary word names the brand only among service words. */
	{ PLAIN, "From: Apple Support <a@evil.example>\n", NULL, "-", NULL, "BRAND_UNSIGNED,DISPLAY_NAME_SPOOF", NULL,
	  NULL, NULL },
	{ PLAIN, "From: Apple Valley Farm Shop <a@apple-valley.example>\n", NULL, "-", NULL, "", NULL, NULL, "" },
	{ PLAIN, "From: Chase Miller <chase@miller.example>\n", NULL, "-", NULL, "", NULL, NULL, NULL },
	/* Claimed by Reply-To. */
	{ PLAIN, "From: shop@shop.example\nReply-To: help@paypal.com\n", NULL, "pass:shop.example", NULL,
	  "BRAND_UNSIGNED", "PayPal: Reply-To", NULL, NULL },
	/* By the footer: in a message of its own, not in a quote or a forward. */
	{ PLAIN, "From: Account Team <team@evil.example>\n",
	  "Sign in now.\n\nMicrosoft Corporation\nOne  Microsoft\n Way, Redmond", "-", NULL, "BRAND_UNSIGNED",
	  "claims Microsoft by its footer (\"One Microsoft Way\")", NULL, NULL },
	{ PLAIN, "From: Bob <bob@friend.example>\n", "Look at this:\n> Microsoft Corporation\n> One Microsoft Way\n",
	  "-", NULL, "", NULL, NULL, NULL },
	{ PLAIN, "From: Bob <bob@friend.example>\nSubject: Fwd: your account\n",
	  "Microsoft Corporation, One Microsoft Way\n", "-", NULL, "", NULL, NULL, NULL },

	/* One of our people, our domain. */
	{ LOCAL, "From: \"John Smith (CEO)\" <ceo.john.smith@gmail.com>\n", NULL, "pass:gmail.com", NULL,
	  "DISPLAY_NAME_SPOOF", "is that of John.Smith, one of our people; the address is ceo.john.smith@gmail.com",
	  NULL, NULL },
	{ LOCAL, "From: \"Smith, John\" <js@mail.example>\n", NULL, "-", NULL, "DISPLAY_NAME_SPOOF", NULL, NULL, NULL },
	{ LOCAL, "From: \"Jane DOE\" <jane@mail.example>\n", NULL, "-", NULL, "DISPLAY_NAME_SPOOF", NULL, NULL, NULL },
	{ LOCAL, "From: John Smith <john.smith@example.org>\n", NULL, "-", NULL, "", NULL, NULL, NULL },
	{ LOCAL, "From: Johnny Smithers <js@mail.example>\n", NULL, "-", NULL, "", NULL, NULL, NULL },
	{ LOCAL, "From: \"example.org IT desk\" <it@help-desk.example>\n", NULL, "-", NULL, "DISPLAY_NAME_SPOOF",
	  "names our domain example.org, but the address is it@help-desk.example", NULL, NULL },
	{ LOCAL, "From: \"bigexample.org news\" <it@help-desk.example>\n", NULL, "-", NULL, "", NULL, NULL, NULL },
	/* Addresses in names: a brand's, one that is all the name says, not a list's rewriting. */
	{ LOCAL, "From: \"service@paypal.com\" <x@account-check.example>\n", NULL, "-", NULL,
	  "BRAND_UNSIGNED,DISPLAY_NAME_SPOOF", "is an address of PayPal, but the address is x@account-check.example",
	  NULL, NULL },
	{ LOCAL, "From: \"billing@supplier.example\" <x@account-check.example>\n", NULL, "-", NULL,
	  "DISPLAY_NAME_SPOOF", "holds an address at supplier.example", NULL, NULL },
	{ LOCAL, "From: \"bob@supplier.example [list]\" <list@lists.example>\n", NULL, "-", NULL, "", NULL, NULL,
	  NULL },
	{ LOCAL, "From: \"bob@supplier.example\" <bob@supplier.example>\n", NULL, "-", NULL, "", NULL, NULL, NULL },

	/* Look-alike domains: From, ours, Reply-To, the envelope sender, links, IDN. */
	{ LOCAL, "From: billing@paypa1.com\n", NULL, "pass:paypa1.com", NULL, "LOOKALIKE_DOMAIN",
	  "From domain paypa1.com looks like paypal.com (1 for l)", "quarantine", NULL },
	{ LOCAL_LENIENT, "From: billing@paypa1.com\n", NULL, "pass:paypa1.com", NULL, "LOOKALIKE_DOMAIN", NULL, "tag",
	  NULL },
	{ LOCAL, "From: ceo@exarnple.org\n", NULL, "-", NULL, "LOOKALIKE_DOMAIN",
	  "From domain exarnple.org looks like example.org (rn for m)", NULL, NULL },
	{ LOCAL, "From: news@examples.org\n", NULL, "-", NULL, "", NULL, NULL, NULL },
	{ LOCAL, "From: shop@shop.example\nReply-To: help@rnicrosoft.com\n", NULL, "-", NULL, "LOOKALIKE_DOMAIN",
	  "Reply-To domain: rnicrosoft.com looks like microsoft.com (rn for m)", NULL, NULL },
	{ LOCAL, "From: shop@shop.example\n", NULL, "-", "bounce@g00gle.com", "LOOKALIKE_DOMAIN",
	  "envelope sender domain: g00gle.com looks like google.com (0 for o)", NULL, NULL },
	{ LOCAL, "From: shop@shop.example\n", "Log in at https://www.paypal.com.account-login.example/verify or "
	  "https://paypal.com/", "-", NULL, "LOOKALIKE_DOMAIN", "link host: www.paypal.com.account-login.example looks "
	  "like paypal.com (paypal.com placed in front of another domain)", "tag", NULL },
	{ LOCAL, "From: security@xn--pple-43d.com\n", NULL, "-", NULL, "LOOKALIKE_DOMAIN",
	  "From domain xn--pple-43d.com (\xd0\xb0pple.com) looks like apple.com (Cyrillic", NULL, NULL },
	{ LOCAL, "From: service@paypal.com\n", "https://www.paypal.com/ https://example.org/", "pass:paypal.com", NULL,
	  "", NULL, NULL, NULL },

	/* FROM_MALFORMED, and the address a reader sees deciding the brand. */
	{ PLAIN, "From: Support team ,_<no-reply@x.example>\n", NULL, "-", NULL, "FROM_MALFORMED",
	  "From: Support team ,_<no-reply@x.example> is read as a mail client shows it: \"Support team ,_\" "
	  "<no-reply@x.example>", NULL, NULL },
	{ PLAIN, "From: a@x.example, b@y.example\n", NULL, "-", NULL, "FROM_MALFORMED",
	  "holds 2 addresses and there is no Sender field; a mail client shows a@x.example", NULL, NULL },
	{ PLAIN, "From: a@x.example, b@y.example\nSender: a@x.example\n", NULL, "-", NULL, "", NULL, NULL, NULL },
	{ PLAIN, "From: \"Smith, John\" <js@x.example>\n", NULL, "-", NULL, "", NULL, NULL, NULL },
	{ PLAIN, "From: \"Bob\"\n", NULL, "-", NULL, "FROM_MALFORMED",
	  "From: \"Bob\" has no address a mail client can show", NULL, NULL },
	{ PLAIN, "From: PayPal, <service@paypal.com>\n", NULL, "pass:paypal.com", NULL, "FROM_MALFORMED", NULL, NULL,
	  "PayPal" },
};

static void test_brand_cases(void)
{
	struct mv_engine *engines[N_CONFS];
	size_t i;
	int k;

	for (k = 0; k < N_CONFS; k++)
		engines[k] = engine_conf(confs[k]);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scan_case *c = &cases[i];
		struct mv_envelope env = { 0 };
		struct outcome o;
		int before = test_failures;

		if (engines[c->conf] == NULL)
			continue;
		env.txn.has_mail_from = c->mail_from != NULL;
		env.txn.mail_from = mv_str_cstr(c->mail_from != NULL ? c->mail_from : "");
		o = scan_env(engines[c->conf], c->headers, c->body != NULL ? c->body : "Hello.", c->dkim,
			     c->mail_from != NULL ? &env : NULL);
		CHECK_STR(mv_str_cstr(o.symbols), c->symbols);
		if (c->words != NULL)
			CHECK_HAS(o.details, c->words);
		if (c->action != NULL)
			CHECK_STR(mv_str_cstr(o.action), c->action);
		if (c->brand != NULL)
			CHECK_STR(mv_str_cstr(o.brand), c->brand);
		if (test_failures != before)
			fprintf(stderr, "  case %zu: %s", i, c->headers);
	}
	for (k = 0; k < N_CONFS; k++)
		mv_engine_unref(&engines[k]);
}

static void test_brand_dmarc_policy_makes_a_brand(void)
{
	static const char text[] = "From: info@strict-bank.example\nSubject: x\n\nHello.\n";
	struct mv_engine *e = engine_conf("");
	struct mv_report r;
	struct mv_msg *msg;
	struct outcome o;

	if (e == NULL)
		return;
	/* Not in the brands file, but p=reject: it stands behind its mail; a failure is DMARC's to report. */
	o = scan_h(e, "From: Bank <info@strict-bank.example>\n", "pass:strict-bank.example");
	CHECK_STR(mv_str_cstr(o.brand), "strict-bank.example");
	CHECK_STR(mv_str_cstr(o.symbols), "");
	o = scan_h(e, "From: Bank <info@strict-bank.example>\n", "-");
	CHECK_STR(mv_str_cstr(o.brand), "strict-bank.example");
	CHECK_STR(mv_str_cstr(o.symbols), "");
	CHECK_STR(mv_str_cstr(o.action), "reject");
	msg = scan_text(e, text, strlen(text), "-", "-", NULL, &r);
	CHECK(msg != NULL);
	if (msg != NULL)
		CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_FAIL,DMARC_REJECT");
	mv_msg_free(&msg);
	/* p=none asks nothing: no brand. */
	o = scan_h(e, "From: Shop <info@lenient-shop.example>\n", "-");
	CHECK_STR(mv_str_cstr(o.brand), "");
	mv_engine_unref(&e);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

/* The error of an engine made with `extra` settings, or "" when it was made. */
static const char *engine_error_of(const char *extra)
{
	static char out[600];
	struct mv_config *cfg = engine_config_new_with(extra_checks, 1);
	struct mv_engine *engine = NULL;
	char *error = NULL;

	out[0] = '\0';
	if (mv_config_read_text(cfg, "test.conf", extra, strlen(extra), &error) == 0) {
		mv_config_finish(cfg);
		if (engine_new_with(cfg, extra_checks, 1, &engine, &error) < 0)
			snprintf(out, sizeof(out), "%s", error != NULL ? error : "(out of memory)");
	}
	free(error);
	mv_engine_unref(&engine);
	mv_config_unref(&cfg);
	return out;
}

static void test_brand_files(void)
{
	char conf[1200];
	struct mv_engine *e;
	struct outcome o;

	write_file(brands_path, "brand \"Big Bank\"\ndomains bigbank.example\nnames \"Big Bank\"\n"
		   "signers esp-bigbank.example\nrequire dkim dmarc\n");
	snprintf(conf, sizeof(conf), "brands_file = %s\n", brands_path);
	e = engine_conf(conf);
	CHECK(e != NULL);
	if (e != NULL) {
		/* The file replaces the built-in one. */
		o = scan_h(e, "From: PayPal <service@paypal.com>\n", "-");
		CHECK_STR(mv_str_cstr(o.symbols), "");
		/* An authorized provider's signature meets dkim; dmarc is still wanting (no policy here). */
		o = scan_h(e, "From: Big Bank <alerts@bigbank.example>\n", "pass:s1.esp-bigbank.example");
		CHECK_HAS(o.details, "claims Big Bank by its From domain (bigbank.example), but has no DMARC pass");
		mv_engine_unref(&e);
	}
	write_file(brands_path, "brand A\ndomains a.example\n\nbrand B\ndomains b.example\nrequire pgp\n");
	CHECK_HAS(engine_error_of(conf), ":6: 'require': \"pgp\" is not dkim, smime or dmarc");
	CHECK_HAS(engine_error_of(conf), brands_path);
	write_file(brands_path, "brand A\ndomains a.example\nsmime_ca /nonexistent/ca.pem\nrequire smime\n");
	CHECK_HAS(engine_error_of(conf), ":3: smime_ca /nonexistent/ca.pem:");
	CHECK_HAS(engine_error_of("brands_file = /nonexistent/brands.conf\n"),
		  "brands_file /nonexistent/brands.conf: No such file or directory");
	CHECK_HAS(engine_error_of("local_names = --\n"), "local_names: \"--\" has no letters or digits");
}

int main(void)
{
	int fd = mkstemp(zone_path), fb = mkstemp(brands_path);

	if (fd < 0 || fb < 0)
		return 1;
	close(fd);
	close(fb);
	write_file(zone_path, "$TTL 300\n_dmarc.strict-bank.example. TXT \"v=DMARC1; p=reject\"\n"
		   "_dmarc.lenient-shop.example. TXT \"v=DMARC1; p=none\"\n");
	RUN(test_brand_sender_fields);
	RUN(test_brand_cases);
	RUN(test_brand_dmarc_policy_makes_a_brand);
	RUN(test_brand_files);
	unlink(zone_path);
	unlink(brands_path);
	return test_summary();
}
