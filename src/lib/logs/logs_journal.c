/*
 * journalctl -o json: one JSON object a line.  Only __REALTIME_TIMESTAMP
 * (microseconds since the epoch), _HOSTNAME, SYSLOG_IDENTIFIER (or _COMM)
 * and MESSAGE are read; the object is scanned, not built.  MESSAGE is
 * unescaped into the caller's scratch (never longer than the line); a MESSAGE
 * journald wrote as an array of bytes is not text: BINARY.
 */
#include "logs/logs_int.h"

struct jstr {
	mv_str raw;		/* between the quotes, escapes as written */
	bool escaped;
};

static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* A string at p (on its quote); the position after it, or NULL. */
static const char *string_at(const char *p, const char *end, struct jstr *s_r)
{
	const char *start = ++p;

	s_r->escaped = false;
	while (p < end && *p != '"') {
		if (*p == '\\') {
			s_r->escaped = true;
			p++;
		}
		p++;
	}
	if (p >= end)
		return NULL;
	s_r->raw = mv_str_make(start, (size_t)(p - start));
	return p + 1;
}

/* Any other value: a number, a literal, an array or an object, skipped. */
static const char *skip_value(const char *p, const char *end)
{
	unsigned depth = 0;
	struct jstr s;

	while (p < end) {
		if (*p == '"') {
			p = string_at(p, end, &s);
			if (p == NULL)
				return NULL;
			continue;
		}
		if (*p == '[' || *p == '{') {
			if (++depth > 64)
				return NULL;
		} else if (*p == ']' || *p == '}') {
			if (depth == 0)
				return p;
			depth--;
		} else if (*p == ',' && depth == 0) {
			return p;
		}
		p++;
	}
	return depth == 0 ? p : NULL;
}

static int hex4(const char *p)
{
	int v = 0, i, d;

	for (i = 0; i < 4; i++) {
		d = mv_hex_value((unsigned char)p[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static char *put_utf8(char *w, unsigned long cp)
{
	if (cp < 0x80) {
		*w++ = (char)(cp < 0x20 ? ' ' : cp);
	} else if (cp < 0x800) {
		*w++ = (char)(0xC0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xE0 | cp >> 12);
		*w++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*w++ = (char)(0xF0 | cp >> 18);
		*w++ = (char)(0x80 | (cp >> 12 & 0x3F));
		*w++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	}
	return w;
}

/* Unescapes s into w (room for s.len bytes); control characters become spaces. */
static mv_str unescape(mv_str s, char *w0)
{
	const char *p = s.p, *end = s.p + s.len;
	char *w = w0;

	while (p < end) {
		unsigned long cp;
		int v, lo;

		if (*p != '\\') {
			*w++ = (unsigned char)*p < 0x20 ? ' ' : *p;
			p++;
			continue;
		}
		if (++p == end)
			break;
		switch (*p++) {
		case 'n': case 'r': case 't': case 'b': case 'f':
			*w++ = ' ';
			continue;
		case 'u':
			break;
		default:
			*w++ = p[-1];
			continue;
		}
		if (end - p < 4 || (v = hex4(p)) < 0) {
			*w++ = '?';
			continue;
		}
		p += 4;
		cp = (unsigned long)v;
		if (v >= 0xD800 && v <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
		    (lo = hex4(p + 2)) >= 0xDC00 && lo <= 0xDFFF) {
			cp = 0x10000 + ((unsigned long)(v - 0xD800) << 10) + (unsigned long)(lo - 0xDC00);
			p += 6;
		} else if (v >= 0xD800 && v <= 0xDFFF) {
			cp = 0xFFFD;
		}
		w = put_utf8(w, cp);
	}
	return mv_str_make(w0, (size_t)(w - w0));
}

static bool key_is(const struct jstr *k, const char *name)
{
	return !k->escaped && mv_str_eq(k->raw, name);
}

enum logs_verdict logs_journal_parse(mv_str line, char *scratch, struct logs_line *out)
{
	const char *p = line.p, *end = line.p + line.len;
	struct jstr key, val, msg = { MV_STR_NULL, false };
	mv_str comm = MV_STR_NULL;
	bool have_time = false, msg_bytes = false;
	uint64_t us = 0, pid;

	memset(out, 0, sizeof(*out));
	p = ws(p, end);
	if (p == end || *p != '{')
		return LOGS_UNKNOWN;
	for (p = ws(p + 1, end); p < end && *p != '}';) {
		if (*p != '"' || (p = string_at(p, end, &key)) == NULL)
			return LOGS_TRUNCATED;
		p = ws(p, end);
		if (p == end || *p != ':')
			return LOGS_TRUNCATED;
		p = ws(p + 1, end);
		if (p < end && *p == '"') {
			p = string_at(p, end, &val);
			if (p == NULL)
				return LOGS_TRUNCATED;
			if (key_is(&key, "MESSAGE"))
				msg = val;
			else if (key_is(&key, "__REALTIME_TIMESTAMP"))
				have_time = logs_uint(val.raw, &us);
			else if (key_is(&key, "_HOSTNAME"))
				out->host = val.raw;
			else if (key_is(&key, "SYSLOG_IDENTIFIER"))
				out->prog = val.raw;
			else if (key_is(&key, "_COMM"))
				comm = val.raw;
			else if (key_is(&key, "_PID") || key_is(&key, "SYSLOG_PID"))
				out->pid = logs_uint(val.raw, &pid) ? (uint32_t)pid : out->pid;
		} else {
			if (key_is(&key, "MESSAGE") && p < end && *p == '[')
				msg_bytes = true;
			p = skip_value(p, end);
			if (p == NULL)
				return LOGS_TRUNCATED;
		}
		p = ws(p, end);
		if (p < end && *p == ',')
			p = ws(p + 1, end);
	}
	if (p == end)
		return LOGS_TRUNCATED;
	if (msg_bytes)
		return LOGS_BINARY;
	if (!have_time)
		return msg.raw.p != NULL ? LOGS_BAD_TIME : LOGS_UNKNOWN;
	/* From 1971 to 9999. */
	if (us / 1000000 < 365u * LOGS_DAY || us / 1000000 > 253402300799u)
		return LOGS_BAD_TIME;
	if (msg.raw.p == NULL || msg.raw.len == 0)
		return LOGS_TRUNCATED;
	if (out->prog.len == 0)
		out->prog = comm;
	if (out->prog.len == 0)
		return LOGS_UNKNOWN;
	out->stamp.has_year = true;
	out->stamp.t = (int64_t)(us / 1000000);
	out->style = LOGS_STYLE_SYSLOG;
	out->msg = msg.escaped ? unescape(msg.raw, scratch) : msg.raw;
	return LOGS_OK;
}
