/*
 * mv_url_parse: RFC 3986 syntax with the WHATWG URL Standard's leniency, so
 * the host found is the host a browser would connect to: tab/CR/LF inside
 * are dropped, special schemes (http, https, ftp, ws, wss, file) take '\' as
 * '/' and ignore extra slashes ("http:/\evil.com"), the last '@' ends the
 * userinfo.  References are resolved as RFC 3986 5.2.2 says; "http:g"
 * against an http base takes the backward-compatible reading of 5.4.2, as
 * browsers do.  Raw URLs over URL_MAX_RAW bytes are refused.
 */
#include <string.h>

#include "url/url_int.h"

static const struct {
	const char *name;
	uint16_t port;
} special_schemes[] = {
	{ "http", 80 }, { "https", 443 }, { "ftp", 21 }, { "ws", 80 }, { "wss", 443 }, { "file", 0 },
};
#define SCHEME_FILE 5

#define HOST_FLAGS (MV_URL_HOST_IP | MV_URL_HOST_IP_OBFUSCATED | MV_URL_HOST_IDN | \
	MV_URL_HOST_IDN_BAD | MV_URL_USERINFO | MV_URL_HOST_ENCODED | MV_URL_NONSTANDARD_PORT)

/* Raw components of one reference: views into the cleaned input. */
struct url_work {
	mv_str scheme;		/* lower-case */
	int special;		/* index into special_schemes, or -1 */
	bool has_authority;
	mv_str authority;
	mv_str path;
	mv_str query;		/* p == NULL when absent */
	mv_str fragment;
};

static int special_index(mv_str scheme)
{
	size_t i;

	for (i = 0; i < sizeof(special_schemes) / sizeof(special_schemes[0]); i++) {
		if (mv_str_eq(scheme, special_schemes[i].name))
			return (int)i;
	}
	return -1;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_slash(char c, bool special)
{
	return c == '/' || (special && c == '\\');
}

/*
 * WHATWG: leading and trailing C0 controls and spaces are stripped, tab, LF
 * and CR anywhere are removed.
 */
static int clean_copy(mv_arena *arena, mv_str raw, mv_str *out_r)
{
	size_t start = 0, end = raw.len, i, n = 0;
	char *out;

	while (start < end && (unsigned char)raw.p[start] <= 0x20)
		start++;
	while (end > start && (unsigned char)raw.p[end - 1] <= 0x20)
		end--;
	out = mv_arena_alloc(arena, end - start + 1);
	if (out == NULL)
		return -1;
	for (i = start; i < end; i++) {
		char c = raw.p[i];

		if (c != '\t' && c != '\n' && c != '\r')
			out[n++] = c;
	}
	out[n] = '\0';
	*out_r = mv_str_make(out, n);
	return 0;
}

/* RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"; returns the length, 0 for none. */
static size_t scheme_length(mv_str s)
{
	size_t i;

	if (s.len == 0 || !is_alpha(s.p[0]))
		return 0;
	for (i = 1; i < s.len && i <= URL_MAX_SCHEME; i++) {
		char c = s.p[i];

		if (c == ':')
			return i;
		if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

/*
 * Splits what follows "scheme:" (or a relative reference).  force_authority:
 * a special scheme written absolutely, where WHATWG skips any number of
 * slashes, even none ("http:evil.com").
 */
static void split(mv_str s, int special, bool force_authority, struct url_work *w)
{
	bool sp = special >= 0;
	size_t i = 0, k = 0, start;

	w->has_authority = false;
	w->authority = w->query = w->fragment = MV_STR_NULL;
	while (k < s.len && is_slash(s.p[k], sp))
		k++;
	if (special == SCHEME_FILE) {
		if (k >= 2) {
			w->has_authority = true;
			i = 2;
		}
	} else if (force_authority || (sp && k >= 2)) {
		w->has_authority = true;
		i = k;
	} else if (!sp && k >= 2) {
		w->has_authority = true;
		i = 2;
	}
	if (w->has_authority) {
		start = i;
		while (i < s.len && s.p[i] != '/' && s.p[i] != '?' && s.p[i] != '#' && !(sp && s.p[i] == '\\'))
			i++;
		w->authority = mv_str_make(s.p + start, i - start);
	}
	start = i;
	while (i < s.len && s.p[i] != '?' && s.p[i] != '#')
		i++;
	w->path = mv_str_make(s.p + start, i - start);
	if (i < s.len && s.p[i] == '?') {
		start = ++i;
		while (i < s.len && s.p[i] != '#')
			i++;
		w->query = mv_str_make(s.p + start, i - start);
	}
	if (i < s.len && s.p[i] == '#')
		w->fragment = mv_str_make(s.p + i + 1, s.len - i - 1);
}

static int parse_port(mv_str p, uint32_t *port_r)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < p.len; i++) {
		if (p.p[i] < '0' || p.p[i] > '9')
			return -1;
		v = v * 10 + (uint32_t)(p.p[i] - '0');
		if (v > 65535)
			return -1;
	}
	*port_r = v;
	return 0;
}

/* Opaque host of a non-special scheme (WHATWG): not decoded, no IDNA, no IPv4. */
static int opaque_host(mv_arena *arena, mv_str in, struct mv_url *url)
{
	size_t i;

	for (i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.p[i];

		if (c < 0x80 && c != '%' && (c <= 0x20 || c == 0x7f || strchr("#/:<>?@[\\]^|", c) != NULL))
			return -1;
	}
	if (in.len > URL_MAX_HOST_IN)
		return -1;
	in = url_lower_dup(arena, in);
	if (in.p == NULL || url_pct_normalize(arena, in, URL_PCT_USERINFO, false, &url->host) < 0)
		return -2;
	url->host_unicode = url->host;
	return 0;
}

/* userinfo@host:port; returns 0, -1 invalid, -2 arena exhausted. */
static int parse_authority(mv_arena *arena, const struct url_work *w, struct mv_url *url)
{
	mv_str a = w->authority, hostport, portstr = MV_STR_NULL;
	const char *at = NULL;
	uint32_t port = 0;
	size_t i, hostlen;
	int rc;

	for (i = a.len; i > 0; i--) {
		if (a.p[i - 1] == '@') {
			at = a.p + i - 1;
			break;
		}
	}
	hostport = a;
	if (at != NULL) {
		mv_str ui = mv_str_make(a.p, (size_t)(at - a.p));

		url->flags |= MV_URL_USERINFO;
		if (url_pct_normalize(arena, ui, URL_PCT_USERINFO, false, &url->userinfo) < 0)
			return -2;
		hostport = mv_str_make(at + 1, a.len - ui.len - 1);
	}
	hostlen = hostport.len;
	if (hostport.len > 0 && hostport.p[0] == '[') {
		const char *close = memchr(hostport.p, ']', hostport.len);

		if (close == NULL)
			return -1;
		hostlen = (size_t)(close - hostport.p) + 1;
		if (hostlen < hostport.len && hostport.p[hostlen] != ':')
			return -1;
	} else {
		const char *colon = memchr(hostport.p, ':', hostport.len);

		if (colon != NULL)
			hostlen = (size_t)(colon - hostport.p);
	}
	if (hostlen < hostport.len) {
		portstr = mv_str_make(hostport.p + hostlen + 1, hostport.len - hostlen - 1);
		if (parse_port(portstr, &port) < 0)
			return -1;
	}
	hostport.len = hostlen;
	if (w->special >= 0)
		rc = url_host_parse(arena, hostport, url);
	else if (hostport.len > 0 && hostport.p[0] == '[')
		rc = url_host_parse(arena, hostport, url);
	else
		rc = opaque_host(arena, hostport, url);
	if (rc < 0)
		return rc;
	if (w->special == SCHEME_FILE && mv_str_eq(url->host, "localhost"))
		url->host = url->host_unicode = mv_str_make("", 0);
	if (w->special >= 0 && w->special != SCHEME_FILE && url->host.len == 0)
		return -1;	/* WHATWG: special URLs other than file: need a host */
	if (portstr.p != NULL && portstr.len > 0) {
		if (w->special < 0 || port != special_schemes[w->special].port) {
			url->port = (uint16_t)port;
			url->flags |= MV_URL_NONSTANDARD_PORT;
		}
	}
	return 0;
}

static bool base_has_authority(const struct mv_url *base)
{
	size_t n = base->scheme.len;

	return base->normalized.len >= n + 3 && base->normalized.p[n + 1] == '/' && base->normalized.p[n + 2] == '/';
}

/* RFC 3986 5.2.3 */
static int merge_paths(mv_arena *arena, const struct mv_url *base, mv_str rel, mv_str *out_r)
{
	size_t keep = base->path.len;
	char *out;

	if (base_has_authority(base) && base->path.len == 0) {
		keep = 0;
		out = mv_arena_alloc(arena, rel.len + 2);
		if (out == NULL)
			return -1;
		out[0] = '/';
		memcpy(out + 1, rel.p, rel.len);
		*out_r = mv_str_make(out, rel.len + 1);
		return 0;
	}
	while (keep > 0 && base->path.p[keep - 1] != '/')
		keep--;
	out = mv_arena_alloc(arena, keep + rel.len + 1);
	if (out == NULL)
		return -1;
	memcpy(out, base->path.p, keep);
	memcpy(out + keep, rel.p, rel.len);
	*out_r = mv_str_make(out, keep + rel.len);
	return 0;
}

/*
 * RFC 6068: the first address's domain is the host; path is that address,
 * %-decoded (the local part re-normalized so it stays printable).
 */
static int finish_mailto(mv_arena *arena, mv_str opaque, struct mv_url *url, mv_str *others_r)
{
	const char *comma = memchr(opaque.p, ',', opaque.len);
	mv_str first = mv_str_make(opaque.p, comma != NULL ? (size_t)(comma - opaque.p) : opaque.len);
	mv_str domain;
	char *dec, *out;
	size_t i, n = 0, at = SIZE_MAX;
	mv_str local;
	int rc;

	*others_r = comma != NULL ? mv_str_make(comma, opaque.len - first.len) : MV_STR_NULL;
	dec = mv_arena_alloc(arena, first.len + 1);
	if (dec == NULL)
		return -2;
	for (i = 0; i < first.len; i++) {
		unsigned char c = (unsigned char)first.p[i];

		if (c == '%' && i + 2 < first.len && url_hex_digit((unsigned char)first.p[i + 1]) &&
		    url_hex_digit((unsigned char)first.p[i + 2])) {
			c = (unsigned char)(url_hex_value((unsigned char)first.p[i + 1]) << 4 |
				url_hex_value((unsigned char)first.p[i + 2]));
			i += 2;
		}
		if (c == '@')
			at = n;
		dec[n++] = (char)c;
	}
	if (at == SIZE_MAX) {
		url->path = opaque;
		*others_r = MV_STR_NULL;
		return 0;
	}
	domain = mv_str_make(dec + at + 1, n - at - 1);
	if (domain.len == 0)
		return -1;
	rc = url_host_parse(arena, domain, url);
	if (rc < 0)
		return rc;
	if (url_pct_normalize(arena, mv_str_make(dec, at), URL_PCT_USERINFO, false, &local) < 0)
		return -2;
	out = mv_arena_alloc(arena, local.len + 1 + url->host.len + 1);
	if (out == NULL)
		return -2;
	memcpy(out, local.p, local.len);
	out[local.len] = '@';
	memcpy(out + local.len + 1, url->host.p, url->host.len);
	url->path = mv_str_make(out, local.len + 1 + url->host.len);
	return 0;
}

static size_t put(char *out, size_t n, mv_str s)
{
	if (s.len > 0)
		memcpy(out + n, s.p, s.len);
	return n + s.len;
}

static int build_normalized(mv_arena *arena, struct mv_url *url, bool authority, mv_str extra)
{
	bool v6 = (url->flags & MV_URL_HOST_IP) && memchr(url->host.p, ':', url->host.len) != NULL;
	size_t total = url->scheme.len + 1 + 2 + url->userinfo.len + 1 + url->host.len + 2 + 6 +
		url->path.len + extra.len + 1 + url->query.len + 1 + url->fragment.len + 1;
	char *out = mv_arena_alloc(arena, total), portbuf[6];
	size_t n = 0, plen = 0;
	unsigned port = url->port;

	if (out == NULL)
		return -1;
	n = put(out, n, url->scheme);
	out[n++] = ':';
	if (authority) {
		out[n++] = '/';
		out[n++] = '/';
		if (url->userinfo.len > 0) {
			n = put(out, n, url->userinfo);
			out[n++] = '@';
		}
		if (v6)
			out[n++] = '[';
		n = put(out, n, url->host);
		if (v6)
			out[n++] = ']';
		if (url->port != 0) {
			out[n++] = ':';
			do {
				portbuf[plen++] = (char)('0' + port % 10);
				port /= 10;
			} while (port != 0);
			while (plen > 0)
				out[n++] = portbuf[--plen];
		}
	}
	n = put(out, n, url->path);
	n = put(out, n, extra);
	if (url->query.p != NULL) {
		out[n++] = '?';
		n = put(out, n, url->query);
	}
	if (url->fragment.p != NULL) {
		out[n++] = '#';
		n = put(out, n, url->fragment);
	}
	out[n] = '\0';
	url->normalized = mv_str_make(out, n);
	return 0;
}

/*
 * Turns raw components into the final URL.  With `base`, the reference has
 * no authority of its own and inherits the base's (RFC 3986 5.2.2).
 */
static int finish(mv_arena *arena, const struct url_work *w, const struct mv_url *base, struct mv_url *url)
{
	bool sp = w->special >= 0, authority = w->has_authority, hier;
	mv_str path, extra = MV_STR_NULL;
	int rc;

	url->scheme = w->scheme;
	if (w->has_authority) {
		rc = parse_authority(arena, w, url);
		if (rc < 0)
			return rc;
	} else if (base != NULL) {
		authority = base_has_authority(base);
		url->userinfo = base->userinfo;
		url->host = base->host;
		url->host_unicode = base->host_unicode;
		url->port = base->port;
		url->flags |= base->flags & HOST_FLAGS;
	}
	if (url_pct_normalize(arena, w->path, URL_PCT_PATH, sp, &path) < 0)
		return -2;
	if (url_pct_normalize(arena, w->query, URL_PCT_QUERY, sp, &url->query) < 0 ||
	    url_pct_normalize(arena, w->fragment, URL_PCT_FRAGMENT, sp, &url->fragment) < 0)
		return -2;
	if (base != NULL && !w->has_authority) {
		if (path.len == 0) {
			path = base->path;
			if (w->query.p == NULL)
				url->query = base->query;
		} else if (path.p[0] != '/') {
			if (merge_paths(arena, base, path, &path) < 0)
				return -2;
		}
	}
	hier = authority || (path.len > 0 && path.p[0] == '/');
	if (hier && url_remove_dot_segments(arena, path, &path) < 0)
		return -2;
	if (authority && sp && path.len == 0)
		path = mv_str_make("/", 1);
	url->path = path;
	if (!authority && mv_str_eq(url->scheme, "mailto")) {
		rc = finish_mailto(arena, path, url, &extra);
		if (rc < 0)
			return rc;
	}
	if (url->host.len > 0)
		url->domain = (url->flags & MV_URL_HOST_IP) ? url->host : mv_url_registrable_domain(url->host);
	if (url->host.p == NULL)
		url->host = url->host_unicode = mv_str_make("", 0);
	return build_normalized(arena, url, authority, extra) < 0 ? -2 : 0;
}

/* A reference against a parsed base (RFC 3986 5.2.2, WHATWG relative states). */
static int resolve(mv_arena *arena, mv_str ref, const struct mv_url *base, struct mv_url *url)
{
	struct url_work w;

	w.scheme = base->scheme;
	w.special = special_index(base->scheme);
	split(ref, w.special, false, &w);
	url->flags |= MV_URL_RELATIVE;
	if (!base_has_authority(base) && (base->path.len == 0 || base->path.p[0] != '/')) {
		/* An opaque base (mailto:, data:) only takes a fragment (WHATWG). */
		if (w.has_authority || w.path.len != 0 || w.query.p != NULL)
			return -1;
		*url = *base;
		url->flags |= MV_URL_RELATIVE;
		if (url_pct_normalize(arena, w.fragment, URL_PCT_FRAGMENT, false, &url->fragment) < 0)
			return -2;
		return build_normalized(arena, url, false, MV_STR_NULL) < 0 ? -2 : 0;
	}
	return finish(arena, &w, w.has_authority ? NULL : base, url);
}

static int parse_one(mv_arena *arena, mv_str raw, const struct mv_url *base, struct mv_url *url)
{
	struct url_work w;
	mv_str s;
	size_t slen;

	if (clean_copy(arena, raw, &s) < 0)
		return -2;
	slen = scheme_length(s);
	if (slen > 0 && mv_str_prefix_ci(s, "www."))
		slen = 0;	/* "www.example.com:8080/" is a host, not a scheme */
	if (slen == 0) {
		if (base != NULL)
			return resolve(arena, s, base, url);
		if (!mv_str_prefix_ci(s, "www.") && !(s.len >= 2 && is_slash(s.p[0], true) && is_slash(s.p[1], true)))
			return -1;
		url->flags |= MV_URL_NO_SCHEME;
		w.scheme = mv_str_make("http", 4);
		w.special = 0;
		split(s, w.special, true, &w);
		return finish(arena, &w, NULL, url);
	}
	w.scheme = url_lower_dup(arena, mv_str_make(s.p, slen));
	if (w.scheme.p == NULL)
		return -2;
	w.special = special_index(w.scheme);
	s = mv_str_make(s.p + slen + 1, s.len - slen - 1);
	if (base != NULL && w.special >= 0 && mv_str_eq(base->scheme, w.scheme.p))
		return resolve(arena, s, base, url);
	split(s, w.special, w.special >= 0 && w.special != SCHEME_FILE, &w);
	return finish(arena, &w, NULL, url);
}

static int resolve_with(mv_arena *arena, mv_str raw, const struct mv_url *base, struct mv_url *out, bool fast)
{
	int rc = -1;

	if (raw.p == NULL)
		raw = mv_str_make("", 0);
	if (raw.len <= URL_MAX_RAW) {
		rc = fast ? url_parse_fast(arena, raw, base, out) : 0;	/* sets every field */
		if (rc == 0) {
			memset(out, 0, sizeof(*out));
			rc = parse_one(arena, raw, base, out);
		}
	}
	if (rc < 0) {
		memset(out, 0, sizeof(*out));
		out->flags = MV_URL_BAD;
		out->raw = raw;
		return -1;
	}
	out->raw = raw;
	return 0;
}

int url_resolve_general(mv_arena *arena, mv_str raw, const struct mv_url *base, struct mv_url *out)
{
	return resolve_with(arena, raw, base, out, false);
}

int mv_url_resolve(mv_arena *arena, mv_str raw, const struct mv_url *base, struct mv_url *out)
{
	return resolve_with(arena, raw, base, out, true);
}

int mv_url_parse(mv_arena *arena, mv_str raw, mv_str base, struct mv_url *out)
{
	struct mv_url b;

	if (base.len == 0)
		return mv_url_resolve(arena, raw, NULL, out);
	memset(&b, 0, sizeof(b));
	if (base.len > URL_MAX_RAW || parse_one(arena, base, NULL, &b) < 0) {
		/* A base that cannot be parsed makes every reference against it unusable. */
		memset(out, 0, sizeof(*out));
		out->flags = MV_URL_BAD;
		out->raw = raw.p != NULL ? raw : mv_str_make("", 0);
		return -1;
	}
	return mv_url_resolve(arena, raw, &b, out);
}
