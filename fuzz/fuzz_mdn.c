/*
 * The read-receipt and auto-reply readers on one message: the request
 * fields and RFC 8098 2.1's test, the receipt (report part, Disposition,
 * client forms), the auto-reply marks, the record text of what was read,
 * and the Disposition parser on the raw input.  Each has a bounded result
 * whatever the input; the checks below trap when one is not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mdn/mdn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_str in = mv_str_make((const char *)data, size);
	struct mdn_disposition d;
	struct mdn_request req;
	struct mdn_receipt r;
	struct mdn_autoreply a;
	struct mdn_record rec, back;
	struct mv_msg *msg;
	mv_str text;
	unsigned i;

	if (mdn_disposition_parse(in, &d) && (!d.valid || d.type == MDN_TYPE_UNKNOWN))
		__builtin_trap();
	(void)mdn_record_parse(in, &rec);
	if (mv_msg_parse((const char *)data, size, NULL, &msg) < 0)
		return 0;
	if (mdn_request_read(msg->arena, msg->root, &req) == 0) {
		if (req.n_addrs > MDN_MAX_ADDRS || (req.n_fields == 0 && req.n_addrs != 0))
			__builtin_trap();
		for (i = 0; i < req.n_fields; i++) {
			if (req.fields[i].index == 0 || req.fields[i].kind >= MDN_REQ_KINDS)
				__builtin_trap();
		}
		if (req.n_fields != 0) {
			enum mdn_foreign f = mdn_request_foreign(&req, req.n_addrs != 0 ? req.addrs[0] : MV_STR_NULL);

			if (f == MDN_FOREIGN_NO && (req.n_addrs != 1 || req.more))
				__builtin_trap();
			memset(&rec, 0, sizeof(rec));
			rec.return_path = req.n_addrs != 0 ? req.addrs[0] : MV_STR_NULL;
			rec.requested = mdn_list_join(msg->arena, req.addrs, req.n_addrs, MDN_RECORD_MAX);
			rec.recipients = rec.requested;
			text = mdn_record_format(msg->arena, &rec);
			if (text.len > MDN_RECORD_MAX || (text.p != NULL && !mdn_record_parse(text, &back)))
				__builtin_trap();
		}
	}
	if (mdn_receipt_read(msg, &r) == 0) {
		if (r.n_ids > MDN_MAX_IDS || (r.form == MDN_RECEIPT_NONE && r.n_ids != 0))
			__builtin_trap();
		if (r.form == MDN_RECEIPT_CLIENT && r.client == NULL)
			__builtin_trap();
	}
	if (mdn_autoreply_read(msg, &a) == 0 && ((a.found && a.mark == NULL) || a.n_ids > MDN_MAX_IDS))
		__builtin_trap();
	mv_msg_free(&msg);
	return 0;
}
