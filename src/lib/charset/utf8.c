/*
 * UTF-8 validation and repair.  Well-formedness follows Unicode Table 3-7
 * (no overlongs, no surrogates, nothing past U+10FFFF); repair replaces each
 * maximal subpart of an ill-formed sequence with one U+FFFD, the rule of
 * Unicode 3.9 "U+FFFD Substitution of Maximal Subparts" that the WHATWG
 * decoder uses.  ASCII is skipped eight bytes at a time.
 */
#include <stdint.h>
#include <string.h>

#include "charset/charset_int.h"
#include "util/simd.h"

#define HIGH_BITS UINT64_C(0x8080808080808080)

/*
 * Length of the well-formed sequence at p (p[0] >= 0x80), or 0 with *sub_r
 * set to the length of the maximal subpart to replace.
 */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *sub_r)
{
	unsigned c = p[0], lo = 0x80, hi = 0xBF;
	size_t need, k;

	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
	} else if (c == 0xE0) {
		need = 2;
		lo = 0xA0;
	} else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
		need = 2;
	} else if (c == 0xED) {
		need = 2;
		hi = 0x9F;	/* U+D800..U+DFFF are not characters */
	} else if (c == 0xF0) {
		need = 3;
		lo = 0x90;
	} else if (c >= 0xF1 && c <= 0xF3) {
		need = 3;
	} else if (c == 0xF4) {
		need = 3;
		hi = 0x8F;
	} else {
		*sub_r = 1;
		return 0;
	}
	for (k = 1; k <= need; k++) {
		if (k >= n || p[k] < lo || p[k] > hi) {
			*sub_r = k;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

/* Length of the leading ASCII run. */
size_t charset_ascii_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint64_t v;

#ifdef SIMD_SSE2
	/* Thirty-two bytes a step: the high bits of both halves, or-ed, tell if any byte is 8-bit. */
	while (i + 32 <= n) {
		if (simd_mask(simd_or(simd_load(p + i), simd_load(p + i + 16))) != 0)
			break;
		i += 32;
	}
#endif
	while (i + 8 <= n) {
		memcpy(&v, p + i, 8);
		if ((v & HIGH_BITS) != 0)
			break;
		i += 8;
	}
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

/* Length of the leading well-formed UTF-8 prefix. */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0, len, sub;

	for (;;) {
		i += charset_ascii_prefix((const char *)p + i, n - i);
		if (i >= n)
			return n;
		len = utf8_seq(p + i, n - i, &sub);
		if (len == 0)
			return i;
		i += len;
	}
}

bool mv_utf8_valid(const char *p, size_t len)
{
	return utf8_valid_prefix((const unsigned char *)p, len) == len;
}

enum mv_charset_status charset_utf8_repair(mv_str in, mv_buf *out)
{
	static const char repl[] = "\xEF\xBF\xBD";
	const unsigned char *p = (const unsigned char *)in.p;
	size_t i = 0, ok, sub = 1;
	bool replaced = false;

	(void)charset_reserve(out, in.len);
	while (i < in.len) {
		ok = utf8_valid_prefix(p + i, in.len - i);
		if (charset_append(out, (const char *)p + i, ok) < 0)
			return MV_CHARSET_TRUNCATED;
		i += ok;
		if (i >= in.len)
			break;
		(void)utf8_seq(p + i, in.len - i, &sub);
		if (charset_append(out, repl, 3) < 0)
			return MV_CHARSET_TRUNCATED;
		replaced = true;
		i += sub;
	}
	return replaced ? MV_CHARSET_REPLACED : MV_CHARSET_OK;
}

int charset_append(mv_buf *out, const char *p, size_t n)
{
	size_t len, back, need;
	unsigned char c;

	if (mv_buf_append(out, p, n) == 0)
		return 0;
	/* The ceiling kept a prefix: drop a sequence it cut in two. */
	len = out->len;
	for (back = 1; back <= 3 && back <= len; back++) {
		c = (unsigned char)out->p[len - back];
		if (c < 0x80)
			break;
		if (c >= 0xC0) {
			need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			if (need > back)
				out->len = len - back;
			break;
		}
	}
	return -1;
}

char *charset_reserve(mv_buf *out, size_t n)
{
	int was = out->truncated;
	char *w;

	if (n > out->max - out->len)
		return NULL;
	w = mv_buf_reserve(out, n);
	if (w == NULL)
		out->truncated = was;	/* only a hint failed; appends will tell */
	return w;
}
