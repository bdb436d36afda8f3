/* `mailvet logs`: options, the inputs, a progress bar on a terminal, then the report. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "logs_html.h"
#include "mailvet/logs.h"

enum {
	OPT_JSON = 256,
	OPT_YEAR,
	OPT_HTML,
};

static const char logs_usage[] = "mailvet logs [--json] [--html FILE] [--year N] [FILE...|-]";

/* The progress bar: drawn on standard error when it is a terminal, at most five times a second. */
struct progress {
	struct timespec start, last;
	bool drawn;
};

static double seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void human(double bytes, char *out, size_t size)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB" };
	unsigned u = 0;

	while (bytes >= 1000 && u < 4) {
		bytes /= 1000;
		u++;
	}
	snprintf(out, size, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
}

static void draw_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	double elapsed = seconds_since(&p->start);
	char d[32], t[32], r[32], bar[41];
	int filled, i;

	/* Short runs show nothing. */
	if (elapsed < 1.0 || (p->drawn && seconds_since(&p->last) < 0.2))
		return;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
	p->drawn = true;
	human((double)done, d, sizeof(d));
	human(elapsed > 0 ? (double)done / elapsed : 0, r, sizeof(r));
	if (total == 0) {
		fprintf(stderr, "\rmailvet logs: %s read, %s/s ", d, r);
		return;
	}
	human((double)total, t, sizeof(t));
	filled = (int)(done >= total ? 40 : done * 40 / total);
	for (i = 0; i < 40; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\rmailvet logs: [%s] %3d%%  %s of %s  %s/s ", bar,
		(int)(done >= total ? 100 : done * 100 / total), d, t, r);
}

static int parse_year(const char *arg, int *year_r)
{
	char *end;
	long y;

	errno = 0;
	y = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || y < 1971 || y > 9999) {
		fprintf(stderr, "mailvet logs: --year wants a year from 1971 to 9999, not '%s'\n", arg);
		return -1;
	}
	*year_r = (int)y;
	return 0;
}

int cli_cmd_logs(const char *config_path, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mv_logs_settings set;
	struct progress prog;
	mv_logs *logs = NULL;
	const char *html = NULL;
	bool json = false;
	int c, i, status = 2;

	(void)config_path;	/* no setting of the configuration applies to logs yet */
	memset(&set, 0, sizeof(set));
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_YEAR:
			if (parse_year(optarg, &set.year) < 0)
				return 2;
			break;
		case OPT_HTML:
			html = optarg;
			break;
		case 'c':
		case 'o':
			break;
		case 'h':
			printf("usage: %s\n(see 'mailvet --help' and mailvet(1))\n", logs_usage);
			return 0;
		default:
			fprintf(stderr, "usage: %s\n", logs_usage);
			return 2;
		}
	}
	if (optind >= argc && isatty(STDIN_FILENO)) {
		fprintf(stderr, "mailvet logs: no FILE given, and standard input is a terminal (use - to read it anyway)\n");
		return 2;
	}
	/* Before the long read, not after it. */
	if (html != NULL && logs_html_check(html) < 0) {
		fprintf(stderr, "mailvet logs: --html %s: %s\n", html, strerror(errno));
		return 2;
	}
	logs = mv_logs_new(&set);
	if (logs == NULL) {
		fprintf(stderr, "mailvet logs: out of memory\n");
		return 1;
	}
	for (i = optind; i < argc; i++) {
		if (mv_logs_add_file(logs, argv[i]) < 0) {
			if (errno == EINVAL && strcmp(argv[i], "-") == 0)
				fprintf(stderr, "mailvet logs: standard input can be read once only\n");
			else
				fprintf(stderr, "mailvet logs: %s: %s\n", argv[i], strerror(errno));
			goto out;
		}
	}
	if (optind >= argc && mv_logs_add_file(logs, "-") < 0) {
		fprintf(stderr, "mailvet logs: standard input: %s\n", strerror(errno));
		goto out;
	}
	memset(&prog, 0, sizeof(prog));
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	status = mv_logs_run(logs, isatty(STDERR_FILENO) ? draw_progress : NULL, &prog) == 0 ? 0 : 1;
	if (prog.drawn)
		fputs("\r\033[K", stderr);
	fputs(mv_logs_errors(logs), stderr);
	if ((json ? mv_logs_write_json(logs, stdout) : mv_logs_write_text(logs, stdout)) != 0 || fflush(stdout) != 0) {
		perror("mailvet: writing output");
		status = 1;
	}
	if (html != NULL && logs_html_report(html, logs) < 0) {
		fprintf(stderr, "mailvet logs: writing %s: %s\n", html, strerror(errno));
		status = 1;
	}
out:
	mv_logs_free(&logs);
	return status;
}
