/*
 * A line to the reader of its program: Postfix (any syslog_name starting with
 * "postfix"), Dovecot (through syslog, or its own log file's process names),
 * Exim (its mainlog, or through syslog) and mailvet's milter.  A line of any
 * other program is counted as unknown.
 */
#include "logs/logs_int.h"

static bool dovecot_process(mv_str prog)
{
	static const char *const names[] = { "imap", "pop3", "lmtp", "submission", "managesieve", "auth", "master" };
	size_t i, n;

	if (prog.len > 6 && memcmp(prog.p + prog.len - 6, "-login", 6) == 0)
		return true;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i]);
		if (prog.len >= n && memcmp(prog.p, names[i], n) == 0 &&
		    (prog.len == n || prog.p[n] == '(' || prog.p[n] == '<' || prog.p[n] == '-'))
			return true;
	}
	return false;
}

/* Exim through syslog may repeat its own time: "2026-11-02 09:00:00 ". */
static mv_str exim_syslog_text(mv_str msg)
{
	if (msg.len > 20 && msg.p[4] == '-' && msg.p[7] == '-' && msg.p[10] == ' ' && msg.p[13] == ':' &&
	    msg.p[16] == ':' && msg.p[19] == ' ')
		return mv_str_make(msg.p + 20, msg.len - 20);
	return msg;
}

void logs_dispatch(struct mv_logs *lg, const struct logs_line *line)
{
	struct logs_event ev;
	enum logs_verdict v = LOGS_UNKNOWN;
	mv_str prog = line->prog;

	memset(&ev, 0, sizeof(ev));
	if (line->style == LOGS_STYLE_EXIM) {
		/* Dovecot's own log with log_timestamp = "%Y-%m-%d %H:%M:%S " looks the same. */
		const char *colon = memchr(line->msg.p, ':', line->msg.len < 40 ? line->msg.len : 40);
		mv_str first = mv_str_make(line->msg.p, colon != NULL ? (size_t)(colon - line->msg.p) : 0);

		if (colon != NULL && colon + 1 < line->msg.p + line->msg.len && colon[1] == ' ' &&
		    memchr(first.p, ' ', first.len) == NULL && dovecot_process(first))
			v = logs_dovecot_parse(first, mv_str_make(colon + 2, (size_t)(line->msg.p + line->msg.len - colon - 2)),
					       &ev);
		else
			v = logs_exim_parse(line->msg, &ev);
	} else if (prog.len >= 7 && memcmp(prog.p, "postfix", 7) == 0) {
		const char *slash = memrchr(prog.p, '/', prog.len);
		mv_str daemon = slash != NULL ? mv_str_make(slash + 1, (size_t)(prog.p + prog.len - slash - 1)) : prog;

		v = logs_postfix_parse(daemon, line->msg, &ev);
	} else if (mv_str_eq(prog, "dovecot") || (line->host.len == 0 && dovecot_process(prog)) ||
		   (prog.len > 6 && memcmp(prog.p + prog.len - 6, "-login", 6) == 0)) {
		v = logs_dovecot_parse(prog, line->msg, &ev);
	} else if (mv_str_eq(prog, "exim") || mv_str_eq(prog, "exim4")) {
		v = logs_exim_parse(exim_syslog_text(line->msg), &ev);
	} else if (mv_str_eq(prog, "mailvet") || mv_str_eq(prog, "mailvet-milter")) {
		v = logs_milter_parse(line->msg, &ev);
	}
	switch (v) {
	case LOGS_OK:
	case LOGS_NOTHING:
		lg->count.parsed++;
		break;
	case LOGS_TRUNCATED:
		lg->count.truncated++;
		return;
	case LOGS_BINARY:
		lg->count.binary++;
		return;
	case LOGS_BAD_TIME:
		lg->count.bad_time++;
		return;
	case LOGS_UNKNOWN:
		lg->count.unknown++;
		return;
	}
	if (ev.kind != LOGS_EV_NONE) {
		ev.host = line->host;
		ev.pid = line->pid;
		logs_join(lg, &ev);
	}
}
