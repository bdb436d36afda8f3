/*
 * Limits on untrusted input.  Every field left 0 takes the safe default, so a
 * caller cannot forget a limit by leaving a field out.  Hitting a limit is
 * never an error: the scan reports a symbol and goes on with the rest of the
 * message.
 */
#ifndef MAILVET_LIMITS_H
#define MAILVET_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#pragma GCC visibility push(default)

struct mv_limits {
	size_t max_header_bytes;	/* one header section (all its fields) */
	size_t max_header_value;	/* one decoded header value (Subject, From, ...) */
	unsigned max_headers;		/* fields indexed per header section */
	unsigned max_mime_depth;	/* nesting of multipart and message/rfc822 */
	unsigned max_parts;		/* MIME parts per message */
	size_t max_decoded_bytes;	/* decoded text per message (all text parts) */
	size_t max_html_bytes;		/* HTML tokenized per part */
	unsigned max_urls;		/* links kept per message */
	size_t max_message_bytes;	/* input larger than this is scanned up to it */
};

#define MV_DEFAULT_MAX_HEADER_BYTES	((size_t)1 << 20)	/* 1 MiB */
#define MV_DEFAULT_MAX_HEADER_VALUE	((size_t)64 << 10)	/* 64 KiB */
#define MV_DEFAULT_MAX_HEADERS		2000u
#define MV_DEFAULT_MAX_MIME_DEPTH	32u
#define MV_DEFAULT_MAX_PARTS		1000u
#define MV_DEFAULT_MAX_DECODED_BYTES	((size_t)32 << 20)	/* 32 MiB */
#define MV_DEFAULT_MAX_HTML_BYTES	((size_t)4 << 20)	/* 4 MiB */
#define MV_DEFAULT_MAX_URLS		1000u
#define MV_DEFAULT_MAX_MESSAGE_BYTES	((size_t)512 << 20)	/* 512 MiB */

/* Replaces every 0 field with its default. */
void mv_limits_fill(struct mv_limits *limits);

/*
 * The limits as a typed table, for command-line options, configuration files
 * and `mailvet limits`: one row per field, with bounds.
 */
struct mv_limit_def {
	const char *name;		/* "max-mime-depth" */
	size_t offset;			/* offsetof(struct mv_limits, ...) */
	bool is_size_t;			/* size_t field (else unsigned) */
	unsigned long long min, max;
	const char *description;
};

const struct mv_limit_def *mv_limit_defs(size_t *count_r);
/*
 * Sets the named limit from text ("64", "4M", "1G": K/M/G are binary units).
 * Returns 0, or -1 with *error_r set to a static message.
 */
int mv_limits_set(struct mv_limits *limits, const char *name, const char *value, const char **error_r);

#pragma GCC visibility pop

#endif
