/*
 * The transfer decoders: the first byte picks base64, quoted-printable or
 * uuencode.  Counting mode must agree with decoding mode, and the output must
 * stay within the documented bound.
 */
#include <stdint.h>
#include <stdlib.h>

#include "mime/mime_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t (*decode[])(const char *, size_t, char *, unsigned *) = {
		mime_base64_decode, mime_qp_decode, mime_uu_decode,
	};
	unsigned which, p1 = 0, p2 = 0;
	size_t n, counted;
	char *out;

	if (size == 0)
		return 0;
	which = data[0] % 3;
	out = malloc(size + 4);
	if (out == NULL)
		return 0;
	n = decode[which]((const char *)data + 1, size - 1, out, &p1);
	counted = decode[which]((const char *)data + 1, size - 1, NULL, &p2);
	/* Bounds from mime_decode.h: base64 len * 3 / 4 + 3, the others len. */
	if (n != counted || p1 != p2 || n > (which == 0 ? (size - 1) / 4 * 3 + 3 : size - 1))
		abort();
	free(out);
	return 0;
}
