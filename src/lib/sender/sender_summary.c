/*
 * The sentence that says who sent a message, from the verdict and the
 * evidence naming its organization:
 *   From says microsoft.com; sent by mailer.example, a bulk-mail sender, on
 *   its behalf (Return-Path, Message-ID and every Received hop); not signed
 *   by microsoft.com
 *   delivered by Mailchimp for example.net, signed by example.net
 *   From says example.org; sent by example.org itself (SPF, Return-Path and
 *   Message-ID)
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sender/sender.h"

#define SUMMARY_MAX 512
#define WORDS_MAX 12

struct text {
	char buf[SUMMARY_MAX];
	size_t len;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < sizeof(t->buf) ? t->len + (size_t)n : sizeof(t->buf) - 1;
}

/* "%.*s" arguments of a view, at most 100 bytes. */
#define V(s) (int)((s).len < 100 ? (s).len : 100), (s).p

static bool same(mv_str a, mv_str b)
{
	return a.len == b.len && a.len != 0 && memcmp(a.p, b.p, a.len) == 0;
}

static const struct sender_item *naming(const struct sender_facts *f, enum sender_kind kind, mv_str domain)
{
	unsigned i;

	for (i = 0; i < f->n; i++) {
		if (f->item[i].kind == kind && same(f->item[i].domain, domain))
			return &f->item[i];
	}
	return NULL;
}

/* The order the evidence is named in: what authenticates, what the message says, then where it came from. */
static const enum sender_kind said_order[] = {
	SENDER_DKIM,	    SENDER_SPF,		     SENDER_RETURN_PATH, SENDER_MESSAGE_ID,
	SENDER_RDNS,	    SENDER_HELO,	     SENDER_RECEIVED,	 SENDER_LIST_ID,
	SENDER_FEEDBACK_ID, SENDER_LIST_UNSUBSCRIBE, SENDER_LINK,	 SENDER_PROVIDER_HEADER,
};

/* How each kind of evidence is named, when its words do not depend on the item. */
static const char *const said[SENDER_KIND_COUNT] = {
	[SENDER_DKIM] = "its DKIM signature",
	[SENDER_SPF] = "SPF",
	[SENDER_RETURN_PATH] = "Return-Path",
	[SENDER_MESSAGE_ID] = "Message-ID",
	[SENDER_RDNS] = "the server's name",
	[SENDER_HELO] = "its HELO",
	[SENDER_LIST_ID] = "List-Id",
	[SENDER_FEEDBACK_ID] = "Feedback-ID",
	[SENDER_LIST_UNSUBSCRIBE] = "List-Unsubscribe",
};

/* The words for one piece of evidence, into out. */
static void words_for(const struct sender_facts *f, const struct sender_item *it, char out[64])
{
	const char *colon;

	switch (it->kind) {
	case SENDER_RECEIVED:
		if (it->count < f->received_hops)
			snprintf(out, 64, "%u of %u Received hops", it->count, f->received_hops);
		else
			snprintf(out, 64, f->received_hops == 1 ? "the Received hop" : "every Received hop");
		return;
	case SENDER_LINK:
		snprintf(out, 64, it->count == 1 ? "a tracking link" : "the tracking links");
		return;
	case SENDER_PROVIDER_HEADER:
		colon = memchr(it->value.p, ':', it->value.len);
		snprintf(out, 64, "the %.*s field", colon != NULL ? (int)(colon - it->value.p < 40 ? colon - it->value.p : 40) : 0,
			 it->value.p);
		return;
	default:
		snprintf(out, 64, "%s", said[it->kind] != NULL ? said[it->kind] : "");
		return;
	}
}

/* " (SPF, Return-Path and every Received hop)": the kinds of evidence naming org, in words. */
static void why(struct text *t, const struct sender_facts *f, mv_str org)
{
	char words[WORDS_MAX][64];
	unsigned n = 0, i;

	for (i = 0; i < sizeof(said_order) / sizeof(said_order[0]) && n < WORDS_MAX; i++) {
		const struct sender_item *it = naming(f, said_order[i], org);

		if (it != NULL)
			words_for(f, it, words[n++]);
	}
	if (n == 0)
		return;
	put(t, " (");
	for (i = 0; i < n; i++)
		put(t, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", words[i]);
	put(t, ")");
}

mv_str sender_provider_name(const struct sender_verdict *v, const struct providers *p)
{
	if (v->provider >= 0)
		return mv_str_cstr(providers_name(p, (unsigned)v->provider));
	return v->structure;
}

/* "; signed by x, not by y" or "; not signed by y", for mail sent on the From domain's behalf. */
static void signature(struct text *t, const struct sender_facts *f, const struct sender_verdict *v)
{
	const struct sender_item *d = naming(f, SENDER_DKIM, v->org);
	unsigned i;

	for (i = 0; d == NULL && i < f->n; i++) {
		if (f->item[i].kind == SENDER_DKIM)
			d = &f->item[i];
	}
	if (d != NULL)
		put(t, "; signed by %.*s, not by %.*s", V(d->value), V(f->from_domain));
	else
		put(t, "; not signed by %.*s", V(f->from_domain));
}

static void on_behalf(struct text *t, const struct sender_facts *f, const struct sender_verdict *v, mv_str provider)
{
	bool is_org = provider.len != 0 && v->provider_is_org;

	put(t, "From says %.*s; ", V(f->from_domain));
	if (v->mailing_list)
		put(t, "resent by a mailing list of %.*s", V(v->org));
	else if (is_org && v->provider >= 0)
		put(t, "sent by %.*s (%.*s)", V(provider), V(v->org));
	else if (is_org)
		put(t, "sent by %.*s, a bulk-mail sender,", V(v->org));
	else
		put(t, "sent by %.*s", V(v->org));
	put(t, " on its behalf");
	why(t, f, v->org);
	if (provider.len != 0 && !is_org)
		put(t, ", delivered by %.*s", V(provider));
	signature(t, f, v);
}

static void own(struct text *t, const struct sender_facts *f, const struct sender_verdict *v, mv_str provider)
{
	const struct sender_item *d = naming(f, SENDER_DKIM, v->org);

	if (provider.len != 0) {
		put(t, "delivered by %.*s for %.*s", V(provider), V(f->from_domain));
		if (d != NULL)
			put(t, ", signed by %.*s", V(d->value));
		else if (v->spf_aligned)
			put(t, ", which the SPF policy of %.*s allows", V(naming(f, SENDER_SPF, v->org)->value));
		else
			put(t, "; not signed by %.*s", V(f->from_domain));
		return;
	}
	put(t, "From says %.*s; sent by %.*s itself", V(f->from_domain), V(v->org));
	why(t, f, v->org);
	if (d == NULL)
		put(t, "; not signed by %.*s", V(f->from_domain));
}

mv_str sender_summary(mv_arena *arena, const struct sender_facts *f, const struct sender_verdict *v,
		      const struct providers *p)
{
	mv_str provider = sender_provider_name(v, p);
	struct text t;
	char *s;

	t.len = 0;
	t.buf[0] = '\0';
	if (v->org.len == 0) {
		if (f->from_domain.len != 0 && f->spf_failed.len != 0)
			put(&t, "From says %.*s; nothing shows who sent it: SPF says its server may not send for %.*s",
			    V(f->from_domain), V(f->spf_failed));
		else if (f->from_domain.len != 0)
			put(&t, "From says %.*s; nothing in the message shows who sent it", V(f->from_domain));
		else
			put(&t, "The message has no From domain, and nothing in it shows who sent it");
	} else if (f->from_domain.len == 0) {
		put(&t, "The message has no From domain; sent by %.*s", V(v->org));
		why(&t, f, v->org);
	} else if (v->on_behalf) {
		on_behalf(&t, f, v, provider);
	} else {
		own(&t, f, v, provider);
	}
	s = mv_arena_strndup(arena, t.buf, t.len);
	return s != NULL ? mv_str_make(s, t.len) : MV_STR_NULL;
}
