/*
 * libFuzzer target for the header-field parsers; the first byte picks the
 * parser.  Addresses and dates also check that the direct reader of the
 * common shape agrees with the general parser whenever it takes the input;
 * so does Received (mv_received_parse() against the general parser alone),
 * and a Received date must be what mv_date_parse() reads in its text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hdr/addr_int.h"
#include "hdr/date_int.h"
#include "hdr/received_int.h"
#include "mailvet/hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int str_cmp(mv_str a, mv_str b)
{
	return a.len != b.len || (a.len != 0 && memcmp(a.p, b.p, a.len) != 0);
}

/* The single-address reader, when it takes the input, gives what the general parser gives. */
static void check_single_address(mv_arena *arena, mv_str in)
{
	struct mv_addr *l1, *l2;
	int n1 = hdr_addr_parse_single(arena, in, &l1), n2;

	if (n1 == ADDR_NOT_SINGLE)
		return;
	n2 = hdr_addr_parse_list_general(arena, in, 0, &l2);
	if (n1 != n2 || (n1 == 1 && (str_cmp(l1->name, l2->name) || str_cmp(l1->address, l2->address) ||
	    str_cmp(l1->local, l2->local) || str_cmp(l1->domain, l2->domain) ||
	    str_cmp(l1->group, l2->group) || l1->flags != l2->flags)))
		abort();
}

static bool same_view(mv_str a, mv_str b)
{
	return a.len == b.len && (a.len == 0 || a.p == b.p);
}

/* mv_received_parse() (the reader of the common shape first) gives what the general parser gives. */
static void check_received(mv_str in, const struct mv_received *r)
{
	struct mv_received g;

	hdr_received_parse_general(in, &g);
	if (!same_view(r->from, g.from) || !same_view(r->helo, g.helo) || !same_view(r->ip, g.ip) ||
	    !same_view(r->by, g.by) || !same_view(r->with, g.with) || !same_view(r->id, g.id) ||
	    !same_view(r->for_, g.for_) || !same_view(r->date_raw, g.date_raw) || r->date != g.date ||
	    r->flags != g.flags)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_arena *arena;
	mv_str in;
	size_t i, sum = 0;

	if (size == 0)
		return 0;
	arena = mv_arena_new((size_t)64 << 20);
	in = mv_str_make((const char *)data + 1, size - 1);
	switch (data[0] % 4) {
	case 0: {
		struct mv_addr *l;
		int n = mv_addr_parse_list(arena, in, 0, &l);

		for (i = 0; n > 0 && i < (size_t)n; i++)
			sum += l[i].name.len + l[i].address.len + l[i].local.len + l[i].domain.len + l[i].group.len;
		check_single_address(arena, in);
		break;
	}
	case 1: {
		int64_t t, t2;
		int z, z2, r;

		if (mv_date_parse(in, &t, &z) == 0)
			sum = (size_t)t + (size_t)z;
		r = hdr_date_parse_common(in, &t, &z);
		if (r != DATE_NOT_COMMON &&
		    (hdr_date_parse_general(in, &t2, &z2) != r || (r == 0 && (t != t2 || z != z2))))
			abort();
		break;
	}
	case 2:
		sum = mv_msgid_parse(arena, in).len;
		break;
	default: {
		struct mv_received r;
		int64_t t;
		int z;

		mv_received_parse(arena, in, &r);
		sum = r.from.len + r.helo.len + r.ip.len + r.by.len + r.with.len + r.id.len + r.for_.len +
			r.date_raw.len;
		/* The date read at its ';' is the one mv_date_parse() gives for the same text. */
		if (r.date_raw.p != NULL && mv_date_parse(r.date_raw, &t, &z) == 0 ? r.date != t : r.date != 0)
			abort();
		check_received(in, &r);
		break;
	}
	}
	mv_arena_free(&arena);
	return sum == (size_t)-1;
}
