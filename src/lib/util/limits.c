/*
 * Limits: the safe defaults for every field a caller left at 0, and the table
 * that names each limit for options and documentation.  Bounds keep a
 * configured value sane: max-mime-depth is capped because parsing recurses
 * once per level.
 */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "mailvet/limits.h"

#define FILL(field, def) do { if (limits->field == 0) limits->field = (def); } while (0)

void mv_limits_fill(struct mv_limits *limits)
{
	FILL(max_header_bytes, MV_DEFAULT_MAX_HEADER_BYTES);
	FILL(max_header_value, MV_DEFAULT_MAX_HEADER_VALUE);
	FILL(max_headers, MV_DEFAULT_MAX_HEADERS);
	FILL(max_mime_depth, MV_DEFAULT_MAX_MIME_DEPTH);
	FILL(max_parts, MV_DEFAULT_MAX_PARTS);
	FILL(max_decoded_bytes, MV_DEFAULT_MAX_DECODED_BYTES);
	FILL(max_html_bytes, MV_DEFAULT_MAX_HTML_BYTES);
	FILL(max_urls, MV_DEFAULT_MAX_URLS);
	FILL(max_message_bytes, MV_DEFAULT_MAX_MESSAGE_BYTES);
	if (limits->max_mime_depth > 256)
		limits->max_mime_depth = 256;
}

#define SIZE_ROW(n, f, lo, hi, d) { n, offsetof(struct mv_limits, f), true, lo, hi, d }
#define UINT_ROW(n, f, lo, hi, d) { n, offsetof(struct mv_limits, f), false, lo, hi, d }

static const struct mv_limit_def limit_defs[] = {
	SIZE_ROW("max-message-bytes", max_message_bytes, 1024, 1ULL << 40,
		 "input scanned per message; the rest is not looked at"),
	SIZE_ROW("max-header-bytes", max_header_bytes, 1024, 1ULL << 30,
		 "bytes of one header section that are indexed"),
	SIZE_ROW("max-header-value", max_header_value, 256, 1ULL << 30,
		 "bytes of one decoded header value"),
	UINT_ROW("max-headers", max_headers, 16, 10000000,
		 "header fields indexed per header section"),
	UINT_ROW("max-mime-depth", max_mime_depth, 1, 256,
		 "nesting of multipart and message/rfc822 parts"),
	UINT_ROW("max-parts", max_parts, 1, 10000000,
		 "MIME parts per message"),
	SIZE_ROW("max-decoded-bytes", max_decoded_bytes, 1024, 1ULL << 34,
		 "decoded text per message (all text parts together)"),
	SIZE_ROW("max-html-bytes", max_html_bytes, 1024, 1ULL << 32,
		 "HTML tokenized per part"),
	UINT_ROW("max-urls", max_urls, 1, 10000000,
		 "links kept per message"),
};

const struct mv_limit_def *mv_limit_defs(size_t *count_r)
{
	*count_r = sizeof(limit_defs) / sizeof(limit_defs[0]);
	return limit_defs;
}

static int parse_amount(const char *value, unsigned long long *out)
{
	char *end;
	unsigned long long v, mult = 1;

	if (value[0] < '0' || value[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'k': case 'K':
		mult = 1ULL << 10;
		end++;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		end++;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		end++;
		break;
	default:
		break;
	}
	if (*end != '\0' || (v != 0 && mult > ~0ULL / v))
		return -1;
	*out = v * mult;
	return 0;
}

int mv_limits_set(struct mv_limits *limits, const char *name, const char *value, const char **error_r)
{
	size_t i, n;
	const struct mv_limit_def *defs = mv_limit_defs(&n);
	unsigned long long v;

	for (i = 0; i < n; i++) {
		if (strcasecmp(defs[i].name, name) == 0)
			break;
	}
	if (i == n) {
		*error_r = "unknown limit (see 'mailvet limits')";
		return -1;
	}
	if (parse_amount(value, &v) < 0) {
		*error_r = "not a number (use digits with an optional K, M or G)";
		return -1;
	}
	if (v < defs[i].min || v > defs[i].max) {
		*error_r = "out of range (see 'mailvet limits')";
		return -1;
	}
	if (defs[i].is_size_t)
		*(size_t *)(void *)((char *)limits + defs[i].offset) = (size_t)v;
	else
		*(unsigned *)(void *)((char *)limits + defs[i].offset) = (unsigned)v;
	return 0;
}
