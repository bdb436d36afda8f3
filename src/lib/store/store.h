/*
 * The store: what mailvet remembers across messages (the mail our users
 * sent, their correspondents, the receipt requests it removed, rate
 * counters), in LMDB (embedded, the default) or Redis (shared by many
 * scanners).  docs/internals/store.md explains the design.
 *
 * Calls are synchronous and each is bounded by the timeout given to
 * store_open() (Redis: connect and command; LMDB is local).  One store is
 * shared by every thread of the engine that opened it.  Keys are compared
 * ASCII case-insensitively (they are stored lower-cased); every entry
 * expires, and `now` (the scan time, not the clock) decides whether it has,
 * so that a scan of stored mail is reproducible.
 */
#ifndef MV_STORE_STORE_H
#define MV_STORE_STORE_H

#include <stdint.h>

#include "mailvet/arena.h"
#include "mailvet/status.h"
#include "mailvet/str.h"

/* Namespaces: what is remembered, each with its own expiry setting. */
enum store_ns {
	STORE_SENT,		/* Message-IDs of mail our users sent: value = envelope sender, recipients (text) */
	STORE_MDN_REMOVED,	/* receipt requests mailvet removed: key = original Message-ID; value = text */
	STORE_PEER,		/* correspondents: key = "user\taddress" (lower case); value = first-seen time */
	STORE_COUNTER,		/* rate counters: see store_add */
};
#define STORE_NS_COUNT 4

struct store;

/*
 * spec: "lmdb:/path/dir[?size=N]" (N: the most the database may grow to,
 * with K, M or G; default 1G), "redis://[[user:]password@]host[:port][/db]"
 * or "redis+unix:/path/sock[?db=N]".  MV_OK; MV_CONFIG for a bad spec,
 * MV_TEMPFAIL when the store cannot be opened (a directory that cannot be
 * made, a host name that does not resolve), MV_NOMEM; *error_r is then
 * malloc()ed plain words.  A Redis store connects on first use, per thread.
 */
int store_open(const char *spec, unsigned timeout_ms, struct store **store_r, char **error_r);
void store_close(struct store *store);
/* Checks the spec's syntax alone (no file, no network): MV_OK, or MV_CONFIG with *error_r. */
int store_spec_check(const char *spec, char **error_r);
/* The spec, for messages: a password replaced by "***". */
const char *store_name(const struct store *store);

/*
 * Sets ns/key to value, expiring at now + ttl seconds (ttl >= 1).  MV_OK,
 * MV_TEMPFAIL (unavailable or too slow: store_error() says which), MV_LIMIT
 * (the LMDB store is full at its size), MV_NOMEM, MV_INVALID.
 */
int store_put(struct store *store, enum store_ns ns, mv_str key, mv_str value, int64_t now, uint32_t ttl);
/* The value (copied into arena) when present and not expired: MV_OK; MV_NOTFOUND; MV_TEMPFAIL. */
int store_get(struct store *store, enum store_ns ns, mv_str key, int64_t now, mv_arena *arena, mv_str *value_r);
/*
 * Adds `by` to counter `key` in the fixed window of `window` seconds that
 * holds `now`; *total_r gets the window's new total (one atomic operation:
 * Redis INCRBY+EXPIRE in MULTI, LMDB in a write txn).
 */
int store_add(struct store *store, mv_str key, int64_t now, uint32_t window, uint64_t by, uint64_t *total_r);
/* Drops expired entries (bounded work per call; store_put also calls it now and then).  Redis expires its own. */
int store_expire(struct store *store, int64_t now);

/* Why the calling thread's last failed store call failed, in plain words ("" when none has). */
const char *store_error(void);

#endif
