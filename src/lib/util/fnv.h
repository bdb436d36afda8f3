/* FNV-1a, 32 bits: a hash for tables whose contents we choose (not a sender), and for stable sampling. */
#ifndef MV_UTIL_FNV_H
#define MV_UTIL_FNV_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t util_fnv1a32(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

#endif
