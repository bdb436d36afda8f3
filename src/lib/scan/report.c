/* Building a report: symbols with their details, the score and the action. */
#include <stdarg.h>
#include <stdio.h>

#include "mailvet/scan.h"

const char *mv_action_name(enum mv_action action)
{
	switch (action) {
	case MV_ACTION_ACCEPT:
		return "accept";
	case MV_ACTION_TAG:
		return "tag";
	case MV_ACTION_QUARANTINE:
		return "quarantine";
	case MV_ACTION_REJECT:
		return "reject";
	}
	return "accept";
}

void mv_scan_config_defaults(struct mv_scan_config *config)
{
	config->tag_score = 5.0;
	config->quarantine_score = 10.0;
	config->reject_score = 15.0;
}

int mv_report_add(struct mv_report *report, enum mv_symbol_id id, const char *fmt, ...)
{
	mv_arena *arena = report->msg->arena;
	const struct mv_symbol_def *def = mv_symbol_def(id);
	struct mv_symbol *sym;
	char tmp[512];
	va_list ap;
	int n;
	unsigned i;

	/* One entry per symbol: the first detail is the one shown. */
	for (i = 0; i < report->n_symbols; i++) {
		if (report->symbols[i].id == id)
			return 0;
	}
	if (report->n_symbols == report->symbols_cap) {
		unsigned cap = report->symbols_cap != 0 ? report->symbols_cap * 2 : 16;
		struct mv_symbol *s = mv_arena_realloc(arena, report->symbols,
						       report->symbols_cap * sizeof(*s), cap * sizeof(*s));

		if (s == NULL)
			return -1;
		report->symbols = s;
		report->symbols_cap = cap;
	}
	sym = &report->symbols[report->n_symbols];
	sym->id = id;
	sym->name = def->name;
	sym->score = def->score;
	sym->detail = MV_STR_NULL;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0) {
		size_t len = (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1;
		char *d = mv_arena_strndup(arena, tmp, len);

		if (d != NULL)
			sym->detail = mv_str_make(d, len);
	}
	report->n_symbols++;
	report->score += def->score;
	return 0;
}
