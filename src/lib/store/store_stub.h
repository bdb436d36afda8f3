/*
 * TEMPORARY, until the store branch is merged: the store interface of
 * /work/store-api.md, copied, and a stub that has no store (task_store()
 * returns NULL).  Delete this file and store_stub.c at the merge and include
 * store/store.h (and engine/check.h for the task_store_* calls) instead.
 */
#ifndef MV_STORE_STUB_H
#define MV_STORE_STUB_H

#include <stdint.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"

enum store_ns {
	STORE_SENT,		/* Message-IDs of mail our users sent: value = envelope sender, recipients (text) */
	STORE_MDN_REMOVED,	/* receipt requests mailvet removed: key = original Message-ID; value = text */
	STORE_PEER,		/* correspondents: key = "user\taddress" (lower case); value = first-seen time */
	STORE_COUNTER,		/* rate counters: see store_add */
};
struct store;
int store_open(const char *spec, unsigned timeout_ms, struct store **store_r, char **error_r);
void store_close(struct store *store);
int store_put(struct store *store, enum store_ns ns, mv_str key, mv_str value, int64_t now, uint32_t ttl);
int store_get(struct store *store, enum store_ns ns, mv_str key, int64_t now, mv_arena *arena, mv_str *value_r);
int store_add(struct store *store, mv_str key, int64_t now, uint32_t window, uint64_t by, uint64_t *total_r);
int store_expire(struct store *store, int64_t now);

struct mv_task;
struct store *task_store(struct mv_task *task);
void task_store_failed(struct mv_task *task, const char *what, int status);
uint32_t task_store_ttl(struct mv_task *task, enum store_ns ns);
int task_store_sent(struct mv_task *task, mv_str message_id, mv_str *sender_r, mv_str *rcpts_r);
int task_store_peer(struct mv_task *task, mv_str user, mv_str address);

#endif
