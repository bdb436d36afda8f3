/*
 * Writing the configuration back as a file would say it (postconf -n, -d):
 * each value as written, so that reading the output gives the same
 * configuration.  A list is written item by item, joined with ", ", and a
 * map file stays its name, not the items it held.
 */
#include <stdio.h>
#include <string.h>

#include "config/config_int.h"

static int put_value(FILE *out, const struct mv_setting_def *def, const char *text)
{
	const char *p = text, *end = text + strlen(text), *item;
	size_t len;
	int n = 0, r = fputs(def->name, out) < 0 ? -1 : 0;

	if (def->type != MV_SETTING_LIST) {
		r |= fprintf(out, *text != '\0' ? " = %s\n" : " =\n", text) < 0 ? -1 : 0;
		return r;
	}
	r |= fputs(" =", out) < 0 ? -1 : 0;
	while (cfg_list_next(&p, end, &item, &len))
		r |= fprintf(out, "%s %.*s", n++ != 0 ? "," : "", (int)len, item) < 0 ? -1 : 0;
	r |= putc('\n', out) == EOF ? -1 : 0;
	return r;
}

int mv_config_dump(const struct mv_config *cfg, enum mv_config_dump what, FILE *out)
{
	const struct mv_config_directive *d;
	const struct cfg_value *v;
	size_t i;
	int r = 0;

	for (i = 0; i < cfg->n_defs; i++) {
		v = &cfg->values[i];
		if (what == MV_CONFIG_DUMP_SET && !v->set)
			continue;
		r |= put_value(out, cfg->defs[i],
			       what != MV_CONFIG_DUMP_DEFAULTS && v->set ? v->text : cfg->defs[i]->default_value);
	}
	for (i = 0; what != MV_CONFIG_DUMP_DEFAULTS && i < cfg->n_dirs; i++) {
		d = &cfg->dirs[i];
		r |= fprintf(out, *d->value != '\0' ? "%s %s = %s\n" : "%s %s =\n", d->keyword, d->key,
			     d->value) < 0 ? -1 : 0;
	}
	if (fflush(out) != 0 || ferror(out))
		r = -1;
	return r;
}

int mv_config_print_setting(const struct mv_config *cfg, const char *name, FILE *out)
{
	long i = cfg_lookup(cfg, name);
	const struct cfg_value *v;

	if (i < 0)
		return -1;
	v = &cfg->values[i];
	return put_value(out, cfg->defs[i], v->set ? v->text : cfg->defs[i]->default_value);
}
