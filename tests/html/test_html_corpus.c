/*
 * The tokenizer's fast path against its general state machine on every HTML
 * part of the corpus (tests/corpus.h): each part parsed whole (lex_tag_fast
 * takes the common tags) and fed one byte at a time (it never applies) must
 * give the same result.
 */
#include "corpus.h"
#include "html_agree.h"
#include "mailvet/html.h"
#include "mailvet/msg.h"
#include "test.h"

struct html_counts {
	unsigned parts;
	size_t bytes;
};

static void check_html_parts(struct mv_msg *msg, const char *path, void *ctx)
{
	struct html_counts *c = ctx;
	unsigned i, seed = 0;

	for (i = 0; i < msg->n_parts; i++) {
		struct mv_part *part = msg->parts[i];
		struct mv_html_result whole, bytes;
		mv_str text;

		if (part->children != NULL || mv_part_is_multipart(part) || !mv_part_is_text(part) ||
		    !mv_str_eq(part->ctype.subtype, "html"))
			continue;
		text = mv_part_text(msg, part);
		c->parts++;
		c->bytes += text.len;
		mv_html_parse(msg->arena, text, 0, 0, &whole);
		parse_chunked(msg->arena, text, 1, &seed, &bytes);
		test_checks++;
		if (!same_result(&whole, &bytes)) {
			test_failures++;
			fprintf(stderr, "whole and byte by byte differ: %s part %u\n", path, part->id);
		}
	}
}

static void test_html_corpus_fast_matches_general(void)
{
	struct html_counts c = { 0, 0 };

	corpus_for_each(check_html_parts, &c);
	printf("corpus: %u HTML parts, %zu bytes\n", c.parts, c.bytes);
	/* The corpus holds these many; fewer means the parts were not found. */
	CHECK(c.parts > 1000 && c.bytes > 8000000);
}

int main(void)
{
	RUN(test_html_corpus_fast_matches_general);
	return test_summary();
}
