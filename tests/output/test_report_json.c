/*
 * The JSON report writer: each record is written in place after one check for
 * its worst case, or through scratch memory near the output's ceiling.  Near
 * the ceiling the output must still be the true prefix that fits.
 */
#include "mailvet/msg.h"
#include "mailvet/output.h"
#include "mailvet/scan.h"
#include "offline_engine.h"
#include "test.h"

static struct mv_engine *engine;

static const char sample[] =
	"Received: from mx.example.org (mx.example.org [192.0.2.7]) by mail.example.net\r\n"
	" (Postfix) with ESMTPS id 4AbC\"9 for <bob@example.net>; Tue, 10 Nov 2026 09:14:00 +0000\r\n"
	"Received: from [198.51.100.2] (helo=laptop) by mx.example.org with ESMTPSA id x\\y;\r\n"
	" Tue, 10 Nov 2026 09:13:58 +0000\r\n"
	"From: =?UTF-8?Q?Ren=C3=A9_\"the_boss\"?= <rene@example.org>\r\n"
	"Subject: caf\xC3\xA9 \xFF tab\there\r\n"
	"Date: Tue, 10 Nov 2026 09:13:50 +0000\r\n"
	"Message-ID: <a1@example.org>\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=b\r\n"
	"\r\n"
	"--b\r\n"
	"Content-Type: text/html; charset=utf-8\r\n"
	"\r\n"
	"<a href=\"http://example.com/a?b=1&amp;c=%22\">click \"here\"</a>\r\n"
	"<img src=\"https://cdn.example.com/x.png\" alt=\"x\">\r\n"
	"See http://plain.example.org/path too.\r\n"
	"--b\r\n"
	"Content-Type: application/pdf; name=\"inv\\\"oice.pdf\"\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"JVBERi0xLjQK\r\n"
	"--b--\r\n";

/* Writes the sample's report into a buffer with the given ceiling; returns the writer's result. */
static int write_sample(size_t max, char *copy_r, size_t *len_r, int *truncated_r)
{
	struct mv_msg *msg;
	struct mv_report report;
	mv_buf out;
	int rc;

	CHECK_INT(mv_msg_parse(sample, sizeof(sample) - 1, NULL, &msg), 0);
	(void)mv_scan(engine, msg, NULL, &report);
	mv_buf_init(&out, msg->arena, max);
	rc = mv_report_write_json(&report, "sample.eml", &out);
	if (out.len != 0)
		memcpy(copy_r, out.p, out.len);
	*len_r = out.len;
	*truncated_r = out.truncated;
	mv_msg_free(&msg);
	return rc;
}

/* Under every ceiling the output is exactly the prefix that fits, and says so. */
static void test_report_prefix_at_every_ceiling(void)
{
	static char full[1 << 14], cut[1 << 14];
	size_t n, len, max;
	int truncated;

	CHECK_INT(write_sample((size_t)1 << 20, full, &n, &truncated), 0);
	CHECK_INT(truncated, 0);
	CHECK(n > 500 && n < sizeof(full) && full[n - 1] == '\n');
	CHECK(memmem(full, n, "\"links\":[{", 10) != NULL);
	CHECK(memmem(full, n, "\"received\":[{", 13) != NULL);
	for (max = 0; max <= n + 8; max++) {
		int rc = write_sample(max, cut, &len, &truncated);

		if (max >= n) {
			CHECK_INT(rc, 0);
			CHECK_INT(truncated, 0);
			CHECK(len == n && memcmp(cut, full, n) == 0);
		} else {
			CHECK_INT(rc, -1);
			CHECK_INT(truncated, 1);
			CHECK_INT(len, max);
			CHECK(memcmp(cut, full, len) == 0);
		}
	}
}

int main(void)
{
	int rc;

	engine = offline_engine("");
	if (engine == NULL)
		return 1;
	RUN(test_report_prefix_at_every_ceiling);
	rc = test_summary();
	mv_engine_unref(&engine);
	return rc;
}
