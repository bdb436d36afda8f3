/*
 * util/thread_exit: the hooks a thread registers run when it exits, the
 * newest first, each once; a hook registered during the exit (state made
 * again, or made by another module, in a release) runs too; registering
 * twice is once.
 */
#include <pthread.h>

#include "test.h"
#include "util/thread_exit.h"

struct counted {
	struct mv_thread_exit exit;	/* first */
	int id;
};

static char order[16];		/* the ids of the hooks that ran, in order */
static int n_order;
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;

static void note_release(struct mv_thread_exit *hook);
static void release_and_come_back(struct mv_thread_exit *hook);

static _Thread_local struct counted first = { { note_release, NULL, false }, 1 };
static _Thread_local struct counted second = { { note_release, NULL, false }, 2 };
static _Thread_local struct counted again = { { release_and_come_back, NULL, false }, 3 };
static _Thread_local int again_runs;
static void release_and_make_other(struct mv_thread_exit *hook);
static _Thread_local struct counted maker = { { release_and_make_other, NULL, false }, 4 };
static _Thread_local struct counted made = { { note_release, NULL, false }, 5 };

static void note_release(struct mv_thread_exit *hook)
{
	pthread_mutex_lock(&order_lock);
	if (n_order < (int)sizeof(order))
		order[n_order++] = (char)('0' + ((struct counted *)hook)->id);
	pthread_mutex_unlock(&order_lock);
}

/* The first time, registers itself again, as a cache used by a later destructor would. */
static void release_and_come_back(struct mv_thread_exit *hook)
{
	note_release(hook);
	if (again_runs++ == 0)
		CHECK(mv_thread_exit_register(hook));
}

/* Makes another module's state, as a release that scans mail would. */
static void release_and_make_other(struct mv_thread_exit *hook)
{
	note_release(hook);
	CHECK(mv_thread_exit_register(&made.exit));
}

static void *making_other(void *arg)
{
	(void)arg;
	CHECK(mv_thread_exit_register(&first.exit));
	CHECK(mv_thread_exit_register(&maker.exit));
	return NULL;
}

static void *two_hooks(void *arg)
{
	(void)arg;
	CHECK(mv_thread_exit_register(&first.exit));
	CHECK(mv_thread_exit_register(&second.exit));
	CHECK(mv_thread_exit_register(&first.exit));	/* already: no second run */
	return NULL;
}

static void *coming_back(void *arg)
{
	(void)arg;
	CHECK(mv_thread_exit_register(&again.exit));
	return NULL;
}

static void *none(void *arg)
{
	(void)arg;
	return NULL;
}

static void run_thread(void *(*fn)(void *))
{
	pthread_t t;

	n_order = 0;
	memset(order, 0, sizeof(order));
	CHECK(pthread_create(&t, NULL, fn, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
}

static void test_hooks_run_newest_first_once(void)
{
	run_thread(two_hooks);
	CHECK(strcmp(order, "21") == 0);
}

static void test_hook_registered_during_exit_runs_again(void)
{
	run_thread(coming_back);
	CHECK(strcmp(order, "33") == 0);
}

static void test_release_registering_another_hook(void)
{
	run_thread(making_other);
	CHECK(strcmp(order, "415") == 0);
}

static void test_thread_without_hooks(void)
{
	run_thread(none);
	CHECK_INT(n_order, 0);
}

int main(void)
{
	RUN(test_hooks_run_newest_first_once);
	RUN(test_hook_registered_during_exit_runs_again);
	RUN(test_release_registering_another_hook);
	RUN(test_thread_without_hooks);
	return test_summary();
}
