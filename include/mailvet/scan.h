/*
 * The scan: what mailvet says about one message.  mv_scan() runs every check
 * on a parsed message and fills a report: symbols (named findings with a score
 * and a plain-words detail), the links the reader would follow, the Received
 * hops, the total score and the action.  Everything in the report lives in the
 * message's arena and is released with it.
 */
#ifndef MAILVET_SCAN_H
#define MAILVET_SCAN_H

#include "mailvet/hdr.h"
#include "mailvet/html.h"
#include "mailvet/msg.h"
#include "mailvet/url.h"

enum mv_action {
	MV_ACTION_ACCEPT,
	MV_ACTION_TAG,
	MV_ACTION_QUARANTINE,
	MV_ACTION_REJECT,
};

const char *mv_action_name(enum mv_action action);

/* Every symbol mailvet can report; docs/symbols.md documents each one. */
enum mv_symbol_id {
	MV_SYM_HEADER_COUNT_LIMIT,
	MV_SYM_HEADER_SIZE_LIMIT,
	MV_SYM_HEADER_VALUE_LIMIT,
	MV_SYM_HEADER_SYNTAX,
	MV_SYM_HEADER_8BIT,
	MV_SYM_NO_HEADERS,
	MV_SYM_DUPLICATE_HEADER,
	MV_SYM_MISSING_FROM,
	MV_SYM_MISSING_DATE,
	MV_SYM_MISSING_MESSAGE_ID,
	MV_SYM_BAD_DATE,
	MV_SYM_MIXED_LINE_ENDS,
	MV_SYM_NUL_BYTES,
	MV_SYM_MIME_DEPTH_LIMIT,
	MV_SYM_MIME_PART_LIMIT,
	MV_SYM_MIME_NO_BOUNDARY,
	MV_SYM_MIME_BOUNDARY_MISSING,
	MV_SYM_MIME_UNCLOSED,
	MV_SYM_MIME_BAD_CONTENT_TYPE,
	MV_SYM_MIME_BAD_BASE64,
	MV_SYM_MIME_BAD_QP,
	MV_SYM_MIME_BAD_UUENCODE,
	MV_SYM_MIME_UNKNOWN_ENCODING,
	MV_SYM_CHARSET_UNKNOWN,
	MV_SYM_CHARSET_BAD_DATA,
	MV_SYM_DECODED_LIMIT,
	MV_SYM_MESSAGE_SIZE_LIMIT,
	MV_SYM_MEMORY_LIMIT,
	MV_SYM_HTML_ONLY,
	MV_SYM_HTML_HIDDEN_TEXT,
	MV_SYM_HTML_SCRIPT,
	MV_SYM_HTML_FORM,
	MV_SYM_HTML_IFRAME,
	MV_SYM_HTML_OBJECT,
	MV_SYM_HTML_META_REFRESH,
	MV_SYM_HTML_LIMIT,
	MV_SYM_URL_LIMIT,
	MV_SYM_COUNT
};

struct mv_symbol_def {
	const char *name;
	double score;
	const char *description;	/* one line, plain words */
};

/* The registry, indexed by enum mv_symbol_id. */
const struct mv_symbol_def *mv_symbol_def(enum mv_symbol_id id);

struct mv_symbol {
	enum mv_symbol_id id;
	const char *name;
	double score;
	mv_str detail;		/* arena */
};

enum mv_link_source {
	MV_LINK_TEXT,		/* found in a plain-text part */
	MV_LINK_HTML_ANCHOR,
	MV_LINK_HTML_IMAGE,
	MV_LINK_HTML_FORM,
	MV_LINK_HTML_OTHER,
};

struct mv_link {
	enum mv_link_source source;
	unsigned part_id;
	mv_str text;		/* what the reader sees: anchor text, or the URL as written in text */
	mv_str href;		/* as written (HTML: after <base> resolution in url.normalized) */
	struct mv_url url;	/* parsed and normalized; url.flags has MV_URL_BAD when unusable */
	bool hidden;		/* inside hidden HTML */
};

struct mv_scan_config {
	double tag_score;		/* default 5 */
	double quarantine_score;	/* default 10 */
	double reject_score;		/* default 15 */
};

void mv_scan_config_defaults(struct mv_scan_config *config);

struct mv_report {
	struct mv_msg *msg;
	struct mv_symbol *symbols;
	unsigned n_symbols, symbols_cap;
	struct mv_link *links;
	unsigned n_links, links_cap;
	struct mv_received *received;	/* in header order: newest hop first */
	unsigned n_received;
	mv_str message_id;
	int64_t date;			/* Date field, seconds since the epoch; 0 when absent/unreadable */
	bool date_valid;
	unsigned html_flags;		/* union of enum mv_html_flag over HTML parts */
	double score;
	enum mv_action action;
};

/*
 * Scans a parsed message.  `config` may be NULL (defaults).  Returns 0, or -1
 * when the arena is exhausted (the report then holds what was done and a
 * MEMORY_LIMIT symbol).
 */
int mv_scan(struct mv_msg *msg, const struct mv_scan_config *config, struct mv_report *report);

/* Adds a symbol with a printf-style detail. */
int mv_report_add(struct mv_report *report, enum mv_symbol_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
