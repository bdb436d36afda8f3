/* `mailvet scan`: options, then the worker pool. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_LIMIT = 256, OPT_TAG, OPT_QUARANTINE, OPT_REJECT };

static int parse_score(const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	return errno != 0 || end == arg || *end != '\0' ? -1 : 0;
}

static int parse_limit(struct mv_limits *limits, const char *arg)
{
	char name[64];
	const char *eq = strchr(arg, '='), *error;
	size_t n = eq != NULL ? (size_t)(eq - arg) : 0;

	if (eq == NULL || n == 0 || n >= sizeof(name)) {
		fprintf(stderr, "mailvet: --limit wants NAME=VALUE, not '%s'\n", arg);
		return -1;
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	if (mv_limits_set(limits, name, eq + 1, &error) < 0) {
		fprintf(stderr, "mailvet: --limit %s: %s\n", arg, error);
		return -1;
	}
	return 0;
}

int cli_cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "tag-score", required_argument, NULL, OPT_TAG },
		{ "quarantine-score", required_argument, NULL, OPT_QUARANTINE },
		{ "reject-score", required_argument, NULL, OPT_REJECT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_scan_options opts;
	struct cli_jobs jobs = { 0 };
	int c, status;
	char *end;
	long n;

	memset(&opts, 0, sizeof(opts));
	opts.threads = 1;
	mv_scan_config_defaults(&opts.config);
	while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			opts.json = true;
			break;
		case 'j':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || n < 1 || n > 64) {
				fprintf(stderr, "mailvet: -j wants a number of threads from 1 to 64, not '%s'\n", optarg);
				return 2;
			}
			opts.threads = (unsigned)n;
			break;
		case OPT_LIMIT:
			if (parse_limit(&opts.limits, optarg) < 0)
				return 2;
			break;
		case OPT_TAG:
		case OPT_QUARANTINE:
		case OPT_REJECT: {
			double *target = c == OPT_TAG ? &opts.config.tag_score
					 : c == OPT_QUARANTINE ? &opts.config.quarantine_score
							       : &opts.config.reject_score;

			if (parse_score(optarg, target) < 0) {
				fprintf(stderr, "mailvet: '%s' is not a score\n", optarg);
				return 2;
			}
			break;
		}
		case 'h':
			printf("usage: mailvet scan [--json] [-j N] [--limit NAME=VALUE]... PATH...\n"
			       "(see 'mailvet --help' and mailvet(1))\n");
			return 0;
		default:
			fprintf(stderr, "usage: mailvet scan [--json] [-j N] [--limit NAME=VALUE]... PATH...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "mailvet scan: no PATH given (use - for standard input)\n");
		return 2;
	}
	if (!(opts.config.tag_score <= opts.config.quarantine_score &&
	      opts.config.quarantine_score <= opts.config.reject_score)) {
		fprintf(stderr, "mailvet: score thresholds must satisfy tag <= quarantine <= reject\n");
		return 2;
	}
	mv_limits_fill(&opts.limits);
	cli_jobs_collect(&jobs, argv + optind, argc - optind);
	status = cli_pool_run(&opts, &jobs);
	if (fflush(stdout) != 0 || status < 0) {
		perror("mailvet: writing output");
		status = 1;
	}
	if (jobs.errors != 0 && status < 2)
		status = 2;
	cli_jobs_free(&jobs);
	return status;
}
