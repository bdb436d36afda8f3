/*
 * Keyed hashing of log strings, and sets of their hashes: the domains of an
 * account's hour or receipt run (what it knows over the whole log is in
 * logs_known.c).  A set keeps 64-bit hashes only (two strings colliding count
 * as one, about once in 2^64), grows by doubling and stops at LOGS_SET_MAX
 * entries (128 KiB): further domains of that hour or run are not counted.
 */
#include <stdlib.h>

#include "logs/logs_int.h"

#define K1 0x9E3779B97F4A7C15ULL

/* The n < 8 bytes at p as one word, zero-padded. */
static uint64_t tail_word(const unsigned char *p, size_t n)
{
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

uint64_t logs_hash(uint64_t seed, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	uint64_t h = seed ^ (n * K1), w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * K1;
		h ^= h >> 29;
	}
	if (n != 0)
		h = (h ^ tail_word(s, n) ^ (uint64_t)n << 59) * K1;
	return logs_mix(h);
}

uint64_t logs_hash_lower(uint64_t seed, const char *p, size_t n)
{
	char low[256];

	if (n > sizeof(low)) {
		/* Longer than any domain or address: hash what is there, in pieces. */
		uint64_t h = seed;
		size_t i;

		for (i = 0; i < n; i += sizeof(low)) {
			size_t k = n - i < sizeof(low) ? n - i : sizeof(low);

			mv_ascii_lower_copy(low, p + i, k);
			h = logs_hash(h, low, k);
		}
		return h;
	}
	mv_ascii_lower_copy(low, p, n);
	return logs_hash(seed, low, n);
}

static int set_grow(struct logs_set *s)
{
	uint32_t cap = s->slot != NULL ? (s->mask + 1) * 2 : 16, i, j;
	uint64_t *slot = calloc(cap, sizeof(*slot));

	if (slot == NULL)
		return -1;
	if (s->slot != NULL) {
		for (i = 0; i <= s->mask; i++) {
			if (s->slot[i] == 0)
				continue;
			for (j = (uint32_t)s->slot[i] & (cap - 1); slot[j] != 0; j = (j + 1) & (cap - 1))
				;
			slot[j] = s->slot[i];
		}
		free(s->slot);
	}
	s->slot = slot;
	s->mask = cap - 1;
	return 0;
}

int logs_set_add(struct logs_set *s, uint64_t key)
{
	uint32_t i;

	key = key != 0 ? key : 1;
	if (s->slot != NULL) {
		for (i = (uint32_t)key & s->mask; s->slot[i] != 0; i = (i + 1) & s->mask)
			if (s->slot[i] == key)
				return 0;
	}
	if (s->count >= LOGS_SET_MAX)
		return -1;
	/* At most half full: probes stay short. */
	if (s->slot == NULL || (s->count + 1) * 2 > s->mask + 1) {
		if (set_grow(s) != 0)
			return -1;
	}
	for (i = (uint32_t)key & s->mask; s->slot[i] != 0; i = (i + 1) & s->mask)
		;
	s->slot[i] = key;
	s->count++;
	return 1;
}

bool logs_set_has(const struct logs_set *s, uint64_t key)
{
	uint32_t i;

	if (s->slot == NULL)
		return false;
	key = key != 0 ? key : 1;
	for (i = (uint32_t)key & s->mask; s->slot[i] != 0; i = (i + 1) & s->mask)
		if (s->slot[i] == key)
			return true;
	return s->count >= LOGS_SET_MAX;
}

void logs_set_clear(struct logs_set *s)
{
	if (s->slot != NULL && s->count != 0)
		memset(s->slot, 0, ((size_t)s->mask + 1) * sizeof(*s->slot));
	s->count = 0;
}

void logs_set_free(struct logs_set *s)
{
	free(s->slot);
	s->slot = NULL;
	s->mask = 0;
	s->count = 0;
}
