/*
 * Content-Type / Content-Disposition parsing.  The RFC 2045, 2183 and 2231
 * examples are taken from the RFCs with the values they state; the broken
 * syntax table holds what mail clients meet in the wild.
 */
#include <stdlib.h>
#include <time.h>

#include "charset/charset_int.h"
#include "mailvet/charset.h"
#include "test.h"

struct ctype_case {
	const char *in;
	const char *type, *subtype;
	const char *pname, *pvalue;	/* one parameter to check; pvalue NULL: absent */
	unsigned n_params;
	bool bad;
};

static void run(const struct ctype_case *c, size_t n)
{
	mv_arena *a = mv_arena_new(0);
	size_t i;

	for (i = 0; i < n; i++) {
		struct mv_ctype ct;
		mv_str v;

		CHECK_INT(mv_ctype_parse(a, mv_str_cstr(c[i].in), 0, &ct), 0);
		CHECK_STR(ct.type, c[i].type);
		CHECK_STR(ct.subtype, c[i].subtype);
		CHECK_INT(ct.n_params, c[i].n_params);
		CHECK_INT(ct.bad, c[i].bad);
		if (c[i].pname != NULL) {
			v = mv_ctype_param(&ct, c[i].pname);
			if (c[i].pvalue == NULL) {
				CHECK(v.p == NULL);
			} else {
				CHECK_STR(v, c[i].pvalue);
				CHECK(v.p != NULL && v.p[v.len] == '\0');
			}
		}
		if (test_failures != 0 && ct.bad != c[i].bad)
			fprintf(stderr, "  case %zu: %s\n", i, c[i].in);
	}
	mv_arena_free(&a);
}

static void test_ctype_rfc2045_rfc2183_examples(void)
{
	static const struct ctype_case cases[] = {
		{ "text/plain; charset=us-ascii (Plain text)", "text", "plain", "charset", "us-ascii", 1, false },
		{ "text/plain; charset=\"us-ascii\"", "text", "plain", "charset", "us-ascii", 1, false },
		{ "text/plain; charset=ISO-8859-1", "text", "plain", "charset", "ISO-8859-1", 1, false },
		{ "Text/Plain; CHARSET=\"us-ascii\"", "text", "plain", "Charset", "us-ascii", 1, false },
		{ "multipart/mixed; boundary=\"simple boundary\"", "multipart", "mixed",
		  "boundary", "simple boundary", 1, false },
		{ "attachment; filename=genome.jpeg;\r\n modification-date=\"Wed, 12 Feb 1997 16:29:51 -0500\";",
		  "attachment", "", "modification-date", "Wed, 12 Feb 1997 16:29:51 -0500", 2, false },
		{ "attachment; filename=genome.jpeg;\r\n modification-date=\"Wed, 12 Feb 1997 16:29:51 -0500\";",
		  "attachment", "", "filename", "genome.jpeg", 2, false },
		{ "inline", "inline", "", "filename", NULL, 0, false },
	};

	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ctype_rfc2231_examples(void)
{
	static const struct ctype_case cases[] = {
		/* Section 3. */
		{ "message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n"
		  " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"", "message", "external-body",
		  "url", "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar", 2, false },
		{ "message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n"
		  " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"", "message", "external-body",
		  "access-type", "URL", 2, false },
		/* Section 4. */
		{ "application/x-stuff;\r\n title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
		  "application", "x-stuff", "title", "This is ***fun***", 1, false },
		/* Section 4.1. */
		{ "application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n"
		  " title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"",
		  "application", "x-stuff", "title", "This is even more ***fun*** isn't it!", 1, false },
		/* The same with the semicolons left out, as some copies of the RFC print it. */
		{ "application/x-stuff\r\n title*0*=us-ascii'en'This%20is%20even%20more%20\r\n"
		  " title*1*=%2A%2A%2Afun%2A%2A%2A%20\r\n title*2=\"isn't it!\"",
		  "application", "x-stuff", "title", "This is even more ***fun*** isn't it!", 1, true },
	};

	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ctype_broken_syntax(void)
{
	static const struct ctype_case cases[] = {
		{ "text/html;charset=utf-8", "text", "html", "charset", "utf-8", 1, false },
		{ "text/html; charset=utf-8; charset=iso-8859-1", "text", "html", "charset", "utf-8", 1, true },
		{ "text/html; foo; charset=utf-8", "text", "html", "charset", "utf-8", 1, true },
		{ "text/html charset=utf-8", "text", "html", "charset", "utf-8", 1, true },
		{ "text; charset=utf-8", "text", "", "charset", "utf-8", 1, false },
		{ "text/; charset=x", "text", "", "charset", "x", 1, true },
		{ "", "", "", "charset", NULL, 0, true },
		{ "; charset=x", "", "", "charset", "x", 1, true },
		{ "text/plain; name=\"unterminated", "text", "plain", "name", "unterminated", 1, true },
		{ "text/plain; name=\"a;b\"; x=1", "text", "plain", "name", "a;b", 2, false },
		{ "text/plain; name=\"a\\\"b\\\\c\"", "text", "plain", "name", "a\"b\\c", 1, false },
		{ "text/plain; name=\"a\r\n b\"", "text", "plain", "name", "a b", 1, false },
		{ "text/plain; name=my file.pdf", "text", "plain", "name", "my file.pdf", 1, true },
		{ "text/plain; name=\"a.pdf\" junk; x=1", "text", "plain", "x", "1", 2, true },
		{ "text/plain (comment (nested)) ; charset = \"utf-8\" (c)", "text", "plain", "charset", "utf-8", 1, false },
		{ "text/plain; charset=utf-8 (unterminated", "text", "plain", "charset", "utf-8", 1, true },
		{ "text/plain; charset=utf-8 ;;; ; ", "text", "plain", "charset", "utf-8", 1, false },
		{ "text/plain; =b; c=d", "text", "plain", "c", "d", 1, true },
		{ "text/plain; a=; c=d", "text", "plain", "a", "", 2, false },
		{ "text/plain; filename=\"=?UTF-8?B?w6kuZXhl?=\"", "text", "plain", "filename", "\xC3\xA9.exe", 1, false },
		{ "text/plain; filename==?utf-8?q?a=2Eexe?=", "text", "plain", "filename", "a.exe", 1, false },
		{ "attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf", "attachment", "",
		  "filename", "\xE2\x82\xAC rates.pdf", 1, false },
		{ "attachment; filename*0*=utf-8''%E2%82; filename*1*=%AC.pdf", "attachment", "",
		  "filename", "\xE2\x82\xAC.pdf", 1, false },
		{ "attachment; filename*1=\"b\"; filename*0=\"a\"; filename*2=\"c\"", "attachment", "",
		  "filename", "abc", 1, false },
		{ "attachment; filename*0=\"a\"; filename*2=\"c\"", "attachment", "", "filename", "ac", 1, true },
		{ "attachment; filename*0=\"a\"; filename*0=\"b\"", "attachment", "", "filename", "a", 1, true },
		{ "attachment; filename=\"a.pdf\"; filename*=utf-8''a.pdf", "attachment", "", "filename", "a.pdf", 1, false },
		{ "attachment; filename=\"a.pdf\"; filename*=utf-8''a.exe", "attachment", "", "filename", "a.exe", 1, true },
		{ "attachment; filename*=iso-8859-1'de'M%FCller.txt", "attachment", "", "filename", "M\xC3\xBCller.txt", 1, false },
		{ "attachment; filename*=''%41%zz%4", "attachment", "", "filename", "A%zz%4", 1, false },
		{ "attachment; filename*=foo%20bar", "attachment", "", "filename", "foo bar", 1, true },
		{ "attachment; filename=\"caf\xE9.txt\"", "attachment", "", "filename", "caf\xC3\xA9.txt", 1, false },
		{ "attachment; filename*=ks_c_5601-1987''%BE%C8", "attachment", "", "filename", "\xEC\x95\x88", 1, false },
		{ "text/plain; CharSet=UTF-8", "text", "plain", "CHARSET", "UTF-8", 1, false },
		{ "a; x*999=1; x*0=2", "a", "", "x", "2", 1, true },
		{ "a; x*0*=1; x*=2", "a", "", "x", "2", 1, true },
		{ "a; x**=1", "a", "", "x", NULL, 0, true },
		{ "a/b/c; x=1", "a", "b", "x", "1", 1, true },
		{ "\"text/plain\"", "", "", "x", NULL, 0, true },
	};

	run(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ctype_limits(void)
{
	mv_arena *a = mv_arena_new(0);
	struct mv_ctype ct;
	mv_buf b;
	int i;
	char tmp[64];

	CHECK_INT(mv_ctype_parse(a, MV_STR_LIT("a; p1=1; p2=2; p3=3"), 2, &ct), 0);
	CHECK_INT(ct.n_params, 2);
	CHECK(ct.bad);
	CHECK_STR(mv_ctype_param(&ct, "p2"), "2");
	CHECK(mv_ctype_param(&ct, "p3").p == NULL);

	mv_buf_init(&b, a, 1 << 20);
	mv_buf_append(&b, "a", 1);
	for (i = 0; i < 100; i++) {
		int n = snprintf(tmp, sizeof(tmp), "; p%d=%d", i, i);

		mv_buf_append(&b, tmp, (size_t)n);
	}
	CHECK_INT(mv_ctype_parse(a, mv_buf_finish(&b), 0, &ct), 0);
	CHECK_INT(ct.n_params, 64);
	CHECK(ct.bad);
	CHECK_STR(mv_ctype_param(&ct, "p63"), "63");

	/* 300 sections: 0..255 are kept. */
	mv_buf_init(&b, a, 1 << 20);
	mv_buf_append(&b, "a", 1);
	for (i = 299; i >= 0; i--) {
		int n = snprintf(tmp, sizeof(tmp), "; x*%d=%c", i, 'a' + i % 26);

		mv_buf_append(&b, tmp, (size_t)n);
	}
	CHECK_INT(mv_ctype_parse(a, mv_buf_finish(&b), 0, &ct), 0);
	CHECK(ct.bad);
	CHECK_INT(mv_ctype_param(&ct, "x").len, 256);
	CHECK(mv_ctype_param(&ct, "x").p[255] == 'a' + 255 % 26);
	mv_arena_free(&a);

	/* A full arena is the only failure. */
	a = mv_arena_new(64);
	CHECK_INT(mv_ctype_parse(a, MV_STR_LIT("text/plain; charset=\"0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789\""), 0, &ct), -1);
	mv_arena_free(&a);
}

static void test_ctype_long_inputs_are_linear(void)
{
	static const char *pats[] = {
		"; x*1=a", "; x=a", "(", ")", "\"", ";", "a b ", "; p=1; q=2; r=3; s=4", "=?utf-8?q?a?=",
		"; aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1=1",
	};
	size_t n = (size_t)3 << 20, i, j;
	mv_arena *a = mv_arena_new(0);
	char *in = malloc(n);
	clock_t t0 = clock();
	double secs;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		struct mv_ctype ct;
		size_t k = strlen(pats[i]);

		memcpy(in, "text/plain", 10);
		for (j = 10; j < n; j++)
			in[j] = pats[i][(j - 10) % k];
		CHECK_INT(mv_ctype_parse(a, mv_str_make(in, n), 0, &ct), 0);
		mv_arena_reset(a);
	}
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(secs < time_bound(2.0));
	printf("10 x 3 MiB pathological fields: %.3f s\n", secs);
	free(in);
	mv_arena_free(&a);
}

static bool same_str(mv_str a, mv_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* The fast path for the common shape must give what the general parser gives, on any mix of pieces. */
static void test_ctype_fast_path_matches_general(void)
{
	static const char *const pieces[] = {
		"text", "/", "plain", ";", " ", "\r\n\t", "charset", "=", "\"utf-8\"", "utf-8", "name*", "(c)",
		"\"a\\\"b\"", "=?utf-8?q?x?=", "\xc3\xa9", "boundary", "\"----=_Part_1\"", "CHARSET", "Text",
		"\"", "name*0", "x", "\"a;b\"", "\"\"", "\t", "format", "flowed", ")", "\"x\r\n y\"",
	};
	mv_arena *a = mv_arena_new(0);
	unsigned seed = 11, round, k, m;
	char in[512];

	for (round = 0; round < 50000; round++) {
		struct mv_ctype fast, general;
		size_t len = 0;

		seed = seed * 1103515245u + 12345u;
		m = 1 + (seed >> 16) % 14;
		for (k = 0; k < m; k++) {
			const char *piece;

			seed = seed * 1103515245u + 12345u;
			/* Mostly the well-formed order, sometimes any piece. */
			piece = (seed >> 28) < 12 ? pieces[(k % 8 == 3 ? 3 : k % 8 == 5 ? 7 : (seed >> 16) % 29)]
						  : pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
			if (len + strlen(piece) >= sizeof(in))
				break;
			memcpy(in + len, piece, strlen(piece));
			len += strlen(piece);
		}
		CHECK_INT(mv_ctype_parse(a, mv_str_make(in, len), 3, &fast), 0);
		CHECK_INT(ctype_parse_general(a, mv_str_make(in, len), 3, &general), 0);
		CHECK(same_str(fast.type, general.type) && same_str(fast.subtype, general.subtype));
		CHECK(fast.bad == general.bad);
		CHECK_INT(fast.n_params, general.n_params);
		for (k = 0; k < fast.n_params && k < general.n_params; k++) {
			CHECK(same_str(fast.params[k].name, general.params[k].name));
			CHECK(same_str(fast.params[k].value, general.params[k].value));
		}
		mv_arena_reset(a);
	}
	mv_arena_free(&a);
}

int main(void)
{
	RUN(test_ctype_rfc2045_rfc2183_examples);
	RUN(test_ctype_rfc2231_examples);
	RUN(test_ctype_broken_syntax);
	RUN(test_ctype_limits);
	RUN(test_ctype_long_inputs_are_linear);
	RUN(test_ctype_fast_path_matches_general);
	return test_summary();
}
