/*
 * A tokenizer fed whole (its fast paths apply) against one fed in pieces
 * (one byte at a time: none applies), for the unit test and the corpus test.
 */
#ifndef MAILVET_TEST_HTML_AGREE_H
#define MAILVET_TEST_HTML_AGREE_H

#include <string.h>

#include "mailvet/html.h"

/* The same text, hidden text, title, base, flags, tag count and links. */
static inline int same_result(const struct mv_html_result *x, const struct mv_html_result *y)
{
	unsigned i;

#define SAME(f) (x->f.len == y->f.len && memcmp(x->f.p, y->f.p, x->f.len) == 0)
	if (!SAME(text) || !SAME(hidden_text) || !SAME(title) || !SAME(base_href))
		return 0;
	if (x->flags != y->flags || x->n_tags != y->n_tags || x->n_links != y->n_links)
		return 0;
	for (i = 0; i < x->n_links; i++) {
		if (x->links[i].kind != y->links[i].kind || x->links[i].hidden != y->links[i].hidden ||
		    !SAME(links[i].href) || !SAME(links[i].text))
			return 0;
	}
#undef SAME
	return 1;
}

/* Feeds doc in pieces: chunk 0 means random sizes from 1 to 64. */
static inline void parse_chunked(mv_arena *a, mv_str doc, size_t chunk, unsigned *seed,
				 struct mv_html_result *r)
{
	struct mv_html_parser *p = mv_html_parser_new(a, 0, 0);
	static char scratch[64];
	size_t off = 0;

	while (off < doc.len) {
		size_t n = chunk;

		if (n == 0) {
			*seed = *seed * 1103515245u + 12345u;
			n = 1 + (*seed >> 16) % 64;
		}
		if (n > sizeof(scratch))
			n = sizeof(scratch);
		if (n > doc.len - off)
			n = doc.len - off;
		/* The chunk is the caller's only until feed returns: spoil it after. */
		memcpy(scratch, doc.p + off, n);
		mv_html_parser_feed(p, scratch, n);
		memset(scratch, 'X', n);
		off += n;
	}
	mv_html_parser_finish(p, r);
}

#endif
