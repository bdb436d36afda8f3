/*
 * The scan: what mailvet says about one message.  mv_scan() runs every check
 * of the engine (engine.h) on a parsed message and fills a report: symbols
 * (named findings with a score and a plain-words detail), the links the reader
 * would follow, the Received hops, the envelope, the total score and the
 * action.  Everything in the report lives in the message's arena and is
 * released with it; names and groups of symbols, and a few constant strings,
 * belong to the engine that made the report, so keep a reference to the
 * engine until the report is written.
 */
#ifndef MAILVET_SCAN_H
#define MAILVET_SCAN_H

#include "mailvet/auth.h"
#include "mailvet/status.h"
#include "mailvet/hdr.h"
#include "mailvet/html.h"
#include "mailvet/msg.h"
#include "mailvet/url.h"
#include "mailvet/engine.h"
#include "mailvet/envelope.h"

#pragma GCC visibility push(default)

enum mv_action {
	MV_ACTION_ACCEPT,
	MV_ACTION_TAG,
	MV_ACTION_QUARANTINE,
	MV_ACTION_REJECT,
};

const char *mv_action_name(enum mv_action action);

/*
 * One symbol in a report: a named finding with its score (from the
 * configuration; may be negative), a plain-words detail (the first one a
 * check gave) and options (one per DKIM signature, per link, ...).
 * docs/symbols.md documents every name.
 */
struct mv_symbol {
	const char *name;
	const char *group;
	double score;
	mv_str detail;		/* arena */
	mv_str *options;	/* arena */
	unsigned n_options;
	unsigned id;		/* the engine's internal id: valid within this process only */
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
	struct mv_envelope envelope;	/* as resolved: given, or read from the trust boundary */
	struct mv_auth auth;		/* sender authentication, filled by the auth checks */
	unsigned trusted_hops;		/* received[0 .. trusted_hops) were written by trusted relays */
	double score;
	enum mv_action action;
	enum mv_action min_action;	/* a check asked for at least this action (a DMARC p=reject fail) */
};

/*
 * Scans a parsed message with every enabled check, waiting (inside the call)
 * for any lookup a check makes.  `engine` may be NULL (the built-in defaults,
 * no configuration file), `env` may be NULL (the envelope is then read from
 * the message, as far as the configuration trusts it).  Returns MV_OK, or
 * MV_NOMEM when the arena is exhausted (the report then holds what was done
 * and a MEMORY_LIMIT symbol).
 */
int mv_scan(struct mv_engine *engine, struct mv_msg *msg, const struct mv_envelope *env, struct mv_report *report);

/* The report's symbol of that name, or NULL. */
const struct mv_symbol *mv_report_symbol(const struct mv_report *report, const char *name);

#pragma GCC visibility pop

#endif
