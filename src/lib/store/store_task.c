/*
 * What the checks ask the store, and the keys the `store` check records
 * under: a Message-ID without its angle brackets; a correspondent as
 * "user\taddress".  The store lower-cases keys.
 */
#include <string.h>

#include "engine/check.h"
#include "store/store_task.h"

mv_str store_msgid_key(mv_str id)
{
	id = mv_str_trim(id);
	if (id.len >= 2 && id.p[0] == '<' && id.p[id.len - 1] == '>')
		id = mv_str_trim(mv_str_make(id.p + 1, id.len - 2));
	return id;
}

mv_str store_peer_key(mv_arena *arena, mv_str user, mv_str address)
{
	char *k = mv_arena_alloc(arena, user.len + 1 + address.len);

	if (k == NULL || user.len == 0 || address.len == 0)
		return MV_STR_NULL;
	memcpy(k, user.p, user.len);
	k[user.len] = '\t';
	memcpy(k + user.len + 1, address.p, address.len);
	return mv_str_make(k, user.len + 1 + address.len);
}

/* A store_get() for a check: a failure is reported; MV_OK, MV_NOTFOUND, MV_TEMPFAIL or MV_NOMEM. */
static int task_get(struct mv_task *task, enum store_ns ns, mv_str key, const char *what, mv_str *value_r)
{
	struct store *s = task_store(task);
	int rc;

	*value_r = MV_STR_NULL;
	if (s == NULL)
		return MV_TEMPFAIL;
	if (key.len == 0)
		return mv_arena_exhausted(task_arena(task)) ? MV_NOMEM : MV_NOTFOUND;
	rc = store_get(s, ns, key, task_envelope(task)->txn.time, task_arena(task), value_r);
	if (rc == MV_OK || rc == MV_NOTFOUND || rc == MV_NOMEM)
		return rc;
	task_store_failed(task, what, rc);
	return MV_TEMPFAIL;
}

int task_store_sent(struct mv_task *task, mv_str message_id, mv_str *sender_r, mv_str *rcpts_r)
{
	mv_str v;
	const char *tab;
	int rc = task_get(task, STORE_SENT, store_msgid_key(message_id), "looking up sent mail", &v);

	*sender_r = *rcpts_r = MV_STR_NULL;
	if (rc != MV_OK)
		return rc;
	tab = memchr(v.p, '\t', v.len);
	if (tab == NULL) {
		*sender_r = v;
		return MV_OK;
	}
	*sender_r = mv_str_make(v.p, (size_t)(tab - v.p));
	*rcpts_r = mv_str_make(tab + 1, v.len - (size_t)(tab + 1 - v.p));
	return MV_OK;
}

int task_store_peer(struct mv_task *task, mv_str user, mv_str address)
{
	mv_str v;

	return task_get(task, STORE_PEER, store_peer_key(task_arena(task), user, address), "looking up a correspondent",
			&v);
}
