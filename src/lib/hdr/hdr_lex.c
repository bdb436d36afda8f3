/*
 * RFC 5322 3.2 lexical tokens, lenient: anything unexpected becomes a
 * one-character special so the parsers can flag it and resynchronise.
 */
#include <string.h>

#include "hdr/hdr_lex.h"

#define A HDR_C_ATEXT
#define W HDR_C_WSP
#define D (HDR_C_DIGIT | HDR_C_ATEXT)
#define L (HDR_C_ALPHA | HDR_C_ATEXT)
#define H HDR_C_ATEXT	/* 8-bit */
#define R HDR_C_RCVD_STOP
#define N HDR_C_NESTING
#define O (HDR_C_RCVD_STOP | HDR_C_NESTING | HDR_C_NOTE_SEP)	/* '(' */
#define C (HDR_C_NESTING | HDR_C_NOTE_SEP)	/* ')' */
#define Q (HDR_C_RCVD_STOP | HDR_C_NOTE_SEP)	/* '"' */

const unsigned char hdr_ctype[256] = {
	/* 0x00 */ W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
	/* 0x10 */ W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,
	/* ' ' ! " # $ % & ' ( ) * + , - . / */
	W, A, Q, A, A, A, A, A, O, C, A, A, 0, A, A, A,
	/* 0-9 : ; < = > ? */
	D, D, D, D, D, D, D, D, D, D, 0, R, R, A, 0, A,
	/* @ A-O */
	0, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
	/* P-Z [ \ ] ^ _ */
	L, L, L, L, L, L, L, L, L, L, L, R, N, 0, A, A,
	/* ` a-o */
	A, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
	/* p-z { | } ~ DEL */
	L, L, L, L, L, L, L, L, L, L, L, A, A, A, A, W,
	H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
	H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
};

#undef A
#undef W
#undef D
#undef L
#undef H
#undef R
#undef N
#undef O
#undef C
#undef Q

void hdr_lex_init(struct hdr_lex *lx, mv_str raw)
{
	lx->p = raw.p;
	lx->end = raw.p + raw.len;
	lx->first_comment = MV_STR_NULL;
	lx->bad = false;
}

void hdr_lex_mark(struct hdr_lex *lx)
{
	lx->first_comment = MV_STR_NULL;
}

const char *hdr_skip_comment(const char *p, const char *end, bool *bad_r)
{
	unsigned depth = 0;

	/* RFC 5322 3.2.2: comments nest; past the bound '(' is just ctext. */
	while (p < end) {
		char c;

		/* Only '(', ')' and '\\' matter; step over the plain text between them. */
		p = hdr_find_class(p, end, HDR_C_NESTING);
		if (p >= end)
			break;
		c = *p++;

		if (c == '\\') {
			if (p < end)
				p++;
		} else if (c == '(') {
			if (depth < HDR_COMMENT_MAX_DEPTH)
				depth++;
		} else if (c == ')') {
			if (--depth == 0)
				return p;
		}
	}
	*bad_r = true;
	return end;
}

const char *hdr_skip_quoted(const char *p, const char *end, char close, bool *bad_r)
{
	const char *c = NULL;

	/*
	 * memchr() finds the closing byte, then a backslash before it; one
	 * escapes the next byte, so look again from there.  p and c only move
	 * forward, so the work stays linear in the length.
	 */
	p++;
	while (p < end) {
		const char *bs;

		if (c == NULL || c < p) {
			c = memchr(p, close, (size_t)(end - p));
			if (c == NULL)
				break;
		}
		bs = memchr(p, '\\', (size_t)(c - p));
		if (bs == NULL)
			return c + 1;
		p = bs + 2;
	}
	*bad_r = true;
	return end;
}

bool hdr_lex_skip_cfws(struct hdr_lex *lx)
{
	const char *start = lx->p;

	while (lx->p < lx->end) {
		if (hdr_is(*lx->p, HDR_C_WSP)) {
			lx->p++;
		} else if (*lx->p == '(') {
			const char *c = lx->p;
			bool bad = false;

			lx->p = hdr_skip_comment(lx->p, lx->end, &bad);
			if (bad)
				lx->bad = true;
			if (lx->first_comment.p == NULL)
				lx->first_comment = mv_str_make(c + 1,
					(size_t)(lx->p - c) - (bad ? 1 : 2));
		} else {
			break;
		}
	}
	return lx->p != start;
}

void hdr_lex_next(struct hdr_lex *lx, struct hdr_tok *tok)
{
	const char *s;

	tok->space_before = hdr_lex_skip_cfws(lx);
	tok->c = 0;
	s = lx->p;
	if (s >= lx->end) {
		tok->type = HDR_TOK_END;
		tok->text = mv_str_make(s, 0);
		return;
	}
	if (hdr_is(*s, HDR_C_ATEXT) || *s == '.') {
		const char *p = s + 1;

		while (p < lx->end && (hdr_is(*p, HDR_C_ATEXT) || *p == '.'))
			p++;
		tok->type = HDR_TOK_ATOM;
		lx->p = p;
	} else if (*s == '"' || *s == '[') {
		tok->type = *s == '"' ? HDR_TOK_QSTR : HDR_TOK_DLIT;
		lx->p = hdr_skip_quoted(s, lx->end, *s == '"' ? '"' : ']', &lx->bad);
	} else {
		tok->type = HDR_TOK_SPECIAL;
		tok->c = *s;
		lx->p = s + 1;
	}
	tok->text = mv_str_make(s, (size_t)(lx->p - s));
}

void hdr_lex_peek(const struct hdr_lex *lx, struct hdr_tok *tok)
{
	struct hdr_lex copy = *lx;

	hdr_lex_next(&copy, tok);
}

mv_str hdr_tok_inner(const struct hdr_tok *tok)
{
	mv_str s = tok->text;
	char close;

	if (tok->type == HDR_TOK_QSTR)
		close = '"';
	else if (tok->type == HDR_TOK_DLIT)
		close = ']';
	else
		return s;
	s.p++;
	s.len--;
	/* A closing delimiter that is not itself escaped ends the token. */
	if (s.len != 0 && s.p[s.len - 1] == close) {
		size_t bs = 0;

		while (bs < s.len - 1 && s.p[s.len - 2 - bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			s.len--;
	}
	return s;
}

int hdr_append_unquoted(mv_buf *out, mv_str inner)
{
	size_t i = 0, run = 0;

	/* Copy runs of plain bytes in one go; quoted pairs and CR/LF break runs. */
	while (i < inner.len) {
		char c = inner.p[i];

		if (c == '\\' || c == '\r' || c == '\n') {
			if (mv_buf_append(out, inner.p + run, i - run) != 0)
				return -1;
			if (c == '\\' && i + 1 < inner.len) {
				i++;
				run = i;	/* the escaped byte starts the next run */
			} else {
				run = i + 1;
			}
		}
		i++;
	}
	return mv_buf_append(out, inner.p + run, i - run);
}
