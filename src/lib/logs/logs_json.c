/*
 * `mailvet logs --json`: one document (docs/json.md).  Its field names are an
 * interface: they are added to, never renamed.  Strings are valid UTF-8
 * whatever the logs held (mv_json_string repairs them).
 */
#include <stdio.h>
#include <stdlib.h>

#include "logs/logs_int.h"
#include "mailvet/output.h"

struct jw {
	FILE *out;
	mv_arena *arena;
};

static void jstr(struct jw *w, const char *s)
{
	mv_buf b;

	mv_arena_reset(w->arena);
	mv_buf_init(&b, w->arena, (size_t)1 << 24);
	if (mv_json_string(&b, mv_str_cstr(s != NULL ? s : "")) == 0)
		fwrite(b.p, 1, b.len, w->out);
	else
		fputs("\"\"", w->out);
}

static void jtime(struct jw *w, int64_t t)
{
	char iso[32];

	if (t == INT64_MIN || t == INT64_MAX)
		fputs("\"\"", w->out);
	else
		fprintf(w->out, "\"%s\"", logs_time_iso(t, iso));
}

static void jip(struct jw *w, const struct logs_ip *ip)
{
	char text[48];

	fprintf(w->out, "\"%s\"", logs_ip_text(ip, text));
}

static void write_account(struct jw *w, const struct logs_account *a)
{
	FILE *o = w->out;
	uint32_t i;

	fputs("{\"account\":", o);
	jstr(w, a->name);
	fprintf(o, ",\"messages\":%llu,\"recipients\":%llu,\"domains\":%llu,\"new_domains\":%llu,\"receipts\":%llu,"
		"\"bounced\":%llu,\"deferred\":%llu,\"rejected\":%llu,\"notices\":%llu,\"logins\":%llu,",
		(unsigned long long)a->messages, (unsigned long long)a->recipients, (unsigned long long)a->domains,
		(unsigned long long)a->new_domains, (unsigned long long)a->receipts, (unsigned long long)a->bounced,
		(unsigned long long)a->deferred, (unsigned long long)a->rejected, (unsigned long long)a->notices,
		(unsigned long long)a->logins);
	/* Shares of the recipients, for those who read the document without dividing. */
	fprintf(o, "\"bounce_rate\":%.3f,\"defer_rate\":%.3f,\"first\":",
		a->recipients != 0 ? (double)a->bounced / (double)a->recipients : 0.0,
		a->recipients != 0 ? (double)a->deferred / (double)a->recipients : 0.0);
	jtime(w, a->first);
	fputs(",\"last\":", o);
	jtime(w, a->last);
	fputs(",\"clients\":[", o);
	for (i = 0; i < a->n_uses; i++) {
		if (i != 0)
			fputc(',', o);
		jip(w, &a->uses[i].ip);
	}
	fputs("],\"client_stats\":[", o);
	for (i = 0; i < a->n_uses; i++) {
		fputs(i != 0 ? ",{\"client\":" : "{\"client\":", o);
		jip(w, &a->uses[i].ip);
		fprintf(o, ",\"messages\":%u,\"logins\":%u,\"first\":", a->uses[i].messages, a->uses[i].logins);
		jtime(w, a->uses[i].first);
		fputs(",\"last\":", o);
		jtime(w, a->uses[i].last);
		fputc('}', o);
	}
	fputs("],\"hourly\":[", o);
	for (i = 0; i < a->n_hours; i++) {
		const struct logs_hour *h = &a->hours[i];

		fputs(i != 0 ? ",{\"hour\":" : "{\"hour\":", o);
		jtime(w, h->hour);
		fprintf(o, ",\"messages\":%u,\"recipients\":%u,\"domains\":%u,\"new_domains\":%u,\"receipts\":%u,"
			"\"bounced\":%u,\"deferred\":%u,\"rejected\":%u}",
			h->messages, h->recipients, h->domains, h->new_domains, h->receipts, h->bounced, h->deferred,
			h->rejected);
	}
	fputs("]}", o);
}

static void write_finding(struct jw *w, const struct mv_logs *lg, const struct logs_finding *f)
{
	FILE *o = w->out;
	uint32_t i;

	fprintf(o, "{\"severity\":\"%s\",\"kind\":\"%s\",\"account\":", logs_severity_name(f->severity),
		logs_kind_name(f->kind));
	jstr(w, f->account != 0 ? lg->accounts.v[f->account - 1].name : f->user);
	fputs(",\"client\":", o);
	jip(w, &f->client);
	fputs(",\"start\":", o);
	jtime(w, f->start);
	fputs(",\"end\":", o);
	jtime(w, f->end);
	fprintf(o, ",\"count\":%llu,\"summary\":", (unsigned long long)f->count);
	jstr(w, f->summary);
	fputs(",\"advice\":", o);
	jstr(w, f->advice);
	fputs(",\"evidence\":[", o);
	for (i = 0; i < f->refs.n; i++) {
		if (i != 0)
			fputc(',', o);
		jstr(w, f->refs.v[i].q);
	}
	fprintf(o, "],\"evidence_total\":%llu}", (unsigned long long)f->refs.total);
}

/* The busiest clients: by messages, logins, failures and rejections together. */
static int cmp_clients(const void *x, const void *y)
{
	const struct logs_client *a = *(const struct logs_client *const *)x, *b = *(const struct logs_client *const *)y;
	uint64_t na = (uint64_t)a->messages + a->logins + a->auth_failures + a->rejected + a->sessions;
	uint64_t nb = (uint64_t)b->messages + b->logins + b->auth_failures + b->rejected + b->sessions;

	if (na != nb)
		return na > nb ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

#define CLIENTS_LISTED 100u

static void write_clients(struct jw *w, const struct mv_logs *lg)
{
	const struct logs_client **v = malloc(((size_t)lg->clients.n + 1) * sizeof(*v));
	uint32_t i, j, n;
	FILE *o = w->out;

	if (v == NULL)
		return;
	for (i = 0; i < lg->clients.n; i++)
		v[i] = &lg->clients.v[i];
	qsort(v, lg->clients.n, sizeof(*v), cmp_clients);
	n = lg->clients.n < CLIENTS_LISTED ? lg->clients.n : CLIENTS_LISTED;
	for (i = 0; i < n; i++) {
		const struct logs_client *c = v[i];

		fputs(i != 0 ? ",{\"client\":" : "{\"client\":", o);
		jip(w, &c->ip);
		fprintf(o, ",\"sessions\":%u,\"messages\":%u,\"rejected\":%u,\"auth_failures\":%u,\"logins\":%u,"
			"\"accounts\":[",
			c->sessions, c->messages, c->rejected, c->auth_failures, c->logins);
		for (j = 0; j < 4 && c->accounts[j] != 0; j++) {
			if (j != 0)
				fputc(',', o);
			jstr(w, lg->accounts.v[c->accounts[j] - 1].name);
		}
		fputs("],\"first\":", o);
		jtime(w, c->first);
		fputs(",\"last\":", o);
		jtime(w, c->last);
		fputc('}', o);
	}
	free(v);
}

int mv_logs_write_json(const mv_logs *lg, FILE *out)
{
	const struct logs_counts *c = &lg->count;
	struct jw w = { out, mv_arena_new(0) };
	uint32_t *order, i;

	if (w.arena == NULL)
		return -1;
	order = logs_accounts_order(lg);
	fputs("{\"logs\":{\"files\":[", out);
	for (i = 0; i < lg->n_src; i++) {
		if (i != 0)
			fputc(',', out);
		jstr(&w, logs_source_path(lg->src[i]));
	}
	fprintf(out, "],\"lines\":%llu,\"parsed\":%llu,\"skipped\":{\"unknown\":%llu,\"truncated\":%llu,"
		"\"binary\":%llu,\"too_long\":%llu,\"bad_time\":%llu},\"start\":",
		(unsigned long long)c->lines, (unsigned long long)c->parsed, (unsigned long long)c->unknown,
		(unsigned long long)c->truncated, (unsigned long long)c->binary, (unsigned long long)c->too_long,
		(unsigned long long)c->bad_time);
	jtime(&w, lg->start);
	fputs(",\"end\":", out);
	jtime(&w, lg->end);
	fprintf(out, ",\"accounts_untracked\":%llu,\"clients_evicted\":%llu,\"queue_ids_evicted\":%llu},\n"
		"\"accounts\":[",
		(unsigned long long)lg->accounts.untracked, (unsigned long long)lg->clients.evicted,
		(unsigned long long)lg->queue.evicted);
	for (i = 0; order != NULL && i < lg->accounts.n; i++) {
		fputs(i != 0 ? ",\n" : "\n", out);
		write_account(&w, &lg->accounts.v[order[i] - 1]);
	}
	fputs("],\n\"findings\":[", out);
	for (i = 0; i < lg->n_findings; i++) {
		fputs(i != 0 ? ",\n" : "\n", out);
		write_finding(&w, lg, &lg->findings[i]);
	}
	fputs("],\n\"clients\":[", out);
	write_clients(&w, lg);
	fputs("]}\n", out);
	free(order);
	mv_arena_free(&w.arena);
	return ferror(out) ? -1 : 0;
}
