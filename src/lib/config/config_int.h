/*
 * The configuration module's shared parts: the object, the bounds on what a
 * file may make it hold, and the functions the files of the module call each
 * other with.  Errors are malloc()ed "FILE:LINE: ..." texts (config_error.c).
 */
#ifndef CONFIG_INT_H
#define CONFIG_INT_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailvet/config.h"

/* Untrusted-input bounds (docs/internals/config.md). */
#define CFG_MAX_FILE		((size_t)64 << 20)	/* one configuration or map file */
#define CFG_MAX_LINE		((size_t)1 << 20)	/* one logical line, continuation lines joined */
#define CFG_MAX_ITEMS		((size_t)10000000)	/* list items in effect, all lists together */
#define CFG_MAX_MAP_TOTAL	((size_t)256 << 20)	/* map file bytes read, all maps together */
#define CFG_MAX_DIRECTIVES	((size_t)1000000)	/* keyed directives */

/* Where a line comes from: named in messages, and the base of relative map files. */
struct cfg_src {
	const char *file;	/* "mailvet.conf", "-o" */
	const char *dir;	/* the base of relative file: paths; NULL: the current directory */
	unsigned line;		/* 0: no line ("FILE: ...") */
};

/* One setting's value, parsed; `text` is as written (trimmed, continuation lines joined). */
struct cfg_value {
	char *text;
	union {
		bool b;
		uint64_t u;		/* UINT; TIME in ms */
		double d;
	} v;
	char **items;		/* LIST: n_items pointers into `block`, then NULL; NULL when none */
	char *block;
	size_t n_items;
	const char *file;	/* where it was set (a name in the config's file list) */
	unsigned line;
	bool set;
};

struct cfg_name {
	const char *name;
	size_t idx;		/* into defs[] */
};

/* The names of the files read: directives and values point at them. */
struct cfg_file {
	struct cfg_file *next;
	char name[];
};

struct mv_config {
	atomic_uint refs;
	bool finished;
	const struct mv_setting_def **defs;	/* schema order: the tables' order */
	size_t n_defs;
	struct cfg_name *index;			/* by name, for lookups */
	struct cfg_value *defaults, *values;
	char **keywords;			/* NULL-terminated copy */
	struct mv_config_directive *dirs;
	char **dir_text;			/* each directive's key and value, owned */
	size_t n_dirs, cap_dirs;
	struct cfg_file *files;
	char *path;
	char *schema_error;			/* a bad table: every read and set returns it */
	unsigned n_options;			/* mv_config_set() calls: the "line" of "-o" */
	size_t total_items;			/* list items in effect */
	size_t map_bytes;			/* map file bytes read */
};

static inline bool cfg_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* config_error.c */
#define CFG_QUOTE_MAX 80	/* bytes of a value shown in a message; longer ones end in "..." */
struct cfg_quoted {
	char s[CFG_QUOTE_MAX * 4 + 8];
};
int cfg_error(char **error_r, const struct cfg_src *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cfg_verror(char **error_r, const struct cfg_src *src, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
const char *cfg_quote(struct cfg_quoted *q, const char *s);
const char *cfg_quote_n(struct cfg_quoted *q, const char *s, size_t len);

/* config_file.c */
enum cfg_load {
	CFG_LOAD_OK = 0,
	CFG_LOAD_ERRNO,		/* errno tells */
	CFG_LOAD_TOO_LARGE,	/* over CFG_MAX_FILE */
	CFG_LOAD_NOT_REGULAR,	/* a device, FIFO or directory where a regular file is needed */
};
enum cfg_load cfg_file_load(const char *path, bool regular_only, char **data_r, size_t *len_r);
const char *cfg_load_text(enum cfg_load r, int errnum);

/* config_schema.c */
bool cfg_name_valid(const char *s, bool upper_too);
int cfg_schema_build(struct mv_config *cfg, const struct mv_setting_table *tables, size_t n_tables,
		     const char *const *keywords, char **error_r);
long cfg_lookup(const struct mv_config *cfg, const char *name);
const char *cfg_suggest(const struct mv_config *cfg, const char *name);
bool cfg_is_keyword(const struct mv_config *cfg, const char *word);

/* config_parse.c */
int cfg_parse_text(struct mv_config *cfg, const struct cfg_src *src, const char *text, size_t len,
		   char **error_r);
int cfg_parse_line(struct mv_config *cfg, const struct cfg_src *src, char *line, char **error_r);

/* config_value.c */
int cfg_value_parse(struct mv_config *cfg, const struct cfg_src *src, const struct mv_setting_def *def,
		    const char *text, bool is_default, struct cfg_value *out, char **error_r);
int cfg_value_assign(struct mv_config *cfg, const struct cfg_src *src, size_t idx, const char *text,
		     char **error_r);
void cfg_value_clear(struct cfg_value *v);

/* config_map.c */
bool cfg_list_next(const char **p, const char *end, const char **item_r, size_t *len_r);
bool cfg_is_map_item(const char *item, size_t len);
int cfg_list_parse(struct mv_config *cfg, const struct cfg_src *src, const struct mv_setting_def *def,
		   const char *text, bool allow_maps, size_t budget, struct cfg_value *out, char **error_r);

/* config.c */
const char *cfg_file_name(struct mv_config *cfg, const char *name);
int cfg_directive_add(struct mv_config *cfg, const struct cfg_src *src, const char *keyword,
		      const char *key, const char *value, char **error_r);

#endif
