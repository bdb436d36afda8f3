/*
 * Display-name normalization (ident/name.c): the disguises of brand names in
 * display names (mathematical letters, fullwidth forms, zero-width and
 * format characters, look-alike letters of other scripts) come out as the
 * name a reader sees and as the ASCII words mailvet compares.
 */
#include <string.h>

#include "ident/name.h"
#include "test.h"

struct name_case {
	const char *in;
	const char *display;
	const char *match;
};

static const struct name_case cases[] = {
	{ "Microsoft  account team", "Microsoft account team", "microsoft account team" },
	{ "  PayPal ", "PayPal", "paypal" },
	/* MATHEMATICAL BOLD CAPITAL M, SMALL I ... */
	{ "\xf0\x9d\x90\x8c\xf0\x9d\x90\xa2\xf0\x9d\x90\x9c\xf0\x9d\x90\xab\xf0\x9d\x90\xa8\xf0\x9d\x90\xac"
	  "\xf0\x9d\x90\xa8\xf0\x9d\x90\x9f\xf0\x9d\x90\xad", "Microsoft", "microsoft" },
	/* ZERO WIDTH JOINER, ZERO WIDTH SPACE, SOFT HYPHEN, WORD JOINER inside the name */
	{ "Pay\xe2\x80\x8dPa\xe2\x80\x8bl Se\xc2\xadrvi\xe2\x81\xa0" "ce", "PayPal Service", "paypal service" },
	/* RIGHT-TO-LEFT OVERRIDE and a BOM */
	{ "\xe2\x80\xae" "Apple\xef\xbb\xbf Support", "Apple Support", "apple support" },
	/* FULLWIDTH letters, NO-BREAK SPACE, IDEOGRAPHIC SPACE */
	{ "\xef\xbc\xa1\xef\xbd\x90\xef\xbd\x90\xef\xbd\x8c\xef\xbd\x85\xc2\xa0ID\xe3\x80\x80Team", "Apple ID Team",
	  "apple id team" },
	/* Cyrillic а and о: the reader sees PayPal; the match form is ASCII. */
	{ "P\xd0\xb0yP\xd0\xb0l", "P\xd0\xb0yP\xd0\xb0l", "paypal" },
	{ "Micr\xd0\xbesoft", "Micr\xd0\xbesoft", "microsoft" },
	/* Letters that are not look-alikes stay as they are (case-folded). */
	{ "J\xc3\xb6rg M\xc3\xbcller", "J\xc3\xb6rg M\xc3\xbcller", "j\xc3\xb6rg m\xc3\xbcller" },
	{ "STRASSE \xc3\x9f", "STRASSE \xc3\x9f", "strasse ss" },
	/* Blanks that show as nothing: HANGUL FILLER, BRAILLE PATTERN BLANK. */
	{ "Net\xe3\x85\xa4" "flix\xe2\xa0\x80", "Netflix", "netflix" },
	/* Invalid UTF-8 becomes U+FFFD. */
	{ "Bad \xff name", "Bad \xef\xbf\xbd name", "bad \xef\xbf\xbd name" },
	{ "", "", "" },
	{ "\xe2\x80\x8b", "", "" },
};

static void test_name_normalize_table(void)
{
	mv_arena *a = mv_arena_new(0);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mv_str d, m;

		CHECK_INT(ident_name_normalize(a, mv_str_cstr(cases[i].in), &d, &m), 0);
		CHECK_STR(d, cases[i].display);
		CHECK_STR(m, cases[i].match);
	}
	mv_arena_free(&a);
}

static void test_name_long_and_expanding(void)
{
	mv_arena *a = mv_arena_new(0);
	char big[4000];
	mv_str d, m;
	size_t i;

	/* U+FDFA expands to 18 characters under NFKC: 600 bytes of it must not overflow. */
	for (i = 0; i + 3 <= 1800; i += 3)
		memcpy(big + i, "\xef\xb7\xba", 3);
	CHECK_INT(ident_name_normalize(a, mv_str_make(big, 1800), &d, &m), 0);
	CHECK(d.len > 0 && m.len > 0);
	memset(big, 'x', sizeof(big));
	CHECK_INT(ident_name_normalize(a, mv_str_make(big, sizeof(big)), &d, &m), 0);
	CHECK_INT(d.len, IDENT_NAME_MAX);
	mv_arena_free(&a);
}

static void test_name_words(void)
{
	struct ident_word w[8];
	unsigned n = ident_words(MV_STR_LIT("  Amazon.com, Inc. -- J\xc3\xb6rg's caf\xc3\xa9\xe2\x80\x94" "42"), w, 8);

	CHECK_INT(n, 7);
	if (n == 7) {
		CHECK(ident_word_eq(w[0], "amazon", 6));
		CHECK(ident_word_eq(w[1], "com", 3));
		CHECK(ident_word_eq(w[2], "inc", 3));
		CHECK(ident_word_eq(w[3], "j\xc3\xb6rg", 5));
		CHECK(ident_word_eq(w[4], "s", 1));
		CHECK(ident_word_eq(w[5], "caf\xc3\xa9", 5));
		CHECK(ident_word_eq(w[6], "42", 2));
	}
	CHECK_INT(ident_words(MV_STR_LIT("a b c d"), w, 2), 2);
	CHECK_INT(ident_words(MV_STR_LIT(""), w, 2), 0);
	CHECK_INT(ident_words(MV_STR_LIT("\xe2\x80\x94 \xff"), w, 2), 0);
}

int main(void)
{
	RUN(test_name_normalize_table);
	RUN(test_name_long_and_expanding);
	RUN(test_name_words);
	return test_summary();
}
