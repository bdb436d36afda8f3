/*
 * BATV: the tag parser on the whole input as an address, the round trip
 * (what mv_batv_sign makes, mv_batv_verify takes, giving back the address),
 * and the key file reader on the input as a file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailvet/batv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0 ((int64_t)1772323200)

static struct mv_batv_keys *fixed_keys(void)
{
	static struct mv_batv_keys *keys;
	static const char text[] = "3 0123456789abcdef0123\n7 fedcba9876543210fedcba\n";
	char *error = NULL;

	if (keys == NULL && mv_batv_keys_parse("fuzz", text, sizeof(text) - 1, &keys, &error) < 0)
		abort();
	return keys;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_batv_keys *keys = fixed_keys(), *parsed = NULL;
	mv_str in = mv_str_make((const char *)data, size);
	struct mv_batv_result r;
	char out[2048], *error = NULL;
	int n;

	if (mv_batv_verify(keys, in, T0 + (int64_t)(size % 9) * 86400, 7, &r) > MV_BATV_BAD_DAY)
		__builtin_trap();
	if (r.address.len > in.len || (r.address.len != 0 && (r.address.p < in.p || r.address.p + r.address.len > in.p + in.len)))
		__builtin_trap();
	if (r.status == MV_BATV_VALID && r.days > 7)
		__builtin_trap();
	n = mv_batv_sign(keys, in, T0, 7, out, sizeof(out));
	if (n > 0) {
		if ((size_t)n != size + MV_BATV_TAG_LEN || mv_batv_verify(keys, mv_str_make(out, (size_t)n), T0, 7, &r) != MV_BATV_VALID ||
		    r.address.len != size || memcmp(r.address.p, data, size) != 0)
			__builtin_trap();
	}
	if (mv_batv_keys_parse("fuzz", (const char *)data, size, &parsed, &error) == 0) {
		if (parsed == NULL || mv_batv_keys_signer(parsed) > 9)
			__builtin_trap();
	} else if (error == NULL || parsed != NULL) {
		__builtin_trap();
	}
	free(error);
	mv_batv_keys_free(&parsed);
	return 0;
}
