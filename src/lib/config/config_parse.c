/*
 * The file grammar (Postfix main.cf): physical lines become logical lines,
 * and each logical line is "name = value" or "KEYWORD KEY = value".
 *
 * A line whose first non-blank byte is '#' is a comment; a '#' anywhere else
 * is part of the value.  A line that starts with white space continues the
 * logical line before it, joined with one space; after a comment, a blank
 * line or at the start of the file there is nothing to continue, and that is
 * an error rather than a guess.  No $name expansion: '$' is a plain byte.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"

enum prev_line {
	PREV_NONE,
	PREV_COMMENT,
	PREV_BLANK,
	PREV_LINE,
};

static const char *const prev_text[] = {
	[PREV_NONE] = "it is the first line",
	[PREV_COMMENT] = "the line before is a comment",
	[PREV_BLANK] = "the line before is blank",
	[PREV_LINE] = "",
};

/* The logical line being gathered, NUL-terminated, at most CFG_MAX_LINE bytes. */
struct logical {
	char *p;
	size_t len, cap;
	unsigned line;
};

static int logical_add(struct logical *l, const char *s, size_t n, bool space)
{
	size_t need = l->len + n + (space ? 1 : 0);
	char *p;

	if (need > CFG_MAX_LINE)
		return 1;
	if (need + 1 > l->cap) {
		size_t cap = l->cap == 0 ? 256 : l->cap;

		while (cap < need + 1)
			cap *= 2;
		p = realloc(l->p, cap);
		if (p == NULL)
			return -1;
		l->p = p;
		l->cap = cap;
	}
	if (space)
		l->p[l->len++] = ' ';
	memcpy(l->p + l->len, s, n);
	l->len += n;
	l->p[l->len] = '\0';
	return 0;
}

static int flush(struct mv_config *cfg, const struct cfg_src *file_src, struct logical *l, char **error_r)
{
	struct cfg_src src = *file_src;

	if (l->len == 0)
		return 0;
	l->len = 0;
	src.line = l->line;
	return cfg_parse_line(cfg, &src, l->p, error_r);
}

int cfg_parse_text(struct mv_config *cfg, const struct cfg_src *file_src, const char *text, size_t len,
		   char **error_r)
{
	struct cfg_src src = *file_src;
	struct logical l = { .p = NULL };
	enum prev_line prev = PREV_NONE;
	const char *p = text, *end = text + len;
	int r = 0, added;

	src.line = 0;
	while (p < end && r == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e = nl != NULL ? nl : end;

		p = nl != NULL ? nl + 1 : end;
		src.line++;
		if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
			r = cfg_error(error_r, &src, "a NUL byte in the line");
			break;
		}
		while (e > s && cfg_is_space(e[-1]))
			e--;
		if (e == s || *s == '#') {
			/* blank or comment: a comment at the start of a line was handled just above */
			r = flush(cfg, &src, &l, error_r);
			prev = e == s ? PREV_BLANK : PREV_COMMENT;
			continue;
		}
		if (cfg_is_space(*s)) {
			while (cfg_is_space(*s))
				s++;
			if (*s == '#') {
				r = flush(cfg, &src, &l, error_r);
				prev = PREV_COMMENT;
				continue;
			}
			if (prev != PREV_LINE) {
				r = cfg_error(error_r, &src, "this line starts with white space, so it continues the "
					      "line before, but %s", prev_text[prev]);
				break;
			}
			added = logical_add(&l, s, (size_t)(e - s), true);
		} else {
			r = flush(cfg, &src, &l, error_r);
			if (r != 0)
				break;
			l.line = src.line;
			added = logical_add(&l, s, (size_t)(e - s), false);
			prev = PREV_LINE;
		}
		if (added > 0) {
			src.line = l.line;
			r = cfg_error(error_r, &src, "a line longer than 1 MiB (continuation lines included)");
		} else if (added < 0) {
			r = cfg_error(error_r, &src, "out of memory");
		}
	}
	if (r == 0)
		r = flush(cfg, &src, &l, error_r);
	free(l.p);
	return r;
}

static char *skip_space(char *p)
{
	while (cfg_is_space(*p))
		p++;
	return p;
}

static char *skip_word(char *p)
{
	while (*p != '\0' && *p != '=' && !cfg_is_space(*p))
		p++;
	return p;
}

static int syntax_error(struct mv_config *cfg, const struct cfg_src *src, const char *line, char **error_r)
{
	struct cfg_quoted q;

	return cfg_error(error_r, src, "%s: expected 'name = value'%s", cfg_quote(&q, line),
			 cfg->keywords != NULL && cfg->keywords[0] != NULL ? " or 'KEYWORD KEY = value'" : "");
}

static int setting(struct mv_config *cfg, const struct cfg_src *src, const char *name, const char *value,
		   char **error_r)
{
	struct cfg_quoted q;
	const char *close;
	long idx;

	if (!cfg_name_valid(name, false) || (idx = cfg_lookup(cfg, name)) < 0) {
		close = cfg_suggest(cfg, name);
		if (close != NULL)
			return cfg_error(error_r, src, "unknown setting %s (did you mean '%s'?)",
					 cfg_quote(&q, name), close);
		if (cfg_is_keyword(cfg, name))
			return cfg_error(error_r, src, "unknown setting '%s' ('%s' is a directive: '%s KEY = value')",
					 name, name, name);
		return cfg_error(error_r, src, "unknown setting %s", cfg_quote(&q, name));
	}
	return cfg_value_assign(cfg, src, (size_t)idx, value, error_r);
}

static int keyword_error(struct mv_config *cfg, const struct cfg_src *src, const char *word, char **error_r)
{
	struct cfg_quoted q;
	char *allowed = NULL, *next;
	char *const *k;
	int r;

	if (cfg->keywords == NULL || cfg->keywords[0] == NULL)
		return cfg_error(error_r, src, "%s is not a directive keyword (no directives are allowed here)",
				 cfg_quote(&q, word));
	for (k = cfg->keywords; *k != NULL; k++) {
		if (asprintf(&next, "%s%s%s", allowed != NULL ? allowed : "", allowed != NULL ? ", " : "", *k) < 0)
			next = NULL;
		free(allowed);
		allowed = next;
		if (allowed == NULL)
			return cfg_error(error_r, src, "out of memory");
	}
	r = cfg_error(error_r, src, "%s is not a directive keyword (allowed: %s)", cfg_quote(&q, word), allowed);
	free(allowed);
	return r;
}

/* One logical line: trimmed, not empty, not a comment; written to (words are cut out in place). */
int cfg_parse_line(struct mv_config *cfg, const struct cfg_src *src, char *line, char **error_r)
{
	char *word1 = line, *end1, *word2, *end2, *p;
	struct cfg_quoted q;

	end1 = skip_word(word1);
	p = skip_space(end1);
	if (end1 == word1)
		return syntax_error(cfg, src, line, error_r);
	if (*p == '=') {
		*end1 = '\0';
		return setting(cfg, src, word1, skip_space(p + 1), error_r);
	}
	word2 = p;
	end2 = skip_word(word2);
	p = skip_space(end2);
	if (end2 == word2 || *p != '=')
		return syntax_error(cfg, src, line, error_r);
	*end1 = '\0';
	*end2 = '\0';
	if (!cfg_is_keyword(cfg, word1))
		return keyword_error(cfg, src, word1, error_r);
	if (!cfg_name_valid(word2, true))
		return cfg_error(error_r, src, "%s %s: the key is not letters, digits and '_'",
				 word1, cfg_quote(&q, word2));
	return cfg_directive_add(cfg, src, word1, word2, skip_space(p + 1), error_r);
}
