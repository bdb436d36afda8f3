/*
 * libFuzzer target for mailvet logs.  The first byte picks: even, each line
 * through every reader (envelope, journal JSON, Postfix, Dovecot, Exim,
 * milter, receipt subjects), checking that each view they give lies inside
 * the line; odd, the whole analysis on the input (line reader, merge, joiner,
 * detectors, both reports), checking that each line is counted once and the
 * findings come most severe first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/logs_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;
static char *scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	sink = fopen("/dev/null", "w");
	return 0;
}

static void inside(mv_str v, mv_str in)
{
	if (v.p != NULL && v.len != 0 && (v.p < in.p || v.p + v.len > in.p + in.len)) {
		fprintf(stderr, "a view outside its line: \"%.*s\" (%zu bytes) of \"%.*s\"\n", (int)(v.len < 80 ? v.len : 80),
			v.p >= in.p && v.p < in.p + in.len ? v.p : "?", v.len, (int)in.len, in.p);
		__builtin_trap();
	}
}

static void event_inside(const struct logs_event *e, mv_str in)
{
	const mv_str *v[] = { &e->qid, &e->ip, &e->user, &e->addr, &e->orig, &e->from, &e->relay,
			      &e->name, &e->text, &e->child, &e->rcpts };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		inside(*v[i], in);
	if (e->kind == LOGS_EV_ARRIVAL) {
		mv_str list = e->rcpts, a;

		while (logs_exim_next_rcpt(&list, &a))
			inside(a, in);
	}
}

static void each_reader(mv_str line)
{
	static const char *const daemons[] = { "smtpd", "cleanup", "qmgr", "smtp", "lmtp", "bounce" };
	struct logs_event e;
	struct logs_line l;
	struct logs_tz tz;
	size_t i;

	logs_tz_init(&tz);
	if (logs_stamp_parse(line, &tz, &l) == LOGS_OK) {
		inside(l.host, line);
		if (l.style == LOGS_STYLE_SYSLOG)
			inside(l.prog, line);	/* Exim's is a name mailvet gives */
		inside(l.msg, line);
	}
	if (logs_journal_parse(line, scratch, &l) == LOGS_OK) {
		inside(l.host, line);
		inside(l.prog, line);
		if (l.msg.len > line.len)
			__builtin_trap();
	}
	for (i = 0; i < sizeof(daemons) / sizeof(daemons[0]); i++) {
		memset(&e, 0, sizeof(e));
		logs_postfix_parse(mv_str_cstr(daemons[i]), line, &e);
		event_inside(&e, line);
	}
	memset(&e, 0, sizeof(e));
	logs_dovecot_parse(MV_STR_LIT("dovecot"), line, &e);
	event_inside(&e, line);
	memset(&e, 0, sizeof(e));
	logs_dovecot_parse(MV_STR_LIT("imap-login"), line, &e);
	event_inside(&e, line);
	memset(&e, 0, sizeof(e));
	logs_exim_parse(line, &e);
	event_inside(&e, line);
	memset(&e, 0, sizeof(e));
	logs_milter_parse(line, &e);
	event_inside(&e, line);
	(void)logs_receipt_subject(line);
	(void)logs_line_binary(line);
}

static void analysis(const uint8_t *data, size_t size, int year)
{
	struct mv_logs_settings set = { .year = year, .now = 1793610000, .max_open = 8, .max_accounts = 16,
					.max_clients = 16 };
	mv_logs *lg = mv_logs_new(&set);
	const struct logs_counts *c;
	uint32_t i;

	if (lg == NULL)
		return;
	/* Two inputs: the data, and its second half again, merged. */
	logs_add_memory(lg, "a", data, size);
	logs_add_memory(lg, "b", data + size / 2, size - size / 2);
	mv_logs_run(lg, NULL, NULL);
	c = &lg->count;
	if (c->parsed + c->unknown + c->truncated + c->binary + c->too_long + c->bad_time != c->lines)
		__builtin_trap();
	for (i = 1; i < lg->n_findings; i++)
		if (lg->findings[i].severity > lg->findings[i - 1].severity)
			__builtin_trap();
	for (i = 0; i < lg->n_findings; i++)
		if (lg->findings[i].refs.n > LOGS_EVIDENCE_MAX || lg->findings[i].summary == NULL)
			__builtin_trap();
	if (lg->queue.open != 0)
		__builtin_trap();
	mv_logs_write_json(lg, sink);
	mv_logs_write_text(lg, sink);
	mv_logs_free(&lg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p, *end, *nl;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		analysis(data + 1, size - 1, data[0] & 2 ? 2026 : 0);
		return 0;
	}
	scratch = realloc(scratch, size + 1);
	if (scratch == NULL)
		return 0;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		each_reader(mv_str_make(p, nl != NULL ? (size_t)(nl - p) : (size_t)(end - p)));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}
