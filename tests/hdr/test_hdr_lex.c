/*
 * The header lexer's byte classes: hdr_find_class() (16 bytes at a time
 * where SSE2 is there) must stop exactly where a byte-by-byte walk over
 * hdr_ctype stops, for every byte value at every offset of a block.
 */
#include "hdr/hdr_lex.h"
#include "test.h"

/* The classes the parsers search with. */
static const unsigned classes[] = {
	HDR_C_WSP,
	HDR_C_RCVD_STOP,
	HDR_C_NESTING,
	HDR_C_WSP | HDR_C_RCVD_STOP,
	HDR_C_WSP | HDR_C_NESTING | HDR_C_RCVD_STOP,
};

static const char *find_bytewise(const char *p, const char *end, unsigned cls)
{
	while (p < end && !hdr_is(*p, cls))
		p++;
	return p;
}

static void check_find(const char *buf, size_t len, unsigned cls)
{
	const char *got = hdr_find_class(buf, buf + len, cls);
	const char *want = find_bytewise(buf, buf + len, cls);

	test_checks++;
	if (got != want) {
		test_failures++;
		fprintf(stderr, "class %#x, length %zu: stopped at %td, want %td\n", cls, len, got - buf,
			want - buf);
	}
}

/* One byte of every value at every offset in a run of plain letters, ends included. */
static void test_hdr_find_class_every_byte(void)
{
	char buf[40];
	size_t c, at, len, k;

	for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
		for (c = 0; c < 256; c++) {
			for (at = 0; at < sizeof(buf); at++) {
				memset(buf, 'x', sizeof(buf));
				buf[at] = (char)c;
				for (len = at; len <= sizeof(buf); len += 7)
					check_find(buf, len, classes[k]);
			}
		}
	}
}

/* Random bytes, so that several hits land in one block. */
static void test_hdr_find_class_random(void)
{
	char buf[64];
	unsigned seed = 99, n;
	size_t i, k, start;

	for (n = 0; n < 20000; n++) {
		for (i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly letters, a few of everything else */
			buf[i] = (seed >> 16) % 8 != 0 ? 'a' + (char)((seed >> 8) % 26) : (char)(seed >> 20);
		}
		for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
			for (start = 0; start < 20; start += 3)
				check_find(buf + start, sizeof(buf) - start - n % 5, classes[k]);
		}
	}
}

int main(void)
{
	RUN(test_hdr_find_class_every_byte);
	RUN(test_hdr_find_class_random);
	return test_summary();
}
