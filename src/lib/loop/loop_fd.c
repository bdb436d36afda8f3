/*
 * Watched descriptors: a table indexed by fd, level-triggered epoll.  Each
 * new watch takes a generation number, which its epoll data carries next to
 * the fd; an event is delivered only while the table still holds that
 * generation with events, so a callback may unwatch (and close, and free the
 * owner of) any descriptor of the batch being dispatched, and a new watch of
 * a reused fd number never receives the old one's events.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop_int.h"

static int watch_table_grow(struct mv_loop *loop, int fd)
{
	size_t cap = loop->watches_cap != 0 ? loop->watches_cap : 64;
	struct loop_watch *w;

	while (cap <= (size_t)fd)
		cap *= 2;
	w = realloc(loop->watches, cap * sizeof(*w));
	if (w == NULL) {
		errno = ENOMEM;
		return -1;
	}
	memset(w + loop->watches_cap, 0, (cap - loop->watches_cap) * sizeof(*w));
	loop->watches = w;
	loop->watches_cap = cap;
	return 0;
}

static uint32_t epoll_events(unsigned events)
{
	return (events & MV_LOOP_READ ? EPOLLIN : 0) | (events & MV_LOOP_WRITE ? EPOLLOUT : 0);
}

static int watch_add(struct mv_loop *loop, int fd, struct loop_watch *w, unsigned events)
{
	uint32_t gen = ++loop->gen;
	struct epoll_event ev = { .events = epoll_events(events), .data.u64 = (uint64_t)gen << 32 | (uint32_t)fd };

	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	w->gen = gen;
	return 0;
}

static void watch_remove(struct mv_loop *loop, int fd, struct loop_watch *w)
{
	/* EBADF or ENOENT: the descriptor was closed first, which removed it already. */
	(void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	w->events = 0;
	w->fn = NULL;
	w->arg = NULL;
	loop->nwatch--;
}

int mv_loop_watch(struct mv_loop *loop, int fd, unsigned events, mv_loop_fd_fn *fn, void *arg)
{
	struct loop_watch *w;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	events &= MV_LOOP_READ | MV_LOOP_WRITE;
	w = (size_t)fd < loop->watches_cap ? &loop->watches[fd] : NULL;
	if (events == 0) {
		if (w != NULL && w->events != 0)
			watch_remove(loop, fd, w);
		return 0;
	}
	if (fn == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (w == NULL) {
		if (watch_table_grow(loop, fd) < 0)
			return -1;
		w = &loop->watches[fd];
	}
	if (w->events == 0) {
		if (watch_add(loop, fd, w, events) < 0)
			return -1;
		loop->nwatch++;
	} else if (w->events != events) {
		struct epoll_event ev = { .events = epoll_events(events), .data.u64 = (uint64_t)w->gen << 32 | (uint32_t)fd };

		if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0) {
			/* ENOENT: closed without an unwatch and the number reused: a new watch. */
			if (errno != ENOENT || watch_add(loop, fd, w, events) < 0) {
				int e = errno;

				watch_remove(loop, fd, w);
				errno = e;
				return -1;
			}
		}
	}
	w->events = events;
	w->fn = fn;
	w->arg = arg;
	return 0;
}

/* Resets the eventfd before the posted queue is taken, so a post made after the take wakes the next turn. */
static void wake_drain(struct mv_loop *loop)
{
	uint64_t count;

	(void)!read(loop->wakefd, &count, sizeof(count));
}

int loop_fd_dispatch(struct mv_loop *loop, int n, bool *woke_r)
{
	int i, count = 0;

	for (i = 0; i < n; i++) {
		uint64_t data = loop->events[i].data.u64;
		uint32_t e = loop->events[i].events;
		int fd = (int)(uint32_t)data;
		struct loop_watch *w;
		unsigned got = 0;

		if (data == LOOP_WAKE_TAG) {
			wake_drain(loop);
			*woke_r = true;
			continue;
		}
		if ((size_t)fd >= loop->watches_cap)
			continue;
		w = &loop->watches[fd];
		if (w->events == 0 || w->gen != (uint32_t)(data >> 32))
			continue;
		if (e & EPOLLIN)
			got |= MV_LOOP_READ;
		if (e & EPOLLOUT)
			got |= MV_LOOP_WRITE;
		/* An error or hang-up also makes the watched directions ready: the read or write reports it. */
		if (e & (EPOLLERR | EPOLLHUP))
			got |= MV_LOOP_ERROR | w->events;
		/* An earlier callback of this batch may have changed the events. */
		got &= w->events | MV_LOOP_ERROR;
		if (got == 0)
			continue;
		w->fn(w->arg, fd, got);
		count++;
	}
	return count;
}

void loop_fd_free(struct mv_loop *loop)
{
	free(loop->watches);
	loop->watches = NULL;
	loop->watches_cap = 0;
	loop->nwatch = 0;
}
