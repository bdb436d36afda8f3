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

/*
 * The last n % 8 bytes of p as one word, read with fixed-size loads
 * rather than a variable-length copy (a call): some bytes are read twice,
 * but every one is read, and n is in the hash already.
 */
static uint64_t tail_word(const char *p, size_t n)
{
	uint64_t w;
	uint32_t a, b;

	if (n >= 8) {
		memcpy(&w, p + n - 8, 8);
		return w;
	}
	if (n >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		return (uint64_t)a << 32 | b;
	}
	return (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
		(uint64_t)(unsigned char)p[n - 1] << 16;
}

uint64_t url_hash(uint64_t seed, const char *p, size_t n)
{
	const uint64_t k = 0x9E3779B97F4A7C15ULL;
	uint64_t h = seed ^ n, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	if (i < n) {
		h = (h ^ tail_word(p, n)) * k;
		h ^= h >> 32;
	}
	return h;
}
