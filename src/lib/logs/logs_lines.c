/*
 * Lines from an input, with a hard limit: a line longer than LOGS_LINE_MAX is
 * skipped whole (reported once as LOGS_LN_TOO_LONG), so memory stays at one
 * buffer whatever the input.  Lines are views into that buffer, valid until
 * the next call; a CR before the newline is dropped.  Reads are at least a
 * megabyte, and a partial line is moved to the front before each.
 */
#include <stdio.h>
#include <stdlib.h>

#include "logs/logs_int.h"
#include "util/simd.h"

#define READ_MIN ((size_t)1 << 20)

void logs_lines_init(struct logs_lines *lr)
{
	lr->buf = NULL;
	lr->cap = lr->start = lr->end = 0;
	lr->eof = lr->in_place = false;
}

static mv_str cut(struct logs_lines *lr, size_t from, size_t to)
{
	if (to > from && lr->buf[to - 1] == '\r')
		to--;
	return mv_str_make(lr->buf + from, to - from);
}

enum logs_line_status logs_lines_next(struct logs_lines *lr, mv_str *line_r)
{
	bool skipping = false;
	size_t scan = lr->start;

	for (;;) {
		const char *nl = lr->end > scan ? memchr(lr->buf + scan, '\n', lr->end - scan) : NULL;
		long n;

		if (nl != NULL) {
			size_t at = (size_t)(nl - lr->buf), from = lr->start;

			lr->start = at + 1;
			if (skipping || at - from > LOGS_LINE_MAX)
				return LOGS_LN_TOO_LONG;
			*line_r = cut(lr, from, at);
			return LOGS_LN_LINE;
		}
		if (lr->end - lr->start > LOGS_LINE_MAX) {
			/* Over the limit: drop what there is and look for the end of the line. */
			skipping = true;
			lr->start = lr->end = 0;
		}
		if (lr->eof) {
			size_t from = lr->start;

			lr->start = lr->end;
			if (skipping || lr->end - from > LOGS_LINE_MAX)
				return LOGS_LN_TOO_LONG;
			if (from == lr->end)
				return LOGS_LN_END;
			*line_r = cut(lr, from, lr->end);
			return LOGS_LN_PARTIAL;
		}
		if (lr->buf == NULL) {
			const char *mem;
			size_t len;

			if (logs_input_plain_memory(&lr->in, &mem, &len)) {
				/* Plain bytes in memory: read in place, no copy. */
				lr->buf = (char *)(uintptr_t)mem;
				lr->start = 0;
				lr->end = lr->cap = len;
				lr->eof = lr->in_place = true;
				scan = 0;
				continue;
			}
			lr->cap = LOGS_LINE_MAX + READ_MIN + 1;
			lr->buf = malloc(lr->cap);
			if (lr->buf == NULL) {
				lr->cap = 0;
				snprintf(lr->in.error, sizeof(lr->in.error), "out of memory");
				return LOGS_LN_ERROR;
			}
		}
		if (lr->start != 0) {
			memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
			lr->end -= lr->start;
			lr->start = 0;
		}
		scan = lr->end;
		n = logs_input_read(&lr->in, lr->buf + lr->end, lr->cap - lr->end - 1);
		if (n < 0) {
			/* Keep what was read: the partial line is reported at the end. */
			lr->eof = true;
			if (lr->end == lr->start && !skipping)
				return LOGS_LN_ERROR;
			continue;
		}
		if (n == 0)
			lr->eof = true;
		lr->end += (size_t)n;
	}
}

void logs_lines_free(struct logs_lines *lr)
{
	if (!lr->in_place)
		free(lr->buf);
	lr->buf = NULL;
	logs_input_close(&lr->in);
}

bool logs_line_binary(mv_str line)
{
	const unsigned char *p = (const unsigned char *)line.p, *end = p + line.len;

	/* 16 bytes a step, the last block overlapping the one before: only a block with a control byte is looked into. */
	if (line.len >= 16) {
		for (; end - p > 16; p += 16)
			if (simd_mask(simd_in(simd_load(p), 0, 0x1f)) != 0)
				goto bytes;
		p = end - 16;
		if (simd_mask(simd_in(simd_load(p), 0, 0x1f)) == 0)
			return false;
	}
bytes:
	for (; p < end; p++)
		if (*p < 0x20 && *p != '\t')
			return true;
	return false;
}
