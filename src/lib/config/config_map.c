/*
 * Lists and map files.  A list value is split at commas and white space,
 * empty items dropped.  An item that starts with '/' or "file:" names a map
 * file, whose items are spliced in where it stands: its lines are split the
 * same way, with blank lines and lines whose first non-blank byte is '#'
 * skipped.  A relative file: path is taken from the directory of the file
 * that named it.  Maps do not nest: in a map file, '/' and "file:" items are
 * plain items.  Every list's items live in one block, NUL-separated, with an
 * array of pointers into it made once the block stops moving; the items of all lists in effect are bounded by
 * CFG_MAX_ITEMS, and the bytes read from map files by CFG_MAX_MAP_TOTAL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"

struct list_build {
	char *block;		/* the items, each NUL-terminated, one after another */
	size_t len, cap;
	size_t n;
	size_t budget;		/* items this list may still have */
};

/* Where a list's items come from, for messages. */
struct list_where {
	const struct cfg_src *src;
	const struct mv_setting_def *def;
	const char *map;	/* NULL: the value itself */
	unsigned map_line;
};

bool cfg_list_next(const char **p, const char *end, const char **item_r, size_t *len_r)
{
	const char *s = *p;

	while (s < end && (*s == ',' || cfg_is_space(*s)))
		s++;
	*item_r = s;
	while (s < end && *s != ',' && !cfg_is_space(*s))
		s++;
	*len_r = (size_t)(s - *item_r);
	*p = s;
	return *len_r != 0;
}

bool cfg_is_map_item(const char *item, size_t len)
{
	return (len >= 1 && item[0] == '/') || (len >= 5 && memcmp(item, "file:", 5) == 0);
}

static int too_many(const struct list_where *w, char **error_r)
{
	if (w->map != NULL)
		return cfg_error(error_r, w->src, "%s: more than %zu list items in the configuration "
				 "(map file '%s' line %u)", w->def->name, CFG_MAX_ITEMS, w->map, w->map_line);
	return cfg_error(error_r, w->src, "%s: more than %zu list items in the configuration",
			 w->def->name, CFG_MAX_ITEMS);
}

static int build_add(struct list_build *b, const struct list_where *w, const char *s, size_t len,
		     char **error_r)
{
	if (b->n >= b->budget)
		return too_many(w, error_r);
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 256 : b->cap;
		char *block;

		while (cap < b->len + len + 1)
			cap *= 2;
		block = realloc(b->block, cap);
		if (block == NULL)
			return cfg_error(error_r, w->src, "out of memory");
		b->block = block;
		b->cap = cap;
	}
	b->n++;
	memcpy(b->block + b->len, s, len);
	b->len += len;
	b->block[b->len++] = '\0';
	return 0;
}

static int add_items(struct list_build *b, const struct list_where *w, const char *s, const char *end,
		     char **error_r)
{
	const char *item;
	size_t len;

	while (cfg_list_next(&s, end, &item, &len)) {
		if (build_add(b, w, item, len, error_r) != 0)
			return -1;
	}
	return 0;
}

static int map_lines(struct list_build *b, struct list_where *w, const char *data, size_t len, char **error_r)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e = nl != NULL ? nl : end;

		p = nl != NULL ? nl + 1 : end;
		w->map_line++;
		if (memchr(s, '\0', (size_t)(e - s)) != NULL)
			return cfg_error(error_r, w->src, "%s: map file '%s' line %u: a NUL byte",
					 w->def->name, w->map, w->map_line);
		while (s < e && cfg_is_space(*s))
			s++;
		if (s == e || *s == '#')
			continue;
		if (add_items(b, w, s, e, error_r) != 0)
			return -1;
	}
	return 0;
}

/* The map file's path: "file:" paths are relative to the naming file's directory. */
static char *map_path(const struct cfg_src *src, const char *item, size_t len)
{
	char *path = NULL;

	if (item[0] == '/')
		return strndup(item, len);
	item += 5;
	len -= 5;
	if (item[0] == '/' || src->dir == NULL)
		return strndup(item, len);
	if (asprintf(&path, "%s%s%.*s", src->dir, src->dir[strlen(src->dir) - 1] == '/' ? "" : "/",
		     (int)len, item) < 0)
		return NULL;
	return path;
}

static int map_add(struct mv_config *cfg, struct list_build *b, const struct list_where *value_where,
		   const char *item, size_t len, char **error_r)
{
	struct list_where w = *value_where;
	const struct cfg_src *src = w.src;
	struct cfg_quoted q;
	enum cfg_load r;
	char *path, *data = NULL;
	size_t data_len = 0;
	int ret;

	if (len == 5)
		return cfg_error(error_r, src, "%s = %s: no map file name after 'file:'", w.def->name,
				 cfg_quote_n(&q, item, len));
	path = map_path(src, item, len);
	if (path == NULL)
		return cfg_error(error_r, src, "out of memory");
	r = cfg_file_load(path, true, &data, &data_len);
	if (r != CFG_LOAD_OK) {
		ret = cfg_error(error_r, src, "%s: map file %s: %s", w.def->name, cfg_quote(&q, path),
				cfg_load_text(r, errno));
	} else if (data_len > CFG_MAX_MAP_TOTAL - cfg->map_bytes) {
		ret = cfg_error(error_r, src, "%s: map file %s: more than 256 MiB of map files in all",
				w.def->name, cfg_quote(&q, path));
	} else {
		cfg->map_bytes += data_len;
		w.map = path;
		w.map_line = 0;
		ret = map_lines(b, &w, data, data_len, error_r);
	}
	free(data);
	free(path);
	return ret;
}

int cfg_list_parse(struct mv_config *cfg, const struct cfg_src *src, const struct mv_setting_def *def,
		   const char *text, bool allow_maps, size_t budget, struct cfg_value *out, char **error_r)
{
	struct list_where w = { .src = src, .def = def };
	struct list_build b = { .budget = budget };
	const char *p = text, *end = text + strlen(text), *item;
	struct cfg_quoted q;
	size_t len, i;
	char *at;
	int r = 0;

	while (r == 0 && cfg_list_next(&p, end, &item, &len)) {
		if (!cfg_is_map_item(item, len))
			r = build_add(&b, &w, item, len, error_r);
		else if (allow_maps)
			r = map_add(cfg, &b, &w, item, len, error_r);
		else
			r = cfg_error(error_r, src, "%s = %s: a default cannot name a map file", def->name,
				      cfg_quote_n(&q, item, len));
	}
	if (r == 0 && b.n != 0) {
		out->items = reallocarray(NULL, b.n + 1, sizeof(*out->items));
		if (out->items == NULL)
			r = cfg_error(error_r, src, "out of memory");
	}
	if (r == 0 && b.n != 0) {
		for (i = 0, at = b.block; i < b.n; i++, at += strlen(at) + 1)
			out->items[i] = at;
		out->items[b.n] = NULL;
		out->n_items = b.n;
		out->block = b.block;
		b.block = NULL;
	}
	free(b.block);
	return r;
}
