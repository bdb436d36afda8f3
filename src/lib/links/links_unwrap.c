/*
 * The unwrapper: from a link to the destination its redirectors carry.  Each
 * step finds the URL's rule (links_rules.c), reads the destination where the
 * rule says (a parameter, the next path segment, the rest of the URL,
 * Proofpoint v3's form), decodes it, parses it and starts again on it.  Without
 * a rule, or for a tracker rule that does not say where, the structural
 * fallback takes a parameter (or the part of the path) that holds an absolute
 * http(s) URL, percent-encoded, base64 or as it is.  Where no destination is
 * found, a tracker (by rule, or by a tracker word in its host or path) or a
 * shortener with a token hides it.
 */
#include <strings.h>

#include "links/links_int.h"
#include "mailvet/scan.h"

#define PCT_ROUNDS 3	/* "http%253A%252F..." is encoded twice; more is not seen */

static bool is_http(const struct mv_url *url)
{
	return !(url->flags & MV_URL_BAD) && url->host.len != 0 &&
	       (mv_str_eq(url->scheme, "http") || mv_str_eq(url->scheme, "https"));
}

/*
 * Path, query and fragment as the normalized http(s) URL has them: what
 * follows the authority, whose path always starts with '/' (an empty one is
 * written "/").
 */
static mv_str rest_of(const struct mv_url *url)
{
	const char *p = url->normalized.p, *end = p + url->normalized.len, *slash;

	p += url->scheme.len + 3 < url->normalized.len ? url->scheme.len + 3 : url->normalized.len;
	slash = memchr(p, '/', (size_t)(end - p));
	p = slash != NULL ? slash : end;
	return mv_str_make(p, (size_t)(end - p));
}

/*
 * Whether s may hold an absolute URL at all: one has a ':', written or
 * %-encoded, or is base64 ("aHR0c").  Most queries and paths have neither, and
 * these byte searches are far cheaper than looking for each form.
 */
static bool may_hold_url(mv_str s)
{
	const char *p, *end;

	if (s.len < 10)
		return false;
	end = s.p + s.len;
	if (memchr(s.p, ':', s.len) != NULL || memchr(s.p, '%', s.len) != NULL)
		return true;
	/* 'H' is rare in links: find it, then look around it */
	for (p = memchr(s.p + 1, 'H', s.len - 1); p != NULL && p + 4 <= end;
	     p = memchr(p + 1, 'H', (size_t)(end - p - 1))) {
		if (p[-1] == 'a' && p[1] == 'R' && p[2] == '0' && p[3] == 'c')
			return true;
	}
	return false;
}

/* The length of the run of p[0..n) before any of the bytes of `stop`. */
static size_t span_until(const char *p, size_t n, const char *stop)
{
	size_t i;

	for (i = 0; i < n && strchr(stop, p[i]) == NULL; i++)
		;
	return i;
}

/* The link carries something past the host: a path other than "/", or a query. */
static bool has_token(const struct mv_url *url)
{
	return url->path.len > 1 || url->query.len != 0;
}

static bool starts_ci(const char *p, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(p, prefix, k) == 0;
}

/* Could be the start of an encoded absolute URL: worth decoding. */
static bool looks_like_url(const char *p, size_t n)
{
	return starts_ci(p, n, "http") || (n >= 5 && memcmp(p, "aHR0c", 5) == 0);
}

/*
 * Decodes a candidate value: percent (or Proofpoint v2), again while it is a
 * percent-encoded URL, else base64 of one.  1 with *out_r an absolute http(s)
 * URL in the arena, 0 when it is none, -1 when the arena is exhausted.
 */
static int decode_value(mv_arena *arena, mv_str v, enum links_decode how, mv_str *out_r)
{
	char *buf, *b64;
	size_t n, m;
	int round;

	if (!looks_like_url(v.p, v.len))
		return 0;
	buf = mv_arena_alloc(arena, v.len + 1);
	if (buf == NULL)
		return -1;
	n = how == LINKS_DECODE_PROOFPOINT_V2 ? links_proofpoint_v2(v.p, v.len, buf) : links_pct_decode(v.p, v.len, buf);
	for (round = 1; round < PCT_ROUNDS && !links_absolute_http(mv_str_make(buf, n)) &&
			(starts_ci(buf, n, "http%3a") || starts_ci(buf, n, "https%3a"));
	     round++)
		n = links_pct_decode(buf, n, buf);
	if (links_absolute_http(mv_str_make(buf, n))) {
		*out_r = mv_str_make(buf, n);
		return 1;
	}
	if (n < 5 || memcmp(buf, "aHR0c", 5) != 0)
		return 0;
	b64 = mv_arena_alloc(arena, n * 3 / 4 + 3);
	if (b64 == NULL)
		return -1;
	if (!links_base64_decode(buf, n, b64, &m) || !links_absolute_http(mv_str_make(b64, m)))
		return 0;
	*out_r = mv_str_make(b64, m);
	return 1;
}

/* The query's parameters one by one: false at the end. */
static bool next_param(mv_str query, size_t *at, mv_str *name_r, mv_str *value_r)
{
	const char *p, *end, *amp, *eq;

	if (query.p == NULL || *at >= query.len)
		return false;
	p = query.p + *at;
	end = query.p + query.len;
	amp = memchr(p, '&', (size_t)(end - p));
	if (amp == NULL)
		amp = end;
	*at = (size_t)(amp - query.p) + 1;
	eq = memchr(p, '=', (size_t)(amp - p));
	*name_r = mv_str_make(p, (size_t)((eq != NULL ? eq : amp) - p));
	*value_r = eq != NULL ? mv_str_make(eq + 1, (size_t)(amp - eq - 1)) : MV_STR_NULL;
	return true;
}

static bool same_ci(mv_str a, mv_str b)
{
	return a.len == b.len && strncasecmp(a.p, b.p, a.len) == 0;
}

static bool param_value(mv_str query, mv_str name, mv_str *value_r)
{
	mv_str n, v;
	size_t at = 0;

	while (next_param(query, &at, &n, &v)) {
		if (same_ci(n, name)) {
			*value_r = v;
			return true;
		}
	}
	return false;
}

/* The parameter names a structural unwrap passes over (utm_source=, ref=): where a link came from, not where it goes. */
static bool skipped_param(const struct links_rules *rules, mv_str name)
{
	unsigned i;

	for (i = 0; i < rules->n_skip; i++) {
		mv_str s = rules->skip[i];

		if (s.len != 0 && s.p[s.len - 1] == '*' ? name.len >= s.len - 1 && strncasecmp(name.p, s.p, s.len - 1) == 0
							 : same_ci(name, s))
			return true;
	}
	return false;
}

/* Where the rule says the destination is. */
static int by_rule(const struct links_rule *rule, mv_arena *arena, const struct mv_url *url, mv_str *out_r)
{
	mv_str rest, v;
	size_t need;
	unsigned i;
	int rc;

	switch ((enum links_where)rule->where) {
	case LINKS_WHERE_NONE:
		return 0;
	case LINKS_WHERE_PARAM:
		for (i = 0; i < rule->n_params; i++) {
			if (param_value(url->query, rule->params[i], &v) &&
			    (rc = decode_value(arena, v, (enum links_decode)rule->decode, out_r)) != 0)
				return rc;
		}
		return 0;
	case LINKS_WHERE_SEGMENT:
	case LINKS_WHERE_REST:
	case LINKS_WHERE_PROOFPOINT_V3:
		break;
	}
	rest = rest_of(url);
	if (rest.len < rule->path.len)
		return 0;
	rest = mv_str_make(rest.p + rule->path.len, rest.len - rule->path.len);
	if (rule->where == LINKS_WHERE_SEGMENT) {
		need = span_until(rest.p, rest.len, "/?#");
		return decode_value(arena, mv_str_make(rest.p, need), (enum links_decode)rule->decode, out_r);
	}
	if (rule->where == LINKS_WHERE_REST) {
		if (links_absolute_http(rest)) {
			*out_r = rest;
			return 1;
		}
		return decode_value(arena, rest, (enum links_decode)rule->decode, out_r);
	}
	{
		char *scratch = mv_arena_alloc(arena, rest.len + 1), *out = mv_arena_alloc(arena, rest.len + 1);
		size_t n;

		if (scratch == NULL || out == NULL)
			return -1;
		if (!links_proofpoint_v3(rest.p, rest.len, scratch, out, &n) || !links_absolute_http(mv_str_make(out, n)))
			return 0;
		*out_r = mv_str_make(out, n);
		return 1;
	}
}

/* The first parameter that holds an absolute URL, or the whole query when it is one ("/?https://x/"). */
static int fallback_query(const struct links_rules *rules, mv_arena *arena, mv_str query, mv_str *out_r)
{
	mv_str n, v;
	size_t at = 0;
	int rc;

	if (!may_hold_url(query) || (mv_str_find_ci(query, "http") == NULL && mv_str_find_ci(query, "aHR0c") == NULL))
		return 0;
	if (links_absolute_http(query)) {
		*out_r = query;
		return 1;
	}
	while (next_param(query, &at, &n, &v)) {
		if (v.len == 0 || skipped_param(rules, n))
			continue;
		rc = decode_value(arena, v, LINKS_DECODE_PERCENT, out_r);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * A path that holds an absolute URL after a '/', '*', '=' or ';': "/jump/http://x/",
 * "/r/https%3A%2F%2Fx", "/c/aHR0cHM6Ly94Lw": from there to the end (query and
 * fragment included, as the redirector passes them on), or that segment when
 * it is base64.
 */
static int fallback_path(mv_arena *arena, const struct mv_url *url, mv_str *out_r)
{
	mv_str rest;
	size_t plen, i;

	if (!may_hold_url(url->path))
		return 0;
	rest = rest_of(url);
	plen = url->path.len < rest.len ? url->path.len : rest.len;

	for (i = 1; i + 5 < plen; i++) {
		char c = rest.p[i - 1];
		mv_str tail = mv_str_make(rest.p + i, rest.len - i);

		if (c != '/' && c != '*' && c != '=' && c != ';')
			continue;
		if (links_absolute_http(tail)) {
			/* after a star, some trackers give the destination twice: "*URL*URL" */
			const char *again = c == '*' ? mv_str_find_ci(mv_str_make(tail.p + 1, tail.len - 1), "*http") : NULL;

			*out_r = again != NULL ? mv_str_make(tail.p, (size_t)(again - tail.p)) : tail;
			return 1;
		}
		if (starts_ci(tail.p, tail.len, "http%3a") || starts_ci(tail.p, tail.len, "https%3a"))
			return decode_value(arena, tail, LINKS_DECODE_PERCENT, out_r);
		if (c == '/' && memcmp(tail.p, "aHR0c", 5) == 0) {
			return decode_value(arena, mv_str_make(tail.p, span_until(tail.p, tail.len, "/?#")),
					    LINKS_DECODE_PERCENT, out_r);
		}
	}
	return 0;
}

/* An unknown host that looks like a click-tracker: a tracker word as a label of its subdomain, or as a path segment. */
static bool looks_like_tracker(const struct links_rules *rules, const struct mv_url *url)
{
	const char *p = url->host.p, *sub_end = url->host.p + (url->host.len - url->domain.len), *end, *dot;

	if (rules->n_words == 0 || !has_token(url))
		return false;
	if (url->domain.len < url->host.len) {
		for (; p < sub_end; p = dot + 1) {
			dot = memchr(p, '.', (size_t)(sub_end - p));
			if (dot == NULL)
				break;
			if (links_tracker_word(rules, p, (size_t)(dot - p)))
				return true;
		}
	}
	if (url->path.p == NULL)
		return false;
	p = url->path.p;
	end = p + url->path.len;
	while (p < end) {
		const char *seg, *stop;

		while (p < end && *p == '/')
			p++;
		seg = p;
		while (p < end && *p != '/')
			p++;
		for (stop = seg; stop < p && *stop != '.' && *stop != ';'; stop++)
			;
		/* something must follow the word: a segment or a query */
		if (stop > seg && links_tracker_word(rules, seg, (size_t)(stop - seg)) &&
		    (p + 1 < end || url->query.len != 0))
			return true;
	}
	return false;
}

/* A gateway's domain= hint: the registrable domain of the host it names, in the arena. */
static int domain_hint(const struct links_rule *rule, mv_arena *arena, const struct mv_url *url, mv_str *domain_r)
{
	mv_str v;
	char *buf;
	size_t n, i;

	if (rule->domain_param.len == 0 || !param_value(url->query, rule->domain_param, &v) || v.len == 0 ||
	    v.len > 253)
		return 0;
	buf = mv_arena_alloc(arena, v.len + 1);
	if (buf == NULL)
		return -1;
	n = links_pct_decode(v.p, v.len, buf);
	for (i = 0; i < n; i++) {
		char c = mv_ascii_lower(buf[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return 0;
		buf[i] = c;
	}
	if (n == 0 || memchr(buf, '.', n) == NULL)
		return 0;
	*domain_r = mv_url_registrable_domain(mv_str_make(buf, n));
	return 1;
}

static int finish(struct links_result *out, const struct mv_url *cur, const mv_str hop_domain[], unsigned away_mask)
{
	unsigned i;

	out->dest = cur;
	if (out->domain.len == 0)
		out->domain = cur->domain;
	for (i = 0; i < out->n_hops; i++) {
		if ((away_mask & 1u << i) && !(hop_domain[i].len == out->domain.len &&
					       memcmp(hop_domain[i].p, out->domain.p, out->domain.len) == 0))
			out->away = true;
	}
	return 0;
}

/* Nothing found yet: the link is its own destination.  Only what is read is set (hops[] are not). */
static void start(struct links_result *out, const struct mv_url *url)
{
	out->dest = url;
	out->domain = MV_STR_NULL;
	out->n_hops = 0;
	out->flags = 0;
	out->away = out->too_deep = false;
	out->opaque = MV_STR_NULL;
}

int links_unwrap(const struct links_rules *rules, mv_arena *arena, const struct mv_url *url,
		 struct links_result *out)
{
	const struct mv_url *cur = url;
	struct mv_url *next;
	mv_str hop_domain[LINKS_MAX_DEPTH], value;
	unsigned away_mask = 0;

	start(out, url);
	for (;;) {
		const struct links_rule *rule;
		bool tracker;
		int rc = 0;

		if (!is_http(cur))
			break;
		rule = links_rule_find(rules, cur);
		if (rule != NULL && rule->kind == LINKS_IGNORE)
			break;
		if (rule != NULL && rule->kind == LINKS_SHORTENER) {
			if (has_token(cur)) {
				out->flags |= MV_LINKF_SHORTENER;
				out->opaque = cur->host;
			}
			break;
		}
		tracker = rule != NULL ? rule->kind == LINKS_TRACKER : looks_like_tracker(rules, cur);
		if (rule != NULL)
			rc = by_rule(rule, arena, cur, &value);
		if (rc == 0 && (rule == NULL || rule->where == LINKS_WHERE_NONE)) {
			rc = fallback_query(rules, arena, cur->query, &value);
			if (rc == 0)
				rc = fallback_path(arena, cur, &value);
		}
		if (rc < 0)
			goto nomem;
		if (rc == 0) {
			if (rule != NULL && domain_hint(rule, arena, cur, &out->domain) < 0)
				goto nomem;
			if (tracker && out->domain.len == 0 && has_token(cur)) {
				out->flags |= MV_LINKF_TRACKER | MV_LINKF_HIDDEN;
				out->opaque = cur->host;
			}
			break;
		}
		if (out->n_hops == LINKS_MAX_DEPTH) {
			out->too_deep = true;
			out->flags |= MV_LINKF_HIDDEN;
			out->opaque = cur->host;
			break;
		}
		next = mv_arena_alloc(arena, sizeof(*next));
		if (next == NULL)
			goto nomem;
		if (mv_url_parse(arena, value, MV_STR_NULL, next) < 0) {
			if (mv_arena_exhausted(arena))
				goto nomem;
			break;
		}
		if (!is_http(next))
			break;
		if (rule == NULL || rule->kind != LINKS_GATEWAY)
			away_mask |= 1u << out->n_hops;
		hop_domain[out->n_hops] = cur->domain;
		out->hops[out->n_hops++] = cur->normalized;
		out->flags |= MV_LINKF_REDIRECT | (tracker ? MV_LINKF_TRACKER : 0u);
		cur = next;
	}
	return finish(out, cur, hop_domain, away_mask);
nomem:
	start(out, url);
	out->domain = url->domain;
	return -1;
}
