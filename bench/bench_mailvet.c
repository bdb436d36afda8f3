/*
 * bench-mailvet: libmailvet measured the same way bench-gmime measures GMime.
 * Loads every message into memory first (file reading is not timed), then runs
 * one of three workloads over all of them, REPEAT times, on CLOCK_PROCESS_CPUTIME_ID:
 *   parse  mv_msg_parse + transfer-decode every leaf (GMime's workload)
 *   check  mv_msg_parse + mv_scan: every check, no report written
 *   scan   mv_msg_parse + mv_scan + the JSON report (the whole local scan)
 *
 * Usage: bench-mailvet parse|check|scan [-r REPEAT] [-l LISTFILE] [PATH...]
 * Prints key=value pairs like bench-gmime.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailvet/output.h"

struct item {
	char *data;
	size_t len;
};

static struct item *items;
static size_t n_items, cap_items, total_bytes;

static double now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Reads size bytes through a chunk buffer and copies them in, as bench-gmime
 * does.  A read() straight into the buffer would leave its pages written by
 * the kernel only, and on a virtual machine with shadow paging (like the one
 * our numbers come from) a page's first access from user space then costs a
 * trap, in the timed loop: about 7 ms per pass over the corpus, which
 * bench-gmime's loader pays before timing.
 */
static int read_copied(FILE *fp, char *dst, size_t size)
{
	char chunk[65536];
	size_t got = 0, n;

	while (got < size && (n = fread(chunk, 1, sizeof(chunk), fp)) != 0) {
		if (n > size - got)
			return 0;
		memcpy(dst + got, chunk, n);
		got += n;
	}
	return got == size;
}

static void load(const char *path)
{
	FILE *fp = fopen(path, "rb");
	long size;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0) {
		fprintf(stderr, "bench-mailvet: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	rewind(fp);
	if (n_items == cap_items) {
		cap_items = cap_items != 0 ? cap_items * 2 : 1024;
		items = realloc(items, cap_items * sizeof(*items));
		if (items == NULL)
			exit(1);
	}
	items[n_items].data = malloc((size_t)size + 1);
	if (items[n_items].data == NULL || !read_copied(fp, items[n_items].data, (size_t)size)) {
		fprintf(stderr, "bench-mailvet: %s: read failed\n", path);
		exit(1);
	}
	items[n_items].len = (size_t)size;
	total_bytes += (size_t)size;
	n_items++;
	fclose(fp);
}

static void load_list(const char *list)
{
	FILE *fp = fopen(list, "r");
	char line[4096];

	if (fp == NULL) {
		fprintf(stderr, "bench-mailvet: %s: %s\n", list, strerror(errno));
		exit(1);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0')
			load(line);
	}
	fclose(fp);
}

enum workload { PARSE, CHECK, SCAN };

static struct mv_engine *engine;	/* -c CONF: the configuration's; else the built-in defaults */

static size_t run_one(const struct item *it, enum workload workload)
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

int main(int argc, char **argv)
{
	enum workload workload;
	int repeat = 1, i, r;
	double cpu0, wall0, cpu, wall;
	size_t k, sink = 0;

	if (argc >= 2 && strcmp(argv[1], "parse") == 0) {
		workload = PARSE;
	} else if (argc >= 2 && strcmp(argv[1], "check") == 0) {
		workload = CHECK;
	} else if (argc >= 2 && strcmp(argv[1], "scan") == 0) {
		workload = SCAN;
	} else {
		fprintf(stderr, "usage: bench-mailvet parse|check|scan [-c CONF] [-r REPEAT] [-l LISTFILE] [PATH...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			repeat = atoi(argv[++i]);
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			char *error = NULL;

			if (mv_engine_load(argv[++i], &engine, &error) < 0) {
				fprintf(stderr, "bench-mailvet: %s\n", error != NULL ? error : "out of memory");
				return 2;
			}
		} else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
			load_list(argv[++i]);
		} else {
			load(argv[i]);
		}
	}
	if (n_items == 0 || repeat < 1)
		return 2;
	cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
	wall0 = now(CLOCK_MONOTONIC);
	for (r = 0; r < repeat; r++) {
		for (k = 0; k < n_items; k++)
			sink += run_one(&items[k], workload);
	}
	cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	wall = now(CLOCK_MONOTONIC) - wall0;
	printf("mode=%s messages=%zu bytes=%zu repeat=%d cpu_s=%.4f wall_s=%.4f msgs_per_s=%.0f "
	       "mb_per_s=%.1f ms_cpu_per_msg=%.4f output_bytes=%zu\n",
	       argv[1], n_items, total_bytes, repeat, cpu, wall, (double)n_items * repeat / cpu,
	       (double)total_bytes * repeat / cpu / 1e6, cpu * 1000 / ((double)n_items * repeat), sink);
	return 0;
}
