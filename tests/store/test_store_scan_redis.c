/*
 * Scans through the engine with a Redis store (store_scan.h), against a real
 * redis-server (redis_server.h): the same scenario as LMDB; then Redis goes
 * away between scans: the scans go on, STORE_UNAVAILABLE says what failed,
 * none waits past store_timeout (and for a second after a failure none waits
 * at all); when Redis is back, the store works again.  Skipped (77) only when
 * redis-server is not installed.
 */
#include "redis_server.h"
#include "store_scan.h"

static struct redis_server server;

static struct mv_engine *redis_engine(const char *spec, const char *timeout)
{
	char conf[256];

	snprintf(conf, sizeof(conf), "store = %s\nstore_timeout = %s\n", spec, timeout);
	return store_engine(conf);
}

static void test_scan_redis_scenario(void)
{
	struct mv_engine *e = redis_engine(server.tcp_spec, "2s");

	CHECK(e != NULL);
	if (e != NULL)
		store_scenario(e);
	mv_engine_unref(&e);
}

static void test_scan_redis_goes_away_and_comes_back(void)
{
	struct mv_engine *e = redis_engine(server.unix_spec, "2s");
	const char *detail;
	double t;
	int i;

	CHECK(e != NULL);
	if (e == NULL)
		return;
	SCAN(e, "alice@example.org", "bob@other.example", "s", "before@example.org", NULL, "alice", T0, "");
	SCAN(e, "bob@other.example", "alice@example.org", "Re", "r@o", "before@example.org", NULL, T0,
	     "T_SENT_FOUND=alice@example.org bob@other.example");
	redis_stop_with(&server, SIGKILL);
	/* Gone: the scan goes on (the test check still judges), and says so. */
	SCAN(e, "bob@other.example", "alice@example.org", "junk", "r2@o", "before@example.org", NULL, T0,
	     "T_JUNK STORE_UNAVAILABLE");
	CHECK(scan_seconds < time_bound(0.2));
	detail = unavailable_detail(e, T0);
	CHECK(strstr(detail, "looking up sent mail failed: redis+unix:") == detail ||
	      strstr(detail, "looking up a correspondent failed: redis+unix:") == detail);
	/* Many messages while it is gone: none waits. */
	t = now_monotonic();
	for (i = 0; i < 100; i++)
		SCAN(e, "alice@example.org", "bob@other.example", "s", "gone@example.org", NULL, "alice", T0,
		     "STORE_UNAVAILABLE");
	CHECK(now_monotonic() - t < time_bound(1.0));
	CHECK(redis_run(&server));
	sleep_seconds(1.1);
	/* Back (empty: it kept nothing on disk): records and look-ups work again. */
	SCAN(e, "alice@example.org", "bob@other.example", "s", "after@example.org", NULL, "alice", T0, "");
	SCAN(e, "bob@other.example", "alice@example.org", "Re", "r3@o", "after@example.org", NULL, T0,
	     "T_SENT_FOUND=alice@example.org bob@other.example");
	mv_engine_unref(&e);
}

/* Redis accepts but does not answer (stopped): a scan waits store_timeout once, then not at all. */
static void test_scan_redis_silent(void)
{
	struct mv_engine *e = redis_engine(server.tcp_spec, "200ms");

	CHECK(e != NULL);
	if (e == NULL)
		return;
	SCAN(e, "alice@example.org", "bob@other.example", "s", "warm@example.org", NULL, "alice", T0, "");
	kill(server.pid, SIGSTOP);
	SCAN(e, "bob@other.example", "alice@example.org", "Re", "r@o", "warm@example.org", NULL, T0,
	     "STORE_UNAVAILABLE");
	CHECK(scan_seconds >= 0.18 && scan_seconds < time_bound(0.45));
	SCAN(e, "bob@other.example", "alice@example.org", "Re", "r@o", "warm@example.org", NULL, T0,
	     "STORE_UNAVAILABLE");
	CHECK(scan_seconds < time_bound(0.05));
	CHECK(strstr(unavailable_detail(e, T0), "failed less than a second ago") != NULL);
	kill(server.pid, SIGCONT);
	sleep_seconds(1.1);
	SCAN(e, "bob@other.example", "alice@example.org", "Re", "r@o", "warm@example.org", NULL, T0,
	     "T_SENT_FOUND=alice@example.org bob@other.example");
	mv_engine_unref(&e);
}

int main(void)
{
	int rc = redis_test_start(&server);

	if (rc != 0)
		return rc;
	RUN(test_scan_redis_scenario);
	RUN(test_scan_redis_goes_away_and_comes_back);
	RUN(test_scan_redis_silent);
	redis_cleanup(&server);
	return test_summary();
}
