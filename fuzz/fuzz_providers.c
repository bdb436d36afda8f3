/*
 * The providers file: the parser on the whole input, then, when it parsed,
 * every line of the input looked up as a host (lower-cased, in each role), a
 * header field ("Name: value") and a Feedback-ID sender id, with the
 * invariants a lookup must keep: an index in range, a named provider with a
 * main domain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sender/sender.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_index(const struct providers *p, int i)
{
	if (i < -1 || (i >= 0 && (unsigned)i >= providers_count(p)))
		__builtin_trap();
	if (i >= 0 && (providers_name(p, (unsigned)i)[0] == '\0' || providers_domain(p, (unsigned)i).len == 0))
		__builtin_trap();
}

static void look_up(const struct providers *p, mv_str line)
{
	char host[300];
	const char *colon = memchr(line.p, ':', line.len);
	size_t n = line.len < sizeof(host) ? line.len : sizeof(host);
	unsigned role;

	mv_ascii_lower_copy(host, line.p, n);
	for (role = 1; role <= PROVIDER_ANY; role <<= 1)
		check_index(p, providers_by_host(p, mv_str_make(host, n), role));
	check_index(p, providers_by_host(p, mv_str_make(host, n), PROVIDER_ANY));
	if (colon != NULL)
		check_index(p, providers_by_header(p, mv_str_make(line.p, (size_t)(colon - line.p)),
						   mv_str_make(colon + 1, line.len - (size_t)(colon + 1 - line.p))));
	check_index(p, providers_by_header(p, line, MV_STR_NULL));
	check_index(p, providers_by_feedback(p, line));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *p, *end = text + size;
	struct providers *providers = NULL;
	char *error = NULL;

	if (providers_parse("fuzz.conf", text, size, &providers, &error) < 0) {
		/* Every refusal says why, unless memory ran out. */
		free(error);
		return 0;
	}
	if (error != NULL)
		__builtin_trap();
	for (p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		mv_str line = mv_str_make(p, nl != NULL ? (size_t)(nl - p) : (size_t)(end - p));

		look_up(providers, mv_str_trim(line));
		p += line.len + 1;
	}
	providers_free(&providers);
	return 0;
}
