/*
 * The url module's per-thread lookup tables (public suffixes, IDNA results).
 * A table is allocated zeroed on its thread's first use and freed when the
 * thread exits, so lookups take no lock; one pthread key holds them all.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "url/url_int.h"

struct url_tables {
	void *table[URL_TABLE_COUNT];
};

static _Thread_local struct url_tables *thread_tables;
static pthread_key_t tables_key;
static pthread_once_t tables_key_once = PTHREAD_ONCE_INIT;

static void tables_free(void *opaque)
{
	struct url_tables *t = opaque;
	unsigned i;

	for (i = 0; i < URL_TABLE_COUNT; i++)
		free(t->table[i]);
	free(t);
}

static void tables_key_init(void)
{
	(void)pthread_key_create(&tables_key, tables_free);
}

void *url_thread_table(enum url_table which, size_t slots, size_t slot_size)
{
	struct url_tables *t = thread_tables;

	if (t == NULL) {
		pthread_once(&tables_key_once, tables_key_init);
		t = calloc(1, sizeof(*t));
		if (t == NULL)
			return NULL;
		if (pthread_setspecific(tables_key, t) != 0) {
			free(t);
			return NULL;
		}
		thread_tables = t;
	}
	if (t->table[which] == NULL)
		t->table[which] = calloc(slots, slot_size);
	return t->table[which];
}

uint64_t url_hash_seed(const void *table)
{
	return (uint64_t)(uintptr_t)table ^ (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
}
