/*
 * JSON string escaping (RFC 8259 7) that also repairs UTF-8: every byte that
 * does not start a well-formed sequence becomes U+FFFD, so a consumer never
 * chokes on a raw 8-bit header or a hostile URL.  Runs of plain ASCII are
 * copied in one go.
 */
#include "mailvet/output.h"

static size_t utf8_seq_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];

	if (c >= 0xC2 && c <= 0xDF)
		return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

		return left >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

		return left >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
		       (p[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* 1 for bytes that end a plain run: controls, '"', '\\' and every non-ASCII byte. */
static const unsigned char json_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

int mv_json_string(mv_buf *out, mv_str s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s.p, *end;
	int rc = mv_buf_putc(out, '"');

	if (s.len == 0)
		return rc | mv_buf_putc(out, '"');
	end = p + s.len;

	while (p < end) {
		const unsigned char *run = p;

		while (p < end && !json_special[*p])
			p++;
		if (p > run)
			rc |= mv_buf_append(out, run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p >= 0x80) {
			size_t n = utf8_seq_len(p, (size_t)(end - p));

			if (n != 0) {
				rc |= mv_buf_append(out, p, n);
				p += n;
			} else {
				rc |= mv_buf_append(out, "\xEF\xBF\xBD", 3);
				p++;
			}
			continue;
		}
		switch (*p) {
		case '"':
			rc |= mv_buf_append(out, "\\\"", 2);
			break;
		case '\\':
			rc |= mv_buf_append(out, "\\\\", 2);
			break;
		case '\n':
			rc |= mv_buf_append(out, "\\n", 2);
			break;
		case '\r':
			rc |= mv_buf_append(out, "\\r", 2);
			break;
		case '\t':
			rc |= mv_buf_append(out, "\\t", 2);
			break;
		default: {
			char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };

			rc |= mv_buf_append(out, esc, sizeof(esc));
			break;
		}
		}
		p++;
	}
	rc |= mv_buf_putc(out, '"');
	return rc != 0 ? -1 : 0;
}
