/*
 * Structural problems found while parsing and decoding become symbols.  The
 * detail names the first part that has the problem, so a reader can find it.
 */
#include "engine/check.h"

static const struct check_symbol symbols[] = {
	{ "HEADER_COUNT_LIMIT", "limits", 1.0,
		"more header fields than the max-headers limit; the rest were not indexed" },
	{ "HEADER_SIZE_LIMIT", "limits", 1.0,
		"a header section longer than the max-header-bytes limit; fields past it were not indexed" },
	{ "HEADER_VALUE_LIMIT", "limits", 0.5,
		"a decoded header value was cut at the max-header-value limit" },
	{ "HEADER_SYNTAX", "headers", 1.0,
		"a header line is not a valid field; the body was taken to start there" },
	{ "HEADER_8BIT", "headers", 0.5,
		"raw 8-bit bytes in a header section instead of RFC 2047 encoding" },
	{ "NO_HEADERS", "headers", 3.0,
		"the message has no header section at all" },
	{ "DUPLICATE_HEADER", "headers", 1.5,
		"a field that may appear once (From, Subject, Date, ...) appears more than once" },
	{ "MIXED_LINE_ENDS", "headers", 0.1,
		"CRLF and bare LF line ends are mixed in the header section" },
	{ "NUL_BYTES", "headers", 1.0,
		"NUL bytes in the header section" },
	{ "MIME_DEPTH_LIMIT", "limits", 2.0,
		"MIME parts nested deeper than the max-mime-depth limit; deeper parts were not parsed" },
	{ "MIME_PART_LIMIT", "limits", 2.0,
		"more MIME parts than the max-parts limit; the rest were not parsed" },
	{ "MIME_NO_BOUNDARY", "mime", 2.0,
		"a multipart without a boundary parameter" },
	{ "MIME_BOUNDARY_MISSING", "mime", 2.0,
		"a multipart whose boundary never appears in its body" },
	{ "MIME_UNCLOSED", "mime", 0.5,
		"a multipart without its closing boundary" },
	{ "MIME_BAD_CONTENT_TYPE", "mime", 1.0,
		"a Content-Type field that cannot be read in full" },
	{ "MIME_BAD_BASE64", "mime", 1.0,
		"bytes outside the base64 alphabet inside a base64 part" },
	{ "MIME_BAD_QP", "mime", 0.5,
		"invalid escapes inside a quoted-printable part" },
	{ "MIME_BAD_UUENCODE", "mime", 1.0,
		"a uuencoded part that is cut short or malformed" },
	{ "MIME_UNKNOWN_ENCODING", "mime", 1.0,
		"a Content-Transfer-Encoding that is not defined; the part was read as 8bit" },
	{ "CHARSET_UNKNOWN", "charset", 0.5,
		"a charset label that is not known; the text was read as UTF-8 or windows-1252" },
	{ "CHARSET_BAD_DATA", "charset", 0.5,
		"text bytes that are invalid in their declared charset" },
	{ "DECODED_LIMIT", "limits", 1.0,
		"decoded text passed the max-decoded-bytes limit; the rest of the text was not scanned" },
	{ "MESSAGE_SIZE_LIMIT", "limits", 1.0,
		"the message is larger than the max-message-bytes limit; the rest was not scanned" },
	{ "MEMORY_LIMIT", "limits", 1.0,
		"the per-message memory ceiling was reached; some decoding was skipped" },
};

/* The problem each symbol above stands for, in the same order. */
static const unsigned problem_of[] = {
	MV_PROB_HEADER_COUNT,
	MV_PROB_HEADER_BYTES,
	MV_PROB_HEADER_VALUE,
	MV_PROB_HEADER_SYNTAX,
	MV_PROB_HEADER_8BIT,
	MV_PROB_NO_HEADERS,
	MV_PROB_DUP_HEADER,
	MV_PROB_MIXED_EOL,
	MV_PROB_NUL_BYTES,
	MV_PROB_MIME_DEPTH,
	MV_PROB_PART_COUNT,
	MV_PROB_NO_BOUNDARY,
	MV_PROB_BOUNDARY_MISSING,
	MV_PROB_UNCLOSED_MULTIPART,
	MV_PROB_BAD_CTYPE,
	MV_PROB_BAD_BASE64,
	MV_PROB_BAD_QP,
	MV_PROB_BAD_UUENCODE,
	MV_PROB_UNKNOWN_CTE,
	MV_PROB_UNKNOWN_CHARSET,
	MV_PROB_BAD_CHARSET_DATA,
	MV_PROB_DECODED_LIMIT,
	MV_PROB_MESSAGE_SIZE,
	MV_PROB_MEMORY,
};

static const struct mv_part *first_part_with(const struct mv_msg *msg, unsigned problem)
{
	unsigned i;

	for (i = 0; i < msg->n_parts; i++) {
		if (msg->parts[i]->problems & problem)
			return msg->parts[i];
	}
	return NULL;
}

_Static_assert(sizeof(problem_of) / sizeof(problem_of[0]) == sizeof(symbols) / sizeof(symbols[0]),
	       "one problem per symbol");

static int structure_run(struct mv_task *task, void *state)
{
	struct mv_msg *msg = task_msg(task);
	unsigned i;

	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		const struct mv_part *part;
		const struct check_symbol *def = &symbols[i];
		int rc;

		if (!(msg->problems & problem_of[i]))
			continue;
		part = first_part_with(msg, problem_of[i]);
		if (part != NULL && part->charset.len != 0)
			rc = task_symbol(task, i, "part %u (%.*s/%.*s, charset \"%.*s\"): %s", part->id,
					 (int)part->ctype.type.len, part->ctype.type.p, (int)part->ctype.subtype.len,
					 part->ctype.subtype.p, check_snippet_len(part->charset, 40), part->charset.p,
					 def->description);
		else if (part != NULL)
			rc = task_symbol(task, i, "part %u (%.*s/%.*s): %s", part->id, (int)part->ctype.type.len,
					 part->ctype.type.p, (int)part->ctype.subtype.len, part->ctype.subtype.p,
					 def->description);
		else
			rc = task_symbol(task, i, "%s", def->description);
		if (rc < 0)
			return MV_NOMEM;
	}
	return MV_OK;
}

/* Decoding text is what finds charset and encoding damage, so this runs after content. */
static const char *const structure_after[] = { "headers", "content", NULL };

const struct check_def check_structure = {
	.name = "structure",
	.description = "damage found while parsing and decoding: header syntax, MIME, charsets, limits reached",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS,
	.stage = MV_STAGE_BODY,
	.after = structure_after,
	.run = structure_run,
};
