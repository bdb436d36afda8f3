/*
 * A map from byte strings to small numbers, built once (by an engine's init)
 * and then only read, by any number of threads.  A key may be added more than
 * once, with different values; a lookup walks them all.  Keys are not copied:
 * they must outlive the map.  Lookups use keys a sender chooses (domains,
 * words), so the hash is seeded per map.
 */
#ifndef MV_IDENT_STRMAP_H
#define MV_IDENT_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	const char *key;	/* NULL: empty */
	uint32_t len;
	uint32_t value;
};

struct strmap {
	struct strmap_slot *slot;
	size_t mask;		/* slots - 1 (a power of two) */
	size_t n;
	uint64_t seed;
};

/* Returns 0, or -1 when out of memory.  Keys longer than 4 GB are not supported. */
int strmap_add(struct strmap *map, const char *key, size_t len, uint32_t value);
void strmap_free(struct strmap *map);

/*
 * The values of key, one a call: start with *pos_r = 0; returns true with
 * *value_r while there is one more.
 */
bool strmap_next(const struct strmap *map, const char *key, size_t len, size_t *pos_r, uint32_t *value_r);

/* Whether key is there at all (its first value in *value_r when not NULL). */
static inline bool strmap_get(const struct strmap *map, const char *key, size_t len, uint32_t *value_r)
{
	size_t pos = 0;
	uint32_t v;
	bool found = strmap_next(map, key, len, &pos, &v);

	if (found && value_r != NULL)
		*value_r = v;
	return found;
}

#endif
