/*
 * A small table-driven test harness.  Each test file lists its cases in
 * main() with RUN(); CHECK failures print the expression and location and the
 * test goes on, so one run shows every failure.  The exit status is non-zero
 * when any check failed.
 */
#ifndef MAILVET_TEST_H
#define MAILVET_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;
static int test_cases;
static int test_cases_failed;

#define CHECK(expr) do { \
	test_checks++; \
	if (!(expr)) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); \
	} \
} while (0)

/* Compares a view (p, len) with an expected C string and prints both on failure. */
#define CHECK_STR(view, expected) do { \
	const char *e_ = (expected); \
	size_t el_ = strlen(e_); \
	test_checks++; \
	if ((view).len != el_ || ((view).len != 0 && memcmp((view).p, e_, el_) != 0)) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:      \"%.*s\"\n  expected: \"%s\"\n", \
			__FILE__, __LINE__, #view, (int)(view).len, (view).p != NULL ? (view).p : "", e_); \
	} \
} while (0)

#define CHECK_INT(got, expected) do { \
	long long g_ = (long long)(got), x_ = (long long)(expected); \
	test_checks++; \
	if (g_ != x_) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: CHECK_INT failed: %s = %lld, expected %lld\n", \
			__FILE__, __LINE__, #got, g_, x_); \
	} \
} while (0)

#define RUN(fn) do { \
	int before_ = test_failures; \
	test_cases++; \
	fn(); \
	if (test_failures != before_) { \
		test_cases_failed++; \
		fprintf(stderr, "FAIL %s\n", #fn); \
	} \
} while (0)

/*
 * A ceiling for "this must not be quadratic" checks, in seconds.  They guard
 * against blow-ups (minutes instead of milliseconds), not speed: benchmarks
 * live in bench/.  Sanitizer builds and loaded machines are slower, so the
 * bound is multiplied by MV_TEST_TIME_SCALE (./run sets it).
 */
static inline double time_bound(double seconds)
{
	const char *scale = getenv("MV_TEST_TIME_SCALE");
	double k = scale != NULL ? atof(scale) : 1.0;

	return seconds * (k >= 1.0 ? k : 1.0);
}

static inline int test_summary(void)
{
	printf("%d passed, %d failed\n", test_cases - test_cases_failed, test_cases_failed);
	return test_failures != 0;
}

#endif
