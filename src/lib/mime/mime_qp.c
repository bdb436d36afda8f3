/*
 * Quoted-printable (RFC 2045 6.7) decoding.  "=XX" (either case) is a byte,
 * "=" followed by optional white space and a line end is a soft break; any
 * other "=" is kept as it is and reported, as RFC 2045 6.7 note (2) suggests.
 * Line ends and trailing white space are kept as written, like GMime.
 */
#include <string.h>

#include "mailvet/msg.h"
#include "mime/mime_decode.h"

size_t mime_qp_decode(const char *in, size_t len, char *out, unsigned *problems)
{
	const char *p = in, *end = in + len;
	size_t n = 0;
	bool bad = false;

	while (p < end) {
		const char *eq = memchr(p, '=', (size_t)(end - p));
		size_t run = (eq != NULL ? eq : end) - p;
		int hi, lo;

		if (out != NULL && run != 0)
			memcpy(out + n, p, run);
		n += run;
		if (eq == NULL)
			break;
		p = eq + 1;
		if (end - p >= 2 && (hi = mv_hex_value((unsigned char)p[0])) >= 0 &&
		    (lo = mv_hex_value((unsigned char)p[1])) >= 0) {
			if (out != NULL)
				out[n] = (char)(hi << 4 | lo);
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
