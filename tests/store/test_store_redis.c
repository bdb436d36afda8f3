/*
 * The Redis backend against a real redis-server (redis_server.h): the shared
 * cases over TCP and over the unix socket (another database), then failure:
 * a server that is gone answers MV_TEMPFAIL at once, and for a second nobody
 * tries again; a restarted server is used again, through a new connection
 * when the old one broke; a server that does not answer costs the timeout
 * and no more; threads count exactly.  Skipped (77) only when redis-server is
 * not installed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "redis_server.h"
#include "store_cases.h"
#include "store/store_int.h"

static struct redis_server server;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static struct store *open_spec(const char *spec, unsigned timeout_ms)
{
	struct store *s = NULL;
	char *error = NULL;

	if (store_open(spec, timeout_ms, &s, &error) != MV_OK)
		fprintf(stderr, "store_open %s: %s\n", spec, error != NULL ? error : "?");
	free(error);
	return s;
}

static int put(struct store *s, const char *key)
{
	return store_put(s, STORE_SENT, mv_str_cstr(key), MV_STR_LIT("v"), T0, 60);
}

/*
 * Calls that must succeed get a generous timeout: a loaded test machine can
 * stall Redis for longer than the default 200 ms.  Over TCP, then over the
 * unix socket (another database).
 */
static void test_redis_cases(void)
{
	const char *specs[] = { server.tcp_spec, server.unix_spec };
	unsigned i;

	for (i = 0; i < 2; i++) {
		struct store *s = open_spec(specs[i], 2000);

		CHECK(s != NULL);
		if (s != NULL)
			store_cases(s);
		store_close(s);
	}
}

/* SET with EX: Redis itself drops what expires. */
static void test_redis_sets_a_ttl(void)
{
	struct store *s = open_spec(server.tcp_spec, 2000);
	struct timeval tv = { 1, 0 };
	redisContext *c = redisConnectWithTimeout("127.0.0.1", (int)server.port, tv);
	redisReply *r;

	CHECK(s != NULL && c != NULL && c->err == 0);
	if (s == NULL || c == NULL || c->err != 0)
		goto out;
	CHECK_INT(store_put(s, STORE_PEER, MV_STR_LIT("Alice\tBob@Example.NET"), MV_STR_LIT("1"), T0, 7776000), MV_OK);
	r = redisCommand(c, "TTL mv:p:alice\tbob@example.net");
	CHECK(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer > 7775000 && r->integer <= 7776000);
	if (r != NULL)
		freeReplyObject(r);
out:
	if (c != NULL)
		redisFree(c);
	store_close(s);
}

static void test_redis_gone_then_back(void)
{
	struct store *s = open_spec(server.tcp_spec, 2000);
	double t;
	int i;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	CHECK_INT(put(s, "before"), MV_OK);
	redis_stop_with(&server, SIGKILL);
	/* The connection breaks, a new one is refused: a failure at once, not a timeout. */
	t = now_s();
	CHECK_INT(put(s, "while-down"), MV_TEMPFAIL);
	CHECK(now_s() - t < time_bound(0.1));
	CHECK(strstr(store_error(), "Connection refused") != NULL);
	/* For a second every call fails at once, without trying. */
	t = now_s();
	for (i = 0; i < 1000; i++)
		CHECK_INT(put(s, "while-down"), MV_TEMPFAIL);
	CHECK(now_s() - t < time_bound(0.1));
	CHECK(strstr(store_error(), "less than a second ago") != NULL);
	CHECK(redis_run(&server));
	/* Back: within a second (and a little) it is used again. */
	t = now_s();
	while (put(s, "after") != MV_OK && now_s() - t < 3)
		sleep_ms(50);
	CHECK(now_s() - t < time_bound(1.5));
	CHECK_INT(put(s, "after"), MV_OK);
	store_close(s);
}

/* A restart between two calls breaks the connection: the next call makes a new one and succeeds. */
static void test_redis_restart_between_calls(void)
{
	struct store *s = open_spec(server.unix_spec, 2000);
	mv_arena *arena = mv_arena_new(0);
	mv_str v;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	CHECK_INT(put(s, "one"), MV_OK);
	redis_stop(&server);
	CHECK(redis_run(&server));
	CHECK_INT(put(s, "two"), MV_OK);
	CHECK_INT(store_get(s, STORE_SENT, MV_STR_LIT("two"), T0, arena, &v), MV_OK);
	mv_arena_free(&arena);
	store_close(s);
}

/* A server that accepts and never answers (stopped): the call ends at the timeout. */
static void test_redis_silent_server_costs_the_timeout(void)
{
	struct store *s = open_spec(server.tcp_spec, 200);
	double t;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	CHECK_INT(put(s, "warm"), MV_OK);
	kill(server.pid, SIGSTOP);
	t = now_s();
	CHECK_INT(put(s, "silent"), MV_TEMPFAIL);
	t = now_s() - t;
	CHECK(t >= 0.18 && t < time_bound(0.4));
	CHECK(strstr(store_error(), "no answer within 200 ms") != NULL);
	/* Then no call waits for a second. */
	t = now_s();
	CHECK_INT(put(s, "silent"), MV_TEMPFAIL);
	CHECK(now_s() - t < time_bound(0.05));
	/* A new connection to the stopped server: the kernel accepts it, nothing answers. */
	store_close(s);
	s = open_spec(server.tcp_spec, 200);
	t = now_s();
	CHECK_INT(put(s, "silent"), MV_TEMPFAIL);
	t = now_s() - t;
	CHECK(t < time_bound(0.4));
	kill(server.pid, SIGCONT);
	sleep_ms(1100);
	CHECK_INT(put(s, "awake"), MV_OK);
	store_close(s);
}

struct adder {
	struct store *s;
	int rc;
};

static void *add_many(void *arg)
{
	struct adder *a = arg;
	uint64_t total;
	int i;

	for (i = 0; i < 500 && a->rc == MV_OK; i++)
		a->rc = store_add(a->s, MV_STR_LIT("threads"), T0, 3600, 1, &total);
	return NULL;
}

static void test_redis_threads_count_exactly(void)
{
	struct store *s = open_spec(server.tcp_spec, 2000);
	struct adder a[4];
	pthread_t th[4];
	uint64_t total = 0;
	int i;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	for (i = 0; i < 4; i++) {
		a[i] = (struct adder){ s, MV_OK };
		pthread_create(&th[i], NULL, add_many, &a[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(a[i].rc, MV_OK);
	}
	CHECK_INT(store_add(s, MV_STR_LIT("threads"), T0, 3600, 0, &total), MV_OK);
	CHECK_INT(total, 2000);
	store_close(s);
}

/* A password the server does not want, a database it does not have: the error says so. */
static void test_redis_refusals(void)
{
	char spec[128];
	struct store *s;

	snprintf(spec, sizeof(spec), "redis://127.0.0.1:%u/99", server.port);
	s = open_spec(spec, 2000);
	CHECK_INT(put(s, "k"), MV_TEMPFAIL);
	CHECK(strstr(store_error(), "SELECT") != NULL);
	store_close(s);
	snprintf(spec, sizeof(spec), "redis://:nope@127.0.0.1:%u/0", server.port);
	s = open_spec(spec, 2000);
	CHECK_INT(put(s, "k"), MV_TEMPFAIL);
	CHECK(strstr(store_error(), "AUTH") != NULL);
	CHECK(strstr(store_error(), "nope") == NULL);
	store_close(s);
}

int main(void)
{
	int rc = redis_test_start(&server);

	if (rc != 0)
		return rc;
	RUN(test_redis_cases);
	RUN(test_redis_sets_a_ttl);
	RUN(test_redis_threads_count_exactly);
	RUN(test_redis_refusals);
	RUN(test_redis_restart_between_calls);
	RUN(test_redis_gone_then_back);
	RUN(test_redis_silent_server_costs_the_timeout);
	redis_cleanup(&server);
	return test_summary();
}
