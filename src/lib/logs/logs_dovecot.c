/*
 * Dovecot's login lines, through syslog ("dovecot: imap-login: Login: ...")
 * or its own log file ("imap-login: Info: Login: ..."):
 *   imap-login: Login: user=<U>, method=PLAIN, rip=IP, lip=IP, mpid=N, TLS, session=<S>
 *   imap-login: Disconnected (auth failed, 3 attempts in 12 secs): user=<U>, method=PLAIN, rip=IP, ...
 *   imap-login: Login aborted: Connection closed (auth failed, 3 attempts in 15 secs) (auth_failed): user=<U>, rip=IP, ...
 *   auth: passwd-file(U,IP,<S>): Password mismatch
 * Failures are counted from the login processes' lines, which say how many
 * attempts there were; the auth process's lines only name the user tried
 * (with auth_verbose), so that one attempt is not counted twice.
 */
#include "logs/logs_int.h"

static enum logs_service service_of(mv_str name)
{
	if (mv_str_eq(name, "imap-login") || mv_str_eq(name, "imap"))
		return LOGS_SVC_IMAP;
	if (mv_str_eq(name, "pop3-login") || mv_str_eq(name, "pop3"))
		return LOGS_SVC_POP3;
	if (mv_str_eq(name, "submission-login") || mv_str_eq(name, "submission"))
		return LOGS_SVC_SUBMISSION;
	return LOGS_SVC_OTHER;
}

/* Drops Dovecot's own log level: "Info: ", "Warning: ", ... */
static void skip_level(mv_str *s)
{
	(void)(logs_skip(s, "Info: ") || logs_skip(s, "Warning: ") || logs_skip(s, "Error: ") ||
	       logs_skip(s, "Debug: ") || logs_skip(s, "Fatal: ") || logs_skip(s, "Panic: "));
}

/* The last comma of s, or NULL. */
static const char *last_comma(mv_str s)
{
	const char *p;

	for (p = s.p + s.len; p > s.p; p--)
		if (p[-1] == ',')
			return p - 1;
	return NULL;
}

/* "driver(user,ip[,<session>]): ..." of the auth process. */
static enum logs_verdict auth_line(mv_str s, struct logs_event *ev)
{
	const char *open = memchr(s.p, '(', s.len), *close, *comma;
	mv_str in;

	if (open == NULL || (close = memchr(open, ')', (size_t)(s.p + s.len - open))) == NULL)
		return LOGS_OK;
	if (logs_find(s, "Password mismatch") == NULL && logs_find(s, "unknown user") == NULL &&
	    logs_find(s, "uthentication failure") == NULL)
		return LOGS_OK;
	/* The user name may hold a comma: the address is the last field but a <session>. */
	in = mv_str_make(open + 1, (size_t)(close - open - 1));
	comma = last_comma(in);
	if (comma != NULL && comma + 1 < in.p + in.len && comma[1] == '<') {
		in.len = (size_t)(comma - in.p);
		comma = last_comma(in);
	}
	if (comma == NULL)
		return LOGS_OK;
	ev->kind = LOGS_EV_AUTH_USER;
	ev->user = mv_str_make(in.p, (size_t)(comma - in.p));
	ev->ip = mv_str_make(comma + 1, (size_t)(in.p + in.len - comma - 1));
	return LOGS_OK;
}

enum logs_verdict logs_dovecot_parse(mv_str prog, mv_str msg, struct logs_event *ev)
{
	mv_str svc = prog, s = msg;
	const char *af;

	ev->kind = LOGS_EV_NONE;
	if (mv_str_eq(prog, "dovecot")) {
		const char *colon = logs_find(s, ": ");

		if (colon == NULL)
			return LOGS_OK;
		svc = mv_str_make(s.p, (size_t)(colon - s.p));
		s = mv_str_make(colon + 2, (size_t)(s.p + s.len - colon - 2));
	}
	skip_level(&s);
	if (mv_str_prefix_ci(svc, "auth"))
		return auth_line(s, ev);
	ev->service = service_of(svc);
	if (logs_skip(&s, "Login: ")) {
		ev->kind = LOGS_EV_LOGIN;
		ev->user = logs_angle(s, "user");
		ev->ip = logs_field(s, "rip");
		return ev->ip.p != NULL && ev->user.p != NULL ? LOGS_OK : LOGS_TRUNCATED;
	}
	af = logs_find(s, "(auth failed, ");
	if (af != NULL) {
		mv_str n = mv_str_make(af + 14, 0);
		uint64_t v;

		while (n.p + n.len < s.p + s.len && n.p[n.len] >= '0' && n.p[n.len] <= '9')
			n.len++;
		ev->kind = LOGS_EV_AUTH_FAIL;
		ev->n = logs_uint(n, &v) && v > 0 ? (v > 1000 ? 1000 : (uint32_t)v) : 1;
		ev->user = logs_angle(s, "user");
		ev->ip = logs_field(s, "rip");
		if (ev->user.p == NULL)
			ev->user = MV_STR_NULL;
		return ev->ip.p != NULL ? LOGS_OK : LOGS_TRUNCATED;
	}
	return LOGS_OK;
}
