/*
 * Receipt requests arriving: Disposition-Notification-To (RFC 8098 2.1) and
 * the legacy fields clients still answer (Return-Receipt-To, which Outlook
 * honours; X-Confirm-Reading-To; Read-Receipt-To).  Every field is listed,
 * so that all of them can be removed; the addresses of the first
 * MDN_PARSE_FIELDS are read, at most MDN_PARSE_ADDRS from each, and
 * MDN_MAX_ADDRS distinct ones are kept: a request naming a thousand
 * addresses costs what one naming thirty-three does.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mdn/mdn.h"

static const char *const request_names[MDN_REQ_KINDS] = {
	[MDN_REQ_DNT] = "Disposition-Notification-To",
	[MDN_REQ_RRT] = "Return-Receipt-To",
	[MDN_REQ_XCRT] = "X-Confirm-Reading-To",
	[MDN_REQ_READ] = "Read-Receipt-To",
};

const char *mdn_request_name(enum mdn_request_kind kind)
{
	return kind < MDN_REQ_KINDS ? request_names[kind] : "";
}

bool mdn_addr_eq(mv_str a, mv_str b)
{
	return a.len == b.len && a.len != 0 && strncasecmp(a.p, b.p, a.len) == 0;
}

static int by_position(const void *x, const void *y)
{
	const struct mdn_request_field *a = x, *b = y;

	return a->header < b->header ? -1 : a->header > b->header;
}

/* Keeps one requested address, lower-cased, unless it is already kept. */
static int keep_address(mv_arena *arena, struct mdn_request *req, mv_str addr)
{
	char *copy;
	unsigned i;

	for (i = 0; i < req->n_addrs; i++) {
		if (mdn_addr_eq(req->addrs[i], addr))
			return 0;
	}
	if (req->n_addrs == MDN_MAX_ADDRS) {
		req->more = true;
		return 0;
	}
	copy = mv_arena_alloc(arena, addr.len + 1);
	if (copy == NULL)
		return -1;
	mv_ascii_lower_copy(copy, addr.p, addr.len);
	copy[addr.len] = '\0';
	req->addrs[req->n_addrs++] = mv_str_make(copy, addr.len);
	return 0;
}

static int read_addresses(mv_arena *arena, struct mdn_request *req, const struct mv_header *h)
{
	struct mv_addr *list;
	int n = mv_addr_parse_list(arena, h->value, MDN_PARSE_ADDRS, &list), i;

	if (n < 0)
		return -1;
	if (n == 0)
		req->unreadable = true;
	if (n == MDN_PARSE_ADDRS)
		req->more = true;
	for (i = 0; i < n; i++) {
		if (list[i].address.len == 0 || (list[i].flags & MV_ADDR_NO_DOMAIN)) {
			req->unreadable = true;
			continue;
		}
		if (keep_address(arena, req, list[i].address) < 0)
			return -1;
	}
	return 0;
}

int mdn_request_read(mv_arena *arena, const struct mv_part *root, struct mdn_request *req)
{
	unsigned counts[MDN_REQ_KINDS], total = 0, k, i;

	memset(req, 0, sizeof(*req));
	/* The name index answers "none" for nearly every message without a walk over the fields. */
	for (k = 0; k < MDN_REQ_KINDS; k++) {
		counts[k] = mv_part_header_count(root, request_names[k]);
		total += counts[k];
	}
	if (total == 0)
		return 0;
	req->fields = mv_arena_calloc(arena, total, sizeof(*req->fields));
	if (req->fields == NULL)
		return -1;
	for (k = 0; k < MDN_REQ_KINDS; k++) {
		const struct mv_header *h = counts[k] != 0 ? mv_part_header(root, request_names[k]) : NULL;
		unsigned index = 0;

		for (; h != NULL && req->n_fields < total; h = mv_part_header_next(root, h))
			req->fields[req->n_fields++] = (struct mdn_request_field){ h, (enum mdn_request_kind)k, ++index };
	}
	qsort(req->fields, req->n_fields, sizeof(*req->fields), by_position);
	for (i = 0; i < req->n_fields && i < MDN_PARSE_FIELDS; i++) {
		if (read_addresses(arena, req, req->fields[i].header) < 0)
			return -1;
	}
	if (req->n_fields > MDN_PARSE_FIELDS)
		req->more = true;
	return 0;
}

enum mdn_foreign mdn_request_foreign(const struct mdn_request *req, mv_str return_path)
{
	if (req->n_addrs == 0)
		return MDN_FOREIGN_UNREADABLE;
	if (req->n_addrs > 1 || req->more)
		return MDN_FOREIGN_SEVERAL;
	if (return_path.len == 0)
		return MDN_FOREIGN_NO_RETURN_PATH;
	if (!mdn_addr_eq(req->addrs[0], return_path))
		return MDN_FOREIGN_DIFFERS;
	/* One address, the Return-Path's, beside something that is not an address: not one address. */
	return req->unreadable ? MDN_FOREIGN_UNREADABLE : MDN_FOREIGN_NO;
}
