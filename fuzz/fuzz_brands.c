/*
 * The brands file and the lookups on it: the input is read as a brands file
 * (an error must name the file and a line); when it reads, every brand must
 * have a domain, every phrase one to BRAND_PHRASE_WORDS words, and each line
 * of the input is then looked up as a domain, a display name (normalized
 * first), a text and a host against the look-alike tables of the file's
 * domains.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ident/brands.h"
#include "ident/lookalike.h"
#include "ident/name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_brands(const struct brands *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->brand[i].n_domains == 0 || b->brand[i].require == 0)
			__builtin_trap();
	}
	for (i = 0; i < b->n_names; i++) {
		if (b->name[i].n_words == 0 || b->name[i].n_words > BRAND_PHRASE_WORDS || b->name[i].brand >= b->n)
			__builtin_trap();
	}
}

static void lookups(const struct brands *b, const struct lookalikes *set, mv_str line, mv_arena *arena)
{
	const struct brand_phrase *p;
	enum brand_domain_kind kind;
	struct lookalike_match m;
	char ascii[256];
	mv_str display, match;
	int k;

	k = brands_domain(b, line, &kind);
	if (k >= (int)b->n)
		__builtin_trap();
	if (k >= 0)
		(void)brands_signs_for(b, (uint32_t)k, line);
	if (ident_name_normalize(arena, line, &display, &match) < 0)
		__builtin_trap();	/* the arena has no ceiling */
	if (brands_named(b, match, &p) >= (int)b->n || brands_in_text(b, line, &p) >= (int)b->n)
		__builtin_trap();
	if (lookalike_domain_ascii(line.p, line.len, ascii) &&
	    lookalikes_check(set, mv_str_cstr(ascii), &m) && (m.target == NULL || m.how == LOOKALIKE_NONE))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_str in = mv_str_make((const char *)data, size);
	struct brands *b = NULL;
	struct lookalikes *set;
	char *error = NULL;
	const char *p = in.p, *end = in.p + in.len;
	mv_arena *arena;
	size_t i, k;

	if (brands_parse("fuzz", "/fuzz", in, &b, &error) < 0) {
		if (error != NULL && strncmp(error, "fuzz:", 5) != 0)
			__builtin_trap();
		free(error);
		return 0;
	}
	check_brands(b);
	set = lookalikes_new();
	arena = mv_arena_new(0);
	for (i = 0; set != NULL && i < b->n; i++) {
		for (k = 0; k < b->brand[i].n_domains; k++)
			(void)lookalikes_add(set, b->brand[i].domains[k], (uint32_t)i, false);
	}
	while (set != NULL && arena != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		mv_str line = mv_str_make(p, nl != NULL ? (size_t)(nl - p) : (size_t)(end - p));

		lookups(b, set, line, arena);
		p += line.len + 1;
	}
	mv_arena_free(&arena);
	lookalikes_free(&set);
	brands_free(&b);
	return 0;
}
