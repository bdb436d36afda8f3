/*
 * What checks ask the MTA to do beside the action: changes to the header and
 * the envelope (a receipt request removed, a BATV tag added or taken off),
 * and the text of the SMTP reply.  The milter applies them; `mailvet scan
 * --rewrite` writes the changed message.
 */
#include <stdarg.h>
#include <string.h>

#include "engine/task_int.h"
#include "util/arena_fmt.h"

const char *mv_change_op_name(enum mv_change_op op)
{
	switch (op) {
	case MV_CHANGE_REMOVE_HEADER:
		return "remove_header";
	case MV_CHANGE_ADD_HEADER:
		return "add_header";
	case MV_CHANGE_CHANGE_FROM:
		return "change_from";
	case MV_CHANGE_CHANGE_RCPT:
		return "change_rcpt";
	}
	return "remove_header";
}

static mv_str arena_copy(mv_arena *arena, mv_str s, bool *failed)
{
	char *p;

	if (s.len == 0)
		return MV_STR_NULL;
	p = mv_arena_strndup(arena, s.p, s.len);
	if (p == NULL) {
		*failed = true;
		return MV_STR_NULL;
	}
	return mv_str_make(p, s.len);
}

int task_change(struct mv_task *task, enum mv_change_op op, mv_str name, mv_str value, mv_str old, unsigned index,
		const char *reason_fmt, ...)
{
	struct mv_report *report = task->report;
	mv_arena *arena = task->msg->arena;
	struct mv_change *c;
	bool failed = false;
	va_list ap;

	if (report->n_changes == report->changes_cap) {
		unsigned cap = report->changes_cap != 0 ? report->changes_cap * 2 : 4;
		struct mv_change *n = mv_arena_realloc(arena, report->changes, report->changes_cap * sizeof(*n),
						       cap * sizeof(*n));

		if (n == NULL)
			return -1;
		report->changes = n;
		report->changes_cap = cap;
	}
	c = &report->changes[report->n_changes];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->index = index;
	c->name = arena_copy(arena, name, &failed);
	c->value = arena_copy(arena, value, &failed);
	c->old = arena_copy(arena, old, &failed);
	if (reason_fmt != NULL) {
		va_start(ap, reason_fmt);
		c->reason = arena_vfmt(arena, ARENA_FMT_MAX, reason_fmt, ap);
		va_end(ap);
	}
	if (failed)
		return -1;
	report->n_changes++;
	return 0;
}

int task_reply(struct mv_task *task, const char *fmt, ...)
{
	struct mv_report *report = task->report;
	va_list ap;

	if (report->reply.len != 0)
		return 0;
	va_start(ap, fmt);
	report->reply = arena_vfmt(task->msg->arena, ARENA_FMT_MAX, fmt, ap);
	va_end(ap);
	return report->reply.p == NULL ? -1 : 0;
}
