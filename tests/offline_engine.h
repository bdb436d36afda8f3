/*
 * An engine for tests: the built-in checks with configuration text `conf`,
 * and DNS answered from an empty zone (tests/data/no-records.zone; tests run
 * in tests/), so that no test asks the network or waits on it; or from an
 * in-memory zone the test fills (zone_engine).
 */
#ifndef MAILVET_TEST_OFFLINE_ENGINE_H
#define MAILVET_TEST_OFFLINE_ENGINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "engine/engine_int.h"
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

/* The same, answering DNS from `zone` (which it takes), at most max_queries a message; NULL on failure. */
static inline struct mv_engine *zone_engine(const char *conf, struct dns_zone *zone, unsigned max_queries)
{
	struct mv_engine *e = offline_engine(conf);
	struct dns_resolver *resolver = NULL;

	if (e == NULL || dns_resolver_from_zone(zone, max_queries, &resolver) < 0) {
		if (e == NULL)
			dns_zone_free(&zone);
		mv_engine_unref(&e);
		return NULL;
	}
	engine_replace_resolver(e, resolver);
	return e;
}

#endif
