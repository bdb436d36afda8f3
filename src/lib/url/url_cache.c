/*
 * The url module's per-thread lookup tables (public suffixes, IDNA results).
 * A table is allocated zeroed on its thread's first use and freed when the
 * thread exits (util/thread_exit.h), so lookups take no lock.
 */
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "url/url_int.h"

#define URL_TABLE_ALIGN 128	/* a pair of cache lines, as the hardware fetches them */

static void tables_free(struct mv_thread_exit *hook);

_Thread_local struct url_tables url_tables = { .exit.release = tables_free };

_Static_assert(offsetof(struct url_tables, exit) == 0, "release() casts its hook to the tables");

static void tables_free(struct mv_thread_exit *hook)
{
	struct url_tables *t = (struct url_tables *)hook;
	unsigned i;

	for (i = 0; i < URL_TABLE_COUNT; i++) {
		free(t->block[i]);
		t->block[i] = NULL;
		t->table[i] = NULL;
	}
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

void *url_thread_table_new(enum url_table which, size_t slots, size_t slot_size)
{
	struct url_tables *t = &url_tables;

	if (t->table[which] == NULL && mv_thread_exit_register(&t->exit)) {
		t->table[which] = table_alloc(t, which, slots * slot_size);
		if (t->table[which] != NULL)
			t->seed[which] = (uint64_t)(uintptr_t)t->table[which] ^
					 (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
	}
	return t->table[which];
}
