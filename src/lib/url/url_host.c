/*
 * Host normalization, in the WHATWG host parser's order: percent-decode,
 * IDNA (UTS #46 via libidn2) when a label is non-ASCII or already xn--,
 * lower-case, refuse forbidden code points, then read a host that ends in a
 * number as IPv4.  Bracketed hosts are IPv6.  The result is always ASCII;
 * the U-label form goes to host_unicode.
 */
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

/*
 * A per-thread cache of IDNA answers: libidn2 costs tens of thousands of
 * instructions a host, and mail repeats its IDN hosts.  Direct mapped; a
 * collision only costs a libidn2 call.  Hosts whose text does not fit are
 * not cached.  Allocated on first use (130 KiB), freed when the thread exits.
 */
#define IDN_CACHE_SLOTS 512
#define IDN_CACHE_TEXT 64

struct idn_cache_slot {
	char in[IDN_CACHE_TEXT];	/* the decoded host, NUL-terminated; "" for an empty slot */
	bool failed;			/* IDNA refused the host (idn_failed) */
	bool unicode_bad;		/* the A-label could not be turned back into Unicode */
	char ascii[IDN_CACHE_TEXT];
	char unicode[IDN_CACHE_TEXT * 2];
};

/* The slot for decoded, or NULL when the cache cannot be allocated. */
static struct idn_cache_slot *idn_cache_slot(mv_str decoded)
{
	struct idn_cache_slot *cache = url_thread_table(URL_TABLE_IDN, IDN_CACHE_SLOTS, sizeof(*cache));

	if (cache == NULL)
		return NULL;
	return &cache[url_hash(url_table_seed(URL_TABLE_IDN), decoded.p, decoded.len) % IDN_CACHE_SLOTS];
}

static bool idn_cache_holds(const struct idn_cache_slot *slot, mv_str decoded)
{
	return slot != NULL && decoded.len < IDN_CACHE_TEXT && memcmp(slot->in, decoded.p, decoded.len + 1) == 0;
}

/* Remembers the answer idn_compute() left in url (host_unicode is host when there is no U-label form). */
static void idn_cache_put(struct idn_cache_slot *slot, mv_str decoded, bool failed, const struct mv_url *url)
{
	bool unicode_bad = !failed && (url->flags & MV_URL_HOST_IDN_BAD) != 0;
	mv_str unicode = failed || url->host_unicode.p == url->host.p ? MV_STR_NULL : url->host_unicode;

	slot->in[0] = '\0';
	if (decoded.len >= IDN_CACHE_TEXT || (!failed && url->host.len >= IDN_CACHE_TEXT) ||
	    unicode.len >= IDN_CACHE_TEXT * 2)
		return;
	slot->failed = failed;
	slot->unicode_bad = unicode_bad;
	slot->ascii[0] = slot->unicode[0] = '\0';
	if (!failed)
		memcpy(slot->ascii, url->host.p, url->host.len + 1);
	if (unicode.p != NULL)
		memcpy(slot->unicode, unicode.p, unicode.len + 1);
	memcpy(slot->in, decoded.p, decoded.len + 1);
}

/* The cached answer into url, as idn_compute() gives it. */
static int idn_from_cache(mv_arena *arena, const struct idn_cache_slot *slot, mv_str decoded, struct mv_url *url,
			  bool *done_r)
{
	char *copy;

	if (slot->failed) {
		*done_r = true;
		return idn_failed(arena, decoded, url);
	}
	copy = mv_arena_strndup(arena, slot->ascii, strlen(slot->ascii));
	if (copy == NULL)
		return -2;
	url->host = url->host_unicode = mv_str_cstr(copy);
	if (slot->unicode_bad)
		url->flags |= MV_URL_HOST_IDN_BAD;
	if (slot->unicode[0] != '\0') {
		copy = mv_arena_strndup(arena, slot->unicode, strlen(slot->unicode));
		if (copy == NULL)
			return -2;
		url->host_unicode = mv_str_cstr(copy);
	}
	return 0;
}

/* decoded is NUL-terminated arena memory. */
static int idn_compute(mv_arena *arena, mv_str decoded, struct mv_url *url, bool *done_r)
{
	char *ascii = NULL, *unicode = NULL;
	int rc;

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

static int idn_convert(mv_arena *arena, mv_str decoded, struct mv_url *url, bool *done_r)
{
	struct idn_cache_slot *slot = idn_cache_slot(decoded);
	int rc;

	*done_r = false;
	url->flags |= MV_URL_HOST_IDN;
	if (idn_cache_holds(slot, decoded))
		return idn_from_cache(arena, slot, decoded, url, done_r);
	rc = idn_compute(arena, decoded, url, done_r);
	if (rc == 0 && slot != NULL)
		idn_cache_put(slot, decoded, *done_r, url);
	return rc;
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
