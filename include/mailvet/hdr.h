/*
 * Parsers for structured header fields (RFC 5322 and its obsolete syntax, as
 * real mail writes it): address lists, Date, Message-ID, Received.
 *
 * All take the raw field value (after the colon, folding still in it) and never
 * fail on bad syntax: they recover what they can and flag the damage.  Strings
 * they return are arena memory (NUL-terminated) or views into the input.
 */
#ifndef MAILVET_HDR_H
#define MAILVET_HDR_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"

#pragma GCC visibility push(default)

enum mv_addr_flag {
	MV_ADDR_BAD = 1u << 0,		/* syntax damage was recovered from */
	MV_ADDR_NO_DOMAIN = 1u << 1,	/* no '@domain' */
	MV_ADDR_QUOTED_LOCAL = 1u << 2,	/* the local part was a quoted string */
	MV_ADDR_IN_GROUP = 1u << 3,	/* member of a group ("team: a@x, b@y;") */
	MV_ADDR_ROUTE = 1u << 4,	/* obsolete source route "<@a,@b:user@c>" */
	MV_ADDR_NAME_HAS_ADDR = 1u << 5,	/* the display name itself looks like an e-mail address */
};

struct mv_addr {
	mv_str name;	/* display name decoded to UTF-8 (RFC 2047), quotes and comments removed; may be empty */
	mv_str address;	/* "local@domain", local part unquoted where possible, domain lower-cased */
	mv_str local;	/* local part as in address */
	mv_str domain;	/* lower-case, no trailing dot; empty if none */
	mv_str group;	/* group display name, when MV_ADDR_IN_GROUP */
	unsigned flags;	/* enum mv_addr_flag */
};

/*
 * Parses an address-list (From, To, Cc, Reply-To, Disposition-Notification-To,
 * ...).  Handles groups, comments (nested), quoted local parts and display
 * names, encoded-words, obsolete routes and missing angle brackets.  A display
 * name without an address, as in `From: "Bob"`, yields an entry with empty
 * address and MV_ADDR_BAD.  At most max_addrs are returned (0 = 1000).
 * Returns the number of addresses stored in *list_r, or -1 when the arena is
 * exhausted.
 */
int mv_addr_parse_list(mv_arena *arena, mv_str raw, unsigned max_addrs, struct mv_addr **list_r);

/*
 * Parses a date-time (RFC 5322 3.3 with obsolete zones, missing seconds,
 * two-digit years, missing day-of-week, and the common non-RFC forms such as
 * "Tue, 18 Jun 2002 11:23:45 -0500 (CDT)" or asctime).  On success stores
 * seconds since the epoch (UTC) and the zone offset in minutes; returns 0, or
 * -1 when no date could be read.
 */
int mv_date_parse(mv_str raw, int64_t *time_r, int *zone_minutes_r);

/* The msg-id without angle brackets and white space/comments (arena), or an empty view. */
mv_str mv_msgid_parse(mv_arena *arena, mv_str raw);

enum mv_received_flag {
	MV_RCVD_AUTH = 1u << 0,		/* the sender authenticated (ESMTPA, ESMTPSA, LMTPA, "authenticated" comments) */
	MV_RCVD_TLS = 1u << 1,		/* ESMTPS/ESMTPSA or a TLS comment */
	MV_RCVD_LOCAL = 1u << 2,	/* no remote peer ("from userid 1000", "(local)") */
	MV_RCVD_BAD = 1u << 3,		/* could not be parsed in full */
	MV_RCVD_IPV6 = 1u << 4,
};

/*
 * One Received hop.  `from` is the host name the receiving server found for
 * the peer (reverse DNS), `helo` the name the peer gave, `ip` its address
 * (without brackets, IPv6 without the "IPv6:" prefix), `by` the receiving host,
 * `with` the protocol as written (ESMTP, ESMTPSA, LMTP, HTTP ...), `id` the
 * queue id, `for_` the recipient, `date` the date-time after ';'.  Knows the
 * Postfix, Sendmail, Exim, qmail, Exchange, Gmail/Google and Microsoft 365
 * styles.
 */
struct mv_received {
	mv_str from;
	mv_str helo;
	mv_str ip;
	mv_str by;
	mv_str with;
	mv_str id;
	mv_str for_;
	mv_str date_raw;	/* as written */
	int64_t date;		/* seconds since the epoch, 0 when absent or unreadable */
	unsigned flags;		/* enum mv_received_flag */
};

/* Parses one Received field value; returns 0, or -1 when the arena is exhausted. */
int mv_received_parse(mv_arena *arena, mv_str raw, struct mv_received *out);

#pragma GCC visibility pop

#endif
