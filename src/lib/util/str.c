/* Helpers on mv_str views: ASCII case folding only, never locale-dependent. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "mailvet/str.h"

bool mv_str_eq_ci(mv_str s, const char *cstr)
{
	size_t i;

	/* Equal bytes (the common case) skip the case folding. */
	for (i = 0; i < s.len; i++) {
		char c = cstr[i];

		if (c == '\0' || (s.p[i] != c && mv_ascii_lower(s.p[i]) != mv_ascii_lower(c)))
			return false;
	}
	return cstr[i] == '\0';
}

bool mv_str_prefix_ci(mv_str s, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i] != '\0'; i++) {
		if (i >= s.len || mv_ascii_lower(s.p[i]) != mv_ascii_lower(prefix[i]))
			return false;
	}
	return true;
}

static bool is_trim_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

mv_str mv_str_trim(mv_str s)
{
	while (s.len != 0 && is_trim_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len != 0 && is_trim_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

const char *mv_str_find_ci(mv_str hay, const char *needle)
{
	size_t n = strlen(needle), i;
	char first, upper;

	if (n == 0)
		return hay.p;
	if (n > hay.len)
		return NULL;
	first = mv_ascii_lower(needle[0]);
	upper = first >= 'a' && first <= 'z' ? (char)(first - ('a' - 'A')) : first;
	for (i = 0; i + n <= hay.len; i++) {
		if ((hay.p[i] == first || hay.p[i] == upper) &&
		    strncasecmp(hay.p + i + 1, needle + 1, n - 1) == 0)
			return hay.p + i;
	}
	return NULL;
}

size_t mv_utf8_encode(char out[4], unsigned long cp)
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Lower-cases the ASCII letters in 8 bytes at once.  With the top bit of
 * each byte cleared, adding 0x3f sets it from 'A' up and adding 0x25 from
 * '[' up, without carrying into the next byte; a byte that is below 0x80
 * and in the first range only is upper case and gets 0x20.
 */
static inline uint64_t ascii_lower8(uint64_t x)
{
	uint64_t low7 = x & 0x7f7f7f7f7f7f7f7fu;
	uint64_t upper = (low7 + 0x3f3f3f3f3f3f3f3fu) & ~(low7 + 0x2525252525252525u) & ~x &
		0x8080808080808080u;

	return x | upper >> 2;
}

/* The 8 bytes at p lower-cased to w (which may be p). */
static void lower8_copy(char *w, const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	x = ascii_lower8(x);
	memcpy(w, &x, 8);
}

/* The same for 4 bytes. */
static void lower4_copy(char *w, const char *p)
{
	uint32_t x;

	memcpy(&x, p, 4);
	x = (uint32_t)ascii_lower8(x);
	memcpy(w, &x, 4);
}

/*
 * Words, the last one overlapping the one before: lower-casing a byte twice
 * changes nothing (also in place, w == p), and no byte loop runs after the
 * words, whose exit would be mispredicted for the short names and hosts
 * this is mostly given.
 */
void mv_ascii_lower_copy(char *w, const char *p, size_t n)
{
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8)
			lower8_copy(w + i, p + i);
		lower8_copy(w + n - 8, p + n - 8);
	} else if (n >= 4) {
		lower4_copy(w, p);
		lower4_copy(w + n - 4, p + n - 4);
	} else {
		for (i = 0; i < n; i++)
			w[i] = mv_ascii_lower(p[i]);
	}
}
