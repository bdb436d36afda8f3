/*
 * The fields of a delivery status report (RFC 3464 2.2 and 2.3): one group of
 * per-message fields, then a group per recipient, groups separated by blank
 * lines.  Real reports bend this: recipients without a blank line between
 * them, Action before Final-Recipient, the fields pasted into a text part.  So
 * a recipient ends at a blank line or at the next Final-Recipient, and the
 * fields of its group belong to it wherever they stand.  Only the first
 * DSN_MAX_RCPT recipients are kept; the rest are counted, and each line is
 * looked at once, so a report of 10,000 recipients costs what its size does.
 *
 * Also the recipients of text notices, which have no fields: the lines that
 * start with an address ("<user@example.com>:", "  user@example.com"), and
 * the lead-ins some servers put before one ("Unknown user: ...").
 */
#include <string.h>
#include <strings.h>

#include "dsn/dsn_int.h"

enum field {
	F_OTHER,
	F_REPORTING_MTA,
	F_ARRIVAL_DATE,
	F_ENVELOPE_ID,
	F_PER_MESSAGE,		/* DSN-Gateway, Received-From-MTA: known, not kept */
	F_ORIGINAL_RECIPIENT,
	F_FINAL_RECIPIENT,
	F_ACTION,
	F_STATUS,
	F_REMOTE_MTA,
	F_DIAGNOSTIC,
	F_PER_RECIPIENT,	/* Last-Attempt-Date, Will-Retry-Until, Final-Log-ID: known, not kept */
};

static enum field field_of(mv_str name)
{
	static const struct {
		const char *name;
		enum field field;
	} names[] = {
		{ "Reporting-MTA", F_REPORTING_MTA }, { "Arrival-Date", F_ARRIVAL_DATE },
		{ "Original-Envelope-Id", F_ENVELOPE_ID }, { "DSN-Gateway", F_PER_MESSAGE },
		{ "Received-From-MTA", F_PER_MESSAGE }, { "Original-Recipient", F_ORIGINAL_RECIPIENT },
		{ "Final-Recipient", F_FINAL_RECIPIENT }, { "Action", F_ACTION }, { "Status", F_STATUS },
		{ "Remote-MTA", F_REMOTE_MTA }, { "Diagnostic-Code", F_DIAGNOSTIC },
		{ "Last-Attempt-Date", F_PER_RECIPIENT }, { "Will-Retry-Until", F_PER_RECIPIENT },
		{ "Final-Log-ID", F_PER_RECIPIENT },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (mv_str_eq_ci(name, names[i].name))
			return names[i].field;
	}
	return F_OTHER;
}

static enum dsn_action action_of(mv_str v)
{
	static const char *const words[] = { "failed", "delayed", "delivered", "relayed", "expanded" };
	size_t i;

	v = mv_str_trim(v);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (mv_str_prefix_ci(v, words[i]))
			return (enum dsn_action)(DSN_ACTION_FAILED + i);
	}
	return DSN_ACTION_UNKNOWN;
}

/* "rfc822; <user@example.com>" -> "user@example.com"; "dns; mx.example.com" -> "mx.example.com". */
static mv_str without_type(mv_str v)
{
	const char *semi = v.len != 0 ? memchr(v.p, ';', v.len) : NULL;

	if (semi != NULL)
		v = mv_str_make(semi + 1, v.len - (size_t)(semi + 1 - v.p));
	v = mv_str_trim(v);
	if (v.len >= 2 && v.p[0] == '<' && v.p[v.len - 1] == '>')
		v = mv_str_trim(mv_str_make(v.p + 1, v.len - 2));
	return v;
}

/* A status code, RFC 3463: class "." subject "." detail. */
static size_t status_len(const char *p, size_t n)
{
	size_t i = 0, digits;
	int dots = 0;

	if (n == 0 || (p[0] != '2' && p[0] != '4' && p[0] != '5'))
		return 0;
	i = 1;
	while (dots < 2) {
		if (i >= n || p[i] != '.')
			return 0;
		i++, dots++;
		for (digits = 0; i < n && p[i] >= '0' && p[i] <= '9' && digits < 3; i++)
			digits++;
		if (digits == 0)
			return 0;
	}
	return i < n && p[i] >= '0' && p[i] <= '9' ? 0 : i;
}

static mv_str status_of(mv_str v)
{
	size_t n;

	v = mv_str_trim(v);
	n = status_len(v.p, v.len);
	return n != 0 ? mv_str_make(v.p, n) : MV_STR_NULL;
}

/* The value with its folding made single spaces (arena), at most 1000 bytes. */
static mv_str unfold(mv_arena *arena, mv_str v, bool *nomem)
{
	char *out;
	size_t i, n = 0;
	bool space = false;

	v = mv_str_trim(v);
	if (v.len > 1000)
		v.len = 1000;
	out = mv_arena_alloc(arena, v.len + 1);
	if (out == NULL) {
		*nomem = true;
		return MV_STR_NULL;
	}
	for (i = 0; i < v.len; i++) {
		char c = v.p[i];

		if (c == '\r' || c == '\n' || c == '\t' || c == ' ') {
			space = true;
			continue;
		}
		if (space && n != 0)
			out[n++] = ' ';
		space = false;
		out[n++] = c;
	}
	out[n] = '\0';
	return mv_str_make(out, n);
}

struct dsn_rcpt *dsn_rcpt_add(mv_arena *arena, struct dsn_report *report, bool *nomem_r)
{
	unsigned n = report->n_rcpt;

	report->n_rcpt_seen++;
	if (n >= DSN_MAX_RCPT) {
		report->flags |= DSN_F_RCPT_LIMIT;
		return NULL;
	}
	/* Room for 4, then doubled each time the count reaches a power of two. */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		struct dsn_rcpt *a = mv_arena_realloc(arena, report->rcpt, n * sizeof(*a), (n == 0 ? 4 : n * 2) * sizeof(*a));

		if (a == NULL) {
			*nomem_r = true;
			return NULL;
		}
		report->rcpt = a;
	}
	memset(&report->rcpt[n], 0, sizeof(report->rcpt[0]));
	report->n_rcpt++;
	return &report->rcpt[n];
}

/* One recipient's fields while its group is read. */
struct group {
	mv_str final, original, action, status, remote, diagnostic;
	bool any;
};

static int flush(mv_arena *arena, struct group *g, bool in_text, struct dsn_report *report, int *count)
{
	struct dsn_rcpt *r;
	bool nomem = false;
	mv_str status = status_of(g->status);

	/* In text, a group is a recipient only with a recipient, or an action and a real status. */
	if (!g->any || (g->final.len == 0 && g->original.len == 0 &&
			(in_text ? (g->action.len == 0 || status.len == 0) : (g->action.len == 0 && status.len == 0)))) {
		memset(g, 0, sizeof(*g));
		return 0;
	}
	r = dsn_rcpt_add(arena, report, &nomem);
	(*count)++;
	if (r != NULL) {
		r->final_recipient = without_type(g->final);
		r->original_recipient = without_type(g->original);
		r->action = action_of(g->action);
		r->status = status.len != 0 ? status : mv_str_trim(g->status);
		if (r->status.len > 32)
			r->status.len = 32;
		r->remote_mta = without_type(g->remote);
		if (g->diagnostic.len != 0)
			r->diagnostic = unfold(arena, without_type(g->diagnostic), &nomem);
	}
	memset(g, 0, sizeof(*g));
	return nomem ? -1 : 0;
}

static void keep_first(mv_str *slot, mv_str v)
{
	if (slot->len == 0)
		*slot = v;
}

int dsn_fields_read(mv_arena *arena, mv_str body, bool in_text, struct dsn_report *report)
{
	struct group g;
	mv_str rest = body, line, name, value, next;
	size_t prefix;
	int count = 0;

	memset(&g, 0, sizeof(g));
	while (dsn_next_line(&rest, &line)) {
		enum field f;
		mv_str peek = rest;

		if (dsn_blank(line)) {
			if (flush(arena, &g, in_text, report, &count) < 0)
				return -1;
			continue;
		}
		if (!dsn_field_line(line, &prefix, &name, &value) || (in_text && prefix != 0))
			continue;
		f = field_of(name);
		if (f == F_OTHER)
			continue;
		/* Continuation lines extend the value (RFC 5322 2.2.3 folding). */
		while (dsn_next_line(&peek, &next) && next.len != 0 && (next.p[0] == ' ' || next.p[0] == '\t') &&
		       !dsn_blank(next)) {
			value.len = (size_t)(next.p + next.len - value.p);
			rest = peek;
		}
		switch (f) {
		case F_REPORTING_MTA:
			keep_first(&report->reporting_mta, without_type(value));
			break;
		case F_ARRIVAL_DATE:
			keep_first(&report->arrival_date, mv_str_trim(value));
			break;
		case F_ENVELOPE_ID:
			keep_first(&report->envelope_id, mv_str_trim(value));
			break;
		case F_FINAL_RECIPIENT:
		case F_ORIGINAL_RECIPIENT: {
			mv_str *slot = f == F_FINAL_RECIPIENT ? &g.final : &g.original;

			/* A second one starts the next recipient, blank line or not. */
			if (slot->len != 0 && flush(arena, &g, in_text, report, &count) < 0)
				return -1;
			*slot = value;
			g.any = true;
			break;
		}
		case F_ACTION:
			keep_first(&g.action, value);
			g.any = true;
			break;
		case F_STATUS:
			keep_first(&g.status, value);
			g.any = true;
			break;
		case F_REMOTE_MTA:
			keep_first(&g.remote, value);
			break;
		case F_DIAGNOSTIC:
			keep_first(&g.diagnostic, value);
			break;
		default:
			break;
		}
	}
	if (flush(arena, &g, in_text, report, &count) < 0)
		return -1;
	if (count != 0)
		report->flags |= DSN_F_STRUCTURED;
	return count;
}

/* user@example.com at p (after an optional '<'); its length, or 0. */
static size_t address_at(const char *p, size_t n)
{
	size_t i = 0, at = 0, dot = 0;

	while (i < n) {
		char c = p[i];

		if (c == '@') {
			if (at != 0 || i == 0)
				return 0;
			at = i;
		} else if (c == '.' && at != 0) {
			dot = i;
		} else if (c == ' ' || c == '\t' || c == '<' || c == '>' || c == ',' || c == ';' || c == '(' ||
			   c == ')' || c == '[' || c == ']' || c == '"' || c == ':' || (unsigned char)c < 0x21) {
			break;
		}
		i++;
	}
	/* A domain with a dot not at its end ("user@example.com." ends a sentence). */
	while (i > 0 && p[i - 1] == '.')
		i--;
	return at != 0 && dot > at + 1 && dot < i - 1 ? i : 0;
}

/* Where the address of a notice line starts: at its start, or after a lead-in; NULL when none. */
static const char *line_address(mv_str line, size_t *len_r)
{
	static const char *const leads[] = { "delivered to:", "deliver message to", "delivering your mail to",
					     "unknown user:", "mailbox is full:", "exceeds allowed size:",
					     "delivery userid:", "attempts:", "rcpt to:", "following recipient:" };
	size_t i = 0, k;

	/* Indented, bulleted ("* "), quoted ("\"user@...\":") or after a transcript's ">>> ". */
	while (i < line.len && (line.p[i] == ' ' || line.p[i] == '\t' || line.p[i] == '*' || line.p[i] == '>' ||
				line.p[i] == '"'))
		i++;
	if (i < line.len && line.p[i] == '<')
		i++;
	*len_r = address_at(line.p + i, line.len - i);
	if (*len_r != 0)
		return line.p + i;
	for (k = 0; k < sizeof(leads) / sizeof(leads[0]); k++) {
		const char *at = mv_str_find_ci(line, leads[k]);

		if (at == NULL)
			continue;
		at += strlen(leads[k]);
		while (at < line.p + line.len && (*at == ' ' || *at == '<'))
			at++;
		*len_r = address_at(at, (size_t)(line.p + line.len - at));
		if (*len_r != 0)
			return at;
	}
	return NULL;
}

static bool have_rcpt(const struct dsn_report *report, mv_str addr)
{
	unsigned i;

	for (i = 0; i < report->n_rcpt; i++) {
		if (report->rcpt[i].final_recipient.len == addr.len &&
		    strncasecmp(report->rcpt[i].final_recipient.p, addr.p, addr.len) == 0)
			return true;
	}
	return false;
}

/* The first status code in the next few lines of the notice, and the line it is on. */
static void status_near(mv_str rest, mv_str first, struct dsn_rcpt *r)
{
	mv_str line = first;
	unsigned n = 0;

	do {
		size_t i;

		for (i = 0; i < line.len; i++) {
			size_t k = status_len(line.p + i, line.len - i);

			if (k != 0 && (i == 0 || line.p[i - 1] == ' ' || line.p[i - 1] == '#' || line.p[i - 1] == '[' ||
				       line.p[i - 1] == '-' || line.p[i - 1] == ':' || line.p[i - 1] == '(')) {
				r->status = mv_str_make(line.p + i, k);
				r->diagnostic = mv_str_trim(line);
				return;
			}
		}
		if (r->diagnostic.len == 0 && n != 0 && !dsn_blank(line))
			r->diagnostic = mv_str_trim(line);
	} while (++n < 5 && dsn_next_line(&rest, &line));
}

int dsn_text_recipients(mv_arena *arena, mv_str notice, enum dsn_action action, struct dsn_report *report)
{
	mv_str rest = notice, line;
	bool nomem = false;
	int count = 0;

	while (dsn_next_line(&rest, &line)) {
		size_t len, prefix;
		mv_str name, value;
		const char *at;
		struct dsn_rcpt *r;

		/* The returned message's header starts: no recipient past it. */
		if (dsn_field_line(line, &prefix, &name, &value) &&
		    (mv_str_eq_ci(name, "Received") || mv_str_eq_ci(name, "Return-Path")))
			break;
		at = line_address(line, &len);
		if (at == NULL || have_rcpt(report, mv_str_make(at, len)))
			continue;
		r = dsn_rcpt_add(arena, report, &nomem);
		if (nomem)
			return -1;
		count++;
		if (r == NULL)
			continue;
		r->final_recipient = mv_str_make(at, len);
		r->action = action;
		status_near(rest, line, r);
		if (r->diagnostic.len > 300)
			r->diagnostic.len = 300;
	}
	return count;
}
