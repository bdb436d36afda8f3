/*
 * The whole pipeline on one input: parse, scan (decoding, charsets, HTML,
 * URLs, header fields) and both report writers.  Small limits make the
 * limit paths reachable with small inputs.
 */
#include <stdint.h>

#include "mailvet/output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_limits limits = { .max_headers = 64, .max_mime_depth = 8, .max_parts = 64,
				    .max_urls = 32, .max_decoded_bytes = 1 << 16 };
	struct mv_msg *msg;
	struct mv_report report;
	mv_buf out;

	if (mv_msg_parse((const char *)data, size, &limits, &msg) < 0)
		return 0;
	(void)mv_scan(NULL, msg, NULL, &report);
	mv_buf_init(&out, msg->arena, (size_t)16 << 20);
	(void)mv_report_write_json(&report, "fuzz", &out);
	(void)mv_report_write_text(&report, "fuzz", &out);
	mv_msg_free(&msg);
	return 0;
}
