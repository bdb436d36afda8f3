/*
 * The configuration object: reading files, text and single assignments into
 * it, then, once finished, getters by name from any thread.  A value that
 * fails to parse leaves the one before in place; a read that fails part-way
 * keeps what it applied before the error, and the caller is expected to give
 * up on the configuration (unref it) rather than use it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"

static const char *const no_items[1] = { NULL };

struct mv_config *mv_config_new(const struct mv_setting_table *tables, size_t n_tables,
				const char *const *keywords)
{
	struct mv_config *cfg = calloc(1, sizeof(*cfg));

	if (cfg == NULL)
		return NULL;
	atomic_init(&cfg->refs, 1);
	if (cfg_schema_build(cfg, tables, n_tables, keywords, &cfg->schema_error) != 0 && cfg->schema_error == NULL)
		mv_config_unref(&cfg);
	return cfg;
}

int mv_config_schema_check(const struct mv_setting_table *tables, size_t n_tables,
			   const char *const *keywords, char **error_r)
{
	struct mv_config *cfg = mv_config_new(tables, n_tables, keywords);
	int r = 0;

	if (cfg == NULL)
		r = cfg_error(error_r, NULL, "out of memory");
	else if (cfg->schema_error != NULL)
		r = cfg_error(error_r, NULL, "%s", cfg->schema_error);
	mv_config_unref(&cfg);
	return r;
}

struct mv_config *mv_config_ref(struct mv_config *cfg)
{
	atomic_fetch_add_explicit(&cfg->refs, 1, memory_order_relaxed);
	return cfg;
}

void mv_config_unref(struct mv_config **cfg_r)
{
	struct mv_config *cfg = *cfg_r;
	struct cfg_file *f, *next;
	size_t i;

	*cfg_r = NULL;
	if (cfg == NULL || atomic_fetch_sub_explicit(&cfg->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < cfg->n_defs; i++) {
		if (cfg->defaults != NULL)
			cfg_value_clear(&cfg->defaults[i]);
		if (cfg->values != NULL)
			cfg_value_clear(&cfg->values[i]);
	}
	for (i = 0; i < cfg->n_dirs; i++)
		free(cfg->dir_text[i]);
	for (i = 0; cfg->keywords != NULL && cfg->keywords[i] != NULL; i++)
		free(cfg->keywords[i]);
	for (f = cfg->files; f != NULL; f = next) {
		next = f->next;
		free(f);
	}
	free(cfg->keywords);
	free(cfg->dirs);
	free(cfg->dir_text);
	free(cfg->defs);
	free(cfg->index);
	free(cfg->defaults);
	free(cfg->values);
	free(cfg->path);
	free(cfg->schema_error);
	free(cfg);
}

/* The one copy of a file's name that values and directives point at. */
const char *cfg_file_name(struct mv_config *cfg, const char *name)
{
	struct cfg_file *f;
	size_t len = strlen(name);

	for (f = cfg->files; f != NULL; f = f->next) {
		if (strcmp(f->name, name) == 0)
			return f->name;
	}
	f = malloc(sizeof(*f) + len + 1);
	if (f == NULL)
		return NULL;
	memcpy(f->name, name, len + 1);
	f->next = cfg->files;
	cfg->files = f;
	return f->name;
}

int cfg_directive_add(struct mv_config *cfg, const struct cfg_src *src, const char *keyword,
		      const char *key, const char *value, char **error_r)
{
	size_t klen = strlen(key), vlen = strlen(value);
	struct mv_config_directive *d;
	char *const *k;
	char *text;

	if (cfg->n_dirs >= CFG_MAX_DIRECTIVES)
		return cfg_error(error_r, src, "more than %zu directives", CFG_MAX_DIRECTIVES);
	if (cfg->n_dirs == cfg->cap_dirs) {
		size_t cap = cfg->cap_dirs == 0 ? 16 : cfg->cap_dirs * 2;
		char **texts = reallocarray(cfg->dir_text, cap, sizeof(*texts));

		if (texts != NULL)
			cfg->dir_text = texts;
		d = texts != NULL ? reallocarray(cfg->dirs, cap, sizeof(*d)) : NULL;
		if (d == NULL)
			return cfg_error(error_r, src, "out of memory");
		cfg->dirs = d;
		cfg->cap_dirs = cap;
	}
	/* key and value in one block, owned by dir_text[] (the public struct has const pointers) */
	text = malloc(klen + vlen + 2);
	d = &cfg->dirs[cfg->n_dirs];
	d->file = cfg_file_name(cfg, src->file);
	if (text == NULL || d->file == NULL) {
		free(text);
		return cfg_error(error_r, src, "out of memory");
	}
	memcpy(text, key, klen + 1);
	memcpy(text + klen + 1, value, vlen + 1);
	for (k = cfg->keywords; strcmp(*k, keyword) != 0; k++)
		;
	d->keyword = *k;
	d->key = text;
	d->value = text + klen + 1;
	d->line = src->line;
	cfg->dir_text[cfg->n_dirs++] = text;
	return 0;
}

/* Whether the configuration can still take values; else the error why not. */
static int writable(const struct mv_config *cfg, char **error_r)
{
	if (cfg->schema_error != NULL)
		return cfg_error(error_r, NULL, "%s", cfg->schema_error);
	if (cfg->finished)
		return cfg_error(error_r, NULL, "the configuration is finished: it can no longer be changed");
	return 0;
}

static int read_text(struct mv_config *cfg, const char *file, const char *text, size_t len, char **error_r)
{
	struct cfg_src src = { .file = file };
	const char *slash = strrchr(file, '/');
	char *dir = NULL;
	int r;

	if (len > CFG_MAX_FILE)
		return cfg_error(error_r, &src, "larger than 64 MiB");
	if (slash != NULL) {
		dir = strndup(file, slash == file ? 1 : (size_t)(slash - file));
		if (dir == NULL)
			return cfg_error(error_r, &src, "out of memory");
	}
	src.dir = dir;
	r = cfg_parse_text(cfg, &src, text, len, error_r);
	free(dir);
	return r;
}

int mv_config_read_text(struct mv_config *cfg, const char *file, const char *text, size_t len, char **error_r)
{
	if (writable(cfg, error_r) != 0)
		return -1;
	return read_text(cfg, file, text, len, error_r);
}

int mv_config_read_file(struct mv_config *cfg, const char *path, bool must_exist, char **error_r)
{
	struct cfg_src src = { .file = path };
	enum cfg_load r;
	char *data = NULL, *copy;
	size_t len = 0;
	int ret;

	if (writable(cfg, error_r) != 0)
		return -1;
	r = cfg_file_load(path, false, &data, &len);
	if (r == CFG_LOAD_ERRNO && errno == ENOENT && !must_exist)
		return 0;
	if (r != CFG_LOAD_OK)
		return cfg_error(error_r, &src, "%s", cfg_load_text(r, errno));
	ret = read_text(cfg, path, data, len, error_r);
	free(data);
	if (ret == 0) {
		copy = strdup(path);
		if (copy == NULL)
			return cfg_error(error_r, &src, "out of memory");
		free(cfg->path);
		cfg->path = copy;
	}
	return ret;
}

int mv_config_set(struct mv_config *cfg, const char *assignment, char **error_r)
{
	struct cfg_src src = { .file = "-o" };
	size_t len = strlen(assignment);
	char *line, *s, *e;
	int r;

	if (writable(cfg, error_r) != 0)
		return -1;
	src.line = ++cfg->n_options;
	if (len > CFG_MAX_LINE)
		return cfg_error(error_r, &src, "an assignment longer than 1 MiB");
	if (memchr(assignment, '\n', len) != NULL)
		return cfg_error(error_r, &src, "a newline in the assignment");
	line = strdup(assignment);
	if (line == NULL)
		return cfg_error(error_r, &src, "out of memory");
	for (s = line; cfg_is_space(*s); s++)
		;
	for (e = s + strlen(s); e > s && cfg_is_space(e[-1]); e--)
		;
	*e = '\0';
	r = cfg_parse_line(cfg, &src, s, error_r);
	free(line);
	return r;
}

void mv_config_finish(struct mv_config *cfg)
{
	cfg->finished = true;
}

/* The value in effect for `name` if it has `type` (and `type2`, for two accepted), else NULL. */
static const struct cfg_value *lookup(const struct mv_config *cfg, const char *name, enum mv_setting_type type,
				      enum mv_setting_type type2)
{
	long idx = cfg_lookup(cfg, name);

	if (idx < 0 || (cfg->defs[idx]->type != type && cfg->defs[idx]->type != type2))
		return NULL;
	return cfg->values[idx].set ? &cfg->values[idx] : &cfg->defaults[idx];
}

bool mv_config_bool(const struct mv_config *cfg, const char *name)
{
	const struct cfg_value *v = lookup(cfg, name, MV_SETTING_BOOL, MV_SETTING_BOOL);

	return v != NULL && v->v.b;
}

uint64_t mv_config_uint(const struct mv_config *cfg, const char *name)
{
	const struct cfg_value *v = lookup(cfg, name, MV_SETTING_UINT, MV_SETTING_UINT);

	return v != NULL ? v->v.u : 0;
}

double mv_config_number(const struct mv_config *cfg, const char *name)
{
	const struct cfg_value *v = lookup(cfg, name, MV_SETTING_NUMBER, MV_SETTING_NUMBER);

	return v != NULL ? v->v.d : 0;
}

uint64_t mv_config_time_ms(const struct mv_config *cfg, const char *name)
{
	const struct cfg_value *v = lookup(cfg, name, MV_SETTING_TIME, MV_SETTING_TIME);

	return v != NULL ? v->v.u : 0;
}

const char *mv_config_string(const struct mv_config *cfg, const char *name)
{
	const struct cfg_value *v = lookup(cfg, name, MV_SETTING_STRING, MV_SETTING_ENUM);

	return v != NULL && v->text != NULL ? v->text : "";
}

const char *const *mv_config_list(const struct mv_config *cfg, const char *name, size_t *n_r)
{
	const struct cfg_value *v = lookup(cfg, name, MV_SETTING_LIST, MV_SETTING_LIST);

	if (v == NULL || v->items == NULL) {
		*n_r = 0;
		return no_items;
	}
	*n_r = v->n_items;
	return (const char *const *)v->items;
}

bool mv_config_is_set(const struct mv_config *cfg, const char *name)
{
	long idx = cfg_lookup(cfg, name);

	return idx >= 0 && cfg->values[idx].set;
}

const char *mv_config_where(const struct mv_config *cfg, const char *name, unsigned *line_r)
{
	long idx = cfg_lookup(cfg, name);

	if (idx < 0 || !cfg->values[idx].set) {
		*line_r = 0;
		return NULL;
	}
	*line_r = cfg->values[idx].line;
	return cfg->values[idx].file;
}

char *mv_config_file_setting(const struct mv_config *cfg, const char *name)
{
	const char *value = mv_config_string(cfg, name), *file, *slash;
	unsigned line;
	char *out = NULL;

	file = mv_config_where(cfg, name, &line);
	if (value[0] == '/' || file == NULL || strcmp(file, "-o") == 0 || (slash = strrchr(file, '/')) == NULL)
		return strdup(value);
	if (asprintf(&out, "%.*s/%s", (int)(slash - file), file, value) < 0)
		out = NULL;
	return out;
}

const char *mv_config_path(const struct mv_config *cfg)
{
	return cfg->path;
}

const struct mv_config_directive *mv_config_directives(const struct mv_config *cfg, size_t *n_r)
{
	*n_r = cfg->n_dirs;
	return cfg->dirs;
}
