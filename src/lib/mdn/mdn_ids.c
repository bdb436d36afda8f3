/*
 * The Message-IDs a receipt or a reply answers: In-Reply-To (RFC 5322
 * 3.6.4), then References from its last id (the parent) back.  A hostile
 * References of thousands of ids costs a scan from its end for the few kept.
 */
#include <string.h>

#include "mdn/mdn.h"

int mdn_ids_add(mv_arena *arena, mv_str raw, mv_str *ids, unsigned *n, unsigned max)
{
	mv_str id;
	unsigned i;

	if (*n >= max)
		return 0;
	id = mv_msgid_parse(arena, raw);
	if (id.p == NULL && mv_arena_exhausted(arena))
		return -1;
	if (id.len == 0)
		return 0;
	for (i = 0; i < *n; i++) {
		if (ids[i].len == id.len && memcmp(ids[i].p, id.p, id.len) == 0)
			return 0;
	}
	ids[(*n)++] = id;
	return 0;
}

/* The ids of a References value from the last back, while there is room. */
static int add_references(mv_arena *arena, mv_str raw, mv_str *ids, unsigned *n, unsigned max)
{
	const char *end = raw.p + raw.len;

	while (*n < max && end > raw.p) {
		const char *gt = memrchr(raw.p, '>', (size_t)(end - raw.p)), *lt;

		if (gt == NULL)
			return 0;
		lt = memrchr(raw.p, '<', (size_t)(gt - raw.p));
		if (lt == NULL)
			return 0;
		if (mdn_ids_add(arena, mv_str_make(lt, (size_t)(gt + 1 - lt)), ids, n, max) < 0)
			return -1;
		end = lt;
	}
	return 0;
}

int mdn_answered_ids(mv_arena *arena, const struct mv_part *root, mv_str *ids, unsigned *n, unsigned max)
{
	const struct mv_header *h = mv_part_header(root, "In-Reply-To");

	if (h != NULL && mdn_ids_add(arena, h->value, ids, n, max) < 0)
		return -1;
	h = mv_part_header(root, "References");
	return h != NULL ? add_references(arena, h->value, ids, n, max) : 0;
}
