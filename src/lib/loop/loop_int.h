/*
 * The loop's state, shared by its files: loop.c (turns), loop_fd.c
 * (descriptors), loop_timer.c (the timer heap) and loop_call.c (deferred and
 * posted calls).
 */
#ifndef MV_LOOP_INT_H
#define MV_LOOP_INT_H

#include <pthread.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <time.h>

#include "mailvet/loop.h"

/* Descriptors taken from the kernel per epoll_wait(); more wait for the next turn. */
#define LOOP_BATCH 64
/* The epoll data of the internal eventfd: no watch has fd 0xffffffff. */
#define LOOP_WAKE_TAG UINT64_MAX

struct loop_watch {
	mv_loop_fd_fn *fn;
	void *arg;
	unsigned events;	/* 0: not watched */
	uint32_t gen;		/* also in the epoll data: an event for an older watch of the same fd is dropped */
};

/* A FIFO of calls in a ring; the posted queue uses it with head always 0. */
struct loop_calls {
	struct loop_call {
		mv_loop_fn *fn;
		void *arg;
	} *v;
	size_t head, n, cap;
};

struct mv_loop {
	int epfd;
	int wakefd;		/* eventfd: mv_loop_post() from other threads */
	uint64_t now;		/* ms, as of the start of the turn */
	bool stopping;
	bool in_turn;

	struct loop_watch *watches;	/* indexed by fd */
	size_t watches_cap, nwatch;
	uint32_t gen;

	struct mv_timer **heap;		/* min-heap by (due, seq) */
	size_t nheap, heap_cap;
	uint64_t timer_seq;

	struct loop_calls deferred;

	pthread_mutex_t post_lock;
	struct loop_calls posted;	/* under post_lock */
	size_t nposted;			/* posted.n, readable without the lock (__atomic) */
	struct loop_calls post_run;	/* swapped with posted, run by the loop's thread */

	struct epoll_event events[LOOP_BATCH];
};

static inline uint64_t loop_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Calls the callbacks of the n events from epoll_wait(); *woke_r when the eventfd was among them. */
int loop_fd_dispatch(struct mv_loop *loop, int n, bool *woke_r);
void loop_fd_free(struct mv_loop *loop);

/* The due time of the next timer, or false when there is none. */
bool loop_timer_next(const struct mv_loop *loop, uint64_t *due_r);
/* Fires the timers due at loop->now that existed when the call began. */
int loop_timer_run(struct mv_loop *loop);
void loop_timer_free(struct mv_loop *loop);

/* Runs the calls deferred before it began, then, if woken, the posted ones. */
int loop_call_run(struct mv_loop *loop, bool woke);
void loop_call_free(struct mv_loop *loop);

#endif
