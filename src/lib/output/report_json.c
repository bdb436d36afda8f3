/*
 * The JSON Lines form of a report.  Field names are an interface other tools
 * rely on; docs/json.md documents them and tests/cli checks them.
 */
#include <stdio.h>

#include "mailvet/output.h"

/*
 * Keys are written as literals with their punctuation: KEY("{", "text") is
 * {"text": and KEY(",", "href") is ,"href":, so each costs one short copy of
 * a length known at compile time.
 */
#define KEY(lead, name) lead "\"" name "\":"
#define LIT(out, s) mv_buf_append((out), (s), sizeof(s) - 1)
#define STR(out, lead, name, v) str_field((out), KEY(lead, name), sizeof(KEY(lead, name)) - 1, (v))
#define INT(out, lead, name, v) int_field((out), KEY(lead, name), sizeof(KEY(lead, name)) - 1, (v))
#define BOOL(out, lead, name, v) bool_field((out), KEY(lead, name), sizeof(KEY(lead, name)) - 1, (v))

static int str_field(mv_buf *out, const char *key, size_t key_len, mv_str value)
{
	return mv_buf_append(out, key, key_len) | mv_json_string(out, value);
}

static int bool_field(mv_buf *out, const char *key, size_t key_len, bool value)
{
	int rc = mv_buf_append(out, key, key_len);

	return rc | (value ? LIT(out, "true") : LIT(out, "false"));
}

/* snprintf is a tenth of the scan's time when used per number, so numbers are written here. */
static int int_field(mv_buf *out, const char *key, size_t key_len, unsigned long long v)
{
	char tmp[24], *p = mv_json_digits(tmp + sizeof(tmp), v, 1);

	return mv_buf_append(out, key, key_len) | mv_buf_append(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

static int score_field(mv_buf *out, const char *key, size_t key_len, double v)
{
	return mv_buf_append(out, key, key_len) | mv_json_fixed2(out, v);
}
#define SCORE(out, lead, name, v) score_field((out), KEY(lead, name), sizeof(KEY(lead, name)) - 1, (v))

static void two_digits(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): no locale, no libc state. */
static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
	long long era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* An ISO 8601 UTC time, or null. */
static int date_field(mv_buf *out, const char *key, size_t key_len, int64_t t, bool valid)
{
	char tmp[40];
	long long days, secs;
	unsigned m, d;
	int y, n;

	if (!valid)
		return mv_buf_append(out, key, key_len) | LIT(out, "null");
	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	secs = t - days * 86400;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		n = snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d, secs / 3600,
			     secs / 60 % 60, secs % 60);
		return str_field(out, key, key_len, mv_str_make(tmp, (size_t)n));
	}
	memcpy(tmp, "\"0000-00-00T00:00:00Z\"", 22);
	two_digits(tmp + 1, (unsigned)y / 100);
	two_digits(tmp + 3, (unsigned)y % 100);
	two_digits(tmp + 6, m);
	two_digits(tmp + 9, d);
	two_digits(tmp + 12, (unsigned)(secs / 3600));
	two_digits(tmp + 15, (unsigned)(secs / 60 % 60));
	two_digits(tmp + 18, (unsigned)(secs % 60));
	return mv_buf_append(out, key, key_len) | mv_buf_append(out, tmp, 22);
}
#define DATE(out, lead, name, t, valid) date_field((out), KEY(lead, name), sizeof(KEY(lead, name)) - 1, (t), (valid))

/* "type/subtype", escaped as one string. */
static int type_field(mv_buf *out, const struct mv_part *part)
{
	int rc = LIT(out, KEY(",", "type") "\"");

	rc |= mv_json_escape(out, part->ctype.type);
	rc |= mv_buf_putc(out, '/');
	rc |= mv_json_escape(out, part->ctype.subtype);
	return rc | mv_buf_putc(out, '"');
}

static int write_parts(const struct mv_report *report, mv_buf *out)
{
	struct mv_msg *msg = report->msg;
	unsigned i;
	int rc = LIT(out, KEY(",", "parts") "[");

	for (i = 0; i < msg->n_parts; i++) {
		struct mv_part *part = msg->parts[i];

		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= INT(out, "{", "id", part->id);
		rc |= INT(out, ",", "depth", part->depth);
		rc |= type_field(out, part);
		rc |= STR(out, ",", "charset", part->charset);
		rc |= STR(out, ",", "encoding", mv_str_cstr(mv_cte_name(part->cte)));
		rc |= INT(out, ",", "size", (unsigned long long)part->body.len);
		rc |= INT(out, ",", "decoded_size", (unsigned long long)mv_part_decoded_size(msg, part));
		if (part->filename.len != 0)
			rc |= STR(out, ",", "filename", part->filename);
		rc |= mv_buf_putc(out, '}');
	}
	return rc | mv_buf_putc(out, ']');
}

static const char *link_source_name(enum mv_link_source source)
{
	switch (source) {
	case MV_LINK_TEXT:
		return "text";
	case MV_LINK_HTML_ANCHOR:
		return "anchor";
	case MV_LINK_HTML_IMAGE:
		return "image";
	case MV_LINK_HTML_FORM:
		return "form";
	case MV_LINK_HTML_OTHER:
		break;
	}
	return "other";
}

static int write_links(const struct mv_report *report, mv_buf *out)
{
	unsigned i;
	int rc = LIT(out, KEY(",", "links") "[");

	for (i = 0; i < report->n_links; i++) {
		const struct mv_link *link = &report->links[i];

		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= STR(out, "{", "text", link->text);
		rc |= STR(out, ",", "href", link->href);
		rc |= STR(out, ",", "url", link->url.normalized);
		rc |= STR(out, ",", "host", link->url.host);
		rc |= STR(out, ",", "domain", link->url.domain);
		rc |= STR(out, ",", "kind", mv_str_cstr(link_source_name(link->source)));
		rc |= INT(out, ",", "part", link->part_id);
		if (link->hidden)
			rc |= LIT(out, KEY(",", "hidden") "true");
		rc |= mv_buf_putc(out, '}');
	}
	return rc | mv_buf_putc(out, ']');
}

static int write_received(const struct mv_report *report, mv_buf *out)
{
	unsigned i;
	int rc = LIT(out, KEY(",", "received") "[");

	for (i = 0; i < report->n_received; i++) {
		const struct mv_received *r = &report->received[i];

		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= STR(out, "{", "from", r->from);
		rc |= STR(out, ",", "helo", r->helo);
		rc |= STR(out, ",", "ip", r->ip);
		rc |= STR(out, ",", "by", r->by);
		rc |= STR(out, ",", "with", r->with);
		rc |= STR(out, ",", "id", r->id);
		rc |= STR(out, ",", "for", r->for_);
		rc |= DATE(out, ",", "date", r->date, r->date != 0);
		rc |= BOOL(out, ",", "authenticated", (r->flags & MV_RCVD_AUTH) != 0);
		rc |= BOOL(out, ",", "tls", (r->flags & MV_RCVD_TLS) != 0);
		rc |= mv_buf_putc(out, '}');
	}
	return rc | mv_buf_putc(out, ']');
}

static int write_symbols(const struct mv_report *report, mv_buf *out)
{
	unsigned i;
	int rc = LIT(out, KEY(",", "symbols") "[");

	for (i = 0; i < report->n_symbols; i++) {
		const struct mv_symbol *sym = &report->symbols[i];

		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= STR(out, "{", "name", mv_str_cstr(sym->name));
		rc |= SCORE(out, ",", "score", sym->score);
		rc |= STR(out, ",", "detail", sym->detail);
		rc |= mv_buf_putc(out, '}');
	}
	return rc | mv_buf_putc(out, ']');
}

/*
 * A generous guess of the report's size (field text plus the keys around it),
 * reserved up front: the buffer then grows once instead of doubling its way
 * through a new arena block or two, and short strings take the escaper's
 * one-pass road.
 */
static size_t report_size_guess(const struct mv_report *report)
{
	size_t n = 1024 + (size_t)report->msg->n_parts * 160 + (size_t)report->n_symbols * 96;
	unsigned i;

	for (i = 0; i < report->n_links; i++) {
		const struct mv_link *l = &report->links[i];

		n += 112 + l->text.len + l->href.len + l->url.normalized.len + l->url.host.len + l->url.domain.len;
	}
	for (i = 0; i < report->n_received; i++) {
		const struct mv_received *r = &report->received[i];

		n += 160 + r->from.len + r->helo.len + r->ip.len + r->by.len + r->with.len + r->id.len + r->for_.len;
	}
	return n + n / 4;
}

int mv_report_write_json(const struct mv_report *report, const char *file, mv_buf *out)
{
	struct mv_msg *msg = report->msg;
	const struct mv_addr *from = mv_msg_from(msg);
	size_t guess = report_size_guess(report);
	int rc;

	/* Only a hint: never ask past the ceiling, which would mark the output truncated. */
	if (guess <= out->max - out->len)
		(void)mv_buf_reserve(out, guess);
	rc = STR(out, "{", "file", mv_str_cstr(file != NULL ? file : "-"));
	rc |= STR(out, ",", "message_id", report->message_id);
	rc |= LIT(out, KEY(",", "from") "{");
	rc |= STR(out, "", "name", from != NULL ? from->name : MV_STR_NULL);
	rc |= STR(out, ",", "address", from != NULL ? from->address : MV_STR_NULL);
	rc |= mv_buf_putc(out, '}');
	rc |= STR(out, ",", "subject", mv_msg_subject(msg));
	rc |= DATE(out, ",", "date", report->date, report->date_valid);
	rc |= INT(out, ",", "size", (unsigned long long)msg->raw.len);
	rc |= write_parts(report, out);
	rc |= write_links(report, out);
	rc |= write_received(report, out);
	rc |= SCORE(out, ",", "score", report->score);
	rc |= STR(out, ",", "action", mv_str_cstr(mv_action_name(report->action)));
	rc |= write_symbols(report, out);
	rc |= LIT(out, "}\n");
	return rc != 0 ? -1 : 0;
}
