/*
 * What the store remembers of a receipt request, as one line of text:
 *
 *     v1 TAB removed|kept TAB return-path TAB a@x,b@y TAB rcpt@ours,... TAB 1765102830
 *
 * Text, so that redis-cli and mdb_dump show it as it is.  Addresses holding
 * a tab, a comma or a line end (possible only quoted, and only in hostile
 * mail) are left out; a list is cut at an address boundary so that the whole
 * value stays within MDN_RECORD_MAX.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mdn/mdn.h"

static bool listable(mv_str a)
{
	size_t i;

	for (i = 0; i < a.len; i++) {
		if (a.p[i] == '\t' || a.p[i] == ',' || a.p[i] == '\r' || a.p[i] == '\n')
			return false;
	}
	return a.len != 0;
}

mv_str mdn_list_join(mv_arena *arena, const mv_str *items, unsigned n, size_t max)
{
	char *out = mv_arena_alloc(arena, max + 1);
	size_t len = 0;
	unsigned i;

	if (out == NULL)
		return MV_STR_NULL;
	for (i = 0; i < n; i++) {
		size_t need = items[i].len + (len != 0);

		if (!listable(items[i]))
			continue;
		if (len + need > max)
			break;
		if (len != 0)
			out[len++] = ',';
		memcpy(out + len, items[i].p, items[i].len);
		len += items[i].len;
	}
	out[len] = '\0';
	return mv_str_make(out, len);
}

/* A part of the record: the field cut to `max` bytes at an address boundary, tabs and line ends never in it. */
static size_t field_len(mv_str s, size_t max)
{
	size_t n = s.len < max ? s.len : max, i;

	for (i = 0; i < n; i++) {
		if (s.p[i] == '\t' || s.p[i] == '\r' || s.p[i] == '\n')
			return 0;
	}
	if (n < s.len) {
		while (n > 0 && s.p[n] != ',')
			n--;
	}
	return n;
}

mv_str mdn_record_format(mv_arena *arena, const struct mdn_record *rec)
{
	char *out = mv_arena_alloc(arena, MDN_RECORD_MAX + 1);
	/* Room: "v1\tremoved\t" 11, four more tabs, a 20-digit time, and the three fields. */
	size_t rp = field_len(rec->return_path, 320), left = MDN_RECORD_MAX - 40 - rp;
	size_t req = field_len(rec->requested, left / 2), rcpt = field_len(rec->recipients, left - req);
	int n;

	if (out == NULL)
		return MV_STR_NULL;
	n = snprintf(out, MDN_RECORD_MAX + 1, "v1\t%s\t%.*s\t%.*s\t%.*s\t%" PRId64, rec->removed ? "removed" : "kept",
		     (int)rp, rec->return_path.p != NULL ? rec->return_path.p : "", (int)req,
		     rec->requested.p != NULL ? rec->requested.p : "", (int)rcpt,
		     rec->recipients.p != NULL ? rec->recipients.p : "", rec->time);
	if (n < 0 || (size_t)n > MDN_RECORD_MAX)
		return MV_STR_NULL;
	return mv_str_make(out, (size_t)n);
}

/* The next tab-separated part of *s. */
static mv_str next_part(mv_str *s, bool *ok)
{
	const char *tab = memchr(s->p, '\t', s->len);
	mv_str part;

	if (tab == NULL) {
		part = *s;
		*s = mv_str_make(s->p + s->len, 0);
		*ok = false;
		return part;
	}
	part = mv_str_make(s->p, (size_t)(tab - s->p));
	*s = mv_str_make(tab + 1, s->len - part.len - 1);
	return part;
}

bool mdn_record_parse(mv_str value, struct mdn_record *rec)
{
	mv_str s = value, version, verdict;
	bool ok = true;
	int64_t t = 0;
	size_t i;

	memset(rec, 0, sizeof(*rec));
	if (value.p == NULL)
		return false;
	version = next_part(&s, &ok);
	verdict = next_part(&s, &ok);
	rec->return_path = next_part(&s, &ok);
	rec->requested = next_part(&s, &ok);
	rec->recipients = next_part(&s, &ok);
	if (!ok || !mv_str_eq(version, "v1") || !(mv_str_eq(verdict, "removed") || mv_str_eq(verdict, "kept")) ||
	    s.len == 0 || s.len > 19)
		return false;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		t = t * 10 + (s.p[i] - '0');
	}
	rec->removed = mv_str_eq(verdict, "removed");
	rec->time = t;
	return true;
}

bool mdn_list_has(mv_str list, mv_str addr)
{
	const char *p = list.p, *end;

	if (p == NULL)
		return false;
	end = p + list.len;
	while (p != NULL && p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma != NULL ? comma : end;

		if (mdn_addr_eq(mv_str_make(p, (size_t)(e - p)), addr))
			return true;
		p = comma != NULL ? comma + 1 : NULL;
	}
	return false;
}
