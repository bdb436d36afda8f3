/*
 * Base64 (RFC 2045 6.8) decoding, lenient as mail readers are: white space and
 * line breaks are skipped, any byte outside the alphabet is skipped and
 * reported.  Padding ('=' after two or three sextets of a quantum) ends the
 * data, as RFC 2045 6.8 says: mailing-list servers append plain-text footers
 * after a base64 body, and those are not part of it.  A final partial quantum
 * without padding yields the whole bytes it holds.
 */
#include <stdint.h>
#include <string.h>

#include "mailvet/msg.h"
#include "mime/mime_decode.h"
#include "util/simd.h"

enum { B64_SPACE = 64, B64_PAD = 65, B64_BAD = 66 };

static const uint8_t b64_table[256] = {
#define B64_ROW_BAD B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD
	/* 0x00 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x08 */ B64_BAD, B64_SPACE, B64_SPACE, B64_SPACE, B64_SPACE, B64_SPACE, B64_BAD, B64_BAD,
	/* 0x10 */ B64_ROW_BAD, B64_ROW_BAD,
	/* 0x20 */ B64_SPACE, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x28 */ B64_BAD, B64_BAD, B64_BAD, 62, B64_BAD, B64_BAD, B64_BAD, 63,
	/* 0x30 */ 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, B64_BAD, B64_BAD, B64_BAD, B64_PAD, B64_BAD, B64_BAD,
	/* 0x40 */ B64_BAD, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	/* 0x50 */ 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x60 */ B64_BAD, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	/* 0x70 */ 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x80 - 0xff */
	B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD,
	B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD,
#undef B64_ROW_BAD
};

#ifdef SIMD_SSE2
/*
 * Sixteen bytes at a time: most of a base64 body is whole runs of alphabet
 * bytes.  The bytes are classified by range (SSE2 has no table look-up), and
 * each range has its own offset to the sextet value (modulo 256).
 */
static simd_v sextets16(simd_v v, unsigned *alphabet_r)
{
	simd_v upper = simd_in(v, 'A', 'Z'), lower = simd_in(v, 'a', 'z'), digit = simd_in(v, '0', '9');
	simd_v plus = simd_eq(v, '+'), slash = simd_eq(v, '/');
	simd_v offset = simd_or(simd_and(upper, simd_splat((unsigned char)(0 - 'A'))),
				simd_and(lower, simd_splat((unsigned char)(26 - 'a'))));

	offset = simd_or(offset, simd_and(digit, simd_splat((unsigned char)(52 - '0'))));
	offset = simd_or(offset, simd_and(plus, simd_splat((unsigned char)(62 - '+'))));
	offset = simd_or(offset, simd_and(slash, simd_splat((unsigned char)(63 - '/'))));
	*alphabet_r = simd_mask(simd_or(simd_or(upper, lower), simd_or(digit, simd_or(plus, slash))));
	return simd_add(v, offset);
}

/* A bit per byte of 16 that is white space (B64_SPACE in the table). */
static unsigned space16(simd_v v)
{
	return simd_mask(simd_or(simd_eq(v, ' '), simd_in(v, '\t', '\r')));
}

/*
 * Packs 16 sextets into their 12 bytes at out.  Writes 14 bytes: the caller
 * keeps two bytes of room past the 12 (see the bound in mime_decode.h).
 */
static void pack16(simd_v s, char *out)
{
	/* Sextet pairs into 12-bit values, pairs of those into 24 bits per 32-bit lane. */
	__m128i pairs = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(s, _mm_set1_epi16(0x00ff)), 6),
				     _mm_srli_epi16(s, 8));
	__m128i lanes = _mm_madd_epi16(pairs, _mm_set1_epi32(0x00011000));
	__m128i swapped, packed;

	/* Each lane holds its bytes last-first: reverse them, then drop the empty fourth byte. */
	swapped = _mm_or_si128(_mm_slli_epi16(lanes, 8), _mm_srli_epi16(lanes, 8));
	swapped = _mm_shufflehi_epi16(_mm_shufflelo_epi16(swapped, _MM_SHUFFLE(2, 3, 0, 1)), _MM_SHUFFLE(2, 3, 0, 1));
	swapped = _mm_srli_epi32(swapped, 8);
	packed = _mm_or_si128(_mm_and_si128(swapped, _mm_set_epi32(0, 0x00ffffff, 0, 0x00ffffff)),
			      _mm_srli_epi64(_mm_and_si128(swapped, _mm_set_epi32(0x00ffffff, 0, 0x00ffffff, 0)), 8));
	_mm_storel_epi64((__m128i *)out, packed);
	_mm_storel_epi64((__m128i *)(out + 6), _mm_unpackhi_epi64(packed, packed));
}

/* Decodes whole blocks of 16 alphabet bytes at *pp (at a quantum boundary); returns the bytes written. */
static size_t decode_blocks(const unsigned char **pp, const unsigned char *end, char *out)
{
	const unsigned char *p = *pp;
	size_t n = 0;

	while (end - p >= 16) {
		unsigned alphabet;
		simd_v s = sextets16(simd_load(p), &alphabet);

		if (alphabet != 0xffff)
			break;
		pack16(s, out + n);
		n += 12;
		p += 16;
	}
	*pp = p;
	return n;
}

/* Bits set in a 16-bit mask (no popcnt instruction in baseline x86-64). */
static unsigned bits16(unsigned x)
{
	x = x - ((x >> 1) & 0x5555);
	x = (x & 0x3333) + ((x >> 2) & 0x3333);
	x = (x + (x >> 4)) & 0x0f0f;
	return (x + (x >> 8)) & 0x1f;
}

/*
 * Counting only: blocks of alphabet bytes and white space are counted
 * whatever the quantum, up to the first byte that needs the scalar path
 * (padding or garbage).
 */
static void count_blocks(const unsigned char **pp, const unsigned char *end, unsigned *q, size_t *n)
{
	const unsigned char *p = *pp;

	while (end - p >= 16) {
		simd_v v = simd_load(p);
		unsigned alphabet, plain, take;

		(void)sextets16(v, &alphabet);
		plain = alphabet | space16(v);
		take = plain == 0xffff ? 16 : (unsigned)__builtin_ctz(~plain);
		*q += alphabet == 0xffff ? 16 : bits16(alphabet & ((1u << take) - 1));
		*n += *q / 4 * 3;
		*q %= 4;
		p += take;
		if (take != 16)
			break;
	}
	*pp = p;
}
#endif

size_t mime_base64_decode(const char *in, size_t len, char *out, unsigned *problems)
{
	const unsigned char *p = (const unsigned char *)in, *end = p + len;
	uint32_t acc = 0;
	unsigned q = 0;		/* sextets in acc */
	size_t n = 0;
	bool bad = false;

	while (p < end) {
#ifdef SIMD_SSE2
		if (out == NULL)
			count_blocks(&p, end, &q, &n);
		else if (q == 0 && b64_table[*p] < 64)
			n += decode_blocks(&p, end, out + n);
		if (p == end)
			break;
#endif
		/* Fast path: whole aligned quanta of alphabet bytes. */
		if (q == 0) {
			while (end - p >= 4) {
				uint32_t a = b64_table[p[0]], b = b64_table[p[1]];
				uint32_t c = b64_table[p[2]], d = b64_table[p[3]];

				if ((a | b | c | d) >= 64)
					break;
				if (out != NULL) {
					uint32_t v = a << 18 | b << 12 | c << 6 | d;

					out[n] = (char)(v >> 16);
					out[n + 1] = (char)(v >> 8);
					out[n + 2] = (char)v;
				}
				n += 3;
				p += 4;
			}
			if (p == end)
				break;
		}
		{
			uint32_t v = b64_table[*p++];

			if (v < 64) {
				acc = acc << 6 | v;
				if (++q == 4) {
					if (out != NULL) {
						out[n] = (char)(acc >> 16);
						out[n + 1] = (char)(acc >> 8);
						out[n + 2] = (char)acc;
					}
					n += 3;
					q = 0;
					acc = 0;
				}
			} else if (v == B64_PAD) {
				if (q >= 2)
					break;	/* the end of the data */
				if (q == 1)
					bad = true;
			} else if (v == B64_BAD) {
				bad = true;
			}
		}
	}
	/* A partial quantum: 2 sextets hold 1 byte, 3 hold 2; 1 holds none. */
	if (q >= 2) {
		acc <<= 6 * (4 - q);
		if (out != NULL)
			out[n] = (char)(acc >> 16);
		n++;
		if (q == 3) {
			if (out != NULL)
				out[n] = (char)(acc >> 8);
			n++;
		}
	} else if (q == 1) {
		bad = true;
	}
	if (bad)
		*problems |= MV_PROB_BAD_BASE64;
	return n;
}
