/*
 * URLs as a mail scanner needs them: found in plain text, parsed, normalized,
 * and reduced to the registrable domain.
 *
 * Normalization: scheme and host lower-cased; default port dropped; dot
 * segments removed; percent-encoding of unreserved characters decoded
 * (never %2F, %3F, %23, %25 or anything reserved, so the meaning is kept);
 * host percent-decoded; IPv4 hosts written in decimal, octal, hex or dotless
 * forms ("0x7f.1", "2130706433", "0177.0.0.1") rewritten as dotted quads and
 * flagged; IPv6 compressed to RFC 5952 form; IDN hosts converted with libidn2
 * to both an A-label (punycode) form and a U-label (Unicode) form.  The
 * registrable domain (eTLD+1) comes from libpsl.
 *
 * Ownership: every mv_str in struct mv_url is arena memory or a view into the
 * input; nothing needs freeing besides the arena.
 */
#ifndef MAILVET_URL_H
#define MAILVET_URL_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"

#pragma GCC visibility push(default)

enum mv_url_flag {
	MV_URL_HOST_IP = 1u << 0,	/* the host is an IPv4 or IPv6 literal */
	MV_URL_HOST_IP_OBFUSCATED = 1u << 1,	/* IPv4 written in decimal/octal/hex/short form */
	MV_URL_HOST_IDN = 1u << 2,	/* the host has non-ASCII labels (or xn-- labels) */
	MV_URL_HOST_IDN_BAD = 1u << 3,	/* IDNA conversion failed */
	MV_URL_USERINFO = 1u << 4,	/* user:password@ before the host (a classic disguise) */
	MV_URL_NO_SCHEME = 1u << 5,	/* "www.example.com/x" written without a scheme */
	MV_URL_RELATIVE = 1u << 6,	/* resolved against a base */
	MV_URL_BAD = 1u << 7,		/* could not be parsed as a URL with a host */
	MV_URL_HOST_ENCODED = 1u << 8,	/* the host had %-escapes */
	MV_URL_NONSTANDARD_PORT = 1u << 9,
};

struct mv_url {
	mv_str raw;		/* as written (view or arena) */
	mv_str scheme;		/* lower-case, without ':' ("http", "mailto") */
	mv_str userinfo;
	mv_str host;		/* lower-case ASCII: A-label form for IDN, dotted quad for IPv4, [v6] bracketless */
	mv_str host_unicode;	/* U-label form (same as host when ASCII) */
	uint16_t port;		/* 0 when absent or default for the scheme */
	mv_str path;		/* normalized, starts with '/' for hierarchical URLs */
	mv_str query;		/* without '?' */
	mv_str fragment;	/* without '#' */
	mv_str normalized;	/* the whole normalized URL */
	mv_str domain;		/* registrable domain of host (ASCII), or host itself for IPs/unknown suffixes */
	unsigned flags;		/* enum mv_url_flag */
};

/*
 * Parses and normalizes `raw` (trimmed; white space and control characters
 * inside are removed as browsers do).  When `base` is non-empty a relative
 * reference is resolved against it (RFC 3986 5.2).  A scheme-less "www.x.y"
 * is taken as http.  mailto: URLs get host/domain from the address's domain.
 * Returns 0, or -1 when raw is not a usable URL (out->flags has MV_URL_BAD and
 * out->raw is set) or the arena is exhausted.
 */
int mv_url_parse(mv_arena *arena, mv_str raw, mv_str base, struct mv_url *out);

/*
 * As mv_url_parse(), with the base already parsed (NULL for none): all the
 * links of one HTML document share its <base href>, which is parsed once.
 */
int mv_url_resolve(mv_arena *arena, mv_str raw, const struct mv_url *base, struct mv_url *out);

/* The registrable domain of an ASCII (A-label) host; a view into host, or host itself. */
mv_str mv_url_registrable_domain(mv_str host);

/*
 * Finds URLs in plain text: scheme URLs (http, https, ftp, mailto and others
 * followed by "://"), "www." hosts without a scheme, and bare e-mail addresses
 * are NOT reported.  Trailing punctuation that is not part of the URL
 * (".,;:!?" and unbalanced ")]}>'\"") is dropped, "<URL:...>" and "<...>"
 * wrapping is understood.  Calls `found` for each, in order; stops when it
 * returns non-zero or after max_urls.  Returns the number reported.
 */
typedef int (*mv_url_found_fn)(void *ctx, mv_str url);
unsigned mv_url_extract_text(mv_str text, unsigned max_urls, mv_url_found_fn found, void *ctx);

#pragma GCC visibility pop

#endif
