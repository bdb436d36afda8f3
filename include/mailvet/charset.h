/*
 * Charsets and header-field encodings, everything to UTF-8.
 *
 * Labels are resolved the way mail clients really use them: the WHATWG
 * Encoding Standard's label table, plus the mislabels mail is full of
 * (iso-8859-1 that is really windows-1252, ks_c_5601-1987 = cp949, gb2312 that
 * is really gbk/gb18030, "utf8", "latin1", "x-user-defined", ...).  ASCII,
 * UTF-8 and the single-byte Windows/ISO charsets are converted by table on the
 * hot path; everything else goes through iconv, with a per-thread cache of
 * iconv descriptors.  Invalid input never fails a conversion: bad sequences
 * become U+FFFD.
 *
 * Ownership: all output goes into a caller's mv_buf (arena memory).
 */
#ifndef MAILVET_CHARSET_H
#define MAILVET_CHARSET_H

#include <stdbool.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"

#pragma GCC visibility push(default)

/* Result of a conversion. */
enum mv_charset_status {
	MV_CHARSET_OK = 0,
	MV_CHARSET_REPLACED = 1,	/* invalid input bytes became U+FFFD */
	MV_CHARSET_UNKNOWN = 2,		/* label unknown: converted as UTF-8-or-windows-1252 */
	MV_CHARSET_TRUNCATED = -1,	/* output hit the buffer's ceiling (buf->truncated set) */
};

/*
 * The canonical (iconv-ready, upper-case) name for a charset label, after
 * trimming, quotes removal and mislabel fixes; NULL when the label is unknown.
 * Returns a static string.
 */
const char *mv_charset_canonical(mv_str label);

/*
 * Converts `in`, labelled `label` (may be empty), to UTF-8 appended to `out`.
 * An empty or unknown label means: UTF-8 when the bytes are valid UTF-8,
 * otherwise windows-1252.
 */
enum mv_charset_status mv_charset_to_utf8(mv_str label, mv_str in, mv_buf *out);
/*
 * True when mv_charset_to_utf8() would return `in` unchanged with status OK:
 * ASCII in an ASCII-based charset, or valid UTF-8 labelled UTF-8 or not
 * labelled.  The caller can then keep the input and skip the copy.
 */
bool mv_charset_is_identity(mv_str label, mv_str in);

/* True when the bytes are well-formed UTF-8 (no overlongs, no surrogates). */
bool mv_utf8_valid(const char *p, size_t len);

/*
 * Decodes an unstructured header value (Subject, a display name, ...) to UTF-8:
 * unfolds CRLF/LF + WSP, decodes RFC 2047 encoded-words (B and Q, any charset,
 * RFC 2231 language suffix "=?utf-8*en?Q?...?="), drops the white space between
 * adjacent encoded-words (RFC 2047 6.2), tolerates the common breakage (words
 * split inside a multibyte character across encoded-words, missing spaces
 * around words, lower-case "b"/"q", encoded-words inside quoted strings).
 * Raw 8-bit bytes are taken as UTF-8 when valid, else windows-1252.
 * Control characters other than tab become spaces; leading and trailing white
 * space is trimmed.
 */
enum mv_charset_status mv_rfc2047_decode(mv_str raw, mv_buf *out);
/*
 * True when raw is printable ASCII or tabs, without '=' and without line
 * breaks: mv_rfc2047_decode() would only trim its blanks, so a caller may copy
 * the trimmed value instead.  Most subjects and display names are like that.
 */
bool mv_rfc2047_is_plain(mv_str raw);

/*
 * A parsed Content-Type or Content-Disposition field (RFC 2045, RFC 2183) with
 * its parameters, RFC 2231 continuations (name*0=, name*1*=) and charset/
 * language prefixes decoded, and RFC 2047 words in parameter values (a common
 * violation: filename="=?UTF-8?B?...?=") decoded too.
 */
struct mv_param {
	mv_str name;	/* lower-cased, arena */
	mv_str value;	/* UTF-8, unquoted, arena (NUL-terminated) */
};

struct mv_ctype {
	mv_str type;	/* lower-cased: "text", "multipart"; for a disposition "attachment" */
	mv_str subtype;	/* lower-cased: "plain"; empty for a disposition */
	struct mv_param *params;
	unsigned n_params;
	bool bad;	/* syntax was broken and recovered from */
};

/*
 * Parses a field value into *ct.  Never fails on bad syntax (ct->bad is set and
 * as much as could be recovered is returned); returns -1 only when the arena
 * is exhausted.  At most max_params parameters are kept (0 = 64).
 */
int mv_ctype_parse(mv_arena *arena, mv_str raw, unsigned max_params, struct mv_ctype *ct);
/* The value of the named parameter (ASCII case-insensitive), or an empty view with p == NULL. */
mv_str mv_ctype_param(const struct mv_ctype *ct, const char *name);

#pragma GCC visibility pop

#endif
