/* Header decoding: RFC 2047 words, Content-Type parameters, charset conversion ("label:bytes"). */
#include <stdint.h>
#include <string.h>

#include "mailvet/charset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_arena *a = mv_arena_new((size_t)64 << 20);
	mv_str in = mv_str_make((const char *)data, size), label = MV_STR_NULL, body = in;
	const char *colon = memchr(data, ':', size < 40 ? size : 40);
	struct mv_ctype ct;
	mv_buf b;

	mv_buf_init(&b, a, 1 << 20);
	(void)mv_rfc2047_decode(in, &b);
	if (b.len != 0 && !mv_utf8_valid(b.p, b.len))
		__builtin_trap();
	if (mv_ctype_parse(a, in, 0, &ct) == 0 && ct.n_params != 0)
		(void)mv_ctype_param(&ct, "charset");
	if (colon != NULL) {
		label = mv_str_make(in.p, (size_t)(colon - in.p));
		body = mv_str_make(colon + 1, size - label.len - 1);
	}
	mv_buf_init(&b, a, 4096);
	(void)mv_charset_to_utf8(label, body, &b);
	if (b.len != 0 && !mv_utf8_valid(b.p, b.len))
		__builtin_trap();
	mv_arena_free(&a);
	return 0;
}
