/*
 * The engine's store: its settings, opened on first use (so that `mailvet
 * config` and engines that never scan open nothing), shared by every thread
 * of the engine and closed with it.  A store that cannot be opened is tried
 * again at most once a second; meanwhile each message says so with
 * STORE_UNAVAILABLE, and the scan goes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/task_int.h"
#include "store/store_int.h"

#define REOPEN_MS 1000
#define DAY 86400u

static const struct mv_setting_def store_settings[] = {
	{ "store", MV_SETTING_STRING, "", 0, 0, NULL,
	  "where mailvet remembers across messages: lmdb:/var/lib/mailvet, redis://host:port/db or "
	  "redis+unix:/path/socket; empty: nowhere (the checks that need it do not run)" },
	{ "store_timeout", MV_SETTING_TIME, "200ms", 1, 60000, NULL,
	  "the longest one store call may take (Redis: to connect, to answer); past it the store is unavailable" },
	{ "store_sent_days", MV_SETTING_UINT, "30", 1, 3650, NULL,
	  "days the Message-IDs of the mail our users sent are remembered" },
	{ "store_peer_days", MV_SETTING_UINT, "90", 1, 3650, NULL,
	  "days a correspondent is remembered after the last mail to or from them" },
	{ "store_mdn_days", MV_SETTING_UINT, "30", 1, 3650, NULL,
	  "days a removed receipt request is remembered" },
};

const struct mv_setting_table engine_store_setting_table = {
	"store", store_settings, sizeof(store_settings) / sizeof(store_settings[0]),
};

int engine_store_init(struct engine_store *es, const struct mv_config *cfg, char **error_r)
{
	const char *spec = mv_config_string(cfg, "store"), *file;
	char *why = NULL;
	unsigned line;

	pthread_mutex_init(&es->lock, NULL);
	es->inited = true;
	atomic_init(&es->store, NULL);
	es->timeout_ms = (unsigned)mv_config_time_ms(cfg, "store_timeout");
	es->ttl[STORE_SENT] = (uint32_t)mv_config_uint(cfg, "store_sent_days") * DAY;
	es->ttl[STORE_PEER] = (uint32_t)mv_config_uint(cfg, "store_peer_days") * DAY;
	es->ttl[STORE_MDN_REMOVED] = (uint32_t)mv_config_uint(cfg, "store_mdn_days") * DAY;
	if (spec[0] == '\0')
		return 0;
	/* A typo is the configuration's error, named by file and line; only opening waits for the first scan. */
	if (store_spec_check(spec, &why) != MV_OK) {
		engine_setting_where(cfg, "store", &file, &line);
		*error_r = engine_error(file, line, "store: %s", why != NULL ? why : "out of memory");
		free(why);
		return -1;
	}
	es->spec = strdup(spec);
	return es->spec != NULL ? 0 : -1;
}

void engine_store_deinit(struct engine_store *es)
{
	if (!es->inited)
		return;
	store_close(atomic_load(&es->store));
	pthread_mutex_destroy(&es->lock);
	free(es->spec);
	free(es->error);
}

bool engine_store_configured(const struct mv_engine *engine)
{
	return engine->store.spec != NULL;
}

/* Opens the store, or says why not (into the arena); under es->lock. */
static struct store *open_locked(struct engine_store *es, mv_arena *arena, const char **why_r)
{
	struct store *s = atomic_load(&es->store);
	uint64_t now = store_now_ms();
	char *error = NULL;

	if (s != NULL)
		return s;
	if (now >= es->retry_at) {
		if (store_open(es->spec, es->timeout_ms, &s, &error) == MV_OK) {
			atomic_store_explicit(&es->store, s, memory_order_release);
			return s;
		}
		free(es->error);
		es->error = error;
		es->retry_at = now + REOPEN_MS;
	}
	*why_r = mv_arena_strndup(arena, es->error != NULL ? es->error : "out of memory",
				  es->error != NULL ? strlen(es->error) : 13);
	return NULL;
}

struct store *task_store(struct mv_task *task)
{
	struct engine_store *es = &task->engine->store;
	const char *why = NULL;
	struct store *s;

	if (es->spec == NULL)
		return NULL;
	s = atomic_load_explicit(&es->store, memory_order_acquire);
	if (s != NULL)
		return s;
	pthread_mutex_lock(&es->lock);
	s = open_locked(es, task->msg->arena, &why);
	pthread_mutex_unlock(&es->lock);
	if (s == NULL && !task->store_failed) {
		task->store_failed = true;
		(void)task_symbol_id(task, task->engine->store_symbol, "opening the store failed: %s",
				     why != NULL ? why : "out of memory");
	}
	return s;
}

void task_store_failed(struct mv_task *task, const char *what, int status)
{
	const char *why = store_error();

	if (task->store_failed)
		return;
	task->store_failed = true;
	(void)task_symbol_id(task, task->engine->store_symbol, "%s failed: %s", what,
			     why[0] != '\0' ? why : mv_strerror(status));
}

uint32_t task_store_ttl(struct mv_task *task, enum store_ns ns)
{
	return (unsigned)ns < STORE_NS_COUNT ? task->engine->store.ttl[ns] : 0;
}
