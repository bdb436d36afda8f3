/*
 * The configuration: one file in Postfix main.cf style.
 *
 *     # a comment
 *     name = value
 *     local_networks = 127.0.0.0/8, [::1]/128,
 *         192.0.2.0/24            (a line that starts with white space continues the one before)
 *     trusted_relays = mx1.example.org /etc/mailvet/relays   (an absolute path, or file:PATH,
 *                                                            is a map file: one item per line)
 *     score HTML_SCRIPT = 2.5     (a keyed directive: KEYWORD KEY = VALUE)
 *     composite PHISH = SENT_ON_BEHALF and not DKIM_ALLOW
 *
 * Every setting is declared in a typed table (struct mv_setting_def) by the
 * module that reads it, so an unknown name or a bad value is an error that
 * names the file and the line.  A loaded configuration is immutable and
 * reference-counted: a scan holds a reference to the snapshot it started with,
 * so a reload never changes a scan half-way.
 */
#ifndef MAILVET_CONFIG_H
#define MAILVET_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#pragma GCC visibility push(default)

enum mv_setting_type {
	MV_SETTING_BOOL,	/* yes|no, true|false, on|off, 1|0 */
	MV_SETTING_UINT,	/* a count or a size: digits with an optional K, M or G (binary units) */
	MV_SETTING_NUMBER,	/* a decimal number, may be negative: scores */
	MV_SETTING_TIME,	/* a duration: 250ms, 10s, 5m, 2h, 7d, w; a bare number is seconds; kept in ms */
	MV_SETTING_STRING,	/* the value as written, trimmed */
	MV_SETTING_LIST,	/* items split by commas and white space; map files expanded in place */
	MV_SETTING_ENUM,	/* one of the words in `choices` */
};

struct mv_setting_def {
	const char *name;		/* lower case letters, digits and '_' */
	enum mv_setting_type type;
	const char *default_value;	/* as it would be written in the file; "" for an empty list or string */
	double min, max;		/* UINT, NUMBER, TIME (in ms): bounds, inclusive; both 0: unbounded */
	const char *choices;		/* ENUM: the words, separated by '|' */
	const char *description;	/* one line, plain words */
};

/* One module's settings: the tables together are the schema a file is checked against. */
struct mv_setting_table {
	const char *module;		/* "scan", "limits", "envelope", a check's name */
	const struct mv_setting_def *defs;
	size_t n_defs;
};

/* A keyed directive, "KEYWORD KEY = VALUE", in file order; checked by whoever owns KEYWORD. */
struct mv_config_directive {
	const char *keyword;		/* "score", "group", "composite" */
	const char *key;		/* a symbol name */
	const char *value;		/* trimmed, continuation lines joined with one space */
	const char *file;		/* "-o" for a value set with mv_config_set() */
	unsigned line;
};

struct mv_config;

/*
 * Reading: new, then any number of files and single settings (a later value
 * replaces an earlier one, as in Postfix), then finish.  `keywords` is a
 * NULL-terminated list of the directive keywords that are allowed (may be
 * NULL: none).  Errors return -1 with *error_r set to a malloc()ed message
 * that names the file and line ("mailvet.conf:12: unknown setting 'foo'"),
 * which the caller frees.  A configuration that failed must still be unref'd.
 * The tables and their rows must outlive the configuration (they are the
 * modules' static tables; keywords are copied).  NULL only when out of memory.
 * A '$' in a value is a plain byte: there is no $name expansion.
 */
struct mv_config *mv_config_new(const struct mv_setting_table *tables, size_t n_tables,
				const char *const *keywords);
/* Reads a file; when it does not exist and !must_exist, returns 0 and changes nothing. */
int mv_config_read_file(struct mv_config *cfg, const char *path, bool must_exist, char **error_r);
/* Reads configuration text; `file` names it in errors and is the base for relative map files. */
int mv_config_read_text(struct mv_config *cfg, const char *file, const char *text, size_t len, char **error_r);
/*
 * One "name = value" (or "KEYWORD KEY = value"), as from a command-line
 * option.  Its errors and directives name the file "-o" and, as the line,
 * which call it was (1 for the first): "-o:2: max_urls = 'x': ...".  A
 * relative file: map is taken from the current directory.
 */
int mv_config_set(struct mv_config *cfg, const char *assignment, char **error_r);
/*
 * Checks the tables alone: names well-formed and unique, bounds sane, every
 * default valid, no map file in a default.  mv_config_new() does the same and
 * a bad table makes every read and set fail with the message; this is for a
 * test that the tables are right without reading a file.
 */
int mv_config_schema_check(const struct mv_setting_table *tables, size_t n_tables,
			   const char *const *keywords, char **error_r);
/* Makes the configuration immutable; after this only the getters and ref/unref apply. */
void mv_config_finish(struct mv_config *cfg);

struct mv_config *mv_config_ref(struct mv_config *cfg);
void mv_config_unref(struct mv_config **cfg);

/*
 * Getters by setting name.  A name that is not in the schema, or of another
 * type, is the caller's bug: the getters then return 0 / false / "" / no items.
 */
bool mv_config_bool(const struct mv_config *cfg, const char *name);
uint64_t mv_config_uint(const struct mv_config *cfg, const char *name);
double mv_config_number(const struct mv_config *cfg, const char *name);
uint64_t mv_config_time_ms(const struct mv_config *cfg, const char *name);
const char *mv_config_string(const struct mv_config *cfg, const char *name);	/* STRING, ENUM */
const char *const *mv_config_list(const struct mv_config *cfg, const char *name, size_t *n_r);
/* True when the file (or mv_config_set) gave the setting a value. */
bool mv_config_is_set(const struct mv_config *cfg, const char *name);
/* The file that was read (NULL when none was). */
const char *mv_config_path(const struct mv_config *cfg);
/*
 * Where the setting was given its value: the file ("-o" for mv_config_set)
 * and *line_r, for a module that checks the value further (a network, a
 * path) to name in its own message; NULL and 0 when it has its default.
 */
const char *mv_config_where(const struct mv_config *cfg, const char *name, unsigned *line_r);

/*
 * A STRING setting that names a file (dns_zone, batv_key_file): a relative
 * path is taken from the directory of the file that set it, as map files
 * are (from the current directory when set with -o).  malloc()ed; NULL when
 * out of memory.
 */
char *mv_config_file_setting(const struct mv_config *cfg, const char *name);

const struct mv_config_directive *mv_config_directives(const struct mv_config *cfg, size_t *n_r);

enum mv_config_dump {
	MV_CONFIG_DUMP_SET,		/* the settings that were given a value, as in effect (postconf -n) */
	MV_CONFIG_DUMP_ALL,		/* every setting as in effect */
	MV_CONFIG_DUMP_DEFAULTS,	/* every setting's default (postconf -d) */
};

/* Writes the setting's "name = value" line as in effect; -1 when there is no such setting or on a write error. */
int mv_config_print_setting(const struct mv_config *cfg, const char *name, FILE *out);

/* Writes "name = value" lines in schema order (then directives, for SET and ALL); -1 on a write error. */
int mv_config_dump(const struct mv_config *cfg, enum mv_config_dump what, FILE *out);

#pragma GCC visibility pop

#endif
