/*
 * mv_scan(): one message through the engine, waiting inside the call.  With
 * no engine given, the built-in defaults serve (no configuration file is
 * read: a library caller decides which file, if any, applies).
 */
#include <pthread.h>
#include <stdlib.h>

#include "engine/engine_int.h"

static struct mv_engine *default_engine;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void make_default_engine(void)
{
	struct mv_config *cfg = mv_engine_config_new();
	char *error = NULL;

	if (cfg == NULL)
		return;
	mv_config_finish(cfg);
	if (mv_engine_new(cfg, &default_engine, &error) < 0)
		default_engine = NULL;
	free(error);
	mv_config_unref(&cfg);
}

int mv_scan(struct mv_engine *engine, struct mv_msg *msg, const struct mv_envelope *env, struct mv_report *report)
{
	struct mv_task *task;
	int rc;

	if (engine == NULL) {
		pthread_once(&default_once, make_default_engine);
		engine = default_engine;
		if (engine == NULL)
			return MV_NOMEM;
	}
	task = mv_task_new(engine, msg, env, report);
	if (task == NULL) {
		msg->problems |= MV_PROB_MEMORY;
		return MV_NOMEM;
	}
	rc = mv_task_run(task, NULL, NULL, NULL);
	mv_task_free(&task);
	return rc;
}
