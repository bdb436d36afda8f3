/*
 * What checks add to a report: symbols with their detail and options, and
 * the facts every report has (Message-ID, Date, the Received hops).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/task_int.h"
#include "util/arena_fmt.h"

const char *mv_action_name(enum mv_action action)
{
	switch (action) {
	case MV_ACTION_ACCEPT:
		return "accept";
	case MV_ACTION_TAG:
		return "tag";
	case MV_ACTION_QUARANTINE:
		return "quarantine";
	case MV_ACTION_TEMPFAIL:
		return "tempfail";
	case MV_ACTION_REJECT:
		return "reject";
	}
	return "accept";
}

int check_snippet_len(mv_str s, int max)
{
	int n = s.len < (size_t)max ? (int)s.len : max;

	/* Don't cut a UTF-8 sequence in half. */
	while (n > 0 && (size_t)n < s.len && ((unsigned char)s.p[n] & 0xC0) == 0x80)
		n--;
	return n;
}

struct mv_msg *task_msg(const struct mv_task *task)
{
	return task->msg;
}

struct mv_report *task_report(const struct mv_task *task)
{
	return task->report;
}

const struct mv_envelope *task_envelope(const struct mv_task *task)
{
	return &task->report->envelope;
}

mv_arena *task_arena(const struct mv_task *task)
{
	return task->msg->arena;
}

void task_require_action(struct mv_task *task, enum mv_action action)
{
	if (action > task->report->min_action)
		task->report->min_action = action;
}

void **task_check_slot(struct mv_task *task)
{
	return &task->checks[task->current].slot;
}

/* The report's entry for symbol id, made when absent; NULL when disabled or out of memory (*failed_r). */
static struct mv_symbol *symbol_entry(struct mv_task *task, unsigned id, bool *failed_r, bool *added_r)
{
	struct mv_report *report = task->report;
	const struct engine_symbol *def = &task->engine->symbols[id];
	struct mv_symbol *sym;
	unsigned i;

	*failed_r = false;
	*added_r = false;
	if (!def->info.enabled)
		return NULL;
	for (i = 0; i < report->n_symbols; i++) {
		if (report->symbols[i].id == id)
			return &report->symbols[i];
	}
	if (report->n_symbols == report->symbols_cap) {
		unsigned cap = report->symbols_cap != 0 ? report->symbols_cap * 2 : 16;
		struct mv_symbol *s = mv_arena_realloc(task->msg->arena, report->symbols,
						       report->symbols_cap * sizeof(*s), cap * sizeof(*s));

		if (s == NULL) {
			*failed_r = true;
			return NULL;
		}
		report->symbols = s;
		report->symbols_cap = cap;
	}
	sym = &report->symbols[report->n_symbols++];
	memset(sym, 0, sizeof(*sym));
	sym->id = id;
	sym->name = def->info.name;
	sym->group = def->info.group;
	sym->score = def->info.score;
	report->score += def->info.score;
	*added_r = true;
	return sym;
}

static int symbol_add_v(struct mv_task *task, unsigned id, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static int symbol_add_v(struct mv_task *task, unsigned id, const char *fmt, va_list ap)
{
	bool failed, added;
	struct mv_symbol *sym = symbol_entry(task, id, &failed, &added);

	if (sym == NULL || !added || fmt == NULL)
		return failed ? -1 : 0;
	sym->detail = arena_vfmt(task->msg->arena, 512, fmt, ap);
	return 0;
}

int task_symbol_v(struct mv_task *task, unsigned sym, const char *fmt, va_list ap)
{
	const struct engine_check *c = &task->engine->checks[task->current];

	if (sym >= c->def->n_symbols)
		return -1;
	return symbol_add_v(task, c->first_symbol + sym, fmt, ap);
}

int task_symbol_id(struct mv_task *task, int id, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (id < 0)
		return 0;
	va_start(ap, fmt);
	rc = symbol_add_v(task, (unsigned)id, fmt, ap);
	va_end(ap);
	return rc;
}

int task_symbol(struct mv_task *task, unsigned sym, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = task_symbol_v(task, sym, fmt, ap);
	va_end(ap);
	return rc;
}

int task_symbol_option(struct mv_task *task, unsigned sym, mv_str option)
{
	const struct engine_check *c = &task->engine->checks[task->current];
	bool failed, added;
	struct mv_symbol *s;
	mv_str *options;
	char *copy;

	if (sym >= c->def->n_symbols)
		return -1;
	s = symbol_entry(task, c->first_symbol + sym, &failed, &added);
	if (s == NULL)
		return failed ? -1 : 0;
	/* Room for 4, then doubled each time it is full: full exactly when the count is 4, 8, 16, ... */
	if (s->n_options == 0 || (s->n_options >= 4 && (s->n_options & (s->n_options - 1)) == 0)) {
		unsigned cap = s->n_options != 0 ? s->n_options * 2 : 4;

		options = mv_arena_realloc(task->msg->arena, s->options, s->n_options * sizeof(*options),
					   cap * sizeof(*options));
		if (options == NULL)
			return -1;
		s->options = options;
	}
	copy = mv_arena_strndup(task->msg->arena, option.p != NULL ? option.p : "", option.len);
	if (copy == NULL)
		return -1;
	s->options[s->n_options++] = mv_str_make(copy, option.len);
	return 0;
}

int task_report_memory(struct mv_task *task)
{
	static const char detail[] = "the per-message memory ceiling was reached; some of the scan was skipped";
	int id = task->engine->memory_symbol;
	bool failed, added;
	struct mv_symbol *sym;

	if (id < 0 || !(task->msg->problems & MV_PROB_MEMORY))
		return 0;
	sym = symbol_entry(task, (unsigned)id, &failed, &added);
	/* The arena is full: a detail from static memory. */
	if (sym != NULL && added)
		sym->detail = MV_STR_LIT(detail);
	return failed ? -1 : 0;
}

int task_composites(struct mv_task *task)
{
	const struct mv_engine *engine = task->engine;
	struct mv_report *report = task->report;
	unsigned char *present = mv_arena_calloc(task->msg->arena, engine->n_symbols / 8 + 1, 1);
	unsigned i;

	if (present == NULL)
		return -1;
	for (i = 0; i < report->n_symbols; i++)
		present[report->symbols[i].id >> 3] |= (unsigned char)(1u << (report->symbols[i].id & 7));
	for (i = 0; i < engine->n_composites; i++) {
		const struct engine_composite *c = &engine->composites[i];
		bool failed, added;

		if (!engine_composite_eval(c, present))
			continue;
		/* Later composites may name this one. */
		present[c->symbol >> 3] |= (unsigned char)(1u << (c->symbol & 7));
		if (symbol_entry(task, c->symbol, &failed, &added) == NULL && failed)
			return -1;
	}
	return 0;
}

const struct mv_symbol *mv_report_symbol(const struct mv_report *report, const char *name)
{
	unsigned i;

	for (i = 0; i < report->n_symbols; i++) {
		if (strcmp(report->symbols[i].name, name) == 0)
			return &report->symbols[i];
	}
	return NULL;
}

static int collect_received(struct mv_report *report)
{
	struct mv_msg *msg = report->msg;
	unsigned n = mv_part_header_count(msg->root, "Received"), i = 0;
	const struct mv_header *h;

	if (n == 0)
		return 0;
	report->received = mv_arena_calloc(msg->arena, n, sizeof(*report->received));
	if (report->received == NULL)
		return -1;
	for (h = mv_part_header(msg->root, "Received"); h != NULL && i < n; h = mv_part_header_next(msg->root, h)) {
		if (mv_received_parse(msg->arena, h->value, &report->received[i]) < 0)
			return -1;
		i++;
	}
	report->n_received = i;
	return 0;
}

int report_collect(struct mv_task *task)
{
	struct mv_report *report = task->report;
	struct mv_msg *msg = task->msg;
	const struct mv_header *h;
	int zone;

	if (msg->root->n_headers == 0)
		return 0;
	h = mv_part_header(msg->root, "Message-ID");
	if (h != NULL)
		report->message_id = mv_msgid_parse(msg->arena, h->value);
	h = mv_part_header(msg->root, "Date");
	if (h != NULL && mv_date_parse(h->value, &report->date, &zone) == 0)
		report->date_valid = true;
	return collect_received(report);
}

const char *mv_auth_result_name(enum mv_auth_result result)
{
	static const char *const names[] = { "none", "pass", "fail", "softfail", "neutral", "temperror",
					     "permerror", "policy", "untrusted", "signer_mismatch" };

	return (unsigned)result < sizeof(names) / sizeof(names[0]) ? names[result] : "none";
}
