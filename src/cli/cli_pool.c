/*
 * Worker threads with ordered output.  Jobs are taken in order; each result
 * lands in a slot of a bounded window and the main thread writes the slots in
 * job order, so output is the same with 1 or N threads.  A worker never runs
 * more than WINDOW jobs ahead of the writer, which bounds memory.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define WINDOW 256

struct slot {
	struct cli_out out;
	int status;
	bool done;
};

struct pool {
	const struct cli_scan_options *opts;
	struct cli_jobs *jobs;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	size_t next_job;	/* next job to hand out */
	size_t written;		/* jobs written so far */
	struct slot slots[WINDOW];
};

static int write_out(const struct cli_out *out)
{
	if (out->len != 0 && fwrite(out->p, 1, out->len, stdout) != out->len)
		return -1;
	return 0;
}

static void *worker(void *arg)
{
	struct pool *pool = arg;
	struct cli_scratch scratch = { NULL, 0 };

	for (;;) {
		size_t i;
		struct cli_out out = { NULL, 0, 0 };
		int status;

		pthread_mutex_lock(&pool->lock);
		while (pool->next_job < pool->jobs->count && pool->next_job >= pool->written + WINDOW)
			pthread_cond_wait(&pool->changed, &pool->lock);
		if (pool->next_job >= pool->jobs->count) {
			pthread_mutex_unlock(&pool->lock);
			free(scratch.p);
			return NULL;
		}
		i = pool->next_job++;
		pthread_mutex_unlock(&pool->lock);

		status = cli_scan_job(pool->opts, &pool->jobs->items[i], &scratch, &out);

		pthread_mutex_lock(&pool->lock);
		pool->slots[i % WINDOW].out = out;
		pool->slots[i % WINDOW].status = status;
		pool->slots[i % WINDOW].done = true;
		pthread_cond_broadcast(&pool->changed);
		pthread_mutex_unlock(&pool->lock);
	}
}

static int run_inline(const struct cli_scan_options *opts, struct cli_jobs *jobs)
{
	struct cli_out out = { NULL, 0, 0 };
	struct cli_scratch scratch = { NULL, 0 };
	int worst = 0;
	size_t i;

	for (i = 0; i < jobs->count; i++) {
		int status = cli_scan_job(opts, &jobs->items[i], &scratch, &out);

		if (status > worst)
			worst = status;
		if (write_out(&out) < 0) {
			worst = -1;
			break;
		}
		out.len = 0;
	}
	free(out.p);
	free(scratch.p);
	return worst;
}

int cli_pool_run(const struct cli_scan_options *opts, struct cli_jobs *jobs)
{
	struct pool *pool;
	pthread_t threads[64];
	unsigned n = opts->threads, started = 0, t;
	int worst = 0, write_failed = 0;
	size_t i;

	if (n <= 1 || jobs->count <= 1)
		return run_inline(opts, jobs);
	if (n > 64)
		n = 64;
	pool = calloc(1, sizeof(*pool));
	if (pool == NULL)
		return 1;
	pool->opts = opts;
	pool->jobs = jobs;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->changed, NULL);
	for (t = 0; t < n; t++) {
		if (pthread_create(&threads[t], NULL, worker, pool) != 0)
			break;
		started++;
	}
	if (started == 0) {
		free(pool);
		return run_inline(opts, jobs);
	}
	for (i = 0; i < jobs->count; i++) {
		struct slot *slot = &pool->slots[i % WINDOW];
		struct cli_out out;

		pthread_mutex_lock(&pool->lock);
		while (!slot->done)
			pthread_cond_wait(&pool->changed, &pool->lock);
		out = slot->out;
		if (slot->status > worst)
			worst = slot->status;
		memset(slot, 0, sizeof(*slot));
		pool->written = i + 1;
		pthread_cond_broadcast(&pool->changed);
		pthread_mutex_unlock(&pool->lock);
		if (!write_failed && write_out(&out) < 0)
			write_failed = 1;
		free(out.p);
	}
	for (t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->changed);
	free(pool);
	return write_failed ? -1 : worst;
}
