/*
 * The human form of a report: one summary line, the verdict in words
 * (report_verdict.c), then the facts: the envelope, what authentication
 * means (report_auth_text.c), one indented line per reason, highest score
 * first, and where the links really go.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "output_internal.h"

int report_vputf(mv_buf *out, const char *fmt, va_list ap)
{
	char tmp[1024];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);

	if (n < 0)
		return -1;
	return mv_buf_append(out, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

int report_putf(mv_buf *out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = report_vputf(out, fmt, ap);
	va_end(ap);
	return rc;
}

#define putf report_putf

int report_put_clean(mv_buf *out, mv_str s, size_t max)
{
	size_t i, n = s.len < max ? s.len : max;
	int rc = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		rc |= mv_buf_putc(out, c < 0x20 || c == 0x7F ? ' ' : (char)c);
	}
	if (s.len > max)
		rc |= mv_buf_append(out, "...", 3);
	return rc;
}

/* "    envelope: client IP (name) helo NAME, mail from <ADDR>, user U, inbound" */
static int put_envelope(mv_buf *out, const struct mv_envelope *env)
{
	int rc = mv_buf_append(out, "    envelope: client ", 21);

	rc |= report_put_clean(out, env->conn.client_ip.len != 0 ? env->conn.client_ip : MV_STR_LIT("unknown"), 64);
	if (env->conn.client_name.len != 0) {
		rc |= mv_buf_append(out, " (", 2);
		rc |= report_put_clean(out, env->conn.client_name, 100);
		rc |= mv_buf_putc(out, ')');
	}
	if (env->conn.helo.len != 0) {
		rc |= mv_buf_append(out, " helo ", 6);
		rc |= report_put_clean(out, env->conn.helo, 100);
	}
	if (env->txn.has_mail_from) {
		rc |= mv_buf_append(out, ", mail from <", 13);
		rc |= report_put_clean(out, env->txn.mail_from, 120);
		rc |= mv_buf_putc(out, '>');
	}
	if (env->conn.sasl_user.len != 0) {
		rc |= mv_buf_append(out, ", user ", 7);
		rc |= report_put_clean(out, env->conn.sasl_user, 80);
	}
	rc |= putf(out, ", %s\n", mv_direction_name(env->direction));
	return rc;
}

/* " [a, b, c]": a symbol's first options, with how many more there are. */
static int put_options(mv_buf *out, const struct mv_symbol *sym)
{
	unsigned i;
	int rc = 0;

	if (sym->n_options == 0)
		return 0;
	rc |= mv_buf_append(out, " [", 2);
	for (i = 0; i < sym->n_options && i < 5; i++) {
		if (i != 0)
			rc |= mv_buf_append(out, ", ", 2);
		rc |= report_put_clean(out, sym->options[i], 80);
	}
	if (sym->n_options > 5)
		rc |= putf(out, ", %u more", sym->n_options - 5);
	return rc | mv_buf_putc(out, ']');
}

static int by_score_desc(const void *a, const void *b)
{
	const struct mv_symbol *x = *(const struct mv_symbol *const *)a;
	const struct mv_symbol *y = *(const struct mv_symbol *const *)b;

	return (x->score < y->score) - (x->score > y->score);
}

int mv_report_write_text(const struct mv_report *report, const char *file, mv_buf *out)
{
	struct mv_msg *msg = report->msg;
	const struct mv_addr *from = mv_msg_from(msg);
	const struct mv_symbol **sorted;
	unsigned i, shown = 0;
	int rc;

	rc = putf(out, "%s: %s (score %.2f)", file != NULL ? file : "-", mv_action_name(report->action),
		  report->score);
	rc |= mv_buf_append(out, " from ", 6);
	if (from != NULL && from->name.len != 0) {
		rc |= report_put_clean(out, from->name, 80);
		rc |= mv_buf_putc(out, ' ');
	}
	rc |= mv_buf_putc(out, '<');
	rc |= report_put_clean(out, from != NULL ? from->address : MV_STR_NULL, 120);
	rc |= mv_buf_append(out, "> \"", 3);
	rc |= report_put_clean(out, mv_msg_subject(msg), 120);
	rc |= mv_buf_append(out, "\"\n", 2);

	rc |= report_write_verdict(report, out);
	if (report->envelope.source != MV_ENVELOPE_NONE)
		rc |= put_envelope(out, &report->envelope);
	rc |= report_write_auth_text(report, out);
	sorted = mv_arena_calloc(msg->arena, report->n_symbols + 1, sizeof(*sorted));
	if (sorted == NULL)
		return -1;
	for (i = 0; i < report->n_symbols; i++)
		sorted[i] = &report->symbols[i];
	qsort(sorted, report->n_symbols, sizeof(*sorted), by_score_desc);
	for (i = 0; i < report->n_symbols; i++) {
		rc |= putf(out, "    %-24s %+6.2f  ", sorted[i]->name, sorted[i]->score);
		rc |= report_put_clean(out, sorted[i]->detail, 200);
		rc |= put_options(out, sorted[i]);
		rc |= mv_buf_putc(out, '\n');
	}
	for (i = 0; i < report->n_links && shown < 10; i++) {
		const struct mv_link *link = &report->links[i];

		if (link->source != MV_LINK_HTML_ANCHOR && link->source != MV_LINK_TEXT)
			continue;
		shown++;
		rc |= mv_buf_append(out, "    link: \"", 11);
		rc |= report_put_clean(out, link->text, 60);
		rc |= mv_buf_append(out, "\" -> ", 5);
		rc |= report_put_clean(out, link->url.host.len != 0 ? link->url.host : link->href, 100);
		rc |= mv_buf_putc(out, '\n');
	}
	if (shown < report->n_links && shown == 10)
		rc |= putf(out, "    (%u links in all)\n", report->n_links);
	return rc != 0 ? -1 : 0;
}
