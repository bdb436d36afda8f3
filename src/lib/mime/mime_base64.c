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

size_t mime_base64_decode(const char *in, size_t len, char *out, unsigned *problems)
{
	const unsigned char *p = (const unsigned char *)in, *end = p + len;
	uint32_t acc = 0;
	unsigned q = 0;		/* sextets in acc */
	size_t n = 0;
	bool bad = false;

	while (p < end) {
		/* Fast path: a whole aligned quantum of alphabet bytes. */
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
