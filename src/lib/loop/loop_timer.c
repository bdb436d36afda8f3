/*
 * One-shot timers in a binary min-heap ordered by (due, creation), so timers
 * due at the same millisecond fire in the order they were made.  Each timer
 * keeps its heap index, which makes a cancel O(log n).  A timer is due at
 * delay_ms after its creation rounded up to the next millisecond, and fires
 * when the turn's clock (rounded down) reaches that: never early.
 */
#include <errno.h>
#include <stdlib.h>

#include "loop_int.h"

/* The index of a timer whose callback is running: a cancel then does nothing. */
#define TIMER_FIRING SIZE_MAX

struct mv_timer {
	uint64_t due, seq;
	size_t idx;
	mv_loop_fn *fn;
	void *arg;
};

static bool timer_before(const struct mv_timer *a, const struct mv_timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_set(struct mv_loop *loop, size_t i, struct mv_timer *t)
{
	loop->heap[i] = t;
	t->idx = i;
}

static void heap_up(struct mv_loop *loop, size_t i)
{
	struct mv_timer *t = loop->heap[i];

	while (i > 0 && timer_before(t, loop->heap[(i - 1) / 2])) {
		heap_set(loop, i, loop->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(loop, i, t);
}

static void heap_down(struct mv_loop *loop, size_t i)
{
	struct mv_timer *t = loop->heap[i];
	size_t c;

	while ((c = 2 * i + 1) < loop->nheap) {
		if (c + 1 < loop->nheap && timer_before(loop->heap[c + 1], loop->heap[c]))
			c++;
		if (!timer_before(loop->heap[c], t))
			break;
		heap_set(loop, i, loop->heap[c]);
		i = c;
	}
	heap_set(loop, i, t);
}

static void heap_remove(struct mv_loop *loop, size_t i)
{
	struct mv_timer *last = loop->heap[--loop->nheap];

	if (i == loop->nheap)
		return;
	heap_set(loop, i, last);
	heap_down(loop, i);
	heap_up(loop, last->idx);
}

struct mv_timer *mv_loop_timer(struct mv_loop *loop, uint64_t delay_ms, mv_loop_fn *fn, void *arg)
{
	uint64_t now = (loop_clock_ns() + 999999) / 1000000;
	struct mv_timer *t;

	if (loop->nheap == loop->heap_cap) {
		size_t cap = loop->heap_cap != 0 ? loop->heap_cap * 2 : 64;
		struct mv_timer **heap = realloc(loop->heap, cap * sizeof(*heap));

		if (heap == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		loop->heap = heap;
		loop->heap_cap = cap;
	}
	t = malloc(sizeof(*t));
	if (t == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	t->due = delay_ms > UINT64_MAX - now ? UINT64_MAX : now + delay_ms;
	t->seq = loop->timer_seq++;
	t->fn = fn;
	t->arg = arg;
	loop->heap[loop->nheap++] = t;
	heap_up(loop, loop->nheap - 1);
	return t;
}

void mv_loop_timer_cancel(struct mv_loop *loop, struct mv_timer *timer)
{
	if (timer == NULL || timer->idx == TIMER_FIRING)
		return;
	heap_remove(loop, timer->idx);
	free(timer);
}

bool loop_timer_next(const struct mv_loop *loop, uint64_t *due_r)
{
	if (loop->nheap == 0)
		return false;
	*due_r = loop->heap[0]->due;
	return true;
}

int loop_timer_run(struct mv_loop *loop)
{
	/* A timer made by a callback of this turn waits for the next one, even with delay 0. */
	uint64_t cutoff = loop->timer_seq;
	int count = 0;

	while (loop->nheap != 0 && loop->heap[0]->due <= loop->now && loop->heap[0]->seq < cutoff) {
		struct mv_timer *t = loop->heap[0];

		heap_remove(loop, 0);
		t->idx = TIMER_FIRING;
		t->fn(t->arg);
		free(t);
		count++;
	}
	return count;
}

void loop_timer_free(struct mv_loop *loop)
{
	size_t i;

	for (i = 0; i < loop->nheap; i++)
		free(loop->heap[i]);
	free(loop->heap);
	loop->heap = NULL;
	loop->nheap = 0;
	loop->heap_cap = 0;
}
