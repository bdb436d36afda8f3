/*
 * The LMDB backend: the shared cases (store_cases.h), then what is its own:
 * two stores of one directory share the environment, what was written
 * survives a close, store_expire() really deletes (mdb_stat counts), and the
 * map grows up to the spec's size, past which a write says MV_LIMIT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_cases.h"

static char dir[] = "/tmp/mv-store-lmdb-XXXXXX";

static struct store *open_at(const char *sub, const char *params)
{
	char spec[256], *error = NULL;
	struct store *s = NULL;

	snprintf(spec, sizeof(spec), "lmdb:%s/%s%s", dir, sub, params);
	if (store_open(spec, 200, &s, &error) != MV_OK)
		fprintf(stderr, "store_open %s: %s\n", spec, error != NULL ? error : "?");
	free(error);
	return s;
}

/* Entries in the database, as mdb_stat (another process) counts them; -1 when it cannot. */
static long entries(const char *sub)
{
	char cmd[256], line[256];
	long n = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "mdb_stat %s/%s 2>/dev/null", dir, sub);
	p = popen(cmd, "r");
	while (p != NULL && fgets(line, sizeof(line), p) != NULL)
		(void)sscanf(line, " Entries: %ld", &n);
	if (p != NULL)
		pclose(p);
	return n;
}

static void test_lmdb_cases(void)
{
	struct store *s = open_at("cases", "");

	CHECK(s != NULL);
	if (s != NULL)
		store_cases(s);
	store_close(s);
}

static void test_lmdb_two_stores_share_the_environment(void)
{
	struct store *a = open_at("shared", ""), *b = open_at("shared", "");
	mv_arena *arena = mv_arena_new(0);
	mv_str v;

	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		return;
	CHECK_INT(store_put(a, STORE_SENT, MV_STR_LIT("k"), MV_STR_LIT("from a"), T0, 60), MV_OK);
	CHECK_INT(store_get(b, STORE_SENT, MV_STR_LIT("k"), T0, arena, &v), MV_OK);
	CHECK_STR(v, "from a");
	store_close(a);
	CHECK_INT(store_put(b, STORE_SENT, MV_STR_LIT("k2"), MV_STR_LIT("from b"), T0, 60), MV_OK);
	store_close(b);
	/* Closed and opened again: it was written to the file. */
	a = open_at("shared", "");
	CHECK(a != NULL);
	if (a != NULL) {
		CHECK_INT(store_get(a, STORE_SENT, MV_STR_LIT("k2"), T0, arena, &v), MV_OK);
		CHECK_STR(v, "from b");
	}
	store_close(a);
	mv_arena_free(&arena);
}

static void test_lmdb_expire_deletes(void)
{
	struct store *s = open_at("expire", "");
	char key[32];
	int i;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	for (i = 0; i < 2500; i++) {
		snprintf(key, sizeof(key), "id-%d", i);
		CHECK_INT(store_put(s, STORE_SENT, mv_str_cstr(key), MV_STR_LIT("v"), T0, i % 2 == 0 ? 10 : 1000), MV_OK);
	}
	CHECK_INT(entries("expire"), 2500);
	/* Bounded work per call: a few calls go round the whole database. */
	for (i = 0; i < 4; i++)
		CHECK_INT(store_expire(s, T0 + 100), MV_OK);
	CHECK_INT(entries("expire"), 1250);
	store_close(s);
}

static void test_lmdb_grows_then_is_full(void)
{
	struct store *s = open_at("full", "?size=4M");
	char key[32], value[1024];
	int i, rc = MV_OK;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	memset(value, 'v', sizeof(value));
	for (i = 0; i < 10000 && rc == MV_OK; i++) {
		snprintf(key, sizeof(key), "id-%d", i);
		rc = store_put(s, STORE_SENT, mv_str_cstr(key), mv_str_make(value, sizeof(value)), T0, 3600);
	}
	/* It started at 1 MiB: growing, it held more than that, then stopped at 4 MiB. */
	CHECK_INT(rc, MV_LIMIT);
	CHECK(i > 1500 && i < 4000);
	CHECK(strstr(store_error(), "is full at its size (4 MiB)") != NULL);
	/* Full is for writes: reads go on. */
	{
		mv_arena *arena = mv_arena_new(0);
		mv_str v;

		CHECK_INT(store_get(s, STORE_SENT, MV_STR_LIT("id-7"), T0, arena, &v), MV_OK);
		CHECK_INT(v.len, sizeof(value));
		mv_arena_free(&arena);
	}
	store_close(s);
}

static void test_lmdb_open_failures(void)
{
	struct store *s = NULL;
	char *error = NULL;

	CHECK_INT(store_open("lmdb:/proc/no/such/dir", 200, &s, &error), MV_TEMPFAIL);
	CHECK(s == NULL);
	CHECK(error != NULL && strstr(error, "lmdb:/proc/no/such/dir: ") == error);
	free(error);
	error = NULL;
	CHECK_INT(store_open("lmdb:/etc/passwd", 200, &s, &error), MV_TEMPFAIL);
	CHECK(error != NULL && strstr(error, "Not a directory") != NULL);
	free(error);
}

int main(void)
{
	char cmd[128];

	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_lmdb_cases);
	RUN(test_lmdb_two_stores_share_the_environment);
	RUN(test_lmdb_expire_deletes);
	RUN(test_lmdb_grows_then_is_full);
	RUN(test_lmdb_open_failures);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
	return test_summary();
}
