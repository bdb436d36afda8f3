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
	MV_ACTION_TEMPFAIL,	/* try again later (a sending limit reached): the SMTP 4xx answer */
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

/* What the links check learnt of a link's way to its destination. */
enum mv_link_flag {
	MV_LINKF_REDIRECT = 1u << 0,	/* a redirector or click-tracker that carries its destination was unwrapped */
	MV_LINKF_TRACKER = 1u << 1,	/* the link goes through a click-tracker */
	MV_LINKF_HIDDEN = 1u << 2,	/* a tracker whose destination cannot be read from the link */
	MV_LINKF_SHORTENER = 1u << 3,	/* a URL shortener */
	MV_LINKF_FOLLOWED = 1u << 4,	/* the destination was found by following the link over HTTP (--follow) */
};

struct mv_link {
	enum mv_link_source source;
	unsigned part_id;
	mv_str text;		/* what the reader sees: anchor text, or the URL as written in text */
	mv_str href;		/* as written (HTML: after <base> resolution in url.normalized) */
	struct mv_url url;	/* parsed and normalized; url.flags has MV_URL_BAD when unusable */
	bool hidden;		/* inside hidden HTML */
	bool post;		/* a form that posts (method=post) what is typed in */
	/* Filled by the links check; empty destination: the check did not run. */
	mv_str destination;	/* where the link really goes: the href unwrapped (the URL itself when nothing wraps it) */
	mv_str destination_domain;	/* the destination's registrable domain */
	mv_str *redirects;	/* the redirectors passed through, outermost (the href) first; arena */
	unsigned n_redirects;
	unsigned flags;		/* enum mv_link_flag */
	bool mismatch;		/* the reader sees a URL or host whose registrable domain is not the destination's */
};

/* One piece of evidence of who sent a message. */
struct mv_sender_evidence {
	const char *kind;	/* "dkim", "spf", "rdns", "helo", "received", "return_path", "message_id",
				   "list_id", "list_unsubscribe", "feedback_id", "link", "provider_header" */
	mv_str domain;		/* the registrable domain it names */
	mv_str value;		/* what it was read from: the host, the d= value, the address */
};

/* Who the message claims to be from, and who really sent it (the sender check). */
struct mv_sender {
	mv_str claimed;		/* the From address's domain, as a mail client shows it */
	mv_str claimed_name;	/* the From display name, normalized (NFKC, invisible characters removed) */
	mv_str brand;		/* the brand the message claims (from the brands file, or its DMARC-protected domain) */
	mv_str org;		/* the registrable domain of who really sent it; empty when nothing says */
	mv_str provider;	/* the bulk-mail provider that delivered it: its name in the providers file, or
				   the sending domain when the mail's structure shows an unlisted one */
	bool on_behalf;		/* org is not the From domain's organization */
	struct mv_sender_evidence *evidence;	/* strongest first; arena */
	unsigned n_evidence;
	mv_str summary;		/* one sentence in plain words */
};

/* A change to the message or its envelope that mailvet asks for; the milter applies them. */
enum mv_change_op {
	MV_CHANGE_REMOVE_HEADER,
	MV_CHANGE_ADD_HEADER,
	MV_CHANGE_CHANGE_FROM,		/* the envelope sender (MAIL FROM) */
	MV_CHANGE_CHANGE_RCPT,		/* one envelope recipient */
};

/* "remove_header", "add_header", "change_from", "change_rcpt" */
const char *mv_change_op_name(enum mv_change_op op);

struct mv_change {
	enum mv_change_op op;
	mv_str name;		/* remove_header, add_header: the field name */
	mv_str value;		/* add_header: the value to add; remove_header: the value removed (unfolded);
				   change_from: the new sender; change_rcpt: the new recipient */
	mv_str old;		/* change_from, change_rcpt: the address replaced */
	unsigned index;		/* remove_header: which field of that name, from 1, in header order */
	mv_str reason;		/* plain words */
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
	struct mv_sender sender;	/* who it claims to be from and who really sent it */
	struct mv_change *changes;	/* in the order the checks asked; arena */
	unsigned n_changes, changes_cap;
	mv_str reply;			/* the SMTP reply text for a reject or tempfail, when a check gave one */
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
