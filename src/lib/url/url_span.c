/*
 * Runs of plain URL bytes, 16 at a time with SSE2 where it is there.  Links
 * in mail run to hundreds of bytes (tracking URLs) and almost none of their
 * bytes can end the URL, so the byte-by-byte loop of url_extract.c only
 * looks at the block holding the first byte that might.  Without SSE2 no
 * block is passed over and that loop does all the work.
 */
#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "url/url_int.h"

/* Bytes ending a URL in text, besides the controls, space, DEL and non-ASCII. */
static const char text_special[] = "<>\"`";

/*
 * Whole 16-byte blocks of printable ASCII (0x21-0x7e) without a byte of
 * special (n bytes; a constant, so the compare loop unrolls).
 */
static inline size_t plain_blocks(const unsigned char *p, size_t len, const char *special, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	size_t k;

	for (; len - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		/* signed: the controls, space and every byte >= 0x80 compare below 0x21 */
		__m128i hit = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x21)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));

		for (k = 0; k < n; k++)
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(special[k])));
		if (_mm_movemask_epi8(hit) != 0)
			break;
	}
#else
	(void)p;
	(void)len;
	(void)special;
	(void)n;
#endif
	return i;
}

size_t url_text_plain_blocks(const unsigned char *p, size_t len)
{
	return plain_blocks(p, len, text_special, sizeof(text_special) - 1);
}
