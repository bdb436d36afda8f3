/*
 * Building an engine from a configuration: the checks in run order, the
 * symbol registry with configured scores, groups and switches, the
 * composites and the thresholds of the actions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"

static const char *const directive_keywords[] = { "score", "group", "composite", NULL };

/* Where a setting got its value, for a message: "FILE:LINE" or, for a default, the file (if any). */
void engine_setting_where(const struct mv_config *cfg, const char *name, const char **file_r, unsigned *line_r)
{
	*file_r = mv_config_where(cfg, name, line_r);
	if (*file_r == NULL) {
		*file_r = mv_config_path(cfg) != NULL ? mv_config_path(cfg) : "the defaults";
		*line_r = 0;
	}
}

char *engine_error(const char *file, unsigned line, const char *fmt, ...)
{
	char text[1024];
	char *out = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (file == NULL)
		out = strdup(text);
	else if (line == 0 && asprintf(&out, "%s: %s", file, text) < 0)
		out = NULL;
	else if (line != 0 && asprintf(&out, "%s:%u: %s", file, line, text) < 0)
		out = NULL;
	return out;
}

/*
 * The extra checks, then the built-in ones (malloc()ed; NULL when out of
 * memory).  Extras come first so that a test's check can stand in for one a
 * built-in check reads the results of (DMARC reads SPF's and DKIM's).
 */
static const struct check_def **all_checks(const struct check_def *const *extra, size_t n_extra, size_t *n_r)
{
	size_t n_builtin, i;
	const struct check_def *const *builtin = engine_builtin_checks(&n_builtin);
	const struct check_def **all = calloc(n_builtin + n_extra + 1, sizeof(*all));

	*n_r = n_builtin + n_extra;
	if (all == NULL)
		return NULL;
	for (i = 0; i < n_extra; i++)
		all[i] = extra[i];
	for (i = 0; i < n_builtin; i++)
		all[n_extra + i] = builtin[i];
	return all;
}

struct mv_config *engine_config_new_with(const struct check_def *const *extra, size_t n_extra)
{
	size_t n_all, n_tables;
	const struct check_def **all = all_checks(extra, n_extra, &n_all);
	struct mv_setting_table *tables;
	struct mv_config *cfg;

	if (all == NULL)
		return NULL;
	n_tables = engine_schema(all, n_all, &tables);
	free(all);
	if (tables == NULL)
		return NULL;
	cfg = mv_config_new(tables, n_tables, directive_keywords);
	engine_schema_free(tables);
	return cfg;
}

struct mv_config *mv_engine_config_new(void)
{
	return engine_config_new_with(NULL, 0);
}

static int check_index(const struct mv_engine *engine, const char *name)
{
	unsigned i;

	for (i = 0; i < engine->n_checks; i++) {
		if (strcmp(engine->checks[i].def->name, name) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * Orders the checks so that each comes after those it names, keeping the
 * listed order otherwise (a stable topological sort; n is small).
 */
static int order_checks(struct mv_engine *engine, const struct check_def *const *defs, size_t n, char **error_r)
{
	bool *placed = calloc(n + 1, sizeof(*placed));
	size_t done = 0, i;
	int rc = 0;

	if (placed == NULL)
		return -1;
	engine->n_checks = 0;
	while (done < n && rc == 0) {
		bool progress = false;

		for (i = 0; i < n; i++) {
			const char *const *a;
			bool ready = true;

			if (placed[i])
				continue;
			for (a = defs[i]->after; a != NULL && *a != NULL && ready; a++) {
				size_t j;

				for (j = 0; j < n && strcmp(defs[j]->name, *a) != 0; j++)
					;
				/* A check named that is not built in (or not compiled) imposes no order. */
				ready = j == n || placed[j];
			}
			if (!ready)
				continue;
			engine->checks[engine->n_checks++].def = defs[i];
			placed[i] = true;
			done++;
			progress = true;
			break;	/* start again from the top: keeps the listed order where possible */
		}
		if (!progress) {
			*error_r = engine_error(NULL, 0, "the checks' 'after' lists form a cycle");
			rc = -1;
		}
	}
	free(placed);
	return rc;
}

static int by_name_cmp(const void *a, const void *b, void *arg)
{
	const struct mv_engine *engine = arg;

	return strcmp(engine->symbols[*(const unsigned *)a].info.name, engine->symbols[*(const unsigned *)b].info.name);
}

int engine_symbol_id(const struct mv_engine *engine, const char *name, size_t len)
{
	size_t lo = 0, hi = engine->n_symbols;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *s = engine->symbols[engine->by_name[mid]].info.name;
		int c = strncmp(s, name, len);

		if (c == 0 && s[len] != '\0')
			c = 1;
		if (c == 0)
			return (int)engine->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int index_symbols(struct mv_engine *engine, char **error_r)
{
	unsigned i;

	free(engine->by_name);
	engine->by_name = malloc((engine->n_symbols + 1) * sizeof(*engine->by_name));
	if (engine->by_name == NULL)
		return -1;
	for (i = 0; i < engine->n_symbols; i++)
		engine->by_name[i] = i;
	qsort_r(engine->by_name, engine->n_symbols, sizeof(*engine->by_name), by_name_cmp, engine);
	for (i = 1; i < engine->n_symbols; i++) {
		if (strcmp(engine->symbols[engine->by_name[i - 1]].info.name,
			   engine->symbols[engine->by_name[i]].info.name) == 0) {
			*error_r = engine_error(NULL, 0, "symbol %s is defined twice",
						engine->symbols[engine->by_name[i]].info.name);
			return -1;
		}
	}
	return 0;
}

static int register_checks(struct mv_engine *engine, const struct check_def *const *defs, size_t n, char **error_r)
{
	unsigned i, j, total = 0;

	engine->checks = calloc(n + 1, sizeof(*engine->checks));
	if (engine->checks == NULL || order_checks(engine, defs, n, error_r) < 0)
		return -1;
	for (i = 0; i < n; i++)
		total += defs[i]->n_symbols;
	/* Room for the composites too: they are symbols of their own. */
	engine->symbols = calloc(total + 1, sizeof(*engine->symbols));
	if (engine->symbols == NULL)
		return -1;
	for (i = 0; i < engine->n_checks; i++) {
		struct engine_check *c = &engine->checks[i];
		const struct check_def *def = c->def;
		const char *const *a;

		c->info.name = def->name;
		c->info.description = def->description;
		c->info.stage = def->stage;
		c->info.needs = def->needs;
		c->info.after = def->after;
		c->info.enabled = true;
		c->first_symbol = engine->n_symbols;
		for (a = def->after; a != NULL && *a != NULL; a++)
			c->n_after++;
		c->after = calloc(c->n_after + 1, sizeof(*c->after));
		if (c->after == NULL)
			return -1;
		c->n_after = 0;
		for (a = def->after; a != NULL && *a != NULL; a++) {
			int k = check_index(engine, *a);

			if (k >= 0)
				c->after[c->n_after++] = (unsigned)k;
		}
		for (j = 0; j < def->n_symbols; j++) {
			struct engine_symbol *s = &engine->symbols[engine->n_symbols++];

			s->info.name = def->symbols[j].name;
			s->info.group = def->symbols[j].group;
			s->info.check = def->name;
			s->info.description = def->symbols[j].description;
			s->info.default_score = def->symbols[j].score;
			s->info.score = def->symbols[j].score;
			s->info.enabled = true;
			s->check = i;
		}
	}
	return index_symbols(engine, error_r);
}

/* disabled_checks and disabled_symbols: every name must exist, so a typo is not silently ignored. */
static int apply_switches(struct mv_engine *engine, char **error_r)
{
	const char *const *items;
	const char *file;
	unsigned line;
	size_t n, i;

	engine_setting_where(engine->cfg, "disabled_checks", &file, &line);
	items = mv_config_list(engine->cfg, "disabled_checks", &n);
	for (i = 0; i < n; i++) {
		int k = check_index(engine, items[i]);

		if (k < 0) {
			*error_r = engine_error(file, line, "disabled_checks: no check is called '%s' (see 'mailvet symbols --checks')",
						items[i]);
			return -1;
		}
		engine->checks[k].info.enabled = false;
	}
	engine_setting_where(engine->cfg, "disabled_symbols", &file, &line);
	items = mv_config_list(engine->cfg, "disabled_symbols", &n);
	for (i = 0; i < n; i++) {
		int id = engine_symbol_id(engine, items[i], strlen(items[i]));

		if (id < 0) {
			*error_r = engine_error(file, line, "disabled_symbols: no symbol is called '%s' (see 'mailvet symbols')",
						items[i]);
			return -1;
		}
		engine->symbols[id].info.enabled = false;
	}
	for (i = 0; i < engine->n_symbols; i++) {
		const struct engine_symbol *s = &engine->symbols[i];

		if (s->check < engine->n_checks && !engine->checks[s->check].info.enabled)
			engine->symbols[i].info.enabled = false;
	}
	return 0;
}

static int parse_score(const char *text, double *score_r)
{
	char *end;

	errno = 0;
	*score_r = strtod(text, &end);
	return errno != 0 || end == text || *end != '\0' || *score_r != *score_r || *score_r > 1e6 || *score_r < -1e6
		       ? -1 : 0;
}

/* "score NAME = X" and "group NAME = G", after the composites exist so that they can be named too. */
static int apply_directives(struct mv_engine *engine, char **error_r)
{
	size_t n, i;
	const struct mv_config_directive *d = mv_config_directives(engine->cfg, &n);
	for (i = 0; i < n; i++) {
		int id;

		if (strcmp(d[i].keyword, "composite") == 0)
			continue;
		id = engine_symbol_id(engine, d[i].key, strlen(d[i].key));
		if (id < 0) {
			*error_r = engine_error(d[i].file, d[i].line, "%s %s: no symbol is called '%s' (see 'mailvet symbols')",
						d[i].keyword, d[i].key, d[i].key);
			return -1;
		}
		if (strcmp(d[i].keyword, "score") == 0) {
			if (parse_score(d[i].value, &engine->symbols[id].info.score) < 0) {
				*error_r = engine_error(d[i].file, d[i].line,
							"score %s = '%s': not a number (a decimal from -1000000 to 1000000)",
							d[i].key, d[i].value);
				return -1;
			}
		} else if (strcmp(d[i].keyword, "group") == 0) {
			if (d[i].value[0] == '\0' || strpbrk(d[i].value, " \t,") != NULL) {
				*error_r = engine_error(d[i].file, d[i].line, "group %s = '%s': a group is one word",
							d[i].key, d[i].value);
				return -1;
			}
			engine->symbols[id].info.group = d[i].value;
		}
	}
	return 0;
}

static int read_thresholds(struct mv_engine *engine, char **error_r)
{
	const char *file, *names[] = { "tag_score", "quarantine_score", "reject_score" };
	unsigned line = 0, l, i;

	engine->tag_score = mv_config_number(engine->cfg, "tag_score");
	engine->quarantine_score = mv_config_number(engine->cfg, "quarantine_score");
	engine->reject_score = mv_config_number(engine->cfg, "reject_score");
	engine->deadline_ms = mv_config_time_ms(engine->cfg, "scan_deadline");
	if (!(engine->tag_score <= engine->quarantine_score && engine->quarantine_score <= engine->reject_score)) {
		/* Name the last line that set one of them: that is where the order broke. */
		engine_setting_where(engine->cfg, names[0], &file, &line);
		for (i = 1; i < 3; i++) {
			const char *f;

			engine_setting_where(engine->cfg, names[i], &f, &l);
			if (l > line) {
				file = f;
				line = l;
			}
		}
		*error_r = engine_error(file, line, "the thresholds must satisfy tag_score <= quarantine_score <= reject_score"
					" (they are %g, %g and %g)", engine->tag_score, engine->quarantine_score,
					engine->reject_score);
		return -1;
	}
	return 0;
}

static void read_limits(struct mv_engine *engine)
{
	size_t i, n;
	const struct mv_limit_def *defs = mv_limit_defs(&n);

	memset(&engine->limits, 0, sizeof(engine->limits));
	for (i = 0; i < n; i++) {
		char name[64];
		size_t k;
		uint64_t v;

		for (k = 0; defs[i].name[k] != '\0' && k + 1 < sizeof(name); k++)
			name[k] = defs[i].name[k] == '-' ? '_' : defs[i].name[k];
		name[k] = '\0';
		v = mv_config_uint(engine->cfg, name);
		if (defs[i].is_size_t)
			*(size_t *)(void *)((char *)&engine->limits + defs[i].offset) = (size_t)v;
		else
			*(unsigned *)(void *)((char *)&engine->limits + defs[i].offset) = (unsigned)v;
	}
	mv_limits_fill(&engine->limits);
}

static int init_checks(struct mv_engine *engine, char **error_r)
{
	unsigned i;

	for (i = 0; i < engine->n_checks; i++) {
		struct engine_check *c = &engine->checks[i];

		if (c->def->init != NULL && c->info.enabled && c->def->init(engine->cfg, &c->state, error_r) < 0)
			return -1;
	}
	return 0;
}

int engine_new_with(struct mv_config *cfg, const struct check_def *const *extra, size_t n_extra,
		    struct mv_engine **engine_r, char **error_r)
{
	size_t n_all;
	const struct check_def **all = all_checks(extra, n_extra, &n_all);
	struct mv_engine *engine = calloc(1, sizeof(*engine));
	int rc = -1;

	*engine_r = NULL;
	*error_r = NULL;
	if (all == NULL || engine == NULL)
		goto fail;
	atomic_init(&engine->refs, 1);
	engine->cfg = mv_config_ref(cfg);
	if (register_checks(engine, all, n_all, error_r) < 0 ||
	    engine_composites_build(engine, error_r) < 0 || apply_switches(engine, error_r) < 0 ||
	    apply_directives(engine, error_r) < 0 || read_thresholds(engine, error_r) < 0 ||
	    envelope_policy_init(&engine->envelope, cfg, error_r) < 0 || dns_resolver_new(cfg, &engine->dns, error_r) < 0 ||
	    engine_store_init(&engine->store, cfg, error_r) < 0 || init_checks(engine, error_r) < 0)
		goto fail;
	read_limits(engine);
	engine->memory_symbol = engine_symbol_id(engine, "MEMORY_LIMIT", 12);
	engine->store_symbol = engine_symbol_id(engine, "STORE_UNAVAILABLE", 17);
	*engine_r = engine;
	engine = NULL;
	rc = 0;
fail:
	if (rc < 0 && *error_r == NULL)
		*error_r = engine_error(NULL, 0, "out of memory");
	free(all);
	mv_engine_unref(&engine);
	return rc;
}

int mv_engine_new(struct mv_config *cfg, struct mv_engine **engine_r, char **error_r)
{
	return engine_new_with(cfg, NULL, 0, engine_r, error_r);
}

int mv_engine_load(const char *path, struct mv_engine **engine_r, char **error_r)
{
	struct mv_config *cfg = mv_engine_config_new();
	int rc;

	*engine_r = NULL;
	if (cfg == NULL) {
		*error_r = engine_error(NULL, 0, "out of memory");
		return -1;
	}
	rc = mv_config_read_file(cfg, path != NULL ? path : MV_CONFIG_DEFAULT_PATH, path != NULL, error_r);
	if (rc == 0) {
		mv_config_finish(cfg);
		rc = mv_engine_new(cfg, engine_r, error_r);
	}
	mv_config_unref(&cfg);
	return rc;
}

struct mv_engine *mv_engine_ref(struct mv_engine *engine)
{
	atomic_fetch_add_explicit(&engine->refs, 1, memory_order_relaxed);
	return engine;
}

void mv_engine_unref(struct mv_engine **enginep)
{
	struct mv_engine *engine = *enginep;
	unsigned i;

	*enginep = NULL;
	if (engine == NULL || atomic_fetch_sub_explicit(&engine->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < engine->n_checks; i++) {
		if (engine->checks[i].def->deinit != NULL && engine->checks[i].state != NULL)
			engine->checks[i].def->deinit(engine->checks[i].state);
		free(engine->checks[i].after);
	}
	for (i = 0; i < engine->n_composites; i++)
		free(engine->composites[i].code);
	free(engine->composites);
	free(engine->checks);
	free(engine->symbols);
	free(engine->by_name);
	envelope_policy_deinit(&engine->envelope);
	dns_resolver_free(&engine->dns);
	engine_store_deinit(&engine->store);
	mv_config_unref(&engine->cfg);
	free(engine);
}

void engine_replace_resolver(struct mv_engine *engine, struct dns_resolver *resolver)
{
	dns_resolver_free(&engine->dns);
	engine->dns = resolver;
}

const struct mv_config *mv_engine_config(const struct mv_engine *engine)
{
	return engine->cfg;
}

const struct mv_limits *mv_engine_limits(const struct mv_engine *engine)
{
	return &engine->limits;
}

size_t mv_engine_symbol_count(const struct mv_engine *engine)
{
	return engine->n_symbols;
}

const struct mv_symbol_info *mv_engine_symbol(const struct mv_engine *engine, size_t i)
{
	return i < engine->n_symbols ? &engine->symbols[i].info : NULL;
}

size_t mv_engine_check_count(const struct mv_engine *engine)
{
	return engine->n_checks;
}

const struct mv_check_info *mv_engine_check(const struct mv_engine *engine, size_t i)
{
	return i < engine->n_checks ? &engine->checks[i].info : NULL;
}
