/*
 * Structural problems found while parsing and decoding become symbols.  The
 * detail names the first part that has the problem, so a reader can find it.
 */
#include "scan/scan_internal.h"

static const struct {
	unsigned problem;
	enum mv_symbol_id sym;
} problem_symbols[] = {
	{ MV_PROB_HEADER_COUNT, MV_SYM_HEADER_COUNT_LIMIT },
	{ MV_PROB_HEADER_BYTES, MV_SYM_HEADER_SIZE_LIMIT },
	{ MV_PROB_HEADER_VALUE, MV_SYM_HEADER_VALUE_LIMIT },
	{ MV_PROB_HEADER_SYNTAX, MV_SYM_HEADER_SYNTAX },
	{ MV_PROB_HEADER_8BIT, MV_SYM_HEADER_8BIT },
	{ MV_PROB_NO_HEADERS, MV_SYM_NO_HEADERS },
	{ MV_PROB_DUP_HEADER, MV_SYM_DUPLICATE_HEADER },
	{ MV_PROB_MIXED_EOL, MV_SYM_MIXED_LINE_ENDS },
	{ MV_PROB_NUL_BYTES, MV_SYM_NUL_BYTES },
	{ MV_PROB_MIME_DEPTH, MV_SYM_MIME_DEPTH_LIMIT },
	{ MV_PROB_PART_COUNT, MV_SYM_MIME_PART_LIMIT },
	{ MV_PROB_NO_BOUNDARY, MV_SYM_MIME_NO_BOUNDARY },
	{ MV_PROB_BOUNDARY_MISSING, MV_SYM_MIME_BOUNDARY_MISSING },
	{ MV_PROB_UNCLOSED_MULTIPART, MV_SYM_MIME_UNCLOSED },
	{ MV_PROB_BAD_CTYPE, MV_SYM_MIME_BAD_CONTENT_TYPE },
	{ MV_PROB_BAD_BASE64, MV_SYM_MIME_BAD_BASE64 },
	{ MV_PROB_BAD_QP, MV_SYM_MIME_BAD_QP },
	{ MV_PROB_BAD_UUENCODE, MV_SYM_MIME_BAD_UUENCODE },
	{ MV_PROB_UNKNOWN_CTE, MV_SYM_MIME_UNKNOWN_ENCODING },
	{ MV_PROB_UNKNOWN_CHARSET, MV_SYM_CHARSET_UNKNOWN },
	{ MV_PROB_BAD_CHARSET_DATA, MV_SYM_CHARSET_BAD_DATA },
	{ MV_PROB_DECODED_LIMIT, MV_SYM_DECODED_LIMIT },
	{ MV_PROB_HTML_LIMIT, MV_SYM_HTML_LIMIT },
	{ MV_PROB_MESSAGE_SIZE, MV_SYM_MESSAGE_SIZE_LIMIT },
	{ MV_PROB_MEMORY, MV_SYM_MEMORY_LIMIT },
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

int scan_structure(struct mv_report *report)
{
	struct mv_msg *msg = report->msg;
	size_t i;

	for (i = 0; i < sizeof(problem_symbols) / sizeof(problem_symbols[0]); i++) {
		const struct mv_part *part;
		const struct mv_symbol_def *def;
		int rc;

		if (!(msg->problems & problem_symbols[i].problem))
			continue;
		def = mv_symbol_def(problem_symbols[i].sym);
		part = first_part_with(msg, problem_symbols[i].problem);
		if (part != NULL && part->charset.len != 0)
			rc = mv_report_add(report, problem_symbols[i].sym, "part %u (%.*s/%.*s, charset \"%.*s\"): %s",
					   part->id, (int)part->ctype.type.len, part->ctype.type.p,
					   (int)part->ctype.subtype.len, part->ctype.subtype.p,
					   scan_snippet_len(part->charset, 40), part->charset.p, def->description);
		else if (part != NULL)
			rc = mv_report_add(report, problem_symbols[i].sym, "part %u (%.*s/%.*s): %s", part->id,
					   (int)part->ctype.type.len, part->ctype.type.p,
					   (int)part->ctype.subtype.len, part->ctype.subtype.p, def->description);
		else
			rc = mv_report_add(report, problem_symbols[i].sym, "%s", def->description);
		if (rc < 0)
			return -1;
	}
	return 0;
}
