/*
 * A task: one scan of one message.  The checks run in the engine's order; a
 * check whose needs are not met is skipped, one that waits for lookups lets
 * the task go on with the checks that do not depend on it, and is run again
 * when its lookups have all completed.  A deadline ends every lookup still
 * pending.  Once all checks are done the composites are evaluated and the
 * score becomes an action.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine_int.h"
#include "engine/task_int.h"
#include "util/thread_exit.h"

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct mv_task *mv_task_new(struct mv_engine *engine, struct mv_msg *msg, const struct mv_envelope *env,
			    struct mv_report *report)
{
	struct mv_task *task = mv_arena_calloc(msg->arena, 1, sizeof(*task));

	memset(report, 0, sizeof(*report));
	report->msg = msg;
	if (task == NULL)
		return NULL;
	task->checks = mv_arena_calloc(msg->arena, engine->n_checks + 1, sizeof(*task->checks));
	if (task->checks == NULL)
		return NULL;
	task->engine = mv_engine_ref(engine);
	task->msg = msg;
	task->report = report;
	task->status = MV_OK;
	task->started = monotonic_ms();
	if (report_collect(task) < 0 || envelope_resolve(&engine->envelope, msg, report, env) < 0) {
		msg->problems |= MV_PROB_MEMORY;
		task->status = MV_NOMEM;
	}
	return task;
}

void mv_task_free(struct mv_task **taskp)
{
	struct mv_task *task = *taskp;

	*taskp = NULL;
	if (task == NULL)
		return;
	if (task->deadline_timer != NULL)
		mv_loop_timer_cancel(task->loop, task->deadline_timer);
	while (task->waits != NULL) {
		struct task_wait *w = task->waits;

		task->waits = w->next;
		w->cancel(w);
	}
	mv_engine_unref(&task->engine);
}

static bool needs_met(const struct mv_task *task, unsigned needs)
{
	if ((needs & MV_NEED_ENVELOPE) && task->report->envelope.source == MV_ENVELOPE_NONE)
		return false;
	return !(needs & MV_NEED_STORE) || engine_store_configured(task->engine);
}

static bool deps_done(const struct mv_task *task, const struct engine_check *c)
{
	unsigned i;

	for (i = 0; i < c->n_after; i++) {
		if (task->checks[c->after[i]].state < CHECK_DONE)
			return false;
	}
	return true;
}

static void run_check(struct mv_task *task, unsigned i)
{
	const struct engine_check *c = &task->engine->checks[i];
	struct task_check *tc = &task->checks[i];
	int rc;

	task->current = i;
	rc = c->def->run(task, c->state);
	if (rc == MV_AGAIN && tc->pending != 0) {
		tc->state = CHECK_WAITING;
		return;
	}
	tc->state = CHECK_DONE;
	if (rc == MV_NOMEM) {
		task->msg->problems |= MV_PROB_MEMORY;
		task->status = MV_NOMEM;
	}
}

/* Runs every check that can run now; true when all are done. */
static bool advance(struct mv_task *task)
{
	const struct mv_engine *engine = task->engine;
	unsigned i, done = 0;

	for (i = 0; i < engine->n_checks; i++) {
		const struct engine_check *c = &engine->checks[i];
		struct task_check *tc = &task->checks[i];

		if (tc->state == CHECK_NOT_RUN && deps_done(task, c)) {
			if (!c->info.enabled || !needs_met(task, c->def->needs))
				tc->state = CHECK_SKIPPED;
			else
				run_check(task, i);
		} else if (tc->state == CHECK_WAITING && tc->pending == 0) {
			run_check(task, i);
		}
		done += tc->state >= CHECK_DONE;
	}
	return done == engine->n_checks;
}

static int finish(struct mv_task *task)
{
	const struct mv_engine *engine = task->engine;
	struct mv_report *report = task->report;

	if (engine->n_composites != 0 && task_composites(task) < 0) {
		task->msg->problems |= MV_PROB_MEMORY;
		task->status = MV_NOMEM;
	}
	(void)task_report_memory(task);
	if (report->score >= engine->reject_score)
		report->action = MV_ACTION_REJECT;
	else if (report->score >= engine->quarantine_score)
		report->action = MV_ACTION_QUARANTINE;
	else if (report->score >= engine->tag_score)
		report->action = MV_ACTION_TAG;
	else
		report->action = MV_ACTION_ACCEPT;
	if (report->min_action > report->action)
		report->action = report->min_action;
	task->finished = true;
	if (task->deadline_timer != NULL) {
		mv_loop_timer_cancel(task->loop, task->deadline_timer);
		task->deadline_timer = NULL;
	}
	return task->status;
}

/* From the loop: a check's last lookup completed, or the deadline passed. */
static void resume(void *arg)
{
	struct mv_task *task = arg;

	task->resume_queued = false;
	if (task->finished || !advance(task))
		return;
	finish(task);
	if (task->done != NULL)
		task->done(task, task->done_arg);
}

static void on_deadline(void *arg)
{
	struct mv_task *task = arg;

	task->deadline_timer = NULL;
	task->deadline_passed = true;
	while (task->waits != NULL) {
		struct task_wait *w = task->waits;

		w->cancel(w);
		task_wait_done(w, MV_TIMEOUT);
	}
}

/* A check still waiting with nothing to wait for is a bug of the check: end it, do not hang. */
static void give_up(struct mv_task *task)
{
	unsigned i;

	for (i = 0; i < task->engine->n_checks; i++) {
		if (task->checks[i].state < CHECK_DONE)
			task->checks[i].state = CHECK_DONE;
	}
	finish(task);
}

/* The thread's own loop, for callers that cannot wait (mv_scan()). */
static _Thread_local struct {
	struct mv_thread_exit hook;
	struct mv_loop *loop;
} own;

static void own_loop_release(struct mv_thread_exit *hook)
{
	(void)hook;
	mv_loop_free(&own.loop);
}

static struct mv_loop *own_loop(void)
{
	if (own.loop == NULL) {
		own.hook.release = own_loop_release;
		if (!mv_thread_exit_register(&own.hook))
			return NULL;
		own.loop = mv_loop_new();
	}
	return own.loop;
}

struct mv_loop *task_loop(struct mv_task *task)
{
	if (task->loop == NULL)
		task->loop = own_loop();
	return task->loop;
}

int mv_task_run(struct mv_task *task, struct mv_loop *loop, mv_task_done_fn *done, void *arg)
{
	task->loop = loop;
	task->done = done;
	task->done_arg = arg;
	if (advance(task))
		return finish(task);
	if (loop != NULL)
		return MV_AGAIN;
	/* The caller cannot wait: wait here, on the thread's own loop. */
	task->done = NULL;
	while (!task->finished) {
		if (task->loop == NULL || !mv_loop_busy(task->loop) || mv_loop_run_once(task->loop, -1) < 0) {
			/* Nothing left to wait on (or no loop): every lookup fails now, every check ends. */
			on_deadline(task);
			resume(task);
			if (!task->finished)
				give_up(task);
		}
	}
	return task->status;
}

void task_wait_start(struct mv_task *task, struct task_wait *wait, void (*cancel)(struct task_wait *wait))
{
	struct mv_loop *loop = task_loop(task);

	wait->task = task;
	wait->cancel = cancel;
	wait->status = MV_AGAIN;
	wait->check = task->current;
	wait->prev = NULL;
	wait->next = task->waits;
	if (task->waits != NULL)
		task->waits->prev = wait;
	task->waits = wait;
	task->checks[task->current].pending++;
	if (loop == NULL || task->deadline_passed) {
		/* Ends at once, but from the loop (or the waiting loop in mv_task_run), not inside the check. */
		task->deadline_passed = true;
		wait->cancel(wait);
		task_wait_done(wait, MV_TIMEOUT);
		return;
	}
	if (task->deadline_timer == NULL) {
		uint64_t now = mv_loop_now(loop), end = task->started + task->engine->deadline_ms;
		uint64_t left = end > monotonic_ms() ? end - monotonic_ms() : 0;

		(void)now;
		task->deadline_timer = mv_loop_timer(loop, left, on_deadline, task);
		if (task->deadline_timer == NULL) {
			wait->cancel(wait);
			task_wait_done(wait, MV_NOMEM);
		}
	}
}

void task_wait_done(struct task_wait *wait, int status)
{
	struct mv_task *task = wait->task;
	struct task_check *tc = &task->checks[wait->check];

	if (wait->status != MV_AGAIN)
		return;
	wait->status = status;
	if (wait->prev != NULL)
		wait->prev->next = wait->next;
	else
		task->waits = wait->next;
	if (wait->next != NULL)
		wait->next->prev = wait->prev;
	if (--tc->pending == 0 && !task->resume_queued) {
		task->resume_queued = true;
		if (task->loop == NULL || mv_loop_defer(task->loop, resume, task) < 0) {
			task->resume_queued = false;
			task->status = MV_NOMEM;
		}
	}
}

uint64_t task_time_left(const struct mv_task *task)
{
	uint64_t end = task->started + task->engine->deadline_ms, now = monotonic_ms();

	return task->deadline_passed || now >= end ? 0 : end - now;
}
