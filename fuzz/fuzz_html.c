/*
 * HTML tokenizer: a one-shot parse, a chunked parse (chunk size from the
 * first byte, each chunk freed after it is fed) and a parse fed one byte at a time (no fast path applies: every
 * byte goes through the state machine) must agree, and the text must come
 * out collapsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailvet/html.h"

#define SAME(f) (x.f.len == y.f.len && memcmp(x.f.p, y.f.p, x.f.len) == 0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Collapsed text: no tab, CR or FF, no two separators in a row, none at either end. */
static int collapsed(mv_str t)
{
	size_t i;

	for (i = 0; i < t.len; i++) {
		char c = t.p[i];

		if (c == '\t' || c == '\r' || c == '\f')
			return 0;
		if ((c == ' ' || c == '\n') &&
		    (i == 0 || i + 1 == t.len || t.p[i + 1] == ' ' || t.p[i + 1] == '\n'))
			return 0;
	}
	return 1;
}

static void parse_chunked(mv_arena *a, const uint8_t *data, size_t size, size_t chunk,
			  struct mv_html_result *r)
{
	struct mv_html_parser *p = mv_html_parser_new(a, 0, 0);
	size_t off;

	for (off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		/* The chunk is the caller's only until feed returns: a read after is a use after free. */
		char *copy = malloc(n);

		if (copy == NULL)
			abort();
		memcpy(copy, data + off, n);
		mv_html_parser_feed(p, copy, n);
		free(copy);
	}
	mv_html_parser_finish(p, r);
}

static int same(const struct mv_html_result *xp, const struct mv_html_result *yp)
{
	const struct mv_html_result x = *xp, y = *yp;
	size_t i;

	if (!SAME(text) || !SAME(hidden_text) || !SAME(title) || !SAME(base_href) || x.flags != y.flags ||
	    x.n_links != y.n_links || x.n_tags != y.n_tags)
		return 0;
	for (i = 0; i < x.n_links; i++)
		if (!SAME(links[i].href) || !SAME(links[i].text) || x.links[i].hidden != y.links[i].hidden)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_arena *a = mv_arena_new((size_t)64 << 20);
	struct mv_html_result x, y, z;
	size_t chunk = size != 0 ? (size_t)data[0] % 17 + 1 : 1;

	mv_html_parse(a, mv_str_make((const char *)data, size), 0, 0, &x);
	parse_chunked(a, data, size, chunk, &y);
	parse_chunked(a, data, size, 1, &z);
	if (!same(&x, &y) || !same(&x, &z))
		abort();
	if (!collapsed(x.text) || !collapsed(x.hidden_text) || !collapsed(x.title))
		abort();
	mv_arena_free(&a);
	return 0;
}
