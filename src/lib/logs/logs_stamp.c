/*
 * The envelope of a log line: its time, then (syslog style) the host and the
 * program.  Times come as
 *   Nov  2 09:00:00 host prog[pid]: msg      traditional syslog, Postfix's maillog_file, no year
 *   Nov 02 09:00:00 imap-login: Info: msg   Dovecot's own log file (no host)
 *   2026-11-02T09:00:00.123456+01:00 host prog[pid]: msg   RFC 3339 (rsyslog, journalctl -o short-iso)
 *   2026-11-02 09:00:00 [pid] msg            Exim's mainlog (local time, or with +0100)
 *   {"__REALTIME_TIMESTAMP":...}              journalctl -o json (logs_journal.c)
 * A line that starts like a time but is not a possible one is BAD_TIME; one
 * that does not start like any is UNKNOWN.  Local times (no zone written) go
 * through tz.
 */
#include "logs/logs_int.h"

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static unsigned two(const char *p)
{
	return (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
}

/* "hh:mm:ss" at p (8 bytes there); false when not digits and colons. */
static bool clock_at(const char *p, unsigned *h, unsigned *m, unsigned *s)
{
	if (!digit(p[0]) || !digit(p[1]) || p[2] != ':' || !digit(p[3]) || !digit(p[4]) || p[5] != ':' ||
	    !digit(p[6]) || !digit(p[7]))
		return false;
	*h = two(p);
	*m = two(p + 3);
	*s = two(p + 6);
	return true;
}

/* Fractions of a second: skipped. */
static const char *skip_fraction(const char *p, const char *end)
{
	if (p < end && (*p == '.' || *p == ',')) {
		for (p++; p < end && digit(*p); p++)
			;
	}
	return p;
}

/* "Z", "+01:00", "+0100" or "-05": the offset east of UTC in *off_r; NULL when none is there. */
static const char *zone_at(const char *p, const char *end, int64_t *off_r)
{
	int sign;
	unsigned h, m = 0;

	if (p < end && *p == 'Z') {
		*off_r = 0;
		return p + 1;
	}
	if (p >= end || (*p != '+' && *p != '-') || end - p < 3 || !digit(p[1]) || !digit(p[2]))
		return NULL;
	sign = *p == '-' ? -1 : 1;
	h = two(p + 1);
	p += 3;
	if (p < end && *p == ':')
		p++;
	if (end - p >= 2 && digit(p[0]) && digit(p[1])) {
		m = two(p);
		p += 2;
	}
	if (h > 23 || m > 59)
		return NULL;
	*off_r = sign * (int64_t)(h * 3600 + m * 60);
	return p;
}

/* "host prog[pid]: msg" or "prog[pid]: msg" after the time. */
static enum logs_verdict syslog_rest(mv_str rest, struct logs_line *out)
{
	const char *p = rest.p, *end = rest.p + rest.len, *sp, *tok, *colon, *bracket;

	while (p < end && *p == ' ')
		p++;
	if (p == end)
		return LOGS_TRUNCATED;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (sp == NULL)
		return LOGS_TRUNCATED;
	if (sp[-1] == ':') {
		/* No host: the first word is the program. */
		out->host = MV_STR_NULL;
		tok = p;
	} else {
		out->host = mv_str_make(p, (size_t)(sp - p));
		tok = sp + 1;
		sp = memchr(tok, ' ', (size_t)(end - tok));
		if (sp == NULL)
			return end > tok && end[-1] == ':' ? LOGS_TRUNCATED : LOGS_UNKNOWN;
		if (sp[-1] != ':')
			return LOGS_UNKNOWN;
	}
	colon = sp - 1;
	bracket = memchr(tok, '[', (size_t)(colon - tok));
	out->prog = mv_str_make(tok, (size_t)((bracket != NULL ? bracket : colon) - tok));
	if (out->prog.len == 0)
		return LOGS_UNKNOWN;
	out->pid = 0;
	if (bracket != NULL) {
		uint64_t pid;
		const char *close = memchr(bracket, ']', (size_t)(colon - bracket));

		if (close != NULL && logs_uint(mv_str_make(bracket + 1, (size_t)(close - bracket - 1)), &pid))
			out->pid = (uint32_t)pid;
	}
	out->msg = mv_str_make(sp + 1, (size_t)(end - sp - 1));
	if (out->msg.len == 0)
		return LOGS_TRUNCATED;
	out->style = LOGS_STYLE_SYSLOG;
	return LOGS_OK;
}

static enum logs_verdict traditional(mv_str line, unsigned mon, struct logs_line *out)
{
	const char *p = line.p, *end = line.p + line.len;
	unsigned day, h, m, s;

	if (p[3] != ' ')
		return LOGS_UNKNOWN;
	if (line.len < 16)
		return LOGS_TRUNCATED;
	/* "Nov  2" or "Nov 02" */
	if ((p[4] != ' ' && !digit(p[4])) || !digit(p[5]) || p[6] != ' ')
		return LOGS_BAD_TIME;
	day = (p[4] == ' ' ? 0 : (unsigned)(p[4] - '0') * 10) + (unsigned)(p[5] - '0');
	if (!clock_at(p + 7, &h, &m, &s))
		return LOGS_BAD_TIME;
	/* Any year with a February 29th: the real one is decided by the caller. */
	if (!logs_civil_valid(2024, mon, day, h, m, s))
		return LOGS_BAD_TIME;
	out->stamp.has_year = false;
	out->stamp.mon = (uint8_t)mon;
	out->stamp.day = (uint8_t)day;
	out->stamp.hour = (uint8_t)h;
	out->stamp.min = (uint8_t)m;
	out->stamp.sec = (uint8_t)s;
	p = skip_fraction(p + 15, end);
	if (p < end && *p != ' ')
		return LOGS_BAD_TIME;
	return syslog_rest(mv_str_make(p, (size_t)(end - p)), out);
}

/* "2026-11-02T09:00:00" (T) or "2026-11-02 09:00:00" (Exim). */
static enum logs_verdict iso(mv_str line, struct logs_tz *tz, struct logs_line *out)
{
	const char *p = line.p, *end = line.p + line.len;
	unsigned y, mon, d, h, m, s;
	int64_t off = 0, t;
	bool exim, zoned;
	const char *z;

	if (line.len < 19)
		return LOGS_TRUNCATED;
	if (!digit(p[2]) || !digit(p[3]) || !digit(p[5]) || !digit(p[6]) || p[7] != '-' || !digit(p[8]) ||
	    !digit(p[9]) || (p[10] != 'T' && p[10] != ' ') || !clock_at(p + 11, &h, &m, &s))
		return LOGS_BAD_TIME;
	exim = p[10] == ' ';
	y = two(p) * 100 + two(p + 2);
	mon = two(p + 5);
	d = two(p + 8);
	if (!logs_civil_valid(y, mon, d, h, m, s))
		return LOGS_BAD_TIME;
	p = skip_fraction(p + 19, end);
	if (exim && end - p >= 3 && p[0] == ' ' && (p[1] == '+' || p[1] == '-') && digit(p[2]))
		p++;
	z = zone_at(p, end, &off);
	zoned = z != NULL;
	if (zoned)
		p = z;
	if (p < end && *p != ' ')
		return LOGS_BAD_TIME;
	t = logs_civil_seconds(y, mon, d, h, m, s);
	out->stamp.has_year = true;
	out->stamp.t = zoned ? t - off : logs_tz_utc(tz, t);
	if (exim) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			return LOGS_TRUNCATED;
		out->style = LOGS_STYLE_EXIM;
		out->host = MV_STR_NULL;
		out->prog = MV_STR_LIT("exim");
		out->msg = mv_str_make(p, (size_t)(end - p));
		return LOGS_OK;
	}
	return syslog_rest(mv_str_make(p, (size_t)(end - p)), out);
}

enum logs_verdict logs_stamp_parse(mv_str line, struct logs_tz *tz, struct logs_line *out)
{
	unsigned mon;

	memset(out, 0, sizeof(*out));
	if (line.len < 5)
		return line.len >= 3 && logs_month(line.p) != 0 ? LOGS_TRUNCATED : LOGS_UNKNOWN;
	if (digit(line.p[0]) && digit(line.p[1]) && digit(line.p[2]) && digit(line.p[3]) && line.p[4] == '-')
		return iso(line, tz, out);
	mon = logs_month(line.p);
	if (mon != 0)
		return traditional(line, mon, out);
	/* journalctl's "-- Boot ... --" and "-- No entries --" */
	if (line.p[0] == '-' && line.p[1] == '-' && line.p[2] == ' ')
		return LOGS_NOTHING;
	return LOGS_UNKNOWN;
}
