/*
 * Agreement of the URL fast path with the general parser, for the unit test
 * (generated URLs) and the corpus test.
 */
#ifndef MAILVET_TEST_URL_AGREE_H
#define MAILVET_TEST_URL_AGREE_H

#include <stdio.h>
#include <string.h>

#include "mailvet/url.h"
#include "url/url_int.h"

static inline bool same_view(mv_str a, mv_str b)
{
	return (a.p == NULL) == (b.p == NULL) && a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* mv_url_resolve() (fast path first) and the general parser alone agree on every field; else prints both. */
static inline bool url_fast_agrees(mv_arena *arena, mv_str raw, const struct mv_url *base)
{
	struct mv_url a, b;
	int ra = mv_url_resolve(arena, raw, base, &a);
	int rb = url_resolve_general(arena, raw, base, &b);

	if (ra == rb && a.flags == b.flags && a.port == b.port && same_view(a.raw, b.raw) &&
	    same_view(a.scheme, b.scheme) && same_view(a.userinfo, b.userinfo) && same_view(a.host, b.host) &&
	    same_view(a.host_unicode, b.host_unicode) && same_view(a.path, b.path) &&
	    same_view(a.query, b.query) && same_view(a.fragment, b.fragment) &&
	    same_view(a.normalized, b.normalized) && same_view(a.domain, b.domain))
		return true;
	fprintf(stderr, "  fast/general differ for \"%.*s\"%s: \"%.*s\" %#x vs \"%.*s\" %#x\n", (int)raw.len, raw.p,
		base != NULL ? " with a base" : "", (int)a.normalized.len, a.normalized.p != NULL ? a.normalized.p : "",
		a.flags, (int)b.normalized.len, b.normalized.p != NULL ? b.normalized.p : "", b.flags);
	return false;
}

#endif
