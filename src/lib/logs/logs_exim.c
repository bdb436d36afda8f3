/*
 * Exim's mainlog, after the time (and "[pid] " with log_selector +pid):
 *   ID <= SENDER H=NAME (HELO) [IP]:PORT P=esmtpsa A=dovecot_plain:USER S=SIZE id=MSGID T="SUBJECT" for RCPT...
 *   ID <= <> R=PARENT U=Debian-exim P=local S=SIZE        a bounce of PARENT
 *   ID => RCPT <ORIG> R=ROUTER T=TRANSPORT H=HOST [IP] C="250 ..."   (-> and *> alike)
 *   ID ** RCPT R=... T=...: 550 ...                         bounced
 *   ID == RCPT R=... T=... defer (-44): ...                 deferred
 *   ID Completed
 *   dovecot_plain authenticator failed for (HELO) [IP]:PORT: 535 Incorrect authentication data (set_id=USER)
 *   H=(HELO) [IP] F=<SENDER> rejected RCPT <RCPT>: ...
 * IDs are 6-6-2 characters (Exim 4.96 and older) or 6-11-4.
 */
#include "logs/logs_int.h"

static bool alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t alnum_run(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && alnum(*q))
		q++;
	return (size_t)(q - p);
}

/* A message id at the start of s, followed by a space: taken off s. */
static mv_str message_id(mv_str *s)
{
	const char *p = s->p, *end = s->p + s->len;
	size_t a = alnum_run(p, end), b, c;

	if (a != 6 || p + 7 >= end || p[6] != '-')
		return MV_STR_NULL;
	b = alnum_run(p + 7, end);
	if (b < 6 || b > 11 || p + 8 + b >= end || p[7 + b] != '-')
		return MV_STR_NULL;
	c = alnum_run(p + 8 + b, end);
	if (c < 2 || c > 4 || (p + 8 + b + c < end && p[8 + b + c] != ' '))
		return MV_STR_NULL;
	{
		size_t n = 8 + b + c;
		mv_str id = mv_str_make(p, n);

		n += n < s->len;
		s->p += n;
		s->len -= n;
		return id;
	}
}

static mv_str first_word(mv_str s)
{
	const char *sp = memchr(s.p, ' ', s.len);

	return mv_str_make(s.p, sp != NULL ? (size_t)(sp - s.p) : s.len);
}

/* The IP of "H=NAME (HELO) [IP]:PORT": the last bracket before the next field. */
static mv_str host_ip(mv_str s)
{
	const char *h = logs_find(s, " H="), *end = s.p + s.len, *stop, *open = NULL, *p;

	if (h == NULL) {
		if (s.len >= 2 && s.p[0] == 'H' && s.p[1] == '=')
			h = s.p - 1;
		else
			return MV_STR_NULL;
	}
	h += 3;
	stop = end;
	for (p = h; p < end; p++) {
		if (*p == '[')
			open = p;
		else if (*p == ']' && open != NULL) {
			stop = p;
			break;
		}
	}
	if (open == NULL || stop == end)
		return MV_STR_NULL;
	return mv_str_make(open + 1, (size_t)(stop - open - 1));
}

/* T="...": the subject, to the closing quote that a space or the end follows. */
static mv_str subject(mv_str s, const char **after_r)
{
	const char *t = logs_find(s, " T=\""), *end = s.p + s.len, *p;

	*after_r = NULL;
	if (t == NULL)
		return MV_STR_NULL;
	t += 4;
	for (p = t; p < end; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '"' && (p + 1 == end || p[1] == ' ')) {
			*after_r = p + 1;
			return mv_str_make(t, (size_t)(p - t));
		}
	}
	*after_r = end;
	return mv_str_make(t, (size_t)(end - t));
}

static enum logs_verdict arrival(mv_str s, struct logs_event *ev)
{
	mv_str auth, size, rest;
	const char *after, *colon, *f;
	uint64_t v;

	ev->kind = LOGS_EV_ARRIVAL;
	ev->addr = first_word(s);
	if (ev->addr.len == 2 && ev->addr.p[0] == '<' && ev->addr.p[1] == '>')
		ev->addr = mv_str_make(ev->addr.p, 0);
	rest = mv_str_make(s.p + ev->addr.len, s.len - ev->addr.len);
	ev->ip = host_ip(rest);
	auth = logs_field(rest, "A");
	colon = auth.p != NULL ? memchr(auth.p, ':', auth.len) : NULL;
	if (colon != NULL)
		ev->user = mv_str_make(colon + 1, (size_t)(auth.p + auth.len - colon - 1));
	size = logs_field(rest, "S");
	if (logs_uint(size, &v))
		ev->size = v;
	ev->child = logs_field(rest, "R");	/* a bounce: the message it is about */
	ev->text = subject(rest, &after);
	ev->name = logs_field(rest, "id");
	if (after == NULL)
		after = size.p != NULL ? size.p : rest.p;
	f = logs_find(mv_str_make(after, (size_t)(s.p + s.len - after)), " for ");
	if (f != NULL)
		ev->rcpts = mv_str_make(f + 5, (size_t)(s.p + s.len - f - 5));
	return size.p != NULL ? LOGS_OK : LOGS_TRUNCATED;
}

static enum logs_verdict delivery(mv_str s, enum logs_status status, struct logs_event *ev)
{
	mv_str rest, transport;

	ev->kind = LOGS_EV_RCPT;
	ev->status = status;
	ev->addr = first_word(s);
	if (ev->addr.len != 0 && ev->addr.p[ev->addr.len - 1] == ':')
		ev->addr.len--;
	if (ev->addr.len == 0)
		return LOGS_TRUNCATED;
	rest = mv_str_make(s.p + ev->addr.len, s.len - ev->addr.len);
	if (rest.len > 2 && rest.p[0] == ' ' && rest.p[1] == '<') {
		const char *close = memchr(rest.p, '>', rest.len);

		if (close != NULL)
			ev->orig = mv_str_make(rest.p + 2, (size_t)(close - rest.p - 2));
	}
	ev->relay = host_ip(rest);
	transport = logs_field(rest, "T");
	if (status == LOGS_ST_SENT &&
	    (ev->relay.p == NULL ||
	     (transport.p != NULL && (mv_str_find_ci(transport, "lmtp") != NULL ||
	     mv_str_find_ci(transport, "local") != NULL || mv_str_find_ci(transport, "dovecot") != NULL ||
	     mv_str_find_ci(transport, "appendfile") != NULL))))
		ev->flags |= LOGS_F_LOCAL;
	return LOGS_OK;
}

bool logs_exim_next_rcpt(mv_str *list, mv_str *addr_r)
{
	const char *p = list->p, *end, *q;

	if (p == NULL)
		return false;
	end = p + list->len;
	while (p < end && *p == ' ')
		p++;
	if (p == end)
		return false;
	for (q = p; q < end && *q != ' '; q++)
		;
	*addr_r = mv_str_make(p, (size_t)(q - p));
	list->p = q;
	list->len = (size_t)(end - q);
	return true;
}

enum logs_verdict logs_exim_parse(mv_str msg, struct logs_event *ev)
{
	mv_str s = msg, id;
	const char *af, *rej;

	ev->kind = LOGS_EV_NONE;
	/* "[pid] " with log_selector +pid */
	if (s.len > 2 && s.p[0] == '[') {
		const char *close = memchr(s.p, ']', s.len < 16 ? s.len : 16);

		if (close != NULL && close + 1 < s.p + s.len && close[1] == ' ') {
			s.len -= (size_t)(close + 2 - s.p);
			s.p = close + 2;
		}
	}
	id = message_id(&s);
	if (id.len != 0) {
		ev->qid = id;
		if (logs_skip(&s, "<= "))
			return arrival(s, ev);
		if (logs_skip(&s, "=> ") || logs_skip(&s, "-> ") || logs_skip(&s, "*> "))
			return delivery(s, LOGS_ST_SENT, ev);
		if (logs_skip(&s, "** "))
			return delivery(s, LOGS_ST_BOUNCED, ev);
		if (logs_skip(&s, "== "))
			return delivery(s, LOGS_ST_DEFERRED, ev);
		if (mv_str_eq(s, "Completed"))
			ev->kind = LOGS_EV_REMOVED;
		return LOGS_OK;
	}
	af = logs_find(s, " authenticator failed for ");
	if (af != NULL) {
		mv_str tail = mv_str_make(af, (size_t)(s.p + s.len - af));
		const char *set_id = logs_find(tail, "(set_id="), *close, *open = NULL, *p;

		ev->kind = LOGS_EV_AUTH_FAIL;
		ev->service = LOGS_SVC_SMTP;
		ev->n = 1;
		/* The client's address: the first bracket after "for", HELO in parentheses before it. */
		for (p = af; p < s.p + s.len && *p != ']'; p++)
			if (*p == '[')
				open = p;
		if (open == NULL || p == s.p + s.len)
			return LOGS_TRUNCATED;
		ev->ip = mv_str_make(open + 1, (size_t)(p - open - 1));
		if (set_id != NULL && (close = memchr(set_id, ')', (size_t)(s.p + s.len - set_id))) != NULL)
			ev->user = mv_str_make(set_id + 8, (size_t)(close - set_id - 8));
		return LOGS_OK;
	}
	rej = logs_find(s, " rejected RCPT ");
	if (rej == NULL)
		rej = logs_find(s, " rejected MAIL ");
	if (rej != NULL) {
		ev->kind = LOGS_EV_REJECT;
		ev->ip = host_ip(s);
		ev->name = mv_str_make(rej + 10, 4);	/* RCPT or MAIL: a recipient, or the whole message */
		return LOGS_OK;
	}
	if (logs_skip(&s, "SMTP connection from ")) {
		const char *open = NULL, *p;

		for (p = s.p; p < s.p + s.len && *p != ']'; p++)
			if (*p == '[')
				open = p;
		if (open != NULL && p < s.p + s.len && logs_find(s, " closed") == NULL &&
		    logs_find(s, " lost") == NULL) {
			ev->kind = LOGS_EV_CONNECT;
			ev->ip = mv_str_make(open + 1, (size_t)(p - open - 1));
		}
	}
	return LOGS_OK;
}
