/*
 * Shared RFC 5322 lexing for the structured header parsers: CFWS with nested
 * comments (depth bounded by HDR_COMMENT_MAX_DEPTH, deeper parentheses are
 * plain comment text), quoted strings with quoted pairs, atoms (dots
 * included, so dot-atoms and obs-phrase words are one token) and domain
 * literals.  Folding (CR, LF) counts as white space, which unfolds.  The
 * lexer works on a view and keeps no state besides a cursor, so a parser can
 * look ahead by copying the struct.
 */
#ifndef MV_HDR_LEX_H
#define MV_HDR_LEX_H

#include <stdbool.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"
#include "util/simd.h"

#define HDR_COMMENT_MAX_DEPTH 64

enum hdr_tok_type {
	HDR_TOK_END = 0,
	HDR_TOK_ATOM,		/* atext and '.' (8-bit bytes count as atext, RFC 6532) */
	HDR_TOK_QSTR,		/* text includes the quotes */
	HDR_TOK_DLIT,		/* text includes the brackets */
	HDR_TOK_SPECIAL,	/* one character in c */
};

struct hdr_tok {
	enum hdr_tok_type type;
	mv_str text;
	char c;
	bool space_before;	/* CFWS preceded the token */
};

struct hdr_lex {
	const char *p;
	const char *end;
	mv_str first_comment;	/* inner text of the first comment since hdr_lex_mark() */
	bool bad;		/* an unterminated comment, quoted string or literal */
};

enum {
	HDR_C_ATEXT = 1,	/* RFC 5322 atext plus 8-bit */
	HDR_C_WSP = 2,		/* space, tab, CR, LF and other controls */
	HDR_C_DIGIT = 4,
	HDR_C_ALPHA = 8,
	HDR_C_RCVD_STOP = 16,	/* ( ; [ " <: end a Received word or open a quoted span in it */
	HDR_C_NESTING = 32,	/* ( ) \: change a comment's depth or escape the next byte */
	HDR_C_NOTE_SEP = 64,	/* ( ) ": split the words of a Received comment, with white space */
};
extern const unsigned char hdr_ctype[256];

static inline bool hdr_is(char c, unsigned cls)
{
	return (hdr_ctype[(unsigned char)c] & cls) != 0;
}

#ifdef SIMD_SSE2
/*
 * A bit for each of the 16 bytes at p in the classes cls, as hdr_ctype says;
 * only HDR_C_WSP, HDR_C_RCVD_STOP, HDR_C_NESTING and HDR_C_NOTE_SEP are known
 * here.
 */
static inline unsigned hdr_class_mask16(const char *p, unsigned cls)
{
	const simd_v v = simd_load(p);
	simd_v hit = simd_splat(0);

	if (cls & HDR_C_WSP) {
		/* controls and space (bytes up to 0x20), and DEL */
		hit = simd_or(simd_in(v, 0, 0x20), simd_eq(v, 0x7f));
	}
	if (cls & (HDR_C_RCVD_STOP | HDR_C_NESTING))
		hit = simd_or(hit, simd_eq(v, '('));
	if (cls & HDR_C_RCVD_STOP) {
		hit = simd_or(hit, simd_eq(v, ';'));
		hit = simd_or(hit, simd_eq(v, '['));
		hit = simd_or(hit, simd_eq(v, '"'));
		hit = simd_or(hit, simd_eq(v, '<'));
	}
	if (cls & HDR_C_NESTING) {
		hit = simd_or(hit, simd_eq(v, ')'));
		hit = simd_or(hit, simd_eq(v, '\\'));
	}
	if (cls & HDR_C_NOTE_SEP) {
		hit = simd_or(hit, simd_eq(v, '('));
		hit = simd_or(hit, simd_eq(v, ')'));
		hit = simd_or(hit, simd_eq(v, '"'));
	}
	return simd_mask(hit);
}
#endif

/*
 * The first byte in [p, end) in the classes cls, or end.  Comments, words
 * and the text after a Received ';' are most of a header, so SSE2 looks at
 * 16 bytes at a time where it is there.
 */
static inline const char *hdr_find_class(const char *p, const char *end, unsigned cls)
{
#ifdef SIMD_SSE2
	for (; end - p >= 16; p += 16) {
		unsigned m = hdr_class_mask16(p, cls);

		if (m != 0)
			return p + __builtin_ctz(m);
	}
#endif
	while (p < end && !hdr_is(*p, cls))
		p++;
	return p;
}

void hdr_lex_init(struct hdr_lex *lx, mv_str raw);
/* Forgets the recorded comment (call at the start of each list element). */
void hdr_lex_mark(struct hdr_lex *lx);
/* Skips white space and comments; true when anything was skipped. */
bool hdr_lex_skip_cfws(struct hdr_lex *lx);
void hdr_lex_next(struct hdr_lex *lx, struct hdr_tok *tok);
/* The next token without consuming it. */
void hdr_lex_peek(const struct hdr_lex *lx, struct hdr_tok *tok);

/* p is at '('; returns the position after the matching ')' (or end, setting *bad_r). */
const char *hdr_skip_comment(const char *p, const char *end, bool *bad_r);
/* p is at the opening quote or '['; returns the position after the closing one (or end). */
const char *hdr_skip_quoted(const char *p, const char *end, char close, bool *bad_r);

/*
 * Appends the inner text of a quoted string, comment or literal (delimiters
 * already stripped) with quoted pairs resolved and CR/LF dropped (unfolding).
 */
int hdr_append_unquoted(mv_buf *out, mv_str inner);
/* The inner text of a token: quotes or brackets stripped when present and closed. */
mv_str hdr_tok_inner(const struct hdr_tok *tok);

#endif
