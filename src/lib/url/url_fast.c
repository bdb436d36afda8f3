/*
 * The fast path for the URLs mail is full of: "scheme://host/path?query#frag"
 * (or "www.host/path") with a special scheme other than file:, a host of
 * ASCII letters, digits, '-', '_' and '.' that is not numeric and has no
 * xn-- label or is a plain dotted quad, no userinfo, a port as it would
 * be written back or none, and a path, query and fragment that
 * normalization leaves alone: printable ASCII without "<>`\ or a dot
 * segment, every %XX already an upper-case escape of a reserved byte.  Such
 * a URL is its own normalized form, but for the case of scheme and host, so
 * it is checked in one pass and copied once, or not at all when it is
 * written in normal form already (the components are then views of raw).  Anything else is left to the
 * general parser in url_parse.c, which gives the same answer for these URLs
 * (tests/url and fuzz/fuzz_url.c compare the two).
 */
#include <string.h>

#include "url/url_int.h"

/* The special schemes the fast path takes, lower-case (static, so a view of them outlives the arena). */
static const struct fast_scheme {
	mv_str name;
	unsigned default_port;
} fast_schemes[] = {
	{ { "http", 4 }, 80 }, { { "https", 5 }, 443 }, { { "ftp", 3 }, 21 }, { { "ws", 2 }, 80 }, { { "wss", 3 }, 443 },
};

static bool is_lower_alpha(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper_alpha(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(unsigned char c)
{
	return is_lower_alpha(c) || is_upper_alpha(c) || is_digit(c);
}

static bool is_upper_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'F');
}

/* RFC 3986 2.3: a %XX of one of these is decoded by normalization. */
static bool is_unreserved(unsigned char c)
{
	return is_lower_alpha(c) || is_upper_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' ||
		c == '~';
}

/* The n bytes at p are the lower-case word, in any case. */
static bool same_word_ci(const char *p, const char *word, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (mv_ascii_lower(p[i]) != word[i])
			return false;
	}
	return true;
}

/* "http" or "https" written in lower case at the start of raw (most links), else NULL. */
static const struct fast_scheme *lower_http(mv_str raw)
{
	if (raw.len < 6 || memcmp(raw.p, "http", 4) != 0)
		return NULL;
	return raw.p[4] == 's' ? &fast_schemes[1] : &fast_schemes[0];
}

/*
 * The special scheme at the start of raw and the length of "scheme://";
 * NULL when raw does not start that way, or starts with a third slash.
 * *lower_r tells whether the scheme is written in lower case.
 */
static const struct fast_scheme *fast_scheme(mv_str raw, size_t *prefix_len_r, bool *lower_r)
{
	const struct fast_scheme *scheme = lower_http(raw);
	size_t n, i;

	*lower_r = scheme != NULL;
	if (scheme != NULL) {
		n = scheme->name.len;
	} else {
		for (n = 0; n < raw.len && n < 6 && raw.p[n] != ':'; n++)
			;
	}
	if (n == 0 || raw.len < n + 4 || raw.p[n] != ':' || raw.p[n + 1] != '/' || raw.p[n + 2] != '/' ||
	    raw.p[n + 3] == '/' || raw.p[n + 3] == '\\')
		return NULL;
	for (i = 0; i < sizeof(fast_schemes) / sizeof(fast_schemes[0]) && scheme == NULL; i++) {
		if (fast_schemes[i].name.len == n && same_word_ci(raw.p, fast_schemes[i].name.p, n)) {
			scheme = &fast_schemes[i];
			*lower_r = memcmp(raw.p, scheme->name.p, n) == 0;
		}
	}
	if (scheme != NULL)
		*prefix_len_r = n + 3;
	return scheme;
}

static bool is_xn_label(const char *p, size_t avail)
{
	return avail >= 4 && (p[0] | 0x20) == 'x' && (p[1] | 0x20) == 'n' && p[2] == '-' && p[3] == '-';
}

/*
 * Byte classes, one row of 16 bytes a line; every byte >= 0x80 is 'x', and
 * all 256 are there so a byte is looked up without a test.  In a host: 'p'
 * plain, 'u' upper-case letter, '.' the label dot, 'e' the end of the host,
 * 'x' not a plain host.  In the path, query and fragment: 'p' copied as it
 * is, '/' a path separator, '?' '?' or '#', '%' an escape, 'x' changed by
 * normalization.
 */
static const char host_class[] =
	"xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx"	/* controls */
	"xxxexxxxxxxxxp.e"			/*  !"#$%&'()*+,-./ */
	"ppppppppppexxxxe"			/* 0123456789:;<=>? */
	"xuuuuuuuuuuuuuuu"			/* @ABCDEFGHIJKLMNO */
	"uuuuuuuuuuuxxxxp"			/* PQRSTUVWXYZ[\]^_ */
	"xppppppppppppppp"			/* `abcdefghijklmno */
	"pppppppppppxxxxx"			/* pqrstuvwxyz{|}~ DEL */
	"xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx"	/* 0x80-0xbf */
	"xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx";	/* 0xc0-0xff */

static const char tail_class[] =
	"xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx"	/* controls */
	"xpx?p%ppppppppp/"			/*  !"#$%&'()*+,-./ */
	"ppppppppppppxpx?"			/* 0123456789:;<=>? */
	"pppppppppppppppp"			/* @ABCDEFGHIJKLMNO */
	"ppppppppppppxppp"			/* PQRSTUVWXYZ[\]^_ */
	"xppppppppppppppp"			/* `abcdefghijklmno */
	"pppppppppppppppx"			/* pqrstuvwxyz{|}~ DEL */
	"xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx"	/* 0x80-0xbf */
	"xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx" "xxxxxxxxxxxxxxxx";	/* 0xc0-0xff */

static char byte_class(const char table[257], unsigned char c)
{
	return table[c];
}

/*
 * A dotted quad as the IPv4 parser writes it back: four decimal parts of
 * 0-255 without a leading zero (which would be octal), nothing else.
 */
static bool is_plain_ipv4(const char *p, size_t len)
{
	size_t i = 0, part, start;
	unsigned value;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || p[i] != '.')
				return false;
			i++;
		}
		for (start = i, value = 0; i < len && is_digit((unsigned char)p[i]) && i - start < 3; i++)
			value = value * 10 + (unsigned)(p[i] - '0');
		if (i == start || value > 255 || (p[start] == '0' && i - start > 1))
			return false;
	}
	return i == len;
}

/* A label of the host (len bytes at p) starts with "xn--". */
static bool has_xn_label(const char *p, size_t len)
{
	size_t label = 0, i;

	for (i = 0; i <= len; i++) {
		if (i == len || p[i] == '.') {
			if (is_xn_label(p + label, i - label))
				return true;
			label = i + 1;
		}
	}
	return false;
}

/*
 * Length of the host at the start of s, or 0 when the host is not a plain
 * one: empty, too long, a byte needing decoding, IDNA or refusal, an xn--
 * label, or a last label that is empty or may be a number (IPv4 parsing),
 * unless the host is a plain dotted quad (*ip_r).  *upper_r tells whether
 * it needs lower-casing.  `before` bytes before s are readable (url_span.c).
 */
static size_t plain_host_length(mv_str s, size_t before, bool *upper_r, bool *ip_r)
{
	unsigned kinds;
	size_t label, len = url_host_span((const unsigned char *)s.p, s.len, before, &kinds, &label);

	*upper_r = *ip_r = false;
	if (len < s.len && byte_class(host_class, (unsigned char)s.p[len]) != 'e')
		return 0;	/* a byte needing decoding, IDNA or refusal */
	if (len == 0 || len > URL_MAX_HOST || ((kinds & URL_HOST_DASH) && has_xn_label(s.p, len)))
		return 0;
	if (label >= len)
		return 0;
	*upper_r = (kinds & URL_HOST_UPPER) != 0;
	if (is_lower_alpha(s.p[label] | 0x20))
		return len;
	*ip_r = is_digit((unsigned char)s.p[label]) && is_plain_ipv4(s.p, len);
	return *ip_r ? len : 0;
}

/* A "." or ".." segment at p, the byte after a '/' of the path (which ends at '?' or '#'). */
static bool is_dot_segment(const char *p, size_t avail)
{
	size_t n = avail > 0 && p[0] == '.' ? 1 : 0;

	if (n == 1 && avail > 1 && p[1] == '.')
		n = 2;
	return n > 0 && (n == avail || p[n] == '/' || p[n] == '?' || p[n] == '#');
}

/*
 * Checks the path, query and fragment after the host; returns false when
 * normalization would change them.  Only the bytes url_span.c flags in each
 * block of 16 are looked at, one by one (a valid %XX needs no skipping: its
 * hex digits are never flagged).  *path_len_r is the length up to the first
 * '?' or '#'.  `before` bytes before s are readable (url_span.c).
 */
static bool plain_tail(mv_str s, size_t before, size_t *path_len_r)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i, j, path_len = SIZE_MAX;
	unsigned hits;

	for (i = 0; i < s.len; i += 16) {
		for (hits = url_tail_hits(p, s.len, before, i, path_len == SIZE_MAX); hits != 0; hits &= hits - 1) {
			char class;

			j = i + (size_t)__builtin_ctz(hits);
			class = byte_class(tail_class, p[j]);
			if (class == 'x')
				return false;
			if (class == '/' && path_len == SIZE_MAX && is_dot_segment(s.p + j + 1, s.len - j - 1))
				return false;	/* remove_dot_segments would change the path */
			if (class == '?' && path_len == SIZE_MAX)
				path_len = j;
			if (class == '%' && j + 2 < s.len && url_hex_digit(p[j + 1]) && url_hex_digit(p[j + 2]) &&
			    (!is_upper_hex(p[j + 1]) || !is_upper_hex(p[j + 2]) ||
			     is_unreserved((unsigned char)(url_hex_value(p[j + 1]) << 4 | url_hex_value(p[j + 2])))))
				return false;
		}
	}
	*path_len_r = path_len == SIZE_MAX ? s.len : path_len;
	return true;
}

/*
 * The port after the host, as the general parser writes it back: ':' and
 * 1-65535 in decimal without a leading zero, then the end, '/', '?' or '#'.
 * Returns the length of ":port" with its value in *port_r, 0 for no port,
 * SIZE_MAX for a port that is not plain.
 */
static size_t plain_port(mv_str s, unsigned *port_r)
{
	unsigned value = 0;
	size_t i;

	*port_r = 0;
	if (s.len == 0 || s.p[0] != ':')
		return 0;
	for (i = 1; i < s.len && i <= 5 && is_digit((unsigned char)s.p[i]); i++)
		value = value * 10 + (unsigned)(s.p[i] - '0');
	if (i == 1 || s.p[1] == '0' || value > 65535 ||
	    (i < s.len && s.p[i] != '/' && s.p[i] != '?' && s.p[i] != '#'))
		return SIZE_MAX;
	*port_r = value;
	return i;
}

/* Query and fragment are views into rest, the normalized URL after its path: "", "?q", "#f" or "?q#f". */
static void set_query_fragment(mv_str rest, struct mv_url *url)
{
	const char *hash = rest.len > 0 ? memchr(rest.p, '#', rest.len) : NULL;
	size_t before_hash = hash != NULL ? (size_t)(hash - rest.p) : rest.len;

	url->query = url->fragment = MV_STR_NULL;
	if (rest.len > 0 && rest.p[0] == '?')
		url->query = mv_str_make(rest.p + 1, before_hash - 1);
	if (hash != NULL)
		url->fragment = mv_str_make(hash + 1, rest.len - before_hash - 1);
}

/*
 * Writes scheme "://" host [":" port], "/" when the path is empty (RFC 3986
 * 6.2.3), then the tail as it is, into the arena; the components are views
 * of that copy.
 */
static int copy_normalized(mv_arena *arena, mv_str scheme, mv_str host, bool upper, mv_str port_text, mv_str tail,
			   size_t path_len, struct mv_url *url)
{
	char *out = mv_arena_alloc(arena, scheme.len + 3 + host.len + port_text.len + 1 + tail.len + 1);
	size_t n, path_at;

	if (out == NULL)
		return -1;
	memcpy(out, scheme.p, scheme.len);
	memcpy(out + scheme.len, "://", 3);
	n = scheme.len + 3;
	if (upper)
		mv_ascii_lower_copy(out + n, host.p, host.len);
	else
		memcpy(out + n, host.p, host.len);
	url->host = url->host_unicode = mv_str_make(out + n, host.len);
	n += host.len;
	memcpy(out + n, port_text.p, port_text.len);
	n += port_text.len;
	path_at = n;
	if (path_len == 0)
		out[n++] = '/';
	memcpy(out + n, tail.p, tail.len);
	n += path_len;
	url->path = mv_str_make(out + path_at, n - path_at);
	set_query_fragment(mv_str_make(out + n, tail.len - path_len), url);
	n += tail.len - path_len;
	out[n] = '\0';
	url->normalized = mv_str_make(out, n);
	return 0;
}

/*
 * "mailto:local@host" with a lower-case scheme, a local part of letters,
 * digits and ".+-_" (starting with a letter or digit, which no %-rule
 * changes), a plain lower-case host, and then nothing or a plain
 * "?query#fragment" ("?subject=..." is common): the general parser's path
 * is "local@host", its normalized form the URL itself.  Returns 1, or 0
 * for the general parser.
 */
static int parse_plain_mailto(mv_str raw, struct mv_url *url)
{
	static const mv_str mailto = { "mailto", 6 };
	mv_str host, tail;
	size_t i, host_len, path_len;
	bool upper, ip;

	if (raw.len < 8 || memcmp(raw.p, "mailto:", 7) != 0 || !is_alnum((unsigned char)raw.p[7]))
		return 0;
	for (i = 7; i < raw.len && raw.p[i] != '@'; i++) {
		unsigned char c = (unsigned char)raw.p[i];

		if (!is_alnum(c) && c != '.' && c != '+' && c != '-' && c != '_')
			return 0;
	}
	if (i == raw.len)
		return 0;
	host = mv_str_make(raw.p + i + 1, raw.len - i - 1);
	host_len = plain_host_length(host, i + 1, &upper, &ip);
	if (host_len == 0 || upper)
		return 0;
	tail = mv_str_make(host.p + host_len, host.len - host_len);
	if (tail.len > 0 && ((tail.p[0] != '?' && tail.p[0] != '#') ||
			     !plain_tail(tail, (size_t)(tail.p - raw.p), &path_len)))
		return 0;
	host.len = host_len;
	url->scheme = mailto;
	url->host = url->host_unicode = host;
	url->path = mv_str_make(raw.p + 7, (size_t)(tail.p - raw.p) - 7);
	url->normalized = raw;
	url->userinfo = MV_STR_NULL;
	set_query_fragment(tail, url);
	url->port = 0;
	url->flags = ip ? MV_URL_HOST_IP : 0;
	url->domain = ip ? host : url_registrable_domain_plain(host);
	return 1;
}

/*
 * Returns 1 with *url filled in (but for raw), 0 when raw needs the general
 * parser (*url untouched), -1 when the arena is exhausted.  With a base, only
 * absolute URLs are taken; one with the base's scheme is flagged relative, as
 * the general parser reads it (RFC 3986 5.2.2).
 */
int url_parse_fast(mv_arena *arena, mv_str raw, const struct mv_url *base, struct mv_url *url)
{
	const struct fast_scheme *scheme;
	size_t prefix_len, host_len, port_len, path_len;
	mv_str rest, port_text, tail;
	bool no_scheme = false, lower_scheme = false, upper, ip;
	unsigned port;

	scheme = fast_scheme(raw, &prefix_len, &lower_scheme);
	if (scheme == NULL) {
		if (base == NULL && raw.len > 0 && raw.p[0] == 'm')
			return parse_plain_mailto(raw, url);
		if (base != NULL || !mv_str_prefix_ci(raw, "www."))
			return 0;
		scheme = &fast_schemes[0];
		prefix_len = 0;
		no_scheme = true;
	}
	rest = mv_str_make(raw.p + prefix_len, raw.len - prefix_len);
	host_len = plain_host_length(rest, prefix_len, &upper, &ip);
	if (host_len == 0)
		return 0;
	port_len = plain_port(mv_str_make(rest.p + host_len, rest.len - host_len), &port);
	if (port_len == SIZE_MAX)
		return 0;
	if (port == scheme->default_port)
		port = 0;	/* dropped from the normalized form */
	port_text = mv_str_make(rest.p + host_len, port != 0 ? port_len : 0);
	tail = mv_str_make(rest.p + host_len + port_len, rest.len - host_len - port_len);
	if (!plain_tail(tail, (size_t)(tail.p - raw.p), &path_len))
		return 0;

	if (lower_scheme && !upper && port_text.len == port_len && path_len > 0) {
		/* already in normal form, as most links are: the components are views of raw */
		url->host = url->host_unicode = mv_str_make(rest.p, host_len);
		url->path = mv_str_make(tail.p, path_len);
		set_query_fragment(mv_str_make(tail.p + path_len, tail.len - path_len), url);
		url->normalized = raw;
	} else if (copy_normalized(arena, scheme->name, mv_str_make(rest.p, host_len), upper, port_text, tail,
				   path_len, url) < 0) {
		return -1;
	}
	url->scheme = scheme->name;
	url->userinfo = MV_STR_NULL;
	url->port = (uint16_t)port;
	url->flags = no_scheme ? MV_URL_NO_SCHEME : 0;
	if (port != 0)
		url->flags |= MV_URL_NONSTANDARD_PORT;
	if (base != NULL && mv_str_eq(base->scheme, scheme->name.p))
		url->flags |= MV_URL_RELATIVE;
	if (ip) {
		url->flags |= MV_URL_HOST_IP;
		url->domain = url->host;
	} else {
		url->domain = url_registrable_domain_plain(url->host);
	}
	return 1;
}
