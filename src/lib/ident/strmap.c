/* The string map of strmap.h: open addressing, linear probing, at most half full. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ident/strmap.h"

static uint64_t hash(uint64_t seed, const char *p, size_t n)
{
	uint64_t h = seed ^ 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

static int grow(struct strmap *map)
{
	size_t cap = map->slot == NULL ? 64 : (map->mask + 1) * 2, i;
	struct strmap_slot *old = map->slot, *s = calloc(cap, sizeof(*s));
	size_t old_cap = map->slot == NULL ? 0 : map->mask + 1;

	if (s == NULL)
		return -1;
	if (map->seed == 0)
		map->seed = ((uint64_t)(uintptr_t)s ^ (uint64_t)time(NULL)) * 0x9e3779b97f4a7c15ULL | 1;
	map->slot = s;
	map->mask = cap - 1;
	for (i = 0; i < old_cap; i++) {
		if (old[i].key != NULL) {
			size_t k = hash(map->seed, old[i].key, old[i].len) & map->mask;

			while (s[k].key != NULL)
				k = (k + 1) & map->mask;
			s[k] = old[i];
		}
	}
	free(old);
	return 0;
}

int strmap_add(struct strmap *map, const char *key, size_t len, uint32_t value)
{
	size_t k;

	if (len > UINT32_MAX)
		return -1;
	if ((map->slot == NULL || (map->n + 1) * 2 > map->mask + 1) && grow(map) < 0)
		return -1;
	k = hash(map->seed, key, len) & map->mask;
	while (map->slot[k].key != NULL)
		k = (k + 1) & map->mask;
	map->slot[k] = (struct strmap_slot){ key, (uint32_t)len, value };
	map->n++;
	return 0;
}

void strmap_free(struct strmap *map)
{
	free(map->slot);
	memset(map, 0, sizeof(*map));
}

bool strmap_next(const struct strmap *map, const char *key, size_t len, size_t *pos_r, uint32_t *value_r)
{
	size_t k, i;

	if (map->slot == NULL)
		return false;
	k = hash(map->seed, key, len) & map->mask;
	/* *pos_r counts the slots of this key's run already looked at. */
	for (i = *pos_r, k = (k + i) & map->mask; map->slot[k].key != NULL; i++, k = (k + 1) & map->mask) {
		const struct strmap_slot *s = &map->slot[k];

		if (s->len == len && memcmp(s->key, key, len) == 0) {
			*pos_r = i + 1;
			*value_r = s->value;
			return true;
		}
	}
	*pos_r = i;
	return false;
}
