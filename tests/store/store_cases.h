/*
 * The store's behaviour, one table for every backend: test_store_lmdb.c and
 * test_store_redis.c open a store and run store_cases() on it.  Each case
 * uses keys of its own, so the order does not matter.
 */
#ifndef MAILVET_TEST_STORE_CASES_H
#define MAILVET_TEST_STORE_CASES_H

#include <string.h>

#include "store/store.h"
#include "test.h"

#define T0 1796688000	/* 2026-12-07 */

static struct store *cases_store;
static mv_arena *cases_arena;

static int get_text(enum store_ns ns, const char *key, int64_t now, mv_str *v)
{
	return store_get(cases_store, ns, mv_str_cstr(key), now, cases_arena, v);
}

static int put_text(enum store_ns ns, const char *key, const char *value, int64_t now, uint32_t ttl)
{
	return store_put(cases_store, ns, mv_str_cstr(key), mv_str_cstr(value), now, ttl);
}

static void case_put_get(void)
{
	static const char binary[] = "a\0b\tc\r\n";
	mv_str v;

	CHECK_INT(put_text(STORE_SENT, "id-1@example.org", "alice@example.org\tbob@example.net", T0, 60), MV_OK);
	CHECK_INT(get_text(STORE_SENT, "id-1@example.org", T0, &v), MV_OK);
	CHECK_STR(v, "alice@example.org\tbob@example.net");
	CHECK_INT(store_put(cases_store, STORE_SENT, MV_STR_LIT("binary"), mv_str_make(binary, sizeof(binary)), T0, 60),
		  MV_OK);
	CHECK_INT(get_text(STORE_SENT, "binary", T0, &v), MV_OK);
	CHECK(v.len == sizeof(binary) && memcmp(v.p, binary, sizeof(binary)) == 0);
	CHECK_INT(put_text(STORE_SENT, "empty", "", T0, 60), MV_OK);
	CHECK_INT(get_text(STORE_SENT, "empty", T0, &v), MV_OK);
	CHECK_INT(v.len, 0);
}

static void case_missing(void)
{
	mv_str v = MV_STR_LIT("x");

	CHECK_INT(get_text(STORE_SENT, "never-put@example.org", T0, &v), MV_NOTFOUND);
	CHECK_INT(v.len, 0);
}

static void case_expiry_by_now(void)
{
	mv_str v;

	CHECK_INT(put_text(STORE_PEER, "alice\tshort@example.net", "1", T0, 10), MV_OK);
	CHECK_INT(get_text(STORE_PEER, "alice\tshort@example.net", T0 + 9, &v), MV_OK);
	CHECK_INT(get_text(STORE_PEER, "alice\tshort@example.net", T0 + 10, &v), MV_NOTFOUND);
	CHECK_INT(get_text(STORE_PEER, "alice\tshort@example.net", T0 + 86400, &v), MV_NOTFOUND);
	/* Written again, it lives again. */
	CHECK_INT(put_text(STORE_PEER, "alice\tshort@example.net", "2", T0 + 20, 10), MV_OK);
	CHECK_INT(get_text(STORE_PEER, "alice\tshort@example.net", T0 + 25, &v), MV_OK);
	CHECK_STR(v, "2");
}

static void case_overwrite(void)
{
	mv_str v;

	CHECK_INT(put_text(STORE_MDN_REMOVED, "over@example.org", "first", T0, 60), MV_OK);
	CHECK_INT(put_text(STORE_MDN_REMOVED, "over@example.org", "second, longer than the first", T0, 60), MV_OK);
	CHECK_INT(get_text(STORE_MDN_REMOVED, "over@example.org", T0, &v), MV_OK);
	CHECK_STR(v, "second, longer than the first");
}

static void case_namespaces(void)
{
	mv_str v;

	CHECK_INT(put_text(STORE_SENT, "same-key", "sent", T0, 60), MV_OK);
	CHECK_INT(put_text(STORE_MDN_REMOVED, "same-key", "mdn", T0, 60), MV_OK);
	CHECK_INT(get_text(STORE_SENT, "same-key", T0, &v), MV_OK);
	CHECK_STR(v, "sent");
	CHECK_INT(get_text(STORE_MDN_REMOVED, "same-key", T0, &v), MV_OK);
	CHECK_STR(v, "mdn");
	CHECK_INT(get_text(STORE_PEER, "same-key", T0, &v), MV_NOTFOUND);
	/* A counter is not a value, and its key is another namespace's. */
	CHECK_INT(put_text(STORE_COUNTER, "same-key", "x", T0, 60), MV_INVALID);
}

static void case_keys_ignore_case(void)
{
	mv_str v;

	CHECK_INT(put_text(STORE_SENT, "MixedCase.ID@Example.ORG", "v", T0, 60), MV_OK);
	CHECK_INT(get_text(STORE_SENT, "mixedcase.id@example.org", T0, &v), MV_OK);
	CHECK_INT(get_text(STORE_SENT, "MIXEDCASE.ID@EXAMPLE.ORG", T0, &v), MV_OK);
	CHECK_STR(v, "v");
}

/* Keys longer than LMDB's limit are hashed: equal ones still meet, different ones do not. */
static void case_long_keys(void)
{
	char a[3000], b[3000];
	mv_str v;

	memset(a, 'k', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(a));
	b[sizeof(b) - 2] = 'x';
	CHECK_INT(put_text(STORE_SENT, a, "long", T0, 60), MV_OK);
	a[0] = 'K';
	CHECK_INT(get_text(STORE_SENT, a, T0, &v), MV_OK);
	CHECK_STR(v, "long");
	CHECK_INT(get_text(STORE_SENT, b, T0, &v), MV_NOTFOUND);
}

static void case_counters(void)
{
	uint64_t total = 0;
	int64_t w0 = T0 - T0 % 3600;

	CHECK_INT(store_add(cases_store, MV_STR_LIT("msgs\talice"), w0 + 10, 3600, 1, &total), MV_OK);
	CHECK_INT(total, 1);
	CHECK_INT(store_add(cases_store, MV_STR_LIT("MSGS\tAlice"), w0 + 20, 3600, 1, &total), MV_OK);
	CHECK_INT(total, 2);
	CHECK_INT(store_add(cases_store, MV_STR_LIT("msgs\talice"), w0 + 3599, 3600, 5, &total), MV_OK);
	CHECK_INT(total, 7);
	/* The next window starts again. */
	CHECK_INT(store_add(cases_store, MV_STR_LIT("msgs\talice"), w0 + 3600, 3600, 1, &total), MV_OK);
	CHECK_INT(total, 1);
	/* Other keys and other windows are other counters. */
	CHECK_INT(store_add(cases_store, MV_STR_LIT("rcpts\talice"), w0 + 10, 3600, 40, &total), MV_OK);
	CHECK_INT(total, 40);
	CHECK_INT(store_add(cases_store, MV_STR_LIT("msgs\talice"), w0 + 10, 86400, 1, &total), MV_OK);
	CHECK_INT(total, 1);
	/* A counter's key does not meet a value's. */
	CHECK_INT(put_text(STORE_SENT, "msgs\talice", "v", T0, 60), MV_OK);
	CHECK_INT(store_add(cases_store, MV_STR_LIT("msgs\talice"), w0 + 30, 3600, 1, &total), MV_OK);
	CHECK_INT(total, 8);
}

static void case_bad_arguments(void)
{
	uint64_t total = 9;
	mv_str v;

	CHECK_INT(put_text(STORE_SENT, "no-ttl", "v", T0, 0), MV_INVALID);
	CHECK_INT(put_text(STORE_SENT, "", "v", T0, 60), MV_INVALID);
	CHECK_INT(get_text(STORE_SENT, "", T0, &v), MV_INVALID);
	CHECK_INT(store_add(cases_store, MV_STR_LIT("c"), T0, 0, 1, &total), MV_INVALID);
	CHECK_INT(total, 0);
	CHECK_INT(store_add(cases_store, MV_STR_NULL, T0, 60, 1, &total), MV_INVALID);
}

static void case_expire_keeps_the_living(void)
{
	mv_str v;

	CHECK_INT(put_text(STORE_SENT, "dies@example.org", "v", T0, 10), MV_OK);
	CHECK_INT(put_text(STORE_SENT, "lives@example.org", "v", T0, 1000), MV_OK);
	CHECK_INT(store_expire(cases_store, T0 + 100), MV_OK);
	CHECK_INT(get_text(STORE_SENT, "dies@example.org", T0 + 100, &v), MV_NOTFOUND);
	CHECK_INT(get_text(STORE_SENT, "lives@example.org", T0 + 100, &v), MV_OK);
}

/* Every case on `store`. */
static void store_cases(struct store *store)
{
	cases_store = store;
	cases_arena = mv_arena_new(0);
	RUN(case_put_get);
	RUN(case_missing);
	RUN(case_expiry_by_now);
	RUN(case_overwrite);
	RUN(case_namespaces);
	RUN(case_keys_ignore_case);
	RUN(case_long_keys);
	RUN(case_counters);
	RUN(case_bad_arguments);
	RUN(case_expire_keeps_the_living);
	mv_arena_free(&cases_arena);
}

#endif
