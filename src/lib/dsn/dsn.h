/*
 * Bounces: whether a message is a delivery status notification, and what it
 * returns.  dsn_read() recognises RFC 3464 reports (multipart/report,
 * message/delivery-status) and the text notices of the common servers that
 * write none (qmail, Exim, Sendmail, Postfix, Exchange, Lotus Notes, Gmail,
 * Yahoo, Courier, GroupWise, ...), and tells them apart from what only looks
 * alike: read receipts (report-type=disposition-notification), abuse and
 * feedback reports (ARF, report-type=feedback-report) and auto-replies
 * (RFC 3834 Auto-Submitted, vacation marks).
 *
 * From a bounce it reads the per-message and per-recipient fields (Final-
 * Recipient, Action, Status, Diagnostic-Code, Remote-MTA), or the recipients
 * a text notice names, and the header of the returned message (Message-ID,
 * From, Return-Path, Received), from a message/rfc822 part, a
 * text/rfc822-headers part, or the header block a text notice quotes.
 *
 * Only the bounce's own parts are read, never the parts of the message it
 * returns: a bounce of a bounce is one bounce whose returned message is a
 * bounce (DSN_F_NESTED).  At most DSN_MAX_RCPT recipients and
 * DSN_MAX_RECEIVED Received fields are kept (the others are counted), and
 * text is searched within DSN_MAX_TEXT bytes a part, so time and memory are
 * linear in the message whatever its shape.  Strings are views into the
 * message or arena copies; the report lives as long as the message.
 * docs/internals/dsn.md has the details and docs/bounces.md the figures on
 * real bounces.
 */
#ifndef MV_DSN_DSN_H
#define MV_DSN_DSN_H

#include <stdbool.h>

#include "mailvet/msg.h"

#define DSN_MAX_RCPT 100
#define DSN_MAX_RECEIVED 50
#define DSN_MAX_TEXT ((size_t)64 << 10)

enum dsn_kind {
	DSN_KIND_NONE,		/* an ordinary message */
	DSN_KIND_BOUNCE,	/* a delivery status notification: failed, delayed, or delivered */
	DSN_KIND_RECEIPT,	/* a message disposition notification (RFC 8098) */
	DSN_KIND_FEEDBACK,	/* an abuse or feedback report (RFC 5965 ARF, a provider's complaint) */
	DSN_KIND_AUTOREPLY,	/* an automatic reply: vacation, out of office (RFC 3834) */
};

/* "none", "bounce", "receipt", "feedback", "autoreply" */
const char *dsn_kind_name(enum dsn_kind kind);

/* RFC 3464 2.3.3, in the order a report's overall action is chosen (the first wins). */
enum dsn_action {
	DSN_ACTION_UNKNOWN,
	DSN_ACTION_FAILED,
	DSN_ACTION_DELAYED,
	DSN_ACTION_DELIVERED,
	DSN_ACTION_RELAYED,
	DSN_ACTION_EXPANDED,
};

/* "unknown", "failed", "delayed", "delivered", "relayed", "expanded" */
const char *dsn_action_name(enum dsn_action action);

struct dsn_rcpt {
	mv_str final_recipient;		/* the address, its type ("rfc822;") and angle brackets removed */
	mv_str original_recipient;
	enum dsn_action action;
	mv_str status;			/* "5.1.1"; empty when none was given */
	mv_str diagnostic;		/* Diagnostic-Code without its type, unfolded; or the text notice's line */
	mv_str remote_mta;		/* without its type */
};

enum dsn_returned_source {
	DSN_RETURNED_NONE,
	DSN_RETURNED_MESSAGE,		/* a message/rfc822 (or message/global) part */
	DSN_RETURNED_HEADERS,		/* a text/rfc822-headers part */
	DSN_RETURNED_PART,		/* a part whose own header is the returned message's */
	DSN_RETURNED_TEXT,		/* a header block quoted in the text */
};

/* The header of the message a bounce returns; values raw (folding kept), Message-ID bare. */
struct dsn_returned {
	enum dsn_returned_source source;
	mv_str message_id;		/* without angle brackets; empty when the returned header has none */
	mv_str from, return_path, to, subject;
	mv_str *received;		/* newest first, at most DSN_MAX_RECEIVED */
	unsigned n_received;
};

enum dsn_flag {
	DSN_F_STRUCTURED = 1u << 0,	/* delivery-status fields were read (a part, or fields in the text) */
	DSN_F_RCPT_LIMIT = 1u << 1,	/* more than DSN_MAX_RCPT recipients: the rest counted, not kept */
	DSN_F_NESTED = 1u << 2,		/* the returned message is itself a bounce */
	DSN_F_TEXT_LIMIT = 1u << 3,	/* a text part was longer than DSN_MAX_TEXT: its tail was not searched */
};

struct dsn_report {
	enum dsn_kind kind;
	const char *format;		/* who wrote it: "rfc3464", "postfix", "qmail", ..., "generic"; NULL for none */
	const char *why;		/* what gave the kind away, in plain words (static) */
	enum dsn_action action;		/* failed if any recipient failed, else delayed, ... */
	mv_str reporting_mta;		/* per-message fields, types removed */
	mv_str arrival_date;
	mv_str envelope_id;		/* Original-Envelope-Id */
	struct dsn_rcpt *rcpt;
	unsigned n_rcpt;		/* kept, at most DSN_MAX_RCPT */
	unsigned n_rcpt_seen;		/* read */
	struct dsn_returned returned;
	unsigned flags;			/* enum dsn_flag */
};

/*
 * Reads msg into *report (the message's arena).  null_sender: the SMTP
 * envelope sender is <> (what a bounce must use, RFC 5321 4.5.5), which
 * counts as Return-Path: <> would.  Returns 0, or -1 when the arena is
 * exhausted (the report then holds what was read).
 */
int dsn_read(struct mv_msg *msg, bool null_sender, struct dsn_report *report);

#endif
