/*
 * Where a link really goes.  links_unwrap() reads, offline, the destination
 * that redirectors and click-trackers carry inside their links (a query
 * parameter, a path segment, percent-, base64- or Proofpoint-encoded, nested)
 * and says when a tracker or a shortener hides it.  What it knows of the
 * common formats comes from a rule file (data/redirectors.conf, docs/
 * internals/links.md), compiled once per engine by links_rules_load(); an
 * unknown redirector whose parameter or path holds an absolute URL is
 * unwrapped too, and an unknown host that looks like a click-tracker (a
 * "click" label or path segment, from the file's tracker words) is reported
 * as hiding its destination.
 *
 * Bounds: at most LINKS_MAX_DEPTH redirectors a link; each step decodes a part
 * of the URL before it, so every step is shorter than the last and the work is
 * linear in the URL (itself at most 8 KiB).  Nothing is allocated outside the
 * arena, and a link that nothing wraps allocates nothing.
 */
#ifndef MV_LINKS_LINKS_H
#define MV_LINKS_LINKS_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"
#include "mailvet/url.h"

#define LINKS_MAX_DEPTH 8	/* redirectors unwrapped in one link */

struct links_rules;

/*
 * Compiles a rule file's text; `file` names it in errors ("redirectors.conf:12:
 * unknown option 'x'").  Returns 0, or -1 with *error_r malloc()ed (NULL when
 * out of memory).
 */
int links_rules_load(const char *file, mv_str text, struct links_rules **rules_r, char **error_r);
void links_rules_free(struct links_rules **rules);

struct links_result {
	const struct mv_url *dest;	/* where the link goes, as far as the link says: the URL given, or arena */
	mv_str domain;			/* its registrable domain (a gateway's domain= hint when it gives one) */
	mv_str hops[LINKS_MAX_DEPTH];	/* the redirectors passed, outermost (the link itself) first */
	unsigned n_hops;
	unsigned flags;			/* enum mv_link_flag of scan.h */
	bool away;			/* a redirector or tracker (not a mail gateway) leads to another domain */
	bool too_deep;			/* more than LINKS_MAX_DEPTH wrappers: the last one reached is dest */
	mv_str opaque;			/* the host of the tracker or shortener that hides the destination */
};

/*
 * Unwraps an http or https URL (others are their own destination).  *out
 * points into url (which must outlive it) or into arena memory.  Returns 0,
 * or -1 when the arena is exhausted (*out then holds the URL itself).
 */
int links_unwrap(const struct links_rules *rules, mv_arena *arena, const struct mv_url *url,
		 struct links_result *out);

/*
 * The URL a link's text shows the reader: the text is one URL, or one host
 * name with a known public suffix, possibly followed by a path
 * ("www.paypal.com", "https://paypal.com/signin", "<msrc.microsoft.com/x>"),
 * parsed into *url_r (arena).  A text of words, an address (a@b.c) or anything
 * else shows none: false.
 */
bool links_text_url(mv_arena *arena, mv_str text, struct mv_url *url_r);

/* The extension of an executable or disk-image download the path ends in ("exe"), or NULL. */
const char *links_executable(mv_str path);

/* The host is an IP address the Internet routes to (not private, loopback, link-local, ...). */
bool links_ip_global(mv_str host);
/* The same for an address as 16 bytes (IPv4 as IPv4-mapped IPv6). */
bool links_ip_global_bytes(const uint8_t a[16]);

#endif
