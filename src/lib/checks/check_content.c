/*
 * Text parts: plain text is searched for URLs; HTML is tokenized for its
 * visible text, links (resolved against <base href>), hidden text and active
 * content.  Links are kept up to max_urls; past it URL_LIMIT says how many
 * more there were.  Checks that judge links run after this one.
 */
#include <string.h>

#include "engine/check.h"

enum {
	SYM_HTML_ONLY,
	SYM_HTML_HIDDEN_TEXT,
	SYM_HTML_SCRIPT,
	SYM_HTML_FORM,
	SYM_HTML_IFRAME,
	SYM_HTML_OBJECT,
	SYM_HTML_META_REFRESH,
	SYM_HTML_LIMIT,
	SYM_URL_LIMIT,
};

static const struct check_symbol symbols[] = {
	[SYM_HTML_ONLY] = { "HTML_ONLY", "html", 0.5,
		"the text is HTML only, without a plain-text alternative" },
	[SYM_HTML_HIDDEN_TEXT] = { "HTML_HIDDEN_TEXT", "html", 2.0,
		"HTML text that the reader cannot see (display:none, zero size, same colour as background)" },
	[SYM_HTML_SCRIPT] = { "HTML_SCRIPT", "html", 1.5,
		"HTML with script, which no mail reader should run" },
	[SYM_HTML_FORM] = { "HTML_FORM", "html", 1.5,
		"an HTML form: the message asks the reader to type something in" },
	[SYM_HTML_IFRAME] = { "HTML_IFRAME", "html", 1.0,
		"an HTML frame that loads another page" },
	[SYM_HTML_OBJECT] = { "HTML_OBJECT", "html", 1.5,
		"an embedded object, embed or applet element" },
	[SYM_HTML_META_REFRESH] = { "HTML_META_REFRESH", "html", 1.5,
		"a meta refresh that sends the reader to another page" },
	[SYM_HTML_LIMIT] = { "HTML_LIMIT", "limits", 1.0,
		"HTML larger than the max-html-bytes limit, or with more links than can be kept; the rest was not tokenized" },
	[SYM_URL_LIMIT] = { "URL_LIMIT", "limits", 1.0,
		"more links than the max-urls limit; the rest were not listed" },
};

struct link_ctx {
	struct mv_task *task;
	struct mv_report *report;
	struct mv_part *part;
	unsigned dropped;
	int failed;
	unsigned same_base_from;	/* links from this index on are parsed against the same base */
};

static struct mv_link *link_new(struct link_ctx *ctx)
{
	struct mv_report *report = ctx->report;
	struct mv_msg *msg = report->msg;
	struct mv_link *link;

	if (report->n_links >= msg->limits.max_urls) {
		ctx->dropped++;
		return NULL;
	}
	if (report->n_links == report->links_cap) {
		unsigned cap = report->links_cap != 0 ? report->links_cap * 2 : 16;
		struct mv_link *l = mv_arena_realloc(msg->arena, report->links,
						     report->links_cap * sizeof(*l), cap * sizeof(*l));

		if (l == NULL) {
			ctx->failed = 1;
			return NULL;
		}
		report->links = l;
		report->links_cap = cap;
	}
	/* not zeroed: the caller sets source, text and href, and the URL parser every field of url */
	link = &report->links[report->n_links++];
	link->part_id = ctx->part->id;
	link->hidden = false;
	link->post = false;
	link->destination = link->destination_domain = MV_STR_NULL;
	link->redirects = NULL;
	link->n_redirects = link->flags = 0;
	link->mismatch = false;
	return link;
}

/*
 * A link whose href repeats the one before it, parsed against the same base
 * (an image inside its anchor, a button twice: 15% of links), copies that
 * parse: same bytes, same base, same answer.
 */
static bool copy_repeated_parse(const struct link_ctx *ctx, struct mv_link *link)
{
	unsigned i = (unsigned)(link - ctx->report->links);
	const struct mv_link *prev;

	if (i == 0 || i - 1 < ctx->same_base_from || link->href.len == 0)
		return false;
	prev = link - 1;
	if (prev->href.len != link->href.len || memcmp(prev->href.p, link->href.p, link->href.len) != 0)
		return false;
	link->url = prev->url;
	link->url.raw = link->href;
	return true;
}

static int text_url_found(void *opaque, mv_str url)
{
	struct link_ctx *ctx = opaque;
	struct mv_link *link = link_new(ctx);

	if (link == NULL)
		return ctx->failed;
	link->source = MV_LINK_TEXT;
	link->text = url;
	link->href = url;
	if (!copy_repeated_parse(ctx, link))
		(void)mv_url_parse(ctx->report->msg->arena, url, MV_STR_NULL, &link->url);
	return 0;
}

static enum mv_link_source html_source(enum mv_html_link_kind kind)
{
	switch (kind) {
	case MV_HTML_LINK_ANCHOR:
		return MV_LINK_HTML_ANCHOR;
	case MV_HTML_LINK_IMAGE:
		return MV_LINK_HTML_IMAGE;
	case MV_HTML_LINK_FORM:
		return MV_LINK_HTML_FORM;
	case MV_HTML_LINK_OTHER:
		break;
	}
	return MV_LINK_HTML_OTHER;
}

static const struct {
	unsigned flag;
	unsigned sym;
} html_flag_symbols[] = {
	{ MV_HTML_HAS_SCRIPT, SYM_HTML_SCRIPT },
	{ MV_HTML_HAS_FORM, SYM_HTML_FORM },
	{ MV_HTML_HAS_IFRAME, SYM_HTML_IFRAME },
	{ MV_HTML_HAS_OBJECT, SYM_HTML_OBJECT },
	{ MV_HTML_META_REFRESH, SYM_HTML_META_REFRESH },
	{ MV_HTML_TRUNCATED, SYM_HTML_LIMIT },
	{ MV_HTML_LIMIT_LINKS, SYM_HTML_LIMIT },
};

static int scan_html(struct link_ctx *ctx, mv_str text)
{
	struct mv_report *report = ctx->report;
	struct mv_msg *msg = report->msg;
	struct mv_html_result html;
	struct mv_url base;
	bool have_base = false;
	unsigned i;

	if (mv_html_parse(msg->arena, text, msg->limits.max_html_bytes, msg->limits.max_urls, &html) < 0)
		return -1;
	report->html_flags |= html.flags;
	for (i = 0; i < sizeof(html_flag_symbols) / sizeof(html_flag_symbols[0]); i++) {
		if ((html.flags & html_flag_symbols[i].flag) &&
		    task_symbol(ctx->task, html_flag_symbols[i].sym, "part %u", ctx->part->id) < 0)
			return -1;
	}
	if (html.flags & MV_HTML_HIDDEN_TEXT) {
		mv_str h = mv_str_trim(html.hidden_text);

		if (task_symbol(ctx->task, SYM_HTML_HIDDEN_TEXT, "part %u hides %zu bytes of text: \"%.*s%s\"",
				ctx->part->id, h.len, check_snippet_len(h, 60), h.p, h.len > 60 ? "..." : "") < 0)
			return -1;
	}
	/* Parse the document's <base href> once, not once per link. */
	if (html.base_href.len != 0)
		have_base = mv_url_parse(msg->arena, html.base_href, MV_STR_NULL, &base) == 0;
	ctx->same_base_from = report->n_links;
	for (i = 0; i < html.n_links; i++) {
		struct mv_link *link = link_new(ctx);

		if (link == NULL) {
			if (ctx->failed)
				return -1;
			continue;
		}
		link->source = html_source(html.links[i].kind);
		link->text = html.links[i].text;
		link->href = html.links[i].href;
		link->hidden = html.links[i].hidden;
		link->post = html.links[i].post;
		if (copy_repeated_parse(ctx, link))
			continue;
		if (have_base || html.base_href.len == 0)
			(void)mv_url_resolve(msg->arena, link->href, have_base ? &base : NULL, &link->url);
		else
			(void)mv_url_parse(msg->arena, link->href, html.base_href, &link->url);	/* unusable base */
	}
	return 0;
}

static int content_run(struct mv_task *task, void *state)
{
	struct mv_report *report = task_report(task);
	struct mv_msg *msg = report->msg;
	struct link_ctx ctx = { task, report, NULL, 0, 0, 0 };
	bool has_html = false, has_plain = false;
	unsigned i;

	for (i = 0; i < msg->n_parts; i++) {
		struct mv_part *part = msg->parts[i];
		mv_str text;

		if (part->children != NULL || mv_part_is_multipart(part))
			continue;
		if (!mv_part_is_text(part)) {
			(void)mv_part_decoded_size(msg, part);
			continue;
		}
		text = mv_part_text(msg, part);
		ctx.part = part;
		if (mv_str_eq(part->ctype.subtype, "html")) {
			has_html = true;
			if (text.len > msg->limits.max_html_bytes)
				msg->problems |= MV_PROB_HTML_LIMIT;
			if (scan_html(&ctx, text) < 0)
				return MV_NOMEM;
		} else {
			has_plain = has_plain || mv_str_trim(text).len != 0;
			ctx.same_base_from = report->n_links;
			(void)mv_url_extract_text(text, msg->limits.max_urls + 1, text_url_found, &ctx);
			if (ctx.failed)
				return MV_NOMEM;
		}
	}
	if (has_html && !has_plain && task_symbol(task, SYM_HTML_ONLY, "no plain-text alternative to the HTML") < 0)
		return MV_NOMEM;
	if (ctx.dropped != 0) {
		msg->problems |= MV_PROB_URL_LIMIT;
		if (task_symbol(task, SYM_URL_LIMIT, "%u more links than max-urls (%u) were not listed", ctx.dropped,
				msg->limits.max_urls) < 0)
			return MV_NOMEM;
	}
	return MV_OK;
}

const struct check_def check_content = {
	.name = "content",
	.description = "the text and HTML of every text part: links, hidden text, active content",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_TEXT | MV_NEED_HTML,
	.stage = MV_STAGE_BODY,
	.run = content_run,
};
