#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <string.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"
#include "test.h"

static void test_arena_alloc_aligned_and_counted(void)
{
	mv_arena *a = mv_arena_new(0);
	char *p = mv_arena_alloc(a, 3), *q = mv_arena_alloc(a, 5);

	CHECK(p != NULL && q != NULL);
	CHECK(((uintptr_t)q % 16) == 0);
	CHECK(mv_arena_used(a) == 32);
	mv_arena_free(&a);
	CHECK(a == NULL);
}

static void test_arena_ceiling_refuses_and_flags(void)
{
	mv_arena *a = mv_arena_new(1000);

	CHECK(mv_arena_alloc(a, 900) != NULL);
	CHECK(!mv_arena_exhausted(a));
	CHECK(mv_arena_alloc(a, 200) == NULL);
	CHECK(mv_arena_exhausted(a));
	mv_arena_reset(a);
	CHECK(!mv_arena_exhausted(a));
	CHECK(mv_arena_alloc(a, 200) != NULL);
	mv_arena_free(&a);
}

/* Requests are rounded up to 16 bytes: the ceiling must count the rounded size, or used passes max and max - used wraps. */
static void test_arena_ceiling_counts_alignment(void)
{
	mv_arena *a = mv_arena_new(100);
	int i;

	for (i = 0; i < 6; i++)
		CHECK(mv_arena_alloc(a, 1) != NULL);
	CHECK(mv_arena_used(a) == 96);
	CHECK(mv_arena_alloc(a, 1) == NULL);
	CHECK(mv_arena_exhausted(a));
	CHECK(mv_arena_used(a) <= 100);
	CHECK(mv_arena_alloc(a, (size_t)1 << 20) == NULL);
	CHECK(mv_arena_realloc(a, NULL, 0, 5) == NULL);
	CHECK(mv_arena_alloc(a, SIZE_MAX) == NULL);
	CHECK(mv_arena_alloc(a, SIZE_MAX - 3) == NULL);
	mv_arena_free(&a);
}

static void test_arena_large_blocks(void)
{
	mv_arena *a = mv_arena_new(0);
	char *big = mv_arena_alloc(a, (size_t)8 << 20);
	char *small = mv_arena_alloc(a, 10);

	CHECK(big != NULL && small != NULL);
	memset(big, 'x', (size_t)8 << 20);
	mv_arena_free(&a);
}

static void test_arena_realloc_grows_in_place(void)
{
	mv_arena *a = mv_arena_new(0);
	char *p = mv_arena_alloc(a, 16), *q;

	memcpy(p, "0123456789abcdef", 16);
	q = mv_arena_realloc(a, p, 16, 64);
	CHECK(q == p);
	CHECK(memcmp(q, "0123456789abcdef", 16) == 0);
	(void)mv_arena_alloc(a, 1);
	q = mv_arena_realloc(a, p, 64, 128);
	CHECK(q != p && memcmp(q, "0123456789abcdef", 16) == 0);
	mv_arena_free(&a);
}

/*
 * One message's arena after another on the same thread (the spare's road):
 * each starts empty with its full ceiling, and the first and second blocks it
 * may get back are whole and writable.
 */
static void test_arena_after_arena(void)
{
	int round;

	for (round = 0; round < 6; round++) {
		mv_arena *a = mv_arena_new(round % 2 == 0 ? 0 : 100000), *b;
		size_t big = (size_t)(round % 3) * 20000 + 100;
		char *p, *q;

		CHECK(a != NULL);
		CHECK(mv_arena_used(a) == 0 && !mv_arena_exhausted(a));
		p = mv_arena_alloc(a, 16000);	/* most of the first block */
		q = mv_arena_alloc(a, big);	/* the second block when big */
		CHECK(p != NULL && q != NULL);
		memset(p, 'p', 16000);
		memset(q, 'q', big);
		CHECK(p[15999] == 'p' && q[big - 1] == 'q');
		if (round % 2 == 1)
			CHECK(mv_arena_alloc(a, 200000) == NULL && mv_arena_exhausted(a));
		/* A second arena alive at the same time is a separate allocation. */
		b = mv_arena_new(0);
		CHECK(b != NULL && mv_arena_alloc(b, 64) != NULL && mv_arena_used(b) == 64);
		mv_arena_free(&b);
		mv_arena_free(&a);
		CHECK(a == NULL);
	}
}

#if defined(__SANITIZE_ADDRESS__)
#define SPARES_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPARES_OFF 1
#endif
#endif

#define BIG_CHUNK 4000
#define BIG_CHUNKS 700		/* 2.8 MB: blocks of every doubling size, under the 4 MiB the spares keep */
#define ONE_OFF ((size_t)256 << 10)	/* a whole block of its own, made behind the first */

/* Minor page faults so far: a fault per fresh page touched.  Only this thread runs here. */
static long faults_so_far(void)
{
	struct rusage ru;

#ifdef RUSAGE_THREAD
	CHECK(getrusage(RUSAGE_THREAD, &ru) == 0);
#else
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
#endif
	return ru.ru_minflt;
}

/* True when the fault count sees the first touch of each fresh page (it cannot under huge pages). */
static bool faults_are_counted(void)
{
	size_t size = (size_t)1 << 20, i;
	long before = faults_so_far();
	unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return false;
	for (i = 0; i < size; i += 4096)
		p[i] = 1;
	munmap(p, size);
	return faults_so_far() - before >= 200;
}

/* What malloc() does on its own when its free memory piles up: give it back to the kernel. */
static void give_back(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* One large message: every chunk whole and writable; returns the page faults it took. */
static long big_message(int round)
{
	static char *chunk[BIG_CHUNKS];
	long before = faults_so_far();
	mv_arena *a = mv_arena_new(0);
	char *one_off;
	int i;

	CHECK(a != NULL);
	chunk[0] = mv_arena_alloc(a, BIG_CHUNK);
	/* Bigger than the next block (32 KiB) while the first block has room: a one-off block. */
	one_off = mv_arena_alloc(a, ONE_OFF);
	CHECK(chunk[0] != NULL && one_off != NULL);
	memset(one_off, 'o', ONE_OFF);
	for (i = 1; i < BIG_CHUNKS; i++) {
		chunk[i] = mv_arena_alloc(a, BIG_CHUNK);
		CHECK(chunk[i] != NULL);
		memset(chunk[i], 'a' + round + i % 7, BIG_CHUNK);
	}
	for (i = 1; i < BIG_CHUNKS; i++) {
		CHECK(chunk[i][0] == 'a' + round + i % 7);
		CHECK(chunk[i][BIG_CHUNK - 1] == 'a' + round + i % 7);
	}
	CHECK(one_off[0] == 'o' && one_off[ONE_OFF - 1] == 'o');
	CHECK(mv_arena_used(a) >= (size_t)BIG_CHUNKS * BIG_CHUNK + ONE_OFF);
	mv_arena_free(&a);
	give_back();
	return faults_so_far() - before;
}

/* A message of size bytes in 4000-byte chunks, each written; returns the page faults it took. */
static long message_of(size_t size)
{
	long before = faults_so_far();
	mv_arena *a = mv_arena_new(0);
	size_t done;

	CHECK(a != NULL);
	for (done = 0; done < size; done += BIG_CHUNK) {
		char *p = mv_arena_alloc(a, BIG_CHUNK);

		CHECK(p != NULL);
		memset(p, 'm', BIG_CHUNK);
	}
	mv_arena_free(&a);
	give_back();
	return faults_so_far() - before;
}

/*
 * Large messages one after another: every chunk of every block (and a
 * one-off block) is whole and writable each time, and (where spares are
 * kept) the later messages touch no fresh page: their blocks are the first
 * one's, not memory that malloc() gave back to the kernel.  Where the fault
 * count cannot see fresh pages one by one (transparent huge pages fault
 * 2 MiB at once), only the contents are checked.
 */
static void test_arena_big_blocks_come_back(void)
{
	long faults[3];
	int round;

	give_back();
	for (round = 0; round < 3; round++)
		faults[round] = big_message(round);
	if (!faults_are_counted()) {
		fprintf(stderr, "note: fresh pages are not counted one by one here: faults not checked\n");
		return;
	}
#ifndef SPARES_OFF
	CHECK(faults[1] < 20 && faults[2] < 20);
#else
	(void)faults;
#endif
}

/*
 * A huge message (12 MB: many blocks of the largest size, past the 4 MiB
 * the spares keep) does not crowd the smaller blocks out of the spares: a
 * 900 KB message after it still touches no fresh page.
 */
static void test_arena_huge_message_keeps_small_spares(void)
{
	long warm, after_huge;

	give_back();
	(void)message_of(900000);
	warm = message_of(900000);
	(void)message_of((size_t)12 << 20);
	after_huge = message_of(900000);
	if (!faults_are_counted()) {
		fprintf(stderr, "note: fresh pages are not counted one by one here: faults not checked\n");
		return;
	}
#ifndef SPARES_OFF
	CHECK(warm < 20);
	CHECK(after_huge < 20);
#else
	(void)warm;
	(void)after_huge;
#endif
}

static void *arena_thread(void *arg)
{
	int i, *bad = arg;

	for (i = 0; i < 200; i++) {
		mv_arena *a = mv_arena_new(0);
		char *p = a != NULL ? mv_arena_alloc(a, (size_t)(i % 5) * 9000 + 1) : NULL;

		if (p == NULL)
			(*bad)++;
		else
			p[0] = 'x';
		mv_arena_free(&a);
	}
	return NULL;
}

/* Threads that make and free arenas and then exit leave nothing behind (run under ASan or valgrind). */
static void test_arena_threads(void)
{
	pthread_t t[4];
	int bad[4] = { 0 }, i;

	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, arena_thread, &bad[i]) == 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(bad[i], 0);
	}
}

/*
 * mv_ascii_lower_copy() against a byte loop: every length to 40 (words, the
 * overlapping last word, the short roads), every byte value at every place,
 * into another buffer and in place, in heap blocks of exactly the length.
 */
static void test_lower_copy_every_length_and_byte(void)
{
	size_t len, pos;
	unsigned b;
	int bad = 0;

	for (len = 0; len <= 40; len++) {
		for (pos = 0; pos < (len != 0 ? len : 1); pos++) {
			for (b = 0; b < 256; b += len != 0 ? 1 : 256) {
				char *in = malloc(len + 1), *out = malloc(len + 1), want[41];
				size_t i;

				for (i = 0; i < len; i++)
					in[i] = (char)("AbZ@[`az{Q"[i % 10]);
				if (len != 0)
					in[pos] = (char)b;
				for (i = 0; i < len; i++)
					want[i] = in[i] >= 'A' && in[i] <= 'Z' ? (char)(in[i] + 32) : in[i];
				mv_ascii_lower_copy(out, in, len);
				bad += len != 0 && memcmp(out, want, len) != 0;
				mv_ascii_lower_copy(in, in, len);
				bad += len != 0 && memcmp(in, want, len) != 0;
				free(in);
				free(out);
			}
		}
	}
	CHECK_INT(bad, 0);
}

/* strndup of an empty view, whose pointer may be null, and of a plain one. */
static void test_arena_strndup(void)
{
	mv_arena *a = mv_arena_new(0);
	char *e = mv_arena_strndup(a, NULL, 0), *s = mv_arena_strndup(a, "abcdef", 3);

	CHECK(e != NULL && e[0] == '\0');
	CHECK(s != NULL && strcmp(s, "abc") == 0);
	mv_arena_free(&a);
}

static void test_buf_ceiling_keeps_prefix(void)
{
	mv_arena *a = mv_arena_new(0);
	mv_buf b;
	mv_str s;

	mv_buf_init(&b, a, 5);
	CHECK(mv_buf_append(&b, "abc", 3) == 0);
	CHECK(mv_buf_append(&b, "defg", 4) == -1);
	CHECK(b.truncated);
	s = mv_buf_finish(&b);
	CHECK_STR(s, "abcde");
	CHECK(s.p[s.len] == '\0');
	mv_arena_free(&a);
}

static void test_buf_utf8(void)
{
	mv_arena *a = mv_arena_new(0);
	mv_buf b;

	mv_buf_init(&b, a, 100);
	mv_buf_put_utf8(&b, 0x41);
	mv_buf_put_utf8(&b, 0xE9);
	mv_buf_put_utf8(&b, 0x20AC);
	mv_buf_put_utf8(&b, 0x1F600);
	mv_buf_put_utf8(&b, 0xD800);
	CHECK_STR(mv_buf_finish(&b), "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xEF\xBF\xBD");
	mv_arena_free(&a);
}

static void test_buf_many_putc(void)
{
	mv_arena *a = mv_arena_new(0);
	mv_buf b;
	int i;

	mv_buf_init(&b, a, 100000);
	for (i = 0; i < 100000; i++)
		mv_buf_putc(&b, (char)('a' + i % 26));
	CHECK(b.len == 100000 && !b.truncated);
	CHECK(mv_buf_putc(&b, 'z') == -1 && b.truncated);
	CHECK(b.p[25] == 'z' && b.p[26] == 'a');
	mv_arena_free(&a);
}

int main(void)
{
	RUN(test_arena_alloc_aligned_and_counted);
	RUN(test_arena_ceiling_refuses_and_flags);
	RUN(test_arena_ceiling_counts_alignment);
	RUN(test_arena_large_blocks);
	RUN(test_arena_realloc_grows_in_place);
	RUN(test_arena_after_arena);
	RUN(test_arena_big_blocks_come_back);
	RUN(test_arena_huge_message_keeps_small_spares);
	RUN(test_arena_threads);
	RUN(test_lower_copy_every_length_and_byte);
	RUN(test_arena_strndup);
	RUN(test_buf_ceiling_keeps_prefix);
	RUN(test_buf_utf8);
	RUN(test_buf_many_putc);
	return test_summary();
}
