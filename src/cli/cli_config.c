/*
 * The configuration as the command sees it: -c FILE and -o NAME=VALUE for
 * every subcommand, and the subcommands that show it: `mailvet config`
 * (like postconf -n; --all every setting in effect, --defaults every
 * default), `mailvet symbols` and `mailvet limits`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_settings_add(struct cli_settings *settings, const char *assignment)
{
	char **sets = realloc(settings->sets, (settings->n_sets + 1) * sizeof(*sets));

	if (sets == NULL)
		return -1;
	settings->sets = sets;
	sets[settings->n_sets] = strdup(assignment);
	if (sets[settings->n_sets] == NULL)
		return -1;
	settings->n_sets++;
	return 0;
}

void cli_settings_free(struct cli_settings *settings)
{
	size_t i;

	for (i = 0; i < settings->n_sets; i++)
		free(settings->sets[i]);
	free(settings->sets);
	settings->sets = NULL;
	settings->n_sets = 0;
}

static struct mv_config *load_config(const struct cli_settings *settings)
{
	struct mv_config *cfg = mv_engine_config_new();
	const char *path = settings->config_path, *env = getenv("MAILVET_CONFIG");
	bool must_exist = true;
	char *error = NULL;
	size_t i;

	/* -c, else $MAILVET_CONFIG, else the default file, which may be absent. */
	if (path == NULL && env != NULL && env[0] != '\0')
		path = env;
	if (path == NULL) {
		path = MV_CONFIG_DEFAULT_PATH;
		must_exist = false;
	}
	if (cfg == NULL) {
		fprintf(stderr, "mailvet: out of memory\n");
		return NULL;
	}
	if (mv_config_read_file(cfg, path, must_exist, &error) < 0)
		goto fail;
	for (i = 0; i < settings->n_sets; i++) {
		if (mv_config_set(cfg, settings->sets[i], &error) < 0)
			goto fail;
	}
	mv_config_finish(cfg);
	return cfg;
fail:
	fprintf(stderr, "mailvet: %s\n", error != NULL ? error : "out of memory");
	free(error);
	mv_config_unref(&cfg);
	return NULL;
}

int cli_engine_load(const struct cli_settings *settings, struct mv_engine **engine_r)
{
	struct mv_config *cfg = load_config(settings);
	char *error = NULL;
	int rc;

	*engine_r = NULL;
	if (cfg == NULL)
		return -1;
	rc = mv_engine_new(cfg, engine_r, &error);
	if (rc < 0)
		fprintf(stderr, "mailvet: %s\n", error != NULL ? error : "out of memory");
	free(error);
	mv_config_unref(&cfg);
	return rc;
}

/* -c FILE and -o NAME=VALUE, shared by the subcommands that take nothing else but flags. */
static int parse_common(const char *config_path, int argc, char **argv, const struct option *extra,
			const char *usage, struct cli_settings *settings, int *flags_r)
{
	struct option longopts[16];
	size_t n = 0;
	int c;

	memset(settings, 0, sizeof(*settings));
	settings->config_path = config_path;
	*flags_r = 0;
	while (extra != NULL && extra[n].name != NULL && n < 12) {
		longopts[n] = extra[n];
		n++;
	}
	longopts[n++] = (struct option){ "config", required_argument, NULL, 'c' };
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:o:h", longopts, NULL)) != -1) {
		if (c == 'c') {
			settings->config_path = optarg;
		} else if (c == 'o') {
			if (cli_settings_add(settings, optarg) < 0)
				return -1;
		} else if (c == 'h') {
			printf("usage: %s\n", usage);
			return 1;
		} else if (c >= 0x1000) {
			*flags_r |= c - 0x1000;
		} else {
			fprintf(stderr, "usage: %s\n", usage);
			return -1;
		}
	}
	return 0;
}

/* Options, no operands, then the engine: 0, 1 when --help was answered, -1 on an error (said). */
static int engine_for(const char *config_path, int argc, char **argv, const struct option *extra, const char *usage,
		      struct mv_engine **engine_r, int *flags_r)
{
	struct cli_settings settings;
	int rc = parse_common(config_path, argc, argv, extra, usage, &settings, flags_r);

	if (rc == 0 && optind < argc) {
		fprintf(stderr, "usage: %s\n", usage);
		rc = -1;
	}
	if (rc == 0)
		rc = cli_engine_load(&settings, engine_r);
	cli_settings_free(&settings);
	return rc;
}

enum { FLAG_DEFAULTS = 1, FLAG_ALL = 2, FLAG_MARKDOWN = 4, FLAG_CHECKS = 8 };

int cli_cmd_config(const char *config_path, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "defaults", no_argument, NULL, 0x1000 + FLAG_DEFAULTS },
		{ "all", no_argument, NULL, 0x1000 + FLAG_ALL },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "mailvet config [-c FILE] [-o NAME=VALUE]... [--all | --defaults] [NAME...]";
	struct cli_settings settings;
	struct mv_config *cfg;
	struct mv_engine *engine = NULL;
	int flags, rc = parse_common(config_path, argc, argv, extra, usage, &settings, &flags), i;

	if (rc != 0)
		return rc < 0 ? 2 : 0;
	cfg = load_config(&settings);
	cli_settings_free(&settings);
	if (cfg == NULL)
		return 2;
	/* Directives and lists are only checked when an engine is made from them. */
	{
		char *error = NULL;

		if (mv_engine_new(cfg, &engine, &error) < 0) {
			fprintf(stderr, "mailvet: %s\n", error != NULL ? error : "out of memory");
			free(error);
			mv_config_unref(&cfg);
			return 2;
		}
	}
	rc = 0;
	if (optind < argc) {
		/* Named settings: their values in effect, one per line (postconf NAME). */
		for (i = optind; i < argc; i++) {
			if (mv_config_print_setting(cfg, argv[i], stdout) < 0) {
				fprintf(stderr, "mailvet: unknown setting '%s'\n", argv[i]);
				rc = 2;
			}
		}
	} else if (mv_config_dump(cfg, (flags & FLAG_DEFAULTS) ? MV_CONFIG_DUMP_DEFAULTS
				       : (flags & FLAG_ALL)    ? MV_CONFIG_DUMP_ALL
							       : MV_CONFIG_DUMP_SET,
				  stdout) < 0) {
		rc = 1;
	}
	mv_engine_unref(&engine);
	mv_config_unref(&cfg);
	return rc;
}

/* docs/symbols.md below its marker line: the registry, check by check. */
static void print_symbols_markdown(const struct mv_engine *engine)
{
	size_t nc = mv_engine_check_count(engine), ns = mv_engine_symbol_count(engine), c, s;

	for (c = 0; c < nc; c++) {
		const struct mv_check_info *check = mv_engine_check(engine, c);

		printf("\n## Check `%s`\n\n%c%s (from the %s stage).\n", check->name, check->description[0] & ~0x20,
		       check->description + 1, mv_stage_name(check->stage));
		for (s = 0; s < ns; s++) {
			const struct mv_symbol_info *sym = mv_engine_symbol(engine, s);

			if (strcmp(sym->check, check->name) != 0)
				continue;
			printf("\n### %s\nScore %.2f, group `%s`. %c%s.\n", sym->name, sym->default_score, sym->group,
			       sym->description[0] >= 'a' && sym->description[0] <= 'z' ? sym->description[0] - 32
											  : sym->description[0],
			       sym->description + 1);
		}
	}
}

int cli_cmd_symbols(const char *config_path, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "markdown", no_argument, NULL, 0x1000 + FLAG_MARKDOWN },
		{ "checks", no_argument, NULL, 0x1000 + FLAG_CHECKS },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] = "mailvet symbols [-c FILE] [-o NAME=VALUE]... [--checks | --markdown]";
	struct mv_engine *engine;
	int flags, rc = engine_for(config_path, argc, argv, extra, usage, &engine, &flags);
	size_t i, n;

	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (flags & FLAG_MARKDOWN) {
		print_symbols_markdown(engine);
	} else if (flags & FLAG_CHECKS) {
		n = mv_engine_check_count(engine);
		for (i = 0; i < n; i++) {
			const struct mv_check_info *c = mv_engine_check(engine, i);

			printf("%-16s %-8s %-8s %s\n", c->name, mv_stage_name(c->stage), c->enabled ? "enabled" : "disabled",
			       c->description);
		}
	} else {
		n = mv_engine_symbol_count(engine);
		for (i = 0; i < n; i++) {
			const struct mv_symbol_info *s = mv_engine_symbol(engine, i);

			printf("%-24s %6.2f  %-10s %s%s\n", s->name, s->score, s->group, s->enabled ? "" : "(disabled) ",
			       s->description);
		}
	}
	mv_engine_unref(&engine);
	return fflush(stdout) != 0 ? 1 : 0;
}

int cli_cmd_limits(const char *config_path, int argc, char **argv)
{
	static const char usage[] = "mailvet limits [-c FILE] [-o NAME=VALUE]...";
	struct mv_engine *engine;
	int flags, rc = engine_for(config_path, argc, argv, NULL, usage, &engine, &flags);
	const struct mv_limit_def *defs;
	size_t i, n;

	if (rc != 0)
		return rc > 0 ? 0 : 2;
	defs = mv_limit_defs(&n);
	for (i = 0; i < n; i++) {
		const char *field = (const char *)mv_engine_limits(engine) + defs[i].offset;
		unsigned long long v = defs[i].is_size_t ? *(const size_t *)(const void *)field
							 : *(const unsigned *)(const void *)field;

		printf("%-20s %12llu  %s\n", defs[i].name, v, defs[i].description);
	}
	mv_engine_unref(&engine);
	return 0;
}
