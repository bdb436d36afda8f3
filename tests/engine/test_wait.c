/*
 * Waiting without blocking: checks that wait for a real network lookup (a UDP
 * service on loopback that answers after a delay, tests/engine/delay_service.c)
 * let their thread go on with other messages.  1,000 messages each waiting
 * 50 ms finish on two threads in far less than the 50 s a blocking scan would
 * take; the lookups of one message run concurrently; a lookup that never
 * answers ends at the deadline as a temporary error; mv_scan() waits inside
 * the call.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "delay_service.c"
#include "engine/engine_int.h"
#include "mailvet/scan.h"
#include "test.h"

static _Thread_local struct delay_client *thread_client;
static unsigned server_port;

/* Per task: one lookup. */
struct delay_state {
	struct task_wait wait;
	struct delay_query *query;
	struct delay_client *client;
};

struct delay_settings {
	unsigned delay_ms;
	bool never;
};

static atomic_int in_flight, max_in_flight;

static void lookup_answered(void *arg, int status)
{
	struct delay_state *st = arg;

	atomic_fetch_sub(&in_flight, 1);
	task_wait_done(&st->wait, status == 0 ? MV_OK : MV_TEMPFAIL);
}

static void lookup_cancel(struct task_wait *wait)
{
	struct delay_state *st = (struct delay_state *)wait;

	atomic_fetch_sub(&in_flight, 1);
	delay_client_cancel(st->client, st->query);
}

/* The two symbols of a delay check: answered, or a temporary error. */
static int delay_run_common(struct mv_task *task, const struct delay_settings *set)
{
	void **slot = task_check_slot(task);
	struct delay_state *st = *slot;
	struct delay_client *client = thread_client;
	int now;

	if (st == NULL) {
		st = mv_arena_calloc(task_arena(task), 1, sizeof(*st));
		if (st == NULL)
			return MV_NOMEM;
		*slot = st;
		if (client == NULL) {
			/* mv_scan() on a thread without a client: the thread's own loop serves. */
			client = thread_client = delay_client_new(task_loop(task), server_port);
			if (client == NULL)
				return MV_NOMEM;
		}
		st->client = client;
		if (delay_client_ask(client, set->delay_ms, set->never, lookup_answered, st, &st->query) < 0)
			return task_symbol(task, 1, "could not ask") < 0 ? MV_NOMEM : MV_OK;
		now = atomic_fetch_add(&in_flight, 1) + 1;
		for (int m = atomic_load(&max_in_flight); now > m && !atomic_compare_exchange_weak(&max_in_flight, &m, now);)
			;
		task_wait_start(task, &st->wait, lookup_cancel);
		return MV_AGAIN;
	}
	if (st->wait.status == MV_OK)
		return task_symbol(task, 0, NULL) < 0 ? MV_NOMEM : MV_OK;
	return task_symbol(task, 1, "%s", mv_strerror(st->wait.status)) < 0 ? MV_NOMEM : MV_OK;
}

static const struct mv_setting_def delay_settings_defs[] = {
	{ "test_delay_ms", MV_SETTING_UINT, "50", 0, 100000, NULL, "how long the lookup service waits" },
	{ "test_delay_never", MV_SETTING_BOOL, "no", 0, 0, NULL, "the service never answers" },
};

static int delay_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct delay_settings *set = malloc(sizeof(*set));

	if (set == NULL)
		return -1;
	set->delay_ms = (unsigned)mv_config_uint(cfg, "test_delay_ms");
	set->never = mv_config_bool(cfg, "test_delay_never");
	*state_r = set;
	return 0;
}

static int delay_run(struct mv_task *task, void *state)
{
	return delay_run_common(task, state);
}

static const struct check_symbol delay_symbols[] = {
	{ "T_DELAY_OK", "test", 0.0, "the lookup answered" },
	{ "T_DELAY_TEMPERROR", "test", 0.0, "the lookup did not answer in time" },
};

static const struct check_def check_delay = {
	.name = "delay", .description = "test", .symbols = delay_symbols, .n_symbols = 2,
	.needs = MV_NEED_DNS, .stage = MV_STAGE_CONNECT, .settings = delay_settings_defs, .n_settings = 2,
	.init = delay_init, .deinit = free, .run = delay_run,
};

/* A second waiting check, to show that one message's lookups overlap; it runs after "delay" is started. */
static const struct check_symbol delay2_symbols[] = {
	{ "T_DELAY2_OK", "test", 0.0, "the second lookup answered" },
	{ "T_DELAY2_TEMPERROR", "test", 0.0, "the second lookup did not answer in time" },
};

static bool first_still_pending;

static int delay2_run(struct mv_task *task, void *state)
{
	static const struct delay_settings set = { 100, false };

	if (*task_check_slot(task) == NULL)
		first_still_pending = atomic_load(&in_flight) == 1;
	return delay_run_common(task, &set);
}

static const struct check_def check_delay2 = {
	.name = "delay2", .description = "test", .symbols = delay2_symbols, .n_symbols = 2,
	.needs = MV_NEED_DNS, .stage = MV_STAGE_CONNECT, .run = delay2_run,
};

/* Depends on both lookups: it may only run once both are done. */
static const char *const after_both[] = { "delay", "delay2", NULL };
static const struct check_symbol join_symbols[] = { { "T_JOIN", "test", 0.0, "ran after both lookups" } };

static int join_run(struct mv_task *task, void *state)
{
	const struct mv_report *r = task_report(task);

	if (mv_report_symbol(r, "T_DELAY_OK") != NULL && mv_report_symbol(r, "T_DELAY2_OK") != NULL)
		return task_symbol(task, 0, NULL) < 0 ? MV_NOMEM : MV_OK;
	return MV_OK;
}

static const struct check_def check_join = {
	.name = "join", .description = "test", .symbols = join_symbols, .n_symbols = 1,
	.stage = MV_STAGE_BODY, .after = after_both, .run = join_run,
};

static const char message[] = "From: a@example.org\nSubject: s\nDate: Mon, 7 Dec 2026 10:00:00 +0000\n"
			      "Message-ID: <x@example.org>\n\nbody\n";

static struct mv_engine *make_engine(const struct check_def *const *checks, size_t n, const char *text)
{
	/* Built-in checks that look names up (dmarc) would wait on DNS the timings do not count on. */
	static const char quiet[] = "disabled_checks = dmarc\n";
	struct mv_config *cfg = engine_config_new_with(checks, n);
	struct mv_engine *engine = NULL;
	char *error = NULL;

	if (mv_config_read_text(cfg, "quiet.conf", quiet, sizeof(quiet) - 1, &error) == 0 &&
	    mv_config_read_text(cfg, "test.conf", text, strlen(text), &error) == 0) {
		mv_config_finish(cfg);
		(void)engine_new_with(cfg, checks, n, &engine, &error);
	}
	if (error != NULL)
		fprintf(stderr, "%s\n", error);
	free(error);
	mv_config_unref(&cfg);
	return engine;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A worker: its own loop and lookup client, `count` messages started at once, then the loop until all are done. */
struct worker {
	pthread_t thread;
	struct mv_engine *engine;
	unsigned count, done, ok;
};

struct job {
	struct worker *w;
	struct mv_msg *msg;
	struct mv_report report;
	struct mv_task *task;
};

static void job_finished(struct mv_task *task, void *arg)
{
	struct job *job = arg;

	job->w->done++;
	job->w->ok += mv_report_symbol(&job->report, "T_DELAY_OK") != NULL;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct mv_loop *loop = mv_loop_new();
	struct job *jobs = calloc(w->count, sizeof(*jobs));
	unsigned i;

	thread_client = loop != NULL ? delay_client_new(loop, server_port) : NULL;
	if (jobs == NULL || thread_client == NULL)
		return NULL;
	for (i = 0; i < w->count; i++) {
		struct job *job = &jobs[i];
		int rc;

		job->w = w;
		if (mv_msg_parse(message, sizeof(message) - 1, mv_engine_limits(w->engine), &job->msg) < 0)
			continue;
		job->task = mv_task_new(w->engine, job->msg, NULL, &job->report);
		rc = mv_task_run(job->task, loop, job_finished, job);
		if (rc != MV_AGAIN)
			job_finished(job->task, job);
	}
	while (w->done < w->count && mv_loop_run_once(loop, 1000) >= 0)
		;
	for (i = 0; i < w->count; i++) {
		mv_task_free(&jobs[i].task);
		mv_msg_free(&jobs[i].msg);
	}
	free(jobs);
	delay_client_free(&thread_client);
	thread_client = NULL;
	mv_loop_free(&loop);
	return NULL;
}

static void test_wait_thousand_messages_on_two_threads(void)
{
	const struct check_def *checks[] = { &check_delay };
	struct mv_engine *engine = make_engine(checks, 1, "test_delay_ms = 50\n");
	struct worker w[2] = { { .engine = engine, .count = 500 }, { .engine = engine, .count = 500 } };
	double start = now_s(), took;

	atomic_store(&max_in_flight, 0);
	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	CHECK(pthread_create(&w[0].thread, NULL, worker_main, &w[0]) == 0);
	CHECK(pthread_create(&w[1].thread, NULL, worker_main, &w[1]) == 0);
	pthread_join(w[0].thread, NULL);
	pthread_join(w[1].thread, NULL);
	took = now_s() - start;
	printf("1000 messages waiting 50 ms each on 2 threads: %.3f s, up to %d lookups in flight\n", took,
	       atomic_load(&max_in_flight));
	CHECK_INT(w[0].done + w[1].done, 1000);
	CHECK_INT(w[0].ok + w[1].ok, 1000);
	/* Blocking would take 1000 x 50 ms / 2 threads = 25 s at best. */
	CHECK(atomic_load(&max_in_flight) >= 100);
	CHECK(took < time_bound(5.0));
	mv_engine_unref(&engine);
}

static void test_wait_never_answered_ends_at_the_deadline(void)
{
	const struct check_def *checks[] = { &check_delay };
	struct mv_engine *engine = make_engine(checks, 1, "test_delay_never = yes\nscan_deadline = 200ms\n");
	struct mv_report report;
	struct mv_msg *msg = NULL;
	double start, took;

	CHECK(engine != NULL);
	if (engine == NULL || mv_msg_parse(message, sizeof(message) - 1, mv_engine_limits(engine), &msg) < 0)
		return;
	start = now_s();
	CHECK_INT(mv_scan(engine, msg, NULL, &report), MV_OK);
	took = now_s() - start;
	CHECK(mv_report_symbol(&report, "T_DELAY_TEMPERROR") != NULL);
	CHECK(mv_report_symbol(&report, "T_DELAY_OK") == NULL);
	if (mv_report_symbol(&report, "T_DELAY_TEMPERROR") != NULL)
		CHECK_STR(mv_report_symbol(&report, "T_DELAY_TEMPERROR")->detail, "the deadline passed");
	CHECK(took >= 0.15);
	CHECK(took < time_bound(2.0));
	CHECK_INT(atomic_load(&in_flight), 0);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_wait_lookups_of_one_message_overlap(void)
{
	const struct check_def *checks[] = { &check_delay, &check_delay2, &check_join };
	struct mv_engine *engine = make_engine(checks, 3, "test_delay_ms = 100\n");
	struct mv_report report;
	struct mv_msg *msg = NULL;

	CHECK(engine != NULL);
	if (engine == NULL || mv_msg_parse(message, sizeof(message) - 1, mv_engine_limits(engine), &msg) < 0)
		return;
	first_still_pending = false;
	CHECK_INT(mv_scan(engine, msg, NULL, &report), MV_OK);
	CHECK(first_still_pending);
	CHECK(mv_report_symbol(&report, "T_DELAY_OK") != NULL);
	CHECK(mv_report_symbol(&report, "T_DELAY2_OK") != NULL);
	CHECK(mv_report_symbol(&report, "T_JOIN") != NULL);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

int main(void)
{
	struct delay_server *server = delay_server_start();

	CHECK(server != NULL);
	if (server == NULL)
		return test_summary();
	server_port = delay_server_port(server);
	RUN(test_wait_thousand_messages_on_two_threads);
	RUN(test_wait_never_answered_ends_at_the_deadline);
	RUN(test_wait_lookups_of_one_message_overlap);
	if (thread_client != NULL)
		delay_client_free(&thread_client);
	delay_server_stop(&server);
	return test_summary();
}
