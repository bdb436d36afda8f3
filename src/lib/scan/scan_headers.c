/* Top-level header checks: identity fields, Date, and the Received trail. */
#include "scan/scan_internal.h"

static int collect_received(struct mv_report *report)
{
	struct mv_msg *msg = report->msg;
	unsigned n = mv_part_header_count(msg->root, "Received"), i = 0;
	const struct mv_header *h;

	if (n == 0)
		return 0;
	report->received = mv_arena_calloc(msg->arena, n, sizeof(*report->received));
	if (report->received == NULL)
		return -1;
	for (h = mv_part_header(msg->root, "Received"); h != NULL && i < n;
	     h = mv_part_header_next(msg->root, h)) {
		if (mv_received_parse(msg->arena, h->value, &report->received[i]) < 0)
			return -1;
		i++;
	}
	report->n_received = i;
	return 0;
}

int scan_headers(struct mv_report *report)
{
	struct mv_msg *msg = report->msg;
	const struct mv_header *h;
	int zone;

	if (msg->root->n_headers == 0)
		return 0;	/* NO_HEADERS says it all */
	h = mv_part_header(msg->root, "Message-ID");
	if (h != NULL)
		report->message_id = mv_msgid_parse(msg->arena, h->value);
	if (report->message_id.len == 0 &&
	    mv_report_add(report, MV_SYM_MISSING_MESSAGE_ID, "no usable Message-ID field") < 0)
		return -1;
	h = mv_part_header(msg->root, "Date");
	if (h == NULL) {
		if (mv_report_add(report, MV_SYM_MISSING_DATE, "no Date field") < 0)
			return -1;
	} else if (mv_date_parse(h->value, &report->date, &zone) == 0) {
		report->date_valid = true;
	} else {
		mv_str v = mv_str_trim(h->value);

		if (mv_report_add(report, MV_SYM_BAD_DATE, "Date: %.*s", scan_snippet_len(v, 80), v.p) < 0)
			return -1;
	}
	if (mv_part_header(msg->root, "From") == NULL &&
	    mv_report_add(report, MV_SYM_MISSING_FROM, "no From field") < 0)
		return -1;
	return collect_received(report);
}
