/*
 * libFuzzer target: mv_url_parse alone and against a base cut from the input,
 * and mv_url_extract_text.  The fast path must agree with the general parser
 * on every field, so any difference aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailvet/url.h"
#include "url/url_int.h"

static volatile size_t sink;

static int touch(void *ctx, mv_str url)
{
	*(size_t *)ctx += url.len;
	return 0;
}

static bool same_view(mv_str a, mv_str b)
{
	return (a.p == NULL) == (b.p == NULL) && a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static void check_fast_path(mv_arena *arena, mv_str raw, const struct mv_url *base)
{
	struct mv_url a, b;
	int ra = mv_url_resolve(arena, raw, base, &a);
	int rb = url_resolve_general(arena, raw, base, &b);

	if (ra != rb || a.flags != b.flags || a.port != b.port || !same_view(a.raw, b.raw) ||
	    !same_view(a.scheme, b.scheme) || !same_view(a.userinfo, b.userinfo) || !same_view(a.host, b.host) ||
	    !same_view(a.host_unicode, b.host_unicode) || !same_view(a.path, b.path) ||
	    !same_view(a.query, b.query) || !same_view(a.fragment, b.fragment) ||
	    !same_view(a.normalized, b.normalized) || !same_view(a.domain, b.domain))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_arena *arena = mv_arena_new((size_t)64 << 20);
	mv_str in = mv_str_make((const char *)data, size), base = MV_STR_NULL, ref = in;
	const char *nl = memchr(data, '\n', size);
	struct mv_url u, b;
	size_t sum = 0;

	if (nl != NULL) {	/* "base\nref" */
		base = mv_str_make(in.p, (size_t)(nl - in.p));
		ref = mv_str_make(nl + 1, size - base.len - 1);
	}
	if (mv_url_parse(arena, in, MV_STR_NULL, &u) == 0)
		sum += u.normalized.len + u.domain.len + u.host_unicode.len;
	if (mv_url_parse(arena, ref, base, &u) == 0)
		sum += u.normalized.len + u.domain.len;
	check_fast_path(arena, in, NULL);
	if (nl != NULL && mv_url_parse(arena, base, MV_STR_NULL, &b) == 0)
		check_fast_path(arena, ref, &b);
	mv_url_extract_text(in, 0, touch, &sum);
	sink = sum;
	mv_arena_free(&arena);
	return 0;
}
