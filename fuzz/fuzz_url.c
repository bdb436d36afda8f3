/* libFuzzer target: mv_url_parse alone and against a base cut from the input, and mv_url_extract_text. */
#include <stdint.h>
#include <string.h>

#include "mailvet/url.h"

static volatile size_t sink;

static int touch(void *ctx, mv_str url)
{
	*(size_t *)ctx += url.len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_arena *arena = mv_arena_new((size_t)64 << 20);
	mv_str in = mv_str_make((const char *)data, size), base = MV_STR_NULL, ref = in;
	const char *nl = memchr(data, '\n', size);
	struct mv_url u;
	size_t sum = 0;

	if (nl != NULL) {	/* "base\nref" */
		base = mv_str_make(in.p, (size_t)(nl - in.p));
		ref = mv_str_make(nl + 1, size - base.len - 1);
	}
	if (mv_url_parse(arena, in, MV_STR_NULL, &u) == 0)
		sum += u.normalized.len + u.domain.len + u.host_unicode.len;
	if (mv_url_parse(arena, ref, base, &u) == 0)
		sum += u.normalized.len + u.domain.len;
	mv_url_extract_text(in, 0, touch, &sum);
	sink = sum;
	mv_arena_free(&arena);
	return 0;
}
