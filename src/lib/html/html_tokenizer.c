/*
 * The WHATWG HTML tokenizer (HTML Living Standard 13.2.5) as a resumable
 * state machine.  All state lives in the parser, so input can be split at
 * any byte: a partial tag keeps only its name (32 bytes), the kept attribute
 * values (64 KiB each) and a named reference (32 bytes).  Runs of plain text,
 * attribute values, names and comments are found with memchr, SSE2 or a class
 * table and handed on in one call (run_bulk); every other state takes one
 * byte at a time (step).
 *
 * Simplifications, none of which changes the text a reader sees in mail:
 * DOCTYPE and CDATA are skipped like bogus comments (both end at the first
 * '>'); script content is RAWTEXT (no script data escape states); CR is not
 * normalized (it is white space in text and stripped from URLs later).
 */
#include <stddef.h>
#include <string.h>

#include "html/html_internal.h"


/* Byte classes: which bytes end a run in the states scanned with the table. */
#define S_UNQ	0x01	/* white space & > NUL */
#define S_SPACE	0x02	/* HTML ASCII white space */
#define S_NAME	0x04	/* ends a tag name: white space / > NUL */
#define S_ANAME	0x08	/* ends an attribute name: white space / > = NUL */

static const unsigned char byte_class[256] = {
	[0] = S_UNQ | S_NAME | S_ANAME,
	['/'] = S_NAME | S_ANAME,
	['='] = S_ANAME,
	['&'] = S_UNQ,
	['>'] = S_UNQ | S_NAME | S_ANAME,
	[' '] = S_UNQ | S_SPACE | S_NAME | S_ANAME,
	['\t'] = S_UNQ | S_SPACE | S_NAME | S_ANAME,
	['\n'] = S_UNQ | S_SPACE | S_NAME | S_ANAME,
	['\f'] = S_UNQ | S_SPACE | S_NAME | S_ANAME,
	['\r'] = S_UNQ | S_SPACE | S_NAME | S_ANAME,
};

/*
 * A byte of a name, lowercased; 0 for the bytes that end an attribute name
 * (S_ANAME: NUL, white space, '/', '=', '>').  One load per byte does both.
 */
static const unsigned char name_byte[256] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x00, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x00,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x00, 0x00, 0x3f,
	0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
	0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
	0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

static const char replacement[] = "\xEF\xBF\xBD";

static int is_space(int c)
{
	return c >= 0 && (byte_class[c] & S_SPACE) != 0;
}

static int is_alpha(int c)
{
	return (unsigned)((c | 0x20) - 'a') < 26u;
}

static int is_digit(int c)
{
	return (unsigned)(c - '0') < 10u;
}

static size_t scan(const unsigned char *s, size_t i, size_t n, unsigned char mask)
{
	while (i < n && (byte_class[s[i]] & mask) == 0)
		i++;
	return i;
}

/*
 * The first index from i on that is not white space, or n.  Mostly there is
 * none to skip (one test, inline); a run (indentation between attributes or
 * between tags) is skipped 16 bytes at a time where SSE2 is there.
 */
static size_t skip_space_run(const unsigned char *s, size_t i, size_t n)
{
	return html_space_end(s, i, n, n);
}

static inline size_t skip_space(const unsigned char *s, size_t i, size_t n)
{
	return i < n && s[i] > ' ' ? i : skip_space_run(s, i, n);
}

/*
 * True when s[i..j) is white space only, the most common text between tags;
 * the bytes up to n are readable.  A short run is looked at in one block,
 * with no loop whose exit depends on its length, a longer one 16 bytes at a
 * time (most stop at the first block, with a word in it).
 */
static int all_space(const unsigned char *s, size_t i, size_t j, size_t n)
{
#ifdef SIMD_SSE2
	for (; n - i >= 16; i += 16) {
		unsigned in = j - i >= 16 ? 0xFFFFu : (1u << (j - i)) - 1;

		if ((html_space_bits(simd_load(s + i)) & in) != in)
			return 0;
		if (j - i <= 16)
			return 1;
	}
#endif
	return skip_space(s, i, j) == j;
}

#ifdef SIMD_SSE2
/* Bit k set where s[k] is a, b or NUL, for the 16 bytes at s. */
static inline unsigned stop_bits(const unsigned char *s, unsigned char a, unsigned char b)
{
	simd_v v = simd_load(s);

	return simd_mask(simd_or(simd_or(simd_eq(v, a), simd_eq(v, b)), simd_eq(v, 0)));
}
#endif

/*
 * find_stop() past the first 16 bytes: a long run (a paragraph, a long URL)
 * is read 32 bytes per step, so that the loop's exit mispredicts seldom.
 */
static size_t find_stop_long(const unsigned char *s, size_t i, size_t n, unsigned char a, unsigned char b)
{
#ifdef SIMD_SSE2
	for (; n - i >= 32; i += 32) {
		unsigned mask = stop_bits(s + i, a, b) | stop_bits(s + i + 16, a, b) << 16;

		if (mask != 0)
			return i + (size_t)__builtin_ctz(mask);
	}
	for (; n - i >= 16; i += 16) {
		unsigned mask = stop_bits(s + i, a, b);

		if (mask != 0)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	while (i < n && s[i] != a && s[i] != b && s[i] != 0)
		i++;
	return i;
}

/*
 * The first index from i on whose byte is a, b or NUL, or n: the end of a
 * run of text or of a quoted attribute value.  Those runs are most of the
 * input; most end within 16 bytes, found by one SSE2 look inline.
 */
static inline size_t find_stop(const unsigned char *s, size_t i, size_t n, unsigned char a, unsigned char b)
{
#ifdef SIMD_SSE2
	if (n - i >= 16) {
		unsigned mask = stop_bits(s + i, a, b);

		if (mask != 0)
			return i + (size_t)__builtin_ctz(mask);
		i += 16;
	}
#endif
	return find_stop_long(s, i, n, a, b);
}

static int is_text_state(int state)
{
	return state == ST_DATA || state == ST_RCDATA || state == ST_RAWTEXT || state == ST_PLAINTEXT;
}

static void bad(struct mv_html_parser *p)
{
	p->flags |= MV_HTML_BAD_SYNTAX;
}

static void emit_cstr(struct mv_html_parser *p, const char *s)
{
	html_emit_text(p, s, strlen(s));
}

/* --- tags and attributes --- */

static void tag_begin(struct mv_html_parser *p, int is_end)
{
	p->tag_is_end = (unsigned char)is_end;
	p->tag_self_closing = 0;
	p->tag_len = 0;	/* tag_name is zero-padded by whoever writes its first byte */
	p->tag_long = 0;
	p->cur_attr = ATTR_NONE;
	p->attrs_set = 0;
	p->attrs_in_input = 0;
	p->values.len = 0;
}

static unsigned char ascii_lower(unsigned char c)
{
	return (unsigned char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

/* Before a name is written byte by byte: the padding html_tag_lookup() compares. */
static void tag_name_clear(struct mv_html_parser *p)
{
	memset(p->tag_name, 0, HTML_TAG_NAME_PAD);
}

/* One more tag name byte; past HTML_MAX_TAG_NAME the name is kept cut and flagged. */
static void tag_name_add(struct mv_html_parser *p, int c)
{
	unsigned char ch = ascii_lower((unsigned char)c);

	if (p->tag_len == HTML_MAX_TAG_NAME) {
		p->tag_long = 1;
		return;
	}
	p->tag_name[p->tag_len++] = (char)ch;
}

#ifdef SIMD_SSE2
/* Bit k set where v's byte k is a control byte or white space (<= ' '). */
static inline unsigned control_bits(simd_v v)
{
	return simd_mask(simd_in(v, 0, ' '));
}

_Static_assert(sizeof(((struct mv_html_parser *)0)->tag_name) >= 16, "tag_name takes a 16-byte store");

/* 16 bytes from index 16 - k on keep the first k bytes of a block. */
static const unsigned char keep_first[32] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

/*
 * Most tag names are whole within the next 16 bytes (all readable): one
 * look finds the end, with no loop, and stores them lowercased and
 * zero-padded into tag_name.  Returns the length, or 16 when the name does
 * not end there at a byte that ends names (the caller goes byte by byte).
 */
static inline unsigned tag_name_block(struct mv_html_parser *p, const unsigned char *s)
{
	simd_v v = simd_load(s);
	simd_v punct = simd_or(simd_eq(v, '/'), simd_eq(v, '>'));
	unsigned k = (unsigned)__builtin_ctz(control_bits(v) | simd_mask(punct) | 0x10000u);

	if (k == 16 || (byte_class[s[k]] & S_NAME) == 0)
		return 16;
	simd_store(p->tag_name, simd_and(simd_lower(v), simd_load(keep_first + 16 - k)));
	return k;
}
#endif

/* The tag name bytes from s[i] on, up to a byte that ends the name; returns its index or n. */
static inline size_t tag_name_run(struct mv_html_parser *p, const unsigned char *s, size_t i, size_t n)
{
	unsigned len = p->tag_len;

#ifdef SIMD_SSE2
	if (len == 0 && n - i >= 16) {
		unsigned k = tag_name_block(p, s + i);

		if (k < 16) {
			p->tag_len = k;
			return i + k;
		}
	}
#endif
	if (len == 0)
		tag_name_clear(p);
	for (; i < n; i++) {
		unsigned char c = name_byte[s[i]];

		if (c == 0) {
			if (s[i] != '=')
				break;
			c = '=';	/* it ends only attribute names */
		}
		if (len == HTML_MAX_TAG_NAME) {
			p->tag_long = 1;
			i = scan(s, i, n, S_NAME);
			break;
		}
		p->tag_name[len++] = (char)c;
	}
	p->tag_len = len;
	return i;
}

static void attr_begin(struct mv_html_parser *p)
{
	p->attr_len = 0;
	p->attr_long = 0;
	p->cur_attr = ATTR_NONE;
}

static void attr_name_add(struct mv_html_parser *p, int c)
{
	if (p->attr_len == HTML_MAX_ATTR_NAME) {
		p->attr_long = 1;
		return;
	}
	p->attr_name[p->attr_len++] = (char)ascii_lower((unsigned char)c);
}

/* The attribute name bytes from s[i] on, up to a byte that ends the name; returns its index or n. */
#ifdef SIMD_SSE2
_Static_assert(sizeof(((struct mv_html_parser *)0)->attr_name) >= 16, "attr_name takes a 16-byte store");

/*
 * Most attribute names are whole within the next 16 bytes (all readable):
 * one look finds the end and stores them lowercased into attr_name.  Returns
 * the length, or 16 when the name does not end there at a byte that ends
 * names (a longer name, or a control byte that is part of it).
 */
static inline unsigned attr_name_block(struct mv_html_parser *p, const unsigned char *s)
{
	simd_v v = simd_load(s);
	simd_v punct = simd_or(simd_eq(v, '/'), simd_or(simd_eq(v, '='), simd_eq(v, '>')));
	unsigned k = (unsigned)__builtin_ctz(control_bits(v) | simd_mask(punct) | 0x10000u);

	if (k == 16 || (byte_class[s[k]] & S_ANAME) == 0)
		return 16;
	simd_store(p->attr_name, simd_lower(v));
	return k;
}
#endif

static inline size_t attr_name_run(struct mv_html_parser *p, const unsigned char *s, size_t i, size_t n)
{
	unsigned len = p->attr_len;

#ifdef SIMD_SSE2
	if (len == 0 && n - i >= 16) {
		unsigned k = attr_name_block(p, s + i);

		if (k < 16) {
			p->attr_len = k;
			return i + k;
		}
	}
#endif
	for (; i < n && name_byte[s[i]] != 0; i++) {
		if (len == HTML_MAX_ATTR_NAME) {
			p->attr_long = 1;
			i = scan(s, i, n, S_ANAME);
			break;
		}
		p->attr_name[len++] = (char)name_byte[s[i]];
	}
	p->attr_len = len;
	return i;
}

_Static_assert(HTML_MAX_ATTR_NAME >= 16, "html_attr_lookup() reads 16 bytes of attr_name");

/* The name is complete: keep the value only for attributes we act on, first one wins. */
static inline void attr_name_done(struct mv_html_parser *p)
{
	int id = ATTR_NONE;

	if (!p->attr_long && !p->tag_is_end)
		id = html_attr_lookup(p->attr_name, p->attr_len);
	if (id != ATTR_NONE && (p->attrs_set & (1u << id)) == 0) {
		p->attrs_set |= 1u << id;
		p->attrs[id].direct = NULL;
		p->attrs[id].off = (uint32_t)p->values.len;
		p->attrs[id].len = 0;
		p->cur_attr = id;
	} else {
		p->cur_attr = ATTR_NONE;
	}
}

static void attr_append(struct mv_html_parser *p, const char *s, size_t n)
{
	struct html_attr_slot *slot;
	size_t before;

	if (p->cur_attr == ATTR_NONE || n == 0)
		return;
	slot = &p->attrs[p->cur_attr];
	if (n > HTML_MAX_VALUE - slot->len) {
		n = HTML_MAX_VALUE - slot->len;
		p->flags |= MV_HTML_LIMIT_VALUE;
	}
	before = p->values.len;
	mv_buf_append(&p->values, s, n);
	slot->len += (uint32_t)(p->values.len - before);
	if (p->values.len - before != n)
		p->flags |= MV_HTML_LIMIT_VALUE;
}

/*
 * The whole value of the kept attribute just begun, s[0..n) in the input:
 * referred to where it is rather than copied, when it needs no cut.
 */
static void attr_take_whole(struct mv_html_parser *p, const char *s, size_t n)
{
	struct html_attr_slot *slot = &p->attrs[p->cur_attr];

	if (n > HTML_MAX_VALUE || slot->len != 0) {
		attr_append(p, s, n);
		return;
	}
	slot->direct = s;
	slot->len = (uint32_t)n;
	p->attrs_in_input |= 1u << p->cur_attr;
}

/*
 * The input of this chunk is the caller's until it returns: the values of a
 * tag that goes on in the next chunk are copied into the arena (not into
 * values, where the value being read must stay last).
 */
static void attrs_keep(struct mv_html_parser *p)
{
	unsigned id;

	for (id = 0; id < ATTR_COUNT; id++) {
		struct html_attr_slot *slot = &p->attrs[id];
		char *copy;

		if ((p->attrs_in_input & (1u << id)) == 0 || slot->len == 0)
			continue;	/* an empty value is read as "" wherever it is */
		copy = mv_arena_alloc(p->arena, slot->len);
		if (copy == NULL) {
			slot->len = 0;
			p->flags |= MV_HTML_LIMIT_VALUE;
			continue;
		}
		memcpy(copy, slot->direct, slot->len);
		slot->direct = copy;
	}
	p->attrs_in_input = 0;
}

static void tag_emit(struct mv_html_parser *p)
{
	p->state = ST_DATA;
	p->tag_hash = html_name_hash(p->tag_name, p->tag_len);
	if (p->tag_is_end)
		html_tree_end_tag(p);
	else
		html_tree_start_tag(p);
}

static void tag_eof(struct mv_html_parser *p)
{
	/* 13.2.5.8 and following: EOF in a tag drops the tag. */
	bad(p);
	p->state = ST_EOF;
}

/* --- character references (13.2.5.72-80) --- */

static int in_attribute(const struct mv_html_parser *p)
{
	return p->return_state == ST_ATTR_VALUE_DQ || p->return_state == ST_ATTR_VALUE_SQ ||
	       p->return_state == ST_ATTR_VALUE_UNQ;
}

static void ref_out(struct mv_html_parser *p, const char *s, size_t n)
{
	/* Mostly the name was the whole reference ("&nbsp;"): no rest to pass on. */
	if (n == 0)
		return;
	if (in_attribute(p))
		attr_append(p, s, n);
	else
		html_emit_text(p, s, n);
}

static void ref_start(struct mv_html_parser *p, unsigned char return_state)
{
	p->return_state = return_state;
	p->state = ST_CHARREF;
}

/* Mail repeats the same reference (&nbsp;) many times: the last one found is tried first. */
static const struct html_entity *entity_find(struct mv_html_parser *p, const char *name, size_t len)
{
	const struct html_entity *e = p->last_entity;

	if (e != NULL && e->name_len == len && memcmp(e->name, name, len) == 0)
		return e;
	e = html_entity_find(name, len);
	if (e != NULL)
		p->last_entity = e;
	return e;
}

/*
 * The named reference in p->ref has ended at c (-1 for EOF).  Finds the
 * longest name that matches: the whole run with c == ';', else a prefix that
 * is a legacy name (those have no ';' and are at most 6 bytes).  Returns 1
 * when c was consumed (the ';' of the name).
 */
static int named_ref_end(struct mv_html_parser *p, int c)
{
	const struct html_entity *e = NULL;
	size_t k = 0;
	int semi = 0;

	if (c == ';') {
		p->ref[p->ref_len] = ';';
		e = entity_find(p, p->ref, p->ref_len + 1);
		if (e != NULL) {
			k = p->ref_len;
			semi = 1;
		}
	}
	if (e == NULL) {
		/* A legacy name (no ';') may end the reference early: "&notit;" is "¬it;". */
		e = html_entity_find_legacy(p->ref, p->ref_len);
		k = e != NULL ? e->name_len : 0;
	}
	if (e != NULL && !semi && in_attribute(p)) {
		/* 13.2.5.73: in attributes, "&amp=" and "&ampx" stay as written. */
		int next = k < p->ref_len ? (unsigned char)p->ref[k] : c;

		if (next == '=' || is_alpha(next) || is_digit(next))
			e = NULL;
	}
	if (e == NULL) {
		ref_out(p, "&", 1);
		ref_out(p, p->ref, p->ref_len);
		return 0;
	}
	if (!semi)
		bad(p);
	ref_out(p, e->value, e->value_len);
	ref_out(p, p->ref + k, p->ref_len - k);
	return semi;
}

#ifdef SIMD_SSE2
_Static_assert(sizeof(((struct mv_html_parser *)0)->ref) >= 16, "ref takes a 16-byte store");

/*
 * Most reference names are whole within the next 16 bytes (all readable):
 * one look finds their end and stores them into p->ref.  Returns the
 * length, or 16 when the name does not end there.
 */
static inline unsigned ref_name_block(struct mv_html_parser *p, const unsigned char *s)
{
	simd_v v = simd_load(s);
	simd_v letter = simd_in(simd_or(v, simd_splat(0x20)), 'a', 'z');
	unsigned alnum = simd_mask(simd_or(letter, simd_in(v, '0', '9')));

	simd_store(p->ref, v);
	return (unsigned)__builtin_ctz(~alnum);
}
#endif

/* The alphanumerics of a reference name from s[i] on (13.2.5.73); returns the index of the byte after. */
static size_t ref_name_run(struct mv_html_parser *p, const unsigned char *s, size_t i, size_t n)
{
#ifdef SIMD_SSE2
	if (p->ref_len == 0 && n - i >= 16) {
		unsigned k = ref_name_block(p, s + i);

		if (k < 16) {
			p->ref_len = k;
			return i + k;
		}
	}
#endif
	while (i < n && (is_alpha(s[i]) || is_digit(s[i])) && p->ref_len < HTML_MAX_REF)
		p->ref[p->ref_len++] = (char)s[i++];
	return i;
}

static void numeric_ref_end(struct mv_html_parser *p)
{
	char out[4];
	uint32_t cp = html_numeric_ref_map(p->ref_cp);

	ref_out(p, out, mv_utf8_encode(out, cp));
}


/* --- the states, one byte (or EOF as -1) at a time; returns 0 to reconsume c --- */

static int step(struct mv_html_parser *p, int c)
{
	switch (p->state) {
	case ST_DATA:
		if (c < 0)
			p->state = ST_EOF;
		else if (c == '<')
			p->state = ST_TAG_OPEN;
		else if (c == '&')
			ref_start(p, ST_DATA);
		else if (c != 0) {	/* the tree builder drops NUL in body text */
			char ch = (char)c;

			html_emit_text(p, &ch, 1);
		}
		return 1;
	case ST_RCDATA:
	case ST_RAWTEXT:
	case ST_PLAINTEXT:
		if (c < 0)
			p->state = ST_EOF;
		else if (c == '<' && p->state != ST_PLAINTEXT)
			p->state = ST_RAW_LT;
		else if (c == '&' && p->state == ST_RCDATA)
			ref_start(p, ST_RCDATA);
		else if (c == 0)
			emit_cstr(p, replacement);
		else {
			char ch = (char)c;

			html_emit_text(p, &ch, 1);
		}
		return 1;
	case ST_TAG_OPEN:
		/* lex_tag() takes every byte in the tag states; step() sees only their EOF. */
		bad(p);
		emit_cstr(p, "<");
		p->state = ST_DATA;
		return 0;
	case ST_END_TAG_OPEN:
		bad(p);
		emit_cstr(p, "</");
		p->state = ST_DATA;
		return 0;
	case ST_TAG_NAME:
	case ST_BEFORE_ATTR_NAME:
	case ST_ATTR_NAME:
	case ST_AFTER_ATTR_NAME:
	case ST_BEFORE_ATTR_VALUE:
	case ST_ATTR_VALUE_DQ:
	case ST_ATTR_VALUE_SQ:
	case ST_ATTR_VALUE_UNQ:
	case ST_AFTER_ATTR_VALUE_Q:
	case ST_SELF_CLOSING:
		tag_eof(p);
		return 1;
	case ST_RAW_LT:
		if (c == '/') {
			p->raw_len = 0;
			p->state = ST_RAW_END_OPEN;
			return 1;
		}
		emit_cstr(p, "<");
		p->state = p->raw_state;
		return 0;
	case ST_RAW_END_OPEN:
		if (is_alpha(c)) {
			tag_begin(p, 1);
			tag_name_clear(p);
			p->state = ST_RAW_END_NAME;
			return 0;
		}
		emit_cstr(p, "</");
		p->state = p->raw_state;
		return 0;
	case ST_RAW_END_NAME:
		if (is_alpha(c) && p->raw_len < HTML_MAX_RAW_NAME) {
			p->raw_name[p->raw_len++] = mv_ascii_lower((char)c);
			tag_name_add(p, c);
			return 1;
		}
		if ((is_space(c) || c == '/' || c == '>') && p->raw_tag != NULL &&
		    strlen(p->raw_tag) == p->raw_len && memcmp(p->raw_tag, p->raw_name, p->raw_len) == 0) {
			/* An appropriate end tag (13.2.5.11). */
			if (c == '>')
				tag_emit(p);
			else
				p->state = c == '/' ? ST_SELF_CLOSING : ST_BEFORE_ATTR_NAME;
			return 1;
		}
		emit_cstr(p, "</");
		html_emit_text(p, p->raw_name, p->raw_len);
		p->state = p->raw_state;
		return 0;
	case ST_MDO:
		/* 13.2.5.42: only "--" matters; DOCTYPE and CDATA end at '>' like a bogus comment. */
		if (c == '-') {
			p->state = ST_MDO_DASH;
			return 1;
		}
		p->state = ST_BOGUS_COMMENT;
		return 0;
	case ST_MDO_DASH:
		if (c == '-') {
			p->state = ST_COMMENT_START;
			return 1;
		}
		bad(p);
		p->state = ST_BOGUS_COMMENT;
		return 0;
	case ST_BOGUS_COMMENT:
		if (c < 0)
			p->state = ST_EOF;
		else if (c == '>')
			p->state = ST_DATA;
		return 1;
	case ST_COMMENT_START:
	case ST_COMMENT_START_DASH:
		if (c == '-') {
			p->state = p->state == ST_COMMENT_START ? ST_COMMENT_START_DASH : ST_COMMENT_END;
			return 1;
		}
		if (c == '>') {
			/* "<!-->" and "<!--->" (abrupt-closing-of-empty-comment) */
			bad(p);
			p->state = ST_DATA;
			return 1;
		}
		p->state = ST_COMMENT;
		return 0;
	case ST_COMMENT:
		if (c < 0) {
			bad(p);
			p->state = ST_EOF;
		} else if (c == '-') {
			p->state = ST_COMMENT_END_DASH;
		}
		return 1;
	case ST_COMMENT_END_DASH:
		if (c == '-') {
			p->state = ST_COMMENT_END;
			return 1;
		}
		p->state = ST_COMMENT;
		return 0;
	case ST_COMMENT_END:
		if (c == '>')
			p->state = ST_DATA;
		else if (c == '!')
			p->state = ST_COMMENT_END_BANG;
		else if (c != '-') {
			p->state = ST_COMMENT;
			return 0;
		}
		return 1;
	case ST_COMMENT_END_BANG:
		if (c == '-') {
			p->state = ST_COMMENT_END_DASH;
			return 1;
		}
		if (c == '>') {
			bad(p);	/* "--!>" (incorrectly-closed-comment) still closes it */
			p->state = ST_DATA;
			return 1;
		}
		p->state = ST_COMMENT;
		return 0;
	case ST_CHARREF:
		if (is_alpha(c) || is_digit(c)) {
			p->ref_len = 0;
			p->state = ST_NAMED_REF;
			return 0;
		}
		if (c == '#') {
			p->state = ST_NUMERIC_REF;
			return 1;
		}
		ref_out(p, "&", 1);
		p->state = p->return_state;
		return 0;
	case ST_NAMED_REF:
		if ((is_alpha(c) || is_digit(c)) && p->ref_len < HTML_MAX_REF) {
			p->ref[p->ref_len++] = (char)c;
			return 1;
		}
		p->state = p->return_state;
		return named_ref_end(p, c);
	case ST_NUMERIC_REF:
		p->ref_cp = 0;
		if (c == 'x' || c == 'X') {
			p->ref[0] = (char)c;
			p->state = ST_HEX_START;
			return 1;
		}
		p->state = ST_DEC_START;
		return 0;
	case ST_HEX_START:
	case ST_DEC_START:
		if (p->state == ST_HEX_START ? mv_hex_value(c) >= 0 : is_digit(c)) {
			p->state = p->state == ST_HEX_START ? ST_HEX : ST_DEC;
			return 0;
		}
		bad(p);
		ref_out(p, "&#", 2);
		if (p->state == ST_HEX_START)
			ref_out(p, p->ref, 1);
		p->state = p->return_state;
		return 0;
	case ST_HEX:
	case ST_DEC: {
		int v = p->state == ST_HEX ? mv_hex_value(c) : (is_digit(c) ? c - '0' : -1);

		if (v >= 0) {
			uint32_t base = p->state == ST_HEX ? 16 : 10;

			/* Saturate: anything past 0x10FFFF maps to U+FFFD anyway. */
			p->ref_cp = p->ref_cp > 0x10FFFF ? 0x110000 : p->ref_cp * base + (uint32_t)v;
			return 1;
		}
		numeric_ref_end(p);
		p->state = p->return_state;
		if (c == ';')
			return 1;
		bad(p);
		return 0;
	}
	case ST_EOF:
	default:
		return 1;
	}
}

/*
 * The states of a tag, from '<' to '>' (13.2.5.6-8 and 13.2.5.32-40), for
 * bytes of input; their EOF rules are in step().  Tags are most of mail
 * HTML, so names and values go by runs and the states follow each other
 * here without a trip through run().  Returns the index of the first byte
 * not taken: the end of the input, or one past the tag's '>', or a byte for
 * another state (markup declaration, bogus comment, character reference).
 */
static size_t lex_tag(struct mv_html_parser *p, const unsigned char *s, size_t i, size_t n)
{
	size_t j;
	int c;

	while (i < n) {
		c = s[i];
		switch (p->state) {
		case ST_END_TAG_OPEN:
			if (is_alpha(c)) {
				tag_begin(p, 1);
				p->state = ST_TAG_NAME;
				break;
			}
			bad(p);
			if (c == '>') {
				p->state = ST_DATA;
				return i + 1;
			}
			p->state = ST_BOGUS_COMMENT;
			return i;
		case ST_TAG_OPEN:
			if (c == '/') {
				/* "</" opens an end tag when a letter follows */
				p->state = ST_END_TAG_OPEN;
				if (++i == n)
					return n;
				c = s[i];
				if (!is_alpha(c))
					break;
				tag_begin(p, 1);
			} else if (is_alpha(c)) {
				tag_begin(p, 0);
			} else if (c == '!') {
				p->state = ST_MDO;
				return i + 1;
			} else {
				bad(p);
				if (c == '?') {
					p->state = ST_BOGUS_COMMENT;
					return i;
				}
				emit_cstr(p, "<");
				p->state = ST_DATA;
				return i;
			}
			p->state = ST_TAG_NAME;
			/* fall through */
		case ST_TAG_NAME:
			i = tag_name_run(p, s, i, n);
			if (i == n)
				return n;
			c = s[i++];
			if (c == '>')
				return tag_emit(p), i;
			if (c == '/') {
				p->state = ST_SELF_CLOSING;
				if (i < n && s[i] == '>')
					return p->tag_self_closing = 1, tag_emit(p), i + 1;
				break;
			}
			if (!is_space(c)) {
				tag_name_add(p, c);	/* NUL */
				break;
			}
			p->state = ST_BEFORE_ATTR_NAME;
			/* fall through */
		case ST_BEFORE_ATTR_NAME:
		before_attr_name:
			i = skip_space(s, i, n);
			if (i == n)
				return n;
			c = s[i];
			if (c == '>')
				return tag_emit(p), i + 1;	/* through ST_AFTER_ATTR_NAME */
			if (c == '/') {
				if (n - i >= 2 && s[i + 1] == '>')	/* through ST_SELF_CLOSING */
					return p->tag_self_closing = 1, tag_emit(p), i + 2;
				p->state = ST_AFTER_ATTR_NAME;
				break;
			}
			attr_begin(p);
			p->state = ST_ATTR_NAME;
			if (c == '=') {
				bad(p);
				attr_name_add(p, c);
				i++;
			}
			/* fall through */
		case ST_ATTR_NAME:
			i = attr_name_run(p, s, i, n);
			if (i == n)
				return n;
			c = s[i];
			if (c != '=') {
				if (is_space(c) || c == '/' || c == '>') {
					attr_name_done(p);
					p->state = ST_AFTER_ATTR_NAME;
				} else {
					attr_name_add(p, c);	/* NUL */
					i++;
				}
				break;
			}
			attr_name_done(p);
			p->state = ST_BEFORE_ATTR_VALUE;
			i++;
			/* fall through */
		case ST_BEFORE_ATTR_VALUE:
			i = skip_space(s, i, n);
			if (i == n)
				return n;
			c = s[i];
			if (c == '"') {
				p->state = ST_ATTR_VALUE_DQ;
			} else if (c == '\'') {
				p->state = ST_ATTR_VALUE_SQ;
			} else if (c == '>') {
				bad(p);
				return tag_emit(p), i + 1;
			} else {
				p->state = ST_ATTR_VALUE_UNQ;
				break;
			}
			i++;
			/* fall through */
		case ST_ATTR_VALUE_DQ:
		case ST_ATTR_VALUE_SQ:
			c = p->state == ST_ATTR_VALUE_DQ ? '"' : '\'';
			j = find_stop(s, i, n, (unsigned char)c, '&');
			attr_append(p, (const char *)s + i, j - i);
			if (j == n)
				return n;
			i = j + 1;
			if (s[j] == '&') {
				ref_start(p, p->state);
				return i;
			}
			if (s[j] != c) {
				attr_append(p, replacement, 3);	/* NUL */
				break;
			}
			p->state = ST_AFTER_ATTR_VALUE_Q;
			if (i == n)
				return n;
			c = s[i];
			/* fall through */
		case ST_AFTER_ATTR_VALUE_Q:
		case ST_SELF_CLOSING:
			if (c == '>') {
				if (p->state == ST_SELF_CLOSING)
					p->tag_self_closing = 1;
				return tag_emit(p), i + 1;
			}
			if (p->state == ST_AFTER_ATTR_VALUE_Q && is_space(c)) {
				p->state = ST_BEFORE_ATTR_NAME;
				i++;
				goto before_attr_name;	/* the usual next attribute, with no dispatch */
			}
			if (p->state == ST_AFTER_ATTR_VALUE_Q && c == '/') {
				p->state = ST_SELF_CLOSING;
				i++;
				break;
			}
			bad(p);
			p->state = ST_BEFORE_ATTR_NAME;
			break;
		case ST_AFTER_ATTR_NAME:
			if (c == '>')
				return tag_emit(p), i + 1;
			if (is_space(c)) {
				i++;
			} else if (c == '/') {
				p->state = ST_SELF_CLOSING;
				i++;
			} else if (c == '=') {
				p->state = ST_BEFORE_ATTR_VALUE;
				i++;
			} else {
				attr_begin(p);
				p->state = ST_ATTR_NAME;
			}
			break;
		case ST_ATTR_VALUE_UNQ:
			j = scan(s, i, n, S_UNQ);
			attr_append(p, (const char *)s + i, j - i);
			if (j == n)
				return n;
			i = j + 1;
			c = s[j];
			if (is_space(c)) {
				p->state = ST_BEFORE_ATTR_NAME;
				goto before_attr_name;
			}
			if (c == '&') {
				ref_start(p, ST_ATTR_VALUE_UNQ);
				return i;
			}
			if (c == '>')
				return tag_emit(p), i;
			attr_append(p, replacement, 3);	/* NUL */
			break;
		default:
			return i;
		}
	}
	return i;
}

/*
 * The end of the comment body from s[i]: a '-' and a byte that is not '-'
 * leave the comment as it was (13.2.5.45, 13.2.5.50), so only "--", or a '-'
 * at the end of the input, is left for step().
 */
static size_t comment_run(const unsigned char *s, size_t i, size_t n)
{
	const unsigned char *z;

	while ((z = memchr(s + i, '-', n - i)) != NULL) {
		i = (size_t)(z - s) + 1;
		if (i == n || s[i] == '-')
			return i - 1;
		i++;
	}
	return n;
}

/*
 * The common shape of a whole tag, from just past its '<': a letter starts
 * the name, each attribute is a name with a quoted or unquoted value after
 * '=' or with none, white space parts them, and '>' or "/>" ends the tag.
 * The steps are lex_tag()'s, with no dispatch on the state between them; at
 * anything else (the end of the input, a markup declaration, a character
 * reference, NUL, a parse error) p->state is the state lex_tag() goes on
 * from.  Returns the index of
 * the first byte not taken.
 */
static size_t lex_tag_fast(struct mv_html_parser *p, const unsigned char *s, size_t i, size_t n)
{
	unsigned char c;
	size_t j;

	p->state = ST_TAG_OPEN;
	if (n - i < 2)
		return i;
	c = s[i];
	if (c == '/') {
		/* An end tag: its own path, so that no later branch asks again which kind it is. */
		if (!is_alpha(s[i + 1]))
			return i;
		tag_begin(p, 1);
		p->state = ST_TAG_NAME;
		i = tag_name_run(p, s, i + 1, n);
		if (i == n || s[i] != '>')
			return i;	/* the input ends, or attributes (which end tags ignore) */
		p->state = ST_DATA;
		p->tag_hash = html_name_hash(p->tag_name, p->tag_len);
		html_tree_end_tag(p);
		return i + 1;
	}
	if (!is_alpha(c))
		return i;
	tag_begin(p, 0);
	p->state = ST_TAG_NAME;
	i = tag_name_run(p, s, i, n);
	if (i == n)
		return n;
	c = s[i];
	if (c == '>')
		return tag_emit(p), i + 1;
	if (!is_space(c))
		return i;
	p->state = ST_BEFORE_ATTR_NAME;
	for (;;) {
		/* s[i] is white space before an attribute name (13.2.5.32) */
		i = skip_space(s, i + 1, n);
		if (i == n)
			return n;
		c = s[i];
		if (c == '>')
			return tag_emit(p), i + 1;
		if (c == '/' || c == '=')
			return i;
		do {
			attr_begin(p);
			p->state = ST_ATTR_NAME;
			i = attr_name_run(p, s, i, n);
			if (i == n)
				return n;
			c = s[i];
			if (c != '=' && !is_space(c) && c != '>')
				return i;
			attr_name_done(p);
			if (c == '>')
				return tag_emit(p), i + 1;
			if (c == '=')
				break;
			/* An attribute with no value: another name may follow. */
			p->state = ST_AFTER_ATTR_NAME;
			i = skip_space(s, i + 1, n);
			if (i == n)
				return n;
			c = s[i];
			if (c == '>')
				return tag_emit(p), i + 1;
			if (c == '/' || c == '=')
				return i;
		} while (1);
		i++;
		p->state = ST_BEFORE_ATTR_VALUE;
		if (i == n)
			return n;
		c = s[i];
		if (c == '"' || c == '\'') {
			p->state = c == '"' ? ST_ATTR_VALUE_DQ : ST_ATTR_VALUE_SQ;
			j = find_stop(s, ++i, n, c, '&');
			if (j == n || s[j] != c) {
				if (p->cur_attr != ATTR_NONE)
					attr_append(p, (const char *)s + i, j - i);
				return j;	/* '&' or NUL */
			}
			if (p->cur_attr != ATTR_NONE)
				attr_take_whole(p, (const char *)s + i, j - i);
			i = j + 1;
			p->state = ST_AFTER_ATTR_VALUE_Q;
			if (i == n)
				return n;
			c = s[i];
			if (c == '>')
				return tag_emit(p), i + 1;
			if (!is_space(c))
				return i;
		} else {
			if (is_space(c) || c == '>')
				return i;
			p->state = ST_ATTR_VALUE_UNQ;
			j = scan(s, i, n, S_UNQ);
			if (p->cur_attr != ATTR_NONE) {
				if (j < n && (s[j] == '>' || is_space(s[j])))
					attr_take_whole(p, (const char *)s + i, j - i);
				else
					attr_append(p, (const char *)s + i, j - i);
			}
			if (j == n)
				return n;
			c = s[j];
			if (c == '>')
				return tag_emit(p), j + 1;
			if (!is_space(c))
				return j;	/* '&' or NUL */
			i = j;
		}
		p->state = ST_BEFORE_ATTR_NAME;
	}
}

/* The end of the plain text from s[i] in a text state: the next byte step() must see, or n. */
static size_t text_end(int state, const unsigned char *s, size_t i, size_t n)
{
	const unsigned char *z;

	switch (state) {
	case ST_DATA:
	case ST_RCDATA:
		return find_stop(s, i, n, '<', '&');
	case ST_RAWTEXT:
		return find_stop(s, i, n, '<', '<');
	default:	/* ST_PLAINTEXT */
		z = memchr(s + i, 0, n - i);
		return z != NULL ? (size_t)(z - s) : n;
	}
}

/*
 * Takes the run of bytes from i that the current state passes over whole
 * (text, attribute values, names, comment bodies) and returns the index of
 * the next byte that step() must see, or n.
 */
static size_t run_bulk(struct mv_html_parser *p, const unsigned char *s, size_t i, size_t n)
{
	const unsigned char *z;
	size_t j;

	for (;;) {
		switch (p->state) {
		case ST_DATA:
		case ST_RCDATA:
		case ST_RAWTEXT:
		case ST_PLAINTEXT:
		text:
			/* Tags often follow each other with no text between: no scan then. */
			j = s[i] == '<' && p->state != ST_PLAINTEXT ? i : text_end(p->state, s, i, n);
			/* The run [i, j) is plain text; a tag that starts at j is lexed at once. */
			if (j > i) {
				if (all_space(s, i, j, n))
					html_emit_space(p);
				else
					html_emit_text_in(p, (const char *)s + i, j - i, n - i);
			}
			if (j == n)
				return n;
			if (s[j] == '&' && (p->state == ST_DATA || p->state == ST_RCDATA)) {
				ref_start(p, p->state);
				return j + 1;
			}
			if (s[j] != '<' || p->state != ST_DATA)
				return j;
			i = lex_tag_fast(p, s, j + 1, n);
			if (is_text_state(p->state)) {
				if (i == n)
					return n;
				goto text;	/* the tag is done: on to the text after it */
			}
			/* fall through - lex_tag() takes the rest of an unusual tag */
		case ST_TAG_OPEN:
		case ST_END_TAG_OPEN:
		case ST_TAG_NAME:
		case ST_BEFORE_ATTR_NAME:
		case ST_ATTR_NAME:
		case ST_AFTER_ATTR_NAME:
		case ST_BEFORE_ATTR_VALUE:
		case ST_ATTR_VALUE_DQ:
		case ST_ATTR_VALUE_SQ:
		case ST_ATTR_VALUE_UNQ:
		case ST_AFTER_ATTR_VALUE_Q:
		case ST_SELF_CLOSING:
			i = lex_tag(p, s, i, n);
			if (i == n || !is_text_state(p->state))
				return i;
			break;	/* the tag is done: on to the text after it */
		case ST_COMMENT:
			return comment_run(s, i, n);
		case ST_NAMED_REF:
			/* The name of a reference, up to the byte step() ends it with. */
			return ref_name_run(p, s, i, n);
		case ST_BOGUS_COMMENT:
			z = memchr(s + i, '>', n - i);
			return z != NULL ? (size_t)(z - s) : n;
		case ST_EOF:
			return n;
		default:
			return i;
		}
	}
}

/*
 * Runs the machine over s[0..n), then, when eof is set, to the end of the
 * document (each state's EOF rule is its step() with -1).  step() has this
 * one caller, so the compiler can inline it into the loop.
 */
static void run(struct mv_html_parser *p, const unsigned char *s, size_t n, int eof)
{
	size_t i = 0;
	int c;

	for (;;) {
		if (i < n)
			i = run_bulk(p, s, i, n);
		if (i < n)
			c = s[i];
		else if (eof && p->state != ST_EOF)
			c = -1;
		else
			return;
		if (step(p, c) && c >= 0)
			i++;
	}
}

/* --- the public interface --- */

struct mv_html_parser *mv_html_parser_new(mv_arena *arena, size_t max_bytes, unsigned max_items)
{
	struct mv_html_parser *p;

	html_tags_init();
	html_entities_init();
	p = mv_arena_alloc(arena, sizeof(*p));
	if (p == NULL)
		return NULL;
	memset(p, 0, offsetof(struct mv_html_parser, stack));
	memset(&p->stack[0], 0, sizeof(p->stack[0]));
	p->arena = arena;
	p->max_bytes = max_bytes != 0 ? max_bytes : ((size_t)4 << 20);
	p->max_items = max_items != 0 ? max_items : 1000u;
	p->state = ST_DATA;
	p->cur_attr = ATTR_NONE;
	mv_buf_init(&p->values, arena, HTML_MAX_VALUES);
	html_collect_init(&p->text, arena, p->max_bytes);
	html_collect_init(&p->hidden, arena, p->max_bytes);
	html_collect_init(&p->title, arena, HTML_MAX_VALUE);
	html_collect_init(&p->atext, arena, HTML_MAX_VALUE);
	html_collect_init(&p->aalt, arena, HTML_MAX_VALUE);
	p->anchor_link = -1;
	p->stack[0].fg = HTML_COLOR_UNSET;
	p->stack[0].bg = HTML_COLOR_UNSET;
	p->stack[0].flags = TF_SCOPE | TF_SPECIAL;
	p->stack[0].sink = SINK_VISIBLE;
	p->depth = 1;
	p->sink = SINK_VISIBLE;
	return p;
}

int mv_html_parser_feed(struct mv_html_parser *p, const char *data, size_t len)
{
	if (p->done || p->fed >= p->max_bytes) {
		if (len != 0 && !p->done)
			p->flags |= MV_HTML_TRUNCATED;
		return mv_arena_exhausted(p->arena) ? -1 : 0;
	}
	if (len > p->max_bytes - p->fed) {
		len = p->max_bytes - p->fed;
		p->flags |= MV_HTML_TRUNCATED;
	}
	p->fed += len;
	run(p, (const unsigned char *)data, len, 0);
	if (p->attrs_in_input != 0) {
		/* Only a tag still open needs its values; the last complete one's are spent. */
		if (!is_text_state(p->state))
			attrs_keep(p);
		p->attrs_in_input = 0;
	}
	return mv_arena_exhausted(p->arena) ? -1 : 0;
}

int mv_html_parser_finish(struct mv_html_parser *p, struct mv_html_result *result)
{
	if (!p->done) {
		run(p, NULL, 0, 1);
		html_tree_eof(p);
		p->done = 1;
	}
	html_result_fill(p, result);
	return mv_arena_exhausted(p->arena) ? -1 : 0;
}

int mv_html_parse(mv_arena *arena, mv_str html, size_t max_bytes, unsigned max_items,
		  struct mv_html_result *result)
{
	struct mv_html_parser *p = mv_html_parser_new(arena, max_bytes, max_items);
	int ret;

	if (p == NULL) {
		memset(result, 0, sizeof(*result));
		result->text = MV_STR_LIT("");
		result->hidden_text = MV_STR_LIT("");
		result->title = MV_STR_LIT("");
		result->base_href = MV_STR_LIT("");
		return -1;
	}
	ret = mv_html_parser_feed(p, html.p, html.len);
	if (mv_html_parser_finish(p, result) != 0)
		ret = -1;
	return ret;
}
