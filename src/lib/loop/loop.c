/*
 * The loop's turns.  A turn waits in epoll_wait() for a descriptor, the next
 * timer or a post, then runs descriptor callbacks, due timers and deferred
 * and posted calls, in that order: an answer that arrives with its deadline
 * is taken before the deadline fires.  Callbacks may register and cancel
 * anything, since each phase looks again at the tables before every call.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "loop_int.h"

struct mv_loop *mv_loop_new(void)
{
	struct mv_loop *loop = calloc(1, sizeof(*loop));
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = LOOP_WAKE_TAG };

	if (loop == NULL)
		return NULL;
	loop->wakefd = -1;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		goto fail;
	loop->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop->wakefd < 0)
		goto fail;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) < 0)
		goto fail;
	if (pthread_mutex_init(&loop->post_lock, NULL) != 0)
		goto fail;
	loop->now = loop_clock_ns() / 1000000;
	return loop;
fail:
	if (loop->wakefd >= 0)
		close(loop->wakefd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	free(loop);
	return NULL;
}

void mv_loop_free(struct mv_loop **loopp)
{
	struct mv_loop *loop = *loopp;

	if (loop == NULL)
		return;
	loop_fd_free(loop);
	loop_timer_free(loop);
	loop_call_free(loop);
	pthread_mutex_destroy(&loop->post_lock);
	close(loop->wakefd);
	close(loop->epfd);
	free(loop);
	*loopp = NULL;
}

uint64_t mv_loop_now(const struct mv_loop *loop)
{
	return loop->now;
}

bool mv_loop_busy(const struct mv_loop *loop)
{
	return loop->nwatch != 0 || loop->nheap != 0 || loop->deferred.n != 0 ||
	       __atomic_load_n(&loop->nposted, __ATOMIC_ACQUIRE) != 0;
}

/* How long the turn may sleep: not at all with calls deferred, until the next timer at most. */
static int loop_wait_ms(const struct mv_loop *loop, int max_wait_ms)
{
	uint64_t due, now;
	int wait = -1;

	if (loop->deferred.n != 0)
		return 0;
	if (loop_timer_next(loop, &due)) {
		now = loop_clock_ns() / 1000000;
		if (due <= now)
			wait = 0;
		else
			wait = due - now > INT_MAX ? INT_MAX : (int)(due - now);
	}
	if (max_wait_ms >= 0 && (wait < 0 || wait > max_wait_ms))
		wait = max_wait_ms;
	return wait;
}

int mv_loop_run_once(struct mv_loop *loop, int max_wait_ms)
{
	bool woke = false;
	int n, count;

	/* A turn inside a turn would run callbacks under their callers' feet. */
	if (loop->in_turn) {
		errno = EBUSY;
		return -1;
	}
	n = epoll_wait(loop->epfd, loop->events, LOOP_BATCH, loop_wait_ms(loop, max_wait_ms));
	if (n < 0) {
		if (errno != EINTR)
			return -1;
		n = 0;
	}
	loop->now = loop_clock_ns() / 1000000;
	loop->in_turn = true;
	count = loop_fd_dispatch(loop, n, &woke);
	count += loop_timer_run(loop);
	count += loop_call_run(loop, woke);
	loop->in_turn = false;
	return count;
}

int mv_loop_run(struct mv_loop *loop)
{
	int r = 0;

	while (!loop->stopping && mv_loop_busy(loop)) {
		if (mv_loop_run_once(loop, -1) < 0) {
			r = -1;
			break;
		}
	}
	loop->stopping = false;
	return r;
}

void mv_loop_stop(struct mv_loop *loop)
{
	loop->stopping = true;
}
