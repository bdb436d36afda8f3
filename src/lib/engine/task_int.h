/* The task's state, shared by the engine's files. */
#ifndef MV_ENGINE_TASK_INT_H
#define MV_ENGINE_TASK_INT_H

#include "engine/engine_int.h"

enum task_check_state {
	CHECK_NOT_RUN,
	CHECK_WAITING,
	CHECK_DONE,		/* from here on: done or skipped */
	CHECK_SKIPPED,
};

struct task_check {
	unsigned char state;	/* enum task_check_state */
	unsigned pending;	/* waits not yet completed */
	void *slot;		/* the check's per-task state */
};

struct mv_task {
	struct mv_engine *engine;
	struct mv_msg *msg;
	struct mv_report *report;
	struct task_check *checks;	/* parallel to engine->checks */
	unsigned current;		/* the check running now */
	int status;
	struct mv_loop *loop;
	struct mv_timer *deadline_timer;
	uint64_t started;		/* monotonic ms */
	struct task_wait *waits;	/* pending */
	mv_task_done_fn *done;
	void *done_arg;
	bool finished, deadline_passed, resume_queued;
	bool store_failed;		/* STORE_UNAVAILABLE was reported */
	struct dns_memo *dns_memo;	/* the message's DNS answers (dns/dns_task.c) */
};

/* The report's facts that do not depend on any check: Message-ID, Date, Received hops. */
int report_collect(struct mv_task *task);
/* Reports the symbol of engine id `id` (any check's; -1: none) with a printf-style detail. */
int task_symbol_id(struct mv_task *task, int id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports MEMORY_LIMIT when the message ran out of memory after the check that reports it. */
int task_report_memory(struct mv_task *task);
/* Evaluates the composites and reports those that hold. */
int task_composites(struct mv_task *task);

#endif
