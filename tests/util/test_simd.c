/*
 * The block primitives of util/simd.h against a byte loop, for every byte
 * value and every test constant that matters.  Built with -DMV_SIMD=OFF this
 * checks the portable versions, otherwise the SSE2 ones.
 */
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "util/simd.h"

/* The 256 byte values as 16 blocks of 16, a block at a time into v. */
static unsigned char bytes[256];

static void fill_bytes(void)
{
	for (unsigned i = 0; i < 256; i++)
		bytes[i] = (unsigned char)(i * 7 + 3);	/* every value once, not in order */
}

/* The bytes of v, stored. */
static void out(simd_v v, unsigned char r[16])
{
	simd_store(r, v);
}

/* The byte loop: bit k set where test(p[k], c) holds. */
static unsigned ref_mask(const unsigned char *p, int (*test)(unsigned char x, unsigned c), unsigned c)
{
	unsigned m = 0;

	for (int k = 0; k < 16; k++)
		m |= (unsigned)(test(p[k], c) != 0) << k;
	return m;
}

static int is_eq(unsigned char x, unsigned c)
{
	return x == c;
}

static int is_lt_signed(unsigned char x, unsigned c)
{
	return (signed char)x < (signed char)c;
}

static int is_gt_signed(unsigned char x, unsigned c)
{
	return (signed char)x > (signed char)c;
}

static int is_le(unsigned char x, unsigned c)
{
	return x <= c;
}

static int is_ge(unsigned char x, unsigned c)
{
	return x >= c;
}

static int is_in_half_to(unsigned char x, unsigned c)
{
	return x >= c / 2 && x <= c;
}

static void test_load_store_mask(void)
{
	unsigned char r[17];
	int bad = 0;

	for (unsigned b = 0; b < 256; b += 16) {
		const unsigned char *p = bytes + b;
		unsigned ref = 0;

		for (int k = 0; k < 16; k++)
			ref |= (unsigned)(p[k] >> 7) << k;
		memset(r, 0xAA, sizeof(r));
		simd_store(r, simd_load(p));
		bad += memcmp(r, p, 16) != 0 || r[16] != 0xAA;	/* exactly 16 bytes written */
		bad += simd_mask(simd_load(p)) != ref;
	}
	CHECK_INT(bad, 0);
	/* An unaligned load. */
	CHECK_INT(simd_eq_mask(&"x0123456789abcdef"[1], 'f'), 0x8000);
	CHECK_INT(simd_mask(simd_splat(0x80)), 0xFFFF);
	CHECK_INT(simd_mask(simd_splat(0x7F)), 0);
}

static void test_from64(void)
{
	uint64_t lo, hi;
	unsigned char r[16];

	memcpy(&lo, "01234567", 8);
	memcpy(&hi, "89abcdef", 8);
	out(simd_from64(lo, hi), r);
	CHECK(memcmp(r, "0123456789abcdef", 16) == 0);
}

static void test_logic_and_arithmetic(void)
{
	unsigned char r[16];
	int bad = 0;

	for (unsigned b = 0; b < 256; b += 16) {
		const unsigned char *p = bytes + b, *q = bytes + (b + 80) % 256;
		simd_v a = simd_load(p), c = simd_load(q);

		out(simd_or(a, c), r);
		for (int k = 0; k < 16; k++)
			bad += r[k] != (p[k] | q[k]);
		out(simd_and(a, c), r);
		for (int k = 0; k < 16; k++)
			bad += r[k] != (p[k] & q[k]);
		out(simd_and_not(a, c), r);
		for (int k = 0; k < 16; k++)
			bad += r[k] != (p[k] & (unsigned char)~q[k]);
		out(simd_add(a, c), r);
		for (int k = 0; k < 16; k++)
			bad += r[k] != (unsigned char)(p[k] + q[k]);
		out(simd_min(a, c), r);
		for (int k = 0; k < 16; k++)
			bad += r[k] != (p[k] < q[k] ? p[k] : q[k]);
		out(simd_lower(a), r);
		for (int k = 0; k < 16; k++)
			bad += r[k] != (p[k] >= 'A' && p[k] <= 'Z' ? p[k] + 0x20 : p[k]);
	}
	CHECK_INT(bad, 0);
}

/* Each compare for every byte against every constant. */
static void test_compares(void)
{
	int bad = 0;

	for (unsigned c = 0; c < 256; c++) {
		for (unsigned b = 0; b < 256; b += 16) {
			const unsigned char *p = bytes + b;
			simd_v v = simd_load(p);

			bad += simd_mask(simd_eq(v, (unsigned char)c)) != ref_mask(p, is_eq, c);
			bad += simd_eq_mask(p, (unsigned char)c) != ref_mask(p, is_eq, c);
			bad += simd_mask(simd_lt_signed(v, (unsigned char)c)) != ref_mask(p, is_lt_signed, c);
			bad += simd_mask(simd_gt_signed(v, (unsigned char)c)) != ref_mask(p, is_gt_signed, c);
			/* Ranges from 0 (the minimum road) and from c (the shifted compare). */
			bad += simd_mask(simd_in(v, 0, (unsigned char)c)) != ref_mask(p, is_le, c);
			if (c != 0)
				bad += simd_mask(simd_in(v, (unsigned char)c, 0xFF)) != ref_mask(p, is_ge, c);
			bad += simd_mask(simd_in(v, (unsigned char)(c / 2), (unsigned char)c)) !=
			       ref_mask(p, is_in_half_to, c);
		}
	}
	CHECK_INT(bad, 0);
	/* The ranges the modules use, written out. */
	CHECK_INT(simd_mask(simd_in(simd_load("@AZ[`az{/09:\t\r\n "), 'A', 'Z')), 0x0006);
	CHECK_INT(simd_mask(simd_in(simd_load("@AZ[`az{/09:\t\r\n "), '0', '9')), 0x0600);
	CHECK_INT(simd_mask(simd_in(simd_load("@AZ[`az{/09:\t\r\n "), '\t', '\r')), 0x7000);
}

int main(void)
{
	fill_bytes();
	RUN(test_load_store_mask);
	RUN(test_from64);
	RUN(test_logic_and_arithmetic);
	RUN(test_compares);
	return test_summary();
}
