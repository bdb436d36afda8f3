/*
 * Findings: made by the detectors, then at the end put most severe first,
 * rid of the ones another already tells (an hour's burst or new domains that
 * are a receipt run's messages), and given their sentences: what was seen,
 * and what to do about it.  Each keeps at most LOGS_EVIDENCE_MAX queue ids,
 * and counts the rest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "logs/logs_int.h"

/*
 * The figures a, b, c, d of each kind:
 *   receipt_burst      a: to non-correspondents, b: deferred, c: bounced, d: domains
 *   burst              a: mean per active hour, b: largest earlier hour, c: 1 when there was a baseline
 *   new_domains        a: mean new domains per active hour
 *   new_client         a: networks used before, b: failed logins from the address
 *   bounce_rate        a: recipients
 *   password_guessing  a: user names tried, b: time of the login after, c: its service, d: 1 when there was one
 */

void logs_refs_add(struct logs_refs *r, int64_t t, const char *qid)
{
	size_t n;

	r->total++;
	if (r->n >= LOGS_EVIDENCE_MAX)
		return;
	if (r->n == r->cap) {
		uint32_t cap = r->cap != 0 ? r->cap * 2 : 8;
		struct logs_ref *v;

		if (cap > LOGS_EVIDENCE_MAX)
			cap = LOGS_EVIDENCE_MAX;
		v = realloc(r->v, (size_t)cap * sizeof(*v));
		if (v == NULL)
			return;
		r->v = v;
		r->cap = cap;
	}
	n = strlen(qid);
	if (n > LOGS_QID_MAX)
		n = LOGS_QID_MAX;
	r->v[r->n].t = t;
	memcpy(r->v[r->n].q, qid, n);
	r->v[r->n].q[n] = '\0';
	r->n++;
}

bool logs_refs_has(const struct logs_refs *r, const char *qid)
{
	uint32_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].q, qid) == 0)
			return true;
	return false;
}

void logs_refs_free(struct logs_refs *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

struct logs_finding *logs_finding_new(struct mv_logs *lg, enum logs_kind kind, uint32_t account,
				      const struct logs_ip *client, int64_t start, int64_t end)
{
	struct logs_finding *f;

	if (lg->n_findings == lg->cap_findings) {
		uint32_t cap = lg->cap_findings != 0 ? lg->cap_findings * 2 : 16;
		struct logs_finding *v = realloc(lg->findings, (size_t)cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		lg->findings = v;
		lg->cap_findings = cap;
	}
	f = &lg->findings[lg->n_findings++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->severity = LOGS_MEDIUM;
	f->account = account;
	if (client != NULL)
		f->client = *client;
	f->start = start;
	f->end = end;
	return f;
}

const char *logs_kind_name(enum logs_kind kind)
{
	static const char *const names[LOGS_K_COUNT] = {
		"receipt_burst", "password_guessing", "burst", "new_domains", "new_client", "bounce_rate",
	};

	return kind < LOGS_K_COUNT ? names[kind] : "";
}

const char *logs_severity_name(enum logs_severity s)
{
	return s == LOGS_HIGH ? "high" : s == LOGS_MEDIUM ? "medium" : "low";
}

const char *logs_service_name(enum logs_service s)
{
	static const char *const names[LOGS_SVC_COUNT] = { "SMTP", "IMAP", "POP3", "submission", "other" };

	return s < LOGS_SVC_COUNT ? names[s] : "other";
}

/* A burst or new domains of an hour whose messages are mostly a receipt run's: the run tells it. */
static bool told_by_run(const struct mv_logs *lg, const struct logs_finding *f)
{
	uint32_t i, j, in = 0;

	if (f->refs.n == 0)
		return false;
	for (i = 0; i < lg->n_findings; i++) {
		const struct logs_finding *r = &lg->findings[i];

		if (r->kind != LOGS_K_RECEIPT_BURST || r->account != f->account || r->end < f->start ||
		    r->start >= f->end)
			continue;
		for (j = 0; j < f->refs.n; j++)
			in += logs_refs_has(&r->refs, f->refs.v[j].q);
	}
	return in * 5 >= f->refs.n * 4;
}

static int cmp_findings(const void *x, const void *y)
{
	const struct logs_finding *a = x, *b = y;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* "2026-11-02 09:12" */
static const char *when(int64_t t, char *out)
{
	char iso[32];

	logs_time_iso(t, iso);
	snprintf(out, 24, "%.10s %.5s", iso, iso + 11);
	return out;
}

/* "from 2026-11-02 09:12 to 09:21 UTC" (the date repeated when it changes). */
static const char *span(int64_t start, int64_t end, char *out, size_t size)
{
	char a[24], b[24];

	when(start, a);
	when(end, b);
	if (memcmp(a, b, 10) == 0)
		snprintf(out, size, "from %s to %s UTC", a, b + 11);
	else
		snprintf(out, size, "from %s to %s UTC", a, b);
	return out;
}

static const char *duration(int64_t seconds, char *out, size_t size)
{
	if (seconds < 120)
		snprintf(out, size, "%lld seconds", (long long)seconds);
	else if (seconds < 2 * LOGS_HOUR)
		snprintf(out, size, "%lld minutes", (long long)(seconds + 30) / 60);
	else if (seconds < 2 * LOGS_DAY)
		snprintf(out, size, "%lld hours", (long long)(seconds + 1800) / 3600);
	else
		snprintf(out, size, "%lld days", (long long)(seconds + LOGS_DAY / 2) / LOGS_DAY);
	return out;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void sentences(struct mv_logs *lg, struct logs_finding *f)
{
	const char *who = f->account != 0 ? lg->accounts.v[f->account - 1].name : f->user != NULL ? f->user : "";
	char ip[48], sp[64], dur[32], at[24];

	logs_ip_text(&f->client, ip);
	span(f->start, f->end, sp, sizeof(sp));
	switch (f->kind) {
	case LOGS_K_RECEIPT_BURST:
		duration(f->end - f->start, dur, sizeof(dur));
		f->summary = format(
			"%s sent %llu automatic read receipts (\"Read:\", \"Not read:\" and the like) in %s (%s)%s%s, "
			"%llu of them to addresses it had never written to nor heard from, at %llu domain%s; "
			"%llu deferred (greylisting and the like), %llu bounced. A mail client sends these by "
			"itself for messages that ask for a receipt, spam included: they tell the spammers the "
			"address is read and cost the server its reputation.",
			who, (unsigned long long)f->count, dur, sp + 5, ip[0] != '\0' ? " from " : "", ip,
			(unsigned long long)f->a, (unsigned long long)f->d, plural(f->d), (unsigned long long)f->b,
			(unsigned long long)f->c);
		f->advice = format(
			"Make the mail client%s%s%s ask before it sends a receipt, or never send one. Outlook: "
			"File > Options > Mail > Tracking, \"Never send a read receipt\" or \"Ask each time\" "
			"(older Outlook: Tools > Options > E-mail Options > Tracking Options > \"Ask me before "
			"sending a response\"). Thunderbird: Settings > Privacy & Security > Return Receipts > "
			"\"Ask me\" or \"Never send a return receipt\". Look for a PC left logged in as %s.",
			ip[0] != '\0' ? " on " : "", ip, ip[0] != '\0' ? "" : " of this account", who);
		break;
	case LOGS_K_BURST:
		if (f->c != 0)
			f->summary = format("%s sent %llu messages %s, where its busiest hour before had %llu "
					    "and an active hour about %llu.",
					    who, (unsigned long long)f->count, sp, (unsigned long long)f->b,
					    (unsigned long long)f->a);
		else
			f->summary = format("%s sent %llu messages %s, with too little history in the log to "
					    "compare with.",
					    who, (unsigned long long)f->count, sp);
		f->advice = format("If %s did not mean to send these (a mailing?), the password is known to "
				   "someone else or a PC sends for it: change the password and look at the "
				   "messages below (postcat -q ID, or the queue ids in the log).",
				   who);
		break;
	case LOGS_K_NEW_DOMAINS:
		f->summary = format("%s wrote to %llu domains it had never written to nor heard from, %s "
				    "(usually %llu an hour).",
				    who, (unsigned long long)f->count, sp, (unsigned long long)f->a);
		f->advice = format("Many new domains at once is how a stolen account or an infected PC "
				   "sends: check the messages below and, if %s did not write them, change "
				   "the password.",
				   who);
		break;
	case LOGS_K_NEW_CLIENT:
		f->summary = format("%s sent %llu message%s %s from %s, a network it had never sent from "
				    "(it had kept to %llu)%s.",
				    who, (unsigned long long)f->count, plural(f->count), sp, ip,
				    (unsigned long long)f->a,
				    f->b != 0 ? "; that address had failed logins before" : "");
		f->advice = format("If %s did not travel or change provider, someone else may have the "
				   "password: ask the user, and change it.",
				   who);
		break;
	case LOGS_K_BOUNCE_RATE:
		f->summary = format("%llu of %s's %llu recipients bounced (%llu%%) %s.", (unsigned long long)f->count,
				    who, (unsigned long long)f->a,
				    (unsigned long long)(f->a != 0 ? f->count * 100 / f->a : 0), sp);
		f->advice = format("So many bounces come from writing to addresses that do not exist: a "
				   "bought or harvested list, or automatic replies to spam. Look at the "
				   "bounced messages below.");
		break;
	case LOGS_K_PASSWORD_GUESSING: {
		char by[160] = "", names[200] = "", after[200] = "";
		size_t n = 0;
		unsigned s;

		for (s = 0; s < LOGS_SVC_COUNT; s++)
			if (f->svc[s] != 0 && n < sizeof(by))
				n += (size_t)snprintf(by + n, sizeof(by) - n, "%s%s %u", n != 0 ? ", " : "",
						      logs_service_name((enum logs_service)s), f->svc[s]);
		duration(f->end - f->start, dur, sizeof(dur));
		if (f->a != 0)
			snprintf(names, sizeof(names), ", trying %llu user name%s (%s%s)", (unsigned long long)f->a,
				 plural(f->a), f->names != NULL ? f->names : who, f->a > 4 ? ", ..." : "");
		if (f->d != 0)
			snprintf(after, sizeof(after), "; then it logged in as %s (%s) at %s UTC", who,
				 logs_service_name((enum logs_service)f->c), when((int64_t)f->b, at));
		f->summary = format("%s failed %llu logins (%s) in %s, %s%s%s.", ip, (unsigned long long)f->count, by,
				    dur, sp, names, after);
		if (f->d != 0)
			f->advice = format("Someone guessed %s's password: change it now, look at what was "
					   "sent (queue ids below) and block %s (fail2ban).",
					   who, ip);
		else
			f->advice = format("Block %s (fail2ban or a firewall rule) and make sure the accounts "
					   "it tried have strong passwords.",
					   ip);
		break;
	}
	case LOGS_K_COUNT:
		break;
	}
}

void logs_findings_finish(struct mv_logs *lg)
{
	uint32_t i, kept = 0;

	for (i = 0; i < lg->n_findings; i++) {
		struct logs_finding *f = &lg->findings[i];

		if ((f->kind == LOGS_K_BURST || f->kind == LOGS_K_NEW_DOMAINS) && told_by_run(lg, f))
			f->dropped = true;
		if (f->kind == LOGS_K_NEW_CLIENT) {
			struct logs_client *c = logs_client_find(lg, &f->client);

			if (c != NULL && c->auth_failures != 0) {
				f->b = c->auth_failures;
				f->severity = c->g_finding >= 0 ? LOGS_HIGH : LOGS_MEDIUM;
			} else {
				f->severity = LOGS_LOW;
			}
		}
	}
	for (i = 0; i < lg->n_findings; i++) {
		if (lg->findings[i].dropped) {
			logs_refs_free(&lg->findings[i].refs);
			free(lg->findings[i].user);
			free(lg->findings[i].names);
			continue;
		}
		lg->findings[kept++] = lg->findings[i];
	}
	lg->n_findings = kept;
	if (lg->n_findings > 1)
		qsort(lg->findings, lg->n_findings, sizeof(*lg->findings), cmp_findings);
	for (i = 0; i < lg->n_findings; i++)
		sentences(lg, &lg->findings[i]);
}
