/*
 * Following links over HTTP (links_follow, `mailvet scan --follow`): for a
 * tracker or shortener whose destination is not in the link, HEAD requests
 * follow its Location answers hop by hop, bounded in hops, time and header
 * bytes, on the caller's event loop (libcurl's multi socket interface on
 * mv_loop), so one message's requests run together and other messages go on
 * meanwhile.  Only http and https, no proxy, no cookies; addresses that are
 * not on the Internet (loopback, private, link-local) are refused unless
 * private_addresses is set.  A HEAD request to a tracker is a click the
 * sender can count: it is never made unless configured.
 *
 * A batch (one message's requests) is made, requests are added, and the
 * maker releases it; it frees itself when the last request has ended or been
 * cancelled.  Strings in the requests are in the arena the batch was made
 * with.
 */
#ifndef MV_LINKS_FOLLOW_H
#define MV_LINKS_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailvet/arena.h"
#include "mailvet/loop.h"
#include "mailvet/str.h"

#define LINKS_FOLLOW_MAX_HOPS 20

struct links_follow_settings {
	bool enabled;
	unsigned max_hops;		/* requests per link */
	unsigned max_links;		/* links per message */
	uint64_t timeout_ms;		/* per link, every hop together */
	size_t max_bytes;		/* response header bytes per hop */
	bool private_addresses;		/* allow loopback, private, ... addresses */
};

enum links_follow_end {
	LINKS_FOLLOW_REACHED,		/* an answer that is no redirect, or a Location that is not http(s) */
	LINKS_FOLLOW_LOOP,		/* a Location already requested */
	LINKS_FOLLOW_HOPS,		/* still redirected after max_hops requests */
	LINKS_FOLLOW_TIMEOUT,
	LINKS_FOLLOW_TOO_BIG,		/* response headers over max_bytes */
	LINKS_FOLLOW_REFUSED,		/* an address not on the Internet */
	LINKS_FOLLOW_FAILED,		/* no answer: connection, TLS or protocol error */
};

struct links_follow;

struct links_follow_req {
	mv_str url;					/* in: an absolute http(s) URL */
	uint64_t timeout_ms;				/* in: at most this long (0: the settings') */
	void (*done)(struct links_follow_req *req);	/* in: called from the loop when it has ended */
	mv_str hops[LINKS_FOLLOW_MAX_HOPS + 1];		/* out: the URLs requested, url first */
	unsigned n_hops;
	mv_str final;					/* out: where it ended: the last URL answered, or Location */
	enum links_follow_end end;
	long status;					/* out: the last HTTP status, 0 when none */
	/* internal */
	struct links_follow *batch;
	void *easy;
	uint64_t deadline;
	size_t header_bytes;
	bool too_big, refused;
};

/* NULL when out of memory or libcurl cannot start. */
struct links_follow *links_follow_new(struct mv_loop *loop, const struct links_follow_settings *set, mv_arena *arena);
/* Starts following req->url; 0, or -1 (nothing started, req->end says why; done is not called). */
int links_follow_add(struct links_follow *f, struct links_follow_req *req);
/* Ends a request early; done is not called.  A request not started or ended already is left alone. */
void links_follow_cancel(struct links_follow_req *req);
/* The maker's reference: the batch ends with its last request. */
void links_follow_release(struct links_follow *f);

/* A short phrase for an end: "reached", "a redirect loop", ... */
const char *links_follow_end_text(enum links_follow_end end);

#endif
