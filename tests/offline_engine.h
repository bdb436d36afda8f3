/*
 * An engine for tests: the built-in checks with configuration text `conf`,
 * and DNS answered from an empty zone (tests/data/no-records.zone; tests run
 * in tests/), so that no test asks the network or waits on it.
 */
#ifndef MAILVET_TEST_OFFLINE_ENGINE_H
#define MAILVET_TEST_OFFLINE_ENGINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailvet/engine.h"

static inline struct mv_engine *offline_engine(const char *conf)
{
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *e = NULL;
	char *error = NULL;

	if (cfg != NULL && mv_config_read_text(cfg, "test.conf", conf, strlen(conf), &error) == 0 &&
	    mv_config_set(cfg, "dns_zone = data/no-records.zone", &error) == 0) {
		mv_config_finish(cfg);
		(void)mv_engine_new(cfg, &e, &error);
	}
	if (error != NULL)
		fprintf(stderr, "offline_engine: %s\n", error);
	free(error);
	mv_config_unref(&cfg);
	return e;
}

#endif
