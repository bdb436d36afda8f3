/*
 * libFuzzer target for the header-field parsers; the first byte picks the
 * parser.  Dates also check that the reader of the common shape agrees with
 * the general parser whenever it takes the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hdr/date_int.h"
#include "mailvet/hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

		mv_received_parse(arena, in, &r);
		sum = r.from.len + r.helo.len + r.ip.len + r.by.len + r.with.len + r.id.len + r.for_.len +
			r.date_raw.len;
		break;
	}
	}
	mv_arena_free(&arena);
	return sum == (size_t)-1;
}
