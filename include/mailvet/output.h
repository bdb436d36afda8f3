/*
 * Writing reports: JSON Lines for programs, indented text for people.  Both
 * append to an mv_buf (usually in the message's arena).  JSON output is always
 * valid UTF-8: bytes that are not (raw 8-bit header text, URLs as written)
 * are replaced by U+FFFD.  The JSON field names are an interface: see
 * docs/json.md.
 */
#ifndef MAILVET_OUTPUT_H
#define MAILVET_OUTPUT_H

#include "mailvet/scan.h"

#pragma GCC visibility push(default)

/* One JSON object and a newline.  `file` names the input (may be NULL). */
int mv_report_write_json(const struct mv_report *report, const char *file, mv_buf *out);
/* A summary line and indented reasons. */
int mv_report_write_text(const struct mv_report *report, const char *file, mv_buf *out);

/* JSON string (with quotes) for arbitrary bytes. */
int mv_json_string(mv_buf *out, mv_str s);
/* The same without the quotes, for a string written in pieces. */
int mv_json_escape(mv_buf *out, mv_str s);
/* A number as printf's "%.2f" writes it, without printf's cost in the common case. */
int mv_json_fixed2(mv_buf *out, double v);
/* Decimal digits of v right-aligned before end, zero-padded to width; returns the first digit. */
char *mv_json_digits(char *end, unsigned long long v, int width);

#pragma GCC visibility pop

#endif
