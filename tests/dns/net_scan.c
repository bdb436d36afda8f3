/*
 * Test-only (included by the network tests after lookup_check.c): engines
 * whose lookup check asks a server on 127.0.0.1:net_port, and a scan that
 * also checks that no c-ares channel is left open after it.
 */
#include <time.h>

#include "dns/dns_int.h"

static unsigned net_port;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An engine asking the server, with extra configuration lines. */
static struct mv_engine *net_engine(const char *lookups, const char *extra)
{
	char text[8192], *error = NULL;
	struct mv_engine *engine;

	snprintf(text, sizeof(text), "dns_servers = 127.0.0.1:%u\ntest_lookups = %s\n%s", net_port, lookups, extra);
	engine = lookup_engine(text, &error);
	if (error != NULL)
		fprintf(stderr, "%s\n", error);
	free(error);
	return engine;
}

/* One message scanned by a new engine: the text of T_DNS, and how long it took. */
static char *net_scan(const char *lookups, const char *extra, double *took_r)
{
	struct mv_engine *engine = net_engine(lookups, extra);
	double start = now_s();
	char *detail;

	if (engine == NULL)
		return NULL;
	detail = lookup_scan(engine);
	if (took_r != NULL)
		*took_r = now_s() - start;
	/* Once the scan is over no channel stays open. */
	CHECK_INT(dns_net_channels(engine->dns), 0);
	mv_engine_unref(&engine);
	return detail;
}
