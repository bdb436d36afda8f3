/*
 * HTML as a mail reader sees it.  A streaming tokenizer that follows the WHATWG
 * HTML tokenizer state machine for what mail needs, with no DOM tree: visible
 * text (character references decoded; script, style, head/title, template
 * content and comments dropped), anchors (href and the visible text inside
 * them), images, forms and their actions, <base href>, and text a reader
 * cannot see (display:none, visibility:hidden, font-size 0 or 1px, the
 * `hidden` attribute, text whose colour equals its background, opacity 0).
 *
 * Input is UTF-8 (the caller converts the part's charset first).  Data may be
 * fed in chunks of any size, split anywhere, and the result is the same as when
 * the whole document is fed at once.  Everything the tokenizer keeps is bounded
 * by max_bytes; past it the rest is skipped and MV_HTML_TRUNCATED is set.
 */
#ifndef MAILVET_HTML_H
#define MAILVET_HTML_H

#include <stddef.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"

#pragma GCC visibility push(default)

enum mv_html_flag {
	MV_HTML_TRUNCATED = 1u << 0,	/* max_bytes reached: the rest was not tokenized */
	MV_HTML_HIDDEN_TEXT = 1u << 1,	/* some non-blank text is hidden from the reader */
	MV_HTML_HAS_SCRIPT = 1u << 2,
	MV_HTML_HAS_FORM = 1u << 3,
	MV_HTML_HAS_IFRAME = 1u << 4,
	MV_HTML_HAS_OBJECT = 1u << 5,	/* object, embed, applet */
	MV_HTML_META_REFRESH = 1u << 6,	/* <meta http-equiv=refresh> (its URL is a link too) */
	MV_HTML_LIMIT_LINKS = 1u << 7,	/* more anchors/images/forms than max_items */
	MV_HTML_BAD_SYNTAX = 1u << 8,	/* a tokenizer parse error was seen (unclosed tag, EOF in tag...) */
	MV_HTML_LIMIT_VALUE = 1u << 9,	/* an attribute value (64 KiB) or a text result was cut at its ceiling */
};

enum mv_html_link_kind {
	MV_HTML_LINK_ANCHOR,	/* <a href>, <area href> */
	MV_HTML_LINK_IMAGE,	/* <img src>, background= */
	MV_HTML_LINK_FORM,	/* <form action> */
	MV_HTML_LINK_OTHER,	/* iframe src, meta refresh url, link href, ... */
};

struct mv_html_link {
	enum mv_html_link_kind kind;
	mv_str href;	/* attribute value, character references decoded, trimmed; arena */
	mv_str text;	/* anchors: visible text inside, white space collapsed; images: alt; arena */
	unsigned hidden : 1;	/* the element sits inside hidden content */
	unsigned post : 1;	/* forms: method=post (a search box gets; what a form posts is kept) */
};

struct mv_html_result {
	mv_str text;		/* visible text, white space collapsed, block breaks as '\n'; arena, NUL-terminated */
	mv_str hidden_text;	/* text that was present but hidden; arena */
	mv_str title;		/* <title> text */
	mv_str base_href;	/* the first <base href>, empty if none */
	struct mv_html_link *links;	/* in document order */
	unsigned n_links;
	unsigned n_tags;	/* start tags seen */
	unsigned flags;		/* enum mv_html_flag */
};

struct mv_html_parser;

/* max_bytes: ceiling on input tokenized; max_items: on links kept (0 = defaults 4 MiB, 1000). */
struct mv_html_parser *mv_html_parser_new(mv_arena *arena, size_t max_bytes, unsigned max_items);
/* Returns 0, or -1 when the arena is exhausted (the result so far is still usable). */
int mv_html_parser_feed(struct mv_html_parser *parser, const char *data, size_t len);
/* Ends the document (EOF handling per WHATWG) and fills *result; the parser is then spent. */
int mv_html_parser_finish(struct mv_html_parser *parser, struct mv_html_result *result);

/* One-shot convenience: new + feed + finish. */
int mv_html_parse(mv_arena *arena, mv_str html, size_t max_bytes, unsigned max_items,
		  struct mv_html_result *result);

#pragma GCC visibility pop

#endif
