/*
 * The correspondents an account knows: a split-block Bloom filter of a fixed
 * LOGS_KNOWN_BYTES (16 KiB), made at its first key and never grown, so that
 * an account costs the same whether the log is a day or a year long.
 *
 * A key is a 64-bit keyed hash (logs_hash(), seeded per run: a sender cannot
 * aim at its bits).  Its low 8 bits choose one of 256 blocks of 512 bits, a
 * cache line; the next 48 bits, 6 at a time, one bit in each of the block's
 * eight 64-bit words.  A key once added is always found; a key never added is
 * found ("already known") with the chance that its 8 bits were all set by
 * others.  With n keys, blocks' loads are Poisson(n / 256), and the chance is
 * the mean over them of (1 - (63/64)^load)^8:
 *
 *	keys     1000     5000     10000    15000    20000    30000
 *	false    6e-9     5e-5     0.27 %   2.0 %    6.7 %    25 %
 *
 * An account adds a key per address, per domain and per domain written to
 * (docs/logs.md, "Memory"); past a few tens of thousands of keys it takes
 * more and more strangers for known, as the exact sets did at their cap.
 */
#include <stdlib.h>

#include "logs/logs_int.h"

#define BLOCKS (LOGS_KNOWN_BYTES / 64)

/* The first word of key's block, and the bit it needs in each of the block's words. */
static size_t key_bits(uint64_t key, uint64_t mask_r[8])
{
	unsigned w;

	for (w = 0; w < 8; w++)
		mask_r[w] = (uint64_t)1 << ((key >> (8 + 6 * w)) & 63);
	return (size_t)(key % BLOCKS) * 8;
}

bool logs_known_has(const struct logs_known *k, uint64_t key)
{
	uint64_t mask[8];
	const uint64_t *b;
	unsigned w;

	if (k->bits == NULL)
		return false;
	b = k->bits + key_bits(key, mask);
	for (w = 0; w < 8; w++)
		if ((b[w] & mask[w]) == 0)
			return false;
	return true;
}

int logs_known_add(struct logs_known *k, uint64_t key)
{
	uint64_t mask[8], *b;
	unsigned w;
	int added = 0;

	if (k->bits == NULL) {
		k->bits = aligned_alloc(64, LOGS_KNOWN_BYTES);
		if (k->bits == NULL)
			return -1;
		memset(k->bits, 0, LOGS_KNOWN_BYTES);
	}
	b = k->bits + key_bits(key, mask);
	for (w = 0; w < 8; w++) {
		if ((b[w] & mask[w]) == 0) {
			b[w] |= mask[w];
			added = 1;
		}
	}
	return added;
}

void logs_known_free(struct logs_known *k)
{
	free(k->bits);
	k->bits = NULL;
}
