/*
 * The delayed lookup service of tests/engine on mv_loop: many queries in
 * flight on one loop over one UDP socket, as the engine will wait for DNS.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "../engine/delay_service.c"
#include "test.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct env {
	struct delay_server *server;
	struct mv_loop *loop;
	struct delay_client *client;
};

static void env_init(struct env *e)
{
	e->server = delay_server_start();
	CHECK(e->server != NULL);
	if (e->server == NULL)
		exit(2);
	e->loop = mv_loop_new();
	e->client = delay_client_new(e->loop, delay_server_port(e->server));
	CHECK(e->loop != NULL && e->client != NULL);
	if (e->client == NULL)
		exit(2);
}

static void env_deinit(struct env *e)
{
	delay_client_free(&e->client);
	CHECK(e->client == NULL);
	CHECK(!mv_loop_busy(e->loop));
	mv_loop_free(&e->loop);
	delay_server_stop(&e->server);
	CHECK(e->server == NULL);
}

struct answer {
	int id, status;
	uint64_t asked_ns, done_ns;
	unsigned delay_ms;
	int *order, *n;
};

static void answer_done(void *arg, int status)
{
	struct answer *a = arg;

	a->status = status;
	a->done_ns = now_ns();
	if (a->order != NULL)
		a->order[*a->n] = a->id;
	(*a->n)++;
}

static int ask(struct env *e, struct answer *a, unsigned delay_ms, bool never, struct delay_query **q_r)
{
	a->delay_ms = delay_ms;
	a->asked_ns = now_ns();
	a->status = -1;
	return delay_client_ask(e->client, delay_ms, never, answer_done, a, q_r);
}

/* Turns until *n reaches want or the (generous) bound passes. */
static void run_until(struct env *e, const int *n, int want, double bound_s)
{
	uint64_t t0 = now_ns();

	while (*n < want && (double)(now_ns() - t0) < bound_s * 1e9)
		CHECK(mv_loop_run_once(e->loop, 100) >= 0);
	CHECK_INT(*n, want);
}

/*
 * 1000 queries of 50 ms each are in flight together: all done in about 50
 * ms, not 50 s.  A "never" query asked with them is still waiting, and its
 * cancel leaves the loop idle.
 */
static void test_delay_thousand_overlapping(void)
{
	enum { N = 1000 };
	static struct answer a[N], never;
	struct delay_query *qnever = NULL;
	struct env e;
	uint64_t t0, took;
	int n = 0, never_n = 0, i, early = 0, bad = 0;

	env_init(&e);
	never.n = &never_n;
	t0 = now_ns();
	CHECK_INT(ask(&e, &never, 0, true, &qnever), 0);
	for (i = 0; i < N; i++) {
		a[i].n = &n;
		CHECK_INT(ask(&e, &a[i], 50, false, NULL), 0);
	}
	CHECK_INT(delay_client_pending(e.client), N + 1);
	run_until(&e, &n, N, time_bound(5));
	took = now_ns() - t0;
	for (i = 0; i < N; i++) {
		early += a[i].done_ns - a[i].asked_ns < 50 * 1000000u;
		bad += a[i].status != 0;
	}
	CHECK_INT(early, 0);
	CHECK_INT(bad, 0);
	CHECK((double)took < time_bound(5) * 1e9);
	printf("%d queries of 50 ms: %.1f ms in all, %lu resent\n", N, took / 1e6,
	       delay_client_resends(e.client));
	CHECK(delay_server_answered(e.server) >= N);
	CHECK_INT(never_n, 0);
	CHECK_INT(delay_client_pending(e.client), 1);
	CHECK(mv_loop_busy(e.loop));
	delay_client_cancel(e.client, qnever);
	CHECK_INT(delay_client_pending(e.client), 0);
	CHECK(!mv_loop_busy(e.loop));
	CHECK_INT(mv_loop_run(e.loop), 0);
	CHECK_INT(never_n, 0);
	env_deinit(&e);
}

/* Answers come in the order of their delays, none before its delay. */
static void test_delay_answers_in_delay_order(void)
{
	struct answer a[3] = { { .id = 0 }, { .id = 1 }, { .id = 2 } };
	static const unsigned delays[3] = { 60, 20, 40 };
	int order[3] = { -1, -1, -1 }, n = 0, i;
	struct env e;

	env_init(&e);
	for (i = 0; i < 3; i++) {
		a[i].order = order;
		a[i].n = &n;
		CHECK_INT(ask(&e, &a[i], delays[i], false, NULL), 0);
	}
	CHECK_INT(mv_loop_run(e.loop), 0);
	CHECK_INT(n, 3);
	CHECK_INT(order[0], 1);
	CHECK_INT(order[1], 2);
	CHECK_INT(order[2], 0);
	for (i = 0; i < 3; i++) {
		CHECK_INT(a[i].status, 0);
		CHECK(a[i].done_ns - a[i].asked_ns >= delays[i] * 1000000u);
	}
	env_deinit(&e);
}

/* A cancelled query's done is not called, and its answer, arriving later, is ignored. */
static void test_delay_cancel_before_answer(void)
{
	struct answer a = { 0 }, b = { 0 };
	struct delay_query *qa;
	int na = 0, nb = 0;
	struct env e;

	env_init(&e);
	a.n = &na;
	b.n = &nb;
	CHECK_INT(ask(&e, &a, 10, false, &qa), 0);
	CHECK_INT(ask(&e, &b, 60, false, NULL), 0);
	delay_client_cancel(e.client, qa);
	CHECK_INT(mv_loop_run(e.loop), 0);
	CHECK_INT(na, 0);
	CHECK_INT(nb, 1);
	CHECK(delay_server_answered(e.server) >= 2);
	env_deinit(&e);
}

/*
 * Sends that would block wait for write readiness (no resend to help them
 * out); a lost one is resent and answered.
 */
static void test_delay_send_faults(void)
{
	static struct answer a[10];
	int n = 0, i;
	struct env e;

	env_init(&e);
	delay_client_set_resend(e.client, 3600 * 1000);
	delay_client_fail_sends(e.client, 5, 0);
	for (i = 0; i < 10; i++) {
		a[i].n = &n;
		CHECK_INT(ask(&e, &a[i], 10, false, NULL), 0);
	}
	run_until(&e, &n, 10, time_bound(5));
	CHECK_INT(delay_client_resends(e.client), 0);
	CHECK(!mv_loop_busy(e.loop));

	n = 0;
	delay_client_set_resend(e.client, 30);
	delay_client_fail_sends(e.client, 0, 1);
	CHECK_INT(ask(&e, &a[0], 10, false, NULL), 0);
	CHECK_INT(mv_loop_run(e.loop), 0);
	CHECK_INT(n, 1);
	CHECK(delay_client_resends(e.client) >= 1);
	CHECK(a[0].done_ns - a[0].asked_ns >= (10 + 30 + 10) * 1000000u);
	env_deinit(&e);
}

struct freer {
	struct delay_client **client;
	int calls;
};

static void free_client_done(void *arg, int status)
{
	struct freer *f = arg;

	f->calls++;
	delay_client_free(f->client);
}

/* A done() may free the client while other answers of the same read are waiting. */
static void test_delay_done_frees_client(void)
{
	struct freer f = { 0 };
	struct env e;
	int i;

	env_init(&e);
	f.client = &e.client;
	for (i = 0; i < 5; i++)
		CHECK_INT(delay_client_ask(e.client, 10, false, free_client_done, &f, NULL), 0);
	CHECK_INT(mv_loop_run(e.loop), 0);
	CHECK_INT(f.calls, 1);
	CHECK(e.client == NULL);
	env_deinit(&e);
}

int main(void)
{
	alarm(300);
	RUN(test_delay_thousand_overlapping);
	RUN(test_delay_answers_in_delay_order);
	RUN(test_delay_cancel_before_answer);
	RUN(test_delay_send_faults);
	RUN(test_delay_done_frees_client);
	return test_summary();
}
