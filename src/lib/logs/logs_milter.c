/*
 * mailvet milter's line for each message it scanned (docs/logs.md):
 *   QID: action=ACTION score=SCORE client=IP sasl_user=USER from=<ADDR> rcpt=N receipt=yes symbols=A,B
 * Fields are key=value separated by single spaces, in any order; unknown
 * ones are ignored, so the milter may add fields.  QID is NOQUEUE when the
 * MTA had not given one.
 */
#include "logs/logs_int.h"

enum logs_verdict logs_milter_parse(mv_str msg, struct logs_event *ev)
{
	mv_str s = msg, action, receipt, from;

	ev->kind = LOGS_EV_NONE;
	if (!logs_skip(&s, "NOQUEUE: ")) {
		ev->qid = logs_queue_id(&s);
		if (ev->qid.len == 0)
			return LOGS_OK;	/* a start-up or error line */
	}
	action = logs_field(s, "action");
	if (action.p == NULL)
		return LOGS_OK;
	ev->kind = LOGS_EV_MILTER;
	ev->name = action;
	if (mv_str_eq(action, "reject") || mv_str_eq(action, "discard"))
		ev->status = LOGS_ST_REJECTED;
	ev->ip = logs_field(s, "client");
	ev->user = logs_field(s, "sasl_user");
	from = logs_angle(s, "from");
	ev->from = from;
	receipt = logs_field(s, "receipt");
	if (mv_str_eq(receipt, "yes"))
		ev->flags |= LOGS_F_RECEIPT;
	/* Symbols are comma-separated: the value runs to the next space. */
	ev->text = logs_field(s, "symbols");
	if (ev->text.p != NULL)
		while (ev->text.p + ev->text.len < s.p + s.len && ev->text.p[ev->text.len] != ' ')
			ev->text.len++;
	return LOGS_OK;
}
