/*
 * Agreement of the fast and the general header parsers, for the unit tests
 * (tables, generated and mutated input) and the corpus test: each check
 * counts in test.h's totals and prints the input it fails on.
 */
#ifndef MAILVET_TEST_HDR_AGREE_H
#define MAILVET_TEST_HDR_AGREE_H

#include <stdint.h>

#include "hdr/addr_int.h"
#include "hdr/date_int.h"
#include "hdr/received_int.h"
#include "mailvet/hdr.h"
#include "test.h"

/* An address list as "name<address>{group}/FLAGS" joined by " | " (flags: B N Q G R H). */
static inline void render(const struct mv_addr *l, int n, char *out, size_t size)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const struct mv_addr *a = &l[i];
		unsigned f = a->flags;
		int w;

		w = snprintf(out + len, size - len, "%s%.*s<%.*s>", i != 0 ? " | " : "",
			(int)a->name.len, a->name.p, (int)a->address.len, a->address.p);
		len += (size_t)w;
		if (a->group.len != 0) {
			w = snprintf(out + len, size - len, "{%.*s}", (int)a->group.len, a->group.p);
			len += (size_t)w;
		}
		if (f != 0) {
			w = snprintf(out + len, size - len, "/%s%s%s%s%s%s",
				(f & MV_ADDR_BAD) ? "B" : "", (f & MV_ADDR_NO_DOMAIN) ? "N" : "",
				(f & MV_ADDR_QUOTED_LOCAL) ? "Q" : "", (f & MV_ADDR_IN_GROUP) ? "G" : "",
				(f & MV_ADDR_ROUTE) ? "R" : "", (f & MV_ADDR_NAME_HAS_ADDR) ? "H" : "");
			len += (size_t)w;
		}
		if (len >= size)
			return;
	}
}

static inline bool same_str(mv_str a, mv_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* The single-address reader declines, or gives exactly what the general parser gives. */
static inline void check_single_matches_general(const char *in, size_t len, unsigned *taken)
{
	mv_arena *a = mv_arena_new(1 << 20);
	struct mv_addr *l1 = NULL, *l2 = NULL;
	int n1 = hdr_addr_parse_single(a, mv_str_make(in, len), &l1), n2;

	if (n1 != ADDR_NOT_SINGLE) {
		(*taken)++;
		n2 = hdr_addr_parse_list_general(a, mv_str_make(in, len), 0, &l2);
		test_checks++;
		if (n1 != 1 || n2 != 1 || !same_str(l1->name, l2->name) || !same_str(l1->address, l2->address) ||
		    !same_str(l1->local, l2->local) || !same_str(l1->domain, l2->domain) ||
		    !same_str(l1->group, l2->group) || l1->flags != l2->flags ||
		    l1->address.p[l1->address.len] != '\0' || l1->name.p[l1->name.len] != '\0') {
			char got[512], want[512];

			test_failures++;
			render(l1, n1 > 0 ? n1 : 0, got, sizeof(got));
			render(l2, n2 > 0 ? n2 : 0, want, sizeof(want));
			fprintf(stderr, "single vs general \"%.*s\":\n  got:  %d %s\n  want: %d %s\n", (int)len, in,
				n1, got, n2, want);
		}
	}
	mv_arena_free(&a);
}

/* Views into the same input: the same bytes at the same place. */
static inline bool same_view(mv_str a, mv_str b)
{
	return a.len == b.len && (a.len == 0 || a.p == b.p);
}

/* mv_received_parse() (the common-shape reader first) gives what the general parser gives. */
static inline void check_received_agrees(const char *in, size_t len)
{
	struct mv_received a, b;

	mv_received_parse(NULL, mv_str_make(in, len), &a);
	hdr_received_parse_general(mv_str_make(in, len), &b);
	test_checks++;
	if (!same_view(a.from, b.from) || !same_view(a.helo, b.helo) || !same_view(a.ip, b.ip) ||
	    !same_view(a.by, b.by) || !same_view(a.with, b.with) || !same_view(a.id, b.id) ||
	    !same_view(a.for_, b.for_) || !same_view(a.date_raw, b.date_raw) || a.date != b.date ||
	    a.flags != b.flags) {
		test_failures++;
		fprintf(stderr, "common vs general differ on \"%.*s\"\n", (int)len, in);
	}
}

/*
 * hdr_date_parse_common() declines s (DATE_NOT_COMMON), or gives exactly what
 * hdr_date_parse_general() gives: then 0, or -1 when it does not.
 */
static inline int check_date_agrees(mv_str s)
{
	int64_t t1 = -1, t2 = -1;
	int z1 = 12345, z2 = 12345, r1, r2;

	r1 = hdr_date_parse_common(s, &t1, &z1);
	if (r1 == DATE_NOT_COMMON)
		return DATE_NOT_COMMON;
	r2 = hdr_date_parse_general(s, &t2, &z2);
	test_checks++;
	if (r1 != r2 || (r1 == 0 && (t1 != t2 || z1 != z2))) {
		test_failures++;
		fprintf(stderr, "common vs general \"%.*s\": %d %lld %d, want %d %lld %d\n", (int)s.len, s.p, r1,
			(long long)t1, z1, r2, (long long)t2, z2);
		return -1;
	}
	return 0;
}

#endif
