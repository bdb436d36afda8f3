/*
 * Tag actions without a DOM: a bounded stack of open elements carries what
 * descendants inherit (hidden, colours, template), end tags pop to their
 * element, and the few implied closes a reader notices (p, li, dd/dt, td/th,
 * tr, option, a) are done the way the tree builder (HTML 13.2.6) would do
 * them in ordinary documents.  Past HTML_MAX_DEPTH elements are not pushed;
 * their hiding is folded into the top level so that deep nesting cannot make
 * hidden text visible.
 */
#include <string.h>

#include "html/html_internal.h"

#define ID_NONE 0xFFu

/* The stack key of a tag's name; 0 is the document level. */
static uint32_t tag_key(uint32_t hash)
{
	return hash | 1u;
}

_Static_assert(HTML_TAG_NAME_PAD < HTML_MAX_TAG_NAME, "a cut tag name matches no known tag");

/* What a tag we have no rule for is: no id, no flags, no raw text. */
static const struct html_tag_info unknown_tag = { NULL, TAG_UNKNOWN, RAW_NONE, 0 };

static inline const struct html_tag_info *tag_info(const struct mv_html_parser *p, uint32_t hash)
{
	/* A cut name (tag_long) is HTML_MAX_TAG_NAME bytes long: no known tag is. */
	return html_tag_lookup_or(p->tag_name, p->tag_len, hash, &unknown_tag);
}

/* True when text at this level cannot be seen (hidden, or colour on equal background). */
static int level_hidden(const struct html_level *lv)
{
	if (lv->hidden || lv->vis || lv->tiny)
		return 1;
	return lv->fg != HTML_COLOR_UNSET && (lv->fg == HTML_COLOR_TRANSPARENT || lv->fg == lv->bg);
}

/* Where text at this level goes outside raw text: the cached answer of the three rules. */
static unsigned char level_sink(const struct html_level *lv)
{
	if (lv->drop)
		return SINK_DROP;
	return level_hidden(lv) ? SINK_HIDDEN : SINK_VISIBLE;
}

/* Where text goes now: after every tag, from the raw text state and the top level. */
static inline void update_sink(struct mv_html_parser *p)
{
	/* By raw text state, then the top level's sink: dropped raw text and dropped content win. */
	static const unsigned char sink_now[4][4] = {
		[RAW_NONE] = { SINK_DROP, SINK_VISIBLE, SINK_HIDDEN, SINK_TITLE },
		[RAW_TITLE] = { SINK_DROP, SINK_TITLE, SINK_TITLE, SINK_TITLE },
		[RAW_TEXT] = { SINK_DROP, SINK_VISIBLE, SINK_HIDDEN, SINK_TITLE },
		[RAW_DROP] = { SINK_DROP, SINK_DROP, SINK_DROP, SINK_DROP },
	};

	p->sink = sink_now[p->raw & 3][p->stack[p->depth - 1].sink & 3];
}

/* The separator a tag's start and end make in the text: a line break, a space or none. */
static void separate(struct mv_html_parser *p, unsigned flags)
{
	static const unsigned char sep_of[8] = {
		[TF_BREAK] = 2, [TF_BREAK | TF_SPACE] = 2, [TF_SPACE] = 1,
	};
	unsigned char sep = sep_of[flags & (TF_BREAK | TF_SPACE)];

	/* No branch on sep: a sep of 0 owes nothing. */
	html_collect_sep(&p->text, sep);
	html_collect_sep(&p->hidden, sep);
	html_collect_sep(&p->atext, sep != 0);
}

/*
 * Pushes the level built in place at stack[depth]; past the ceiling it is
 * folded into the top level instead.
 */
static void push(struct mv_html_parser *p)
{
	const struct html_level *lv = &p->stack[p->depth];
	struct html_level *top;

	if (p->depth < HTML_MAX_DEPTH) {
		p->depth++;
		p->open_count[lv->id]++;
		return;
	}
	/* XXX: flat past the ceiling; keep the hiding so deep nesting cannot unhide text. */
	top = &p->stack[p->depth - 1];
	top->hidden |= (unsigned char)level_hidden(lv);
	top->drop |= lv->drop;
	top->sink = level_sink(top);
}

/* Removes the levels from idx up; an anchor opened there is closed. */
static void pop_to(struct mv_html_parser *p, unsigned idx)
{
	if (idx == 0)
		return;
	while (p->depth > idx) {
		p->depth--;
		p->open_count[p->stack[p->depth].id]--;
	}
	/* One test: anchor_level is 0 when no anchor is open. */
	if (p->anchor_level >= idx)
		html_anchor_close(p);
}

/* The topmost open element with id a or b, searching no further than a stop element; 0 if none. */
static unsigned find_id(const struct mv_html_parser *p, unsigned a, unsigned b, unsigned stop_flags,
			unsigned stop_a, unsigned stop_b)
{
	unsigned i;

	for (i = p->depth; i-- > 1;) {
		const struct html_level *lv = &p->stack[i];

		if (lv->id == a || lv->id == b)
			return i;
		if ((lv->flags & stop_flags) != 0 || lv->id == stop_a || lv->id == stop_b)
			return 0;
	}
	return 0;
}

static unsigned find_key(const struct mv_html_parser *p, uint32_t key, unsigned stop_flags)
{
	unsigned i;

	for (i = p->depth; i-- > 1;) {
		const struct html_level *lv = &p->stack[i];

		if (lv->key == key)
			return i;
		if ((lv->flags & stop_flags) != 0)
			return 0;
	}
	return 0;
}

/*
 * The open element a start tag closes (13.2.6.4.7, simplified): the topmost
 * one with id a or b (b is a when there is one), searched no further than an
 * element with one of stop_flags or with id stop_a or stop_b; with top_only,
 * only the top element.  A table rather than a switch: a jump on the tag id
 * mispredicts.  a is 0 for the tags that close none.
 */
struct implied_close {
	unsigned char a, b, stop_flags, stop_a, stop_b, top_only;
};

static const struct implied_close implied_close[TAG_COUNT] = {
	[TAG_LI] = { TAG_LI, TAG_LI, TF_SCOPE, TAG_OL, TAG_UL, 0 },
	[TAG_DD] = { TAG_DD, TAG_DT, TF_SCOPE, ID_NONE, ID_NONE, 0 },
	[TAG_DT] = { TAG_DD, TAG_DT, TF_SCOPE, ID_NONE, ID_NONE, 0 },
	[TAG_TD] = { TAG_TD, TAG_TH, 0, TAG_TR, TAG_TABLE, 0 },
	[TAG_TH] = { TAG_TD, TAG_TH, 0, TAG_TR, TAG_TABLE, 0 },
	[TAG_TR] = { TAG_TR, TAG_TR, 0, TAG_TABLE, ID_NONE, 0 },
	/* A new <a> closes the open one (adoption agency, simplified). */
	[TAG_A] = { TAG_A, TAG_A, TF_SCOPE, ID_NONE, ID_NONE, 0 },
	[TAG_OPTION] = { TAG_OPTION, TAG_OPTION, 0, ID_NONE, ID_NONE, 1 },
};

/*
 * Whether a start tag may close an open element: one test, with no branch
 * on the tag (the counts of elements it could close, masked by whether it
 * closes any); most of the time nothing that could be closed is open.
 */
static int may_close(const struct mv_html_parser *p, unsigned id, unsigned flags)
{
	const struct implied_close *ic = &implied_close[id];
	unsigned open_p = p->open_count[TAG_P] & -(unsigned)((flags & TF_CLOSES_P) != 0);
	unsigned open_ab = (p->open_count[ic->a] | p->open_count[ic->b]) & -(unsigned)(ic->a != 0);

	return (open_p | open_ab) != 0;
}

static void implied_closes(struct mv_html_parser *p, unsigned id, unsigned flags)
{
	const struct implied_close *ic = &implied_close[id];

	if ((flags & TF_CLOSES_P) != 0 && p->open_count[TAG_P] != 0)
		pop_to(p, find_id(p, TAG_P, TAG_P, TF_SCOPE, ID_NONE, ID_NONE));
	if (ic->a == 0 || (p->open_count[ic->a] | p->open_count[ic->b]) == 0)
		return;
	if (ic->top_only) {
		if (p->stack[p->depth - 1].id == ic->a)
			pop_to(p, p->depth - 1);
	} else {
		pop_to(p, find_id(p, ic->a, ic->b, ic->stop_flags, ic->stop_a, ic->stop_b));
	}
}

static int eq_ci(mv_str s, const char *lit)
{
	return s.p != NULL && mv_str_eq_ci(mv_str_trim(s), lit);
}

/* The URL of <meta http-equiv=refresh content="5; url=..."> (HTML 4.8.5 declarative refresh). */
static mv_str refresh_url(mv_str c)
{
	size_t i = 0;

	while (i < c.len && (c.p[i] == ' ' || c.p[i] == '\t' || c.p[i] == '\n' || c.p[i] == '\r'))
		i++;
	while (i < c.len && ((c.p[i] >= '0' && c.p[i] <= '9') || c.p[i] == '.'))
		i++;
	while (i < c.len && (c.p[i] == ' ' || c.p[i] == '\t' || c.p[i] == '\n' || c.p[i] == '\r'))
		i++;
	if (i < c.len && (c.p[i] == ';' || c.p[i] == ','))
		i++;
	while (i < c.len && (c.p[i] == ' ' || c.p[i] == '\t' || c.p[i] == '\n' || c.p[i] == '\r'))
		i++;
	if (mv_str_prefix_ci(mv_str_make(c.p + i, c.len - i), "url")) {
		size_t j = i + 3;

		while (j < c.len && (c.p[j] == ' ' || c.p[j] == '\t'))
			j++;
		if (j < c.len && c.p[j] == '=') {
			j++;
			while (j < c.len && (c.p[j] == ' ' || c.p[j] == '\t'))
				j++;
			i = j;
		}
	}
	if (i < c.len && (c.p[i] == '"' || c.p[i] == '\'')) {
		const char *q = memchr(c.p + i + 1, c.p[i], c.len - i - 1);
		size_t end = q != NULL ? (size_t)(q - c.p) : c.len;

		return mv_str_make(c.p + i + 1, end - i - 1);
	}
	return mv_str_make(c.p + i, c.len - i);
}

static void image_in_anchor(struct mv_html_parser *p, mv_str alt)
{
	alt = mv_str_trim(alt);
	if (p->anchor_link < 0 || alt.len == 0)
		return;
	html_collect_sep(&p->aalt, 1);
	html_collect(&p->aalt, "[", 1);
	html_collect(&p->aalt, alt.p, alt.len);
	html_collect(&p->aalt, "]", 1);
}

/* What the document contains, whatever the attributes: by tag id, no jump. */
static const unsigned short doc_flags[TAG_COUNT] = {
	[TAG_FORM] = MV_HTML_HAS_FORM,
	[TAG_IFRAME] = MV_HTML_HAS_IFRAME, [TAG_FRAME] = MV_HTML_HAS_IFRAME,
	[TAG_OBJECT] = MV_HTML_HAS_OBJECT, [TAG_EMBED] = MV_HTML_HAS_OBJECT, [TAG_APPLET] = MV_HTML_HAS_OBJECT,
	[TAG_SCRIPT] = MV_HTML_HAS_SCRIPT,
};

#define ATTR_BIT(a) (1u << (a))

/* The kept attributes that change the level a tag passes to its content. */
#define LEVEL_ATTRS (ATTR_BIT(ATTR_HIDDEN) | ATTR_BIT(ATTR_BGCOLOR) | ATTR_BIT(ATTR_COLOR) | ATTR_BIT(ATTR_STYLE))

/*
 * The kept attributes without which tag_links() adds nothing for a tag (any
 * tag's background= is an image link): most tags with attributes (font
 * color, td bgcolor, span style) then skip it.  <a> has its own anchor_open().
 */
static const unsigned short link_attrs[TAG_COUNT] = {
	[TAG_AREA] = ATTR_BIT(ATTR_HREF), [TAG_LINK] = ATTR_BIT(ATTR_HREF), [TAG_BASE] = ATTR_BIT(ATTR_HREF),
	[TAG_IMG] = ATTR_BIT(ATTR_SRC) | ATTR_BIT(ATTR_ALT),
	[TAG_FORM] = ATTR_BIT(ATTR_ACTION), [TAG_OBJECT] = ATTR_BIT(ATTR_DATA),
	[TAG_IFRAME] = ATTR_BIT(ATTR_SRC), [TAG_FRAME] = ATTR_BIT(ATTR_SRC), [TAG_EMBED] = ATTR_BIT(ATTR_SRC),
	[TAG_SCRIPT] = ATTR_BIT(ATTR_SRC),
	[TAG_META] = ATTR_BIT(ATTR_HTTP_EQUIV),
};

/* Links of a start tag with kept attributes; hidden tells whether the element itself is hidden. */
static void tag_links(struct mv_html_parser *p, unsigned id, int hidden)
{
	mv_str href = html_attr_get(p, ATTR_HREF), src = html_attr_get(p, ATTR_SRC);
	mv_str alt = html_attr_get(p, ATTR_ALT), bg = html_attr_get(p, ATTR_BACKGROUND);

	if (bg.p != NULL)
		html_link_add(p, MV_HTML_LINK_IMAGE, bg, MV_STR_NULL, hidden);
	switch (id) {
	case TAG_AREA:
		html_link_add(p, MV_HTML_LINK_ANCHOR, href, alt, hidden);
		break;
	case TAG_IMG:
		html_link_add(p, MV_HTML_LINK_IMAGE, src, alt, hidden);
		image_in_anchor(p, alt);
		break;
	case TAG_FORM: {
		int i = html_link_add(p, MV_HTML_LINK_FORM, html_attr_get(p, ATTR_ACTION), MV_STR_NULL, hidden);

		if (i >= 0)
			p->links[i].post = eq_ci(html_attr_get(p, ATTR_METHOD), "post");
		break;
	}
	case TAG_IFRAME:
	case TAG_FRAME:
		html_link_add(p, MV_HTML_LINK_OTHER, src, MV_STR_NULL, hidden);
		break;
	case TAG_OBJECT:
		html_link_add(p, MV_HTML_LINK_OTHER, html_attr_get(p, ATTR_DATA), MV_STR_NULL, hidden);
		break;
	case TAG_EMBED:
		html_link_add(p, MV_HTML_LINK_OTHER, src, MV_STR_NULL, hidden);
		break;
	case TAG_SCRIPT:
		html_link_add(p, MV_HTML_LINK_OTHER, src, MV_STR_NULL, hidden);
		break;
	case TAG_LINK:
		html_link_add(p, MV_HTML_LINK_OTHER, href, MV_STR_NULL, hidden);
		break;
	case TAG_META:
		if (eq_ci(html_attr_get(p, ATTR_HTTP_EQUIV), "refresh")) {
			mv_str content = html_attr_get(p, ATTR_CONTENT);

			p->flags |= MV_HTML_META_REFRESH;
			if (content.p != NULL)
				html_link_add(p, MV_HTML_LINK_OTHER, refresh_url(content), MV_STR_NULL, hidden);
		}
		break;
	case TAG_BASE:
		if (!p->base_set && href.p != NULL) {
			char *copy;

			href = mv_str_trim(href);
			copy = mv_arena_strndup(p->arena, href.p, href.len);
			if (copy != NULL) {
				p->base_href = mv_str_make(copy, href.len);
				p->base_set = 1;
			}
		}
		break;
	default:
		break;
	}
}

static void start_raw(struct mv_html_parser *p, const struct html_tag_info *t)
{
	p->raw = t->raw;
	if (t->raw == RAW_TITLE) {
		/* Only the first <title> is the document's title. */
		if (p->title_seen)
			p->raw = RAW_DROP;
		p->title_seen = 1;
	}
	p->raw_tag = t->name;
	if (t->id == TAG_TITLE || t->id == TAG_TEXTAREA)
		p->raw_state = ST_RCDATA;
	else if (t->id == TAG_PLAINTEXT)
		p->raw_state = ST_PLAINTEXT;
	else
		p->raw_state = ST_RAWTEXT;
	p->state = p->raw_state;
}

/* What the element's own attributes change in the state its content inherits. */
static void level_from_attrs(const struct mv_html_parser *p, struct html_level *lv, unsigned id)
{
	mv_str v;

	if (html_attr_get(p, ATTR_HIDDEN).p != NULL)
		lv->hidden = 1;
	v = html_attr_get(p, ATTR_BGCOLOR);
	if (v.p != NULL) {
		uint32_t c = html_color_parse(v.p, v.len, 1);

		if (c != HTML_COLOR_UNSET && c != HTML_COLOR_TRANSPARENT)
			lv->bg = c;
	}
	v = html_attr_get(p, ATTR_COLOR);
	if (v.p != NULL && id == TAG_FONT) {
		uint32_t c = html_color_parse(v.p, v.len, 1);

		if (c != HTML_COLOR_UNSET)
			lv->fg = c;
	}
	v = html_attr_get(p, ATTR_STYLE);
	if (v.p != NULL)
		html_style_apply(lv, v.p, v.len);
}

static void anchor_open(struct mv_html_parser *p, int hidden)
{
	int idx = html_link_add(p, MV_HTML_LINK_ANCHOR, html_attr_get(p, ATTR_HREF), MV_STR_NULL, hidden);

	if (idx >= 0) {
		p->anchor_link = idx;
		/* When not pushed (too deep), a pop of the top level closes it. */
		p->anchor_level = p->depth - 1;
		p->anchor_hidden = (unsigned char)hidden;
	}
}

/*
 * The tags whose start does more than push a level: an implied close, a
 * document flag, a template, raw text.  With no kept attribute and no
 * TF_CLOSES_P, the others (font, b, span, table, ...) change nothing else.
 */
static const unsigned char start_busy[TAG_COUNT] = {
	[TAG_LI] = 1, [TAG_DD] = 1, [TAG_DT] = 1, [TAG_TD] = 1, [TAG_TH] = 1, [TAG_TR] = 1,
	[TAG_A] = 1, [TAG_OPTION] = 1, [TAG_TEMPLATE] = 1,
	[TAG_FORM] = 1, [TAG_IFRAME] = 1, [TAG_FRAME] = 1, [TAG_OBJECT] = 1, [TAG_EMBED] = 1,
	[TAG_APPLET] = 1, [TAG_SCRIPT] = 1,
};

/*
 * Pushes the level built in place at stack[depth], with no branch on whether
 * the tag is void (that follows the markup, which no predictor guesses);
 * past the ceiling push() folds it into the top level.
 */
static void push_unless_void(struct mv_html_parser *p, unsigned id, unsigned flags)
{
	unsigned grow = (flags & TF_VOID) == 0;

	if (p->depth < HTML_MAX_DEPTH) {
		p->open_count[id] += grow;
		p->depth += grow;
	} else if (grow) {
		push(p);
	}
}

/* The links a start tag's kept attributes make; hidden tells whether the element itself is hidden. */
static void start_tag_links(struct mv_html_parser *p, unsigned id, int hidden)
{
	unsigned set = p->attrs_set;

	if ((set & (link_attrs[id] | ATTR_BIT(ATTR_BACKGROUND))) != 0)
		tag_links(p, id, hidden);
	if (id == TAG_A && (set & ATTR_BIT(ATTR_HREF)) != 0)
		anchor_open(p, hidden);
}

/*
 * A start tag that does more than push its parent's level: an implied close,
 * kept attributes, a link, a document flag, raw text.  Out of line, so that
 * the common tag saves no registers for it.
 */
__attribute__((noinline))
static void start_tag_busy(struct mv_html_parser *p, const struct html_tag_info *t, uint32_t hash)
{
	unsigned id = t->id, flags = t->flags;
	struct html_level *lv;
	int hidden;

	if (may_close(p, id, flags))
		implied_closes(p, id, flags);
	separate(p, flags);

	/* Built in place over the slot past the top (there is always one): a push is then a count. */
	lv = &p->stack[p->depth];
	*lv = lv[-1];
	lv->key = tag_key(hash);
	lv->id = (unsigned char)id;
	lv->flags = (unsigned char)flags;
	if (id == TAG_TEMPLATE) {
		lv->drop = 1;
		lv->sink = SINK_DROP;
	}
	/* Without style attributes a level is its parent's, whose sink is already known. */
	if ((p->attrs_set & LEVEL_ATTRS) != 0) {
		level_from_attrs(p, lv, id);
		lv->sink = level_sink(lv);
	}
	hidden = lv->sink != SINK_VISIBLE;
	push_unless_void(p, id, flags);
	/* Most tags keep no attribute: they have no link. */
	if (p->attrs_set != 0)
		start_tag_links(p, id, hidden);
	p->flags |= doc_flags[id];
	if (t->raw != RAW_NONE)
		start_raw(p, t);
	update_sink(p);	/* an implied close of <p> may have popped a hidden level */
}

void html_tree_start_tag(struct mv_html_parser *p)
{
	uint32_t hash = p->tag_hash;
	const struct html_tag_info *t = tag_info(p, hash);
	unsigned id = t->id, flags = t->flags;
	struct html_level *lv;

	p->n_tags++;
	if (((flags & TF_CLOSES_P) | start_busy[id] | t->raw | p->attrs_set) != 0) {
		start_tag_busy(p, t, hash);
		return;
	}
	/* Most tags (font, b, span, ...) push a copy of their parent's level: where text goes stays. */
	separate(p, flags);
	lv = &p->stack[p->depth];
	*lv = lv[-1];
	lv->key = tag_key(hash);
	lv->id = (unsigned char)id;
	lv->flags = (unsigned char)flags;
	push_unless_void(p, id, flags);
}

void html_tree_end_tag(struct mv_html_parser *p)
{
	uint32_t hash = p->tag_hash, key = tag_key(hash);
	const struct html_tag_info *t = tag_info(p, hash);
	unsigned id = t->id, flags = t->flags;
	const struct html_level *top = &p->stack[p->depth - 1];

	/* The tokenizer emits an end tag inside raw text only when it ends it. */
	p->raw = RAW_NONE;
	separate(p, flags);
	if (top->key == key && top->id == id) {
		/*
		 * Well-nested markup closes the top element: the search below
		 * would stop there (br is never pushed, an open p is counted).
		 */
		p->depth--;
		p->open_count[id]--;
		if (p->anchor_level >= p->depth)
			html_anchor_close(p);
	} else if (id != TAG_BR && (id != TAG_P || p->open_count[TAG_P] != 0)) {
		/* An end tag of an inline element does not close past a block (13.2.6.4.7). */
		unsigned stop = TF_SCOPE | ((flags & TF_SPECIAL) ^ TF_SPECIAL);

		pop_to(p, find_key(p, key, stop));
	}
	/* Out of raw text, text goes where the top level says. */
	p->sink = p->stack[p->depth - 1].sink;
}

void html_tree_eof(struct mv_html_parser *p)
{
	html_anchor_close(p);
}
