/*
 * The mdn and mdn_out checks through mv_scan(), with an LMDB store of their
 * own: each branch of the request decision (self, foreign, DMARC fail, junk
 * by score, a correspondent's junk, ordinary), mdn_enforce = no, the Bcc
 * test, receipts to strangers and to correspondents, receipts with no store,
 * auto-replies.  The scenarios of the issue, end to end, are in
 * t_mdn_scenarios.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dns.h"
#include "mailvet/scan.h"
#include "offline_engine.h"
#include "test.h"

static char dir[] = "/tmp/mv-mdn-XXXXXX";
static int64_t clock_now = 1796637600;	/* 2026-12-07T10:00:00Z, a minute more each scan */

/* What a test looks at in a report, copied before the message is freed. */
struct outcome {
	char symbols[600];	/* the mdn group's names, space-separated, in report order */
	char detail[600];	/* MDN_REQUEST's or MDN_OUTBOUND_FOREIGN's detail */
	unsigned changes;
	char action[16];
};

/* DMARC for example.org says p=none: mail from it that neither SPF nor DKIM passes fails DMARC. */
static const char zone_text[] = "_dmarc.example.org. TXT \"v=DMARC1; p=none\"\n";

static struct mv_engine *engine_with(const char *extra)
{
	char conf[1000];
	struct dns_zone *zone = dns_zone_new();
	char *error = NULL;

	snprintf(conf, sizeof(conf), "store = lmdb:%s/store\nlocal_domains = example.com\n%s", dir, extra);
	if (zone == NULL || dns_zone_load_text(zone, "t.zone", zone_text, sizeof(zone_text) - 1, &error) < 0) {
		free(error);
		dns_zone_free(&zone);
		return NULL;
	}
	return zone_engine(conf, zone, 50);
}

/* Scans text as from `from` (an outside MAIL FROM, or our SASL user when sasl) to one recipient. */
static struct outcome scan(struct mv_engine *engine, const char *text, const char *mail_from, bool sasl, const char *rcpt)
{
	struct outcome o;
	struct mv_envelope env;
	struct mv_report report;
	struct mv_msg *msg = NULL;
	mv_str rcpts[1] = { mv_str_cstr(rcpt) };
	const struct mv_symbol *s;
	unsigned i;

	memset(&o, 0, sizeof(o));
	memset(&env, 0, sizeof(env));
	env.conn.client_ip = mv_str_cstr(sasl ? "192.0.2.10" : "203.0.113.9");
	env.conn.helo = MV_STR_LIT("mail.example.net");
	if (sasl) {
		env.conn.sasl_user = mv_str_cstr(mail_from);
		env.conn.authenticated = true;
	}
	env.txn.has_mail_from = true;
	env.txn.mail_from = mv_str_cstr(mail_from);
	env.txn.rcpt = rcpts;
	env.txn.n_rcpt = 1;
	env.txn.time = clock_now += 60;
	if (mv_msg_parse(text, strlen(text), NULL, &msg) < 0 || mv_scan(engine, msg, &env, &report) != MV_OK) {
		snprintf(o.action, sizeof(o.action), "error");
		mv_msg_free(&msg);
		return o;
	}
	for (i = 0; i < report.n_symbols; i++) {
		if (strcmp(report.symbols[i].group, "mdn") == 0 || strcmp(report.symbols[i].name, "STORE_UNAVAILABLE") == 0)
			snprintf(o.symbols + strlen(o.symbols), sizeof(o.symbols) - strlen(o.symbols), "%s%s",
				 o.symbols[0] != '\0' ? " " : "", report.symbols[i].name);
	}
	s = mv_report_symbol(&report, "MDN_OUTBOUND_FOREIGN");
	if (s == NULL)
		s = mv_report_symbol(&report, "MDN_REQUEST");
	if (s != NULL)
		snprintf(o.detail, sizeof(o.detail), "%.*s", (int)s->detail.len, s->detail.p);
	o.changes = report.n_changes;
	snprintf(o.action, sizeof(o.action), "%s", mv_action_name(report.action));
	mv_msg_free(&msg);
	return o;
}

#define CHECK_CONTAINS(hay, needle) do { \
	test_checks++; \
	if (strstr((hay), (needle)) == NULL) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: \"%s\" not in \"%s\"\n", __FILE__, __LINE__, (needle), (hay)); \
	} \
} while (0)

static const char request_from_bob[] = "From: Bob <bob@partner.example>\nTo: alice@example.com\nSubject: offer\n"
				       "Message-ID: <offer-%d@partner.example>\n"
				       "Disposition-Notification-To: bob@partner.example\n\nHello.\n";

static const char *request(int n)
{
	static char text[600];

	snprintf(text, sizeof(text), request_from_bob, n);
	return text;
}

static void test_mdn_request_decisions(void)
{
	struct mv_engine *engine = engine_with(""), *junk = engine_with("tag_score = 0.1\n");
	struct outcome o;

	CHECK(engine != NULL && junk != NULL);
	if (engine == NULL || junk == NULL)
		goto out;
	/* A request to its sender, in mail that scores at tag_score (SPF none scores 0.5): junk, removed. */
	o = scan(junk, request(1), "bob@partner.example", false, "alice@example.com");
	CHECK_CONTAINS(o.detail, "removed: a receipt request in junk (by its score)");
	CHECK_INT(o.changes, 1);
	/* Once alice has written to bob, his request is a correspondent's: kept, junk or not. */
	o = scan(engine, "From: alice@example.com\nTo: bob@partner.example\nSubject: hi\n\nHi Bob.\n",
		 "alice@example.com", true, "bob@partner.example");
	CHECK_STR(mv_str_cstr(o.action), "accept");
	o = scan(junk, request(2), "bob@partner.example", false, "alice@example.com");
	CHECK_CONTAINS(o.detail, "kept: junk by its score, but the request is a correspondent's");
	CHECK_INT(o.changes, 0);
	/* Below tag_score: an ordinary request to its sender. */
	o = scan(engine, request(3), "bob@partner.example", false, "alice@example.com");
	CHECK_STR(mv_str_cstr(o.symbols), "MDN_REQUEST");
	CHECK_CONTAINS(o.detail, "kept: an ordinary request");
	CHECK_INT(o.changes, 0);
	/* From a domain whose DMARC it fails: removed, correspondent or not. */
	o = scan(engine, "From: carol@example.org\nTo: alice@example.com\nSubject: s\n"
			 "Disposition-Notification-To: bounce@mailer.example.net\n\nx\n",
		 "bounce@mailer.example.net", false, "alice@example.com");
	CHECK_CONTAINS(o.detail, "removed: a receipt request in a message that fails DMARC");
	/* Bcc: the recipient is in neither To nor Cc; in Cc it is not. */
	o = scan(engine, "From: bob@partner.example\nTo: x@partner.example\nSubject: s\n"
			 "Disposition-Notification-To: bob@partner.example\n\nx\n",
		 "bob@partner.example", false, "alice@example.com");
	CHECK_STR(mv_str_cstr(o.symbols), "MDN_REQUEST MDN_REQUEST_BCC");
	o = scan(engine, "From: bob@partner.example\nTo: x@partner.example\nCc: Alice <ALICE@example.com>\n"
			 "Subject: s\nDisposition-Notification-To: bob@partner.example\n\nx\n",
		 "bob@partner.example", false, "alice@example.com");
	CHECK_STR(mv_str_cstr(o.symbols), "MDN_REQUEST");
out:
	mv_engine_unref(&engine);
	mv_engine_unref(&junk);
}

static void test_mdn_enforce_no_reports_only(void)
{
	struct mv_engine *engine = engine_with("mdn_enforce = no\n");
	struct outcome o;

	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	o = scan(engine, "From: x@spam.example\nTo: alice@example.com\nSubject: s\nMessage-ID: <e1@spam.example>\n"
			 "Disposition-Notification-To: a@one.example, b@two.example\n\nx\n",
		 "x@spam.example", false, "alice@example.com");
	CHECK_STR(mv_str_cstr(o.symbols), "MDN_REQUEST MDN_REQUEST_FOREIGN");
	CHECK_CONTAINS(o.detail, "kept: mdn_enforce = no");
	CHECK_INT(o.changes, 0);
	/* The receipt answering it is reported, not refused. */
	o = scan(engine, "From: alice@example.com\nTo: a@one.example\nSubject: Not read: s\n"
			 "In-Reply-To: <e1@spam.example>\n\nYour message was deleted without being read.\n",
		 "alice@example.com", true, "a@one.example");
	CHECK_STR(mv_str_cstr(o.symbols), "MDN_OUTBOUND MDN_OUTBOUND_FOREIGN");
	CHECK_STR(mv_str_cstr(o.action), "accept");
	mv_engine_unref(&engine);
}

static const char receipt_to_dave[] = "From: alice@example.com\nTo: dave@stranger.example\nSubject: Read: plans\n"
				      "In-Reply-To: <never-seen@stranger.example>\n\nYour message was read on Monday.\n";

static void test_mdn_out_strangers_and_correspondents(void)
{
	struct mv_engine *engine = engine_with("");
	struct outcome o;

	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	/* A receipt for a message mailvet never saw, to an address alice never wrote to: refused. */
	o = scan(engine, receipt_to_dave, "alice@example.com", true, "dave@stranger.example");
	CHECK_STR(mv_str_cstr(o.action), "reject");
	CHECK_CONTAINS(o.detail, "an address the user never corresponded with");
	/* The refusal did not make dave a correspondent; writing to him does. */
	o = scan(engine, receipt_to_dave, "alice@example.com", true, "dave@stranger.example");
	CHECK_STR(mv_str_cstr(o.action), "reject");
	o = scan(engine, "From: alice@example.com\nTo: dave@stranger.example\nSubject: plans\n\nSee you.\n",
		 "alice@example.com", true, "dave@stranger.example");
	o = scan(engine, receipt_to_dave, "alice@example.com", true, "dave@stranger.example");
	CHECK_STR(mv_str_cstr(o.symbols), "MDN_OUTBOUND");
	CHECK_STR(mv_str_cstr(o.action), "accept");
	/* An auto-reply is reported with whom it goes to. */
	o = scan(engine, "From: alice@example.com\nTo: erin@new.example\nSubject: Automatic reply: hello\n"
			 "Auto-Submitted: auto-replied\nIn-Reply-To: <h@new.example>\n\nI am away.\n",
		 "alice@example.com", true, "erin@new.example");
	CHECK_STR(mv_str_cstr(o.symbols), "AUTOREPLY_OUTBOUND");
	CHECK_STR(mv_str_cstr(o.action), "accept");
	mv_engine_unref(&engine);
}

static void test_mdn_out_without_a_store(void)
{
	struct mv_engine *engine = offline_engine("local_domains = example.com\n");
	struct outcome o;

	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	o = scan(engine, receipt_to_dave, "alice@example.com", true, "dave@stranger.example");
	CHECK_STR(mv_str_cstr(o.symbols), "MDN_OUTBOUND");
	CHECK_STR(mv_str_cstr(o.action), "accept");
	/* Requests are still judged and removed; nothing is recorded. */
	o = scan(engine, "From: x@spam.example\nTo: alice@example.com\nSubject: s\n"
			 "Disposition-Notification-To: a@one.example\n\nx\n",
		 "x@spam.example", false, "alice@example.com");
	CHECK_STR(mv_str_cstr(o.symbols), "MDN_REQUEST MDN_REQUEST_FOREIGN");
	CHECK_INT(o.changes, 1);
	mv_engine_unref(&engine);
}

int main(void)
{
	char cmd[100];

	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_mdn_request_decisions);
	RUN(test_mdn_enforce_no_reports_only);
	RUN(test_mdn_out_strangers_and_correspondents);
	RUN(test_mdn_out_without_a_store);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return test_summary();
}
