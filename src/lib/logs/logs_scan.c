/*
 * Scanning helpers the line parsers share: prefixes, "key=value" and
 * "key=<value>" fields, queue ids.  Everything works on views and never reads
 * past them; nothing is copied.
 */
#include "logs/logs_int.h"

/* The first "key=" of s at the start or after a space or a comma; NULL when none. */
static const char *key_at(mv_str s, const char *key, size_t n)
{
	const char *p = s.p, *end;

	if (p == NULL)
		return NULL;
	end = p + s.len;
	while ((size_t)(end - p) > n) {
		const char *hit = logs_find(mv_str_make(p, (size_t)(end - p)), key);

		if (hit == NULL || (size_t)(end - hit) <= n)
			return NULL;
		if (hit[n] == '=' && (hit == s.p || hit[-1] == ' ' || hit[-1] == ','))
			return hit + n + 1;
		p = hit + 1;
	}
	return NULL;
}

mv_str logs_field_n(mv_str s, const char *key, size_t n)
{
	const char *v = key_at(s, key, n), *end = s.p + s.len, *p;

	if (v == NULL)
		return MV_STR_NULL;
	for (p = v; p < end && *p != ',' && *p != ' '; p++)
		;
	return mv_str_make(v, (size_t)(p - v));
}

mv_str logs_angle_n(mv_str s, const char *key, size_t n)
{
	const char *v = key_at(s, key, n), *end = s.p + s.len, *close;

	if (v == NULL || v >= end || *v != '<')
		return MV_STR_NULL;
	v++;
	close = memchr(v, '>', (size_t)(end - v));
	if (close == NULL)
		return MV_STR_NULL;
	return mv_str_make(v, (size_t)(close - v));
}

/* 1 for a-z, 2 for 0-9 and A-Z: the characters of queue ids. */
static const unsigned char qid_class[256] = {
	['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2,
	['A'] = 2, ['B'] = 2, ['C'] = 2, ['D'] = 2, ['E'] = 2, ['F'] = 2, ['G'] = 2, ['H'] = 2, ['I'] = 2, ['J'] = 2,
	['K'] = 2, ['L'] = 2, ['M'] = 2, ['N'] = 2, ['O'] = 2, ['P'] = 2, ['Q'] = 2, ['R'] = 2, ['S'] = 2, ['T'] = 2,
	['U'] = 2, ['V'] = 2, ['W'] = 2, ['X'] = 2, ['Y'] = 2, ['Z'] = 2,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
	['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

mv_str logs_queue_id(mv_str *s)
{
	size_t i, n = s->len < LOGS_QID_MAX + 2 ? s->len : LOGS_QID_MAX + 2, skip;
	unsigned seen = 0, c;
	mv_str id;

	for (i = 0; i < n && (c = qid_class[(unsigned char)s->p[i]]) != 0; i++)
		seen |= c;
	/* "warning:", "statistics:" and the like are words, not ids. */
	if (i < 5 || i > LOGS_QID_MAX || !(seen & 2) || i >= s->len || s->p[i] != ':' ||
	    (i + 1 < s->len && s->p[i + 1] != ' '))
		return MV_STR_NULL;
	id = mv_str_make(s->p, i);
	skip = i + 1 < s->len ? i + 2 : i + 1;
	s->p += skip;
	s->len -= skip;
	return id;
}

mv_str logs_domain(mv_str addr)
{
	const char *at = NULL, *p;

	if (addr.p == NULL)
		return addr;
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
