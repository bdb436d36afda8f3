/*
 * The 16-byte block primitives the scanners share: a load, a compare or a
 * range test per byte, and one bit per byte back (simd_mask()), so that a
 * run of bytes that needs no decision is passed over a block at a time.
 *
 * With SSE2 (every x86-64), and unless MV_NO_SIMD is defined (cmake
 * -DMV_SIMD=OFF), each primitive is one or two instructions and SIMD_SSE2 is
 * defined: the modules take their block paths only then, and their byte
 * loops otherwise.  Without it the same primitives are portable C on a
 * 16-byte array, with the same results, so code written with them is
 * correct anywhere; tests/util/test_simd.c checks both against a byte loop.
 *
 * A byte in a vector result is 0xFF where the test holds and 0 where not.
 * Operations only one module needs (base64 packing) stay in that module.
 */
#ifndef MV_UTIL_SIMD_H
#define MV_UTIL_SIMD_H

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(MV_NO_SIMD)
#define SIMD_SSE2 1
#include <emmintrin.h>

typedef __m128i simd_v;

/* The 16 bytes at p, at any alignment. */
static inline simd_v simd_load(const void *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

static inline void simd_store(void *p, simd_v v)
{
	_mm_storeu_si128((__m128i *)p, v);
}

/* The 8 bytes of lo, then the 8 of hi, as one vector (both in memory order). */
static inline simd_v simd_from64(uint64_t lo, uint64_t hi)
{
	return _mm_set_epi64x((long long)hi, (long long)lo);
}

/* Every byte c. */
static inline simd_v simd_splat(unsigned char c)
{
	return _mm_set1_epi8((char)c);
}

static inline simd_v simd_or(simd_v a, simd_v b)
{
	return _mm_or_si128(a, b);
}

static inline simd_v simd_and(simd_v a, simd_v b)
{
	return _mm_and_si128(a, b);
}

/* a and not b. */
static inline simd_v simd_and_not(simd_v a, simd_v b)
{
	return _mm_andnot_si128(b, a);
}

/* Bytewise sums, modulo 256. */
static inline simd_v simd_add(simd_v a, simd_v b)
{
	return _mm_add_epi8(a, b);
}

/* Bytewise unsigned minimum. */
static inline simd_v simd_min(simd_v a, simd_v b)
{
	return _mm_min_epu8(a, b);
}

/* The bytes equal to c. */
static inline simd_v simd_eq(simd_v v, unsigned char c)
{
	return _mm_cmpeq_epi8(v, _mm_set1_epi8((char)c));
}

/*
 * The bytes in [lo, hi], unsigned (hi - lo < 255).  From 0: those left
 * alone by an unsigned minimum with hi.  Else moved so that lo is the
 * smallest signed byte, then one signed compare.
 */
static inline simd_v simd_in(simd_v v, unsigned char lo, unsigned char hi)
{
	if (lo == 0)
		return _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8((char)hi)), v);
	return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(unsigned char)(0x80 - lo))),
			      _mm_set1_epi8((char)(unsigned char)(0x80 + hi - lo + 1)));
}

/*
 * Signed compares with c: the bytes >= 0x80 are below every ASCII byte, so
 * "below ' '" takes them with the controls and "above 0x1F" leaves them out.
 */
static inline simd_v simd_lt_signed(simd_v v, unsigned char c)
{
	return _mm_cmplt_epi8(v, _mm_set1_epi8((char)c));
}

static inline simd_v simd_gt_signed(simd_v v, unsigned char c)
{
	return _mm_cmpgt_epi8(v, _mm_set1_epi8((char)c));
}

/* Bit k set when byte k's high bit is: of a test result, where it holds. */
static inline unsigned simd_mask(simd_v v)
{
	return (unsigned)_mm_movemask_epi8(v);
}

#else	/* portable: the same results a byte at a time */

typedef struct {
	unsigned char b[16];
} simd_v;

static inline simd_v simd_load(const void *p)
{
	simd_v v;

	memcpy(v.b, p, 16);
	return v;
}

static inline void simd_store(void *p, simd_v v)
{
	memcpy(p, v.b, 16);
}

static inline simd_v simd_from64(uint64_t lo, uint64_t hi)
{
	simd_v v;

	memcpy(v.b, &lo, 8);
	memcpy(v.b + 8, &hi, 8);
	return v;
}

static inline simd_v simd_splat(unsigned char c)
{
	simd_v v;

	memset(v.b, c, 16);
	return v;
}

static inline simd_v simd_or(simd_v a, simd_v b)
{
	simd_v r;

	for (int k = 0; k < 16; k++)
		r.b[k] = (unsigned char)(a.b[k] | b.b[k]);
	return r;
}

static inline simd_v simd_and(simd_v a, simd_v b)
{
	simd_v r;

	for (int k = 0; k < 16; k++)
		r.b[k] = (unsigned char)(a.b[k] & b.b[k]);
	return r;
}

static inline simd_v simd_and_not(simd_v a, simd_v b)
{
	simd_v r;

	for (int k = 0; k < 16; k++)
		r.b[k] = (unsigned char)(a.b[k] & ~b.b[k]);
	return r;
}

static inline simd_v simd_add(simd_v a, simd_v b)
{
	simd_v r;

	for (int k = 0; k < 16; k++)
		r.b[k] = (unsigned char)(a.b[k] + b.b[k]);
	return r;
}

static inline simd_v simd_min(simd_v a, simd_v b)
{
	simd_v r;

	for (int k = 0; k < 16; k++)
		r.b[k] = (unsigned char)(a.b[k] < b.b[k] ? a.b[k] : b.b[k]);
	return r;
}

static inline simd_v simd_eq(simd_v v, unsigned char c)
{
	simd_v r;

	for (int k = 0; k < 16; k++)
		r.b[k] = (unsigned char)(v.b[k] == c ? 0xFF : 0);
	return r;
}

static inline simd_v simd_in(simd_v v, unsigned char lo, unsigned char hi)
{
	simd_v r;

	for (int k = 0; k < 16; k++)
		r.b[k] = (unsigned char)(v.b[k] >= lo && v.b[k] <= hi ? 0xFF : 0);
	return r;
}

static inline simd_v simd_lt_signed(simd_v v, unsigned char c)
{
	simd_v r;

	for (int k = 0; k < 16; k++)
		r.b[k] = (unsigned char)((signed char)v.b[k] < (signed char)c ? 0xFF : 0);
	return r;
}

static inline simd_v simd_gt_signed(simd_v v, unsigned char c)
{
	simd_v r;

	for (int k = 0; k < 16; k++)
		r.b[k] = (unsigned char)((signed char)v.b[k] > (signed char)c ? 0xFF : 0);
	return r;
}

static inline unsigned simd_mask(simd_v v)
{
	unsigned m = 0;

	for (int k = 0; k < 16; k++)
		m |= (unsigned)(v.b[k] >> 7) << k;
	return m;
}

#endif

/* Bit k set when p[k] is c, for the 16 bytes at p. */
static inline unsigned simd_eq_mask(const void *p, unsigned char c)
{
	return simd_mask(simd_eq(simd_load(p), c));
}

/* v with A-Z lowercased. */
static inline simd_v simd_lower(simd_v v)
{
	return simd_or(v, simd_and(simd_in(v, 'A', 'Z'), simd_splat(0x20)));
}

#endif
