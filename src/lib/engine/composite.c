/*
 * Composite symbols: "composite NAME = EXPR" in the configuration, where EXPR
 * combines symbol names with and, or, not and parentheses (also &, |, !, as
 * rspamd writes them).  A composite is evaluated after every check has run and
 * is reported, with the score "score NAME = X" gives it (0 otherwise), when its
 * expression is true.  A composite may name composites defined above it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"

#define COMPOSITE_MAX_CODE 256

struct cparser {
	const struct mv_engine *engine;
	const char *p;
	int code[COMPOSITE_MAX_CODE];
	unsigned n;
	const char *error;
	const char *error_at;
	unsigned error_len;
	unsigned depth;
};

static void skip_space(struct cparser *cp)
{
	while (*cp->p == ' ' || *cp->p == '\t')
		cp->p++;
}

static int emit(struct cparser *cp, int op)
{
	if (cp->n == COMPOSITE_MAX_CODE) {
		cp->error = "the expression is too long";
		return -1;
	}
	cp->code[cp->n++] = op;
	return 0;
}

/* The operator word or sign at p, as one of the COMPOSITE_ values, 0 when none; *len_r its length. */
static int op_at(const char *p, size_t *len_r)
{
	static const struct {
		const char *text;
		int op;
		bool word;
	} ops[] = {
		{ "&&", COMPOSITE_AND, false }, { "||", COMPOSITE_OR, false }, { "&", COMPOSITE_AND, false },
		{ "|", COMPOSITE_OR, false }, { "!", COMPOSITE_NOT, false }, { "and", COMPOSITE_AND, true },
		{ "or", COMPOSITE_OR, true }, { "not", COMPOSITE_NOT, true },
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].text);

		if (strncmp(p, ops[i].text, n) == 0 && (!ops[i].word || !(isalnum((unsigned char)p[n]) || p[n] == '_'))) {
			*len_r = n;
			return ops[i].op;
		}
	}
	return 0;
}

static int parse_or(struct cparser *cp);

static int parse_factor(struct cparser *cp)
{
	size_t len;
	int op;

	skip_space(cp);
	if (++cp->depth > 64) {
		cp->error = "the expression nests too deep";
		return -1;
	}
	op = op_at(cp->p, &len);
	if (op == COMPOSITE_NOT) {
		cp->p += len;
		if (parse_factor(cp) < 0 || emit(cp, COMPOSITE_NOT) < 0)
			return -1;
	} else if (*cp->p == '(') {
		cp->p++;
		if (parse_or(cp) < 0)
			return -1;
		skip_space(cp);
		if (*cp->p != ')') {
			cp->error = "a '(' is not closed";
			return -1;
		}
		cp->p++;
	} else {
		const char *start = cp->p;
		int id;

		while (isalnum((unsigned char)*cp->p) || *cp->p == '_')
			cp->p++;
		if (cp->p == start || op != 0) {
			if (*start == '\0') {
				cp->error = "the expression ends where a symbol name is expected";
				return -1;
			}
			cp->error = "a symbol name is expected at";
			cp->error_at = start;
			cp->error_len = 1;
			return -1;
		}
		id = engine_symbol_id(cp->engine, start, (size_t)(cp->p - start));
		if (id < 0) {
			cp->error = "no symbol (or composite above this one) is called";
			cp->error_at = start;
			cp->error_len = (unsigned)(cp->p - start);
			return -1;
		}
		if (emit(cp, id) < 0)
			return -1;
	}
	cp->depth--;
	return 0;
}

static int parse_binary(struct cparser *cp, int which)
{
	if (which == COMPOSITE_AND ? parse_factor(cp) < 0 : parse_binary(cp, COMPOSITE_AND) < 0)
		return -1;
	for (;;) {
		size_t len;

		skip_space(cp);
		if (op_at(cp->p, &len) != which)
			return 0;
		cp->p += len;
		if (which == COMPOSITE_AND ? parse_factor(cp) < 0 : parse_binary(cp, COMPOSITE_AND) < 0)
			return -1;
		if (emit(cp, which) < 0)
			return -1;
	}
}

static int parse_or(struct cparser *cp)
{
	return parse_binary(cp, COMPOSITE_OR);
}

static int add_composite(struct mv_engine *engine, const struct mv_config_directive *d, char **error_r)
{
	struct cparser cp = { .engine = engine, .p = d->value };
	struct engine_composite *c;
	struct engine_symbol *s;
	int *code;

	if (engine_symbol_id(engine, d->key, strlen(d->key)) >= 0) {
		*error_r = engine_error(d->file, d->line, "composite %s: a symbol of that name exists already", d->key);
		return -1;
	}
	if (parse_or(&cp) == 0) {
		skip_space(&cp);
		if (*cp.p != '\0') {
			cp.error = "unexpected text";
			cp.error_at = cp.p;
			cp.error_len = (unsigned)strlen(cp.p);
		}
	}
	if (cp.error != NULL) {
		if (cp.error_at != NULL)
			*error_r = engine_error(d->file, d->line, "composite %s: %s '%.*s'", d->key, cp.error,
						(int)(cp.error_len > 64 ? 64 : cp.error_len), cp.error_at);
		else
			*error_r = engine_error(d->file, d->line, "composite %s: %s", d->key, cp.error);
		return -1;
	}
	code = malloc(cp.n * sizeof(*code));
	c = realloc(engine->composites, (engine->n_composites + 1) * sizeof(*c));
	s = realloc(engine->symbols, (engine->n_symbols + 1) * sizeof(*s));
	if (c != NULL)
		engine->composites = c;
	if (s != NULL)
		engine->symbols = s;
	if (code == NULL || c == NULL || s == NULL) {
		free(code);
		return -1;
	}
	memcpy(code, cp.code, cp.n * sizeof(*code));
	c = &engine->composites[engine->n_composites++];
	c->symbol = engine->n_symbols;
	c->code = code;
	c->n_code = cp.n;
	s = &engine->symbols[engine->n_symbols++];
	memset(s, 0, sizeof(*s));
	s->info.name = d->key;
	s->info.group = "composite";
	s->info.check = "composite";
	s->info.description = d->value;
	s->info.enabled = true;
	s->check = engine->n_checks;
	return 0;
}

/* Index again so that later composites and directives find the new name. */
static int reindex(struct mv_engine *engine)
{
	unsigned *by_name = realloc(engine->by_name, engine->n_symbols * sizeof(*by_name));
	unsigned id = engine->n_symbols - 1;
	size_t lo = 0, hi = engine->n_symbols - 1;

	if (by_name == NULL)
		return -1;
	engine->by_name = by_name;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(engine->symbols[by_name[mid]].info.name, engine->symbols[id].info.name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(by_name + lo + 1, by_name + lo, (engine->n_symbols - 1 - lo) * sizeof(*by_name));
	by_name[lo] = id;
	return 0;
}

int engine_composites_build(struct mv_engine *engine, char **error_r)
{
	size_t n, i;
	const struct mv_config_directive *d = mv_config_directives(engine->cfg, &n);

	for (i = 0; i < n; i++) {
		if (strcmp(d[i].keyword, "composite") != 0)
			continue;
		if (add_composite(engine, &d[i], error_r) < 0 || reindex(engine) < 0)
			return -1;
	}
	return 0;
}

bool engine_composite_eval(const struct engine_composite *c, const unsigned char *present)
{
	bool stack[COMPOSITE_MAX_CODE];
	unsigned sp = 0, i;

	for (i = 0; i < c->n_code; i++) {
		int op = c->code[i];

		if (op >= 0) {
			stack[sp++] = (present[op >> 3] >> (op & 7)) & 1;
		} else if (op == COMPOSITE_NOT) {
			stack[sp - 1] = !stack[sp - 1];
		} else {
			sp--;
			stack[sp - 1] = op == COMPOSITE_AND ? stack[sp - 1] && stack[sp] : stack[sp - 1] || stack[sp];
		}
	}
	return sp == 1 && stack[0];
}
