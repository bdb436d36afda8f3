/*
 * Shared by the output module's files: writing JSON values through a bare
 * cursor, for writers that made sure of room for the worst case beforehand.
 */
#ifndef MAILVET_OUTPUT_INTERNAL_H
#define MAILVET_OUTPUT_INTERNAL_H

#include <float.h>
#include <stdarg.h>
#include <stdint.h>

#include "mailvet/output.h"

/* Worst-case output for one input byte (\u00XX). */
#define JSON_WORST 6

/*
 * Room json_put_string may use for s: the escaped bytes, the quotes and a
 * little slack.  Saturates far below SIZE_MAX (only a string of a good part of
 * the address space gets there), so that a record's sum of a few cannot wrap.
 */
static inline size_t json_string_worst(mv_str s)
{
	return s.len < SIZE_MAX / 64 ? s.len * JSON_WORST + 10 : SIZE_MAX / 16;
}

/* Writes s as a quoted JSON string at w, which has json_string_worst(s) bytes of room; returns the end. */
char *json_put_string(char *w, mv_str s);
/* The same without the quotes. */
char *json_put_escaped(char *w, mv_str s);

/* Writes v in decimal at w, which has 20 bytes of room; returns the end. */
char *json_put_uint(char *w, unsigned long long v);
/* Writes t (seconds since the epoch) as a quoted ISO 8601 UTC time at w, which has 48 bytes of room. */
char *json_put_date(char *w, int64_t t);

/* Room for a "%.2f" number: DBL_MAX has 309 integer digits; with the sign and ".00", 313 bytes. */
#define JSON_FIXED2_WORST (DBL_MAX_10_EXP + 16)
/* Writes v as printf's "%.2f" would at w, which has JSON_FIXED2_WORST bytes of room; returns the end. */
char *json_put_fixed2(char *w, double v);

/* printf to the output, at most 1023 bytes (report_text.c). */
int report_putf(mv_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int report_vputf(mv_buf *out, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s with control characters shown as spaces, at most max bytes and "..." (report_text.c). */
int report_put_clean(mv_buf *out, mv_str s, size_t max);
/* The sentences on sender authentication, and their one-line verdict (report_auth_text.c). */
int report_write_auth_text(const struct mv_report *report, mv_buf *out);
int report_write_auth_verdict(const struct mv_report *report, mv_buf *out);
/* The opening verdict in words: claims, sender, authentication, links, action (report_verdict.c). */
int report_write_verdict(const struct mv_report *report, mv_buf *out);

#endif
