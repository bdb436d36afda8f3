/*
 * Path, query and fragment normalization (RFC 3986 6.2.2): %XX of an
 * unreserved character is decoded, every other %xx gets upper-case hex, and
 * bytes a browser would escape (controls, space, quotes, angle brackets,
 * non-ASCII) are %-encoded.  Reserved characters and %2F, %3F, %23, %25 stay
 * encoded, so the meaning of the URL never changes.  Output is at most three
 * times the input, allocated once.
 */
#include <string.h>

#include "url/url_int.h"

static const char hex_upper[] = "0123456789ABCDEF";

/* RFC 3986 2.3: ALPHA DIGIT "-" "." "_" "~" */
static bool is_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '.' || c == '_' || c == '~';
}

/* WHATWG's C0-control set plus the characters its path/query/fragment sets add. */
static bool needs_encoding(unsigned char c, enum url_pct_kind kind)
{
	if (c <= 0x20 || c >= 0x7f)
		return true;
	if (c == '"' || c == '<' || c == '>' || c == '`')
		return true;
	return kind == URL_PCT_USERINFO && c == '@';
}

int url_pct_normalize(mv_arena *arena, mv_str in, enum url_pct_kind kind, bool special, mv_str *out_r)
{
	const unsigned char *s = (const unsigned char *)in.p;
	char *out;
	size_t i, n = 0;

	*out_r = MV_STR_NULL;
	if (in.p == NULL)
		return 0;
	out = mv_arena_alloc(arena, in.len * 3 + 1);
	if (out == NULL)
		return -1;
	for (i = 0; i < in.len; i++) {
		unsigned char c = s[i];

		if (c == '%' && i + 2 < in.len && url_hex_digit(s[i + 1]) && url_hex_digit(s[i + 2])) {
			unsigned char v = (unsigned char)(url_hex_value(s[i + 1]) << 4 | url_hex_value(s[i + 2]));

			if (is_unreserved(v)) {
				out[n++] = (char)v;
			} else {
				out[n++] = '%';
				out[n++] = hex_upper[v >> 4];
				out[n++] = hex_upper[v & 15];
			}
			i += 2;
		} else if (c == '\\' && special && kind == URL_PCT_PATH) {
			out[n++] = '/';	/* WHATWG: a backslash is a path separator in special URLs */
		} else if (needs_encoding(c, kind)) {
			out[n++] = '%';
			out[n++] = hex_upper[c >> 4];
			out[n++] = hex_upper[c & 15];
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
	*out_r = mv_str_make(out, n);
	return 0;
}

static bool starts(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && memcmp(p, lit, n) == 0;
}

static bool equals(const char *p, size_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(p, lit, len) == 0;
}

/* Drops the last segment and its preceding '/' from the output (RFC 3986 5.2.4 step 2C). */
static size_t pop_segment(const char *out, size_t n)
{
	while (n > 0 && out[n - 1] != '/')
		n--;
	return n > 0 ? n - 1 : 0;
}

/*
 * RFC 3986 5.2.4, literally, in one pass: each input byte is moved to the
 * output at most once and removed at most once, so it is linear.
 */
int url_remove_dot_segments(mv_arena *arena, mv_str path, mv_str *out_r)
{
	const char *p = path.p;
	size_t len = path.len, n = 0;
	char *out;

	*out_r = MV_STR_NULL;
	out = mv_arena_alloc(arena, path.len + 1);
	if (out == NULL)
		return -1;
	while (len > 0) {
		if (starts(p, len, "../")) {			/* 2A */
			p += 3, len -= 3;
		} else if (starts(p, len, "./")) {
			p += 2, len -= 2;
		} else if (starts(p, len, "/./")) {		/* 2B */
			p += 2, len -= 2;
		} else if (equals(p, len, "/.")) {
			p = "/", len = 1;
		} else if (starts(p, len, "/../")) {		/* 2C */
			p += 3, len -= 3;
			n = pop_segment(out, n);
		} else if (equals(p, len, "/..")) {
			p = "/", len = 1;
			n = pop_segment(out, n);
		} else if (equals(p, len, ".") || equals(p, len, "..")) {	/* 2D */
			len = 0;
		} else {					/* 2E */
			size_t seg = (p[0] == '/') ? 1 : 0;

			while (seg < len && p[seg] != '/')
				seg++;
			memcpy(out + n, p, seg);
			n += seg;
			p += seg, len -= seg;
		}
	}
	out[n] = '\0';
	*out_r = mv_str_make(out, n);
	return 0;
}

mv_str url_lower_dup(mv_arena *arena, mv_str in)
{
	char *out = mv_arena_alloc(arena, in.len + 1);

	if (out == NULL)
		return MV_STR_NULL;
	mv_ascii_lower_copy(out, in.p, in.len);
	out[in.len] = '\0';
	return mv_str_make(out, in.len);
}
