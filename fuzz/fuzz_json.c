/*
 * JSON string escaping: the fast road (mv_json_string with room) and the
 * general road (mv_json_escape) must write the same bytes, a valid JSON
 * string of valid UTF-8; under a small ceiling, a prefix of it.  The first
 * eight bytes also make a date, which must come out as a short quoted string.
 */
#include <stdint.h>
#include <string.h>

#include "mailvet/charset.h"
#include "mailvet/output.h"
#include "output/output_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A JSON string (RFC 8259 section 7): quotes, escapes, no raw control or quote inside. */
static int json_string_valid(const unsigned char *p, size_t n)
{
	size_t i;

	if (n < 2 || p[0] != '"' || p[n - 1] != '"')
		return 0;
	for (i = 1; i < n - 1; i++) {
		if (p[i] < 0x20 || p[i] == '"')
			return 0;
		if (p[i] != '\\')
			continue;
		if (++i >= n - 1)
			return 0;
		if (p[i] == 'u') {
			if (i + 4 >= n - 1 || memcmp(p + i + 1, "00", 2) != 0)
				return 0;
			i += 4;
		} else if (strchr("\"\\nrt", p[i]) == NULL) {
			return 0;
		}
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_arena *a = mv_arena_new((size_t)64 << 20);
	mv_str in = mv_str_make((const char *)data, size);
	mv_buf fast, general, small;
	char date[64];
	int64_t t = 0;
	size_t n;

	mv_buf_init(&fast, a, (size_t)16 << 20);
	(void)mv_buf_reserve(&fast, 64);
	mv_buf_init(&general, a, (size_t)16 << 20);
	if (mv_json_string(&fast, in) != 0)
		__builtin_trap();
	if ((mv_buf_putc(&general, '"') | mv_json_escape(&general, in) | mv_buf_putc(&general, '"')) != 0)
		__builtin_trap();
	if (fast.len != general.len || memcmp(fast.p, general.p, fast.len) != 0)
		__builtin_trap();
	if (!json_string_valid((const unsigned char *)fast.p, fast.len) || !mv_utf8_valid(fast.p, fast.len))
		__builtin_trap();

	mv_buf_init(&small, a, size % 97);
	if (mv_json_string(&small, in) == 0 && small.len != fast.len)
		__builtin_trap();
	if (small.len != 0 && memcmp(small.p, fast.p, small.len) != 0)
		__builtin_trap();

	memcpy(&t, data, size < sizeof(t) ? size : sizeof(t));
	n = (size_t)(json_put_date(date, t) - date);
	if (n > 48 || !json_string_valid((const unsigned char *)date, n))
		__builtin_trap();
	mv_arena_free(&a);
	return 0;
}
