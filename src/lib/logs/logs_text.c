/*
 * `mailvet logs` for a person: what was read, the findings most severe first
 * (each with what to do and its queue ids), then a table of the accounts,
 * the ones with findings first.  Lines are wrapped at 100 columns.
 */
#include <stdio.h>
#include <stdlib.h>

#include "logs/logs_int.h"

#define WIDTH 100
#define INDENT 6
#define ACCOUNTS_SHOWN 40u
#define EVIDENCE_SHOWN 60u

/* 1234567 as "1,234,567" into out (32 bytes). */
static const char *num(uint64_t v, char *out)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v), i, w = 0;

	for (i = 0; i < n; i++) {
		if (i != 0 && (n - i) % 3 == 0)
			out[w++] = ',';
		out[w++] = digits[i];
	}
	out[w] = '\0';
	return out;
}

/*
 * text wrapped at WIDTH, continued lines indented by INDENT.  The cursor is at
 * column col; at_start: nothing written on its line yet (else a space goes first).
 */
static void wrap(FILE *o, const char *text, int col, bool at_start)
{
	const char *p = text;

	while (*p == ' ')
		p++;
	while (*p != '\0') {
		const char *sp = strchr(p, ' ');
		int n = sp != NULL ? (int)(sp - p) : (int)strlen(p);

		if (col + 1 + n > WIDTH && col > INDENT) {
			fprintf(o, "\n%*s", INDENT, "");
			col = INDENT;
			at_start = true;
		}
		if (!at_start) {
			fputc(' ', o);
			col++;
		}
		fwrite(p, 1, (size_t)n, o);
		col += n;
		at_start = false;
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', o);
}

static void write_counts(FILE *o, const struct mv_logs *lg)
{
	const struct logs_counts *c = &lg->count;
	uint64_t skipped = c->unknown + c->truncated + c->binary + c->too_long + c->bad_time;
	char a[32], b[32], iso1[32], iso2[32];

	fprintf(o, "mailvet logs: %u file%s, %s lines, %s read", lg->n_src, lg->n_src == 1 ? "" : "s",
		num(c->lines, a), num(c->parsed, b));
	if (skipped != 0) {
		const char *sep = ": ";

		fprintf(o, ", %s skipped", num(skipped, a));
		if (c->unknown != 0) {
			fprintf(o, "%s%s unknown", sep, num(c->unknown, a));
			sep = ", ";
		}
		if (c->truncated != 0) {
			fprintf(o, "%s%s truncated", sep, num(c->truncated, a));
			sep = ", ";
		}
		if (c->binary != 0) {
			fprintf(o, "%s%s binary", sep, num(c->binary, a));
			sep = ", ";
		}
		if (c->too_long != 0) {
			fprintf(o, "%s%s too long", sep, num(c->too_long, a));
			sep = ", ";
		}
		if (c->bad_time != 0)
			fprintf(o, "%s%s with a wrong time", sep, num(c->bad_time, a));
	}
	if (lg->start != INT64_MIN) {
		logs_time_iso(lg->start, iso1);
		logs_time_iso(lg->end, iso2);
		fprintf(o, "; from %.10s %.5s to %.10s %.5s UTC", iso1, iso1 + 11, iso2, iso2 + 11);
	}
	fputs(".\n", o);
}

static void write_finding(FILE *o, const struct mv_logs *lg, const struct logs_finding *f)
{
	const char *who = f->account != 0 ? lg->accounts.v[f->account - 1].name : f->user != NULL ? f->user : "";
	char ip[48], line[512], n[32];
	int col;
	uint32_t i, shown;

	logs_ip_text(&f->client, ip);
	snprintf(line, sizeof(line), "%-6s %s", f->severity == LOGS_HIGH ? "HIGH" : f->severity == LOGS_MEDIUM ? "MEDIUM" : "LOW",
		 logs_kind_name(f->kind));
	fprintf(o, "\n%s", line);
	if (who[0] != '\0')
		fprintf(o, "  %s", who);
	if (ip[0] != '\0')
		fprintf(o, "  %s", ip);
	fputc('\n', o);
	fprintf(o, "%*s", INDENT, "");
	wrap(o, f->summary != NULL ? f->summary : "", INDENT, true);
	if (f->advice != NULL && f->advice[0] != '\0') {
		fprintf(o, "%*sWhat to do:", INDENT, "");
		wrap(o, f->advice, INDENT + 11, false);
	}
	if (f->refs.total == 0)
		return;
	col = fprintf(o, "%*sQueue ids (%s):", INDENT, "", num(f->refs.total, n));
	shown = f->refs.n < EVIDENCE_SHOWN ? f->refs.n : EVIDENCE_SHOWN;
	for (i = 0; i < shown; i++) {
		int len = (int)strlen(f->refs.v[i].q);

		if (col + 1 + len > WIDTH) {
			fprintf(o, "\n%*s%s", INDENT, "", f->refs.v[i].q);
			col = INDENT + len;
			continue;
		}
		col += fprintf(o, " %s", f->refs.v[i].q);
	}
	if (f->refs.total > shown)
		fprintf(o, " ... and %s more (--json lists up to %u)", num(f->refs.total - shown, n), LOGS_EVIDENCE_MAX);
	fputc('\n', o);
}

static void write_accounts(FILE *o, const struct mv_logs *lg)
{
	uint32_t *order = logs_accounts_order(lg), i, shown;
	char a[32], ip[48];

	if (order == NULL || lg->accounts.n == 0) {
		free(order);
		return;
	}
	shown = lg->accounts.n < ACCOUNTS_SHOWN ? lg->accounts.n : ACCOUNTS_SHOWN;
	fprintf(o, "\nAccounts (%s):\n", num(lg->accounts.n, a));
	fprintf(o, "%-32s %9s %9s %8s %6s %8s %8s %8s %7s  %s\n", "account", "messages", "rcpts", "domains", "new",
		"receipts", "bounced", "deferred", "logins", "clients");
	for (i = 0; i < shown; i++) {
		const struct logs_account *x = &lg->accounts.v[order[i] - 1];

		fprintf(o, "%-32.64s %9llu %9llu %8llu %6llu %8llu %8llu %8llu %7llu  %s", x->name,
			(unsigned long long)x->messages, (unsigned long long)x->recipients, (unsigned long long)x->domains,
			(unsigned long long)x->new_domains, (unsigned long long)x->receipts,
			(unsigned long long)x->bounced, (unsigned long long)x->deferred,
			(unsigned long long)x->logins, x->n_uses != 0 ? logs_ip_text(&x->uses[0].ip, ip) : "-");
		if (x->n_uses > 1)
			fprintf(o, " (+%u)", x->n_uses - 1);
		fputc('\n', o);
	}
	if (lg->accounts.n > shown)
		fprintf(o, "... and %s more accounts (--json lists them all)\n", num(lg->accounts.n - shown, a));
	free(order);
}

int mv_logs_write_text(const mv_logs *lg, FILE *out)
{
	uint32_t i;
	char a[32];

	write_counts(out, lg);
	if (lg->n_findings == 0)
		fputs("\nNo findings: every account behaved like itself.\n", out);
	else
		fprintf(out, "\n%s finding%s, most severe first:\n", num(lg->n_findings, a),
			lg->n_findings == 1 ? "" : "s");
	for (i = 0; i < lg->n_findings; i++)
		write_finding(out, lg, &lg->findings[i]);
	write_accounts(out, lg);
	return ferror(out) ? -1 : 0;
}
