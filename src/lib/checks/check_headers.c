/*
 * The fields every message must have, a Date that can be read, and a From
 * field a mail client reads the way its writer meant.
 */
#include <string.h>

#include "engine/check.h"

enum { SYM_MISSING_FROM, SYM_MISSING_DATE, SYM_MISSING_MESSAGE_ID, SYM_BAD_DATE, SYM_FROM_MALFORMED };

static const struct check_symbol symbols[] = {
	[SYM_MISSING_FROM] = { "MISSING_FROM", "headers", 2.0,
		"no From field: the message does not say who wrote it" },
	[SYM_MISSING_DATE] = { "MISSING_DATE", "headers", 1.0,
		"no Date field, which RFC 5322 requires" },
	[SYM_MISSING_MESSAGE_ID] = { "MISSING_MESSAGE_ID", "headers", 0.5,
		"no Message-ID field" },
	[SYM_BAD_DATE] = { "BAD_DATE", "headers", 1.0,
		"the Date field cannot be read as a date" },
	[SYM_FROM_MALFORMED] = { "FROM_MALFORMED", "headers", 1.5,
		"the From field breaks RFC 5322 (phishing does it on purpose, so that a filter reads another "
		"address than the one a mail client shows), or holds several addresses and no Sender" },
};

#define SHOW_MAX 160

/* The field's value on one line, trimmed and cut, into buf. */
static const char *one_line(mv_str v, char buf[SHOW_MAX + 4])
{
	size_t i, n = 0;

	v = mv_str_trim(v);
	for (i = 0; i < v.len && n < SHOW_MAX; i++) {
		char c = v.p[i];

		if (c == '\r' || c == '\n' || c == '\t')
			c = ' ';
		if (c == ' ' && n != 0 && buf[n - 1] == ' ')
			continue;
		buf[n++] = c;
	}
	if (i < v.len) {
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
			n--;	/* not inside a UTF-8 sequence */
		if (n > 0 && (unsigned char)buf[n - 1] >= 0xc0)
			n--;
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * What a mail client shows of a From field that breaks the syntax (the
 * address parser recovers it as they do, and flags MV_ADDR_BAD), or of one
 * with several mailboxes and no Sender (RFC 5322 3.6.2): the first.
 */
static int check_from(struct mv_task *task, struct mv_msg *msg, const struct mv_header *h)
{
	const struct mv_addr *from = mv_msg_from(msg);
	char raw[SHOW_MAX + 4];
	struct mv_addr *list;
	int n = 0, i, with_address = 0;

	if (from == NULL || !(from->flags & MV_ADDR_BAD)) {
		if (from == NULL || h->value.len == 0 || memchr(h->value.p, ',', h->value.len) == NULL ||
		    mv_part_header(msg->root, "Sender") != NULL)
			return MV_OK;
		n = mv_addr_parse_list(task_arena(task), h->value, 0, &list);
		if (n < 0)
			return MV_NOMEM;
		for (i = 0; i < n; i++)
			with_address += list[i].domain.len != 0;
		if (with_address < 2)
			return MV_OK;
		return task_symbol(task, SYM_FROM_MALFORMED,
				   "From: %s holds %d addresses and there is no Sender field; a mail client shows %.*s",
				   one_line(h->value, raw), with_address, check_snippet_len(from->address, 200),
				   from->address.p) < 0 ? MV_NOMEM : MV_OK;
	}
	if (from->address.len == 0)
		return task_symbol(task, SYM_FROM_MALFORMED, "From: %s has no address a mail client can show",
				   one_line(h->value, raw)) < 0 ? MV_NOMEM : MV_OK;
	return task_symbol(task, SYM_FROM_MALFORMED, "From: %s is read as a mail client shows it: \"%.*s\" <%.*s>",
			   one_line(h->value, raw), check_snippet_len(from->name, 120), from->name.p,
			   check_snippet_len(from->address, 200), from->address.p) < 0 ? MV_NOMEM : MV_OK;
}

static int headers_run(struct mv_task *task, void *state)
{
	struct mv_msg *msg = task_msg(task);
	const struct mv_report *report = task_report(task);
	const struct mv_header *h;

	if (msg->root->n_headers == 0)
		return MV_OK;	/* NO_HEADERS says it all */
	if (report->message_id.len == 0 &&
	    task_symbol(task, SYM_MISSING_MESSAGE_ID, "no usable Message-ID field") < 0)
		return MV_NOMEM;
	h = report->date_valid ? NULL : mv_part_header(msg->root, "Date");
	if (report->date_valid) {
		/* read when the report was made */
	} else if (h == NULL) {
		if (task_symbol(task, SYM_MISSING_DATE, "no Date field") < 0)
			return MV_NOMEM;
	} else {
		mv_str v = mv_str_trim(h->value);

		if (task_symbol(task, SYM_BAD_DATE, "Date: %.*s", check_snippet_len(v, 80), v.p) < 0)
			return MV_NOMEM;
	}
	h = mv_part_header(msg->root, "From");
	if (h == NULL)
		return task_symbol(task, SYM_MISSING_FROM, "no From field") < 0 ? MV_NOMEM : MV_OK;
	return check_from(task, msg, h);
}

const struct check_def check_headers = {
	.name = "headers",
	.description = "the fields every message must have (From, Date, Message-ID), a readable Date, and a From "
		       "field read as mail clients read it",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS,
	.stage = MV_STAGE_HEADERS,
	.run = headers_run,
};
