/*
 * Display names: NFKC, invisible characters out, case folding and ASCII
 * skeletons (name.h).  ICU works in UTF-16, so a non-ASCII name goes
 * UTF-8 -> UTF-16 -> NFKC -> filtered -> case-folded -> UTF-8, in stack
 * buffers sized for IDENT_NAME_MAX bytes of input.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "ident/name.h"

/* NFKC expands some characters up to 18 times (U+FDFA); longer results are cut. */
#define U16_CAP (IDENT_NAME_MAX * 4)

static USpoofChecker *spoof;
static pthread_once_t spoof_once = PTHREAD_ONCE_INIT;

/* One checker for the process: ICU allows concurrent use of a configured checker. */
static void spoof_init(void)
{
	UErrorCode err = U_ZERO_ERROR;

	spoof = uspoof_open(&err);
	if (U_FAILURE(err))
		spoof = NULL;
}

/* Blanks that are not default-ignorable but show as nothing (or as a space-sized gap). */
static bool invisible(UChar32 c)
{
	return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || u_charType(c) == U_FORMAT_CHAR ||
	       c == 0x2800 /* braille blank */ || c == 0x3164 || c == 0xffa0 || c == 0x115f || c == 0x1160 ||
	       (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0);
}

/* Drops invisible characters and squeezes white space, in place; returns the new length. */
static int32_t filter(UChar *s, int32_t n)
{
	int32_t i = 0, w = 0;
	bool space = false;

	while (i < n) {
		UChar32 c;
		int32_t start = i;

		U16_NEXT(s, i, n, c);
		if (invisible(c))
			continue;
		if (u_isUWhiteSpace(c) || c == '\t') {
			space = w != 0;
			continue;
		}
		if (space)
			s[w++] = ' ';
		space = false;
		while (start < i)
			s[w++] = s[start++];
	}
	return w;
}

/*
 * Each character whose skeleton is one ASCII letter or digit becomes it, in
 * place (a surrogate pair shrinks to one unit); returns the new length.
 */
static int32_t ascii_skeletons(UChar *s, int32_t n)
{
	int32_t i = 0, w = 0;

	pthread_once(&spoof_once, spoof_init);
	while (i < n) {
		UChar32 c;
		int32_t start = i;
		UChar sk[8];
		UErrorCode err = U_ZERO_ERROR;
		int32_t k;

		U16_NEXT(s, i, n, c);
		if (c >= 0x80 && spoof != NULL) {
			k = uspoof_getSkeleton(spoof, 0, s + start, i - start, sk, 8, &err);
			if (U_SUCCESS(err) && k == 1 && sk[0] < 0x80 && u_isalnum(sk[0])) {
				s[w++] = (UChar)u_tolower(sk[0]);
				continue;
			}
		}
		while (start < i)
			s[w++] = s[start++];
	}
	return w;
}

/* A UTF-16 string to UTF-8 in the arena (NULL when the arena is exhausted). */
static char *to_utf8(mv_arena *arena, const UChar *s, int32_t n, size_t *len_r)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t need = 0;
	char *out;

	u_strToUTF8WithSub(NULL, 0, &need, s, n, 0xfffd, NULL, &err);
	out = mv_arena_alloc(arena, (size_t)need + 1);
	if (out == NULL)
		return NULL;
	err = U_ZERO_ERROR;
	u_strToUTF8WithSub(out, need + 1, &need, s, n, 0xfffd, NULL, &err);
	out[need] = '\0';
	*len_r = (size_t)need;
	return out;
}

static bool plain_ascii(mv_str s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		if ((unsigned char)s.p[i] >= 0x7f || (unsigned char)s.p[i] < 0x20)
			return false;
	}
	return true;
}

/* ASCII: squeeze the spaces and lower-case; no ICU. */
static int normalize_ascii(mv_arena *arena, mv_str name, mv_str *display_r, mv_str *match_r)
{
	char *d = mv_arena_alloc(arena, name.len * 2 + 2), *m;
	size_t i, w = 0;
	bool space = false;

	if (d == NULL)
		return -1;
	for (i = 0; i < name.len; i++) {
		if (name.p[i] == ' ') {
			space = w != 0;
			continue;
		}
		if (space)
			d[w++] = ' ';
		space = false;
		d[w++] = name.p[i];
	}
	d[w] = '\0';
	m = d + w + 1;
	mv_ascii_lower_copy(m, d, w);
	m[w] = '\0';
	*display_r = mv_str_make(d, w);
	*match_r = mv_str_make(m, w);
	return 0;
}

/*
 * Normalizes s (n units) into out with the normalizer; when the result does
 * not fit (expansions of up to 18 times), the input is cut to what surely
 * fits, at a character boundary.  Returns the length, 0 on failure.
 */
static int32_t normalize_cut(const UNormalizer2 *norm, const UChar *s, int32_t n, UChar *out)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t k = unorm2_normalize(norm, s, n, out, U16_CAP, &err);

	if (err == U_BUFFER_OVERFLOW_ERROR || err == U_STRING_NOT_TERMINATED_WARNING) {
		n = n < U16_CAP / 18 ? n : U16_CAP / 18;
		if (n > 0 && U16_IS_LEAD(s[n - 1]))
			n--;
		err = U_ZERO_ERROR;
		k = unorm2_normalize(norm, s, n, out, U16_CAP, &err);
	}
	return U_SUCCESS(err) && err != U_STRING_NOT_TERMINATED_WARNING ? k : 0;
}

int ident_name_normalize(mv_arena *arena, mv_str name, mv_str *display_r, mv_str *match_r)
{
	UChar in[IDENT_NAME_MAX + 1], nfkc[U16_CAP], folded[U16_CAP];
	const UNormalizer2 *n_nfkc, *n_fold;
	UErrorCode err = U_ZERO_ERROR;
	int32_t n_in = 0, n, m;
	size_t dl, ml;
	char *d, *f;

	if (name.len > IDENT_NAME_MAX)
		name.len = IDENT_NAME_MAX;
	*display_r = *match_r = MV_STR_LIT("");
	if (plain_ascii(name))
		return normalize_ascii(arena, name, display_r, match_r);
	u_strFromUTF8WithSub(in, IDENT_NAME_MAX + 1, &n_in, name.p, (int32_t)name.len, 0xfffd, NULL, &err);
	n_nfkc = unorm2_getNFKCInstance(&err);
	n_fold = unorm2_getNFKCCasefoldInstance(&err);
	if (U_FAILURE(err))
		return 0;
	n = filter(nfkc, normalize_cut(n_nfkc, in, n_in, nfkc));
	m = ascii_skeletons(folded, normalize_cut(n_fold, nfkc, n, folded));
	d = to_utf8(arena, nfkc, n, &dl);
	f = to_utf8(arena, folded, m, &ml);
	if (d == NULL || f == NULL)
		return -1;
	*display_r = mv_str_make(d, dl);
	*match_r = mv_str_make(f, ml);
	return 0;
}

int ident_name_normalize_heap(mv_str name, char **display_r, char **match_r)
{
	mv_arena *arena = mv_arena_new(0);
	mv_str d, m;
	int rc = -1;

	*display_r = *match_r = NULL;
	if (arena != NULL && ident_name_normalize(arena, name, &d, &m) == 0) {
		*display_r = strndup(d.p, d.len);
		*match_r = strndup(m.p, m.len);
		rc = *display_r != NULL && *match_r != NULL ? 0 : -1;
	}
	if (rc < 0) {
		free(*display_r);
		free(*match_r);
		*display_r = *match_r = NULL;
	}
	mv_arena_free(&arena);
	return rc;
}

/* ASCII letters and digits: the common case of ident_words(), without a call. */
static const unsigned char ascii_alnum[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
	['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
	['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
	['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* Whether the character at p is part of a word (non-ASCII: a letter, digit or mark by ICU); its length. */
static bool word_char(const char *p, const char *end, size_t *len_r)
{
	unsigned char c = (unsigned char)*p;
	UChar32 cp;
	int32_t i = 0;

	if (c < 0x80) {
		*len_r = 1;
		return ascii_alnum[c] != 0;
	}
	U8_NEXT((const uint8_t *)p, i, (int32_t)(end - p < 8 ? end - p : 8), cp);
	*len_r = (size_t)i;
	return cp >= 0 && (u_isalnum(cp) || u_charType(cp) == U_NON_SPACING_MARK);
}

unsigned ident_words(mv_str text, struct ident_word *words, unsigned max)
{
	const char *p = text.p, *end = text.p + text.len;
	unsigned n = 0;
	size_t len;

	while (p < end && n < max) {
		const char *start;

		/* ASCII runs in tight loops; a non-ASCII byte asks ICU what its character is. */
		while (p < end && (unsigned char)*p < 0x80 && !ascii_alnum[(unsigned char)*p])
			p++;
		if (p == end)
			break;
		if ((unsigned char)*p >= 0x80 && !word_char(p, end, &len)) {
			p += len;
			continue;
		}
		start = p;
		for (;;) {
			while (p < end && (unsigned char)*p < 0x80 && ascii_alnum[(unsigned char)*p])
				p++;
			if (p == end || (unsigned char)*p < 0x80 || !word_char(p, end, &len))
				break;
			p += len;
		}
		words[n++] = (struct ident_word){ start, (unsigned)(p - start) };
	}
	return n;
}

bool ident_word_eq(struct ident_word w, const char *lower, size_t len)
{
	size_t i;

	if (w.len != len)
		return false;
	for (i = 0; i < len; i++) {
		if (mv_ascii_lower(w.p[i]) != lower[i])
			return false;
	}
	return true;
}

mv_str ident_name_address(mv_str name, bool *only_r)
{
	const char *at = name.len != 0 ? memchr(name.p, '@', name.len) : NULL, *end = name.p + name.len, *s, *e, *p;

	*only_r = false;
	if (at == NULL)
		return MV_STR_NULL;
	for (s = at; s > name.p && !isspace((unsigned char)s[-1]) && s[-1] != '"' && s[-1] != '(' && s[-1] != '<'; s--)
		;
	for (e = at + 1; e < end && (isalnum((unsigned char)*e) || *e == '.' || *e == '-'); e++)
		;
	while (e > at + 1 && e[-1] == '.')
		e--;
	*only_r = true;
	for (p = name.p; p < end && *only_r; p++) {
		if (p == s)
			p = e - 1;
		else
			*only_r = !isalnum((unsigned char)*p);
	}
	return mv_str_make(at + 1, (size_t)(e - at - 1));
}
