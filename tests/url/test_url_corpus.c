/*
 * The URL fast path against the general parser on every URL of the corpus
 * (tests/corpus.h) that a scan parses: those found in plain-text parts, and
 * in HTML parts each link and the <base href>, each link also against that
 * base when it parses.
 */
#include <limits.h>

#include "corpus.h"
#include "mailvet/html.h"
#include "mailvet/msg.h"
#include "mailvet/url.h"
#include "test.h"
#include "url/url_int.h"
#include "url_agree.h"

struct url_counts {
	mv_arena *arena;
	unsigned urls, fast;
};

static void check_url(struct url_counts *c, mv_str raw, const struct mv_url *base)
{
	struct mv_url u;

	c->urls++;
	memset(&u, 0, sizeof(u));
	if (url_parse_fast(c->arena, raw, base, &u) == 1)
		c->fast++;
	test_checks++;
	if (!url_fast_agrees(c->arena, raw, base))
		test_failures++;
}

static int text_url(void *ctx, mv_str url)
{
	check_url(ctx, url, NULL);
	return 0;
}

static void check_html(struct url_counts *c, mv_str text)
{
	struct mv_html_result html;
	struct mv_url base;
	bool have_base = false;
	unsigned i;

	if (mv_html_parse(c->arena, text, 0, 0, &html) < 0)
		return;
	if (html.base_href.len != 0) {
		check_url(c, html.base_href, NULL);
		have_base = mv_url_parse(c->arena, html.base_href, MV_STR_NULL, &base) == 0;
	}
	for (i = 0; i < html.n_links; i++) {
		check_url(c, html.links[i].href, NULL);
		if (have_base)
			check_url(c, html.links[i].href, &base);
	}
}

static void check_urls(struct mv_msg *msg, const char *path, void *ctx)
{
	struct url_counts *c = ctx;
	unsigned i;

	(void)path;	/* a difference prints the URL itself */
	c->arena = msg->arena;
	for (i = 0; i < msg->n_parts; i++) {
		struct mv_part *part = msg->parts[i];
		mv_str text;

		if (part->children != NULL || mv_part_is_multipart(part) || !mv_part_is_text(part))
			continue;
		text = mv_part_text(msg, part);
		if (mv_str_eq(part->ctype.subtype, "html"))
			check_html(c, text);
		else
			(void)mv_url_extract_text(text, UINT_MAX, text_url, c);
	}
}

static void test_url_corpus_fast_matches_general(void)
{
	struct url_counts c = { NULL, 0, 0 };

	corpus_for_each(check_urls, &c);
	printf("corpus: %u URLs, %u by the fast path\n", c.urls, c.fast);
	/* The corpus holds these many; fewer means the URLs were not found. */
	CHECK(c.urls > 40000 && c.fast * 2 > c.urls);
}

int main(void)
{
	RUN(test_url_corpus_fast_matches_general);
	return test_summary();
}
