/*
 * The joiner and the detectors on logs made here: content-filter hops, a
 * guessed password, a new client, bounces, a burst of mail, the merge of
 * inputs in time order, the bound on open queue ids, New Year.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include "logs/logs_int.h"
#include "test.h"

struct text {
	char *p;
	size_t len, cap;
};

static void add(struct text *b, int64_t t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A traditional syslog line at t (UTC). */
static void add(struct text *b, int64_t t, const char *fmt, ...)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char line[2048];
	struct tm tm;
	time_t tt = (time_t)t;
	va_list ap;
	int n;

	gmtime_r(&tt, &tm);
	n = snprintf(line, sizeof(line), "%s %2d %02d:%02d:%02d mx ", mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	if (b->len + (size_t)n > b->cap) {
		b->cap = (b->len + (size_t)n) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, line, (size_t)n);
	b->len += (size_t)n;
}

static int64_t T(int y, int mo, int d, int h, int mi, int s)
{
	return logs_civil_seconds(y, (unsigned)mo, (unsigned)d, (unsigned)h, (unsigned)mi, (unsigned)s);
}

static unsigned qid_n;

/* What the milter writes after the queue id, after cleanup's lines; NULL for nothing. */
static const char *milter_line;

/* One message through submission: its lines, its queue id in qid (11 bytes). */
static void message(struct text *b, int64_t t, const char *user, const char *ip, const char *rcpt, const char *subject,
		    const char *status, char *qid)
{
	snprintf(qid, 11, "%010X", 0x1000000u + ++qid_n);
	add(b, t, "postfix/submission/smtpd[%u]: connect from c[%s]", 100 + qid_n % 50, ip);
	add(b, t, "postfix/submission/smtpd[%u]: %s: client=c[%s], sasl_method=PLAIN, sasl_username=%s", 100 + qid_n % 50,
	    qid, ip, user);
	add(b, t, "postfix/cleanup[9]: %s: message-id=<%s@example.com>", qid, qid);
	add(b, t, "postfix/cleanup[9]: %s: warning: header Subject: %s from c[%s]; from=<%s> to=<%s> proto=ESMTP helo=<c>",
	    qid, subject, ip, user, rcpt);
	if (milter_line != NULL)
		add(b, t, "mailvet[77]: %s: %s", qid, milter_line);
	add(b, t, "postfix/qmgr[8]: %s: from=<%s>, size=1000, nrcpt=1 (queue active)", qid, user);
	add(b, t, "postfix/submission/smtpd[%u]: disconnect from c[%s] ehlo=1 auth=1 mail=1 rcpt=1 data=1 commands=5",
	    100 + qid_n % 50, ip);
	add(b, t + 1, "postfix/smtp[7]: %s: to=<%s>, relay=mx.x[198.51.100.1]:25, delay=1, dsn=%s, status=%s (x)", qid, rcpt,
	    strcmp(status, "sent") == 0 ? "2.0.0" : strcmp(status, "deferred") == 0 ? "4.7.1" : "5.1.1", status);
	if (strcmp(status, "deferred") != 0)
		add(b, t + 1, "postfix/qmgr[8]: %s: removed", qid);
}

static mv_logs *run(const struct text *b, int year)
{
	struct mv_logs_settings set = { .year = year };
	mv_logs *lg = mv_logs_new(&set);

	CHECK(lg != NULL);
	CHECK_INT(logs_add_memory(lg, "mem", b->p, b->len), 0);
	CHECK_INT(mv_logs_run(lg, NULL, NULL), 0);
	return lg;
}

static const struct logs_account *account(const mv_logs *lg, const char *name)
{
	uint32_t i = logs_account_find(&lg->accounts, mv_str_cstr(name));

	return i != 0 ? &lg->accounts.v[i - 1] : NULL;
}

static const struct logs_finding *finding(const mv_logs *lg, enum logs_kind kind, unsigned nth)
{
	uint32_t i;

	for (i = 0; i < lg->n_findings; i++)
		if (lg->findings[i].kind == kind && nth-- == 0)
			return &lg->findings[i];
	return NULL;
}

/* amavis: the hop to 127.0.0.1:10024 is no recipient; the message back from it keeps the account and the receipt. */
static void test_logs_content_filter_hop(void)
{
	struct text b = { 0 };
	int64_t t = T(2026, 11, 2, 9, 0, 0);
	const struct logs_account *a;
	mv_logs *lg;

	add(&b, t, "postfix/submission/smtpd[10]: connect from c[192.0.2.7]");
	add(&b, t, "postfix/submission/smtpd[10]: AAAA000001: client=c[192.0.2.7], sasl_method=PLAIN, sasl_username=joe");
	add(&b, t, "postfix/cleanup[9]: AAAA000001: message-id=<m1@example.com>");
	add(&b, t, "postfix/cleanup[9]: AAAA000001: warning: header Subject: Not read: x from c[192.0.2.7]; from=<joe@example.com> to=<a@b.example> proto=ESMTP helo=<c>");
	add(&b, t, "postfix/qmgr[8]: AAAA000001: from=<joe@example.com>, size=1000, nrcpt=1 (queue active)");
	add(&b, t + 1, "postfix/smtpd[11]: connect from localhost[127.0.0.1]");
	add(&b, t + 1, "postfix/smtpd[11]: BBBB000002: client=localhost[127.0.0.1]");
	add(&b, t + 1, "postfix/cleanup[9]: BBBB000002: message-id=<m1@example.com>");
	add(&b, t + 1, "postfix/qmgr[8]: BBBB000002: from=<joe@example.com>, size=1200, nrcpt=1 (queue active)");
	add(&b, t + 1, "postfix/smtp[7]: AAAA000001: to=<a@b.example>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as BBBB000002)");
	add(&b, t + 1, "postfix/qmgr[8]: AAAA000001: removed");
	add(&b, t + 2, "postfix/smtp[7]: BBBB000002: to=<a@b.example>, relay=mx.b.example[198.51.100.1]:25, delay=1, dsn=2.0.0, status=sent (250 ok)");
	add(&b, t + 2, "postfix/qmgr[8]: BBBB000002: removed");
	lg = run(&b, 2026);
	a = account(lg, "joe");
	CHECK(a != NULL);
	if (a != NULL) {
		CHECK_INT(a->messages, 1);
		CHECK_INT(a->recipients, 1);
		CHECK_INT(a->receipts, 1);
	}
	CHECK_INT(lg->count.parsed, lg->count.lines);
	mv_logs_free(&lg);
	free(b.p);
}

/* A filter that forwards the original queue id (XFORWARD): the message back from it keeps the account. */
static void test_logs_content_filter_xforward(void)
{
	struct text b = { 0 };
	int64_t t = T(2026, 11, 2, 9, 0, 0);
	const struct logs_account *a;
	mv_logs *lg;

	add(&b, t, "postfix/submission/smtpd[10]: AAAA000011: client=c[192.0.2.7], sasl_method=PLAIN, sasl_username=kim");
	add(&b, t, "postfix/qmgr[8]: AAAA000011: from=<kim@example.com>, size=1000, nrcpt=1 (queue active)");
	add(&b, t + 1, "postfix/smtpd[11]: BBBB000012: client=localhost[127.0.0.1], orig_queue_id=AAAA000011, orig_client=c[192.0.2.7]");
	add(&b, t + 1, "postfix/qmgr[8]: BBBB000012: from=<kim@example.com>, size=1200, nrcpt=1 (queue active)");
	add(&b, t + 2, "postfix/smtp[7]: BBBB000012: to=<z@z.example>, relay=mx.z.example[198.51.100.1]:25, delay=1, dsn=2.0.0, status=sent (250 ok)");
	add(&b, t + 2, "postfix/smtp[7]: AAAA000011: to=<z@z.example>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as BBBB000012)");
	lg = run(&b, 2026);
	a = account(lg, "kim");
	CHECK(a != NULL);
	if (a != NULL) {
		CHECK_INT(a->messages, 1);
		CHECK_INT(a->recipients, 1);
		CHECK(a->n_uses == 1 && a->uses[0].ip.b[3] == 7);
	}
	mv_logs_free(&lg);
	free(b.p);
}

/* Failed IMAP logins, then a good one from the same address, then mail: high, with that mail as evidence. */
static void test_logs_guessed_password(void)
{
	struct text b = { 0 };
	int64_t t = T(2026, 11, 2, 3, 0, 0);
	const struct logs_finding *f;
	char q1[11], q2[11];
	mv_logs *lg;
	int i;

	for (i = 0; i < 6; i++)
		add(&b, t + i * 60, "dovecot: imap-login: Disconnected (auth failed, 2 attempts in 10 secs): user=<carol>, method=PLAIN, rip=203.0.113.9, lip=192.0.2.1, TLS, session=<s%d>", i);
	add(&b, t + 400, "dovecot: imap-login: Login: user=<carol>, method=PLAIN, rip=203.0.113.9, lip=192.0.2.1, mpid=5, TLS, session=<ok>");
	message(&b, t + 500, "carol", "203.0.113.9", "x@spam.example", "hello", "sent", q1);
	message(&b, t + 560, "carol", "203.0.113.9", "y@spam.example", "hello", "sent", q2);
	/* another address: a few failures only, no finding */
	for (i = 0; i < 3; i++)
		add(&b, t + i, "postfix/smtpd[5]: warning: unknown[198.51.100.77]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");
	lg = run(&b, 2026);
	f = finding(lg, LOGS_K_PASSWORD_GUESSING, 0);
	CHECK(f != NULL);
	CHECK(finding(lg, LOGS_K_PASSWORD_GUESSING, 1) == NULL);
	if (f != NULL) {
		CHECK_INT(f->severity, LOGS_HIGH);
		CHECK_INT(f->count, 12);
		CHECK(f->account != 0 && strcmp(lg->accounts.v[f->account - 1].name, "carol") == 0);
		CHECK_INT(f->refs.n, 2);
		CHECK(logs_refs_has(&f->refs, q1) && logs_refs_has(&f->refs, q2));
		CHECK(f->summary != NULL && strstr(f->summary, "then it logged in as carol (IMAP)") != NULL);
		CHECK(f->advice != NULL && strstr(f->advice, "change it now") != NULL);
	}
	mv_logs_free(&lg);
	free(b.p);
}

/* Weeks from one office address, then mail from a network never used: new_client. */
static void test_logs_new_client(void)
{
	struct text b = { 0 };
	int64_t t = T(2026, 10, 1, 9, 0, 0);
	const struct logs_finding *f;
	char q[11], q_new[11];
	mv_logs *lg;
	int d;

	for (d = 0; d < 10; d++) {
		message(&b, t + d * LOGS_DAY, "dave", "192.0.2.44", "p@partner.example", "report", "sent", q);
		message(&b, t + d * LOGS_DAY + 3600, "dave", "192.0.2.44", "p@partner.example", "report", "sent", q);
		message(&b, t + d * LOGS_DAY + 7200, "dave", "192.0.2.45", "p@partner.example", "report", "sent", q);
	}
	/* an IMAP login from the new address first: no habit of sending */
	add(&b, t + 10 * LOGS_DAY, "dovecot: imap-login: Login: user=<dave>, method=PLAIN, rip=203.0.113.50, lip=192.0.2.1, mpid=5, TLS, session=<a>");
	message(&b, t + 10 * LOGS_DAY + 60, "dave", "203.0.113.50", "p@partner.example", "report", "sent", q_new);
	lg = run(&b, 2026);
	f = finding(lg, LOGS_K_NEW_CLIENT, 0);
	CHECK(f != NULL);
	if (f != NULL) {
		CHECK_INT(f->severity, LOGS_LOW);
		CHECK_INT(f->count, 1);
		CHECK(logs_refs_has(&f->refs, q_new));
		CHECK(f->summary != NULL && strstr(f->summary, "203.0.113.50") != NULL);
	}
	CHECK_INT(lg->n_findings, 1);
	mv_logs_free(&lg);
	free(b.p);
}

/* A day on which half the recipients bounced. */
static void test_logs_bounce_rate(void)
{
	struct text b = { 0 };
	int64_t t = T(2026, 11, 2, 8, 0, 0);
	const struct logs_finding *f;
	char q[11];
	mv_logs *lg;
	int i;

	for (i = 0; i < 30; i++) {
		char rcpt[64];

		snprintf(rcpt, sizeof(rcpt), "r%d@list%d.example", i, i % 5);
		message(&b, t + i * 600, "eve", "192.0.2.60", rcpt, "offer", i % 2 == 0 ? "bounced" : "sent", q);
	}
	lg = run(&b, 2026);
	f = finding(lg, LOGS_K_BOUNCE_RATE, 0);
	CHECK(f != NULL);
	if (f != NULL) {
		CHECK_INT(f->count, 15);
		CHECK_INT(f->a, 30);
		CHECK_INT(f->refs.n, 15);
		CHECK_INT(f->severity, LOGS_MEDIUM);
	}
	mv_logs_free(&lg);
	free(b.p);
}

/* Ten days of a few messages an hour, then 300 in one hour to new domains: burst and new_domains. */
static void test_logs_burst_and_new_domains(void)
{
	struct text b = { 0 };
	int64_t t = T(2026, 10, 1, 8, 0, 0), spike = T(2026, 10, 12, 14, 0, 0);
	const struct logs_finding *f;
	char q[11], rcpt[64];
	mv_logs *lg;
	int d, h, i;

	for (d = 0; d < 11; d++)
		for (h = 0; h < 8; h++)
			for (i = 0; i < 3; i++) {
				snprintf(rcpt, sizeof(rcpt), "p%d@partner%d.example", i, h % 4);
				message(&b, t + d * LOGS_DAY + h * 3600 + i * 600, "frank", "192.0.2.70", rcpt, "work", "sent", q);
			}
	for (i = 0; i < 300; i++) {
		snprintf(rcpt, sizeof(rcpt), "x@target%d.example", i);
		message(&b, spike + i * 10, "frank", "192.0.2.70", rcpt, "Great offer", "sent", q);
	}
	lg = run(&b, 2026);
	f = finding(lg, LOGS_K_BURST, 0);
	CHECK(f != NULL);
	if (f != NULL) {
		CHECK_INT(f->count, 300);
		CHECK_INT(f->start, spike);
		CHECK_INT(f->end, spike + 3600);
		CHECK_INT(f->refs.n, 300);
		CHECK_INT(f->severity, LOGS_HIGH);
		CHECK_INT(f->a, 3);
	}
	f = finding(lg, LOGS_K_NEW_DOMAINS, 0);
	CHECK(f != NULL);
	if (f != NULL)
		CHECK_INT(f->count, 300);
	CHECK(finding(lg, LOGS_K_RECEIPT_BURST, 0) == NULL);
	mv_logs_free(&lg);
	free(b.p);
}

/* A message whose lines are split over two inputs is joined only if they are merged by time. */
static void test_logs_merge_in_time_order(void)
{
	struct text a = { 0 }, b = { 0 };
	int64_t t = T(2026, 11, 2, 9, 0, 0);
	struct mv_logs_settings set = { .year = 2026 };
	const struct logs_account *acc;
	mv_logs *lg = mv_logs_new(&set);

	add(&a, t, "postfix/submission/smtpd[10]: CCCC000001: client=c[192.0.2.7], sasl_method=PLAIN, sasl_username=gina");
	add(&b, t + 1, "postfix/qmgr[8]: CCCC000001: from=<gina@example.com>, size=1000, nrcpt=2 (queue active)");
	add(&a, t + 2, "postfix/smtp[7]: CCCC000001: to=<x@one.example>, relay=mx[198.51.100.1]:25, delay=1, dsn=2.0.0, status=sent (ok)");
	add(&b, t + 3, "postfix/smtp[7]: CCCC000001: to=<y@two.example>, relay=mx[198.51.100.2]:25, delay=1, dsn=2.0.0, status=sent (ok)");
	add(&a, t + 4, "postfix/qmgr[8]: CCCC000001: removed");
	CHECK_INT(logs_add_memory(lg, "b", b.p, b.len), 0);
	CHECK_INT(logs_add_memory(lg, "a", a.p, a.len), 0);
	CHECK_INT(mv_logs_run(lg, NULL, NULL), 0);
	acc = account(lg, "gina");
	CHECK(acc != NULL);
	if (acc != NULL) {
		CHECK_INT(acc->messages, 1);
		CHECK_INT(acc->recipients, 2);
		CHECK_INT(acc->domains, 2);
	}
	CHECK_INT(lg->start, t);
	CHECK_INT(lg->end, t + 4);
	mv_logs_free(&lg);
	free(a.p);
	free(b.p);
}

/* At most max_open queue ids stay open: the oldest are given to their accounts and let go. */
static void test_logs_open_queue_ids_bounded(void)
{
	struct text b = { 0 };
	struct mv_logs_settings set = { .year = 2026, .max_open = 4 };
	int64_t t = T(2026, 11, 2, 9, 0, 0);
	const struct logs_account *acc;
	char q[11];
	mv_logs *lg;
	int i;

	for (i = 0; i < 20; i++)
		message(&b, t + i, "hank", "192.0.2.80", "x@greylist.example", "hi", "deferred", q);
	lg = mv_logs_new(&set);
	CHECK_INT(logs_add_memory(lg, "mem", b.p, b.len), 0);
	CHECK_INT(mv_logs_run(lg, NULL, NULL), 0);
	CHECK(lg->queue.evicted >= 16);
	CHECK_INT(lg->queue.open, 0);
	acc = account(lg, "hank");
	CHECK(acc != NULL);
	if (acc != NULL) {
		CHECK_INT(acc->messages, 20);
		CHECK_INT(acc->deferred, 20);
	}
	mv_logs_free(&lg);
	free(b.p);
}

/* Traditional stamps across New Year: --year is the newest line's year. */
static void test_logs_new_year(void)
{
	static const char text[] = "Dec 31 23:59:58 mx postfix/qmgr[8]: DDDD000001: removed\n"
				   "Jan  1 00:00:03 mx postfix/qmgr[8]: DDDD000002: removed\n"
				   "Jan  1 00:00:04 mx postfix/qmgr[8]: DDDD000003: removed\n";
	struct mv_logs_settings set = { .year = 2027 };
	mv_logs *lg = mv_logs_new(&set);

	CHECK_INT(logs_add_memory(lg, "mem", text, sizeof(text) - 1), 0);
	CHECK_INT(mv_logs_run(lg, NULL, NULL), 0);
	CHECK_INT(lg->start, T(2026, 12, 31, 23, 59, 58));
	CHECK_INT(lg->end, T(2027, 1, 1, 0, 0, 4));
	CHECK_INT(lg->count.bad_time, 0);
	mv_logs_free(&lg);
}

/* Wrong times: impossible ones, and a jump back that no other line agrees with. */
static void test_logs_wrong_times(void)
{
	static const char text[] = "Nov  2 09:00:00 mx postfix/qmgr[8]: DDDD000001: removed\n"
				   "Nov 31 09:00:01 mx postfix/qmgr[8]: DDDD000002: removed\n"
				   "Oct  2 09:00:01 mx postfix/qmgr[8]: DDDD000003: removed\n"
				   "Nov  2 09:00:02 mx postfix/qmgr[8]: DDDD000004: removed\n"
				   "Nov  2 09:00:03 mx postfix/qmgr[8]: DDDD000005: removed\n";
	struct mv_logs_settings set = { .year = 2026 };
	mv_logs *lg = mv_logs_new(&set);

	CHECK_INT(logs_add_memory(lg, "mem", text, sizeof(text) - 1), 0);
	CHECK_INT(mv_logs_run(lg, NULL, NULL), 0);
	CHECK_INT(lg->count.bad_time, 2);
	CHECK_INT(lg->count.parsed, 3);
	CHECK_INT(lg->end, T(2026, 11, 2, 9, 0, 3));
	mv_logs_free(&lg);
}

/* A receipt run to correspondents is low; receipts the milter saw count without subjects. */
static void test_logs_receipts_from_milter(void)
{
	struct text b = { 0 };
	int64_t t = T(2026, 11, 2, 9, 0, 0);
	const struct logs_finding *f;
	char q[11], rcpt[64];
	mv_logs *lg;
	int i;

	milter_line = "action=accept score=1.00 client=192.0.2.90 sasl_user=ivy receipt=yes symbols=MDN";
	for (i = 0; i < 12; i++) {
		snprintf(rcpt, sizeof(rcpt), "info@shop%d.example", i);
		message(&b, t + i * 30, "ivy", "192.0.2.90", rcpt, "(not logged)", "sent", q);
	}
	milter_line = NULL;
	lg = run(&b, 2026);
	f = finding(lg, LOGS_K_RECEIPT_BURST, 0);
	CHECK(f != NULL);
	if (f != NULL) {
		CHECK_INT(f->count, 12);
		CHECK_INT(f->severity, LOGS_MEDIUM);
		CHECK_INT(f->refs.n, 12);
	}
	mv_logs_free(&lg);
	free(b.p);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	RUN(test_logs_content_filter_hop);
	RUN(test_logs_content_filter_xforward);
	RUN(test_logs_guessed_password);
	RUN(test_logs_new_client);
	RUN(test_logs_bounce_rate);
	RUN(test_logs_burst_and_new_domains);
	RUN(test_logs_merge_in_time_order);
	RUN(test_logs_open_queue_ids_bounded);
	RUN(test_logs_new_year);
	RUN(test_logs_wrong_times);
	RUN(test_logs_receipts_from_milter);
	return test_summary();
}
