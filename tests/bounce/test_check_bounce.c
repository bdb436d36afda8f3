/*
 * The bounce check through mv_scan(), where no store is needed: what gets a
 * tagged sender and what does not, the tags of inbound recipients (a valid
 * one taken off, a bad one reported, rejected only on a bounce from the null
 * sender), batv_required, the relays of the returned message, and the
 * configuration errors.  The joins through the store are in t_scenarios.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "offline_engine.h"
#include "mailvet/batv.h"
#include "mailvet/scan.h"
#include "test.h"

#define T0 ((int64_t)1794214800)	/* 2026-11-09T09:00:00Z */

static char keys_path[256];

static const char bounce[] =
	"From: MAILER-DAEMON@mx.faraway.example (Mail Delivery System)\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
	"--b\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns; mx.faraway.example\n\n"
	"Final-Recipient: rfc822; gone@faraway.example\nAction: failed\nStatus: 5.1.1\n\n"
	"--b\nContent-Type: message/rfc822\n\n"
	"Received: from mx.example.org (mx.example.org [192.0.2.10]) by mx.faraway.example with ESMTP\n"
	"From: alice@example.org\nMessage-ID: <m1@example.org>\n\nhi\n--b--\n";

static const char ordinary[] = "From: carol@example.net\nSubject: lunch\nMessage-ID: <c1@example.net>\n\nhi\n";

static struct mv_engine *engine_with(const char *extra)
{
	char conf[1024];

	snprintf(conf, sizeof(conf), "local_domains = example.org\nlocal_networks = 10.1.0.0/16\n"
				     "trusted_relays = mx.example.org\nbatv_key_file = %s\n%s", keys_path, extra);
	return offline_engine(conf);
}

struct scanned {
	struct mv_msg *msg;
	struct mv_report report;
};

static struct scanned scan(struct mv_engine *engine, const char *text, const char *client, const char *sasl,
			   const char *from, const char *rcpt)
{
	struct mv_envelope env;
	struct scanned s;
	mv_str rcpts[1];

	memset(&s, 0, sizeof(s));
	memset(&env, 0, sizeof(env));
	env.conn.client_ip = mv_str_cstr(client);
	env.conn.sasl_user = mv_str_cstr(sasl);
	env.conn.authenticated = sasl != NULL;
	if (from != NULL) {
		env.txn.has_mail_from = true;
		env.txn.mail_from = mv_str_cstr(from);
	}
	if (rcpt != NULL) {
		rcpts[0] = mv_str_cstr(rcpt);
		env.txn.rcpt = rcpts;
		env.txn.n_rcpt = 1;
	}
	env.txn.time = T0;
	if (mv_msg_parse(text, strlen(text), mv_engine_limits(engine), &s.msg) < 0 ||
	    mv_scan(engine, s.msg, &env, &s.report) != MV_OK)
		abort();
	return s;
}

static bool has(const struct scanned *s, const char *name)
{
	return mv_report_symbol(&s->report, name) != NULL;
}

static const struct mv_change *change(const struct scanned *s, enum mv_change_op op)
{
	unsigned i;

	for (i = 0; i < s->report.n_changes; i++) {
		if (s->report.changes[i].op == op)
			return &s->report.changes[i];
	}
	return NULL;
}

/* The tag `mailvet batv sign` would give the address at T0. */
static void tag_of(const char *address, int64_t when, char *out, size_t size)
{
	struct mv_batv_keys *keys = NULL;
	char *error = NULL;

	if (mv_batv_keys_load(keys_path, &keys, &error) < 0 ||
	    mv_batv_sign(keys, mv_str_cstr(address), when, 7, out, size) <= 0)
		abort();
	mv_batv_keys_free(&keys);
}

static void test_signing(void)
{
	struct mv_engine *e = engine_with("");
	struct scanned s;
	const struct mv_change *c;
	char want[128];

	CHECK(e != NULL);
	if (e == NULL)
		return;
	tag_of("alice@example.org", T0, want, sizeof(want));
	s = scan(e, ordinary, "10.1.2.3", "alice", "alice@example.org", "bob@faraway.example");
	c = change(&s, MV_CHANGE_CHANGE_FROM);
	CHECK(c != NULL && mv_str_eq(c->value, want) && mv_str_eq(c->old, "alice@example.org"));
	mv_msg_free(&s.msg);
	/* Internal mail, another domain's sender, the null sender, a tagged sender: untouched. */
	s = scan(e, ordinary, "10.1.2.3", "alice", "alice@example.org", "bob@example.org");
	CHECK_INT(s.report.n_changes, 0);
	mv_msg_free(&s.msg);
	s = scan(e, ordinary, "10.1.2.3", "alice", "alice@elsewhere.example", "bob@faraway.example");
	CHECK_INT(s.report.n_changes, 0);
	mv_msg_free(&s.msg);
	s = scan(e, ordinary, "10.1.2.3", "alice", "", "bob@faraway.example");
	CHECK_INT(s.report.n_changes, 0);
	mv_msg_free(&s.msg);
	s = scan(e, ordinary, "10.1.2.3", "alice", want, "bob@faraway.example");
	CHECK_INT(s.report.n_changes, 0);
	mv_msg_free(&s.msg);
	/* Inbound mail is never tagged. */
	s = scan(e, ordinary, "198.51.100.9", NULL, "alice@example.org", "bob@example.org");
	CHECK(change(&s, MV_CHANGE_CHANGE_FROM) == NULL);
	mv_msg_free(&s.msg);
	mv_engine_unref(&e);
}

static void test_inbound_tags(void)
{
	struct mv_engine *e = engine_with("");
	struct scanned s;
	const struct mv_change *c;
	char tag[128], copied[128];

	if (e == NULL)
		return;
	tag_of("alice@example.org", T0 - 86400, tag, sizeof(tag));
	snprintf(copied, sizeof(copied), "%.16sbob@example.org", tag);
	/* A bounce to a valid tag: ours, the tag taken off. */
	s = scan(e, bounce, "198.51.100.9", NULL, "", tag);
	CHECK(has(&s, "BOUNCE") && has(&s, "BOUNCE_VALID") && !has(&s, "BOUNCE_BACKSCATTER"));
	c = change(&s, MV_CHANGE_CHANGE_RCPT);
	CHECK(c != NULL && mv_str_eq(c->value, "alice@example.org") && mv_str_eq(c->old, tag));
	CHECK_INT(s.report.action, MV_ACTION_ACCEPT);
	mv_msg_free(&s.msg);
	/* A copied tag on a bounce: rejected with a reply. */
	s = scan(e, bounce, "198.51.100.9", NULL, "", copied);
	CHECK(has(&s, "BATV_INVALID") && has(&s, "BOUNCE_BACKSCATTER"));
	CHECK_INT(s.report.action, MV_ACTION_REJECT);
	CHECK(s.report.reply.len != 0 && change(&s, MV_CHANGE_CHANGE_RCPT) == NULL);
	mv_msg_free(&s.msg);
	/* The same bounce from a non-null sender: reported, not judged. */
	s = scan(e, bounce, "198.51.100.9", NULL, "postmaster@faraway.example", copied);
	CHECK(has(&s, "BOUNCE") && has(&s, "BATV_INVALID") && !has(&s, "BOUNCE_BACKSCATTER"));
	CHECK(s.report.action != MV_ACTION_REJECT);
	mv_msg_free(&s.msg);
	/* Ordinary mail to a valid tag (an auto-reply to the envelope sender): the tag is taken off. */
	s = scan(e, ordinary, "198.51.100.9", NULL, "carol@example.net", tag);
	CHECK(!has(&s, "BOUNCE") && change(&s, MV_CHANGE_CHANGE_RCPT) != NULL);
	mv_msg_free(&s.msg);
	/* Untagged, batv_required off, returned through our relay, no store: no verdict. */
	s = scan(e, bounce, "198.51.100.9", NULL, "", "alice@example.org");
	CHECK(has(&s, "BOUNCE") && !has(&s, "BOUNCE_VALID") && !has(&s, "BOUNCE_BACKSCATTER"));
	mv_msg_free(&s.msg);
	mv_engine_unref(&e);

	e = engine_with("batv_required = yes\n");
	if (e == NULL)
		return;
	s = scan(e, bounce, "198.51.100.9", NULL, "", "alice@example.org");
	CHECK(has(&s, "BOUNCE_BACKSCATTER"));
	CHECK_INT(s.report.action, MV_ACTION_REJECT);
	mv_msg_free(&s.msg);
	/* Another domain's address is not ours to require a tag of. */
	s = scan(e, bounce, "198.51.100.9", NULL, "", "someone@elsewhere.example");
	CHECK(!has(&s, "BOUNCE_BACKSCATTER"));
	mv_msg_free(&s.msg);
	mv_engine_unref(&e);
}

/* Without Received through mx.example.org, the returned message was never ours. */
static void test_relays(void)
{
	struct mv_engine *e = engine_with("");
	struct scanned s;
	char *forged = strdup(bounce), *p;

	if (e == NULL || forged == NULL)
		return;
	p = strstr(forged, "from mx.example.org (mx.example.org [192.0.2.10])");
	memcpy(p, "from bot.cable.example (unknown [198.18.0.1])", 45);
	memset(p + 45, ' ', strlen("from mx.example.org (mx.example.org [192.0.2.10])") - 45);
	s = scan(e, forged, "198.51.100.9", NULL, "", "alice@example.org");
	CHECK(has(&s, "BOUNCE_BACKSCATTER"));
	mv_msg_free(&s.msg);
	mv_engine_unref(&e);
	/* The bouncer's own loopback hop is not ours, even when loopback is among our relays. */
	e = engine_with("trusted_relays = mx.example.org, 127.0.0.1\n");
	if (e == NULL)
		return;
	memcpy(p, "from localhost (localhost [127.0.0.1])       ", 45);
	s = scan(e, forged, "198.51.100.9", NULL, "", "alice@example.org");
	CHECK(has(&s, "BOUNCE_BACKSCATTER"));
	mv_msg_free(&s.msg);
	free(forged);
	mv_engine_unref(&e);
	/* No trusted_relays: nothing to judge by. */
	e = offline_engine("local_domains = example.org\n");
	if (e == NULL)
		return;
	s = scan(e, bounce, "198.51.100.9", NULL, "", "alice@example.org");
	CHECK(has(&s, "BOUNCE") && !has(&s, "BOUNCE_BACKSCATTER"));
	mv_msg_free(&s.msg);
	mv_engine_unref(&e);
}

static void test_config_errors(void)
{
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *e = NULL;
	char *error = NULL;
	static const char bad[] = "batv_required = yes\n";

	CHECK(mv_config_read_text(cfg, "site.conf", bad, strlen(bad), &error) == 0);
	mv_config_finish(cfg);
	CHECK(mv_engine_new(cfg, &e, &error) < 0);
	CHECK(error != NULL && strstr(error, "site.conf:1: batv_required: needs batv_key_file") != NULL);
	free(error);
	mv_config_unref(&cfg);

	cfg = mv_engine_config_new();
	error = NULL;
	CHECK(mv_config_read_text(cfg, "/etc/site.conf", "batv_key_file = /nonexistent/keys\n", 34, &error) == 0);
	mv_config_finish(cfg);
	CHECK(mv_engine_new(cfg, &e, &error) < 0);
	CHECK(error != NULL && strstr(error, "/etc/site.conf:1: batv_key_file: /nonexistent/keys: No such file") != NULL);
	free(error);
	mv_config_unref(&cfg);
}

int main(void)
{
	FILE *f;

	snprintf(keys_path, sizeof(keys_path), "/tmp/test_check_bounce.%d.keys", (int)getpid());
	f = fopen(keys_path, "w");
	if (f == NULL || fputs("1 0123456789abcdef0123\n", f) < 0 || fclose(f) != 0)
		return 1;
	RUN(test_signing);
	RUN(test_inbound_tags);
	RUN(test_relays);
	RUN(test_config_errors);
	unlink(keys_path);
	return test_summary();
}
