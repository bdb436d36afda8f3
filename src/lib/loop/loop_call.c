/*
 * Deferred calls (the loop's own thread) and posted calls (any thread).
 * Deferred calls run at the end of a turn, only those made before that phase
 * began: a call that defers itself again waits for the next turn, so it
 * cannot starve descriptors and timers.  Posted calls go to a queue under a
 * mutex; the first post into an empty queue writes the eventfd, and the loop
 * reads the eventfd before it takes the queue, so no post is left without a
 * wake-up.  The loop swaps the queue with an empty one and runs it outside
 * the lock: a posting thread never waits for callbacks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop_int.h"

static int calls_push(struct loop_calls *q, mv_loop_fn *fn, void *arg)
{
	struct loop_call *c;

	if (q->n == q->cap) {
		size_t cap = q->cap != 0 ? q->cap * 2 : 16, first = q->cap - q->head;
		struct loop_call *v = malloc(cap * sizeof(*v));

		if (v == NULL) {
			errno = ENOMEM;
			return -1;
		}
		/* Unwrap the ring into the new array. */
		if (q->n != 0) {
			memcpy(v, q->v + q->head, first * sizeof(*v));
			memcpy(v + first, q->v, (q->n - first) * sizeof(*v));
		}
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	c = &q->v[(q->head + q->n) % q->cap];
	c->fn = fn;
	c->arg = arg;
	q->n++;
	return 0;
}

static struct loop_call calls_pop(struct loop_calls *q)
{
	struct loop_call c = q->v[q->head];

	q->head = (q->head + 1) % q->cap;
	q->n--;
	return c;
}

int mv_loop_defer(struct mv_loop *loop, mv_loop_fn *fn, void *arg)
{
	return calls_push(&loop->deferred, fn, arg);
}

int mv_loop_post(struct mv_loop *loop, mv_loop_fn *fn, void *arg)
{
	static const uint64_t one = 1;
	bool was_empty;
	int r;

	pthread_mutex_lock(&loop->post_lock);
	was_empty = loop->posted.n == 0;
	r = calls_push(&loop->posted, fn, arg);
	if (r == 0)
		__atomic_add_fetch(&loop->nposted, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&loop->post_lock);
	/* A full counter (EAGAIN) still wakes the loop. */
	if (r == 0 && was_empty)
		(void)!write(loop->wakefd, &one, sizeof(one));
	return r;
}

int loop_call_run(struct mv_loop *loop, bool woke)
{
	size_t n = loop->deferred.n, i;
	struct loop_calls taken;
	int count = 0;

	while (n-- != 0) {
		struct loop_call c = calls_pop(&loop->deferred);

		c.fn(c.arg);
		count++;
	}
	if (!woke)
		return count;
	pthread_mutex_lock(&loop->post_lock);
	taken = loop->posted;
	loop->posted = loop->post_run;
	__atomic_sub_fetch(&loop->nposted, taken.n, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&loop->post_lock);
	for (i = 0; i < taken.n; i++)
		taken.v[i].fn(taken.v[i].arg);
	count += (int)taken.n;
	taken.n = 0;
	loop->post_run = taken;
	return count;
}

void loop_call_free(struct mv_loop *loop)
{
	free(loop->deferred.v);
	free(loop->posted.v);
	free(loop->post_run.v);
	memset(&loop->deferred, 0, sizeof(loop->deferred));
	memset(&loop->posted, 0, sizeof(loop->posted));
	memset(&loop->post_run, 0, sizeof(loop->post_run));
}
