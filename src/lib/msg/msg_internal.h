/* Internal interfaces of the message model, shared by src/lib/msg and src/lib/mime. */
#ifndef MAILVET_MSG_INTERNAL_H
#define MAILVET_MSG_INTERNAL_H

#include "mailvet/msg.h"

/*
 * Indexes the header section that starts at `p` into part->headers.  Returns
 * a pointer to where the body starts (after the blank line, or at the first
 * line that cannot be a header field, or at `end`).  Problems are added to
 * part->problems.  Returns NULL only when the arena is exhausted.
 */
const char *msg_headers_parse(struct mv_msg *msg, struct mv_part *part, const char *p, const char *end);

/* Parses the MIME structure below `part`, whose header section is already indexed. */
int msg_mime_parse(struct mv_msg *msg, struct mv_part *part, const char *body, const char *end);

/* Position just past the next '\n' at or after p, or end. */
static inline const char *msg_next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl + 1 : end;
}

#endif
