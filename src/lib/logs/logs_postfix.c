/*
 * Postfix's lines (syslog or maillog_file), told apart by what they say
 * rather than by the daemon's name, which master.cf may change
 * (syslog_name=postfix/submission):
 *   connect from H[IP]                                      smtpd
 *   disconnect from H[IP] ehlo=1 auth=0/1 ...               smtpd
 *   warning: H[IP]: SASL LOGIN authentication failed: ..., sasl_username=U
 *   NOQUEUE: reject: RCPT from H[IP]: 554 ...; from=<> to=<> proto=ESMTP helo=<>
 *   QID: client=H[IP], sasl_method=PLAIN, sasl_username=U   smtpd
 *   QID: client=localhost[127.0.0.1], orig_queue_id=QID0, orig_client=H[IP]   back from a filter
 *   QID: message-id=<...>                                   cleanup
 *   QID: warning: header Subject: TEXT from H[IP]; from=<> to=<> ...   header_checks
 *   QID: from=<A>, size=N, nrcpt=N (queue active)           qmgr
 *   QID: to=<A>, orig_to=<B>, relay=R, ..., dsn=2.0.0, status=sent (TEXT)
 *   QID: sender non-delivery notification: QID2             bounce
 *   QID: milter-reject: END-OF-MESSAGE from H[IP]: ...; from=<> to=<> ...
 *   QID: removed                                            qmgr
 * Fields a sender writes (addresses, HELO, header text, reply text) come
 * before or inside the ones read, so the trailing "; from=<...> to=<...>"
 * part is found from the end.
 */
#include "logs/logs_int.h"

/* The last "; from=<" of s onwards (the fields Postfix appends), or empty. */
static mv_str trailing_fields(mv_str s)
{
	const char *p = s.p, *last = NULL, *hit;

	while ((hit = logs_find(mv_str_make(p, (size_t)(s.p + s.len - p)), "; from=<")) != NULL) {
		last = hit;
		p = hit + 1;
	}
	if (last == NULL)
		return MV_STR_NULL;
	return mv_str_make(last + 2, (size_t)(s.p + s.len - last - 2));
}

/* The client of "... from H[IP]: ..." (reject lines): the token after " from ". */
static mv_str from_client(mv_str s)
{
	const char *f = logs_find(s, " from "), *end = s.p + s.len, *colon;

	if (f == NULL)
		return MV_STR_NULL;
	f += 6;
	colon = logs_find(mv_str_make(f, (size_t)(end - f)), "]: ");
	if (colon == NULL)
		colon = logs_find(mv_str_make(f, (size_t)(end - f)), "]:");
	if (colon == NULL)
		return MV_STR_NULL;
	return mv_str_make(f, (size_t)(colon + 1 - f));
}

/* The first word of s (to a space, or the end). */
static mv_str word(mv_str s)
{
	const char *sp = memchr(s.p, ' ', s.len);

	return mv_str_make(s.p, sp != NULL ? (size_t)(sp - s.p) : s.len);
}

static enum logs_verdict reject(mv_str rest, struct logs_event *ev)
{
	mv_str tail = trailing_fields(rest);

	ev->kind = LOGS_EV_REJECT;
	ev->name = word(rest);			/* RCPT, DATA, END-OF-MESSAGE, CONNECT, ... */
	ev->ip = from_client(rest);
	if (tail.p == NULL)
		return ev->ip.p != NULL ? LOGS_OK : LOGS_TRUNCATED;
	ev->from = logs_angle(tail, "from");
	ev->addr = logs_angle(tail, "to");
	return LOGS_OK;
}

/* "ACTION: header NAME: TEXT from H[IP]; from=<...> ..." */
static enum logs_verdict header(mv_str action, mv_str rest, struct logs_event *ev)
{
	const char *colon = memchr(rest.p, ':', rest.len), *end, *p;
	mv_str tail;

	if (colon == NULL || colon + 1 >= rest.p + rest.len)
		return LOGS_TRUNCATED;
	ev->kind = LOGS_EV_HEADER;
	ev->name = mv_str_make(rest.p, (size_t)(colon - rest.p));
	ev->text = mv_str_make(colon + 1, (size_t)(rest.p + rest.len - colon - 1));
	logs_skip(&ev->text, " ");
	if (mv_str_eq(action, "reject"))
		ev->status = LOGS_ST_REJECTED;
	tail = trailing_fields(ev->text);
	if (tail.p == NULL)
		return LOGS_OK;		/* a long header cut by syslog: the text is still what it starts with */
	/* The text ends at the last " from " before the fields: "from H[IP];" or "from local;". */
	end = tail.p - 2;
	for (p = end; p - ev->text.p >= 6; p--) {
		if (memcmp(p - 6, " from ", 6) == 0) {
			end = p - 6;
			break;
		}
	}
	ev->text.len = (size_t)(end - ev->text.p);
	ev->from = logs_angle(tail, "from");
	ev->addr = logs_angle(tail, "to");
	return LOGS_OK;
}

static bool local_daemon(mv_str daemon)
{
	return mv_str_eq(daemon, "local") || mv_str_eq(daemon, "virtual") || mv_str_eq(daemon, "lmtp") ||
	       mv_str_eq(daemon, "pipe");
}

/* "to=<A>, orig_to=<B>, relay=R, delay=..., dsn=X, status=S (TEXT)" */
static enum logs_verdict recipient(mv_str daemon, mv_str rest, struct logs_event *ev)
{
	mv_str status, rest_after;
	const char *st;

	ev->addr = logs_angle(rest, "to");
	if (ev->addr.p == NULL)
		return LOGS_TRUNCATED;
	/* The fields after the address: a recipient may hold anything. */
	rest_after = mv_str_make(ev->addr.p + ev->addr.len, (size_t)(rest.p + rest.len - ev->addr.p - ev->addr.len));
	ev->orig = logs_angle(rest_after, "orig_to");
	ev->relay = logs_field(rest_after, "relay");
	st = logs_find(rest_after, " status=");
	if (st == NULL)
		return LOGS_TRUNCATED;
	status = word(mv_str_make(st + 8, (size_t)(rest.p + rest.len - st - 8)));
	ev->text = mv_str_make(status.p + status.len, (size_t)(rest.p + rest.len - status.p - status.len));
	logs_skip(&ev->text, " ");
	ev->kind = LOGS_EV_RCPT;
	if (mv_str_eq(status, "sent"))
		ev->status = LOGS_ST_SENT;
	else if (mv_str_eq(status, "deferred") || mv_str_eq(status, "SOFTBOUNCE"))
		ev->status = LOGS_ST_DEFERRED;
	else if (mv_str_eq(status, "bounced") || mv_str_eq(status, "expired"))
		ev->status = LOGS_ST_BOUNCED;
	else {
		/* deliverable, undeliverable: address verification probes, not mail */
		ev->kind = LOGS_EV_NONE;
		return status.len != 0 ? LOGS_OK : LOGS_TRUNCATED;
	}
	if (ev->status == LOGS_ST_SENT) {
		const char *q = logs_find(ev->text, "queued as ");
		struct logs_ip relay_ip;

		if (q != NULL && logs_bracket_ip(ev->relay, &relay_ip) && logs_ip_loopback(&relay_ip)) {
			/* Handed to a content filter here, which queues it anew. */
			const char *end = ev->text.p + ev->text.len, *e;

			ev->status = LOGS_ST_HOP;
			q += 10;
			for (e = q; e < end && *e != ')' && *e != ' ' && *e != ','; e++)
				;
			ev->child = mv_str_make(q, (size_t)(e - q));
			return LOGS_OK;
		}
	}
	if (local_daemon(daemon))
		ev->flags |= LOGS_F_LOCAL;
	return LOGS_OK;
}

static enum logs_verdict queue_line(mv_str daemon, mv_str qid, mv_str rest, struct logs_event *ev)
{
	const char *colon;
	mv_str w;

	ev->qid = qid;
	if (rest.len == 0)
		return LOGS_TRUNCATED;
	if (logs_skip(&rest, "to=<")) {
		rest.p -= 4;
		rest.len += 4;
		return recipient(daemon, rest, ev);
	}
	if (logs_skip(&rest, "client=")) {
		w = logs_field(mv_str_make(rest.p - 7, rest.len + 7), "client");
		ev->kind = LOGS_EV_CLIENT;
		ev->ip = w;
		ev->user = logs_field(rest, "sasl_username");
		/* After a content filter with XFORWARD: the queue id the message had before it. */
		ev->child = logs_field(rest, "orig_queue_id");
		if (memchr(w.p, ']', w.len) == NULL)
			return LOGS_TRUNCATED;
		return LOGS_OK;
	}
	if (logs_skip(&rest, "message-id=")) {
		ev->kind = LOGS_EV_MSGID;
		ev->text = rest;
		if (rest.len >= 2 && rest.p[0] == '<' && rest.p[rest.len - 1] == '>')
			ev->text = mv_str_make(rest.p + 1, rest.len - 2);
		return LOGS_OK;
	}
	if (rest.len >= 6 && memcmp(rest.p, "from=<", 6) == 0) {
		mv_str nrcpt = logs_field(rest, "nrcpt"), size = logs_field(rest, "size");
		uint64_t v;

		if (nrcpt.p == NULL)
			return logs_find(rest, ", status=") != NULL ? LOGS_OK : LOGS_TRUNCATED;
		ev->kind = LOGS_EV_FROM;
		ev->addr = logs_angle(rest, "from");
		if (logs_uint(nrcpt, &v))
			ev->n = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		if (logs_uint(size, &v))
			ev->size = v;
		return ev->addr.p != NULL ? LOGS_OK : LOGS_TRUNCATED;
	}
	if (mv_str_eq(rest, "removed")) {
		ev->kind = LOGS_EV_REMOVED;
		return LOGS_OK;
	}
	if (logs_skip(&rest, "sender non-delivery notification: ") ||
	    logs_skip(&rest, "sender delivery status notification: ") ||
	    logs_skip(&rest, "postmaster non-delivery notification: ")) {
		ev->kind = LOGS_EV_NOTICE;
		ev->child = word(rest);
		return ev->child.len != 0 ? LOGS_OK : LOGS_TRUNCATED;
	}
	if (logs_skip(&rest, "milter-reject: ") || logs_skip(&rest, "reject: ")) {
		if (logs_skip(&rest, "header "))
			return header(MV_STR_LIT("reject"), rest, ev);
		return reject(rest, ev);
	}
	/* header_checks and body_checks: "warning: header ...", "info: header ...", "hold: header ..." */
	colon = memchr(rest.p, ':', rest.len < 12 ? rest.len : 12);
	if (colon != NULL && rest.p + rest.len - colon > 8 && memcmp(colon, ": header ", 9) == 0)
		return header(mv_str_make(rest.p, (size_t)(colon - rest.p)),
			      mv_str_make(colon + 9, (size_t)(rest.p + rest.len - colon - 9)), ev);
	return LOGS_OK;
}

enum logs_verdict logs_postfix_parse(mv_str daemon, mv_str msg, struct logs_event *ev)
{
	mv_str rest = msg, qid;

	ev->kind = LOGS_EV_NONE;
	if (logs_skip(&rest, "connect from ")) {
		ev->kind = LOGS_EV_CONNECT;
		ev->ip = word(rest);
		return memchr(ev->ip.p, ']', ev->ip.len) != NULL ? LOGS_OK : LOGS_TRUNCATED;
	}
	if (logs_skip(&rest, "disconnect from ")) {
		ev->kind = LOGS_EV_DISCONNECT;
		ev->ip = word(rest);
		return LOGS_OK;
	}
	if (logs_skip(&rest, "warning: ")) {
		const char *sasl = logs_find(rest, ": SASL ");

		if (sasl != NULL && logs_find(rest, " authentication failed") != NULL) {
			ev->kind = LOGS_EV_AUTH_FAIL;
			ev->service = LOGS_SVC_SMTP;
			ev->ip = mv_str_make(rest.p, (size_t)(sasl - rest.p));
			ev->user = logs_field(rest, "sasl_username");
			ev->n = 1;
		}
		return LOGS_OK;
	}
	if (logs_skip(&rest, "NOQUEUE: ")) {
		if (logs_skip(&rest, "reject: ") || logs_skip(&rest, "milter-reject: "))
			return reject(rest, ev);
		return LOGS_OK;
	}
	qid = logs_queue_id(&rest);
	if (qid.len != 0)
		return queue_line(daemon, qid, rest, ev);
	return LOGS_OK;
}
