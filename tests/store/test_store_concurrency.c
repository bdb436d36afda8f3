/*
 * One LMDB store used at once by several threads of two processes: every
 * counter ends at the exact total of what was added, and every value any of
 * them wrote is there.  Each process opens the store itself (LMDB forbids
 * sharing an environment across fork()).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "test.h"

#define T0 1796688000
#define THREADS 4
#define ROUNDS 1500

static char dir[] = "/tmp/mv-store-conc-XXXXXX";
static char spec[64];

struct worker {
	struct store *s;
	int process, thread;
	int rc;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t total;
	char key[64];
	int i;

	for (i = 0; i < ROUNDS && w->rc == MV_OK; i++) {
		/* One counter shared by all, one per process, and a value of one's own. */
		w->rc = store_add(w->s, MV_STR_LIT("shared"), T0, 3600, 1, &total);
		if (w->rc == MV_OK)
			w->rc = store_add(w->s, w->process == 0 ? MV_STR_LIT("p0") : MV_STR_LIT("p1"), T0, 3600, 2, &total);
		snprintf(key, sizeof(key), "%d.%d.%d@example.org", w->process, w->thread, i);
		if (w->rc == MV_OK)
			w->rc = store_put(w->s, STORE_SENT, mv_str_cstr(key), mv_str_cstr(key), T0, 3600);
	}
	return NULL;
}

/* THREADS threads of this process; 0 when all went well. */
static int run_process(int process)
{
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct store *s = NULL;
	char *error = NULL;
	int i, failed = 0;

	if (store_open(spec, 200, &s, &error) != MV_OK) {
		fprintf(stderr, "process %d: %s\n", process, error != NULL ? error : "?");
		free(error);
		return 1;
	}
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ s, process, i, MV_OK };
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		if (w[i].rc != MV_OK) {
			fprintf(stderr, "process %d thread %d: %s\n", process, i, store_error());
			failed = 1;
		}
	}
	store_close(s);
	return failed;
}

static void test_two_processes_of_threads_count_exactly(void)
{
	struct store *s = NULL;
	mv_arena *arena = mv_arena_new(0);
	uint64_t total = 0;
	char *error = NULL, key[64];
	int status = -1, p, t, i, missing = 0;
	pid_t child = fork();

	if (child == 0)
		_exit(run_process(1));
	CHECK_INT(run_process(0), 0);
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_INT(store_open(spec, 200, &s, &error), MV_OK);
	free(error);
	if (s == NULL)
		return;
	CHECK_INT(store_add(s, MV_STR_LIT("shared"), T0, 3600, 0, &total), MV_OK);
	CHECK_INT(total, 2 * THREADS * ROUNDS);
	CHECK_INT(store_add(s, MV_STR_LIT("p0"), T0, 3600, 0, &total), MV_OK);
	CHECK_INT(total, 2 * THREADS * ROUNDS);
	CHECK_INT(store_add(s, MV_STR_LIT("p1"), T0, 3600, 0, &total), MV_OK);
	CHECK_INT(total, 2 * THREADS * ROUNDS);
	for (p = 0; p < 2; p++) {
		for (t = 0; t < THREADS; t++) {
			for (i = 0; i < ROUNDS; i++) {
				mv_str v;

				snprintf(key, sizeof(key), "%d.%d.%d@example.org", p, t, i);
				if (store_get(s, STORE_SENT, mv_str_cstr(key), T0, arena, &v) != MV_OK ||
				    !mv_str_eq(v, key))
					missing++;
			}
		}
	}
	CHECK_INT(missing, 0);
	store_close(s);
	mv_arena_free(&arena);
}

int main(void)
{
	char cmd[128];

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(spec, sizeof(spec), "lmdb:%s/db", dir);
	RUN(test_two_processes_of_threads_count_exactly);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
	return test_summary();
}
