/*
 * The JSON Lines form of a report.  Field names are an interface other tools
 * rely on; docs/json.md documents them and tests/cli checks them.
 */
#include <stdio.h>

#include "mailvet/output.h"

static int put(mv_buf *out, const char *s)
{
	return mv_buf_append(out, s, strlen(s));
}

/* ,"key": (the comma unless first) */
static int key(mv_buf *out, const char *name, bool first)
{
	int rc = first ? 0 : mv_buf_putc(out, ',');

	rc |= mv_buf_putc(out, '"');
	rc |= put(out, name);
	rc |= put(out, "\":");
	return rc;
}

static int str_field(mv_buf *out, const char *name, mv_str value, bool first)
{
	return key(out, name, first) | mv_json_string(out, value);
}

/* Decimal digits of v, right-aligned in buf[0..width) with zeros; returns the first digit. */
static char *digits(char *end, unsigned long long v, int width)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
		width--;
	} while (v != 0 || width > 0);
	return p;
}

/* snprintf is a tenth of the scan's time when used per number, so numbers are written here. */
static int int_field(mv_buf *out, const char *name, unsigned long long v, bool first)
{
	char tmp[24], *p = digits(tmp + sizeof(tmp), v, 1);

	return key(out, name, first) | mv_buf_append(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

static int score_field(mv_buf *out, const char *name, double v, bool first)
{
	char tmp[64];
	int n = snprintf(tmp, sizeof(tmp), "%.2f", v);

	return key(out, name, first) | mv_buf_append(out, tmp, (size_t)n);
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

static int date_field(mv_buf *out, const char *name, int64_t t, bool valid, bool first)
{
	char tmp[40];
	long long days, secs;
	unsigned m, d;
	int y, n;

	if (!valid)
		return key(out, name, first) | put(out, "null");
	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	secs = t - days * 86400;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		n = snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d, secs / 3600,
			     secs / 60 % 60, secs % 60);
		return str_field(out, name, mv_str_make(tmp, (size_t)n), first);
	}
	/* "YYYY-MM-DDTHH:MM:SSZ" */
	memcpy(tmp, "0000-00-00T00:00:00Z", 20);
	digits(tmp + 4, (unsigned)y, 4);
	digits(tmp + 7, m, 2);
	digits(tmp + 10, d, 2);
	digits(tmp + 13, (unsigned long long)(secs / 3600), 2);
	digits(tmp + 16, (unsigned long long)(secs / 60 % 60), 2);
	digits(tmp + 19, (unsigned long long)(secs % 60), 2);
	return str_field(out, name, mv_str_make(tmp, 20), first);
}

static int write_parts(const struct mv_report *report, mv_buf *out)
{
	struct mv_msg *msg = report->msg;
	unsigned i;
	int rc = key(out, "parts", false) | mv_buf_putc(out, '[');

	for (i = 0; i < msg->n_parts; i++) {
		struct mv_part *part = msg->parts[i];
		char type[256];
		int n = snprintf(type, sizeof(type), "%.*s/%.*s", (int)part->ctype.type.len, part->ctype.type.p,
				 (int)part->ctype.subtype.len, part->ctype.subtype.p);

		if (n < 0 || (size_t)n >= sizeof(type))
			n = (int)sizeof(type) - 1;
		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= mv_buf_putc(out, '{');
		rc |= int_field(out, "id", part->id, true);
		rc |= int_field(out, "depth", part->depth, false);
		rc |= str_field(out, "type", mv_str_make(type, (size_t)n), false);
		rc |= str_field(out, "charset", part->charset, false);
		rc |= str_field(out, "encoding", mv_str_cstr(mv_cte_name(part->cte)), false);
		rc |= int_field(out, "size", (unsigned long long)part->body.len, false);
		rc |= int_field(out, "decoded_size", (unsigned long long)mv_part_decoded_size(msg, part), false);
		if (part->filename.len != 0)
			rc |= str_field(out, "filename", part->filename, false);
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
	int rc = key(out, "links", false) | mv_buf_putc(out, '[');

	for (i = 0; i < report->n_links; i++) {
		const struct mv_link *link = &report->links[i];

		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= mv_buf_putc(out, '{');
		rc |= str_field(out, "text", link->text, true);
		rc |= str_field(out, "href", link->href, false);
		rc |= str_field(out, "url", link->url.normalized, false);
		rc |= str_field(out, "host", link->url.host, false);
		rc |= str_field(out, "domain", link->url.domain, false);
		rc |= str_field(out, "kind", mv_str_cstr(link_source_name(link->source)), false);
		rc |= int_field(out, "part", link->part_id, false);
		if (link->hidden)
			rc |= key(out, "hidden", false) | put(out, "true");
		rc |= mv_buf_putc(out, '}');
	}
	return rc | mv_buf_putc(out, ']');
}

static int write_received(const struct mv_report *report, mv_buf *out)
{
	unsigned i;
	int rc = key(out, "received", false) | mv_buf_putc(out, '[');

	for (i = 0; i < report->n_received; i++) {
		const struct mv_received *r = &report->received[i];

		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= mv_buf_putc(out, '{');
		rc |= str_field(out, "from", r->from, true);
		rc |= str_field(out, "helo", r->helo, false);
		rc |= str_field(out, "ip", r->ip, false);
		rc |= str_field(out, "by", r->by, false);
		rc |= str_field(out, "with", r->with, false);
		rc |= str_field(out, "id", r->id, false);
		rc |= str_field(out, "for", r->for_, false);
		rc |= date_field(out, "date", r->date, r->date != 0, false);
		rc |= key(out, "authenticated", false) | put(out, (r->flags & MV_RCVD_AUTH) ? "true" : "false");
		rc |= key(out, "tls", false) | put(out, (r->flags & MV_RCVD_TLS) ? "true" : "false");
		rc |= mv_buf_putc(out, '}');
	}
	return rc | mv_buf_putc(out, ']');
}

static int write_symbols(const struct mv_report *report, mv_buf *out)
{
	unsigned i;
	int rc = key(out, "symbols", false) | mv_buf_putc(out, '[');

	for (i = 0; i < report->n_symbols; i++) {
		const struct mv_symbol *sym = &report->symbols[i];

		if (i != 0)
			rc |= mv_buf_putc(out, ',');
		rc |= mv_buf_putc(out, '{');
		rc |= str_field(out, "name", mv_str_cstr(sym->name), true);
		rc |= score_field(out, "score", sym->score, false);
		rc |= str_field(out, "detail", sym->detail, false);
		rc |= mv_buf_putc(out, '}');
	}
	return rc | mv_buf_putc(out, ']');
}

int mv_report_write_json(const struct mv_report *report, const char *file, mv_buf *out)
{
	struct mv_msg *msg = report->msg;
	const struct mv_addr *from = mv_msg_from(msg);
	int rc = mv_buf_putc(out, '{');

	rc |= str_field(out, "file", mv_str_cstr(file != NULL ? file : "-"), true);
	rc |= str_field(out, "message_id", report->message_id, false);
	rc |= key(out, "from", false) | mv_buf_putc(out, '{');
	rc |= str_field(out, "name", from != NULL ? from->name : MV_STR_NULL, true);
	rc |= str_field(out, "address", from != NULL ? from->address : MV_STR_NULL, false);
	rc |= mv_buf_putc(out, '}');
	rc |= str_field(out, "subject", mv_msg_subject(msg), false);
	rc |= date_field(out, "date", report->date, report->date_valid, false);
	rc |= int_field(out, "size", (unsigned long long)msg->raw.len, false);
	rc |= write_parts(report, out);
	rc |= write_links(report, out);
	rc |= write_received(report, out);
	rc |= score_field(out, "score", report->score, false);
	rc |= str_field(out, "action", mv_str_cstr(mv_action_name(report->action)), false);
	rc |= write_symbols(report, out);
	rc |= put(out, "}\n");
	return rc != 0 ? -1 : 0;
}
