/*
 * uuencode, as POSIX uuencode(1) writes it: "begin MODE NAME", lines whose
 * first character gives the byte count, "`" or " " for an empty line, "end".
 * Old mailers send it as x-uuencode or inside text/plain; both reach here.
 */
#include <string.h>

#include "mailvet/msg.h"
#include "mime/mime_decode.h"

#define UU_VALUE(c) (((unsigned char)(c) - ' ') & 0x3F)

static bool is_begin_line(const char *p, const char *end)
{
	const char *q = p + 6;

	if (end - p < 10 || memcmp(p, "begin ", 6) != 0)
		return false;
	while (q < end && *q >= '0' && *q <= '7')
		q++;
	return q > p + 6 && q < end && *q == ' ';
}

const char *mime_uu_find_begin(const char *in, size_t len)
{
	const char *p = in, *end = in + len;

	while (p < end) {
		const char *nl;

		if (*p == 'b' && is_begin_line(p, end))
			return p;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

size_t mime_uu_decode(const char *in, size_t len, char *out, unsigned *problems)
{
	const char *end = in + len, *p = mime_uu_find_begin(in, len);
	size_t n = 0;

	if (p == NULL) {
		*problems |= MV_PROB_BAD_UUENCODE;
		return 0;
	}
	p = memchr(p, '\n', (size_t)(end - p));
	p = p != NULL ? p + 1 : end;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;
		size_t want, have, i;

		if (le > p && le[-1] == '\r')
			le--;
		if (le - p >= 3 && memcmp(p, "end", 3) == 0)
			return n;
		if (le > p) {
			want = UU_VALUE(p[0]);
			have = ((size_t)(le - p - 1) / 4) * 3;
			if (want > have) {
				*problems |= MV_PROB_BAD_UUENCODE;
				want = have;
			}
			for (i = 0; i < want; i++) {
				const char *g = p + 1 + (i / 3) * 4;
				unsigned v;

				switch (i % 3) {
				case 0:
					v = UU_VALUE(g[0]) << 2 | UU_VALUE(g[1]) >> 4;
					break;
				case 1:
					v = (UU_VALUE(g[1]) & 0xF) << 4 | UU_VALUE(g[2]) >> 2;
					break;
				default:
					v = (UU_VALUE(g[2]) & 0x3) << 6 | UU_VALUE(g[3]);
					break;
				}
				if (out != NULL)
					out[n] = (char)v;
				n++;
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	/* No "end" line: the file was cut. */
	*problems |= MV_PROB_BAD_UUENCODE;
	return n;
}
