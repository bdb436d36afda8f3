/*
 * Display names as a reader sees them, and as mailvet compares them.
 *
 * ident_name_normalize() gives two forms of a decoded (UTF-8) name:
 *   display  NFKC, then every invisible character removed (default-ignorable
 *            code points, format characters (Cf) and the blanks that render
 *            as nothing), white space runs as one space, trimmed: what the
 *            report shows ("𝐌𝐢𝐜𝐫𝐨𝐬𝐨𝐟𝐭" is "Microsoft", a zero-width joiner is gone);
 *   match    the display form case-folded, with each character whose TR39
 *            confusable skeleton is an ASCII letter or digit replaced by it
 *            (Cyrillic "а" is "a"), so that names compare as words of ASCII.
 * ASCII names take a path without ICU.  Names longer than IDENT_NAME_MAX bytes
 * are cut there first.  Strings are arena memory.
 *
 * ident_words() splits a match form (or any text) into words: runs of
 * letters and digits (ASCII, or non-ASCII letters and digits by ICU), ASCII
 * lower-cased; everything else separates.
 */
#ifndef MV_IDENT_NAME_H
#define MV_IDENT_NAME_H

#include <stdbool.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"

#define IDENT_NAME_MAX 512

/* Returns 0, or -1 when the arena is exhausted. */
int ident_name_normalize(mv_arena *arena, mv_str name, mv_str *display_r, mv_str *match_r);

/* The same into malloc()ed strings, for data read once (the brands file); free() them. */
int ident_name_normalize_heap(mv_str name, char **display_r, char **match_r);

struct ident_word {
	const char *p;		/* in the text; ASCII letters as written (compare with ident_word_eq) */
	unsigned len;
};

/* The words of text, at most max, into words[]; returns how many. */
unsigned ident_words(mv_str text, struct ident_word *words, unsigned max);

/* Whether a word equals the lower-case ASCII/UTF-8 `lower` (ASCII letters of w compared without case). */
bool ident_word_eq(struct ident_word w, const char *lower, size_t len);

/*
 * The domain of the first address-shaped text of a display name, as written
 * (an empty view when none), and in *only_r whether the name is that address
 * and nothing else but punctuation ("support@bank.example", not
 * "bob@x.example [list]").
 */
mv_str ident_name_address(mv_str name, bool *only_r);

#endif
