/*
 * The schema: the modules' tables checked once (names well-formed and
 * unique, bounds sane, every default valid) and indexed by name, so a lookup
 * is a binary search.  A bad table is the program's bug, reported as an
 * error by the first read, so it shows in any test that loads a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"

#define SUGGEST_MAX_DISTANCE	2
#define SUGGEST_MAX_NAME	64

bool cfg_name_valid(const char *s, bool upper_too)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      (upper_too && *s >= 'A' && *s <= 'Z')))
			return false;
	}
	return true;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cfg_name *)a)->name, ((const struct cfg_name *)b)->name);
}

long cfg_lookup(const struct mv_config *cfg, const char *name)
{
	struct cfg_name key = { .name = name }, *hit;

	if (cfg == NULL || cfg->index == NULL || name == NULL)
		return -1;
	hit = bsearch(&key, cfg->index, cfg->n_defs, sizeof(*cfg->index), name_cmp);
	return hit != NULL ? (long)hit->idx : -1;
}

bool cfg_is_keyword(const struct mv_config *cfg, const char *word)
{
	char *const *k;

	for (k = cfg->keywords; k != NULL && *k != NULL; k++) {
		if (strcmp(*k, word) == 0)
			return true;
	}
	return false;
}

/* Edit distance with adjacent transpositions (optimal string alignment); both at most SUGGEST_MAX_NAME. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[SUGGEST_MAX_NAME + 3][SUGGEST_MAX_NAME + 3];
	size_t i, j, best;

	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* The known name closest to `name`, when one is close enough to be a typo; else NULL. */
const char *cfg_suggest(const struct mv_config *cfg, const char *name)
{
	size_t len = strlen(name), i, best = SUGGEST_MAX_DISTANCE + 1;
	const char *found = NULL;

	if (len > SUGGEST_MAX_NAME)
		return NULL;
	for (i = 0; i < cfg->n_defs; i++) {
		const char *known = cfg->defs[i]->name;
		size_t kl = strlen(known), d;

		if (kl > SUGGEST_MAX_NAME || kl + SUGGEST_MAX_DISTANCE < len || len + SUGGEST_MAX_DISTANCE < kl)
			continue;
		d = distance(name, len, known, kl);
		if (d < best) {
			best = d;
			found = known;
		}
	}
	return found;
}

static int check_def(const struct mv_setting_def *def, const struct cfg_src *src, char **error_r)
{
	bool bounded = def->min != 0 || def->max != 0;

	if (def->name == NULL || !cfg_name_valid(def->name, false))
		return cfg_error(error_r, src, "setting name '%s' is not lower case letters, digits and '_'",
				 def->name != NULL ? def->name : "(null)");
	if ((unsigned)def->type > MV_SETTING_ENUM)
		return cfg_error(error_r, src, "%s: unknown type %d", def->name, (int)def->type);
	if (def->default_value == NULL)
		return cfg_error(error_r, src, "%s: no default (\"\" for an empty one)", def->name);
	if (def->type == MV_SETTING_ENUM && (def->choices == NULL || def->choices[0] == '\0'))
		return cfg_error(error_r, src, "%s: an enum without choices", def->name);
	if (def->type == MV_SETTING_UINT || def->type == MV_SETTING_NUMBER || def->type == MV_SETTING_TIME) {
		/* min <= max also refuses NaN bounds. */
		if (bounded && !(def->min <= def->max))
			return cfg_error(error_r, src, "%s: min %g is above max %g", def->name, def->min, def->max);
		if (bounded && def->type != MV_SETTING_NUMBER && def->min < 0)
			return cfg_error(error_r, src, "%s: a negative min for an unsigned type", def->name);
	}
	return 0;
}

static int build_index(struct mv_config *cfg, char **error_r)
{
	size_t i;

	cfg->index = calloc(cfg->n_defs + 1, sizeof(*cfg->index));
	if (cfg->index == NULL)
		return cfg_error(error_r, NULL, "out of memory");
	for (i = 0; i < cfg->n_defs; i++) {
		cfg->index[i].name = cfg->defs[i]->name;
		cfg->index[i].idx = i;
	}
	qsort(cfg->index, cfg->n_defs, sizeof(*cfg->index), name_cmp);
	for (i = 1; i < cfg->n_defs; i++) {
		if (strcmp(cfg->index[i - 1].name, cfg->index[i].name) == 0)
			return cfg_error(error_r, NULL, "setting '%s' is declared twice", cfg->index[i].name);
	}
	return 0;
}

static int copy_keywords(struct mv_config *cfg, const char *const *keywords, char **error_r)
{
	size_t n = 0, i;

	while (keywords != NULL && keywords[n] != NULL)
		n++;
	cfg->keywords = calloc(n + 1, sizeof(*cfg->keywords));
	if (cfg->keywords == NULL)
		return cfg_error(error_r, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		if (!cfg_name_valid(keywords[i], false))
			return cfg_error(error_r, NULL, "directive keyword '%s' is not lower case letters, digits and '_'",
					 keywords[i]);
		cfg->keywords[i] = strdup(keywords[i]);
		if (cfg->keywords[i] == NULL)
			return cfg_error(error_r, NULL, "out of memory");
	}
	return 0;
}

/* Each table's rows, with the module named in messages: first checked, then (the index built) defaults parsed. */
static int each_def(struct mv_config *cfg, const struct mv_setting_table *tables, size_t n_tables,
		    bool parse, char **error_r)
{
	struct cfg_src src = { .line = 0 };
	char *where = NULL;
	size_t t, i, n = 0;
	int r = 0;

	for (t = 0; t < n_tables && r == 0; t++) {
		if (asprintf(&where, "settings of module '%s'",
			     tables[t].module != NULL ? tables[t].module : "(null)") < 0)
			return cfg_error(error_r, NULL, "out of memory");
		src.file = where;
		for (i = 0; tables[t].defs != NULL && i < tables[t].n_defs && r == 0; i++, n++) {
			if (!parse)
				r = check_def(cfg->defs[n], &src, error_r);
			else
				r = cfg_value_parse(cfg, &src, cfg->defs[n], cfg->defs[n]->default_value, true,
						    &cfg->defaults[n], error_r);
		}
		free(where);
	}
	return r;
}

int cfg_schema_build(struct mv_config *cfg, const struct mv_setting_table *tables, size_t n_tables,
		     const char *const *keywords, char **error_r)
{
	size_t t, i, n = 0;

	if (copy_keywords(cfg, keywords, error_r) != 0)
		return -1;
	for (t = 0; t < n_tables; t++)
		n += tables[t].defs != NULL ? tables[t].n_defs : 0;
	cfg->defs = calloc(n + 1, sizeof(*cfg->defs));
	cfg->defaults = calloc(n + 1, sizeof(*cfg->defaults));
	cfg->values = calloc(n + 1, sizeof(*cfg->values));
	if (cfg->defs == NULL || cfg->defaults == NULL || cfg->values == NULL)
		return cfg_error(error_r, NULL, "out of memory");
	for (t = 0; t < n_tables; t++) {
		for (i = 0; tables[t].defs != NULL && i < tables[t].n_defs; i++)
			cfg->defs[cfg->n_defs++] = &tables[t].defs[i];
	}
	if (each_def(cfg, tables, n_tables, false, error_r) != 0 || build_index(cfg, error_r) != 0)
		return -1;
	/* Defaults are parsed as a file's values are, so a bad one fails the same way. */
	return each_def(cfg, tables, n_tables, true, error_r);
}
