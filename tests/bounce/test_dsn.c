/*
 * The bounce reader on messages made here: what each kind of report gives,
 * what only looks like a bounce, and hostile shapes (10,000 recipients, a
 * bounce in a bounce in a bounce, broken encodings), each with a clear result
 * in bounded time and memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsn/dsn.h"
#include "test.h"

struct text {
	char *p;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->p = realloc(t->p, t->cap);
		if (t->p == NULL)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

struct read {
	struct mv_msg *msg;
	struct dsn_report r;
	int rc;
};

static struct read read_msg(const char *text, size_t len, bool null_sender)
{
	struct read x;

	memset(&x, 0, sizeof(x));
	if (mv_msg_parse(text, len, NULL, &x.msg) < 0)
		abort();
	x.rc = dsn_read(x.msg, null_sender, &x.r);
	return x;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A Postfix report: per-message and per-recipient fields, the returned message in full. */
static const char postfix_dsn[] =
	"Return-Path: <>\n"
	"From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"To: alice@example.org\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B1\"\n"
	"Message-Id: <20240301.A1@mx.example.net>\n"
	"\n"
	"--B1\n"
	"Content-Type: text/plain\n"
	"\n"
	"This is the mail system at host mx.example.net.\n"
	"\n"
	"<bob@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1 unknown user\n"
	"\n"
	"--B1\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mx.example.net\n"
	"Original-Envelope-Id: ENV42\n"
	"Arrival-Date: Fri,  1 Mar 2024 10:00:00 +0000 (UTC)\n"
	"\n"
	"Final-Recipient: rfc822; bob@example.net\n"
	"Original-Recipient: rfc822;bob@example.net\n"
	"Action: failed\n"
	"Status: 5.1.1\n"
	"Remote-MTA: dns; mx2.example.net\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: Recipient address\n"
	"    rejected: User unknown\n"
	"\n"
	"Final-Recipient: rfc822; carol@example.net\n"
	"Action: delayed\n"
	"Status: 4.4.1\n"
	"\n"
	"--B1\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"Return-Path: <alice@example.org>\n"
	"Received: from out.example.org (out.example.org [198.51.100.7])\n"
	"\tby mx.example.net (Postfix) with ESMTPS id 4T1\n"
	"Received: from [10.0.0.2] by out.example.org (Postfix) with ESMTPSA id 9Q2\n"
	"From: Alice <alice@example.org>\n"
	"To: bob@example.net\n"
	"Subject: lunch\n"
	"Message-ID: <lunch.1@example.org>\n"
	"\n"
	"Tomorrow?\n"
	"--B1--\n";

static void test_rfc3464_fields(void)
{
	struct read x = read_msg(postfix_dsn, sizeof(postfix_dsn) - 1, false);
	const struct dsn_report *r = &x.r;

	CHECK_INT(x.rc, 0);
	CHECK_INT(r->kind, DSN_KIND_BOUNCE);
	CHECK(r->format != NULL && strcmp(r->format, "postfix") == 0);
	CHECK(r->flags & DSN_F_STRUCTURED);
	CHECK_STR(r->reporting_mta, "mx.example.net");
	CHECK_STR(r->envelope_id, "ENV42");
	CHECK_STR(r->arrival_date, "Fri,  1 Mar 2024 10:00:00 +0000 (UTC)");
	CHECK_INT(r->n_rcpt, 2);
	if (r->n_rcpt == 2) {
		CHECK_STR(r->rcpt[0].final_recipient, "bob@example.net");
		CHECK_STR(r->rcpt[0].original_recipient, "bob@example.net");
		CHECK_INT(r->rcpt[0].action, DSN_ACTION_FAILED);
		CHECK_STR(r->rcpt[0].status, "5.1.1");
		CHECK_STR(r->rcpt[0].remote_mta, "mx2.example.net");
		CHECK_STR(r->rcpt[0].diagnostic, "550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown");
		CHECK_STR(r->rcpt[1].final_recipient, "carol@example.net");
		CHECK_INT(r->rcpt[1].action, DSN_ACTION_DELAYED);
	}
	CHECK_INT(r->action, DSN_ACTION_FAILED);
	CHECK_INT(r->returned.source, DSN_RETURNED_MESSAGE);
	CHECK_STR(r->returned.message_id, "lunch.1@example.org");
	CHECK_STR(mv_str_trim(r->returned.return_path), "<alice@example.org>");
	CHECK_STR(mv_str_trim(r->returned.from), "Alice <alice@example.org>");
	CHECK_INT(r->returned.n_received, 2);
	CHECK(!(r->flags & DSN_F_NESTED));
	mv_msg_free(&x.msg);
}

/* Real reports bend RFC 3464: no blank line between recipients, Action first, fields in the text. */
static void test_fields_loose(void)
{
	static const char m[] =
		"From: MAILER-DAEMON@us-west-2.amazonses.com\n"
		"Subject: Delivery Status Notification (Failure)\n"
		"Content-Type: text/plain\n"
		"\n"
		"An error occurred while trying to deliver the mail to the following recipients:\n"
		"a@example.jp\n"
		"Technical report:\n"
		"Reporting-MTA: dsn; a27-85.smtp-out.example.com\n"
		"Action: failed\n"
		"Final-Recipient: rfc822; a@example.jp\n"
		"Diagnostic-Code: smtp; 550 5.1.1 <a@example.jp>... User Unknown\n"
		"Status: 5.1.1\n"
		"Action: failed\n"
		"Final-Recipient: rfc822; b@example.jp\n"
		"Status: 5.2.2\n"
		"\n"
		"Status: RO\n";
	struct read x = read_msg(m, sizeof(m) - 1, false);

	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK(x.r.flags & DSN_F_STRUCTURED);
	CHECK_INT(x.r.n_rcpt, 2);
	if (x.r.n_rcpt == 2) {
		CHECK_STR(x.r.rcpt[0].final_recipient, "a@example.jp");
		CHECK_STR(x.r.rcpt[0].status, "5.1.1");
		CHECK_STR(x.r.rcpt[1].final_recipient, "b@example.jp");
		CHECK_STR(x.r.rcpt[1].status, "5.2.2");
	}
	mv_msg_free(&x.msg);
}

/* qmail writes text only; the returned message follows its own line. */
static void test_qmail_text(void)
{
	static const char m[] =
		"Return-Path: <>\n"
		"From: MAILER-DAEMON@mx.example.jp\n"
		"Subject: failure notice\n"
		"\n"
		"Hi. This is the qmail-send program at mx.example.jp.\n"
		"I'm afraid I wasn't able to deliver your message to the following addresses.\n"
		"This is a permanent error; I've given up. Sorry it didn't work out.\n"
		"\n"
		"<nobody@example.jp>:\n"
		"Sorry, no mailbox here by that name. (#5.1.1)\n"
		"\n"
		"--- Below this line is a copy of the message.\n"
		"\n"
		"Return-Path: <forged@example.org>\n"
		"Received: (qmail 1 invoked from network); 1 Mar 2024 10:00:00 -0000\n"
		"Received: from unknown (HELO spam) (203.0.113.9)\n"
		"  by mx.example.jp with SMTP; 1 Mar 2024 10:00:00 -0000\n"
		"From: forged@example.org\n"
		"Message-Id: <spam.77@example.org>\n"
		"Subject: cheap\n"
		"\n"
		"buy\n";
	struct read x = read_msg(m, sizeof(m) - 1, true);

	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK(x.r.format != NULL && strcmp(x.r.format, "qmail") == 0);
	CHECK_INT(x.r.n_rcpt, 1);
	if (x.r.n_rcpt == 1) {
		CHECK_STR(x.r.rcpt[0].final_recipient, "nobody@example.jp");
		CHECK_STR(x.r.rcpt[0].status, "5.1.1");
		CHECK_INT(x.r.rcpt[0].action, DSN_ACTION_FAILED);
	}
	CHECK_INT(x.r.returned.source, DSN_RETURNED_TEXT);
	CHECK_STR(x.r.returned.message_id, "spam.77@example.org");
	CHECK_INT(x.r.returned.n_received, 2);
	CHECK_STR(mv_str_trim(x.r.returned.return_path), "<forged@example.org>");
	mv_msg_free(&x.msg);
}

/* A header block quoted with "> ": the quoting is not part of the values. */
static void test_quoted_block(void)
{
	static const char m[] =
		"From: Mail Delivery Subsystem <MAILER-DAEMON@example.com>\n"
		"Subject: Returned mail: see transcript for details\n"
		"\n"
		"The original message was received at Fri, 1 Mar 2024\n"
		"\n"
		"   ----- Original message -----\n"
		"> Received: from a.example.org\n"
		">\tby b.example.com; Fri, 1 Mar 2024 10:00:00 +0000\n"
		"> Message-ID:\n"
		">  <folded.1@example.org>\n"
		"> From: x@example.org\n";
	struct read x = read_msg(m, sizeof(m) - 1, false);

	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK_STR(x.r.returned.message_id, "folded.1@example.org");
	CHECK_INT(x.r.returned.n_received, 1);
	if (x.r.returned.n_received == 1)
		CHECK(memchr(x.r.returned.received[0].p, '>', x.r.returned.received[0].len) == NULL);
	mv_msg_free(&x.msg);
}

static void test_text_rfc822_headers(void)
{
	static const char m[] =
		"From: postmaster@example.net\n"
		"Subject: Undeliverable: hello\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n"
		"\n"
		"--b\n"
		"Content-Type: message/delivery-status\n"
		"\n"
		"Final-Recipient: rfc822; z@example.net\n"
		"Action: failed\n"
		"Status: 5.0.0\n"
		"\n"
		"--b\n"
		"Content-Type: text/rfc822-headers\n"
		"Content-Transfer-Encoding: base64\n"
		"\n"
		"TWVzc2FnZS1JRDogPGI2NC4xQGV4YW1wbGUub3JnPgpGcm9tOiB5QGV4YW1wbGUub3JnCgo=\n"
		"--b--\n";
	struct read x = read_msg(m, sizeof(m) - 1, false);

	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK_INT(x.r.returned.source, DSN_RETURNED_HEADERS);
	CHECK_STR(x.r.returned.message_id, "b64.1@example.org");
	CHECK_STR(mv_str_trim(x.r.returned.from), "y@example.org");
	mv_msg_free(&x.msg);
}

/* What only looks like a bounce. */
static void test_not_bounces(void)
{
	static const char receipt[] =
		"From: bob@example.net\nSubject: Read: lunch\n"
		"Content-Type: multipart/report; report-type=disposition-notification; boundary=r\n\n"
		"--r\nContent-Type: text/plain\n\nYour message was read.\n"
		"--r\nContent-Type: message/disposition-notification\n\n"
		"Final-Recipient: rfc822; bob@example.net\nDisposition: manual-action/MDN-sent-manually; displayed\n"
		"--r--\n";
	static const char arf[] =
		"From: abuse@example.net\nSubject: Abuse report\n"
		"Content-Type: multipart/report; report-type=feedback-report; boundary=f\n\n"
		"--f\nContent-Type: text/plain\n\nThis is an abuse report.\n"
		"--f\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: x/1\nVersion: 1\n"
		"--f\nContent-Type: message/rfc822\n\nFrom: a@example.org\nMessage-ID: <s@example.org>\n\nspam\n"
		"--f--\n";
	static const char vacation[] =
		"Return-Path: <>\nFrom: bob@example.net\nSubject: Out of Office: lunch\n"
		"Auto-Submitted: auto-replied\n\nI am away until Monday.\n";
	static const char ordinary[] =
		"From: carol@example.org\nSubject: the delivery failed again\n\n"
		"The parcel could not be delivered to our office: a permanent error of the courier.\n";
	static const char forwarded[] =
		"From: Alice <alice@example.org>\nSubject: Fwd: Undelivered Mail Returned to Sender\n\n"
		"Why did this fail?\n\n---------- Forwarded message ---------\n"
		"This is the mail system at host mx.example.net.\n";
	static const char vacation_ru[] =
		"From: ivan@example.net\nSubject: =?UTF-8?B?0JDQstGC0L7QvNCw0YLQuNGH0LXRgdC60LjQuSDQvtGC0LLQtdGCOiBsdW5jaA==?=\n\n"
		"away\n";
	static const char postmaster_news[] =
		"From: Postmaster <postmaster@example.org>\nSubject: Planned maintenance on Sunday\n\n"
		"The mail servers will be down for an hour.\n";
	static const struct {
		const char *text;
		size_t len;
		bool null_sender;
		enum dsn_kind kind;
	} cases[] = {
		{ receipt, sizeof(receipt) - 1, true, DSN_KIND_RECEIPT },
		{ arf, sizeof(arf) - 1, false, DSN_KIND_FEEDBACK },
		{ vacation, sizeof(vacation) - 1, true, DSN_KIND_AUTOREPLY },
		{ vacation_ru, sizeof(vacation_ru) - 1, false, DSN_KIND_AUTOREPLY },
		{ ordinary, sizeof(ordinary) - 1, false, DSN_KIND_NONE },
		{ forwarded, sizeof(forwarded) - 1, false, DSN_KIND_NONE },
		{ postmaster_news, sizeof(postmaster_news) - 1, false, DSN_KIND_NONE },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct read x = read_msg(cases[i].text, cases[i].len, cases[i].null_sender);

		if (x.r.kind != cases[i].kind)
			fprintf(stderr, "case %zu: %s (%s)\n", i, dsn_kind_name(x.r.kind), x.r.why ? x.r.why : "");
		CHECK_INT(x.r.kind, cases[i].kind);
		CHECK(x.r.n_rcpt == 0);
		mv_msg_free(&x.msg);
	}
}

/* Exim marks its bounces auto-replied too: a bounce is read as one, not as an auto-reply. */
static void test_exim_autosubmitted(void)
{
	static const char m[] =
		"From: Mail Delivery System <Mailer-Daemon@example.org>\n"
		"Subject: Mail delivery failed: returning message to sender\n"
		"Auto-Submitted: auto-replied\n"
		"X-Failed-Recipients: gone@example.com\n"
		"\n"
		"This message was created automatically by mail delivery software.\n\n"
		"A message that you sent could not be delivered to one or more of its\n"
		"recipients. This is a permanent error. The following address(es) failed:\n\n"
		"  gone@example.com\n"
		"    SMTP error from remote mail server after RCPT TO:<gone@example.com>:\n"
		"    550 5.1.1 User unknown\n\n"
		"------ This is a copy of the message, including all the headers. ------\n\n"
		"Return-path: <me@example.org>\n"
		"Message-Id: <E1abc@example.org>\n"
		"From: me@example.org\n\nhi\n";
	struct read x = read_msg(m, sizeof(m) - 1, true);

	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK(x.r.format != NULL && strcmp(x.r.format, "exim") == 0);
	CHECK_INT(x.r.n_rcpt, 1);
	if (x.r.n_rcpt == 1)
		CHECK_STR(x.r.rcpt[0].status, "5.1.1");
	CHECK_STR(x.r.returned.message_id, "E1abc@example.org");
	mv_msg_free(&x.msg);
}

static void dsn_head(struct text *t, const char *boundary)
{
	add(t, "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\n"
	       "Content-Type: multipart/report; report-type=delivery-status; boundary=\"%s\"\n\n"
	       "--%s\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n",
	    boundary, boundary);
}

/* 10,000 recipients: 100 kept, all counted, in bounded time and memory. */
static void test_many_recipients(void)
{
	struct text t = { 0 };
	struct read x;
	double t0;
	int i;

	dsn_head(&t, "M");
	for (i = 0; i < 10000; i++)
		add(&t, "Final-Recipient: rfc822; user%d@example.net\nAction: failed\nStatus: 5.1.1\n"
			"Diagnostic-Code: smtp; 550 user unknown\n\n", i);
	add(&t, "--M--\n");
	t0 = now_s();
	x = read_msg(t.p, t.len, true);
	CHECK(now_s() - t0 < time_bound(1.0));
	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK_INT(x.r.n_rcpt, DSN_MAX_RCPT);
	CHECK_INT(x.r.n_rcpt_seen, 10000);
	CHECK(x.r.flags & DSN_F_RCPT_LIMIT);
	CHECK(mv_arena_used(x.msg->arena) < (size_t)16 << 20);
	mv_msg_free(&x.msg);
	free(t.p);

	/* One recipient with 10,000 fields, and 10,000 recipients in one group with no blank line. */
	memset(&t, 0, sizeof(t));
	dsn_head(&t, "M");
	add(&t, "Final-Recipient: rfc822; one@example.net\n");
	for (i = 0; i < 10000; i++)
		add(&t, "Diagnostic-Code: smtp; 550 again %d\nX-Junk-%d: y\n", i, i);
	add(&t, "\n");
	for (i = 0; i < 10000; i++)
		add(&t, "Final-Recipient: rfc822; u%d@example.net\n", i);
	add(&t, "--M--\n");
	t0 = now_s();
	x = read_msg(t.p, t.len, true);
	CHECK(now_s() - t0 < time_bound(1.0));
	CHECK_INT(x.r.n_rcpt_seen, 10001);
	CHECK(x.r.n_rcpt > 0 && mv_str_eq(x.r.rcpt[0].diagnostic, "550 again 0"));
	mv_msg_free(&x.msg);
	free(t.p);
}

/* A bounce of a bounce of a bounce ...: the outer one is read, its returned message is a bounce. */
static void test_nested(void)
{
	struct text t = { 0 };
	struct read x;
	double t0;
	int depth;

	for (depth = 0; depth < 200; depth++) {
		add(&t, "From: MAILER-DAEMON@hop%d.example\nSubject: Undelivered Mail Returned to Sender\n"
			"Message-ID: <bounce.%d@hop%d.example>\nReturn-Path: <>\n"
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"N%d\"\n\n"
			"--N%d\nContent-Type: message/delivery-status\n\n"
			"Final-Recipient: rfc822; r%d@hop%d.example\nAction: failed\nStatus: 5.0.0\n\n"
			"--N%d\nContent-Type: message/rfc822\n\n",
		    depth, depth, depth, depth, depth, depth, depth, depth);
	}
	add(&t, "From: first@example.org\nMessage-ID: <first@example.org>\n\nhello\n");
	for (depth = 199; depth >= 0; depth--)
		add(&t, "--N%d--\n", depth);
	t0 = now_s();
	x = read_msg(t.p, t.len, true);
	CHECK(now_s() - t0 < time_bound(1.0));
	CHECK_INT(x.rc, 0);
	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK_INT(x.r.n_rcpt, 1);
	if (x.r.n_rcpt == 1)
		CHECK_STR(x.r.rcpt[0].final_recipient, "r0@hop0.example");
	CHECK_STR(x.r.returned.message_id, "bounce.1@hop1.example");
	CHECK(x.r.flags & DSN_F_NESTED);
	mv_msg_free(&x.msg);
	free(t.p);
}

/* Broken encodings: each still gives a kind and what could be read, never a crash. */
static void test_bad_encodings(void)
{
	static const char bad_b64[] =
		"From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=e\n\n"
		"--e\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n"
		"!!!!****not base64 at all\x01\x02\xff\xfe====\n"
		"--e\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
		"UmVjZWl2ZWQ6IGZyb20gYQpNZXNzYWdlLUlEOiA8ZW5jQGV4YW1wbGUub3JnPgoKYm9keQo=\n"
		"--e--\n";
	static const char bad_qp[] =
		"From: MAILER-DAEMON@x.example\nSubject: Delivery Status Notification (Failure)\n"
		"Content-Type: text/plain; charset=x-unknown-charset\nContent-Transfer-Encoding: quoted-printable\n\n"
		"Delivery to the following recipient failed permanently:=\n\n     a@example.com=ZZ\n"
		"Message-ID: <qp=3D1@example.org>\n";
	static const char nul_bytes[] =
		"From: MAILER-DAEMON@x.example\nSubject: failure notice\n\n"
		"Hi. This is the qmail-send program\0 at x.\n<a@example.com>:\n\0\0\0\nMessage-ID: <\0>\n";
	static const char no_boundary[] =
		"From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"declared\"\n\n"
		"--actual\nContent-Type: message/delivery-status\n\n"
		"Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n\n"
		"--actual\nContent-Type: message/rfc822\n\nMessage-ID: <inside@example.org>\nFrom: b@example.org\n\nx\n"
		"--actual--\n";
	struct read x;

	x = read_msg(bad_b64, sizeof(bad_b64) - 1, true);
	CHECK_INT(x.rc, 0);
	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK_INT(x.r.n_rcpt, 0);
	CHECK_STR(x.r.returned.message_id, "enc@example.org");
	mv_msg_free(&x.msg);

	x = read_msg(bad_qp, sizeof(bad_qp) - 1, true);
	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK_STR(x.r.returned.message_id, "qp=1@example.org");
	mv_msg_free(&x.msg);

	x = read_msg(nul_bytes, sizeof(nul_bytes) - 1, true);
	CHECK_INT(x.rc, 0);
	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	mv_msg_free(&x.msg);

	/* The declared boundary never appears: the fields and the returned header are read from the text. */
	x = read_msg(no_boundary, sizeof(no_boundary) - 1, true);
	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK_INT(x.r.n_rcpt, 1);
	CHECK_STR(x.r.returned.message_id, "inside@example.org");
	mv_msg_free(&x.msg);
}

/* A huge text part is searched in its first DSN_MAX_TEXT bytes only. */
static void test_long_text(void)
{
	struct text t = { 0 };
	struct read x;
	double t0;
	int i;

	add(&t, "From: MAILER-DAEMON@x.example\nSubject: failure notice\n\n");
	for (i = 0; i < 200000; i++)
		add(&t, "Received: x%d\n", i);
	add(&t, "Message-ID: <late@example.org>\n");
	t0 = now_s();
	x = read_msg(t.p, t.len, true);
	CHECK(now_s() - t0 < time_bound(1.0));
	CHECK_INT(x.r.kind, DSN_KIND_BOUNCE);
	CHECK(x.r.flags & DSN_F_TEXT_LIMIT);
	CHECK(x.r.returned.n_received <= DSN_MAX_RECEIVED);
	mv_msg_free(&x.msg);
	free(t.p);
}

int main(void)
{
	RUN(test_rfc3464_fields);
	RUN(test_fields_loose);
	RUN(test_qmail_text);
	RUN(test_quoted_block);
	RUN(test_text_rfc822_headers);
	RUN(test_not_bounces);
	RUN(test_exim_autosubmitted);
	RUN(test_many_recipients);
	RUN(test_nested);
	RUN(test_bad_encodings);
	RUN(test_long_text);
	return test_summary();
}
