/*
 * Out of memory: every allocation the loop makes is failed in turn, and each
 * call must report it (NULL or -1) and leave the loop usable, never abort.
 * The test replaces malloc, calloc and realloc, which sanitizers and
 * valgrind also do: it is skipped under them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mailvet/loop.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define NOMEM_SKIP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NOMEM_SKIP 1
#endif
#endif

#ifndef NOMEM_SKIP
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);

/* The allocation that fails: 1 the next one, 0 none.  Only the test's thread allocates while it is set. */
static long fail_in;
static long allocs;

static bool nomem_now(void)
{
	allocs++;
	if (fail_in > 0 && --fail_in == 0) {
		errno = ENOMEM;
		return true;
	}
	return false;
}

void *malloc(size_t size)
{
	return nomem_now() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return nomem_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	return nomem_now() ? NULL : __libc_realloc(p, size);
}

static void count_call(void *arg)
{
	(*(int *)arg)++;
}

static void fd_call(void *arg, int fd, unsigned events)
{
	(*(int *)arg)++;
}

/*
 * One scenario with the k-th allocation failing: what was registered must
 * run, what failed must not, and the loop must end idle.  Returns how many
 * calls failed.
 */
static int nomem_scenario(long k, int fd)
{
	struct mv_loop *loop;
	struct mv_timer *t[200];
	int calls = 0, want = 0, failed = 0, i;

	fail_in = k;
	loop = mv_loop_new();
	if (loop == NULL) {
		fail_in = 0;
		return 1;
	}
	for (i = 0; i < 200; i++) {
		t[i] = mv_loop_timer(loop, (uint64_t)(i % 3), count_call, &calls);
		if (t[i] == NULL)
			failed++;
		else if (i % 2 == 0)
			mv_loop_timer_cancel(loop, t[i]);
		else
			want++;
	}
	for (i = 0; i < 100; i++) {
		if (mv_loop_defer(loop, count_call, &calls) != 0)
			failed++;
		else
			want++;
		if (mv_loop_post(loop, count_call, &calls) != 0)
			failed++;
		else
			want++;
	}
	if (mv_loop_watch(loop, fd, MV_LOOP_WRITE, fd_call, &calls) != 0)
		failed++;
	else
		CHECK_INT(mv_loop_watch(loop, fd, 0, NULL, NULL), 0);
	fail_in = 0;
	CHECK_INT(mv_loop_run(loop), 0);
	CHECK_INT(calls, want);
	CHECK(!mv_loop_busy(loop));
	mv_loop_free(&loop);
	return failed;
}

static void test_loop_nomem_each_allocation(void)
{
	int sv[2], fd;
	long k, total;

	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	/* Past the watch table's first size, so that watching allocates. */
	fd = dup2(sv[0], 500);
	CHECK_INT(fd, 500);
	allocs = 0;
	CHECK_INT(nomem_scenario(0, fd), 0);
	total = allocs;
	/* Valgrind replaces malloc in the executable too. */
	if (total == 0)
		printf("skipped: malloc is replaced by the runtime\n");
	printf("%ld allocations, each failed in turn\n", total);
	for (k = 1; k <= total; k++)
		CHECK(nomem_scenario(k, fd) >= 1);
	close(fd);
	close(sv[0]);
	close(sv[1]);
}
#endif

int main(void)
{
#ifdef NOMEM_SKIP
	printf("skipped: the sanitizer replaces malloc\n");
#else
	RUN(test_loop_nomem_each_allocation);
#endif
	return test_summary();
}
