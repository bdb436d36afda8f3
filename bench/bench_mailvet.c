/*
 * bench-mailvet: libmailvet measured the same way bench-gmime measures GMime.
 * Loads every message into memory first (file reading is not timed), then runs
 * one of three workloads over all of them, REPEAT times, on CLOCK_PROCESS_CPUTIME_ID:
 *   parse  mv_msg_parse + transfer-decode every leaf (GMime's workload)
 *   check  mv_msg_parse + mv_scan: every check, no report written
 *   scan   mv_msg_parse + mv_scan + the JSON report (the whole local scan)
 *
 * -w makes one untimed pass first: one-time costs (libpsl's and iconv's set-up, the
 * S/MIME trust anchors read on the first signed message) are then left out.
 *
 * Usage: bench-mailvet parse|check|scan [-c CONF] [-r REPEAT] [-w] [-l LISTFILE] [PATH...]
 * Prints key=value pairs like bench-gmime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailvet/output.h"

#include "bench_load.h"

enum workload { PARSE, CHECK, SCAN };

static struct mv_engine *engine;	/* -c CONF: the configuration's; else the built-in defaults */

static size_t run_one(const struct bench_item *it, enum workload workload)
{
	struct mv_msg *msg;
	size_t out_bytes = 0;
	unsigned i;

	if (mv_msg_parse(it->data, it->len, engine != NULL ? mv_engine_limits(engine) : NULL, &msg) < 0)
		exit(1);
	if (workload != PARSE) {
		struct mv_report report;
		mv_buf out;

		(void)mv_scan(engine, msg, NULL, &report);
		out_bytes = report.n_symbols + report.n_links;
		if (workload == SCAN) {
			mv_buf_init(&out, msg->arena, (size_t)64 << 20);
			(void)mv_report_write_json(&report, "bench", &out);
			out_bytes = out.len;
		}
	} else {
		for (i = 0; i < msg->n_parts; i++) {
			if (msg->parts[i]->children == NULL && !mv_part_is_multipart(msg->parts[i]))
				out_bytes += mv_part_decoded(msg, msg->parts[i]).len;
		}
	}
	mv_msg_free(&msg);
	return out_bytes;
}

/* Every message, repeat times.  Not inlined: callgrind counts it alone (--toggle-collect=run_all). */
__attribute__((noinline)) static size_t run_all(enum workload workload, int repeat)
{
	size_t k, sink = 0;
	int r;

	for (r = 0; r < repeat; r++) {
		for (k = 0; k < bench_n_items; k++)
			sink += run_one(&bench_items[k], workload);
	}
	return sink;
}

int main(int argc, char **argv)
{
	enum workload workload;
	int repeat = 1, warm = 0, i;
	double cpu0, wall0, cpu, wall;
	size_t k, sink = 0;

	if (argc >= 2 && strcmp(argv[1], "parse") == 0) {
		workload = PARSE;
	} else if (argc >= 2 && strcmp(argv[1], "check") == 0) {
		workload = CHECK;
	} else if (argc >= 2 && strcmp(argv[1], "scan") == 0) {
		workload = SCAN;
	} else {
		fprintf(stderr, "usage: bench-mailvet parse|check|scan [-c CONF] [-r REPEAT] [-w] [-l LISTFILE] [PATH...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			repeat = atoi(argv[++i]);
		} else if (strcmp(argv[i], "-w") == 0) {
			warm = 1;
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			char *error = NULL;

			if (mv_engine_load(argv[++i], &engine, &error) < 0) {
				fprintf(stderr, "bench-mailvet: %s\n", error != NULL ? error : "out of memory");
				return 2;
			}
		} else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
			bench_load_list(argv[++i]);
		} else {
			bench_load(argv[i]);
		}
	}
	if (bench_n_items == 0 || repeat < 1)
		return 2;
	/* -w: one pass before the clock starts, for the steady state of a long-running filter. */
	for (k = 0; warm && k < bench_n_items; k++)
		(void)run_one(&bench_items[k], workload);
	cpu0 = bench_now(CLOCK_PROCESS_CPUTIME_ID);
	wall0 = bench_now(CLOCK_MONOTONIC);
	sink = run_all(workload, repeat);
	cpu = bench_now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	wall = bench_now(CLOCK_MONOTONIC) - wall0;
	printf("mode=%s messages=%zu bytes=%zu repeat=%d cpu_s=%.4f wall_s=%.4f msgs_per_s=%.0f "
	       "mb_per_s=%.1f ms_cpu_per_msg=%.4f output_bytes=%zu\n",
	       argv[1], bench_n_items, bench_total_bytes, repeat, cpu, wall, (double)bench_n_items * repeat / cpu,
	       (double)bench_total_bytes * repeat / cpu / 1e6, cpu * 1000 / ((double)bench_n_items * repeat), sink);
	return 0;
}
