/*
 * Internals of the HTML module: the parser state shared by the tokenizer
 * (html_tokenizer.c), character references (html_entities.c), the element
 * stack and tag actions (html_tree.c), style analysis (html_style.c) and the
 * result builders (html_result.c).  Nothing here is public.
 */
#ifndef MV_HTML_INTERNAL_H
#define MV_HTML_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "mailvet/arena.h"
#include "mailvet/html.h"
#include "util/simd.h"

#define HTML_MAX_DEPTH		256		/* element stack; deeper elements are folded into the top */
#define HTML_MAX_TAG_NAME	32		/* longer names are kept cut and match no known tag */
#define HTML_TAG_NAME_PAD	16		/* tag names are looked up as this many zero-padded bytes */
#define HTML_MAX_ATTR_NAME	16		/* longest attribute we act on is 10 bytes */
#define HTML_MAX_VALUE		((size_t)64 << 10)	/* one attribute value; past it the value is cut */
#define HTML_MAX_VALUES		((size_t)1 << 20)	/* all kept attribute values of one tag */
#define HTML_MAX_REF		32		/* alphanumerics of a named reference (longest name is 31) */
#define HTML_MAX_RAW_NAME	16		/* end tag name buffered inside raw text */

/* --- named character references (html_entities_table.c is generated) --- */

struct html_entity {
	const char *name;	/* with the ';' when the name has one */
	const char *value;	/* UTF-8 */
	unsigned char name_len;
	unsigned char value_len;
};

extern const struct html_entity html_entities[];
extern const unsigned html_entities_count;

/* Builds the lookup index once per process; every parser calls it before its first lookup. */
void html_entities_init(void);
const struct html_entity *html_entity_find(const char *name, size_t len);
/* The longest legacy name (one without ';') that name[0..len) starts with, or NULL. */
const struct html_entity *html_entity_find_legacy(const char *name, size_t len);
/* WHATWG numeric reference rules: 0, surrogates, > 0x10FFFF -> U+FFFD; C1 -> windows-1252. */
uint32_t html_numeric_ref_map(uint32_t cp);
/* Encodes cp as UTF-8 into out (4 bytes room); returns the length. */

/* --- tags and attributes (html_tags.c) --- */

enum html_tag_flag {
	TF_VOID = 1u << 0,	/* never has content, never pushed */
	TF_BREAK = 1u << 1,	/* start and end make a line break in the text */
	TF_SPACE = 1u << 2,	/* start and end separate words (table cells) */
	TF_CLOSES_P = 1u << 3,	/* a start tag closes an open <p> */
	TF_SCOPE = 1u << 4,	/* implied closes and end tags do not search past it */
	TF_SPECIAL = 1u << 5,	/* an unmatched inline end tag does not search past it */
};

enum html_raw {
	RAW_NONE,
	RAW_TITLE,	/* RCDATA into result.title */
	RAW_TEXT,	/* raw text that is shown (textarea, xmp, plaintext) */
	RAW_DROP,	/* raw text that is not shown (script, style, iframe, ...) */
};

enum html_tag_id {
	TAG_UNKNOWN = 0,
	TAG_A, TAG_APPLET, TAG_AREA, TAG_BASE, TAG_BODY, TAG_BR, TAG_BUTTON, TAG_DD,
	TAG_DT, TAG_EMBED, TAG_FONT, TAG_FORM, TAG_FRAME, TAG_HTML, TAG_IFRAME, TAG_IMG,
	TAG_LI, TAG_LINK, TAG_META, TAG_NOEMBED, TAG_NOFRAMES, TAG_OBJECT, TAG_OL,
	TAG_OPTION, TAG_P, TAG_PLAINTEXT, TAG_SCRIPT, TAG_STYLE, TAG_TABLE, TAG_TD,
	TAG_TEMPLATE, TAG_TEXTAREA, TAG_TH, TAG_TITLE, TAG_TR, TAG_UL, TAG_XMP,
	TAG_OTHER_KNOWN,	/* a known tag with flags but no action of its own */
	TAG_COUNT
};

struct html_tag_info {
	const char *name;
	unsigned char id;	/* enum html_tag_id */
	unsigned char raw;	/* enum html_raw */
	unsigned char flags;	/* enum html_tag_flag */
};

/*
 * The hash of a (lowercased) tag name: the tag table's hash and the element
 * stack's key.  name is zero-padded to HTML_TAG_NAME_PAD bytes when len is no
 * longer, and a short name is hashed as two words with no loop; a longer one
 * (no known tag is) byte by byte (FNV-1a).
 */
static inline uint32_t html_name_hash(const char *name, size_t len)
{
	uint64_t lo, hi, h;
	size_t i;

	if (len > HTML_TAG_NAME_PAD) {
		uint32_t fnv = 2166136261u;

		for (i = 0; i < len; i++)
			fnv = (fnv ^ (unsigned char)name[i]) * 16777619u;
		return fnv;
	}
	memcpy(&lo, name, sizeof(lo));
	memcpy(&hi, name + sizeof(lo), sizeof(hi));
	h = (lo * 0x9E3779B97F4A7C15u + hi) * 0xC2B2AE3D27D4EB4Fu + len;
	return (uint32_t)(h >> 32);
}
_Static_assert(HTML_TAG_NAME_PAD == 16, "html_name_hash() reads the padding as two words");

/* Fills the tag and attribute tables once per process; every parser calls it before its first lookup. */
void html_tags_init(void);

/*
 * A perfect hash: HTML_TAG_SLOT_MUL was searched for (docs/internals/html.md)
 * so that every known tag has a slot of its own.  A lookup reads one slot,
 * with no probe loop whose length the predictor would have to guess;
 * html_tag_table_perfect() checks it in the tests.
 */
#define HTML_TAG_SLOTS 256
#define HTML_TAG_SLOT_MUL 0x7E6E45AFu

static inline unsigned html_tag_slot_of(uint32_t hash)
{
	return (uint32_t)(hash * HTML_TAG_SLOT_MUL) >> 24;
}
_Static_assert(HTML_TAG_SLOTS == 1u << 8, "html_tag_slot_of() keeps the top 8 bits");
_Static_assert(HTML_TAG_NAME_PAD == 2 * sizeof(uint64_t), "html_tag_lookup() compares the padding as two words");

/* The name is kept zero-padded, so that a match is one fixed-size compare. */
struct html_tag_slot {
	uint32_t hash;
	uint32_t len;
	char name[HTML_TAG_NAME_PAD];
	const struct html_tag_info *tag;
};

/* Filled by html_tags_init(); read only afterwards. */
extern struct html_tag_slot html_tag_slots[HTML_TAG_SLOTS];

/* 1 when every known tag is found in its own slot (for the tests). */
int html_tag_table_perfect(void);

/*
 * NULL for a tag we have no rule for; hash is html_name_hash(name, len).  name has
 * HTML_TAG_NAME_PAD readable bytes, zero past len (the longest known name is 10 bytes).
 * Inline: it runs for every start and end tag.  An empty slot has len 0.
 */
static inline const struct html_tag_info *html_tag_lookup_or(const char *name, size_t len, uint32_t hash,
							    const struct html_tag_info *unknown)
{
	const struct html_tag_slot *ts = &html_tag_slots[html_tag_slot_of(hash)];
	uint64_t want[2], have[2], diff;

	/* One test of all the differences: unknown tags are common, so no early way out. */
	memcpy(want, ts->name, sizeof(want));
	memcpy(have, name, sizeof(have));
	diff = (want[0] ^ have[0]) | (want[1] ^ have[1]) | (ts->hash ^ hash) | (ts->len ^ len);
	/* A choice of two values, not a branch: known and unknown tags alternate in markup. */
	return diff == 0 ? ts->tag : unknown;
}

static inline const struct html_tag_info *html_tag_lookup(const char *name, size_t len, uint32_t hash)
{
	return html_tag_lookup_or(name, len, hash, NULL);
}

enum html_attr {
	ATTR_HREF, ATTR_SRC, ATTR_ALT, ATTR_ACTION, ATTR_STYLE, ATTR_HIDDEN,
	ATTR_BACKGROUND, ATTR_CONTENT, ATTR_HTTP_EQUIV, ATTR_COLOR, ATTR_BGCOLOR,
	ATTR_DATA, ATTR_METHOD,
	ATTR_COUNT,
	ATTR_NONE = ATTR_COUNT
};

/* A name we act on, zero-padded, and 0xFF over its length: a match is a masked compare. */
struct html_attr_name {
	unsigned char name[16];
	unsigned char mask[16];
};

/*
 * Filled by html_tags_init(); read only afterwards.  Entry 0 of the names
 * matches nothing, and a slot holds an attribute's index in the names (its
 * id + 1) or 0.
 */
extern struct html_attr_name html_attr_names[ATTR_COUNT + 1];
extern const unsigned char html_attr_slots[HTML_MAX_ATTR_NAME + 1][32];

/*
 * ATTR_NONE for an attribute we ignore.  name (lowercased) has 16 readable
 * bytes; those past len (at most HTML_MAX_ATTR_NAME) may hold anything.
 * Inline and without branches: it runs for every attribute.
 */
static inline int html_attr_lookup(const char *name, size_t len)
{
	unsigned idx = html_attr_slots[len][(unsigned char)name[0] & 31];
	const struct html_attr_name *a = &html_attr_names[idx];
	uint64_t w[2], mask[2], want[2];

	memcpy(w, name, sizeof(w));
	memcpy(mask, a->mask, sizeof(mask));
	memcpy(want, a->name, sizeof(want));
	return (((w[0] & mask[0]) ^ want[0]) | ((w[1] & mask[1]) ^ want[1])) == 0 ? (int)idx - 1 : ATTR_NONE;
}

/* --- style analysis (html_style.c) --- */

#define HTML_COLOR_UNSET	0xFFFFFFFFu
#define HTML_COLOR_TRANSPARENT	0x01000000u

/* The visual state an element passes to its descendants. */
struct html_level {
	uint32_t key;		/* tag id, or a hash of an unknown tag's name */
	uint32_t fg;		/* effective text colour, HTML_COLOR_UNSET if none given */
	uint32_t bg;		/* effective background colour (the nearest one set) */
	unsigned char id;	/* enum html_tag_id */
	unsigned char flags;	/* enum html_tag_flag */
	unsigned char hidden;	/* display:none, opacity 0, hidden attribute...: no descendant can undo it */
	unsigned char vis;	/* visibility:hidden; a descendant's visibility:visible undoes it */
	unsigned char tiny;	/* font-size 0 or 1px; a descendant's absolute font-size undoes it */
	unsigned char drop;	/* content is not rendered at all (template) */
	unsigned char sink;	/* enum html_sink of text here outside raw text, set when pushed */
};

/* Applies an inline style attribute: may set lv->hidden, lv->fg, lv->bg. */
void html_style_apply(struct html_level *lv, const char *style, size_t len);
/* A colour value (CSS or legacy attribute); HTML_COLOR_UNSET when not understood. */
uint32_t html_color_parse(const char *s, size_t len, int legacy);

/* --- text collection (html_result.c) --- */

#ifdef SIMD_SSE2
/* Bit k set where v's byte k is ASCII white space (space, tab, LF, FF, CR). */
static inline unsigned html_space_bits(simd_v v)
{
	simd_v sp = simd_or(simd_or(simd_eq(v, ' '), simd_eq(v, '\t')),
			    simd_or(simd_or(simd_eq(v, '\n'), simd_eq(v, '\r')), simd_eq(v, '\f')));

	return simd_mask(sp);
}
#endif

/* HTML's ASCII white space: tab, LF, FF, CR, space. */
static inline int html_is_space_byte(unsigned char c)
{
	return c <= ' ' && ((0x100003600ull >> c) & 1) != 0;
}

/*
 * The end of the white space run from s[i] on, at most n; avail >= n bytes
 * are readable from s, so a last block may look past n (never counted).
 */
static inline size_t html_space_end(const unsigned char *s, size_t i, size_t n, size_t avail)
{
#ifdef SIMD_SSE2
	for (; i < n && avail - i >= 16; i += 16) {
		unsigned other = ~html_space_bits(simd_load(s + i)) & 0xFFFFu;

		if (other != 0) {
			i += (size_t)__builtin_ctz(other);
			return i < n ? i : n;
		}
	}
	if (i > n)
		return n;
#else
	(void)avail;
#endif
	while (i < n && html_is_space_byte(s[i]))
		i++;
	return i;
}

struct html_collect {
	mv_buf buf;
	unsigned char pending;	/* separator owed before the next word: 0, 1 space, 2 line break */
	unsigned char cut;	/* text was lost to the ceiling or the arena */
};

void html_collect_init(struct html_collect *c, mv_arena *arena, size_t max);
/* Appends text, collapsing ASCII white space runs into the pending separator. */
void html_collect(struct html_collect *c, const char *s, size_t n);
/* The same, where avail >= n bytes of s are readable: the end of the text is read in 16-byte blocks. */
void html_collect_in(struct html_collect *c, const char *s, size_t n, size_t avail);
/* Owes a separator (1 space, 2 line break) before the next word; the larger one wins. */
static inline void html_collect_sep(struct html_collect *c, unsigned char sep)
{
	/* Stored even when unchanged: a branch here would follow the text, which no predictor guesses. */
	c->pending = sep > c->pending ? sep : c->pending;
}

/* --- the parser --- */

/* Tokenizer states (HTML 13.2.5); the tree switches to the raw text ones. */
enum html_state {
	ST_DATA, ST_RCDATA, ST_RAWTEXT, ST_PLAINTEXT,
	ST_TAG_OPEN, ST_END_TAG_OPEN, ST_TAG_NAME,
	ST_RAW_LT, ST_RAW_END_OPEN, ST_RAW_END_NAME,
	ST_BEFORE_ATTR_NAME, ST_ATTR_NAME, ST_AFTER_ATTR_NAME, ST_BEFORE_ATTR_VALUE,
	ST_ATTR_VALUE_DQ, ST_ATTR_VALUE_SQ, ST_ATTR_VALUE_UNQ, ST_AFTER_ATTR_VALUE_Q,
	ST_SELF_CLOSING,
	ST_MDO, ST_MDO_DASH, ST_BOGUS_COMMENT,
	ST_COMMENT_START, ST_COMMENT_START_DASH, ST_COMMENT, ST_COMMENT_END_DASH,
	ST_COMMENT_END, ST_COMMENT_END_BANG,
	ST_CHARREF, ST_NAMED_REF, ST_NUMERIC_REF, ST_HEX_START, ST_DEC_START, ST_HEX, ST_DEC,
	ST_EOF
};

enum html_sink {
	SINK_DROP,
	SINK_VISIBLE,
	SINK_HIDDEN,
	SINK_TITLE,
};

/*
 * A kept attribute's value: in values at off, or, when the tag lexer took it
 * whole from the input, at direct (no copy; the input outlives the tag
 * unless the tag goes on in the next chunk, see attrs_keep()).
 */
struct html_attr_slot {
	const char *direct;
	uint32_t off;
	uint32_t len;
};

struct mv_html_parser {
	mv_arena *arena;
	size_t max_bytes;
	size_t fed;
	unsigned max_items;
	unsigned flags;
	int done;

	/* tokenizer */
	unsigned char state;
	unsigned char return_state;	/* where a character reference goes back to */
	unsigned char raw_state;	/* RCDATA, RAWTEXT or PLAINTEXT while in raw text */
	const char *raw_tag;		/* name of the element whose end tag ends the raw text */
	unsigned char tag_is_end;
	unsigned char tag_self_closing;
	unsigned char tag_long;
	unsigned char attr_long;
	char tag_name[HTML_MAX_TAG_NAME];
	unsigned tag_len;
	uint32_t tag_hash;		/* html_name_hash() of tag_name, set when the tag is complete */
	char attr_name[HTML_MAX_ATTR_NAME];
	unsigned attr_len;
	int cur_attr;			/* slot receiving the value, or ATTR_NONE */
	struct html_attr_slot attrs[ATTR_COUNT];
	unsigned attrs_set;		/* bit (1 << attr) when attrs[attr] holds a value */
	unsigned attrs_in_input;	/* bit (1 << attr) when that value is direct in this chunk's input */
	mv_buf values;			/* values of the current tag's kept attributes */
	char raw_name[HTML_MAX_RAW_NAME];	/* "</name" seen so far inside raw text */
	unsigned raw_len;
	char ref[HTML_MAX_REF + 2];	/* named reference so far, or "#x" for numeric */
	const struct html_entity *last_entity;	/* the last named reference found */
	unsigned ref_len;
	uint32_t ref_cp;

	/* element stack; stack[0] is the document (the levels themselves are last, see below) */
	unsigned depth;
	unsigned open_count[TAG_COUNT];
	unsigned char sink;		/* enum html_sink for text now */
	unsigned char raw;		/* enum html_raw of the open raw text element */
	unsigned char title_seen;

	/* results */
	struct html_collect text;
	struct html_collect hidden;
	struct html_collect title;
	struct html_collect atext;	/* text of the open anchor */
	struct html_collect aalt;	/* "[alt]" of images in the open anchor */
	int anchor_link;		/* index in links of the open anchor, or -1 */
	unsigned anchor_level;		/* stack index of that <a> (>= 1), 0 when none is open */
	unsigned char anchor_hidden;
	struct mv_html_link *links;
	unsigned n_links;
	unsigned cap_links;
	unsigned n_tags;
	unsigned char base_set;
	mv_str base_href;

	/*
	 * Last, so that a new parser clears only what comes before it: levels are
	 * written when pushed.  One more than the ceiling, so that a start tag can
	 * build its level in place at stack[depth] before it knows if it is pushed.
	 */
	struct html_level stack[HTML_MAX_DEPTH + 1];
};

/*
 * Text from the tokenizer (data, RCDATA, raw text, decoded references), with
 * avail >= n bytes readable from s; inline, once per text run.
 */
static inline void html_emit_text_in(struct mv_html_parser *p, const char *s, size_t n, size_t avail)
{
	switch (p->sink) {
	case SINK_VISIBLE:
		html_collect_in(&p->text, s, n, avail);
		if (p->anchor_link >= 0 && !p->anchor_hidden)
			html_collect_in(&p->atext, s, n, avail);
		break;
	case SINK_HIDDEN:
		html_collect_in(&p->hidden, s, n, avail);
		if (p->anchor_link >= 0 && p->anchor_hidden)
			html_collect_in(&p->atext, s, n, avail);
		break;
	case SINK_TITLE:
		html_collect_in(&p->title, s, n, avail);
		break;
	default:
		break;
	}
}

static inline void html_emit_text(struct mv_html_parser *p, const char *s, size_t n)
{
	html_emit_text_in(p, s, n, n);
}

/* Text of white space only (most text between tags): it only owes a space where text goes now. */
static inline void html_emit_space(struct mv_html_parser *p)
{
	switch (p->sink) {
	case SINK_VISIBLE:
		html_collect_sep(&p->text, 1);
		if (p->anchor_link >= 0 && !p->anchor_hidden)
			html_collect_sep(&p->atext, 1);
		break;
	case SINK_HIDDEN:
		html_collect_sep(&p->hidden, 1);
		if (p->anchor_link >= 0 && p->anchor_hidden)
			html_collect_sep(&p->atext, 1);
		break;
	case SINK_TITLE:
		html_collect_sep(&p->title, 1);
		break;
	default:
		break;
	}
}

/* A complete tag token: name in tag_name, kept attributes in attrs/values. */
void html_tree_start_tag(struct mv_html_parser *p);
void html_tree_end_tag(struct mv_html_parser *p);
void html_tree_eof(struct mv_html_parser *p);

/* A kept attribute of the current tag, or a NULL view. */
static inline mv_str html_attr_get(const struct mv_html_parser *p, int attr)
{
	const struct html_attr_slot *slot = &p->attrs[attr];

	if ((p->attrs_set & (1u << attr)) == 0)
		return MV_STR_NULL;
	if (slot->len == 0)
		return MV_STR_LIT("");
	return mv_str_make(slot->direct != NULL ? slot->direct : p->values.p + slot->off, slot->len);
}
/* Adds a link (href trimmed and copied); returns its index or -1 (limit, empty href, memory). */
int html_link_add(struct mv_html_parser *p, enum mv_html_link_kind kind, mv_str href, mv_str text,
		  int hidden);
/* Closes the open anchor: its text is set from atext (or aalt when atext is empty). */
void html_anchor_close(struct mv_html_parser *p);
void html_result_fill(struct mv_html_parser *p, struct mv_html_result *result);

#endif
