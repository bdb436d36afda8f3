/* TEMPORARY, until the store branch is merged: no store (see store_stub.h). */
#include "mailvet/status.h"
#include "store/store_stub.h"

int store_put(struct store *store, enum store_ns ns, mv_str key, mv_str value, int64_t now, uint32_t ttl)
{
	return MV_TEMPFAIL;
}

int store_get(struct store *store, enum store_ns ns, mv_str key, int64_t now, mv_arena *arena, mv_str *value_r)
{
	return MV_TEMPFAIL;
}

int store_add(struct store *store, mv_str key, int64_t now, uint32_t window, uint64_t by, uint64_t *total_r)
{
	return MV_TEMPFAIL;
}

struct store *task_store(struct mv_task *task)
{
	return NULL;
}

void task_store_failed(struct mv_task *task, const char *what, int status)
{
}

uint32_t task_store_ttl(struct mv_task *task, enum store_ns ns)
{
	return 30u * 86400u;
}

int task_store_sent(struct mv_task *task, mv_str message_id, mv_str *sender_r, mv_str *rcpts_r)
{
	return MV_NOTFOUND;
}

int task_store_peer(struct mv_task *task, mv_str user, mv_str address)
{
	return MV_NOTFOUND;
}
