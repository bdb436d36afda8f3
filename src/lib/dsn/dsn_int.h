/* What the files of the bounce reader share: lines, field lines, the signs of a bounce. */
#ifndef MV_DSN_DSN_INT_H
#define MV_DSN_DSN_INT_H

#include "dsn/dsn.h"

/* The next line of *rest without its line end; false at the end. */
static inline bool dsn_next_line(mv_str *rest, mv_str *line_r)
{
	const char *nl;
	size_t n;

	if (rest->len == 0)
		return false;
	nl = memchr(rest->p, '\n', rest->len);
	n = nl != NULL ? (size_t)(nl - rest->p) : rest->len;
	*line_r = mv_str_make(rest->p, n);
	if (n != 0 && rest->p[n - 1] == '\r')
		line_r->len--;
	rest->p += nl != NULL ? n + 1 : n;
	rest->len -= nl != NULL ? n + 1 : n;
	return true;
}

/* Space and tab only: what separates field groups and ends a header block. */
bool dsn_blank(mv_str line);

/*
 * A header field line, maybe quoted: up to 16 bytes of space, tab or '>'
 * (*prefix_r of them), a field name (*name_r), optional space, ':'.
 * *value_r is what follows the colon.
 */
bool dsn_field_line(mv_str line, size_t *prefix_r, mv_str *name_r, mv_str *value_r);

/* The part of the text a search looks at: at most DSN_MAX_TEXT bytes (*cut_r when cut). */
mv_str dsn_text_window(mv_str text, bool *cut_r);

/* Where a phrase of a bounce notice was found, and who writes it. */
struct dsn_marker {
	const char *phrase;	/* lower case ASCII, or UTF-8 */
	const char *format;
};

/* The bytes of a text searched for a notice's phrases. */
#define DSN_MARKER_TEXT 16384

/* The first marker of a bounce notice in the first DSN_MARKER_TEXT bytes of text, or NULL. */
const struct dsn_marker *dsn_notice_marker(mv_str text);
/* The subject says so: "Undelivered Mail Returned to Sender", "failure notice", ... */
bool dsn_bounce_subject(mv_str subject);
/* The sender is a mail system: MAILER-DAEMON, postmaster, "Mail Delivery System". */
bool dsn_bounce_sender(struct mv_msg *msg);
/* The notice says the message is only delayed. */
bool dsn_delay_notice(mv_str subject, mv_str text);
/* An automatic reply (RFC 3834 and the common marks): the reason, or NULL. */
const char *dsn_autoreply(struct mv_msg *msg, mv_str subject);

/*
 * Reads RFC 3464 fields from body into report: blank lines separate groups,
 * a group with a recipient field is a recipient.  in_text: the body is a text
 * part that may hold other lines too (only known field names are read, and a
 * Status must look like one).  Returns the number of recipients read, or -1
 * when the arena is exhausted.
 */
int dsn_fields_read(mv_arena *arena, mv_str body, bool in_text, struct dsn_report *report);
/* Adds a recipient (kept while below DSN_MAX_RCPT); NULL when not kept. */
struct dsn_rcpt *dsn_rcpt_add(mv_arena *arena, struct dsn_report *report, bool *nomem_r);
/* The recipients a text notice names: lines that start with an address, and its lead-ins. */
int dsn_text_recipients(mv_arena *arena, mv_str notice, enum dsn_action action, struct dsn_report *report);

/* The returned message's header, from the parts and text regions of the bounce. */
struct dsn_regions {
	mv_str text[8];			/* decoded text parts, in order; text[0] is the notice */
	unsigned n_text;
	struct mv_part *message;	/* the first message/rfc822 or message/global part */
	struct mv_part *headers;	/* the first text/rfc822-headers part */
	struct mv_part *leaves[8];	/* other leaf parts, whose own header may be the returned one */
	unsigned n_leaves;
};

int dsn_returned_read(struct mv_msg *msg, const struct dsn_regions *regions, struct dsn_report *report);

#endif
