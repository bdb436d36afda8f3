/*
 * Charset labels and conversion.  Oracles: glibc iconv for every single-byte
 * table (byte by byte), Python's codecs for the multi-byte samples and the
 * UTF-8 replacement cases (its decoder follows the Unicode "maximal subpart"
 * rule WHATWG uses); expected bytes were generated once and pasted.
 */
#include <iconv.h>
#include <pthread.h>
#include <time.h>

#include "charset/charset_int.h"
#include "mailvet/charset.h"
#include "test.h"

#define FFFD "\xEF\xBF\xBD"

struct conv_case {
	const char *label;
	const char *in;
	size_t in_len;		/* 0: strlen(in) */
	const char *out;
	enum mv_charset_status st;
};

static void run_conv(const struct conv_case *c, size_t n)
{
	mv_arena *a = mv_arena_new(0);
	size_t i;

	for (i = 0; i < n; i++) {
		mv_buf b;
		enum mv_charset_status st;
		size_t len = c[i].in_len != 0 ? c[i].in_len : strlen(c[i].in);

		mv_buf_init(&b, a, 1 << 20);
		st = mv_charset_to_utf8(mv_str_cstr(c[i].label), mv_str_make(c[i].in, len), &b);
		CHECK_STR(mv_buf_finish(&b), c[i].out);
		CHECK_INT(st, c[i].st);
		if (st != c[i].st)
			fprintf(stderr, "  case %zu (label %s)\n", i, c[i].label);
		CHECK(mv_utf8_valid(b.p != NULL ? b.p : "", b.len));
	}
	mv_arena_free(&a);
}

static void test_alias_table_sorted_unique(void)
{
	size_t i;

	for (i = 1; i < charset_n_aliases; i++)
		CHECK(strcmp(charset_aliases[i - 1].label, charset_aliases[i].label) < 0);
	for (i = 0; i < charset_n_descs; i++) {
		if (charset_descs[i].kind == CHARSET_SBCS)
			CHECK(charset_descs[i].sbcs < CHARSET_N_SBCS);
	}
	CHECK(charset_n_aliases > 300);
	/* Every label finds its own entry, the common ones (answered first) included. */
	for (i = 0; i < charset_n_aliases; i++)
		CHECK(charset_lookup(mv_str_cstr(charset_aliases[i].label)) == charset_aliases[i].desc);
	CHECK(charset_lookup(mv_str_cstr("UTF-8")) == charset_lookup(mv_str_cstr("utf-8")));
	CHECK(charset_lookup(mv_str_cstr("utf-9")) == NULL);
}

static void test_alias_canonical_names_open_in_iconv(void)
{
	size_t i;

	for (i = 0; i < charset_n_descs; i++) {
		iconv_t cd;

		if (charset_descs[i].kind == CHARSET_XUSER)
			continue;
		cd = iconv_open("UTF-8", charset_descs[i].name);
		CHECK(cd != (iconv_t)-1);
		if (cd == (iconv_t)-1)
			fprintf(stderr, "  iconv lacks %s\n", charset_descs[i].name);
		else
			iconv_close(cd);
	}
}

static void test_alias_labels(void)
{
	static const struct {
		const char *label, *canon;
	} cases[] = {
		{ "iso-8859-1", "WINDOWS-1252" }, { "  \"ISO-8859-1\"\t", "WINDOWS-1252" },
		{ "'latin1'", "WINDOWS-1252" }, { "US-ASCII", "WINDOWS-1252" }, { "ascii", "WINDOWS-1252" },
		{ "ANSI_X3.4-1968", "WINDOWS-1252" }, { "windows-1252", "WINDOWS-1252" },
		{ "iso-8859-9", "WINDOWS-1254" }, { "latin5", "WINDOWS-1254" },
		{ "iso-8859-11", "WINDOWS-874" }, { "TIS-620", "WINDOWS-874" },
		{ "ks_c_5601-1987", "CP949" }, { "EUC-KR", "CP949" }, { "ksc5601", "CP949" },
		{ "gb2312", "GBK" }, { "GB_2312-80", "GBK" }, { "x-gbk", "GBK" }, { "chinese", "GBK" },
		{ "gbk", "GBK" }, { "csGB2312", "GBK" }, { "gb18030", "GB18030" },
		{ "big5", "BIG5-HKSCS" }, { "Big5-HKSCS", "BIG5-HKSCS" },
		{ "CHINESEBIG5", "BIG5-HKSCS" }, { "GB2312_CHARSET", "GBK" },	/* Outlook GDI names */
		{ "DEFAULT_CHARSET", NULL },
		{ "shift_jis", "CP932" }, { "SJIS", "CP932" }, { "x-sjis", "CP932" },
		{ "ms_kanji", "CP932" }, { "windows-31j", "CP932" },
		{ "euc-jp", "EUC-JP" }, { "ISO-2022-JP", "ISO-2022-JP" },
		{ "koi8-r", "KOI8-R" }, { "koi8-u", "KOI8-U" },
		{ "utf-8", "UTF-8" }, { "UTF8", "UTF-8" }, { "unicode-1-1-utf-8", "UTF-8" },
		{ "utf-16", "UTF-16" }, { "utf-16le", "UTF-16LE" }, { "UTF-16BE", "UTF-16BE" },
		{ "utf-7", "UTF-7" }, { "iso-8859-2", "ISO-8859-2" }, { "iso-8859-15", "ISO-8859-15" },
		{ "iso-8859-8-i", "ISO-8859-8" }, { "windows-1251", "WINDOWS-1251" },
		{ "cp1250", "WINDOWS-1250" }, { "mac", "MACINTOSH" }, { "macintosh", "MACINTOSH" },
		{ "cp850", "CP850" }, { "ibm437", "CP437" }, { "IBM866", "IBM866" },
		{ "x-user-defined", "X-USER-DEFINED" }, { "UTF-8*en", "UTF-8" },
		{ "unknown-8bit", NULL }, { "x-unknown", NULL }, { "default", NULL }, { "", NULL },
		{ "\"\"", NULL }, { "utf-9", NULL }, { "hz-gb-2312", NULL },
		{ "iso-8859-1iso-8859-1iso-8859-1iso-8859-1iso-8859-1", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = mv_charset_canonical(mv_str_cstr(cases[i].label));

		if (cases[i].canon == NULL) {
			CHECK(got == NULL);
		} else {
			CHECK(got != NULL && strcmp(got, cases[i].canon) == 0);
		}
		if ((got == NULL) != (cases[i].canon == NULL) ||
		    (got != NULL && strcmp(got, cases[i].canon) != 0))
			fprintf(stderr, "  label \"%s\" -> %s\n", cases[i].label, got != NULL ? got : "NULL");
	}
}

static void test_convert_fast_paths(void)
{
	static const struct conv_case cases[] = {
		{ "us-ascii", "hello world", 0, "hello world", MV_CHARSET_OK },
		{ "utf-8", "h\xC3\xA9llo \xF0\x9F\x98\x80", 0, "h\xC3\xA9llo \xF0\x9F\x98\x80", MV_CHARSET_OK },
		/* iso-8859-1 labels carry windows-1252 bytes; the holes are C1 controls. */
		{ "iso-8859-1", "\x80\x93\x94\x81", 0, "\xE2\x82\xAC\xE2\x80\x9C\xE2\x80\x9D\xC2\x81", MV_CHARSET_OK },
		{ "latin1", "caf\xE9", 0, "caf\xC3\xA9", MV_CHARSET_OK },
		{ "koi8-r", "\xF0\xD2\xC9\xD7\xC5\xD4", 0, "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", MV_CHARSET_OK },
		{ "iso-8859-8", "\xED\xE5\xEC\xF9", 0, "\xD7\x9D\xD7\x95\xD7\x9C\xD7\xA9", MV_CHARSET_OK },
		/* iso-8859-3 has holes (0xA5): iconv rejects them, the table says U+FFFD. */
		{ "iso-8859-3", "a\xA5" "b", 0, "a" FFFD "b", MV_CHARSET_REPLACED },
		{ "x-user-defined", "a\x80\xFF", 0, "a\xEF\x9E\x80\xEF\x9F\xBF", MV_CHARSET_OK },
		/* No label: UTF-8 when valid, else windows-1252, status OK. */
		{ "", "caf\xC3\xA9", 0, "caf\xC3\xA9", MV_CHARSET_OK },
		{ "", "caf\xE9", 0, "caf\xC3\xA9", MV_CHARSET_OK },
		{ "x-bogus", "caf\xE9", 0, "caf\xC3\xA9", MV_CHARSET_UNKNOWN },
		{ "unknown-8bit", "caf\xC3\xA9", 0, "caf\xC3\xA9", MV_CHARSET_UNKNOWN },
		{ "utf-8", "", 0, "", MV_CHARSET_OK },
	};

	run_conv(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Unicode 3.9 Table 3-8 and friends; expected output from Python's decoder. */
static void test_convert_utf8_maximal_subparts(void)
{
	static const struct conv_case cases[] = {
		{ "utf-8", "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", 0,
		  "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d", MV_CHARSET_REPLACED },
		{ "utf-8", "\xC0\x80", 0, FFFD FFFD, MV_CHARSET_REPLACED },		/* overlong */
		{ "utf-8", "\xE0\x80\x80", 0, FFFD FFFD FFFD, MV_CHARSET_REPLACED },
		{ "utf-8", "\xED\xA0\x80", 0, FFFD FFFD FFFD, MV_CHARSET_REPLACED },	/* surrogate */
		{ "utf-8", "\xF4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD, MV_CHARSET_REPLACED },
		{ "utf-8", "\xE2\x82", 0, FFFD, MV_CHARSET_REPLACED },		/* cut at the end */
		{ "utf-8", "\xF0\x9F\x98", 0, FFFD, MV_CHARSET_REPLACED },
		{ "utf-8", "\xFF", 0, FFFD, MV_CHARSET_REPLACED },
		{ "utf-8", "\xE2\x82\x41", 0, FFFD "A", MV_CHARSET_REPLACED },
		{ "utf-8", "\xF0\x9F\x98\xC3\xA9", 0, FFFD "\xC3\xA9", MV_CHARSET_REPLACED },
		{ "utf-8", "abcdefghijklmnop\x80", 0, "abcdefghijklmnop" FFFD, MV_CHARSET_REPLACED },
	};

	run_conv(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_utf8_valid(void)
{
	CHECK(mv_utf8_valid("", 0));
	CHECK(mv_utf8_valid("plain ascii text, longer than 8", 31));
	CHECK(mv_utf8_valid("\xF4\x8F\xBF\xBF", 4));
	CHECK(mv_utf8_valid("\xEF\xBF\xBD", 3));
	CHECK(!mv_utf8_valid("\xF4\x90\x80\x80", 4));
	CHECK(!mv_utf8_valid("\xED\xBF\xBF", 3));
	CHECK(!mv_utf8_valid("\xC1\xBF", 2));
	CHECK(!mv_utf8_valid("12345678\xC3", 9));
	CHECK(!mv_utf8_valid("1234567\x80", 8));
}

/* The ASCII run is found in steps of 32, 8 and 1: a stray byte at every offset of every length. */
static void test_utf8_valid_every_offset(void)
{
	char buf[100];
	size_t len, pos;

	for (len = 1; len <= sizeof(buf); len++) {
		memset(buf, 'a', len);
		CHECK(mv_utf8_valid(buf, len));
		for (pos = 0; pos < len; pos++) {
			buf[pos] = '\x80';
			CHECK(!mv_utf8_valid(buf, len));
			buf[pos] = 'a';
		}
	}
}

/* The leading ASCII run, against a byte loop: every length to 100, one or two 8-bit bytes anywhere. */
static void test_ascii_prefix_every_length_and_place(void)
{
	size_t len, pos, pos2, want;
	int bad = 0;

	for (len = 0; len <= 100; len++) {
		for (pos = 0; pos <= len; pos++) {
			for (pos2 = pos; pos2 <= len; pos2 += 7) {
				char *buf = malloc(len != 0 ? len : 1);

				memset(buf, 'a', len);
				if (pos < len)
					buf[pos] = '\x80';
				if (pos2 < len)
					buf[pos2] = '\xFF';
				want = pos < len ? pos : len;
				bad += charset_ascii_prefix(buf, len) != want;
				free(buf);
			}
		}
	}
	CHECK_INT(bad, 0);
}

static void test_convert_iconv_paths(void)
{
	static const struct conv_case cases[] = {
		/* ks_c_5601-1987 is CP949: U+B620 is a UHC extension outside EUC-KR. */
		{ "ks_c_5601-1987", "\xBE\xC8\xB3\xE7\xC7\xCF\xBC\xBC\xBF\xE4\x20\x8C\x63", 0,
		  "\xEC\x95\x88\xEB\x85\x95\xED\x95\x98\xEC\x84\xB8\xEC\x9A\x94\x20\xEB\x98\xA0", MV_CHARSET_OK },
		/* gb2312 label, GBK-only U+5586. */
		{ "gb2312", "\xD6\xD0\xCE\xC4\x86\xB4", 0, "\xE4\xB8\xAD\xE6\x96\x87\xE5\x96\x86", MV_CHARSET_OK },
		/* shift_jis is CP932: half-width katakana and the NEC circled one. */
		{ "shift_jis", "\x93\xFA\x96\x7B\x8C\xEA\xB1\x87\x40", 0,
		  "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xEF\xBD\xB1\xE2\x91\xA0", MV_CHARSET_OK },
		{ "iso-2022-jp", "\x1B\x24\x42\x46\x7C\x4B\x5C\x38\x6C\x1B\x28\x42", 0,
		  "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", MV_CHARSET_OK },
		/* RFC 2152's example. */
		{ "utf-7", "Hi Mom -+Jjo--!", 0, "Hi Mom -\xE2\x98\xBA-!", MV_CHARSET_OK },
		{ "utf-16", "\xFF\xFE" "A\0\xE9\0", 6, "A\xC3\xA9", MV_CHARSET_OK },
		{ "utf-16", "\xFE\xFF\0A\0\xE9", 6, "A\xC3\xA9", MV_CHARSET_OK },
		{ "utf-16", "A\0B\0", 4, "AB", MV_CHARSET_OK },			/* no BOM: LE */
		{ "utf-16be", "\xD8\x3D\xDE\x00", 4, "\xF0\x9F\x98\x80", MV_CHARSET_OK },
		{ "utf-16le", "\x00\xD8" "A\0", 4, FFFD "A", MV_CHARSET_REPLACED },	/* lone surrogate */
		{ "utf-16le", "A\0B", 3, "A" FFFD, MV_CHARSET_REPLACED },		/* odd byte */
		/* Bad bytes: one U+FFFD each, then conversion goes on. */
		{ "cp949", "\xB0\xA1\xFF\xB0\xA1", 0, "\xEA\xB0\x80" FFFD "\xEA\xB0\x80", MV_CHARSET_REPLACED },
		{ "shift_jis", "ab\x93", 0, "ab" FFFD, MV_CHARSET_REPLACED },		/* incomplete at end */
		{ "euc-jp", "\xC6\xFC", 0, "\xE6\x97\xA5", MV_CHARSET_OK },
		{ "big5", "\xA4\xA4", 0, "\xE4\xB8\xAD", MV_CHARSET_OK },
		{ "gb18030", "\x81\x30\x81\x30", 0, "\xC2\x80", MV_CHARSET_OK },
	};

	run_conv(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Oracle: every byte of every table charset equals what iconv says. */
static void test_sbcs_tables_match_iconv(void)
{
	size_t d;

	for (d = 0; d < charset_n_descs; d++) {
		const struct charset_desc *desc = &charset_descs[d];
		bool is1252 = strcmp(desc->name, "WINDOWS-1252") == 0;
		iconv_t cd;
		unsigned b;
		int mismatches = 0;

		if (desc->kind != CHARSET_SBCS)
			continue;
		cd = iconv_open("UTF-8", desc->name);
		CHECK(cd != (iconv_t)-1);
		if (cd == (iconv_t)-1)
			continue;
		for (b = 0; b < 256; b++) {
			char in = (char)b, out[16], *ip = &in, *op = out, mine[4];
			size_t il = 1, ol = sizeof(out), n, r;
			bool rejected;

			(void)iconv(cd, NULL, NULL, NULL, NULL);
			r = iconv(cd, &ip, &il, &op, &ol);
			rejected = r == (size_t)-1 || iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1;
			if (b < 0x80) {
				/* The fast path assumes ASCII below 0x80. */
				mismatches += rejected || op - out != 1 || out[0] != (char)b;
				continue;
			}
			n = charset_sbcs_entry(desc, (unsigned char)b, mine);
			if (rejected) {
				bool c1 = is1252 && (b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D);

				if (c1)
					mismatches += n != 2 || (unsigned char)mine[0] != 0xC2 || (unsigned char)mine[1] != b;
				else
					mismatches += n != 3 || memcmp(mine, FFFD, 3) != 0;
			} else {
				mismatches += (size_t)(op - out) != n || memcmp(out, mine, n) != 0;
			}
		}
		CHECK_INT(mismatches, 0);
		if (mismatches != 0)
			fprintf(stderr, "  %s: %d bytes differ from iconv\n", desc->name, mismatches);
		iconv_close(cd);
	}
}

/* The whole-buffer path agrees with the table for all 256 bytes. */
static void test_sbcs_all_bytes_roundtrip(void)
{
	mv_arena *a = mv_arena_new(0);
	char all[256], want[1024], e[4];
	size_t w = 0, n;
	unsigned b;
	mv_buf buf;

	for (b = 0; b < 256; b++) {
		all[b] = (char)b;
		if (b < 0x80) {
			want[w++] = (char)b;
		} else {
			n = charset_sbcs_entry(charset_cp1252, (unsigned char)b, e);
			memcpy(want + w, e, n);
			w += n;
		}
	}
	want[w] = '\0';
	mv_buf_init(&buf, a, 4096);
	CHECK_INT(mv_charset_to_utf8(MV_STR_LIT("windows-1252"), mv_str_make(all, 256), &buf), MV_CHARSET_OK);
	CHECK(buf.len == w && memcmp(buf.p, want, w) == 0);
	mv_arena_free(&a);
}

/* Mostly ASCII with 8-bit bytes at every position and spacing: the block path against the table entries. */
static void test_sbcs_high_bytes_every_position(void)
{
	mv_arena *a = mv_arena_new(0);
	char in[80], want[320], e[4];
	size_t len, pos, gap, i, w, n;
	mv_buf buf;

	for (len = 1; len <= sizeof(in); len += 7) {
		for (pos = 0; pos < len; pos++) {
			for (gap = 1; gap <= 17; gap += 4) {
				w = 0;
				for (i = 0; i < len; i++) {
					unsigned char c = i >= pos && (i - pos) % gap == 0 ? (unsigned char)(0x80 + (i * 37) % 128)
											   : (unsigned char)('a' + i % 26);

					in[i] = (char)c;
					n = c < 0x80 ? (e[0] = (char)c, 1) : charset_sbcs_entry(charset_cp1252, c, e);
					memcpy(want + w, e, n);
					w += n;
				}
				mv_buf_init(&buf, a, 4096);
				(void)mv_charset_to_utf8(MV_STR_LIT("windows-1252"), mv_str_make(in, len), &buf);
				CHECK(buf.len == w && memcmp(buf.p, want, w) == 0);
				mv_arena_reset(a);
			}
		}
	}
	mv_arena_free(&a);
}

static void test_convert_truncates_on_char_boundary(void)
{
	static const struct {
		const char *label, *in, *out;
	} cases[] = {
		{ "iso-8859-1", "\xE9\xE9\xE9", "\xC3\xA9\xC3\xA9" },
		{ "utf-8", "\xE2\x82\xAC\xE2\x82\xAC", "\xE2\x82\xAC" },
		{ "utf-8", "ab\xFF\xFF", "ab" FFFD },
		{ "shift_jis", "\x93\xFA\x96\x7B", "\xE6\x97\xA5" },
		{ "utf-16be", "\0A\0B\0C\0D\0E\0F", "ABCDE" },
		{ "utf-8", "abcdefgh", "abcde" },
	};
	mv_arena *a = mv_arena_new(0);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mv_buf b;
		size_t len = strcmp(cases[i].label, "utf-16be") == 0 ? 12 : strlen(cases[i].in);

		mv_buf_init(&b, a, 5);
		CHECK_INT(mv_charset_to_utf8(mv_str_cstr(cases[i].label), mv_str_make(cases[i].in, len), &b),
			  MV_CHARSET_TRUNCATED);
		CHECK(b.truncated);
		CHECK_STR(mv_buf_finish(&b), cases[i].out);
	}
	mv_arena_free(&a);
}

static void test_convert_large_input_is_fast(void)
{
	size_t n = (size_t)8 << 20, i;
	mv_arena *a = mv_arena_new(0);
	char *in = mv_arena_alloc(a, n);
	mv_buf b;
	clock_t t0;
	double secs;

	for (i = 0; i < n; i++)
		in[i] = (char)(i % 7 == 0 ? 0xE9 : 'a' + i % 26);
	t0 = clock();
	mv_buf_init(&b, a, n * 2);
	CHECK_INT(mv_charset_to_utf8(MV_STR_LIT("iso-8859-1"), mv_str_make(in, n), &b), MV_CHARSET_OK);
	CHECK(b.len == n + (n + 6) / 7);
	mv_buf_init(&b, a, n * 3);
	CHECK_INT(mv_charset_to_utf8(MV_STR_LIT("utf-8"), mv_str_make(in, n), &b), MV_CHARSET_REPLACED);
	mv_buf_init(&b, a, n * 3);
	CHECK_INT(mv_charset_to_utf8(MV_STR_LIT("gbk"), mv_str_make(in, n / 4), &b), MV_CHARSET_REPLACED);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(secs < time_bound(1.0));
	printf("8 MiB latin1 + 8 MiB utf-8 + 2 MiB gbk: %.3f s\n", secs);
	mv_arena_free(&a);
}

static void *thread_body(void *arg)
{
	static const char *labels[] = { "koi8-u", "iso-8859-7", "windows-1256", "cp949", "euc-jp", "mac" };
	mv_arena *a = mv_arena_new(0);
	int i, *bad = arg;

	for (i = 0; i < 2000; i++) {
		mv_buf b;

		mv_buf_init(&b, a, 1 << 16);
		if (mv_charset_to_utf8(mv_str_cstr(labels[i % 6]), MV_STR_LIT("x\xC1\xC2\xC3y"), &b) < 0 ||
		    !mv_utf8_valid(b.p, b.len))
			(*bad)++;
		mv_arena_reset(a);
	}
	mv_arena_free(&a);
	return NULL;
}

static void test_convert_threads(void)
{
	pthread_t t[4];
	int bad[4] = { 0 }, i;

	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, thread_body, &bad[i]) == 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(bad[i], 0);
	}
}

int main(void)
{
	RUN(test_alias_table_sorted_unique);
	RUN(test_alias_canonical_names_open_in_iconv);
	RUN(test_alias_labels);
	RUN(test_convert_fast_paths);
	RUN(test_convert_utf8_maximal_subparts);
	RUN(test_utf8_valid);
	RUN(test_utf8_valid_every_offset);
	RUN(test_ascii_prefix_every_length_and_place);
	RUN(test_convert_iconv_paths);
	RUN(test_sbcs_tables_match_iconv);
	RUN(test_sbcs_all_bytes_roundtrip);
	RUN(test_sbcs_high_bytes_every_position);
	RUN(test_convert_truncates_on_char_boundary);
	RUN(test_convert_large_input_is_fast);
	RUN(test_convert_threads);
	return test_summary();
}
