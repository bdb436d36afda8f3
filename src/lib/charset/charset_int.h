/*
 * Charset module internals: the resolved-charset descriptor shared by the
 * alias table, the converters and the tests.
 */
#ifndef MAILVET_CHARSET_INT_H
#define MAILVET_CHARSET_INT_H

#include <stddef.h>

#include "mailvet/charset.h"

enum charset_kind {
	CHARSET_UTF8,
	CHARSET_SBCS,		/* ASCII-compatible single-byte: 128-entry table */
	CHARSET_UTF16,		/* BOM sniffed, little-endian without one (WHATWG) */
	CHARSET_UTF16LE,
	CHARSET_UTF16BE,
	CHARSET_XUSER,		/* x-user-defined: 0x80..0xFF -> U+F780..U+F7FF */
	CHARSET_ICONV,		/* multi-byte or stateful: through iconv */
};

struct charset_desc {
	const char *name;	/* canonical, iconv-ready (except X-USER-DEFINED) */
	enum charset_kind kind;
	unsigned sbcs;		/* index into the table cache for CHARSET_SBCS */
};

struct charset_alias {
	const char *label;	/* lower-case */
	const struct charset_desc *desc;
};

#define CHARSET_N_SBCS 38

/* Longest label looked up; longer ones are unknown. */
#define CHARSET_LABEL_MAX 48

/* The descriptor for a label, or NULL when unknown. */
const struct charset_desc *charset_lookup(mv_str label);

/* mv_ctype_parse() without its fast path for the common shape (the tests compare the two). */
int ctype_parse_general(mv_arena *arena, mv_str raw_field, unsigned max_params, struct mv_ctype *ct);

/* Alias and descriptor tables, for the tests. */
extern const struct charset_alias charset_aliases[];
extern const size_t charset_n_aliases;
extern const struct charset_desc charset_descs[];
extern const size_t charset_n_descs;
extern const struct charset_desc *const charset_cp1252;
/* The UTF-8 (length returned) the table path gives byte b >= 0x80 of an SBCS charset. */
size_t charset_sbcs_entry(const struct charset_desc *desc, unsigned char b, char out_r[4]);

/*
 * Converts bytes with no usable label: UTF-8 when valid, else windows-1252.
 * Returns MV_CHARSET_OK or MV_CHARSET_TRUNCATED.
 */
enum mv_charset_status charset_guess_to_utf8(mv_str in, mv_buf *out);

/* Copies UTF-8, each maximal ill-formed subpart becoming U+FFFD. */
enum mv_charset_status charset_utf8_repair(mv_str in, mv_buf *out);
/* Length of the leading ASCII run of s. */
size_t charset_ascii_prefix(const char *s, size_t n);
/* Multi-byte conversion through the per-thread iconv cache. */
enum mv_charset_status charset_iconv_to_utf8(const struct charset_desc *desc, mv_str in, mv_buf *out);

/* Room for n more bytes, or NULL (nothing marked) when over the ceiling. */
char *charset_reserve(mv_buf *out, size_t n);
/* Appends and, when the ceiling cuts a UTF-8 sequence, drops its partial tail. */
int charset_append(mv_buf *out, const char *p, size_t n);

#endif
