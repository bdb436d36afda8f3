/*
 * Character reference helpers (WHATWG HTML 13.2.5.72-80).  Named references
 * are found by binary search in the generated sorted table; the tokenizer
 * asks for the longest match itself (html_tokenizer.c).
 */
#include <string.h>

#include "html/html_internal.h"

const struct html_entity *html_entity_find(const char *name, size_t len)
{
	size_t lo = 0, hi = html_entities_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct html_entity *e = &html_entities[mid];
		size_t n = e->name_len < len ? e->name_len : len;
		int cmp = memcmp(e->name, name, n);

		if (cmp == 0)
			cmp = (int)e->name_len - (int)len;
		if (cmp == 0)
			return e;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* 13.2.5.80 numeric character reference end state: C1 controls are read as windows-1252. */
static const uint16_t c1_map[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

uint32_t html_numeric_ref_map(uint32_t cp)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0xFFFD;
	if (cp >= 0x80 && cp <= 0x9F)
		return c1_map[cp - 0x80];
	return cp;
}

