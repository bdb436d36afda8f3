/*
 * The SMTP envelope of a message, as a connection and a transaction (the
 * split OpenSMTPD makes between smtp_session and smtp_tx): what the client
 * said and did in SMTP, which the message's own header fields may contradict.
 * The milter fills it from SMTP; `mailvet scan` from its options.  What the
 * caller leaves out, a scan reads from the Received field of the trust
 * boundary (trusted_relays) and from Return-Path: report->envelope.
 * Strings are views; the caller keeps their bytes alive for the scan.
 */
#ifndef MAILVET_ENVELOPE_H
#define MAILVET_ENVELOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/str.h"

#pragma GCC visibility push(default)

/* The SMTP stages, in order: a check runs from the stage whose data it needs. */
enum mv_stage {
	MV_STAGE_CONNECT,
	MV_STAGE_HELO,
	MV_STAGE_MAIL,
	MV_STAGE_RCPT,
	MV_STAGE_HEADERS,	/* end of headers */
	MV_STAGE_BODY,		/* end of message */
};

const char *mv_stage_name(enum mv_stage stage);	/* "connect", "helo", "mail", "rcpt", "headers", "body" */

enum mv_direction {
	MV_DIRECTION_INBOUND,	/* from the outside to our users */
	MV_DIRECTION_OUTBOUND,	/* from our users (SASL-authenticated, or a client in local_networks) */
	MV_DIRECTION_INTERNAL,	/* outbound, and every recipient is in local_domains */
};

const char *mv_direction_name(enum mv_direction direction);

/* Whether the client's reverse DNS name is confirmed by a forward lookup (FCrDNS). */
enum mv_client_name_state {
	MV_CLIENT_NAME_UNKNOWN,		/* not looked up */
	MV_CLIENT_NAME_NONE,		/* no PTR record */
	MV_CLIENT_NAME_UNCONFIRMED,	/* a PTR name whose addresses do not include the client's */
	MV_CLIENT_NAME_CONFIRMED,
};

enum mv_envelope_source {
	MV_ENVELOPE_NONE,	/* nothing known about the SMTP session */
	MV_ENVELOPE_OPTIONS,	/* given by the caller (the milter, or scan options) */
	MV_ENVELOPE_RECEIVED,	/* read from the Received field written by the trust boundary */
};

const char *mv_envelope_source_name(enum mv_envelope_source source);

/* The connection: one per SMTP session. */
struct mv_conn {
	mv_str client_ip;		/* text form, without brackets */
	mv_str client_name;		/* reverse DNS name, empty when none or not known */
	enum mv_client_name_state client_name_state;
	mv_str helo;			/* the HELO/EHLO argument */
	bool tls;
	mv_str tls_version;		/* "TLSv1.3" when known */
	mv_str sasl_user;		/* the authenticated user, empty when none */
	bool authenticated;		/* SASL authentication succeeded (sasl_user may be unknown) */
};

/* The transaction: MAIL FROM to the end of DATA. */
struct mv_txn {
	bool has_mail_from;		/* MAIL FROM is known (false: not given) */
	mv_str mail_from;		/* without angle brackets; empty for the null sender <> */
	mv_str *rcpt;			/* RCPT TO addresses, without angle brackets */
	unsigned n_rcpt;
	mv_str queue_id;
	int64_t time;			/* seconds since the epoch; 0: not known */
};

struct mv_envelope {
	struct mv_conn conn;
	struct mv_txn txn;
	enum mv_direction direction;	/* set by the scan, from SASL, local_networks and local_domains */
	enum mv_envelope_source source;	/* where conn's client facts came from */
};

/* True for MAIL FROM:<>, the null sender of bounces and receipts. */
static inline bool mv_envelope_null_sender(const struct mv_envelope *env)
{
	return env->txn.has_mail_from && env->txn.mail_from.len == 0;
}

#pragma GCC visibility pop

#endif
