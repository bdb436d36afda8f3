/*
 * Typed values: each type's syntax and bounds, and the message that says
 * what was wrong and what would be accepted.  Defaults go through the same
 * code as a file's values.  Numbers are read in the C locale whatever the
 * program's, so "2.5" means the same everywhere.
 */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"

static const struct {
	const char *unit;
	uint64_t ms;
} time_units[] = {
	/* longest first, so "ms" is not read as minutes */
	{ "w", 7 * 24 * 3600 * 1000ULL }, { "d", 24 * 3600 * 1000ULL }, { "h", 3600 * 1000ULL },
	{ "ms", 1 }, { "m", 60 * 1000ULL }, { "s", 1000 },
};

static bool bounded(const struct mv_setting_def *def)
{
	return def->min != 0 || def->max != 0;
}

/* A size with the largest binary unit it is a whole multiple of: "64M". */
static void format_size(char *buf, size_t size, double value)
{
	static const char units[] = "GMK";
	uint64_t v;
	unsigned i;

	if (!(value >= 0 && value < 18446744073709551616.0)) {
		snprintf(buf, size, "%g", value);
		return;
	}
	v = (uint64_t)value;

	for (i = 0; i < 3 && v != 0; i++) {
		unsigned shift = 30 - 10 * i;

		if (v % ((uint64_t)1 << shift) == 0) {
			snprintf(buf, size, "%llu%c", (unsigned long long)(v >> shift), units[i]);
			return;
		}
	}
	snprintf(buf, size, "%llu", (unsigned long long)v);
}

/* A duration in ms with the largest unit it is a whole multiple of: "1h", "1500ms". */
static void format_time(char *buf, size_t size, double value)
{
	uint64_t v;
	size_t i;

	if (!(value >= 0 && value < 18446744073709551616.0)) {
		snprintf(buf, size, "%gms", value);
		return;
	}
	v = (uint64_t)value;

	for (i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++) {
		if (v != 0 && v % time_units[i].ms == 0 && time_units[i].ms != 1) {
			snprintf(buf, size, "%llu%s", (unsigned long long)(v / time_units[i].ms), time_units[i].unit);
			return;
		}
	}
	snprintf(buf, size, v == 0 ? "0s" : "%llums", (unsigned long long)v);
}

/* "a|b|c" as "one of: a, b, c". */
static char *enum_words(const char *choices)
{
	static const char head[] = "one of: ";
	size_t n = strlen(head), bars = 0;
	const char *p;
	char *text, *o;

	for (p = choices; *p != '\0'; p++)
		bars += *p == '|';
	text = malloc(n + strlen(choices) + bars + 1);
	if (text == NULL)
		return NULL;
	memcpy(text, head, n);
	for (o = text + n, p = choices; *p != '\0'; p++) {
		if (*p == '|') {
			*o++ = ',';
			*o++ = ' ';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return text;
}

/* What the setting accepts, in words: the end of every value error. malloc()ed; NULL when out of memory. */
static char *accepted(const struct mv_setting_def *def)
{
	char lo[64] = "", hi[64] = "", *text = NULL;
	const char *what = "";
	int n = 0;

	switch (def->type) {
	case MV_SETTING_BOOL:
		return strdup("yes or no, true or false, on or off, 1 or 0");
	case MV_SETTING_STRING:
	case MV_SETTING_LIST:
		return strdup("any text");
	case MV_SETTING_ENUM:
		return enum_words(def->choices);
	case MV_SETTING_UINT:
		what = "digits with an optional K, M or G";
		format_size(lo, sizeof(lo), def->min);
		format_size(hi, sizeof(hi), def->max);
		break;
	case MV_SETTING_NUMBER:
		what = "a decimal number such as 2.5 or -1";
		snprintf(lo, sizeof(lo), "%g", def->min);
		snprintf(hi, sizeof(hi), "%g", def->max);
		break;
	case MV_SETTING_TIME:
		what = "a number followed by ms, s, m, h, d or w, or a number of seconds";
		format_time(lo, sizeof(lo), def->min);
		format_time(hi, sizeof(hi), def->max);
		break;
	}
	if (bounded(def))
		n = asprintf(&text, "%s, from %s to %s", what, lo, hi);
	else
		n = asprintf(&text, "%s", what);
	return n < 0 ? NULL : text;
}

static int value_error(const struct cfg_src *src, const struct mv_setting_def *def, const char *value,
		       const char *what, char **error_r)
{
	struct cfg_quoted q;
	char *acc = accepted(def);
	int r;

	r = cfg_error(error_r, src, "%s = %s: %s (%s)", def->name, cfg_quote(&q, value), what,
		      acc != NULL ? acc : "out of memory");
	free(acc);
	return r;
}

static bool parse_bool(const char *s, bool *b_r)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
			*b_r = strcasecmp(s, yes[i]) == 0;
			return true;
		}
	}
	return false;
}

/* Digits into *v_r; 1 when they overflow, -1 when there are none. Leaves *s_r after them. */
static int parse_digits(const char **s_r, uint64_t *v_r)
{
	const char *s = *s_r;
	uint64_t v = 0;
	int over = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	*s_r = s;
	*v_r = v;
	return over;
}

/* 0, -1 (syntax) or 1 (too large). */
static int parse_uint(const char *s, uint64_t *v_r)
{
	unsigned shift = 0;
	int r = parse_digits(&s, v_r);

	if (r < 0)
		return -1;
	switch (*s) {
	case 'K': case 'k': shift = 10; s++; break;
	case 'M': case 'm': shift = 20; s++; break;
	case 'G': case 'g': shift = 30; s++; break;
	}
	if (*s != '\0')
		return -1;
	if (r > 0 || *v_r > UINT64_MAX >> shift)
		return 1;
	*v_r <<= shift;
	return 0;
}

/* "1.5s" is 1500 ms; a bare number is seconds. 0, -1 (syntax) or 1 (too large). */
static int parse_time(const char *s, uint64_t *ms_r)
{
	uint64_t whole, frac = 0, mult = 0, ms;
	long double frac_scale = 1;
	unsigned frac_digits = 0;
	size_t i;
	int over = parse_digits(&s, &whole);

	if (over < 0)
		return -1;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++) {
			/* digits past the 18th are far below a millisecond */
			if (frac_digits < 18) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				frac_scale *= 10;
				frac_digits++;
			}
		}
	}
	if (*s == '\0')
		mult = 1000;
	for (i = 0; mult == 0 && i < sizeof(time_units) / sizeof(time_units[0]); i++) {
		if (strcmp(s, time_units[i].unit) == 0)
			mult = time_units[i].ms;
	}
	if (mult == 0)
		return -1;
	if (over > 0 || whole > UINT64_MAX / mult)
		return 1;
	ms = whole * mult;
	/* rounded to the nearest ms; below 1 s * 604800000, so the cast cannot overflow */
	whole = (uint64_t)((long double)frac / frac_scale * (long double)mult + 0.5L);
	if (ms > UINT64_MAX - whole)
		return 1;
	*ms_r = ms + whole;
	return 0;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* strtod's decimal forms only (no hex, inf or nan); 0, -1 (syntax) or 1 (not finite). */
static int parse_number(const char *s, double *d_r)
{
	char *end;

	if (strchr("+-.0123456789", *s) == NULL || *s == '\0' || strpbrk(s, "xXnN") != NULL)
		return -1;
	pthread_once(&c_locale_once, c_locale_init);
	*d_r = c_locale != (locale_t)0 ? strtod_l(s, &end, c_locale) : strtod(s, &end);
	if (end == s || *end != '\0')
		return -1;
	return isfinite(*d_r) ? 0 : 1;
}

static bool enum_match(const char *choices, const char *s)
{
	size_t len = strlen(s);
	const char *p = choices, *bar;

	for (;;) {
		bar = strchr(p, '|');
		if ((size_t)((bar != NULL ? bar : p + strlen(p)) - p) == len && strncmp(p, s, len) == 0)
			return len != 0;
		if (bar == NULL)
			return false;
		p = bar + 1;
	}
}

static int check_bounds(const struct cfg_src *src, const struct mv_setting_def *def, const char *text,
			long double v, char **error_r)
{
	if (!bounded(def))
		return 0;
	if (v < (long double)def->min)
		return value_error(src, def, text, "too small", error_r);
	if (v > (long double)def->max)
		return value_error(src, def, text, "too large", error_r);
	return 0;
}

int cfg_value_parse(struct mv_config *cfg, const struct cfg_src *src, const struct mv_setting_def *def,
		    const char *text, bool is_default, struct cfg_value *out, char **error_r)
{
	size_t in_effect = 0;
	int r = 0;

	memset(out, 0, sizeof(*out));
	switch (def->type) {
	case MV_SETTING_BOOL:
		if (!parse_bool(text, &out->v.b))
			return value_error(src, def, text, "not a boolean", error_r);
		break;
	case MV_SETTING_UINT:
		r = parse_uint(text, &out->v.u);
		if (r != 0)
			return value_error(src, def, text, r < 0 ? "not a number" : "too large", error_r);
		r = check_bounds(src, def, text, (long double)out->v.u, error_r);
		break;
	case MV_SETTING_NUMBER:
		r = parse_number(text, &out->v.d);
		if (r != 0)
			return value_error(src, def, text, r < 0 ? "not a number" : "not a finite number", error_r);
		r = check_bounds(src, def, text, (long double)out->v.d, error_r);
		break;
	case MV_SETTING_TIME:
		r = parse_time(text, &out->v.u);
		if (r != 0)
			return value_error(src, def, text, r < 0 ? "not a duration" : "too large", error_r);
		r = check_bounds(src, def, text, (long double)out->v.u, error_r);
		break;
	case MV_SETTING_ENUM:
		if (!enum_match(def->choices, text))
			return value_error(src, def, text, "not a choice", error_r);
		break;
	case MV_SETTING_STRING:
		break;
	case MV_SETTING_LIST:
		if (!is_default) {
			long idx = cfg_lookup(cfg, def->name);

			if (idx >= 0 && cfg->values[idx].set)
				in_effect = cfg->values[idx].n_items;
		}
		/* The new list may take what the one it replaces frees. */
		r = cfg_list_parse(cfg, src, def, text, !is_default,
				   CFG_MAX_ITEMS - (cfg->total_items - in_effect), out, error_r);
		break;
	}
	if (r == 0 && (out->text = strdup(text)) == NULL)
		r = cfg_error(error_r, src, "out of memory");
	if (r != 0)
		cfg_value_clear(out);
	return r;
}

void cfg_value_clear(struct cfg_value *v)
{
	free(v->text);
	free(v->items);
	free(v->block);
	memset(v, 0, sizeof(*v));
}

/* Later wins: the value replaces the one before only once it parsed. */
int cfg_value_assign(struct mv_config *cfg, const struct cfg_src *src, size_t idx, const char *text,
		     char **error_r)
{
	struct cfg_value v, *old = &cfg->values[idx];

	if (cfg_value_parse(cfg, src, cfg->defs[idx], text, false, &v, error_r) != 0)
		return -1;
	v.file = cfg_file_name(cfg, src->file);
	if (v.file == NULL) {
		cfg_value_clear(&v);
		return cfg_error(error_r, src, "out of memory");
	}
	v.line = src->line;
	v.set = true;
	cfg->total_items -= old->n_items;
	cfg->total_items += v.n_items;
	cfg_value_clear(old);
	*old = v;
	return 0;
}
