/* `mailvet scan`: options, the configuration, the envelope, then the worker pool. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_LIMIT = 256,
	OPT_TAG,
	OPT_QUARANTINE,
	OPT_REJECT,
	OPT_DNS_ZONE,
	OPT_REWRITE,
	OPT_STORE,
	OPT_FOLLOW,
	OPT_CLIENT_IP,
	OPT_CLIENT_NAME,
	OPT_HELO,
	OPT_MAIL_FROM,
	OPT_RCPT,
	OPT_SASL_USER,
	OPT_NOW,
};

static const char scan_usage[] =
	"mailvet scan [-c FILE] [-o NAME=VALUE]... [--json] [-j N] [--limit NAME=VALUE]... [--rewrite DIR]\n"
	"                    [--dns-zone FILE] [--store SPEC] [--follow] [--client-ip IP] [--client-name NAME] [--helo NAME] [--mail-from ADDR|<>]\n"
	"                    [--rcpt ADDR]... [--sasl-user USER] [--now TIME] [PATH...]";

/* --limit max-mime-depth=5 is the setting max_mime_depth = 5. */
static int limit_setting(struct cli_settings *settings, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[80], line[200];
	size_t n = eq != NULL ? (size_t)(eq - arg) : 0, i;

	if (eq == NULL || n == 0 || n >= sizeof(name) || strlen(eq + 1) > 64) {
		fprintf(stderr, "mailvet: --limit wants NAME=VALUE (see 'mailvet limits'), not '%s'\n", arg);
		return -1;
	}
	for (i = 0; i < n; i++)
		name[i] = arg[i] == '-' ? '_' : arg[i];
	name[n] = '\0';
	if (strncmp(name, "max_", 4) != 0) {
		fprintf(stderr, "mailvet: --limit %s: unknown limit (see 'mailvet limits')\n", arg);
		return -1;
	}
	snprintf(line, sizeof(line), "%s = %s", name, eq + 1);
	return cli_settings_add(settings, line);
}

static int score_setting(struct cli_settings *settings, const char *name, const char *value)
{
	char line[200];

	if (strlen(value) > 64) {
		fprintf(stderr, "mailvet: '%s' is not a score\n", value);
		return -1;
	}
	snprintf(line, sizeof(line), "%s = %s", name, value);
	return cli_settings_add(settings, line);
}

/*
 * An option that is a setting: --dns-zone FILE is dns_zone = FILE (every
 * lookup answered from the file, no network), --store SPEC is store = SPEC.
 */
static int option_setting(struct cli_settings *settings, const char *option, const char *name, const char *value)
{
	char *line = NULL;
	int rc;

	if (value[0] == '\0' || strchr(value, '\n') != NULL) {
		fprintf(stderr, "mailvet: %s wants a value\n", option);
		return -1;
	}
	if (asprintf(&line, "%s = %s", name, value) < 0)
		return -1;
	rc = cli_settings_add(settings, line);
	free(line);
	return rc;
}

static bool is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* An address option without angle brackets: "<a@b>" and "a@b" are the same; "<>" is empty. */
static mv_str bare_address(const char *arg)
{
	size_t len = strlen(arg);

	if (len >= 2 && arg[0] == '<' && arg[len - 1] == '>')
		return mv_str_make(arg + 1, len - 2);
	return mv_str_make(arg, len);
}

static int add_rcpt(struct mv_envelope *env, const char *arg)
{
	mv_str *rcpt = realloc(env->txn.rcpt, (env->txn.n_rcpt + 1) * sizeof(*rcpt));

	if (rcpt == NULL)
		return -1;
	env->txn.rcpt = rcpt;
	rcpt[env->txn.n_rcpt++] = bare_address(arg);
	return 0;
}

static int envelope_option(struct cli_scan_options *opts, int c, const char *arg)
{
	struct mv_envelope *env = &opts->env;
	unsigned char addr[16];

	opts->have_env = true;
	switch (c) {
	case OPT_CLIENT_IP:
		if (inet_pton(AF_INET, arg, addr) != 1 && inet_pton(AF_INET6, arg, addr) != 1) {
			fprintf(stderr, "mailvet: --client-ip wants an IPv4 or IPv6 address, not '%s'\n", arg);
			return -1;
		}
		env->conn.client_ip = mv_str_cstr(arg);
		break;
	case OPT_CLIENT_NAME:
		env->conn.client_name = mv_str_cstr(arg);
		break;
	case OPT_HELO:
		env->conn.helo = mv_str_cstr(arg);
		break;
	case OPT_MAIL_FROM:
		env->txn.has_mail_from = true;
		env->txn.mail_from = bare_address(arg);
		break;
	case OPT_RCPT:
		if (bare_address(arg).len == 0) {
			fprintf(stderr, "mailvet: --rcpt wants an address\n");
			return -1;
		}
		return add_rcpt(env, arg);
	case OPT_SASL_USER:
		env->conn.sasl_user = mv_str_cstr(arg);
		env->conn.authenticated = arg[0] != '\0';
		break;
	case OPT_NOW:
		if (cli_parse_time(arg, &env->txn.time) < 0) {
			fprintf(stderr, "mailvet: --now wants an ISO 8601 time (2026-12-07T10:20:30Z), not '%s'\n", arg);
			return -1;
		}
		break;
	}
	return 0;
}

int cli_cmd_scan(const char *config_path, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "tag-score", required_argument, NULL, OPT_TAG },
		{ "quarantine-score", required_argument, NULL, OPT_QUARANTINE },
		{ "reject-score", required_argument, NULL, OPT_REJECT },
		{ "dns-zone", required_argument, NULL, OPT_DNS_ZONE },
		{ "rewrite", required_argument, NULL, OPT_REWRITE },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "client-ip", required_argument, NULL, OPT_CLIENT_IP },
		{ "client-name", required_argument, NULL, OPT_CLIENT_NAME },
		{ "helo", required_argument, NULL, OPT_HELO },
		{ "mail-from", required_argument, NULL, OPT_MAIL_FROM },
		{ "rcpt", required_argument, NULL, OPT_RCPT },
		{ "sasl-user", required_argument, NULL, OPT_SASL_USER },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char stdin_path[] = "-";
	char *stdin_paths[] = { stdin_path };
	struct cli_scan_options opts;
	struct cli_settings settings = { config_path, NULL, 0 };
	struct cli_jobs jobs = { 0 };
	int c, status = 2;
	char *end;
	long n;

	memset(&opts, 0, sizeof(opts));
	opts.threads = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:c:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			opts.json = true;
			break;
		case 'j':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || n < 1 || n > 64) {
				fprintf(stderr, "mailvet: -j wants a number of threads from 1 to 64, not '%s'\n", optarg);
				goto out;
			}
			opts.threads = (unsigned)n;
			break;
		case 'c':
			settings.config_path = optarg;
			break;
		case 'o':
			if (cli_settings_add(&settings, optarg) < 0)
				goto out;
			break;
		case OPT_LIMIT:
			if (limit_setting(&settings, optarg) < 0)
				goto out;
			break;
		case OPT_TAG:
		case OPT_QUARANTINE:
		case OPT_REJECT:
			if (score_setting(&settings, c == OPT_TAG ? "tag_score" : c == OPT_QUARANTINE ? "quarantine_score"
												: "reject_score",
					  optarg) < 0)
				goto out;
			break;
		case OPT_DNS_ZONE:
			if (option_setting(&settings, "--dns-zone", "dns_zone", optarg) < 0)
				goto out;
			break;
		case OPT_STORE:
			if (option_setting(&settings, "--store", "store", optarg) < 0)
				goto out;
			break;
		case OPT_REWRITE:
			if (!is_directory(optarg)) {
				fprintf(stderr, "mailvet: --rewrite %s: not a directory\n", optarg);
				goto out;
			}
			opts.rewrite_dir = optarg;
			break;
		case OPT_FOLLOW:
			/* the setting links_follow: opaque trackers and shorteners are asked over HTTP */
			if (cli_settings_add(&settings, "links_follow = yes") < 0)
				goto out;
			break;
		case 'h':
			printf("usage: %s\n(see 'mailvet --help' and mailvet(1))\n", scan_usage);
			status = 0;
			goto out;
		default:
			if (c >= OPT_CLIENT_IP && c <= OPT_NOW) {
				if (envelope_option(&opts, c, optarg) < 0)
					goto out;
				break;
			}
			fprintf(stderr, "usage: %s\n", scan_usage);
			goto out;
		}
	}
	if (optind >= argc && isatty(STDIN_FILENO)) {
		fprintf(stderr, "mailvet scan: no PATH given, and standard input is a terminal (use - to read it anyway)\n");
		goto out;
	}
	if (cli_engine_load(&settings, &opts.engine) < 0)
		goto out;
	opts.limits = mv_engine_limits(opts.engine);
	if (optind < argc)
		cli_jobs_collect(&jobs, argv + optind, argc - optind);
	else
		cli_jobs_collect(&jobs, stdin_paths, 1);
	status = cli_pool_run(&opts, &jobs);
	if (fflush(stdout) != 0 || status < 0) {
		perror("mailvet: writing output");
		status = 1;
	}
	if (jobs.errors != 0 && status < 2)
		status = 2;
	cli_jobs_free(&jobs);
out:
	mv_engine_unref(&opts.engine);
	free(opts.env.txn.rcpt);
	cli_settings_free(&settings);
	return status;
}
