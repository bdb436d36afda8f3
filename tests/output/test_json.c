/*
 * The JSON writer's string escaping and number formatting, checked against
 * plain reference versions: a byte-at-a-time escaper written straight from
 * RFC 8259 and the UTF-8 rules (RFC 3629), and printf's "%.2f".
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <time.h>

#include "mailvet/output.h"
#include "output/output_internal.h"
#include "test.h"

/* Longest string the escaper tests try: past the 64 bytes the block windows cover. */
#define TEST_MAX_LEN 100

/* Length of a well-formed UTF-8 sequence at p, or 0 (RFC 3629 section 4). */
static size_t ref_utf8_len(const unsigned char *p, size_t left)
{
	int n;
	unsigned long cp, min;
	size_t i;

	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2, cp = p[0] & 0x1F, min = 0x80;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		n = 3, cp = p[0] & 0x0F, min = 0x800;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4, cp = p[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (left < (size_t)n)
		return 0;
	for (i = 1; i < (size_t)n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return (size_t)n;
}

static size_t ref_escape(char *w, const unsigned char *p, size_t len)
{
	size_t i = 0, o = 0;

	w[o++] = '"';
	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		if (c >= 0x80) {
			n = ref_utf8_len(p + i, len - i);
			if (n == 0) {
				memcpy(w + o, "\xEF\xBF\xBD", 3), o += 3, i++;
			} else {
				memcpy(w + o, p + i, n), o += n, i += n;
			}
		} else if (c == '"' || c == '\\') {
			w[o++] = '\\', w[o++] = (char)c, i++;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			w[o++] = '\\', w[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't', i++;
		} else if (c < 0x20) {
			o += (size_t)sprintf(w + o, "\\u%04x", c), i++;
		} else {
			w[o++] = (char)c, i++;
		}
	}
	w[o++] = '"';
	return o;
}

static unsigned long long rng_state = 0x9E3779B97F4A7C15ULL;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* Mostly plain text, with specials, good and broken UTF-8 at random places. */
static size_t random_text(unsigned char *p, size_t len)
{
	static const char *const pieces[] = { "\"", "\\", "\n", "\r", "\t", "\x01", "\x1f", "\x7f",
		"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC3", "\xE2\x82", "\xF0\x9F\x98",
		"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\x80" };
	size_t i = 0;

	while (i < len) {
		if (rnd(12) == 0) {
			const char *s = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
			size_t n = strlen(s);

			if (n > len - i)
				n = len - i;
			memcpy(p + i, s, n);
			i += n;
		} else {
			p[i++] = (unsigned char)(' ' + rnd(95));
		}
	}
	return len;
}

static void test_escape_matches_reference(void)
{
	static unsigned char in[5000];
	static char want[5000 * 6 + 2];
	unsigned round;

	for (round = 0; round < 3000; round++) {
		size_t len = round < 100 ? round : rnd(round % 7 == 0 ? 5000 : 200);
		mv_arena *arena = mv_arena_new(1 << 20);
		mv_buf buf;
		size_t n;

		random_text(in, len);
		n = ref_escape(want, in, len);
		mv_buf_init(&buf, arena, 1 << 20);
		CHECK_INT(mv_json_string(&buf, mv_str_make((const char *)in, len)), 0);
		CHECK_INT(buf.len, n);
		CHECK(buf.len == n && memcmp(buf.p, want, n) == 0);
		mv_arena_free(&arena);
	}
}

/* A UTF-8 sequence across the writer's internal slice boundary is kept whole. */
static void test_escape_long_runs(void)
{
	static unsigned char in[4096];
	static char want[4096 * 6 + 2];
	size_t at;

	for (at = 1000; at < 1030; at++) {
		mv_arena *arena = mv_arena_new(1 << 20);
		mv_buf buf;
		size_t n;

		memset(in, 'a', sizeof(in));
		memcpy(in + at, "\xF0\x9F\x98\x80", 4);
		in[at + 40] = '"';
		n = ref_escape(want, in, sizeof(in));
		mv_buf_init(&buf, arena, 1 << 20);
		CHECK_INT(mv_json_string(&buf, mv_str_make((const char *)in, sizeof(in))), 0);
		CHECK(buf.len == n && memcmp(buf.p, want, n) == 0);
		mv_arena_free(&arena);
	}
}

/* Near the buffer's ceiling the writer keeps a true prefix and says so, and text that fits is not cut. */
static void test_escape_ceiling(void)
{
	static unsigned char in[3000];
	static char want[3000 * 6 + 2];
	size_t n, max;

	random_text(in, sizeof(in));
	n = ref_escape(want, in, sizeof(in));
	for (max = n - 40; max <= n + 40; max++) {
		mv_arena *arena = mv_arena_new(1 << 20);
		mv_buf buf;
		int rc;

		mv_buf_init(&buf, arena, max);
		rc = mv_json_string(&buf, mv_str_make((const char *)in, sizeof(in)));
		if (max >= n) {
			CHECK_INT(rc, 0);
			CHECK_INT(buf.truncated, 0);
			CHECK(buf.len == n && memcmp(buf.p, want, n) == 0);
		} else {
			CHECK_INT(rc, -1);
			CHECK_INT(buf.truncated, 1);
			CHECK(buf.len <= max && memcmp(buf.p, want, buf.len) == 0);
		}
		mv_arena_free(&arena);
	}
}

/*
 * One string through mv_json_string (the plain fast road when it can) and
 * through the general escaper, both checked against the reference.  The input
 * is copied to a heap block of exactly its size, so a read past its end shows
 * under AddressSanitizer.
 */
static void check_string(const unsigned char *text, size_t len)
{
	static char want[TEST_MAX_LEN * 6 + 2];
	unsigned char *in = malloc(len != 0 ? len : 1);
	mv_arena *arena = mv_arena_new(1 << 16);
	mv_buf fast, general;
	size_t n;

	memcpy(in, text, len);
	n = ref_escape(want, in, len);
	mv_buf_init(&fast, arena, 1 << 12);
	CHECK(mv_buf_reserve(&fast, 1 << 10) != NULL);	/* room, so the fast road is taken */
	CHECK_INT(mv_json_string(&fast, mv_str_make((const char *)in, len)), 0);
	mv_buf_init(&general, arena, 1 << 12);
	CHECK_INT(mv_buf_putc(&general, '"') | mv_json_escape(&general, mv_str_make((const char *)in, len)) |
		  mv_buf_putc(&general, '"'), 0);
	if (fast.len != n || memcmp(fast.p, want, n) != 0 || general.len != n ||
	    memcmp(general.p, want, n) != 0) {
		fprintf(stderr, "escape of %zu bytes: fast \"%.*s\", general \"%.*s\", want \"%.*s\"\n", len,
			(int)fast.len, fast.p, (int)general.len, general.p, (int)n, want);
		CHECK(0);
	}
	mv_arena_free(&arena);
	free(in);
}

/*
 * The fast road and the general one agree at every length up to 100 (short
 * words, whole blocks, overlapping last blocks) and with every kind of special
 * byte at every place, sequences cut by the string's end included.
 */
static void test_escape_every_length_and_place(void)
{
	static const char *const specials[] = { "\"", "\\", "\n", "\r", "\t", "\x01", "\x1f", "\x80",
		"\xBF", "\xFF", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC3", "\xE2\x82",
		"\xF0\x9F\x98", "\xC0\xAF", "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80" };
	unsigned char in[TEST_MAX_LEN];
	size_t len, pos, i, k;

	for (len = 0; len <= TEST_MAX_LEN; len++) {
		/* Plain bytes from all over the printable range, the edges (space, DEL) included. */
		for (i = 0; i < len; i++)
			in[i] = (unsigned char)(i % 3 == 0 ? ' ' + i : i % 3 == 1 ? 0x7F - i : 'a' + i % 26);
		for (i = 0; i < len; i++)
			if (in[i] == '"' || in[i] == '\\')
				in[i] = '.';
		check_string(in, len);
		for (k = 0; k < sizeof(specials) / sizeof(specials[0]); k++) {
			for (pos = 0; pos < len; pos++) {
				unsigned char plain[TEST_MAX_LEN];
				size_t n = strlen(specials[k]);

				memcpy(plain, in, len);
				memcpy(plain + pos, specials[k], n < len - pos ? n : len - pos);
				check_string(plain, len);
			}
		}
	}
}

/* A plain string is written in place without touching a byte past its closing quote. */
static void test_plain_string_stays_in_bounds(void)
{
	unsigned char text[TEST_MAX_LEN];
	size_t len;

	for (len = 0; len <= TEST_MAX_LEN; len++) {
		unsigned char *in = malloc(len != 0 ? len : 1);
		mv_buf buf;

		memset(text, 'x', sizeof(text));
		memcpy(in, text, len);
		/* A buffer of exactly the room the fast road asks for, on the heap so ASan sees an overrun. */
		buf.arena = NULL;
		buf.p = malloc(len + 3);
		buf.len = 0;
		buf.cap = len + 3;
		buf.max = len + 3;
		buf.truncated = 0;
		CHECK_INT(mv_json_string(&buf, mv_str_make((const char *)in, len)), 0);
		CHECK_INT(buf.len, len + 2);
		CHECK(buf.p[0] == '"' && buf.p[len + 1] == '"' && memcmp(buf.p + 1, text, len) == 0);
		free(buf.p);
		free(in);
	}
}

static void check_fixed2(double v)
{
	char want[DBL_MAX_10_EXP + 16];
	mv_arena *arena = mv_arena_new(1 << 16);
	mv_buf buf;
	int n = snprintf(want, sizeof(want), "%.2f", v);

	mv_buf_init(&buf, arena, 1 << 10);
	CHECK_INT(mv_json_fixed2(&buf, v), 0);
	if (buf.len != (size_t)n || memcmp(buf.p, want, (size_t)n) != 0) {
		fprintf(stderr, "fixed2(%.17g): got \"%.*s\", printf says \"%s\"\n", v, (int)buf.len, buf.p, want);
		CHECK(0);
	}
	mv_arena_free(&arena);
}

static void test_fixed2_matches_printf(void)
{
	static const double edges[] = { 0, -0.0, 0.005, 0.015, 0.125, 0.1, 0.2, 0.3, 1.5, -1.5, -0.3, 2.675,
		99.995, 1e14, -1e14, 1e15, 1e300, -1e300, DBL_MAX, -DBL_MAX, 123456.78, -0.001, 5, 10, 15 };
	unsigned i;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_fixed2(edges[i]);
	check_fixed2(NAN);
	check_fixed2(INFINITY);
	check_fixed2(-INFINITY);
	for (i = 0; i < 20000; i++) {
		/* Sums of small multiples of 0.1 and 0.5, like real scores, and random doubles. */
		double v = (double)((int)rnd(400) - 200) * 0.1 + (double)((int)rnd(10) - 5) * 0.5;

		check_fixed2(v);
		check_fixed2((double)(rng_state >> 11) / (double)(1ULL << 40) - 4096.0);
	}
}

/* The date as the old writer made it: libc's calendar, "%04d" years, in quotes. */
static size_t ref_date(char *w, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		return 0;
	return (size_t)sprintf(w, "\"%04d-%02d-%02dT%02d:%02d:%02dZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
			       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void check_date(int64_t t)
{
	char want[64], got[64];
	size_t n = ref_date(want, t), len = (size_t)(json_put_date(got, t) - got);

	if (n != 0 && (len != n || memcmp(got, want, n) != 0)) {
		fprintf(stderr, "date %lld: got %.*s, libc says %s\n", (long long)t, (int)len, got, want);
		CHECK(0);
	}
	CHECK(len <= 48 && got[0] == '"' && got[len - 1] == '"');
}

/* Days of years 0 to 10000 (the fast calendar's range and both sides of it), at varied times of day. */
static void test_date_matches_libc(void)
{
	static const int64_t edges[] = { 0, -1, 1, 86399, 86400, 951782400, 951868800, 4107542400LL,
		253402300799LL, 253402300800LL, -62167219200LL, -62167219201LL, INT64_MAX, INT64_MIN,
		INT64_MAX / 86400, -(INT64_MAX / 86400) };
	int64_t day;
	unsigned i;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_date(edges[i]);
	/* Every day from 1900 to 2200, every fifth day beyond: all months, leap days and centuries. */
	for (day = -719530; day <= 2932900; day += day >= -25567 && day < 84000 ? 1 : 5) {
		check_date(day * 86400);
		check_date(day * 86400 + 86399 - (int64_t)rnd(86400));
	}
}

static void test_uint_matches_printf(void)
{
	char want[32], got[32];
	unsigned long long v = 1;
	unsigned i;

	for (i = 0; i < 200000; i++) {
		int n;
		size_t len;

		v = i < 1000 ? i : i < 1100 ? ~0ULL - (i - 1000) : (rng_state >> rnd(64)) + rnd(3);
		n = snprintf(want, sizeof(want), "%llu", v);
		len = (size_t)(json_put_uint(got, v) - got);
		if (len != (size_t)n || memcmp(got, want, len) != 0) {
			fprintf(stderr, "uint %llu: got %.*s\n", v, (int)len, got);
			CHECK(0);
		}
		rnd(2);
	}
	for (i = 0, v = 1; i < 20; i++, v *= 10) {
		snprintf(want, sizeof(want), "%llu", v);
		CHECK(json_put_uint(got, v) - got == (long)strlen(want) && memcmp(got, want, strlen(want)) == 0);
		snprintf(want, sizeof(want), "%llu", v - 1);
		CHECK(json_put_uint(got, v - 1) - got == (long)strlen(want) && memcmp(got, want, strlen(want)) == 0);
	}
	/* Around every power of two, where the digit count from the bit length may be one short. */
	for (i = 1; i < 64; i++) {
		unsigned long long k;

		for (k = (1ULL << i) - 2; k <= (1ULL << i) + 1; k++) {
			snprintf(want, sizeof(want), "%llu", k);
			CHECK(json_put_uint(got, k) - got == (long)strlen(want) && memcmp(got, want, strlen(want)) == 0);
		}
	}
}

int main(void)
{
	RUN(test_escape_matches_reference);
	RUN(test_escape_long_runs);
	RUN(test_escape_ceiling);
	RUN(test_escape_every_length_and_place);
	RUN(test_plain_string_stays_in_bounds);
	RUN(test_fixed2_matches_printf);
	RUN(test_date_matches_libc);
	RUN(test_uint_matches_printf);
	return test_summary();
}
