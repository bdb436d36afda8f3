/*
 * Host normalization, in the WHATWG host parser's order: percent-decode,
 * IDNA (UTS #46 via libidn2) when a label is non-ASCII or already xn--,
 * lower-case, refuse forbidden code points, then read a host that ends in a
 * number as IPv4.  Bracketed hosts are IPv6.  The result is always ASCII;
 * the U-label form goes to host_unicode.
 */
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "url/url_int.h"

/* WHATWG forbidden domain code points (ASCII ones; controls are checked by range). */
static bool forbidden_host_byte(unsigned char c)
{
	if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')
		return false;	/* nearly every byte of a host, and none of them in the list below */
	if (c <= 0x20 || c == 0x7f)
		return true;
	return strchr("#%/:<>?@[\\]^|", c) != NULL;
}

static bool has_xn_label(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++) {
		if ((i == 0 || p[i - 1] == '.') && (p[i] == 'x' || p[i] == 'X') &&
		    (p[i + 1] == 'n' || p[i + 1] == 'N') && p[i + 2] == '-' && p[i + 3] == '-')
			return true;
	}
	return false;
}

/* libidn2 allocates with malloc: copy into the arena and free with idn2_free. */
static int idn_copy(mv_arena *arena, char *s, mv_str *out_r)
{
	char *copy = mv_arena_strndup(arena, s, strlen(s));

	idn2_free(s);
	if (copy == NULL)
		return -2;
	*out_r = mv_str_cstr(copy);
	return 0;
}

/* A host IDNA could not convert: kept lower-cased, non-ASCII bytes %-encoded so host stays ASCII. */
static int idn_failed(mv_arena *arena, mv_str decoded, struct mv_url *url)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = mv_arena_alloc(arena, decoded.len * 3 + 1);
	size_t i, n = 0;

	if (out == NULL)
		return -2;
	for (i = 0; i < decoded.len; i++) {
		unsigned char c = (unsigned char)decoded.p[i];

		if (c < 0x80 && forbidden_host_byte(c))
			return -1;
		if (c >= 0x80) {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		} else {
			out[n++] = mv_ascii_lower((char)c);
		}
	}
	out[n] = '\0';
	url->host = mv_str_make(out, n);
	url->host_unicode = decoded;
	url->flags |= MV_URL_HOST_IDN | MV_URL_HOST_IDN_BAD;
	return 0;
}

/* decoded is NUL-terminated arena memory. */
static int idn_convert(mv_arena *arena, mv_str decoded, struct mv_url *url, bool *done_r)
{
	char *ascii = NULL, *unicode = NULL;
	int rc;

	*done_r = false;
	url->flags |= MV_URL_HOST_IDN;
	rc = idn2_to_ascii_8z(decoded.p, &ascii, IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		ascii = NULL;
		rc = idn2_to_ascii_8z(decoded.p, &ascii, IDN2_TRANSITIONAL);
	}
	if (rc != IDN2_OK) {
		*done_r = true;
		return idn_failed(arena, decoded, url);
	}
	if (idn_copy(arena, ascii, &url->host) < 0)
		return -2;
	url->host_unicode = url->host;
	if (!has_xn_label(url->host.p, url->host.len))
		return 0;
	rc = idn2_to_unicode_8z8z(url->host.p, &unicode, 0);
	if (rc != IDN2_OK) {
		url->flags |= MV_URL_HOST_IDN_BAD;
		return 0;
	}
	return idn_copy(arena, unicode, &url->host_unicode);
}

/* Percent-decodes and lower-cases ASCII into NUL-terminated arena memory. */
static int host_decode(mv_arena *arena, mv_str in, struct mv_url *url, mv_str *out_r, bool *non_ascii_r)
{
	const unsigned char *s = (const unsigned char *)in.p;
	char *out = mv_arena_alloc(arena, in.len + 1);
	size_t i, n = 0;

	if (out == NULL)
		return -2;
	*non_ascii_r = false;
	for (i = 0; i < in.len; i++) {
		unsigned char c = s[i];

		if (c == '%' && i + 2 < in.len && url_hex_digit(s[i + 1]) && url_hex_digit(s[i + 2])) {
			c = (unsigned char)(url_hex_value(s[i + 1]) << 4 | url_hex_value(s[i + 2]));
			url->flags |= MV_URL_HOST_ENCODED;
			i += 2;
		}
		if (c >= 0x80)
			*non_ascii_r = true;
		out[n++] = mv_ascii_lower((char)c);
	}
	out[n] = '\0';
	*out_r = mv_str_make(out, n);
	return 0;
}

static int host_ipv6(mv_arena *arena, mv_str in, struct mv_url *url)
{
	uint16_t pieces[8];
	char text[48];
	size_t n;
	char *copy;

	if (in.len < 2 || in.p[in.len - 1] != ']')
		return -1;
	if (url_ipv6_parse(mv_str_make(in.p + 1, in.len - 2), pieces) < 0)
		return -1;
	n = url_ipv6_format(pieces, text);
	copy = mv_arena_strndup(arena, text, n);
	if (copy == NULL)
		return -2;
	url->host = mv_str_make(copy, n);
	url->host_unicode = url->host;
	url->flags |= MV_URL_HOST_IP;
	return 0;
}

static int host_ipv4(mv_arena *arena, struct mv_url *url)
{
	char text[16];
	size_t n = 0;
	uint32_t addr;
	int rc = url_ipv4_parse(url->host, &addr), i;
	char *copy;

	if (rc <= 0)
		return rc;
	for (i = 3; i >= 0; i--) {
		unsigned byte = (addr >> (8 * i)) & 0xff;

		if (byte >= 100)
			text[n++] = (char)('0' + byte / 100);
		if (byte >= 10)
			text[n++] = (char)('0' + byte / 10 % 10);
		text[n++] = (char)('0' + byte % 10);
		if (i > 0)
			text[n++] = '.';
	}
	if (n != url->host.len || memcmp(text, url->host.p, n) != 0)
		url->flags |= MV_URL_HOST_IP_OBFUSCATED;
	copy = mv_arena_strndup(arena, text, n);
	if (copy == NULL)
		return -2;
	url->host = mv_str_make(copy, n);
	url->host_unicode = url->host;
	url->flags |= MV_URL_HOST_IP;
	return 1;
}

int url_host_parse(mv_arena *arena, mv_str in, struct mv_url *url)
{
	mv_str decoded;
	bool non_ascii, done;
	size_t i;
	int rc;

	url->host = url->host_unicode = MV_STR_NULL;
	if (in.len == 0) {
		url->host = url->host_unicode = mv_str_make("", 0);
		return 0;
	}
	if (in.p[0] == '[')
		return host_ipv6(arena, in, url);
	if (in.len > URL_MAX_HOST_IN)
		return -1;
	rc = host_decode(arena, in, url, &decoded, &non_ascii);
	if (rc < 0)
		return rc;
	if (non_ascii || has_xn_label(decoded.p, decoded.len)) {
		rc = idn_convert(arena, decoded, url, &done);
		if (rc < 0 || done)
			return rc;
	} else {
		url->host = url->host_unicode = decoded;
	}
	if (url->host.len == 0 || url->host.len > URL_MAX_HOST)
		return -1;
	for (i = 0; i < url->host.len; i++) {
		if (forbidden_host_byte((unsigned char)url->host.p[i]))
			return -1;
	}
	rc = host_ipv4(arena, url);
	return rc < 0 ? rc : 0;
}
