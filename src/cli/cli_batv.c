/*
 * `mailvet batv sign ADDRESS` and `mailvet batv verify ADDRESS`: BATV tags by
 * hand, with the keys and lifetime of the configuration (batv_key_file,
 * batv_lifetime), for an administrator checking a setup or a bounce.  Exit
 * status: 0 signed, or the tag is valid; 1 the address cannot be tagged, or
 * its tag is not valid (untagged included); 2 usage or configuration error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "mailvet/batv.h"

static const char batv_usage[] =
	"mailvet batv [-c FILE] [-o NAME=VALUE]... [--now TIME] sign ADDRESS\n"
	"       mailvet batv [-c FILE] [-o NAME=VALUE]... [--now TIME] verify ADDRESS";

/* "<a@b>" and "a@b" are the same address. */
static mv_str bare(const char *arg)
{
	size_t len = strlen(arg);

	if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>')
		return mv_str_make(arg + 1, len - 2);
	return mv_str_make(arg, len);
}

static int sign(const struct mv_batv_keys *keys, mv_str address, int64_t now, unsigned days)
{
	char out[1100];
	int n = mv_batv_sign(keys, address, now, days, out, sizeof(out));

	if (n <= 0) {
		fprintf(stderr, "mailvet batv: %.*s cannot be tagged (it needs a local part and a domain, no tag yet, and "
				"a local part of at most 48 bytes)\n", (int)address.len, address.p);
		return 1;
	}
	printf("%s\n", out);
	return 0;
}

static int verify(const struct mv_batv_keys *keys, mv_str address, int64_t now, unsigned days)
{
	struct mv_batv_result r;

	switch (mv_batv_verify(keys, address, now, days, &r)) {
	case MV_BATV_VALID:
		printf("%.*s\n", (int)r.address.len, r.address.p);
		fprintf(stderr, "mailvet batv: valid: key %u, %u day%s left\n", r.key, r.days, r.days == 1 ? "" : "s");
		return 0;
	case MV_BATV_EXPIRED:
		fprintf(stderr, "mailvet batv: %.*s: expired %u day%s ago\n", (int)address.len, address.p, r.days,
			r.days == 1 ? "" : "s");
		return 1;
	case MV_BATV_BAD_DAY:
		fprintf(stderr, "mailvet batv: %.*s: impossible day: it expires in %u days, longer than batv_lifetime\n",
			(int)address.len, address.p, r.days);
		return 1;
	case MV_BATV_UNKNOWN_KEY:
		fprintf(stderr, "mailvet batv: %.*s: unknown key %u (not in batv_key_file)\n", (int)address.len,
			address.p, r.key);
		return 1;
	default:
		fprintf(stderr, "mailvet batv: %.*s: %s\n", (int)address.len, address.p, mv_batv_status_name(r.status));
		return 1;
	}
}

int cli_cmd_batv(const char *config_path, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "now", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_settings settings = { config_path, NULL, 0 };
	struct mv_engine *engine = NULL;
	struct mv_batv_keys *keys = NULL;
	const struct mv_config *cfg;
	char *path = NULL, *error = NULL;
	int64_t now = (int64_t)time(NULL);
	unsigned days;
	int c, status = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:o:h", longopts, NULL)) != -1) {
		if (c == 'c') {
			settings.config_path = optarg;
		} else if (c == 'o') {
			if (cli_settings_add(&settings, optarg) < 0)
				goto out;
		} else if (c == 'n') {
			if (cli_parse_time(optarg, &now) < 0) {
				fprintf(stderr, "mailvet: --now wants an ISO 8601 time (2026-12-07T10:20:30Z), not '%s'\n",
					optarg);
				goto out;
			}
		} else if (c == 'h') {
			printf("usage: %s\n(see 'mailvet --help' and mailvet(1))\n", batv_usage);
			status = 0;
			goto out;
		} else {
			fprintf(stderr, "usage: %s\n", batv_usage);
			goto out;
		}
	}
	if (argc - optind != 2 || (strcmp(argv[optind], "sign") != 0 && strcmp(argv[optind], "verify") != 0)) {
		fprintf(stderr, "usage: %s\n", batv_usage);
		goto out;
	}
	if (cli_engine_load(&settings, &engine) < 0)
		goto out;
	cfg = mv_engine_config(engine);
	path = mv_config_file_setting(cfg, "batv_key_file");
	if (path == NULL || path[0] == '\0') {
		fprintf(stderr, "mailvet batv: no batv_key_file is set (see mailvet.conf(5))\n");
		goto out;
	}
	if (mv_batv_keys_load(path, &keys, &error) < 0) {
		fprintf(stderr, "mailvet: %s\n", error != NULL ? error : "out of memory");
		free(error);
		goto out;
	}
	days = (unsigned)(mv_config_time_ms(cfg, "batv_lifetime") / 86400000);
	status = strcmp(argv[optind], "sign") == 0 ? sign(keys, bare(argv[optind + 1]), now, days)
						   : verify(keys, bare(argv[optind + 1]), now, days);
	if (fflush(stdout) != 0) {
		perror("mailvet: writing output");
		status = 2;
	}
out:
	free(path);
	mv_batv_keys_free(&keys);
	mv_engine_unref(&engine);
	cli_settings_free(&settings);
	return status;
}
