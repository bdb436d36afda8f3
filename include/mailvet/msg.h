/*
 * The message model.  mv_msg_parse() indexes a whole message held in memory:
 * header fields, the MIME tree, and each part's raw body, all as views into the
 * caller's buffer (zero-copy: the buffer must outlive the message).  Decoding
 * (transfer encoding, charset to UTF-8, RFC 2047) happens on demand, into the
 * message's arena, and is cached on the part; mv_msg_free() releases it all.
 *
 * Limits (struct mv_limits) bound every structure the parser builds.  A
 * message that breaks a limit or the MIME rules is still parsed as far as it
 * can be; what went wrong is recorded in msg->problems (enum mv_problem) for
 * the scanner to report.  Parsing never fails on message content; it fails
 * only when memory is exhausted.
 */
#ifndef MAILVET_MSG_H
#define MAILVET_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "mailvet/arena.h"
#include "mailvet/charset.h"
#include "mailvet/hdr.h"
#include "mailvet/limits.h"
#include "mailvet/str.h"

#pragma GCC visibility push(default)

/* Structural problems, found while parsing or decoding; a bit each. */
enum mv_problem {
	MV_PROB_HEADER_COUNT = 1u << 0,		/* more header fields than max_headers */
	MV_PROB_HEADER_BYTES = 1u << 1,		/* a header section longer than max_header_bytes */
	MV_PROB_HEADER_VALUE = 1u << 2,		/* a decoded header value cut at max_header_value */
	MV_PROB_HEADER_SYNTAX = 1u << 3,	/* a header line without a colon, or a bad field name */
	MV_PROB_HEADER_8BIT = 1u << 4,		/* raw 8-bit bytes in the header section */
	MV_PROB_MIME_DEPTH = 1u << 5,		/* nesting deeper than max_mime_depth */
	MV_PROB_PART_COUNT = 1u << 6,		/* more parts than max_parts */
	MV_PROB_NO_BOUNDARY = 1u << 7,		/* multipart without a boundary parameter */
	MV_PROB_BOUNDARY_MISSING = 1u << 8,	/* boundary never seen in the body */
	MV_PROB_UNCLOSED_MULTIPART = 1u << 9,	/* no closing boundary */
	MV_PROB_BAD_BASE64 = 1u << 10,		/* garbage inside base64 */
	MV_PROB_BAD_QP = 1u << 11,		/* bad quoted-printable escapes */
	MV_PROB_BAD_UUENCODE = 1u << 12,
	MV_PROB_UNKNOWN_CTE = 1u << 13,		/* Content-Transfer-Encoding not understood */
	MV_PROB_UNKNOWN_CHARSET = 1u << 14,
	MV_PROB_BAD_CHARSET_DATA = 1u << 15,	/* bytes invalid in their charset */
	MV_PROB_DECODED_LIMIT = 1u << 16,	/* decoded text passed max_decoded_bytes */
	MV_PROB_HTML_LIMIT = 1u << 17,		/* HTML passed max_html_bytes */
	MV_PROB_URL_LIMIT = 1u << 18,		/* more URLs than max_urls */
	MV_PROB_MESSAGE_SIZE = 1u << 19,	/* input larger than max_message_bytes */
	MV_PROB_NUL_BYTES = 1u << 20,		/* NUL bytes in headers or text */
	MV_PROB_BARE_CR = 1u << 21,		/* lone CR line endings */
	MV_PROB_NO_HEADERS = 1u << 22,		/* nothing that looks like a header section */
	MV_PROB_DUP_HEADER = 1u << 23,		/* a field that must appear once appears twice (From, Subject, ...) */
	MV_PROB_MEMORY = 1u << 24,		/* the arena ceiling was hit; some decoding was skipped */
	MV_PROB_BAD_CTYPE = 1u << 25,		/* Content-Type syntax broken */
	MV_PROB_MIXED_EOL = 1u << 26,		/* CRLF and LF line endings mixed */
};

enum mv_cte {
	MV_CTE_7BIT,
	MV_CTE_8BIT,
	MV_CTE_BINARY,
	MV_CTE_QP,
	MV_CTE_BASE64,
	MV_CTE_UUENCODE,
	MV_CTE_UNKNOWN,		/* treated as 8bit */
};

const char *mv_cte_name(enum mv_cte cte);

struct mv_header {
	mv_str name;	/* as written, without the colon and trailing white space */
	mv_str value;	/* raw: after the colon, folding kept, without the final line end */
};

/*
 * Parts and messages are complete types because callers walk the tree and read
 * these fields directly, in hot loops.  Only the library makes them: each is
 * the first member of a larger private struct that also holds the header name
 * index and the decoding caches, so never allocate or copy one.
 */
struct mv_part {
	struct mv_part *parent;
	struct mv_part *children;	/* first child; siblings via next */
	struct mv_part *next;
	unsigned id;			/* preorder index: the root is 0 */
	unsigned depth;			/* root 0 */

	mv_str header_raw;		/* the header section as written */
	struct mv_header *headers;
	unsigned n_headers;

	struct mv_ctype ctype;		/* defaults applied: text/plain, or message/rfc822 in a digest */
	bool ctype_explicit;		/* a Content-Type field was present */
	mv_str charset;			/* the charset parameter, as written (may be empty) */
	enum mv_cte cte;
	struct mv_ctype disposition;	/* type empty when there is no Content-Disposition */
	mv_str filename;		/* decoded filename (disposition or name=), may be empty */

	mv_str body;			/* raw body bytes (still transfer-encoded); for a multipart, its whole body */
	mv_str preamble;		/* multipart only */
	mv_str epilogue;		/* multipart only */
	unsigned problems;		/* enum mv_problem, for this part */
	size_t decoded_size;		/* after transfer decoding: set by mv_part_decoded(), mv_part_decoded_size() */
};

struct mv_msg {
	mv_str raw;			/* the whole input (after the mbox "From " line) */
	mv_str mbox_from;		/* the mbox "From " line, if there was one */
	mv_arena *arena;
	struct mv_limits limits;
	struct mv_part *root;		/* the message itself: its headers are the message headers */
	struct mv_part **parts;		/* all parts in preorder; parts[0] == root */
	unsigned n_parts;
	unsigned problems;		/* enum mv_problem, for the whole message (union of parts') */
};

/*
 * Parses buf[0..len) into a new message.  `limits` may be NULL (defaults).
 * Returns 0, or -1 with errno ENOMEM.
 */
int mv_msg_parse(const char *buf, size_t len, const struct mv_limits *limits, struct mv_msg **msg_r);
/* Frees the message and its arena and sets *msg to NULL. */
void mv_msg_free(struct mv_msg **msg);

/* The first header field named name[0..len) in the part (ASCII case-insensitive), or NULL. */
const struct mv_header *mv_part_header_n(const struct mv_part *part, const char *name, size_t len);
/* How many fields named name[0..len) the part has. */
unsigned mv_part_header_count_n(const struct mv_part *part, const char *name, size_t len);

/*
 * The same with a NUL-terminated name.  Inline so that a literal's length is
 * known at compile time instead of counted at every lookup.
 */
static inline const struct mv_header *mv_part_header(const struct mv_part *part, const char *name)
{
	return mv_part_header_n(part, name, strlen(name));
}

static inline unsigned mv_part_header_count(const struct mv_part *part, const char *name)
{
	return mv_part_header_count_n(part, name, strlen(name));
}

/* The next field of the same name after `prev`, or NULL. */
const struct mv_header *mv_part_header_next(const struct mv_part *part, const struct mv_header *prev);

bool mv_part_is_multipart(const struct mv_part *part);
bool mv_part_is_message(const struct mv_part *part);	/* message/rfc822, /global, /news; not encoded */
bool mv_part_is_text(const struct mv_part *part);	/* text/... leaf that is not an attachment */
bool mv_part_is_attachment(const struct mv_part *part);

/*
 * The part's body after transfer decoding (arena, NUL-terminated), or the raw
 * body when no decoding is needed.  Also sets part->decoded_size.
 */
mv_str mv_part_decoded(struct mv_msg *msg, struct mv_part *part);
/* The decoded size without keeping the decoded bytes (cheap for attachments). */
size_t mv_part_decoded_size(struct mv_msg *msg, struct mv_part *part);
/* A text part's content as UTF-8 (charset converted), within max_decoded_bytes. */
mv_str mv_part_text(struct mv_msg *msg, struct mv_part *part);

/* The decoded Subject (UTF-8), or an empty view. */
mv_str mv_msg_subject(struct mv_msg *msg);
/* The first From address (decoded), or NULL when there is none. */
const struct mv_addr *mv_msg_from(struct mv_msg *msg);
/* Decodes any unstructured header value to UTF-8 within max_header_value. */
mv_str mv_msg_decode_header(struct mv_msg *msg, mv_str raw);

#pragma GCC visibility pop

#endif
