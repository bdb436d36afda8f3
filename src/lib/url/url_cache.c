/*
 * The url module's per-thread lookup tables (public suffixes, IDNA results).
 * A table is allocated zeroed on its thread's first use and freed when the
 * thread exits, so lookups take no lock; one pthread key holds them all.
 */
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "url/url_int.h"

#define URL_TABLE_ALIGN 128	/* a pair of cache lines, as the hardware fetches them */

struct url_tables {
	void *block[URL_TABLE_COUNT];	/* as allocated, for free() */
	void *table[URL_TABLE_COUNT];	/* the block, from its first URL_TABLE_ALIGN boundary */
};

static _Thread_local struct url_tables *thread_tables;
static pthread_key_t tables_key;
static pthread_once_t tables_key_once = PTHREAD_ONCE_INIT;

static void tables_free(void *opaque)
{
	struct url_tables *t = opaque;
	unsigned i;

	for (i = 0; i < URL_TABLE_COUNT; i++)
		free(t->block[i]);
	free(t);
}

static void tables_key_init(void)
{
	(void)pthread_key_create(&tables_key, tables_free);
}

/*
 * A zeroed table aligned to a pair of cache lines, so that a bucket of 128
 * bytes is one pair (calloc's large blocks start 16 bytes into a page).  calloc, not
 * aligned_alloc and memset: fresh pages come zeroed, untouched until used.
 */
static void *table_alloc(struct url_tables *t, enum url_table which, size_t size)
{
	unsigned char *block = calloc(1, size + URL_TABLE_ALIGN);
	uintptr_t misalign;

	if (block == NULL)
		return NULL;
	misalign = (uintptr_t)block % URL_TABLE_ALIGN;
	t->block[which] = block;
	return block + (misalign != 0 ? URL_TABLE_ALIGN - misalign : 0);
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
		t->table[which] = table_alloc(t, which, slots * slot_size);
	return t->table[which];
}

uint64_t url_hash_seed(const void *table)
{
	return (uint64_t)(uintptr_t)table ^ (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
}
