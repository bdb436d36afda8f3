/*
 * Quoted-printable (RFC 2045 6.7) decoding.  "=XX" (either case) is a byte,
 * "=" followed by optional white space and a line end is a soft break; any
 * other "=" is kept as it is and reported, as RFC 2045 6.7 note (2) suggests.
 * Line ends and trailing white space are kept as written, like GMime.
 */
#include <stdint.h>
#include <string.h>

#include "mailvet/msg.h"
#include "mime/mime_decode.h"
#include "util/simd.h"

#ifdef SIMD_SSE2
/* Bit i set when p[i] is '=', for the 16 bytes at p; the bytes are copied to out unless out is NULL. */
static uint64_t copy_block16(const char *p, char *out)
{
	simd_v v = simd_load(p);

	if (out != NULL)
		simd_store(out, v);
	return simd_mask(simd_eq(v, '='));
}
#endif

/*
 * Copies the bytes before the next '=' (or all to end) to out, unless out is
 * NULL; returns their number.  Runs between escapes are short (a line at
 * most), so this is done inline rather than with a memchr() and a memcpy()
 * call per run: one step of 16 bytes first, which ends the 1 to 3 byte runs
 * of text where most bytes are escaped (Cyrillic, Greek: 35-50% faster than
 * starting with 64), then 64 bytes a step (a long run's exit is then rarely
 * mispredicted), then 16.  A block store may write past the
 * run, never past the input's length from out: the output is never longer
 * than the input consumed.
 */
static size_t copy_run(const char *p, const char *end, char *out)
{
	size_t i = 0, len = (size_t)(end - p);

#ifdef SIMD_SSE2
	if (len >= 16) {
		uint64_t eq = copy_block16(p, out);

		if (eq != 0)
			return (unsigned)__builtin_ctzll(eq);
		i = 16;
	}
	while (len - i >= 64) {
		uint64_t eq = copy_block16(p + i, out != NULL ? out + i : NULL) |
			      copy_block16(p + i + 16, out != NULL ? out + i + 16 : NULL) << 16 |
			      copy_block16(p + i + 32, out != NULL ? out + i + 32 : NULL) << 32 |
			      copy_block16(p + i + 48, out != NULL ? out + i + 48 : NULL) << 48;

		if (eq != 0)
			return i + (unsigned)__builtin_ctzll(eq);
		i += 64;
	}
	while (len - i >= 16) {
		uint64_t eq = copy_block16(p + i, out != NULL ? out + i : NULL);

		if (eq != 0)
			return i + (unsigned)__builtin_ctzll(eq);
		i += 16;
	}
#endif
	for (; i < len && p[i] != '='; i++) {
		if (out != NULL)
			out[i] = p[i];
	}
	return i;
}

/* Hex digit values (either case) plus 1; 0 for any other byte. */
static const unsigned char hex_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

size_t mime_qp_decode(const char *in, size_t len, char *out, unsigned *problems)
{
	const char *p = in, *end = in + len;
	size_t n = 0;
	bool bad = false;

	while (p < end) {
		size_t run = copy_run(p, end, out != NULL ? out + n : NULL);
		unsigned hi, lo;

		n += run;
		p += run;
		if (p == end)
			break;
		p++;	/* the '=' */
		if (end - p >= 2 && (hi = hex_plus1[(unsigned char)p[0]]) != 0 &&
		    (lo = hex_plus1[(unsigned char)p[1]]) != 0) {
			if (out != NULL)
				out[n] = (char)((hi - 1) << 4 | (lo - 1));
			n++;
			p += 2;
			continue;
		}
		{
			/* Soft line break: "=" [WSP] line end, or "=" at the very end. */
			const char *q = p;

			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (q == end) {
				p = q;
				continue;
			}
			if (*q == '\n' || (*q == '\r' && q + 1 < end && q[1] == '\n')) {
				p = q + (*q == '\r' ? 2 : 1);
				continue;
			}
		}
		if (out != NULL)
			out[n] = '=';
		n++;
		bad = true;
	}
	if (bad)
		*problems |= MV_PROB_BAD_QP;
	return n;
}
