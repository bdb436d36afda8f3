/*
 * RFC 2047 decoding of unstructured text.  The section 8 examples are taken
 * verbatim from the RFC (expected text as the RFC states it); the rest are the
 * breakage mail clients (Thunderbird, GMime) have to tolerate.
 */
#include <time.h>

#include "mailvet/charset.h"
#include "test.h"

#define FFFD "\xEF\xBF\xBD"

struct case_2047 {
	const char *in, *out;
	enum mv_charset_status st;
};

static void run(const struct case_2047 *c, size_t n)
{
	mv_arena *a = mv_arena_new(0);
	size_t i;

	for (i = 0; i < n; i++) {
		mv_buf b;
		enum mv_charset_status st;

		mv_buf_init(&b, a, 1 << 16);
		st = mv_rfc2047_decode(mv_str_cstr(c[i].in), &b);
		CHECK_STR(mv_buf_finish(&b), c[i].out);
		CHECK_INT(st, c[i].st);
		if (st != c[i].st)
			fprintf(stderr, "  case %zu: \"%s\"\n", i, c[i].in);
	}
	mv_arena_free(&a);
}

static void test_rfc2047_section8_examples(void)
{
	static const struct case_2047 cases[] = {
		{ "=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>", "Keith Moore <moore@cs.utk.edu>", MV_CHARSET_OK },
		{ "=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>",
		  "Keld J\xC3\xB8rn Simonsen <keld@dkuug.dk>", MV_CHARSET_OK },
		{ "=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
		  "Andr\xC3\xA9 Pirard <PIRARD@vm1.ulg.ac.be>", MV_CHARSET_OK },
		{ "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
		  "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
		  "If you can read this you understand the example.", MV_CHARSET_OK },
		{ "=?ISO-8859-1?Q?Olle_J=E4rnefors?= <ojarnef@admin.kth.se>",
		  "Olle J\xC3\xA4rnefors <ojarnef@admin.kth.se>", MV_CHARSET_OK },
		{ "Nathaniel Borenstein <nsb@thumper.bellcore.com>\r\n    (=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)",
		  "Nathaniel Borenstein <nsb@thumper.bellcore.com>    (\xD7\x9D\xD7\x95\xD7\x9C\xD7\xA9 "
		  "\xD7\x9F\xD7\x91 \xD7\x99\xD7\x9C\xD7\x98\xD7\xA4\xD7\xA0)", MV_CHARSET_OK },
		{ "(=?ISO-8859-1?Q?a?=)", "(a)", MV_CHARSET_OK },
		{ "(=?ISO-8859-1?Q?a?= b)", "(a b)", MV_CHARSET_OK },
		{ "(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)", MV_CHARSET_OK },
		{ "(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)", MV_CHARSET_OK },
		{ "(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)", MV_CHARSET_OK },
		{ "(=?ISO-8859-1?Q?a_b?=)", "(a b)", MV_CHARSET_OK },
		{ "(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)", MV_CHARSET_OK },
		/* RFC 2231 section 5: a language in the charset. */
		{ "=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore", MV_CHARSET_OK },
	};

	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_rfc2047_split_multibyte(void)
{
	static const struct case_2047 cases[] = {
		{ "=?utf-8?B?4oI=?= =?utf-8?B?rA==?=", "\xE2\x82\xAC", MV_CHARSET_OK },
		{ "=?UTF-8?Q?=E2=82?=\r\n =?UTF-8?Q?=AC?=", "\xE2\x82\xAC", MV_CHARSET_OK },
		{ "=?utf-8?q?=E2=82?= =?UTF8?B?rA==?=", "\xE2\x82\xAC", MV_CHARSET_OK },
		{ "=?utf-8?q?=E2=82?==?utf-8?q?=AC?=", "\xE2\x82\xAC", MV_CHARSET_OK },	/* glued */
		{ "=?shift_jis?B?kw==?= =?shift_jis?B?+g==?=", "\xE6\x97\xA5", MV_CHARSET_OK },
		/* Different charsets are converted apart: the cut character is lost. */
		{ "=?utf-8?q?=E2=82?= =?iso-8859-2?q?x?=", FFFD "x", MV_CHARSET_REPLACED },
		/* Text between words ends the run. */
		{ "=?utf-8?q?=E2=82?= - =?utf-8?q?=AC?=", FFFD " - " FFFD, MV_CHARSET_REPLACED },
	};

	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_rfc2047_q_and_b_details(void)
{
	static const struct case_2047 cases[] = {
		{ "=?utf-8?q?a_b__c?=", "a b  c", MV_CHARSET_OK },
		{ "=?utf-8?q?a=5Fb?=", "a_b", MV_CHARSET_OK },
		{ "=?utf-8?q?caf=c3=a9?=", "caf\xC3\xA9", MV_CHARSET_OK },
		{ "=?utf-8?Q?a=zz=?=", "a=zz=", MV_CHARSET_OK },
		{ "=?utf-8?q?a=4?=", "a=4", MV_CHARSET_OK },
		{ "=?iso-8859-1?q?hello world?=", "hello world", MV_CHARSET_OK },
		{ "=?utf-8*fr?B?Y2Fmw6k=?=", "caf\xC3\xA9", MV_CHARSET_OK },
		{ "=?utf-8?b?SGVsbG8?=", "Hello", MV_CHARSET_OK },		/* no padding */
		{ "=?utf-8?b?SGVs bG8*?=", "Hello", MV_CHARSET_OK },		/* junk skipped */
		{ "=?utf-8?B?SGk=SGk=?=", "HiHi", MV_CHARSET_OK },		/* padding inside */
		{ "=?utf-8?b?!!!?=", "", MV_CHARSET_OK },
		{ "=?utf-8?b?\?=", "", MV_CHARSET_OK },
		{ "=?utf-8?q?_x_?=", "x", MV_CHARSET_OK },
		{ "=?utf-8?q?a=0D=0Ab=00c?=", "a  b c", MV_CHARSET_OK },
		{ "=?utf-8?q?a=C2=85b=09c?=", "a b\tc", MV_CHARSET_OK },
		{ "=?utf-8?q?=FF?=", FFFD, MV_CHARSET_REPLACED },
	};

	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_rfc2047_unknown_and_mangled(void)
{
	static const struct case_2047 cases[] = {
		{ "=?x-unknown?q?caf=E9?=", "caf\xC3\xA9", MV_CHARSET_UNKNOWN },
		{ "=?x-unknown?q?caf=C3=A9?=", "caf\xC3\xA9", MV_CHARSET_UNKNOWN },
		{ "foo=?utf-8?q?bar?=baz", "foobarbaz", MV_CHARSET_OK },
		{ "=?utf-8?q?=?utf-8?q?x?=?=", "=?utf-8?q?x?=", MV_CHARSET_OK },
		{ "=?utf-8?q?a?=?=", "a?=", MV_CHARSET_OK },
		{ "=?utf-8?q?unterminated", "=?utf-8?q?unterminated", MV_CHARSET_OK },
		{ "=??q?x?=", "=??q?x?=", MV_CHARSET_OK },
		{ "=?utf-8?x?y?=", "=?utf-8?x?y?=", MV_CHARSET_OK },
		{ "=?utf 8?q?y?=", "=?utf 8?q?y?=", MV_CHARSET_OK },
		{ "=?utf-8?q?a\r\n b?=", "=?utf-8?q?a b?=", MV_CHARSET_OK },	/* no folds inside a word */
		{ "=?", "=?", MV_CHARSET_OK },
		{ "?=", "?=", MV_CHARSET_OK },
		{ "=", "=", MV_CHARSET_OK },
		{ "", "", MV_CHARSET_OK },
		{ "\"=?utf-8?q?Jos=C3=A9?=\" <j@x>", "\"Jos\xC3\xA9\" <j@x>", MV_CHARSET_OK },
		{ "Re: =?utf-8?q?hello?= world", "Re: hello world", MV_CHARSET_OK },
		{ "=?utf-8?q?a?= =?x?q?b?= =?utf-8?q?c?=", "abc", MV_CHARSET_UNKNOWN },
	};

	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_rfc2047_plain_text(void)
{
	static const struct case_2047 cases[] = {
		{ "  Hello \t World  ", "Hello \t World", MV_CHARSET_OK },
		{ "a\x01" "b\x7F" "c", "a b c", MV_CHARSET_OK },
		{ "a\nb", "a b", MV_CHARSET_OK },
		{ "a\r\n b", "a b", MV_CHARSET_OK },
		{ "a\r\n\tb", "a\tb", MV_CHARSET_OK },
		{ "a\r\n\r\n  b", "a  b", MV_CHARSET_OK },
		{ "\r\n a\r\n", "a", MV_CHARSET_OK },
		{ "caf\xC3\xA9", "caf\xC3\xA9", MV_CHARSET_OK },
		{ "caf\xE9 \x93quoted\x94", "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D", MV_CHARSET_OK },
		{ "\t a = b \t", "a = b", MV_CHARSET_OK },
		{ "\t", "", MV_CHARSET_OK },
		{ "", "", MV_CHARSET_OK },
	};

	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/*
 * Printable ASCII takes a short road (copy and trim); adding a fold at the
 * end sends the same text down the long road, which must agree with it.
 */
static void test_rfc2047_plain_matches_long_road(void)
{
	static const char alphabet[] = " \tab Z~!.,:;<>?()[]\\\"'";
	mv_arena *a = mv_arena_new(0);
	unsigned seed = 7, round;

	for (round = 0; round < 2000; round++) {
		char in[40], folded[44];
		size_t n = round % 37, i;
		mv_buf b1, b2;
		mv_str s1, s2;

		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		memcpy(folded, in, n);
		memcpy(folded + n, "\r\n", 2);
		mv_buf_init(&b1, a, 1 << 10);
		mv_buf_init(&b2, a, 1 << 10);
		CHECK_INT(mv_rfc2047_decode(mv_str_make(in, n), &b1), MV_CHARSET_OK);
		CHECK_INT(mv_rfc2047_decode(mv_str_make(folded, n + 2), &b2), MV_CHARSET_OK);
		s1 = mv_buf_finish(&b1);
		s2 = mv_buf_finish(&b2);
		CHECK(s1.len == s2.len && memcmp(s1.p, s2.p, s1.len) == 0);
	}
	mv_arena_free(&a);
}

/*
 * mv_rfc2047_is_plain() against a byte loop at every length to 50 (two words,
 * blocks, the overlapping last block) with every byte at every place, in heap
 * blocks of exactly the length.
 */
static void test_rfc2047_is_plain_every_length_and_byte(void)
{
	size_t len, pos, i;
	unsigned b;
	int bad = 0;

	for (len = 0; len <= 50; len++) {
		for (pos = 0; pos < (len != 0 ? len : 1); pos++) {
			for (b = 0; b < 256; b += len != 0 ? 1 : 256) {
				char *in = malloc(len != 0 ? len : 1);
				bool want = true;

				for (i = 0; i < len; i++)
					in[i] = "Re: hello\tworld ~!"[i % 18];
				if (len != 0)
					in[pos] = (char)b;
				for (i = 0; i < len; i++) {
					unsigned char c = (unsigned char)in[i];

					want = want && (c == '\t' || (c >= 0x20 && c <= 0x7E && c != '='));
				}
				bad += mv_rfc2047_is_plain(mv_str_make(in, len)) != want;
				free(in);
			}
		}
	}
	CHECK_INT(bad, 0);
}

/* An encoded word or a control byte anywhere in a long value leaves the plain path (16-byte steps). */
static void test_rfc2047_not_plain_at_every_position(void)
{
	mv_arena *a = mv_arena_new(0);
	size_t pos;

	for (pos = 0; pos <= 40; pos++) {
		char in[80], want[80];
		mv_buf b;
		mv_str got;

		/* An encoded word between spaces, anywhere in a line of 'a's, is decoded. */
		memset(in, 'a', 60);
		memcpy(in + pos, " =?utf-8?q?=C3=A9?= ", 20);
		mv_buf_init(&b, a, 1 << 10);
		CHECK_INT(mv_rfc2047_decode(mv_str_make(in, 60), &b), MV_CHARSET_OK);
		got = mv_buf_finish(&b);
		CHECK(got.len < 60 && memchr(got.p, '\xC3', got.len) != NULL && memchr(got.p, '?', got.len) == NULL);

		memset(in, 'a', 41);
		in[pos] = '\x01';	/* a control byte becomes a space */
		memset(want, 'a', 41);
		want[pos] = ' ';
		mv_buf_init(&b, a, 1 << 10);
		(void)mv_rfc2047_decode(mv_str_make(in, 41), &b);
		got = mv_buf_finish(&b);
		if (pos == 0)
			CHECK(got.len == 40 && memcmp(got.p, want + 1, 40) == 0);	/* trimmed */
		else if (pos == 40)
			CHECK(got.len == 40 && memcmp(got.p, want, 40) == 0);
		else
			CHECK(got.len == 41 && memcmp(got.p, want, 41) == 0);
	}
	mv_arena_free(&a);
}

static void test_rfc2047_appends_and_truncates(void)
{
	mv_arena *a = mv_arena_new(0);
	mv_buf b;

	mv_buf_init(&b, a, 100);
	mv_buf_append(&b, "X:", 2);
	CHECK_INT(mv_rfc2047_decode(MV_STR_LIT("  =?utf-8?q?_a_?= "), &b), MV_CHARSET_OK);
	CHECK_STR(mv_buf_finish(&b), "X:a");

	mv_buf_init(&b, a, 10);
	CHECK_INT(mv_rfc2047_decode(MV_STR_LIT("=?utf-8?q?0123456789abcdef?="), &b), MV_CHARSET_TRUNCATED);
	CHECK(b.truncated);
	CHECK_STR(mv_buf_finish(&b), "0123456789");

	mv_buf_init(&b, a, 4);
	CHECK_INT(mv_rfc2047_decode(MV_STR_LIT("ab=?utf-8?q?=E2=82=AC?="), &b), MV_CHARSET_TRUNCATED);
	CHECK_STR(mv_buf_finish(&b), "ab");
	mv_arena_free(&a);
}

static void fill(char *p, size_t n, const char *pat)
{
	size_t k = strlen(pat), i;

	for (i = 0; i < n; i++)
		p[i] = pat[i % k];
}

static void test_rfc2047_long_inputs_are_linear(void)
{
	static const char *pats[] = {
		"=?utf-8?q?a?= ", "=?", "=?a?q?", "=?utf-8?q?", "=?utf-8?b?", "?=", "=?utf-8?Q?=E2=82?=",
		"a\r\n", "=?x?b?QUJD?==?", "\xE9\x80",
	};
	size_t n = (size_t)3 << 20, i;
	mv_arena *a = mv_arena_new(0);
	char *in = mv_arena_alloc(a, n);
	clock_t t0 = clock();
	double secs;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		size_t len = n - n % strlen(pats[i]);	/* whole patterns only */
		mv_buf b;

		fill(in, len, pats[i]);
		mv_buf_init(&b, a, n * 3);
		CHECK(mv_rfc2047_decode(mv_str_make(in, len), &b) >= 0);
		if (i == 0)
			CHECK(b.len == len / strlen(pats[0]));
	}
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(secs < time_bound(2.0));
	printf("10 x 3 MiB pathological headers: %.3f s\n", secs);
	mv_arena_free(&a);
}

/*
 * Found by fuzz_rfc2047 in CI: a stateful iconv converter failed after
 * consuming all input and the skip-one-byte step wrapped the remaining
 * length around.  Under ASan this read far past the buffer.
 */
static void test_rfc2047_iconv_failure_at_end(void)
{
	static const unsigned char input[] = {
		0x3d, 0x3f, 0x3d, 0x3f, 0x75, 0x74, 0x66, 0x2d, 0x34, 0x3f, 0x42, 0x3f, 0x6b, 0x5f, 0x6a, 0x69,
		0x12, 0x7f, 0x01, 0x00, 0x62, 0x90, 0x07, 0xdb, 0x98, 0xa0, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
		0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
		0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
		0x7f, 0xc2, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
		0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0xaa, 0x80, 0x80, 0x80, 0x80, 0x80,
		0x80, 0x80, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
		0x7f, 0x7f, 0xf1, 0x61, 0xf1, 0x80, 0xa4, 0x80, 0xe1, 0x00, 0x00, 0x00, 0x4a, 0x7f, 0x7f, 0x7f,
		0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x3d, 0x3f, 0x6b, 0x73, 0x5f, 0x63, 0x5f, 0x35, 0x36, 0x30,
		0x31, 0x2d, 0x31, 0x39, 0x38, 0x37, 0x3f, 0x42, 0x3f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
		0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x60, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
		0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x63, 0x80, 0xbf, 0x80, 0xbc, 0x00, 0x00, 0x36, 0x4c, 0x98,
		0x04, 0x00, 0x60, 0x60, 0x00, 0x00, 0x6f, 0x3f, 0x3d, 0x3f, 0x3d, 0x20, 0x00, 0x3d, 0x00, 0x3d,
	};
	mv_arena *a = mv_arena_new(0);
	mv_buf b;

	mv_buf_init(&b, a, 1 << 20);
	(void)mv_rfc2047_decode(mv_str_make((const char *)input, sizeof(input)), &b);
	CHECK(mv_utf8_valid(b.p != NULL ? b.p : "", b.len));
	mv_arena_free(&a);
}

int main(void)
{
	RUN(test_rfc2047_section8_examples);
	RUN(test_rfc2047_split_multibyte);
	RUN(test_rfc2047_q_and_b_details);
	RUN(test_rfc2047_unknown_and_mangled);
	RUN(test_rfc2047_plain_text);
	RUN(test_rfc2047_plain_matches_long_road);
	RUN(test_rfc2047_is_plain_every_length_and_byte);
	RUN(test_rfc2047_not_plain_at_every_position);
	RUN(test_rfc2047_appends_and_truncates);
	RUN(test_rfc2047_long_inputs_are_linear);
	RUN(test_rfc2047_iconv_failure_at_end);
	return test_summary();
}
