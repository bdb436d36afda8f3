/*
 * The opening of the text report: a short verdict in words, one line each
 * for who the message claims to be, who sent it, what authentication shows,
 * where its links go, and what mailvet does about it.  Everything comes from
 * the report; a part a check did not fill (no sender check, no links check)
 * says less rather than guessing.
 */
#include <string.h>

#include "output_internal.h"

#define LINK_DOMAINS 16		/* distinct link domains counted */
#define LINK_DOMAINS_SHOWN 3
#define REASONS_SHOWN 4

/* "%.*s" arguments of a view, at most 120 bytes. */
#define V(s) (int)((s).len < 120 ? (s).len : 120), (s).p

/* "  Claims to be: Microsoft Security <security-notice@microsoft.com>, the brand Microsoft." */
static int claims(const struct mv_report *r, mv_buf *out)
{
	const struct mv_sender *sd = &r->sender;
	const struct mv_addr *from = mv_msg_from(r->msg);
	mv_str name = sd->claimed_name.len != 0 ? sd->claimed_name : from != NULL ? from->name : MV_STR_NULL;
	int rc = mv_buf_append(out, "  Claims to be: ", 16);

	if (from == NULL && sd->claimed.len == 0)
		return rc | report_putf(out, "nobody (the message has no From address).\n");
	if (name.len != 0) {
		rc |= report_put_clean(out, name, 80);
		rc |= mv_buf_append(out, ", ", 2);
	}
	if (from != NULL && from->address.len != 0) {
		rc |= report_put_clean(out, from->address, 120);
	} else {
		rc |= mv_buf_append(out, "someone at ", 11);
		rc |= report_put_clean(out, sd->claimed, 120);
	}
	if (sd->brand.len != 0) {
		rc |= mv_buf_append(out, ", the brand ", 12);
		rc |= report_put_clean(out, sd->brand, 80);
	}
	return rc | mv_buf_append(out, ".\n", 2);
}

static int sent_by(const struct mv_report *r, mv_buf *out)
{
	int rc;

	if (r->sender.summary.len == 0)
		return 0;
	rc = mv_buf_append(out, "  Sent by: ", 11);
	rc |= report_put_clean(out, r->sender.summary, 600);
	return rc | mv_buf_append(out, ".\n", 2);
}

static bool followed_by_reader(const struct mv_link *link)
{
	return link->source == MV_LINK_HTML_ANCHOR || link->source == MV_LINK_TEXT || link->source == MV_LINK_HTML_FORM;
}

struct tally {
	mv_str domain;
	unsigned count;
};

/* Counts domain in t[0..*n), adding it while there is room. */
static void count_domain(struct tally *t, unsigned *n, mv_str domain)
{
	unsigned k;

	if (domain.len == 0)
		return;
	for (k = 0; k < *n; k++) {
		if (t[k].domain.len == domain.len && memcmp(t[k].domain.p, domain.p, domain.len) == 0) {
			t[k].count++;
			return;
		}
	}
	if (*n < LINK_DOMAINS)
		t[(*n)++] = (struct tally){ domain, 1 };
}

/* " to a.example (3), b.example and 2 more sites": the busiest domains first. */
static int put_domains(mv_buf *out, struct tally *t, unsigned n)
{
	unsigned i, k, shown = n < LINK_DOMAINS_SHOWN ? n : LINK_DOMAINS_SHOWN;
	const char *sep;
	int rc = 0;

	for (i = 0; i < shown; i++) {
		unsigned best = i;

		for (k = i + 1; k < n; k++)
			if (t[k].count > t[best].count)
				best = k;
		if (best != i) {
			struct tally x = t[i];

			t[i] = t[best];
			t[best] = x;
		}
		sep = i == 0 ? " to " : i + 1 == shown && n == shown ? " and " : ", ";
		rc |= mv_buf_append(out, sep, strlen(sep));
		rc |= report_put_clean(out, t[i].domain, 100);
		if (t[i].count > 1 && n > 1)
			rc |= report_putf(out, " (%u)", t[i].count);
	}
	if (n > shown)
		rc |= report_putf(out, " and %u more site%s", n - shown, n - shown == 1 ? "" : "s");
	return rc;
}

/* "  Links: 3 to microsoft.com (3); 3 through click-trackers, 1 hiding where it goes, 3 showing another site." */
static int links(const struct mv_report *r, mv_buf *out)
{
	struct tally t[LINK_DOMAINS];
	unsigned i, n = 0, shown = 0, nt = 0, trackers = 0, hidden = 0, mismatch = 0;
	bool unwrapped = false;
	int rc;

	for (i = 0; i < r->n_links; i++) {
		const struct mv_link *link = &r->links[i];

		if (!followed_by_reader(link) || (link->url.flags & MV_URL_BAD))
			continue;
		n++;
		unwrapped |= link->destination.len != 0;
		count_domain(t, &nt, link->destination.len != 0 ? link->destination_domain : link->url.domain);
		trackers += (link->flags & MV_LINKF_TRACKER) != 0;
		hidden += (link->flags & MV_LINKF_HIDDEN) != 0;
		mismatch += link->mismatch;
	}
	rc = mv_buf_append(out, "  Links: ", 9);
	if (n == 0)
		return rc | report_putf(out, "none.\n");
	rc |= report_putf(out, "%u%s", n, unwrapped ? ", going" : "");
	rc |= put_domains(out, t, nt);
	if (trackers != 0)
		rc |= report_putf(out, "%s%u through click-trackers", shown++ == 0 ? "; " : ", ", trackers);
	if (hidden != 0)
		rc |= report_putf(out, "%s%u hiding where %s", shown++ == 0 ? "; " : ", ", hidden,
				  hidden == 1 ? "it goes" : "they go");
	if (mismatch != 0)
		rc |= report_putf(out, "%s%u showing one site but going to another", shown++ == 0 ? "; " : ", ",
				  mismatch);
	return rc | mv_buf_append(out, ".\n", 2);
}

static const char *action_words(enum mv_action action)
{
	switch (action) {
	case MV_ACTION_ACCEPT:
		break;
	case MV_ACTION_TAG:
		return "tags it as suspect";
	case MV_ACTION_QUARANTINE:
		return "quarantines it";
	case MV_ACTION_TEMPFAIL:
		return "asks the sender to try again later";
	case MV_ACTION_REJECT:
		return "rejects it";
	}
	return "accepts it";
}

/* "  mailvet rejects it (score 7.00, as a policy requires): DMARC_REJECT, HTML_HIDDEN_TEXT." */
static int action(const struct mv_report *r, mv_buf *out)
{
	const struct mv_symbol *top[REASONS_SHOWN];
	unsigned n = 0, i, k;
	int rc = report_putf(out, "  mailvet %s (score %.2f%s)", action_words(r->action), r->score,
			     r->action != MV_ACTION_ACCEPT && r->min_action == r->action ? ", as a policy requires" : "");

	/* The highest-scoring reasons, kept in a short list sorted by insertion. */
	for (i = 0; i < r->n_symbols; i++) {
		const struct mv_symbol *s = &r->symbols[i];

		if (s->score <= 0 || (n == REASONS_SHOWN && s->score <= top[n - 1]->score))
			continue;
		k = n < REASONS_SHOWN ? n++ : n - 1;
		for (; k > 0 && top[k - 1]->score < s->score; k--)
			top[k] = top[k - 1];
		top[k] = s;
	}
	for (i = 0; i < n; i++)
		rc |= report_putf(out, "%s%s", i == 0 ? ": " : ", ", top[i]->name);
	return rc | mv_buf_append(out, ".\n", 2);
}

/*
 * What mailvet changes and what it answers: "  It removes the Disposition-Notification-To field:
 * no mail client may answer it by itself."
 */
static int changes(const struct mv_report *r, mv_buf *out)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < r->n_changes; i++) {
		const struct mv_change *c = &r->changes[i];

		switch (c->op) {
		case MV_CHANGE_REMOVE_HEADER:
			rc |= report_putf(out, "  It removes the %.*s field", (int)c->name.len, c->name.p);
			break;
		case MV_CHANGE_ADD_HEADER:
			rc |= report_putf(out, "  It adds a %.*s field", (int)c->name.len, c->name.p);
			break;
		case MV_CHANGE_CHANGE_FROM:
			rc |= report_putf(out, "  It changes the envelope sender to %.*s", (int)c->value.len, c->value.p);
			break;
		case MV_CHANGE_CHANGE_RCPT:
			rc |= report_putf(out, "  It changes the recipient %.*s to %.*s", (int)c->old.len, c->old.p,
					  (int)c->value.len, c->value.p);
			break;
		}
		if (c->reason.len != 0)
			rc |= report_putf(out, ": %.*s", (int)c->reason.len, c->reason.p);
		rc |= mv_buf_append(out, ".\n", 2);
	}
	if (r->reply.len != 0 && r->action >= MV_ACTION_TEMPFAIL)
		rc |= report_putf(out, "  It answers the sender: \"%.*s\"\n", (int)r->reply.len, r->reply.p);
	return rc;
}

int report_write_verdict(const struct mv_report *report, mv_buf *out)
{
	int rc = claims(report, out);

	rc |= sent_by(report, out);
	rc |= report_write_auth_verdict(report, out);
	rc |= links(report, out);
	rc |= action(report, out);
	rc |= changes(report, out);
	return rc;
}
