/*
 * Header section indexing (RFC 5322 2.2 and 3.6, with the obsolete syntax of
 * 4.5: white space before the colon).  Fields are views into the input: the
 * name without the colon, the value from the first non-blank byte after the
 * colon to the end of its last continuation line, folding kept.
 *
 * Line ends may be CRLF, LF or a mix.  A line that is neither a field, a
 * continuation nor the blank separator ends the section: the body starts at
 * that line (as mail clients and GMime do), and the damage is recorded.
 * Past max_headers fields or max_header_bytes the section is still scanned to
 * its end, so the body is found, but no more fields are indexed.
 */
#include <string.h>

#include "msg/msg_internal.h"

static bool is_ftext(unsigned char c)
{
	return c > 32 && c < 127 && c != ':';
}

static bool line_is_blank(const char *p, const char *end)
{
	return p[0] == '\n' || (p[0] == '\r' && (p + 1 == end || p[1] == '\n'));
}

/* End of the line's content: before "\r\n" or "\n". */
static const char *line_content_end(const char *line, const char *next)
{
	const char *e = next;

	if (e > line && e[-1] == '\n')
		e--;
	if (e > line && e[-1] == '\r')
		e--;
	return e;
}

static bool has_8bit(const char *p, size_t len)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		unsigned long long w;

		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ULL)
			return true;
	}
	for (; i < len; i++) {
		if ((unsigned char)p[i] & 0x80)
			return true;
	}
	return false;
}

/* Counts the line ending at next: eol[0] CRLF, eol[1] bare LF (the last line may have neither). */
static void count_eol(const char *start, const char *next, unsigned eol[2])
{
	if (next[-1] == '\n')
		eol[next - 1 > start && next[-2] == '\r' ? 0 : 1]++;
}

/* Length of the field name if the line starts a field ("Name:" or "Name :"), else 0. */
static size_t field_name_len(const char *p, const char *content_end, const char **colon_r)
{
	const char *q = p, *name_end;

	while (q < content_end && is_ftext((unsigned char)*q))
		q++;
	name_end = q;
	if (name_end == p)
		return 0;
	while (q < content_end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == content_end || *q != ':')
		return 0;
	*colon_r = q;
	return (size_t)(name_end - p);
}

static int headers_push(struct mv_msg *msg, struct mv_part *part, unsigned *cap)
{
	if (part->n_headers == *cap) {
		unsigned ncap = *cap != 0 ? *cap * 2 : 32;
		struct mv_header *h;

		if (ncap > msg->limits.max_headers)
			ncap = msg->limits.max_headers;
		h = mv_arena_realloc(msg->arena, part->headers, *cap * sizeof(*h), ncap * sizeof(*h));
		if (h == NULL)
			return -1;
		part->headers = h;
		*cap = ncap;
	}
	return 0;
}

const char *msg_headers_parse(struct mv_msg *msg, struct mv_part *part, const char *p, const char *end)
{
	const char *start = p;
	struct mv_header *cur = NULL;
	unsigned cap = 0, eol[2] = { 0, 0 };

	while (p < end) {
		const char *next = msg_next_line(p, end);
		const char *content_end = line_content_end(p, next);
		const char *colon = NULL;
		size_t name_len;

		if (line_is_blank(p, end)) {
			count_eol(start, next, eol);
			p = next;
			break;
		}
		if (*p == ' ' || *p == '\t') {
			/* Continuation (RFC 5322 2.2.3); one before any field is damage. */
			if (cur != NULL)
				cur->value.len = (size_t)(content_end - cur->value.p);
			else if (part->n_headers == 0)
				part->problems |= MV_PROB_HEADER_SYNTAX;
			count_eol(start, next, eol);
			p = next;
			continue;
		}
		name_len = field_name_len(p, content_end, &colon);
		if (name_len == 0) {
			/* Not a field: the body starts here. */
			part->problems |= MV_PROB_HEADER_SYNTAX;
			break;
		}
		cur = NULL;
		if (part->n_headers >= msg->limits.max_headers) {
			part->problems |= MV_PROB_HEADER_COUNT;
		} else if ((size_t)(next - start) > msg->limits.max_header_bytes) {
			part->problems |= MV_PROB_HEADER_BYTES;
		} else {
			const char *v = colon + 1;

			if (headers_push(msg, part, &cap) < 0)
				return NULL;
			while (v < content_end && (*v == ' ' || *v == '\t'))
				v++;
			cur = &part->headers[part->n_headers++];
			cur->name = mv_str_make(p, name_len);
			cur->value = mv_str_make(v, (size_t)(content_end - v));
		}
		count_eol(start, next, eol);
		p = next;
	}
	part->header_raw = mv_str_make(start, (size_t)(p - start));
	/* Mixed line ends in the top-level header section hint at a spliced message. */
	if (part == msg->root && eol[0] != 0 && eol[1] != 0)
		msg->problems |= MV_PROB_MIXED_EOL;
	if (has_8bit(start, (size_t)(p - start)))
		part->problems |= MV_PROB_HEADER_8BIT;
	if (memchr(start, '\0', (size_t)(p - start)) != NULL)
		part->problems |= MV_PROB_NUL_BYTES;
	return p;
}
