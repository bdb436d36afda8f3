/* The fields every message must have, and a Date that can be read. */
#include "engine/check.h"

enum { SYM_MISSING_FROM, SYM_MISSING_DATE, SYM_MISSING_MESSAGE_ID, SYM_BAD_DATE };

static const struct check_symbol symbols[] = {
	[SYM_MISSING_FROM] = { "MISSING_FROM", "headers", 2.0,
		"no From field: the message does not say who wrote it" },
	[SYM_MISSING_DATE] = { "MISSING_DATE", "headers", 1.0,
		"no Date field, which RFC 5322 requires" },
	[SYM_MISSING_MESSAGE_ID] = { "MISSING_MESSAGE_ID", "headers", 0.5,
		"no Message-ID field" },
	[SYM_BAD_DATE] = { "BAD_DATE", "headers", 1.0,
		"the Date field cannot be read as a date" },
};

static int headers_run(struct mv_task *task, void *state)
{
	struct mv_msg *msg = task_msg(task);
	const struct mv_report *report = task_report(task);
	const struct mv_header *h;

	if (msg->root->n_headers == 0)
		return MV_OK;	/* NO_HEADERS says it all */
	if (report->message_id.len == 0 &&
	    task_symbol(task, SYM_MISSING_MESSAGE_ID, "no usable Message-ID field") < 0)
		return MV_NOMEM;
	h = report->date_valid ? NULL : mv_part_header(msg->root, "Date");
	if (report->date_valid) {
		/* read when the report was made */
	} else if (h == NULL) {
		if (task_symbol(task, SYM_MISSING_DATE, "no Date field") < 0)
			return MV_NOMEM;
	} else {
		mv_str v = mv_str_trim(h->value);

		if (task_symbol(task, SYM_BAD_DATE, "Date: %.*s", check_snippet_len(v, 80), v.p) < 0)
			return MV_NOMEM;
	}
	if (mv_part_header(msg->root, "From") == NULL && task_symbol(task, SYM_MISSING_FROM, "no From field") < 0)
		return MV_NOMEM;
	return MV_OK;
}

const struct check_def check_headers = {
	.name = "headers",
	.description = "the fields every message must have (From, Date, Message-ID) and a readable Date",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS,
	.stage = MV_STAGE_HEADERS,
	.run = headers_run,
};
