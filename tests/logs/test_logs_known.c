/*
 * An account's filter of correspondents: a key added is always found, and
 * keys never added are taken for known about as rarely as logs_known.c says.
 */
#include <stdlib.h>

#include "logs/logs_int.h"
#include "test.h"

#define SEED 0x1234567890abcdefULL

static uint64_t key(uint64_t i)
{
	return logs_hash(SEED, (const char *)&i, sizeof(i));
}

/* The share of 100000 keys never added that it says it knows, after n added. */
static double false_known(uint64_t n)
{
	struct logs_known k = { 0 };
	uint64_t i, hits = 0, missed = 0;

	for (i = 0; i < n; i++)
		logs_known_add(&k, key(i));
	for (i = 0; i < n; i++)
		missed += !logs_known_has(&k, key(i));
	for (i = 0; i < 100000; i++)
		hits += logs_known_has(&k, key(n + i));
	logs_known_free(&k);
	CHECK_INT(missed, 0);
	return (double)hits / 100000;
}

static void test_logs_known_add_then_has(void)
{
	struct logs_known k = { 0 };

	CHECK(!logs_known_has(&k, 42));
	CHECK_INT(logs_known_add(&k, 42), 1);
	CHECK_INT(logs_known_add(&k, 42), 0);
	CHECK(logs_known_has(&k, 42));
	CHECK(!logs_known_has(&k, key(1)));
	logs_known_free(&k);
	CHECK(k.bits == NULL);
}

/* The rates of the table in logs_known.c, with room for chance. */
static void test_logs_known_false_rate(void)
{
	CHECK(false_known(1000) < 0.0001);
	CHECK(false_known(10000) < 0.005);
	CHECK(false_known(20000) > 0.04);
	CHECK(false_known(20000) < 0.10);
}

int main(void)
{
	RUN(test_logs_known_add_then_has);
	RUN(test_logs_known_false_rate);
	return test_summary();
}
