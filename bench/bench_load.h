/*
 * The benchmarks' message loader: every file read into memory before the
 * clock starts, so that file reading is never timed.
 */
#ifndef MV_BENCH_LOAD_H
#define MV_BENCH_LOAD_H

#include <stddef.h>
#include <time.h>

struct bench_item {
	char *data;		/* NUL-terminated */
	size_t len;
	const char *path;
};

extern struct bench_item *bench_items;
extern size_t bench_n_items, bench_total_bytes;

/* Loads one file, or each path listed one a line in a file; exits on error. */
void bench_load(const char *path);
void bench_load_list(const char *list);

/* Seconds on the given clock (CLOCK_PROCESS_CPUTIME_ID, CLOCK_MONOTONIC). */
double bench_now(clockid_t clock);

#endif
