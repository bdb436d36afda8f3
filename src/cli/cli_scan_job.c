/*
 * Scanning one job: load it, split an mbox, parse and scan each message and
 * append its report.  Messages of an mbox are named "PATH#N" (N from 1).  A
 * message that cannot be scanned at all (memory) still gets a line, so no
 * input is ever dropped from the output without a word.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailvet/output.h"

#define OUTPUT_MAX ((size_t)256 << 20)

struct scan_ctx {
	const struct cli_scan_options *opts;
	const char *path;
	struct cli_out *out;
	int failures;
};

static void report_failure(struct scan_ctx *ctx, const char *name, const char *why)
{
	mv_arena *arena = mv_arena_new((size_t)1 << 20);
	mv_buf buf;
	mv_str line;

	ctx->failures++;
	if (arena == NULL)
		return;
	mv_buf_init(&buf, arena, (size_t)1 << 19);
	if (ctx->opts->json) {
		mv_buf_append(&buf, "{\"file\":", 8);
		mv_json_string(&buf, mv_str_cstr(name));
		mv_buf_append(&buf, ",\"error\":", 9);
		mv_json_string(&buf, mv_str_cstr(why));
		mv_buf_append(&buf, "}\n", 2);
	} else {
		mv_buf_append(&buf, name, strlen(name));
		mv_buf_append(&buf, ": error: ", 9);
		mv_buf_append(&buf, why, strlen(why));
		mv_buf_putc(&buf, '\n');
	}
	line = mv_buf_finish(&buf);
	(void)cli_out_append(ctx->out, line.p, line.len);
	mv_arena_free(&arena);
}

static int scan_message(void *opaque, const char *data, size_t len, unsigned index)
{
	struct scan_ctx *ctx = opaque;
	struct mv_msg *msg;
	struct mv_report report;
	char name[4200];
	mv_buf buf;
	mv_str text;
	int rc;

	if (index == 0)
		snprintf(name, sizeof(name), "%s", ctx->path);
	else
		snprintf(name, sizeof(name), "%s#%u", ctx->path, index);
	if (mv_msg_parse(data, len, ctx->opts->limits, &msg) < 0) {
		report_failure(ctx, name, "out of memory");
		return 0;
	}
	/* Out of memory: the report says what was done (MEMORY_LIMIT), and the exit status says it too. */
	if (mv_scan(ctx->opts->engine, msg, ctx->opts->have_env ? &ctx->opts->env : NULL, &report) == MV_NOMEM)
		ctx->failures++;
	if (ctx->opts->rewrite_dir != NULL &&
	    cli_rewrite_message(ctx->opts->rewrite_dir, ctx->path, index, data, len, msg, &report) < 0) {
		fprintf(stderr, "mailvet: %s: writing the changed message to %s: %s\n", name, ctx->opts->rewrite_dir,
			strerror(errno));
		ctx->failures++;
	}
	mv_buf_init(&buf, msg->arena, OUTPUT_MAX);
	if (ctx->opts->json)
		rc = mv_report_write_json(&report, name, &buf);
	else
		rc = mv_report_write_text(&report, name, &buf);
	text = mv_buf_finish(&buf);
	if (rc < 0 || cli_out_append(ctx->out, text.p, text.len) < 0)
		report_failure(ctx, name, "report too large for memory");
	mv_msg_free(&msg);
	return 0;
}

int cli_scan_job(const struct cli_scan_options *opts, const struct cli_job *job, struct cli_scratch *scratch,
		 struct cli_out *out)
{
	struct scan_ctx ctx = { opts, job->path, out, 0 };
	struct cli_input in;

	if (cli_input_load(job->path, scratch, &in) < 0) {
		fprintf(stderr, "mailvet: %s: %s\n", job->path, strerror(errno));
		return 2;
	}
	(void)cli_mbox_split(in.data, in.len, scan_message, &ctx);
	cli_input_release(&in);
	return ctx.failures != 0 ? 1 : 0;
}
