/*
 * mv_str: a read-only view of bytes that belong to someone else (usually the
 * input buffer or a message arena).  Views are never NUL-terminated; use the
 * length.  Header and body fields of the message model are views into the
 * input, so the input buffer must outlive every view taken from it.
 */
#ifndef MAILVET_STR_H
#define MAILVET_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#pragma GCC visibility push(default)

typedef struct mv_str {
	const char *p;
	size_t len;
} mv_str;

#define MV_STR_NULL ((mv_str){ NULL, 0 })
/* A view of a string literal: MV_STR_LIT("text"). */
#define MV_STR_LIT(s) ((mv_str){ (s), sizeof(s) - 1 })

static inline mv_str mv_str_make(const char *p, size_t len)
{
	mv_str s = { p, len };
	return s;
}

static inline mv_str mv_str_cstr(const char *p)
{
	mv_str s = { p, p != NULL ? strlen(p) : 0 };
	return s;
}

static inline bool mv_str_empty(mv_str s)
{
	return s.len == 0;
}

/* Case-insensitive (ASCII) comparison with a NUL-terminated string. */
bool mv_str_eq_ci(mv_str s, const char *cstr);

/*
 * Exact comparison with a NUL-terminated string.  Inline because nearly every
 * caller passes a literal: its length and the comparison are then worked out
 * at compile time, with no call into the C library.
 */
static inline bool mv_str_eq(mv_str s, const char *cstr)
{
	size_t n = strlen(cstr);

	return n == s.len && (n == 0 || memcmp(s.p, cstr, n) == 0);
}
/* True when s starts with prefix, ASCII case-insensitively. */
bool mv_str_prefix_ci(mv_str s, const char *prefix);
/* Drops leading and trailing space, tab, CR and LF. */
mv_str mv_str_trim(mv_str s);
/* First occurrence of needle (case-insensitive ASCII), or NULL. */
const char *mv_str_find_ci(mv_str hay, const char *needle);
/* Copies n bytes from p to w with ASCII letters lower-cased (8 bytes a step); w may be p. */
void mv_ascii_lower_copy(char *w, const char *p, size_t n);

static inline char mv_ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

/* The value of a hex digit (either case), or -1. */
static inline int mv_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The value of a base64 digit (RFC 4648 4), or -1. */
static inline int mv_base64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Writes the UTF-8 form of cp (surrogates and values past U+10FFFF become U+FFFD); returns 1 to 4. */
size_t mv_utf8_encode(char out[4], unsigned long cp);

#pragma GCC visibility pop

#endif
