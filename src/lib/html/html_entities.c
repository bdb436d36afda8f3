/*
 * Character reference helpers (WHATWG HTML 13.2.5.72-80).  Named references
 * are found by binary search in the generated sorted table, among the names
 * with the same first byte (an index built once per process); the tokenizer
 * asks for the longest match itself (html_tokenizer.c).
 */
#include <pthread.h>
#include <string.h>

#include "html/html_internal.h"

/* Entries [first_at[c], first_at[c + 1]) are the names that start with byte c. */
static unsigned short first_at[257];
static pthread_once_t first_at_once = PTHREAD_ONCE_INIT;

/*
 * The legacy names (no ';', 106 of them) in table order: those that start
 * with byte c are legacy[legacy_at[c] .. legacy_at[c + 1]), a handful at most.
 * The WHATWG keeps that list closed, so LEGACY_MAX will not be reached.
 */
#define LEGACY_MAX 128
static unsigned short legacy[LEGACY_MAX];
static unsigned char legacy_at[257];

static int is_legacy(const struct html_entity *e)
{
	return e->name[e->name_len - 1] != ';';
}

static void first_at_fill(void)
{
	unsigned c, e = 0, nl = 0;

	for (c = 0; c < 256; c++) {
		first_at[c] = (unsigned short)e;
		legacy_at[c] = (unsigned char)nl;
		while (e < html_entities_count && (unsigned char)html_entities[e].name[0] == c) {
			if (is_legacy(&html_entities[e]) && nl < LEGACY_MAX)
				legacy[nl++] = (unsigned short)e;
			e++;
		}
	}
	first_at[256] = (unsigned short)e;
	legacy_at[256] = (unsigned char)nl;
}

void html_entities_init(void)
{
	(void)pthread_once(&first_at_once, first_at_fill);
}

const struct html_entity *html_entity_find(const char *name, size_t len)
{
	size_t lo, hi;

	if (len == 0)
		return NULL;
	/* The first byte picks the range; the search compares the rest. */
	lo = first_at[(unsigned char)name[0]];
	hi = first_at[(unsigned char)name[0] + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct html_entity *e = &html_entities[mid];
		size_t n = e->name_len < len ? e->name_len : len;
		int cmp = memcmp(e->name + 1, name + 1, n - 1);

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

const struct html_entity *html_entity_find_legacy(const char *name, size_t len)
{
	const struct html_entity *best = NULL;
	unsigned x;

	if (len == 0)
		return NULL;
	for (x = legacy_at[(unsigned char)name[0]]; x < legacy_at[(unsigned char)name[0] + 1]; x++) {
		const struct html_entity *e = &html_entities[legacy[x]];

		if (e->name_len <= len && memcmp(e->name, name, e->name_len) == 0 &&
		    (best == NULL || e->name_len > best->name_len))
			best = e;
	}
	return best;
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

