/*
 * An event loop, one per thread: file descriptors, one-shot timers and
 * deferred calls.  A scan that waits for DNS or the store registers its
 * sockets and its deadline here and returns; the loop calls it back when an
 * answer or the deadline comes, so one thread keeps many messages in flight.
 * A loop is used by one thread only, except mv_loop_post(), which any thread
 * may call.  Callbacks may watch, unwatch, add and cancel timers and defer
 * calls freely (also for the descriptor or timer being dispatched), and free
 * what they unwatched or cancelled; they may not run or free the loop.
 */
#ifndef MAILVET_LOOP_H
#define MAILVET_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#pragma GCC visibility push(default)

enum mv_loop_events {
	MV_LOOP_READ = 1u << 0,
	MV_LOOP_WRITE = 1u << 1,
	MV_LOOP_ERROR = 1u << 2,	/* reported only: error or hang-up on the descriptor */
};

typedef void mv_loop_fd_fn(void *arg, int fd, unsigned events);
typedef void mv_loop_fn(void *arg);

struct mv_loop;
struct mv_timer;

/* NULL when out of memory or descriptors. */
struct mv_loop *mv_loop_new(void);
/* Frees the loop and sets *loop to NULL; pending timers and deferred calls are dropped without a call. */
void mv_loop_free(struct mv_loop **loop);

/*
 * Watches fd for events (MV_LOOP_READ|MV_LOOP_WRITE); again with other events
 * changes them (and the callback); 0 stops.  Level-triggered: fn is called
 * each turn while fd is ready.  An error or hang-up is reported as
 * MV_LOOP_ERROR together with the watched directions, so the read or write
 * sees it.  Unwatch a descriptor before closing it, or right after (a closed
 * fd's number may be reused).  0, or -1 with errno set (EPERM: a kind of file
 * epoll cannot watch; ENOMEM).
 */
int mv_loop_watch(struct mv_loop *loop, int fd, unsigned events, mv_loop_fd_fn *fn, void *arg);

/* A one-shot timer delay_ms from now; NULL when out of memory. */
struct mv_timer *mv_loop_timer(struct mv_loop *loop, uint64_t delay_ms, mv_loop_fn *fn, void *arg);
/*
 * Cancels a timer that has not fired (a fired timer is already gone: do not
 * cancel it), except from inside its own callback, where it does nothing.
 * NULL is ignored.
 */
void mv_loop_timer_cancel(struct mv_loop *loop, struct mv_timer *timer);

/* Calls fn(arg) from the loop at its next turn, never from inside the caller; -1 when out of memory. */
int mv_loop_defer(struct mv_loop *loop, mv_loop_fn *fn, void *arg);
/* The same from any thread (wakes the loop if it sleeps); -1 when out of memory. */
int mv_loop_post(struct mv_loop *loop, mv_loop_fn *fn, void *arg);

/* Monotonic milliseconds, as of the start of the loop's current turn. */
uint64_t mv_loop_now(const struct mv_loop *loop);

/*
 * One turn: waits at most max_wait_ms (-1: until something happens) for a
 * descriptor or the next timer, then runs what is due, in this order:
 * descriptor callbacks, timers, deferred and posted calls.  Returns the number of callbacks run,
 * or -1 on a system error (errno set; EBUSY when called from a callback).
 */
int mv_loop_run_once(struct mv_loop *loop, int max_wait_ms);
/* True while anything is registered: watched descriptors, timers, deferred and posted calls. */
bool mv_loop_busy(const struct mv_loop *loop);
/* Turns until the loop is not busy or mv_loop_stop() is called; 0, or -1 on a system error. */
int mv_loop_run(struct mv_loop *loop);
/* mv_loop_run() returns after the current turn (after its next one when called outside it). */
void mv_loop_stop(struct mv_loop *loop);

#pragma GCC visibility pop

#endif
