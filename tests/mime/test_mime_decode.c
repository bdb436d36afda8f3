/* Transfer decoders: RFC 4648 10 vectors, RFC 2045 6.7 rules, uuencode(1) output, and garbage. */
#include <stdlib.h>

#include "mailvet/msg.h"
#include "mime/mime_decode.h"
#include "test.h"

typedef size_t (*decoder_fn)(const char *, size_t, char *, unsigned *);

struct decode_case {
	const char *in;
	const char *out;
	unsigned problems;
};

static void run_cases(decoder_fn fn, const struct decode_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = strlen(cases[i].in);
		char *out = malloc(len + 4);
		unsigned problems = 0, counted_problems = 0;
		size_t got = fn(cases[i].in, len, out, &problems);
		size_t counted = fn(cases[i].in, len, NULL, &counted_problems);
		mv_str view = { out, got };

		CHECK_STR(view, cases[i].out);
		CHECK_INT(problems, cases[i].problems);
		/* Counting mode must agree with decoding mode. */
		CHECK_INT(counted, got);
		CHECK_INT(counted_problems, problems);
		free(out);
	}
}

static void test_base64_rfc4648_vectors(void)
{
	static const struct decode_case cases[] = {
		{ "", "", 0 },
		{ "Zg==", "f", 0 },
		{ "Zm8=", "fo", 0 },
		{ "Zm9v", "foo", 0 },
		{ "Zm9vYg==", "foob", 0 },
		{ "Zm9vYmE=", "fooba", 0 },
		{ "Zm9vYmFy", "foobar", 0 },
	};

	run_cases(mime_base64_decode, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_base64_lenient(void)
{
	static const struct decode_case cases[] = {
		{ "Zm9v\r\nYmFy\r\n", "foobar", 0 },		/* line breaks */
		{ "Zm9v YmFy\t", "foobar", 0 },			/* white space */
		{ "Zm9vYg", "foob", 0 },				/* missing padding */
		{ "Zm9vY", "foo", MV_PROB_BAD_BASE64 },		/* a lone sextet */
		{ "Zm9v!YmFy", "foobar", MV_PROB_BAD_BASE64 },	/* garbage skipped */
		{ "Zm\x80" "9vYmFy", "foobar", MV_PROB_BAD_BASE64 },
		{ "-_-_", "", MV_PROB_BAD_BASE64 },		/* base64url is not base64 */
		{ "Zm9vYg==\n-- \nlist footer\n", "foob", 0 },	/* padding ends the data (RFC 2045 6.8) */
		{ "Zm9vYmE=\nZm9v", "fooba", 0 },
		{ "=Zm9v", "foo", 0 },				/* '=' before any sextet is not padding */
		{ "Zm9vY=", "foo", MV_PROB_BAD_BASE64 },
	};

	run_cases(mime_base64_decode, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_qp_rfc2045_rules(void)
{
	static const struct decode_case cases[] = {
		{ "caf=C3=A9", "caf\xC3\xA9", 0 },
		{ "caf=c3=a9", "caf\xC3\xA9", 0 },		/* lower-case hex, as readers accept */
		{ "soft=\r\nbreak", "softbreak", 0 },
		{ "soft=\nbreak", "softbreak", 0 },
		{ "soft= \t\r\nbreak", "softbreak", 0 },	/* transport padding after '=' */
		{ "end=", "end", 0 },
		{ "line\r\nnext", "line\r\nnext", 0 },
		{ "a=3Db", "a=b", 0 },
		{ "100% =ZZ off", "100% =ZZ off", MV_PROB_BAD_QP },
		{ "x=4", "x=4", MV_PROB_BAD_QP },
		{ "=", "", 0 },
	};

	run_cases(mime_qp_decode, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_uuencode(void)
{
	/* uuencode(1) output for the 12 bytes "hello world\n". */
	static const struct decode_case cases[] = {
		{ "begin 644 hello.txt\n,:&5L;&\\@=V]R;&0*\n`\nend\n", "hello world\n", 0 },
		{ "junk before\r\nbegin 600 x\r\n,:&5L;&\\@=V]R;&0*\r\n`\r\nend\r\n", "hello world\n", 0 },
		{ "begin 644 cut\n,:&5L;&\\@=V]R;&0*\n", "hello world\n", MV_PROB_BAD_UUENCODE },
		{ "no begin line at all\n", "", MV_PROB_BAD_UUENCODE },
		{ "begin 644 short\n,:&5L\nend\n", "hel", MV_PROB_BAD_UUENCODE },
	};

	run_cases(mime_uu_decode, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_base64_round_trip_all_bytes(void)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char raw[256 * 3];
	char enc[256 * 4 + 64], dec[256 * 3 + 3];
	size_t i, n = 0, got;
	unsigned problems = 0;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < sizeof(raw); i += 3) {
		unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];

		enc[n++] = alphabet[v >> 18];
		enc[n++] = alphabet[(v >> 12) & 63];
		enc[n++] = alphabet[(v >> 6) & 63];
		enc[n++] = alphabet[v & 63];
		if (i % 57 == 54)
			enc[n++] = '\n';
	}
	got = mime_base64_decode(enc, n, dec, &problems);
	CHECK_INT(got, sizeof(raw));
	CHECK(memcmp(dec, raw, sizeof(raw)) == 0);
	CHECK_INT(problems, 0);
}

/* The documented base64 rules, one byte at a time: the reference for the block paths. */
static size_t base64_reference(const char *in, size_t len, char *out, unsigned *problems)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long acc = 0;
	unsigned q = 0;
	size_t i, n = 0;
	bool bad = false;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		const char *a = c != 0 ? strchr(alphabet, c) : NULL;

		if (a != NULL) {
			acc = acc << 6 | (unsigned long)(a - alphabet);
			if (++q == 4) {
				out[n++] = (char)(acc >> 16);
				out[n++] = (char)(acc >> 8);
				out[n++] = (char)acc;
				q = 0;
				acc = 0;
			}
		} else if (c == '=') {
			if (q >= 2)
				break;
			if (q == 1)
				bad = true;
		} else if (c != ' ' && (c < '\t' || c > '\r')) {
			bad = true;
		}
	}
	if (q >= 2) {
		acc <<= 6 * (4 - q);
		out[n++] = (char)(acc >> 16);
		if (q == 3)
			out[n++] = (char)(acc >> 8);
	} else if (q == 1) {
		bad = true;
	}
	if (bad)
		*problems |= MV_PROB_BAD_BASE64;
	return n;
}

static void check_base64_against_reference(const char *in, size_t len)
{
	size_t bound = len / 4 * 3 + 3;
	char *out = malloc(bound), *ref = malloc(bound);
	unsigned problems = 0, ref_problems = 0, counted_problems = 0;
	size_t got = mime_base64_decode(in, len, out, &problems);
	size_t want = base64_reference(in, len, ref, &ref_problems);

	CHECK_INT(got, want);
	CHECK(got == want && memcmp(out, ref, got) == 0);
	CHECK_INT(problems, ref_problems);
	CHECK_INT(mime_base64_decode(in, len, NULL, &counted_problems), want);
	CHECK_INT(counted_problems, ref_problems);
	free(out);
	free(ref);
}

/* Every length up to 200, with line breaks, and one odd byte at every position of each. */
static void test_base64_blocks_match_reference(void)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char odd[] = { '=', '!', '\x80', '\xff', ' ', '\n', '\r', '\0', '-', '\t' };
	char text[256], *in;
	size_t len, i, k;
	unsigned seed = 1;

	for (len = 0; len <= 200; len++) {
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = (i % 78 == 76) ? '\r' : (i % 78 == 77) ? '\n' : alphabet[(seed >> 16) & 63];
		}
		/* An exact-size copy, so reads past the end are caught under ASan. */
		in = malloc(len + 1);
		memcpy(in, text, len);
		check_base64_against_reference(in, len);
		for (i = 0; i < len; i++) {
			for (k = 0; k < sizeof(odd); k++) {
				in[i] = odd[k];
				check_base64_against_reference(in, len);
			}
			in[i] = text[i];
		}
		free(in);
	}
}

/* The quoted-printable rules with memchr() per run: the reference for the block copies. */
static size_t qp_reference(const char *in, size_t len, char *out, unsigned *problems)
{
	const char *p = in, *end = in + len;
	size_t n = 0;
	bool bad = false;

	while (p < end) {
		const char *eq = memchr(p, '=', (size_t)(end - p)), *q;
		size_t run = (size_t)((eq != NULL ? eq : end) - p);
		int hi, lo;

		memcpy(out + n, p, run);
		n += run;
		if (eq == NULL)
			break;
		p = eq + 1;
		if (end - p >= 2 && (hi = mv_hex_value((unsigned char)p[0])) >= 0 &&
		    (lo = mv_hex_value((unsigned char)p[1])) >= 0) {
			out[n++] = (char)(hi << 4 | lo);
			p += 2;
			continue;
		}
		for (q = p; q < end && (*q == ' ' || *q == '\t'); q++)
			;
		if (q == end || *q == '\n' || (*q == '\r' && q + 1 < end && q[1] == '\n')) {
			p = q == end ? q : q + (*q == '\r' ? 2 : 1);
			continue;
		}
		out[n++] = '=';
		bad = true;
	}
	if (bad)
		*problems |= MV_PROB_BAD_QP;
	return n;
}

/* Random mixes of text, escapes, soft breaks and broken escapes, at every length to 300. */
static void test_qp_blocks_match_reference(void)
{
	static const char pieces[] = "abcXYZ0123456789=   \t\r\n=3D=c3=A9=\r\n=\n=zz\x80\xff";
	unsigned seed = 7;
	size_t len, i, round;

	for (len = 0; len <= 300; len++) {
		for (round = 0; round < 8; round++) {
			char *in = malloc(len + 1), *out = malloc(len + 1), *ref = malloc(len + 1);
			unsigned problems = 0, ref_problems = 0, counted_problems = 0;
			size_t got, want;

			for (i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				/* Mostly plain text in even rounds, so that the runs are long enough for the
				 * block path; mostly escapes and breaks in odd ones. */
				in[i] = ((seed >> 16) % 4 != 0) == (round % 2 == 0)
						? (char)('a' + (seed >> 20) % 26)
						: pieces[(seed >> 20) % (sizeof(pieces) - 1)];
			}
			got = mime_qp_decode(in, len, out, &problems);
			want = qp_reference(in, len, ref, &ref_problems);
			CHECK_INT(got, want);
			CHECK(got == want && memcmp(out, ref, got) == 0);
			CHECK_INT(problems, ref_problems);
			CHECK_INT(mime_qp_decode(in, len, NULL, &counted_problems), want);
			CHECK_INT(counted_problems, ref_problems);
			free(in);
			free(out);
			free(ref);
		}
	}
}

int main(void)
{
	RUN(test_base64_rfc4648_vectors);
	RUN(test_base64_lenient);
	RUN(test_qp_rfc2045_rules);
	RUN(test_uuencode);
	RUN(test_base64_round_trip_all_bytes);
	RUN(test_base64_blocks_match_reference);
	RUN(test_qp_blocks_match_reference);
	return test_summary();
}
