/*
 * The log readers line by line: envelopes and their times, each program's
 * lines and what they give, receipt subjects, addresses, the line reader's
 * limits.
 */
#include <stdlib.h>
#include <time.h>

#include "logs/logs_int.h"
#include "test.h"

static mv_str S(const char *s)
{
	return mv_str_cstr(s);
}

static void test_logs_stamp_traditional(void)
{
	struct logs_tz tz;
	struct logs_line l;

	logs_tz_init(&tz);
	CHECK_INT(logs_stamp_parse(S("Nov  2 09:00:01 mx postfix/smtpd[1201]: connect from a[192.0.2.7]"), &tz, &l), LOGS_OK);
	CHECK(!l.stamp.has_year);
	CHECK_INT(l.stamp.mon, 11);
	CHECK_INT(l.stamp.day, 2);
	CHECK_INT(l.stamp.hour, 9);
	CHECK_INT(l.stamp.sec, 1);
	CHECK_STR(l.host, "mx");
	CHECK_STR(l.prog, "postfix/smtpd");
	CHECK_INT(l.pid, 1201);
	CHECK_STR(l.msg, "connect from a[192.0.2.7]");
	/* Dovecot's own log: a zero-padded day, no host, no pid. */
	CHECK_INT(logs_stamp_parse(S("Nov 02 09:00:01 imap-login: Info: Login: user=<a>, rip=1.2.3.4"), &tz, &l), LOGS_OK);
	CHECK_STR(l.prog, "imap-login");
	CHECK(l.host.len == 0);
	CHECK_STR(l.msg, "Info: Login: user=<a>, rip=1.2.3.4");
	/* Impossible times. */
	CHECK_INT(logs_stamp_parse(S("Nov 31 09:00:01 mx postfix/smtpd[1]: x"), &tz, &l), LOGS_BAD_TIME);
	CHECK_INT(logs_stamp_parse(S("Nov  2 25:00:01 mx postfix/smtpd[1]: x"), &tz, &l), LOGS_BAD_TIME);
	CHECK_INT(logs_stamp_parse(S("Nov  2 09:6x:01 mx postfix/smtpd[1]: x"), &tz, &l), LOGS_BAD_TIME);
	CHECK_INT(logs_stamp_parse(S("Feb 29 09:00:01 mx postfix/smtpd[1]: x"), &tz, &l), LOGS_OK);
	/* Cut short. */
	CHECK_INT(logs_stamp_parse(S("Nov  2 09:00"), &tz, &l), LOGS_TRUNCATED);
	CHECK_INT(logs_stamp_parse(S("Nov  2 09:00:01 mx"), &tz, &l), LOGS_TRUNCATED);
	CHECK_INT(logs_stamp_parse(S("Nov  2 09:00:01 mx postfix/smtpd[1]:"), &tz, &l), LOGS_TRUNCATED);
	/* Not a log line at all. */
	CHECK_INT(logs_stamp_parse(S("hello world"), &tz, &l), LOGS_UNKNOWN);
	CHECK_INT(logs_stamp_parse(S(""), &tz, &l), LOGS_UNKNOWN);
	CHECK_INT(logs_stamp_parse(S("Nov  2 09:00:01 mx last message repeated 3 times"), &tz, &l), LOGS_UNKNOWN);
	CHECK_INT(logs_stamp_parse(S("-- Boot 0123456789abcdef --"), &tz, &l), LOGS_NOTHING);
}

static void test_logs_stamp_with_year(void)
{
	struct logs_tz tz;
	struct logs_line l;
	char iso[32];

	logs_tz_init(&tz);
	CHECK_INT(logs_stamp_parse(S("2026-11-02T09:00:01.123456+01:00 mx postfix/qmgr[900]: ABCDEF1234: removed"), &tz,
				   &l), LOGS_OK);
	CHECK(l.stamp.has_year);
	CHECK(strcmp(logs_time_iso(l.stamp.t, iso), "2026-11-02T08:00:01Z") == 0);
	CHECK_STR(l.prog, "postfix/qmgr");
	/* journalctl -o short-iso: +0100 */
	CHECK_INT(logs_stamp_parse(S("2026-11-02T09:00:01+0100 mx postfix/qmgr[900]: ABCDEF1234: removed"), &tz, &l),
		  LOGS_OK);
	CHECK(strcmp(logs_time_iso(l.stamp.t, iso), "2026-11-02T08:00:01Z") == 0);
	CHECK_INT(logs_stamp_parse(S("2026-11-02T09:00:01Z mx postfix/qmgr[900]: ABCDEF1234: removed"), &tz, &l), LOGS_OK);
	CHECK(strcmp(logs_time_iso(l.stamp.t, iso), "2026-11-02T09:00:01Z") == 0);
	/* Exim: space-separated, an optional zone */
	CHECK_INT(logs_stamp_parse(S("2026-11-02 09:00:01 1vAbCd-000Ab1-Xy Completed"), &tz, &l), LOGS_OK);
	CHECK_INT(l.style, LOGS_STYLE_EXIM);
	CHECK_STR(l.msg, "1vAbCd-000Ab1-Xy Completed");
	CHECK_INT(logs_stamp_parse(S("2026-11-02 09:00:01 -0500 1vAbCd-000Ab1-Xy Completed"), &tz, &l), LOGS_OK);
	CHECK(strcmp(logs_time_iso(l.stamp.t, iso), "2026-11-02T14:00:01Z") == 0);
	CHECK_INT(logs_stamp_parse(S("2026-13-02T09:00:01Z mx p[1]: x"), &tz, &l), LOGS_BAD_TIME);
	CHECK_INT(logs_stamp_parse(S("2026-02-30 09:00:01 x"), &tz, &l), LOGS_BAD_TIME);
	CHECK_INT(logs_stamp_parse(S("2026-11-02T09:00:01+01:00"), &tz, &l), LOGS_TRUNCATED);
}

static void test_logs_journal_json(void)
{
	const char *line = "{\"__CURSOR\":\"s=1;i=2\",\"__REALTIME_TIMESTAMP\":\"1793610001000000\",\"_HOSTNAME\":\"mx\","
			   "\"SYSLOG_IDENTIFIER\":\"postfix/smtpd\",\"_PID\":\"1201\",\"PRIORITY\":6,\"_X\":[1,{\"a\":\"]\"}],"
			   "\"MESSAGE\":\"ABCDEF1234: client=a[192.0.2.7], sasl_method=PLAIN, sasl_username=j\\u00f6e\\\"x\"}";
	char scratch[1024], iso[32];
	struct logs_line l;

	CHECK_INT(logs_journal_parse(S(line), scratch, &l), LOGS_OK);
	CHECK(strcmp(logs_time_iso(l.stamp.t, iso), "2026-11-02T09:00:01Z") == 0);
	CHECK_STR(l.prog, "postfix/smtpd");
	CHECK_STR(l.host, "mx");
	CHECK_INT(l.pid, 1201);
	CHECK_STR(l.msg, "ABCDEF1234: client=a[192.0.2.7], sasl_method=PLAIN, sasl_username=j\xc3\xb6" "e\"x");
	CHECK_INT(logs_journal_parse(S("{\"__REALTIME_TIMESTAMP\":\"1793610001000000\",\"SYSLOG_IDENTIFIER\":\"x\","
				       "\"MESSAGE\":[1,2,0,3]}"), scratch, &l), LOGS_BINARY);
	CHECK_INT(logs_journal_parse(S("{\"SYSLOG_IDENTIFIER\":\"x\",\"MESSAGE\":\"m\"}"), scratch, &l), LOGS_BAD_TIME);
	CHECK_INT(logs_journal_parse(S("{\"__REALTIME_TIMESTAMP\":\"17936"), scratch, &l), LOGS_TRUNCATED);
	CHECK_INT(logs_journal_parse(S("{\"MESSAGE\":\"a\\"), scratch, &l), LOGS_TRUNCATED);
}

/* The Postfix lines, one case each: kind, status and the fields the joiner reads. */
static void test_logs_postfix_lines(void)
{
	struct logs_event e;

#define PARSE(daemon, text) (memset(&e, 0, sizeof(e)), logs_postfix_parse(S(daemon), S(text), &e))
	CHECK_INT(PARSE("smtpd", "connect from mail.example.org[2001:db8::25]"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_CONNECT);
	CHECK_STR(e.ip, "mail.example.org[2001:db8::25]");
	CHECK_INT(PARSE("smtpd", "disconnect from a[192.0.2.7] ehlo=1 auth=0/1 commands=1/2"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_DISCONNECT);
	CHECK_INT(PARSE("smtpd", "4ABCDEF123: client=pc7.example.com[192.0.2.7], sasl_method=PLAIN, sasl_username=joe@example.com"),
		  LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_CLIENT);
	CHECK_STR(e.qid, "4ABCDEF123");
	CHECK_STR(e.ip, "pc7.example.com[192.0.2.7]");
	CHECK_STR(e.user, "joe@example.com");
	CHECK_INT(PARSE("smtpd", "4ABCDEF123: client=pc7.example.com[192.0.2.7]"), LOGS_OK);
	CHECK(e.user.len == 0);
	CHECK_INT(PARSE("smtpd", "5BCDEF2345: client=localhost[127.0.0.1], orig_queue_id=4ABCDEF123, "
			"orig_client=pc7.example.com[192.0.2.7]"), LOGS_OK);
	CHECK_STR(e.child, "4ABCDEF123");
	/* long queue ids (enable_long_queue_ids) */
	CHECK_INT(PARSE("smtpd", "4TpZ8N0XxYz2Bq7: client=a[192.0.2.7]"), LOGS_OK);
	CHECK_STR(e.qid, "4TpZ8N0XxYz2Bq7");
	CHECK_INT(PARSE("cleanup", "4ABCDEF123: message-id=<abc@example.com>"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_MSGID);
	CHECK_STR(e.text, "abc@example.com");
	CHECK_INT(PARSE("cleanup", "4ABCDEF123: warning: header Subject: Not read: from the boss from "
			"pc7.example.com[192.0.2.7]; from=<joe@example.com> to=<x@y.example> proto=ESMTP helo=<PC7>"),
		  LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_HEADER);
	CHECK_STR(e.name, "Subject");
	CHECK_STR(e.text, "Not read: from the boss");
	CHECK_STR(e.addr, "x@y.example");
	CHECK_INT(e.status, LOGS_ST_NONE);
	CHECK_INT(PARSE("cleanup", "4ABCDEF123: reject: header Subject: Win big from a[192.0.2.7]; from=<j@e.example> "
			"to=<x@y.example> proto=ESMTP helo=<a>: 5.7.1 No"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_HEADER);
	CHECK_INT(e.status, LOGS_ST_REJECTED);
	CHECK_STR(e.text, "Win big");
	/* A subject that writes the fields itself: the last "; from=<" is Postfix's. */
	CHECK_INT(PARSE("cleanup", "4ABCDEF123: info: header Subject: a; from=<evil> from local; from=<j@e.example> "
			"to=<x@y.example>"), LOGS_OK);
	CHECK_STR(e.text, "a; from=<evil>");
	CHECK_STR(e.addr, "x@y.example");
	CHECK_INT(PARSE("qmgr", "4ABCDEF123: from=<joe@example.com>, size=1234, nrcpt=3 (queue active)"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_FROM);
	CHECK_STR(e.addr, "joe@example.com");
	CHECK_INT(e.n, 3);
	CHECK_INT(e.size, 1234);
	CHECK_INT(PARSE("qmgr", "4ABCDEF123: from=<>, size=1234, nrcpt=1 (queue active)"), LOGS_OK);
	CHECK(e.addr.p != NULL && e.addr.len == 0);
	CHECK_INT(PARSE("qmgr", "4ABCDEF123: from=<joe@example.com>, status=expired, returned to sender"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_NONE);
	CHECK_INT(PARSE("qmgr", "4ABCDEF123: from=<joe@example.com>, size=12"), LOGS_TRUNCATED);
	CHECK_INT(PARSE("smtp", "4ABCDEF123: to=<x@y.example>, relay=mx.y.example[198.51.100.1]:25, delay=1.1, "
			"delays=0.1/0/0.5/0.5, dsn=4.7.1, status=deferred (host said: 450 4.7.1 Greylisted)"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_RCPT);
	CHECK_INT(e.status, LOGS_ST_DEFERRED);
	CHECK_STR(e.addr, "x@y.example");
	CHECK_STR(e.relay, "mx.y.example[198.51.100.1]:25");
	CHECK(!(e.flags & LOGS_F_LOCAL));
	CHECK_INT(PARSE("smtp", "4ABCDEF123: to=<x@y.example>, relay=none, delay=1, dsn=5.4.4, status=bounced (Host not found)"),
		  LOGS_OK);
	CHECK_INT(e.status, LOGS_ST_BOUNCED);
	CHECK_INT(PARSE("lmtp", "4ABCDEF123: to=<joe@example.com>, orig_to=<joe>, relay=mx[private/dovecot-lmtp], delay=0.1, "
			"dsn=2.0.0, status=sent (250 2.0.0 <joe@example.com> abc Saved)"), LOGS_OK);
	CHECK_INT(e.status, LOGS_ST_SENT);
	CHECK(e.flags & LOGS_F_LOCAL);
	CHECK_STR(e.orig, "joe");
	/* A content filter on this host: a hop, with the queue id it came back as. */
	CHECK_INT(PARSE("smtp", "4ABCDEF123: to=<x@y.example>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, dsn=2.0.0, "
			"status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 5BCDEF2345)"), LOGS_OK);
	CHECK_INT(e.status, LOGS_ST_HOP);
	CHECK_STR(e.child, "5BCDEF2345");
	CHECK_INT(PARSE("smtp", "4ABCDEF123: to=<x@y.example>, relay=mx.y.example[198.51.100.1]:25, delay=1, dsn=2.0.0, "
			"status=sent (250 2.0.0 Ok: queued as 5BCDEF2345)"), LOGS_OK);
	CHECK_INT(e.status, LOGS_ST_SENT);
	CHECK_INT(PARSE("smtp", "4ABCDEF123: to=<x@y.example>, relay=mx.y.example[198.51.100.1]:25, delay=1, dsn=2.0."), LOGS_TRUNCATED);
	CHECK_INT(PARSE("smtp", "4ABCDEF123: to=<x@y.exa"), LOGS_TRUNCATED);
	CHECK_INT(PARSE("smtp", "4ABCDEF123: to=<x@y.example>, relay=v, status=deliverable (x)"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_NONE);
	CHECK_INT(PARSE("bounce", "4ABCDEF123: sender non-delivery notification: 5BCDEF2345"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_NOTICE);
	CHECK_STR(e.child, "5BCDEF2345");
	CHECK_INT(PARSE("qmgr", "4ABCDEF123: removed"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_REMOVED);
	CHECK_INT(PARSE("smtpd", "NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 554 5.7.1 <x@y>: Relay access denied; "
			"from=<a@b.example> to=<x@y> proto=ESMTP helo=<z>"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_REJECT);
	CHECK_STR(e.ip, "unknown[192.0.2.9]");
	CHECK_STR(e.name, "RCPT");
	CHECK_STR(e.addr, "x@y");
	CHECK_INT(PARSE("smtpd", "4ABCDEF123: milter-reject: END-OF-MESSAGE from a[192.0.2.7]: 5.7.1 Spam; "
			"from=<a@b.example> to=<x@y.example> proto=ESMTP helo=<z>"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_REJECT);
	CHECK_STR(e.qid, "4ABCDEF123");
	CHECK_STR(e.name, "END-OF-MESSAGE");
	CHECK_INT(PARSE("smtpd", "warning: unknown[203.0.113.66]: SASL LOGIN authentication failed: UGFzc3dvcmQ6"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_AUTH_FAIL);
	CHECK_STR(e.ip, "unknown[203.0.113.66]");
	CHECK(e.user.len == 0);
	CHECK_INT(PARSE("smtpd", "warning: unknown[203.0.113.66]: SASL PLAIN authentication failed: "
			"authentication failure, sasl_username=admin"), LOGS_OK);
	CHECK_STR(e.user, "admin");
	CHECK_INT(PARSE("smtpd", "warning: hostname x does not resolve to address 1.2.3.4"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_NONE);
	CHECK_INT(PARSE("anvil", "statistics: max connection rate 1/60s for (smtp:1.2.3.4) at Nov  2 09:00:00"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_NONE);
#undef PARSE
}

static void test_logs_dovecot_lines(void)
{
	struct logs_event e;

#define PARSE(prog, text) (memset(&e, 0, sizeof(e)), logs_dovecot_parse(S(prog), S(text), &e))
	CHECK_INT(PARSE("dovecot", "imap-login: Login: user=<joe@example.com>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, "
			"mpid=2222, TLS, session=<abc>"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_LOGIN);
	CHECK_INT(e.service, LOGS_SVC_IMAP);
	CHECK_STR(e.user, "joe@example.com");
	CHECK_STR(e.ip, "192.0.2.7");
	CHECK_INT(PARSE("pop3-login", "Info: Login: user=<joe>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, mpid=2"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_LOGIN);
	CHECK_INT(e.service, LOGS_SVC_POP3);
	CHECK_INT(PARSE("dovecot", "imap-login: Disconnected (auth failed, 3 attempts in 12 secs): user=<admin>, "
			"method=PLAIN, rip=203.0.113.66, lip=192.0.2.1, TLS, session=<d>"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_AUTH_FAIL);
	CHECK_INT(e.n, 3);
	CHECK_STR(e.user, "admin");
	CHECK_STR(e.ip, "203.0.113.66");
	CHECK_INT(PARSE("dovecot", "submission-login: Login aborted: Connection closed (auth failed, 2 attempts in 9 secs) "
			"(auth_failed): user=<>, rip=203.0.113.66, lip=192.0.2.1, session=<d>"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_AUTH_FAIL);
	CHECK_INT(e.n, 2);
	CHECK_INT(e.service, LOGS_SVC_SUBMISSION);
	CHECK(e.user.len == 0);
	CHECK_INT(PARSE("dovecot", "auth: passwd-file(joe@example.com,203.0.113.66,<sess>): Password mismatch"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_AUTH_USER);
	CHECK_STR(e.user, "joe@example.com");
	CHECK_STR(e.ip, "203.0.113.66");
	CHECK_INT(PARSE("auth-worker(123)", "Info: pam(a,b,c,192.0.2.5): unknown user"), LOGS_OK);
	CHECK_STR(e.user, "a,b,c");
	CHECK_STR(e.ip, "192.0.2.5");
	CHECK_INT(PARSE("dovecot", "imap(joe)<1><s>: Logged out in=1 out=2"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_NONE);
	CHECK_INT(PARSE("dovecot", "imap-login: Login: user=<joe>, method=PLAIN"), LOGS_TRUNCATED);
#undef PARSE
}

static void test_logs_exim_lines(void)
{
	struct logs_event e;
	mv_str list, a;

#define PARSE(text) (memset(&e, 0, sizeof(e)), logs_exim_parse(S(text), &e))
	CHECK_INT(PARSE("1vAbCd-000Ab1-Xy <= joe@example.com H=pc7 (PC7) [192.0.2.7]:50123 I=[192.0.2.1]:587 P=esmtpsa "
			"X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:joe@example.com S=2345 id=m1@pc7 "
			"T=\"Not read: \\\"offer\\\"\" for a@x.example b@y.example"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_ARRIVAL);
	CHECK_STR(e.qid, "1vAbCd-000Ab1-Xy");
	CHECK_STR(e.addr, "joe@example.com");
	CHECK_STR(e.ip, "192.0.2.7");
	CHECK_STR(e.user, "joe@example.com");
	CHECK_INT(e.size, 2345);
	CHECK_STR(e.name, "m1@pc7");
	CHECK_STR(e.text, "Not read: \\\"offer\\\"");
	list = e.rcpts;
	CHECK(logs_exim_next_rcpt(&list, &a));
	CHECK_STR(a, "a@x.example");
	CHECK(logs_exim_next_rcpt(&list, &a));
	CHECK_STR(a, "b@y.example");
	CHECK(!logs_exim_next_rcpt(&list, &a));
	/* Exim 4.97 ids, +pid */
	CHECK_INT(PARSE("[4321] 1vAbCd-00000003Rq-0fG0 <= <> R=1vAbCd-000Ab1-Xy U=Debian-exim P=local S=3456"), LOGS_OK);
	CHECK_STR(e.qid, "1vAbCd-00000003Rq-0fG0");
	CHECK(e.addr.len == 0);
	CHECK_STR(e.child, "1vAbCd-000Ab1-Xy");
	CHECK_INT(PARSE("1vAbCd-000Ab1-Xy => a@x.example R=dnslookup T=remote_smtp H=mx.x.example [198.51.100.2] "
			"C=\"250 OK\""), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_RCPT);
	CHECK_INT(e.status, LOGS_ST_SENT);
	CHECK(!(e.flags & LOGS_F_LOCAL));
	CHECK_INT(PARSE("1vAbCd-000Ab1-Xy => joe <joe@example.com> R=local_user T=mail_spool"), LOGS_OK);
	CHECK(e.flags & LOGS_F_LOCAL);
	CHECK_STR(e.orig, "joe@example.com");
	CHECK_INT(PARSE("1vAbCd-000Ab1-Xy ** b@y.example R=dnslookup T=remote_smtp H=mx.y.example [198.51.100.3]: "
			"SMTP error from remote mail server after RCPT TO:<b@y.example>: 550 5.1.1 unknown"), LOGS_OK);
	CHECK_INT(e.status, LOGS_ST_BOUNCED);
	CHECK_STR(e.addr, "b@y.example");
	CHECK_INT(PARSE("1vAbCd-000Ab1-Xy == c@z.example R=dnslookup T=remote_smtp defer (-44): greylisted"), LOGS_OK);
	CHECK_INT(e.status, LOGS_ST_DEFERRED);
	CHECK_INT(PARSE("1vAbCd-000Ab1-Xy Completed"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_REMOVED);
	CHECK_INT(PARSE("dovecot_plain authenticator failed for (User) [203.0.113.66]:52322 I=[192.0.2.1]:587: 535 "
			"Incorrect authentication data (set_id=admin@example.com)"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_AUTH_FAIL);
	CHECK_STR(e.ip, "203.0.113.66");
	CHECK_STR(e.user, "admin@example.com");
	CHECK_INT(PARSE("H=(x) [198.51.100.9]:1234 F=<a@b> rejected RCPT <c@d>: relay not permitted"), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_REJECT);
	CHECK_STR(e.ip, "198.51.100.9");
#undef PARSE
}

static void test_logs_milter_lines(void)
{
	struct logs_event e;

	memset(&e, 0, sizeof(e));
	CHECK_INT(logs_milter_parse(S("4ABCDEF123: action=accept score=2.50 client=192.0.2.7 sasl_user=joe@example.com "
				      "from=<joe@example.com> rcpt=1 receipt=yes symbols=MDN_AUTO,DMARC_PASS"), &e), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_MILTER);
	CHECK_STR(e.qid, "4ABCDEF123");
	CHECK_STR(e.user, "joe@example.com");
	CHECK_STR(e.ip, "192.0.2.7");
	CHECK(e.flags & LOGS_F_RECEIPT);
	CHECK_STR(e.text, "MDN_AUTO,DMARC_PASS");
	memset(&e, 0, sizeof(e));
	CHECK_INT(logs_milter_parse(S("NOQUEUE: action=reject score=20 client=192.0.2.9 sasl_user= symbols=X"), &e), LOGS_OK);
	CHECK_INT(e.status, LOGS_ST_REJECTED);
	CHECK(e.user.len == 0);
	memset(&e, 0, sizeof(e));
	CHECK_INT(logs_milter_parse(S("starting, listening on inet:8891@127.0.0.1"), &e), LOGS_OK);
	CHECK_INT(e.kind, LOGS_EV_NONE);
}

static void test_logs_receipt_subjects(void)
{
	static const char *const yes[] = {
		"Not read: Your offer", "Read: meeting", "read:x", "Gelesen: Angebot", "Ungelesen: Angebot",
		"Lu : Offre", "Lu\xc2\xa0: Offre", "Non lu : Offre", "Le\xc3\xad" "do: Oferta", "No le\xc3\xad" "do: Oferta",
		"Letto: offerta", "Non letto: offerta", "Gelezen: x", "L\xc3\xa4st: x", "\xe5\xb7\xb2\xe8\xaf\xbb\xef\xbc\x9a x",
		"Return Receipt (displayed) - x", "=?UTF-8?Q?Le=C3=ADdo:_Oferta?=", "=?iso-8859-1?Q?Le=EDdo=3A_x?=",
		"  Not read: leading blanks",
	};
	static const char *const no[] = {
		"Reading list", "Re: Not read: x", "Lunch tomorrow?", "Notes: read this", "Ready: x", "", "Lu",
		"Return Receipt", "=?UTF-8?B?SGVsbG8=?=",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!logs_receipt_subject(S(yes[i])))
			fprintf(stderr, "not taken for a receipt: %s\n", yes[i]);
		CHECK(logs_receipt_subject(S(yes[i])));
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (logs_receipt_subject(S(no[i])))
			fprintf(stderr, "taken for a receipt: %s\n", no[i]);
		CHECK(!logs_receipt_subject(S(no[i])));
	}
	CHECK(logs_receipt_ctype(S("multipart/report; report-type=disposition-notification; boundary=x")));
	CHECK(!logs_receipt_ctype(S("multipart/report; report-type=delivery-status")));
}

static void test_logs_ip_forms(void)
{
	struct logs_ip ip;
	char text[48];

	CHECK(logs_ip_parse(S("192.0.2.7"), &ip) && ip.family == 4);
	CHECK(strcmp(logs_ip_text(&ip, text), "192.0.2.7") == 0);
	CHECK(logs_ip_parse(S("IPv6:2001:db8::1"), &ip) && ip.family == 6);
	CHECK(strcmp(logs_ip_text(&ip, text), "2001:db8::1") == 0);
	CHECK(!logs_ip_parse(S("192.0.2"), &ip));
	CHECK(!logs_ip_parse(S("192.0.2.256"), &ip));
	CHECK(!logs_ip_parse(S("192.0.2.07"), &ip));
	CHECK(!logs_ip_parse(S("192.0.2.7."), &ip));
	CHECK(!logs_ip_parse(S("unknown"), &ip));
	CHECK(logs_bracket_ip(S("host[192.0.2.7]:587"), &ip) && ip.b[3] == 7);
	CHECK(logs_bracket_ip(S("(helo[1.2.3.4]) [192.0.2.8]"), &ip) && ip.b[3] == 8);
	CHECK(logs_ip_parse(S("127.0.0.1"), &ip) && logs_ip_loopback(&ip));
	CHECK(logs_ip_parse(S("::1"), &ip) && logs_ip_loopback(&ip));
}

static void test_logs_times(void)
{
	char iso[32];

	CHECK_INT(logs_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(logs_days_from_civil(2000, 3, 1), 11017);
	CHECK(strcmp(logs_time_iso(logs_civil_seconds(2026, 11, 2, 9, 0, 0), iso), "2026-11-02T09:00:00Z") == 0);
	CHECK(strcmp(logs_time_iso(logs_civil_seconds(2024, 2, 29, 23, 59, 59), iso), "2024-02-29T23:59:59Z") == 0);
	CHECK(!logs_civil_valid(2026, 2, 29, 0, 0, 0));
	CHECK(logs_civil_valid(2000, 2, 29, 0, 0, 0));
	CHECK(!logs_civil_valid(1900, 2, 29, 0, 0, 0));
	CHECK_INT(logs_month("Dec"), 12);
	CHECK_INT(logs_month("dec"), 0);
}

/* Lines from memory: CRLF, a line over the limit, binary, a last line without its newline. */
static void test_logs_line_reader_limits(void)
{
	size_t big = LOGS_LINE_MAX + 10, n = 0;
	char *data = malloc(big + 100);
	struct logs_lines lr;
	mv_str line;

	memcpy(data, "one\r\n", 5);
	n = 5;
	memset(data + n, 'x', big);
	n += big;
	memcpy(data + n, "\ntwo\nthree", 10);
	n += 10;
	logs_lines_init(&lr);
	logs_input_mem(&lr.in, data, n);
	CHECK_INT(logs_lines_next(&lr, &line), LOGS_LN_LINE);
	CHECK_STR(line, "one");
	CHECK_INT(logs_lines_next(&lr, &line), LOGS_LN_TOO_LONG);
	CHECK_INT(logs_lines_next(&lr, &line), LOGS_LN_LINE);
	CHECK_STR(line, "two");
	CHECK_INT(logs_lines_next(&lr, &line), LOGS_LN_PARTIAL);
	CHECK_STR(line, "three");
	CHECK_INT(logs_lines_next(&lr, &line), LOGS_LN_END);
	logs_lines_free(&lr);
	/* A line of exactly the limit is a line. */
	memset(data, 'y', LOGS_LINE_MAX);
	data[LOGS_LINE_MAX] = '\n';
	logs_lines_init(&lr);
	logs_input_mem(&lr.in, data, LOGS_LINE_MAX + 1);
	CHECK_INT(logs_lines_next(&lr, &line), LOGS_LN_LINE);
	CHECK_INT(line.len, LOGS_LINE_MAX);
	CHECK_INT(logs_lines_next(&lr, &line), LOGS_LN_END);
	logs_lines_free(&lr);
	free(data);
	CHECK(logs_line_binary(S("abc\001def")));
	CHECK(logs_line_binary(mv_str_make("0123456789abcdef0123\0", 21)));
	CHECK(!logs_line_binary(S("tab\there and \xc3\xa9 UTF-8, long enough for a block or two of sixteen")));
	CHECK(logs_line_binary(S("a line long enough for the block scan to run over it\033[0m")));
}

/* Corrupt compressed data ends the input with an error, after what came before. */
static void test_logs_input_corrupt(void)
{
	static const unsigned char gz_head[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff };
	struct logs_lines lr;
	mv_str line;

	logs_lines_init(&lr);
	logs_input_mem(&lr.in, gz_head, sizeof(gz_head));
	CHECK_INT(logs_lines_next(&lr, &line), LOGS_LN_ERROR);
	CHECK(lr.in.error[0] != '\0');
	logs_lines_free(&lr);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	RUN(test_logs_stamp_traditional);
	RUN(test_logs_stamp_with_year);
	RUN(test_logs_journal_json);
	RUN(test_logs_postfix_lines);
	RUN(test_logs_dovecot_lines);
	RUN(test_logs_exim_lines);
	RUN(test_logs_milter_lines);
	RUN(test_logs_receipt_subjects);
	RUN(test_logs_ip_forms);
	RUN(test_logs_times);
	RUN(test_logs_line_reader_limits);
	RUN(test_logs_input_corrupt);
	return test_summary();
}
