/*
 * Read receipts and auto-replies: the readers.  Requests arriving
 * (mdn_request.c: Disposition-Notification-To and the legacy fields, with
 * RFC 8098 2.1's test of whether a client may answer one automatically),
 * receipts leaving (mdn_report.c: the machine-readable report of RFC 8098;
 * mdn_client.c: what clients write without one, "Not read:" in the languages
 * of Outlook and Thunderbird), auto-replies (mdn_autoreply.c: RFC 3834's
 * Auto-Submitted and the vacation marks), the Message-IDs a reply answers
 * (mdn_ids.c) and what the store remembers of a request (mdn_record.c).
 *
 * Every reader takes a parsed message and its arena, never the task: they
 * are tested and fuzzed alone.  All work is bounded whatever the input: a
 * field is parsed for at most MDN_PARSE_ADDRS addresses, at most
 * MDN_PARSE_FIELDS request fields are parsed (all are listed, so all can be
 * removed), a report part's fields are read from its first MDN_REPORT_BYTES.
 * Strings returned are arena memory or views into the message.
 */
#ifndef MV_MDN_MDN_H
#define MV_MDN_MDN_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/arena.h"
#include "mailvet/msg.h"
#include "mailvet/str.h"

/* Distinct requested addresses kept; more are counted in `more`. */
#define MDN_MAX_ADDRS 32
/* Addresses parsed from one field, and request fields whose addresses are parsed. */
#define MDN_PARSE_ADDRS (MDN_MAX_ADDRS + 1)
#define MDN_PARSE_FIELDS 64
/* The bytes of a message/disposition-notification part that are read. */
#define MDN_REPORT_BYTES 16384
/* Message-IDs kept for a join: Original-Message-ID, In-Reply-To, the last References. */
#define MDN_MAX_IDS 4

/* The fields that ask for a receipt, in the order mdn_request_name() numbers them. */
enum mdn_request_kind {
	MDN_REQ_DNT,		/* Disposition-Notification-To (RFC 8098) */
	MDN_REQ_RRT,		/* Return-Receipt-To (Outlook's MAPI gateway, old sendmail) */
	MDN_REQ_XCRT,		/* X-Confirm-Reading-To (Pegasus, old Eudora) */
	MDN_REQ_READ,		/* Read-Receipt-To */
	MDN_REQ_KINDS
};

const char *mdn_request_name(enum mdn_request_kind kind);

struct mdn_request_field {
	const struct mv_header *header;
	enum mdn_request_kind kind;
	unsigned index;		/* which field of that name, from 1, in header order (as a milter counts) */
};

struct mdn_request {
	struct mdn_request_field *fields;	/* every request field, in header order; arena */
	unsigned n_fields;
	mv_str addrs[MDN_MAX_ADDRS];	/* distinct requested addresses, first named first (arena, lower case) */
	unsigned n_addrs;
	bool more;			/* more addresses were named than are kept here */
	bool unreadable;		/* a field names something that is not an address */
};

/*
 * Reads every receipt-request field of a header section.  Returns 0
 * (n_fields is 0 when there is none), or -1 when the arena is exhausted.
 */
int mdn_request_read(mv_arena *arena, const struct mv_part *root, struct mdn_request *req);

/* Why a client must not answer a request automatically (RFC 8098 2.1). */
enum mdn_foreign {
	MDN_FOREIGN_NO,			/* one address, the Return-Path's */
	MDN_FOREIGN_NO_RETURN_PATH,	/* no Return-Path (or the null sender) */
	MDN_FOREIGN_SEVERAL,		/* more than one address */
	MDN_FOREIGN_DIFFERS,		/* an address that is not the Return-Path */
	MDN_FOREIGN_UNREADABLE,		/* no usable address at all */
};

/* `return_path` is the envelope sender (empty: none, or the null sender). */
enum mdn_foreign mdn_request_foreign(const struct mdn_request *req, mv_str return_path);

/* ASCII case-insensitive equality of two addresses. */
bool mdn_addr_eq(mv_str a, mv_str b);

/* The type of a disposition (RFC 8098 3.2.6.2; "denied" and "failed" from RFC 2298). */
enum mdn_type {
	MDN_TYPE_UNKNOWN,
	MDN_TYPE_DISPLAYED,
	MDN_TYPE_DELETED,
	MDN_TYPE_DISPATCHED,
	MDN_TYPE_PROCESSED,
	MDN_TYPE_DENIED,
	MDN_TYPE_FAILED,
};

const char *mdn_type_name(enum mdn_type type);

/* "automatic-action/MDN-sent-automatically; deleted" */
struct mdn_disposition {
	bool valid;			/* the mode and the type were read */
	bool automatic_action;		/* automatic-action (else manual-action) */
	bool sent_automatically;	/* MDN-sent-automatically (else MDN-sent-manually) */
	enum mdn_type type;
	bool error;			/* the "error" modifier */
};

/* Parses a Disposition field value; false (and *d zeroed) when it is not one. */
bool mdn_disposition_parse(mv_str raw, struct mdn_disposition *d);

enum mdn_receipt_form {
	MDN_RECEIPT_NONE,
	MDN_RECEIPT_REPORT,	/* multipart/report; report-type=disposition-notification */
	MDN_RECEIPT_CLIENT,	/* no machine-readable part: known by its subject and text */
};

struct mdn_receipt {
	enum mdn_receipt_form form;
	struct mdn_disposition disposition;	/* REPORT: as written; CLIENT: the type the subject says */
	bool automatic;			/* nobody chose to send it: automatic-action, MDN-sent-automatically,
					   or a client's "Not read" (sent when an unread message is deleted) */
	mv_str reporting_ua;		/* REPORT: Reporting-UA */
	mv_str final_recipient;		/* REPORT: the address of Final-Recipient */
	const char *client;		/* CLIENT: who writes that form, "Outlook (German)" */
	mv_str subject_form;		/* CLIENT: the prefix matched, as written */
	mv_str ids[MDN_MAX_IDS];	/* the Message-IDs it may answer, likeliest first (arena, no brackets) */
	unsigned n_ids;
};

/* Reads a message as a receipt.  Returns 0 (form NONE when it is not one), or -1 when out of memory. */
int mdn_receipt_read(struct mv_msg *msg, struct mdn_receipt *r);

/*
 * The subject forms of client receipts: when `subject` (decoded) starts with
 * one, sets *type_r, *client_r and *form_r and returns true.
 */
bool mdn_client_subject(mv_str subject, enum mdn_type *type_r, const char **client_r, mv_str *form_r);
/* Whether a receipt's text says what receipts say ("was deleted without being read", ...). */
bool mdn_client_text(mv_str text);

struct mdn_autoreply {
	bool found;
	const char *mark;		/* what says so: "Auto-Submitted: auto-replied", "the subject" ... */
	mv_str ids[MDN_MAX_IDS];	/* the Message-IDs it answers */
	unsigned n_ids;
};

/* Reads a message as an auto-reply.  Returns 0 (found false when it is not one), or -1 when out of memory. */
int mdn_autoreply_read(struct mv_msg *msg, struct mdn_autoreply *a);

/*
 * Appends to ids[*n .. max) the Message-IDs a reply names: In-Reply-To, then
 * References from the last (the parent) back, skipping those already there.
 * Returns 0, or -1 when out of memory.
 */
int mdn_answered_ids(mv_arena *arena, const struct mv_part *root, mv_str *ids, unsigned *n, unsigned max);
/* Adds one id (raw field value, brackets and comments allowed) unless empty or already there. */
int mdn_ids_add(mv_arena *arena, mv_str raw, mv_str *ids, unsigned *n, unsigned max);

/*
 * What the store remembers of a receipt request that arrived: the record
 * under its message's Message-ID (STORE_MDN_REMOVED; requests mailvet kept
 * are remembered too, so that the receipt answering one can be judged).
 */
struct mdn_record {
	bool removed;
	mv_str return_path;		/* empty: none */
	mv_str requested;		/* the requested addresses, comma-separated */
	mv_str recipients;		/* its local recipients, comma-separated */
	int64_t time;
};

/* Longest value mdn_record_format() writes: lists are cut at an address boundary to fit. */
#define MDN_RECORD_MAX 2048

/* The text form "v1 TAB removed|kept TAB return-path TAB requested TAB recipients TAB time" (arena). */
mv_str mdn_record_format(mv_arena *arena, const struct mdn_record *rec);
/* Parses a stored value; false when it is not one (a newer format, damage). */
bool mdn_record_parse(mv_str value, struct mdn_record *rec);
/* items joined by commas within max bytes, leaving out those a list cannot hold (arena; empty when out of memory). */
mv_str mdn_list_join(mv_arena *arena, const mv_str *items, unsigned n, size_t max);
/* Whether a comma-separated list holds the address (case-insensitive). */
bool mdn_list_has(mv_str list, mv_str addr);

#endif
