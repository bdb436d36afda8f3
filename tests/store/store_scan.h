/*
 * Scans through the engine with a store: the built-in checks (the `store`
 * check records) and a tiny test check "lookup" that asks what later checks
 * will ask: task_store_sent() for the In-Reply-To of each message
 * (T_SENT_FOUND, detail "sender rcpts"), task_store_peer() for the SASL user
 * and the first recipient of outbound mail, for the first recipient and the
 * From address of inbound mail (T_PEER_KNOWN).  Subject "junk"
 * makes it report T_JUNK (score 20), so the message is not accepted.
 * store_scenario() is the sequence both backends must pass.
 */
#ifndef MAILVET_TEST_STORE_SCAN_H
#define MAILVET_TEST_STORE_SCAN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine_int.h"
#include "mailvet/scan.h"
#include "test.h"

#define T0 1796688000	/* 2026-12-07 */

enum { SYM_SENT_FOUND, SYM_PEER_KNOWN, SYM_JUNK };

static const struct check_symbol lookup_symbols[] = {
	[SYM_SENT_FOUND] = { "T_SENT_FOUND", "test", 0.0, "In-Reply-To names mail we sent" },
	[SYM_PEER_KNOWN] = { "T_PEER_KNOWN", "test", 0.0, "the user and the From address corresponded" },
	[SYM_JUNK] = { "T_JUNK", "test", 20.0, "the subject says junk" },
};

static int lookup_run(struct mv_task *task, void *state)
{
	struct mv_msg *msg = task_msg(task);
	const struct mv_envelope *env = task_envelope(task);
	const struct mv_header *h = mv_part_header(msg->root, "In-Reply-To");
	const struct mv_addr *from = mv_msg_from(msg);
	mv_str sender, rcpts, rcpt = env->txn.n_rcpt != 0 ? env->txn.rcpt[0] : MV_STR_NULL;
	bool outbound = env->conn.sasl_user.len != 0;
	mv_str user = outbound ? env->conn.sasl_user : rcpt;
	mv_str address = outbound ? rcpt : from != NULL ? from->address : MV_STR_NULL;

	h = mv_part_header(msg->root, "Subject");
	if (h != NULL && mv_str_find_ci(h->value, "junk") != NULL)
		(void)task_symbol(task, SYM_JUNK, NULL);
	h = mv_part_header(msg->root, "In-Reply-To");
	if (h != NULL && task_store_sent(task, h->value, &sender, &rcpts) == MV_OK)
		(void)task_symbol(task, SYM_SENT_FOUND, "%.*s %.*s", (int)sender.len, sender.p, (int)rcpts.len, rcpts.p);
	if (user.len != 0 && address.len != 0 && task_store_peer(task, user, address) == MV_OK)
		(void)task_symbol(task, SYM_PEER_KNOWN, NULL);
	return MV_OK;
}

static const struct check_def check_lookup = {
	.name = "lookup", .description = "test", .symbols = lookup_symbols, .n_symbols = 3,
	.stage = MV_STAGE_BODY, .run = lookup_run,
};

static struct mv_engine *store_engine(const char *conf)
{
	static const struct check_def *const extra[] = { &check_lookup };
	struct mv_config *cfg = engine_config_new_with(extra, 1);
	struct mv_engine *e = NULL;
	char *error = NULL;

	if (cfg != NULL && mv_config_read_text(cfg, "test.conf", conf, strlen(conf), &error) == 0 &&
	    mv_config_set(cfg, "dns_zone = data/no-records.zone", &error) == 0) {
		mv_config_finish(cfg);
		(void)engine_new_with(cfg, extra, 1, &e, &error);
	}
	if (error != NULL)
		fprintf(stderr, "store_engine: %s\n", error);
	free(error);
	mv_config_unref(&cfg);
	return e;
}

static double scan_seconds;	/* how long the last scan_one took */

static double now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

/* "Name <a@b>" -> "a@b" */
static mv_str bare(const char *addr)
{
	const char *lt = strchr(addr, '<');

	return lt != NULL ? mv_str_make(lt + 1, strcspn(lt + 1, ">")) : mv_str_cstr(addr);
}

/*
 * Scans one message: outbound when sasl_user is given, else inbound from
 * 203.0.113.9.  Returns the symbols as "NAME[=detail] ..." (static).
 */
static const char *scan_one(struct mv_engine *e, const char *from, const char *to, const char *subject,
			    const char *msgid, const char *in_reply_to, const char *sasl_user, int64_t now)
{
	static char out[2048];
	char text[2048];
	struct mv_envelope env;
	struct mv_report report;
	struct mv_msg *msg = NULL;
	double t0;
	mv_str rcpt = bare(to);
	size_t len = 0;
	unsigned i;
	int n;

	n = snprintf(text, sizeof(text), "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n%s%s%s\r\nhello\r\n",
		     from, to, subject, msgid, in_reply_to != NULL ? "In-Reply-To: <" : "",
		     in_reply_to != NULL ? in_reply_to : "", in_reply_to != NULL ? ">\r\n" : "");
	memset(&env, 0, sizeof(env));
	env.conn.client_ip = sasl_user != NULL ? MV_STR_LIT("192.0.2.10") : MV_STR_LIT("203.0.113.9");
	env.conn.helo = MV_STR_LIT("mail.example.net");
	env.conn.sasl_user = mv_str_cstr(sasl_user);
	env.conn.authenticated = sasl_user != NULL;
	env.txn.has_mail_from = true;
	env.txn.mail_from = bare(from);
	env.txn.rcpt = &rcpt;
	env.txn.n_rcpt = 1;
	env.txn.time = now;
	out[0] = '\0';
	if (mv_msg_parse(text, (size_t)n, NULL, &msg) < 0)
		return "parse failed";
	t0 = now_monotonic();
	(void)mv_scan(e, msg, &env, &report);
	scan_seconds = now_monotonic() - t0;
	for (i = 0; i < report.n_symbols && len < sizeof(out) - 1; i++) {
		const struct mv_symbol *s = &report.symbols[i];

		if (strncmp(s->name, "T_", 2) != 0 && strcmp(s->name, "STORE_UNAVAILABLE") != 0)
			continue;
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s%s%.*s", len != 0 ? " " : "", s->name,
					s->detail.len != 0 && strncmp(s->name, "T_", 2) == 0 ? "=" : "",
					strncmp(s->name, "T_", 2) == 0 ? (int)s->detail.len : 0, s->detail.p);
	}
	mv_msg_free(&msg);
	return out;
}

/* The detail of STORE_UNAVAILABLE in the last scan is not kept: this gives it for one scan. */
static const char *unavailable_detail(struct mv_engine *e, int64_t now)
{
	static char out[512];
	static const char text[] = "From: x@example.net\r\nTo: y@example.org\r\nMessage-ID: <u@example.net>\r\n\r\nhi\r\n";
	struct mv_envelope env;
	struct mv_report report;
	struct mv_msg *msg = NULL;
	const struct mv_symbol *s;
	mv_str rcpt = MV_STR_LIT("y@example.org");

	memset(&env, 0, sizeof(env));
	env.conn.client_ip = MV_STR_LIT("203.0.113.9");
	env.txn.rcpt = &rcpt;
	env.txn.n_rcpt = 1;
	env.txn.time = now;
	out[0] = '\0';
	if (mv_msg_parse(text, sizeof(text) - 1, NULL, &msg) < 0)
		return "parse failed";
	(void)mv_scan(e, msg, &env, &report);
	s = mv_report_symbol(&report, "STORE_UNAVAILABLE");
	if (s != NULL)
		snprintf(out, sizeof(out), "%.*s", (int)s->detail.len, s->detail.p);
	mv_msg_free(&msg);
	return out;
}

/* CHECK_STR reads its view more than once: the scan is made once, before. */
#define SCAN(e, from, to, subject, id, irt, user, now, expected) do { \
	mv_str got_ = mv_str_cstr(scan_one(e, from, to, subject, id, irt, user, now)); \
	CHECK_STR(got_, expected); \
} while (0)

/* Messages in the order a server sees them; what each finds depends on those before it. */
static void store_scenario(struct mv_engine *e)
{
	/* Alice sends; Bob's reply is joined to it, and Bob is her correspondent. */
	SCAN(e, "Carol <carol@other.example>", "alice@example.org", "hi", "r0@other.example", "m1@example.org", NULL,
	     T0, "");
	SCAN(e, "alice@example.org", "Bob <bob@other.example>", "lunch?", "M1@Example.ORG", NULL, "alice", T0, "");
	SCAN(e, "Bob <bob@other.example>", "alice@example.org", "Re: lunch?", "r1@other.example", "m1@example.org",
	     NULL, T0 + 3600, "T_SENT_FOUND=alice@example.org bob@other.example");
	/* The reply was ordinary mail, accepted: Bob is now a correspondent of alice@example.org too. */
	SCAN(e, "bob@other.example", "alice@example.org", "again", "r2@other.example", NULL, NULL, T0 + 7200,
	     "T_PEER_KNOWN");
	/* Alice (the SASL user) wrote to Bob. */
	SCAN(e, "alice@example.org", "bob@other.example", "x", "m2@example.org", NULL, "alice", T0 + 7300,
	     "T_PEER_KNOWN");
	/* A stranger's junk makes no correspondent; a reply to mail nobody sent finds nothing. */
	SCAN(e, "eve@bad.example", "alice@example.org", "junk", "j1@bad.example", "forged@example.org", NULL,
	     T0 + 8000, "T_JUNK");
	SCAN(e, "eve@bad.example", "alice@example.org", "hello", "j2@bad.example", NULL, NULL, T0 + 8100, "");
	/* After store_sent_days (30), the sent message is forgotten; the correspondent (90) is not. */
	SCAN(e, "bob@other.example", "alice@example.org", "late", "r3@other.example", "m1@example.org", NULL,
	     T0 + 31 * 86400, "T_PEER_KNOWN");
	SCAN(e, "Bob <bob@other.example>", "alice@example.org", "Re: x", "r4@other.example", "m2@example.org", NULL,
	     T0 + 29 * 86400, "T_SENT_FOUND=alice@example.org bob@other.example T_PEER_KNOWN");
}

#endif
