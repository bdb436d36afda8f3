/*
 * Scanning helpers the line parsers share: prefixes, "key=value" and
 * "key=<value>" fields, queue ids.  Everything works on views and never reads
 * past them; nothing is copied.
 */
#include "logs/logs_int.h"

bool logs_skip(mv_str *s, const char *lit)
{
	size_t n = strlen(lit);

	if (s->len < n || memcmp(s->p, lit, n) != 0)
		return false;
	s->p += n;
	s->len -= n;
	return true;
}

const char *logs_find(mv_str s, const char *lit)
{
	size_t n = strlen(lit);

	if (s.len < n || n == 0)
		return NULL;
	return memmem(s.p, s.len, lit, n);
}

/* The first "key=" of s at the start or after a space or a comma; NULL when none. */
static const char *key_at(mv_str s, const char *key)
{
	size_t n = strlen(key);
	const char *p = s.p, *end = s.p + s.len;

	while ((size_t)(end - p) > n) {
		const char *hit = memmem(p, (size_t)(end - p), key, n);

		if (hit == NULL || (size_t)(end - hit) <= n)
			return NULL;
		if (hit[n] == '=' && (hit == s.p || hit[-1] == ' ' || hit[-1] == ','))
			return hit + n + 1;
		p = hit + 1;
	}
	return NULL;
}

mv_str logs_field(mv_str s, const char *key)
{
	const char *v = key_at(s, key), *end = s.p + s.len, *p;

	if (v == NULL)
		return MV_STR_NULL;
	for (p = v; p < end && *p != ',' && *p != ' '; p++)
		;
	return mv_str_make(v, (size_t)(p - v));
}

mv_str logs_angle(mv_str s, const char *key)
{
	const char *v = key_at(s, key), *end = s.p + s.len, *close;

	if (v == NULL || v >= end || *v != '<')
		return MV_STR_NULL;
	v++;
	close = memchr(v, '>', (size_t)(end - v));
	if (close == NULL)
		return MV_STR_NULL;
	return mv_str_make(v, (size_t)(close - v));
}

mv_str logs_queue_id(mv_str *s)
{
	size_t i, n = s->len < LOGS_QID_MAX + 2 ? s->len : LOGS_QID_MAX + 2;
	bool lower_only = true;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s->p[i];

		if (c >= 'a' && c <= 'z')
			continue;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
			lower_only = false;
			continue;
		}
		break;
	}
	/* "warning:", "statistics:" and the like are words, not ids. */
	if (i < 5 || i > LOGS_QID_MAX || lower_only || i >= s->len || s->p[i] != ':' ||
	    (i + 1 < s->len && s->p[i + 1] != ' '))
		return MV_STR_NULL;
	{
		mv_str id = mv_str_make(s->p, i);
		size_t skip = i + 1 < s->len ? i + 2 : i + 1;

		s->p += skip;
		s->len -= skip;
		return id;
	}
}

mv_str logs_domain(mv_str addr)
{
	const char *at = NULL, *p;

	for (p = addr.p + addr.len; p > addr.p; p--) {
		if (p[-1] == '@') {
			at = p;
			break;
		}
	}
	if (at == NULL)
		return mv_str_make(addr.p + addr.len, 0);
	return mv_str_make(at, (size_t)(addr.p + addr.len - at));
}

bool logs_uint(mv_str s, uint64_t *v_r)
{
	uint64_t v = 0;
	size_t i;

	if (s.len == 0 || s.len > 19)
		return false;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	*v_r = v;
	return true;
}
