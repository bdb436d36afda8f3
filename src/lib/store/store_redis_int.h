/* The Redis backend's store and its calls over per-thread connections (store_redis_conn.c). */
#ifndef MV_STORE_REDIS_INT_H
#define MV_STORE_REDIS_INT_H

#include <hiredis/hiredis.h>

#include "store/store_int.h"

struct store_redis {
	struct store base;
	uint64_t id;			/* never reused: names the store in each thread's connections */
	enum store_kind kind;
	char *path;			/* the socket */
	char host[64];			/* a numeric address, resolved once at open */
	unsigned port, db;
	char *user, *password;
	unsigned timeout_ms;
	atomic_uint_fast64_t down_until;	/* monotonic ms: after a failure, no new try before */
};

/* One command of a call: its words (binary-safe). */
struct redis_cmd {
	int argc;
	const char *argv[6];
	size_t argvlen[6];
};

/*
 * Sends the commands in one round trip on the thread's connection to the
 * store and returns the last one's reply in *reply_r (freeReplyObject() it).
 * Each earlier reply must be a status or QUEUED.  Never takes much longer
 * than the store's timeout: a connection that fails is dropped, one that was
 * stale (the server restarted) is made again once, and after a failure no
 * thread tries for a second (MV_TEMPFAIL at once).
 */
int redis_call(struct store_redis *s, const struct redis_cmd *cmds, unsigned n, redisReply **reply_r);

/* Registers and forgets a store's id: connections of forgotten stores are closed by their threads. */
int redis_store_register(struct store_redis *s);
void redis_store_forget(struct store_redis *s);

#endif
