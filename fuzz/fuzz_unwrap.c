/*
 * The link unwrapper: the input as a link, unwrapped with the built-in rules
 * (deep nesting, huge parameters, broken base64 and %-escapes, Proofpoint
 * forms), its decoders on the raw bytes, and the input as a link's text.  An
 * input that starts with "#rules\n" is a rule file instead: loaded, and when
 * valid used on a few links.  Checks the bounds: at most LINKS_MAX_DEPTH hops,
 * a destination found is an http(s) URL, no decoder writes more than it read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "links/links_int.h"
#include "mailvet/scan.h"
#include "util/data_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct links_rules *builtin;

static void unwrap_one(const struct links_rules *rules, mv_arena *arena, mv_str link)
{
	struct mv_url url;
	struct links_result r;

	if (mv_url_parse(arena, link, MV_STR_NULL, &url) < 0)
		return;
	if (links_unwrap(rules, arena, &url, &r) < 0)
		return;
	if (r.n_hops > LINKS_MAX_DEPTH)
		__builtin_trap();
	if (r.n_hops != 0 && !mv_str_eq(r.dest->scheme, "http") && !mv_str_eq(r.dest->scheme, "https"))
		__builtin_trap();
	if ((r.flags & MV_LINKF_HIDDEN) && r.opaque.len == 0)
		__builtin_trap();
}

static void decoders(const char *p, size_t n)
{
	char *a = malloc(n + 3), *b = malloc(n + 3);
	size_t k;

	if (a == NULL || b == NULL)
		goto out;
	if (links_pct_decode(p, n, a) > n || links_proofpoint_v2(p, n, a) > n)
		__builtin_trap();
	if (links_base64_decode(p, n, a, &k) && k > n * 3 / 4 + 2)
		__builtin_trap();
	if (links_proofpoint_v3(p, n, a, b, &k) && k > n)
		__builtin_trap();
	(void)links_absolute_http(mv_str_make(p, n));
	(void)links_executable(mv_str_make(p, n));
out:
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {
		"https://r.example.com/go?url=https%3A%2F%2Fdest.example.org%2F",
		"https://click.example.net/c/aHR0cHM6Ly9kZXN0LmV4YW1wbGUub3JnLw",
		"https://t.example.com/l/https:%2F%2Fx.example.org%2F/1",
	};
	mv_str in = mv_str_make((const char *)data, size);
	mv_arena *arena;
	char *error = NULL;

	if (builtin == NULL &&
	    links_rules_load("redirectors.conf", data_file_text("redirectors.conf"), &builtin, &error) < 0)
		__builtin_trap();	/* the shipped file must load */
	arena = mv_arena_new(16u << 20);
	if (arena == NULL)
		return 0;
	if (size >= 7 && memcmp(data, "#rules\n", 7) == 0) {
		struct links_rules *rules = NULL;

		if (links_rules_load("fuzz", mv_str_make(in.p + 7, in.len - 7), &rules, &error) == 0) {
			size_t i;

			for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
				unwrap_one(rules, arena, mv_str_cstr(probes[i]));
			links_rules_free(&rules);
		}
		free(error);
	} else {
		struct mv_url shown;

		unwrap_one(builtin, arena, in);
		decoders(in.p, in.len);
		(void)links_text_url(arena, in, &shown);
	}
	mv_arena_free(&arena);
	return 0;
}
