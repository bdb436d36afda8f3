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

/* Appends n bytes of s, cut where the buffer ends (never inside a UTF-8 sequence). */
static void add(struct text *t, const char *s, size_t n)
{
	size_t room = sizeof(t->buf) - 1 - t->len;

	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

/*
 * Appends the template, each '%' in it replaced by the next mv_str argument
 * (at most 100 bytes of it): the sentences are built without printf, which
 * would cost more than the rest of the check.
 */
static void say(struct text *t, const char *template, ...)
{
	const char *p = template, *q;
	va_list ap;

	va_start(ap, template);
	while ((q = strchr(p, '%')) != NULL) {
		mv_str v = va_arg(ap, mv_str);

		add(t, p, (size_t)(q - p));
		add(t, v.p, v.len < 100 ? v.len : 100);
		p = q + 1;
	}
	add(t, p, strlen(p));
	va_end(ap);
}

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

/* Appends the words for one piece of evidence. */
static void words_for(struct text *t, const struct sender_facts *f, const struct sender_item *it)
{
	const char *colon;
	char n[40];

	switch (it->kind) {
	case SENDER_RECEIVED:
		if (it->count < f->received_hops) {
			snprintf(n, sizeof(n), "%u of %u", it->count, f->received_hops);
			say(t, "% Received hops", mv_str_cstr(n));
		} else {
			say(t, f->received_hops == 1 ? "the Received hop" : "every Received hop");
		}
		return;
	case SENDER_LINK:
		say(t, it->count == 1 ? "a tracking link" : "the tracking links");
		return;
	case SENDER_PROVIDER_HEADER:
		colon = memchr(it->value.p, ':', it->value.len);
		say(t, "the % field", mv_str_make(it->value.p, colon != NULL ? (size_t)(colon - it->value.p) : 0));
		return;
	default:
		say(t, said[it->kind] != NULL ? said[it->kind] : "");
		return;
	}
}

/* " (SPF, Return-Path and every Received hop)": the kinds of evidence naming org, in words. */
static void why(struct text *t, const struct sender_facts *f, mv_str org)
{
	const struct sender_item *by_kind[SENDER_KIND_COUNT] = { NULL }, *named[WORDS_MAX];
	unsigned n = 0, i;

	/* The first piece of each kind that names org, in one pass; then in the order they are said. */
	for (i = 0; i < f->n; i++) {
		if (by_kind[f->item[i].kind] == NULL && same(f->item[i].domain, org))
			by_kind[f->item[i].kind] = &f->item[i];
	}
	for (i = 0; i < sizeof(said_order) / sizeof(said_order[0]) && n < WORDS_MAX; i++) {
		if (by_kind[said_order[i]] != NULL)
			named[n++] = by_kind[said_order[i]];
	}
	if (n == 0)
		return;
	say(t, " (");
	for (i = 0; i < n; i++) {
		say(t, i == 0 ? "" : i + 1 == n ? " and " : ", ");
		words_for(t, f, named[i]);
	}
	say(t, ")");
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
		say(t, "; signed by %, not by %", d->value, f->from_domain);
	else
		say(t, "; not signed by %", f->from_domain);
}

static void on_behalf(struct text *t, const struct sender_facts *f, const struct sender_verdict *v, mv_str provider)
{
	bool is_org = provider.len != 0 && v->provider_is_org;

	say(t, "From says %; ", f->from_domain);
	if (v->mailing_list)
		say(t, "resent by a mailing list of %", v->org);
	else if (is_org && v->provider >= 0)
		say(t, "sent by % (%)", provider, v->org);
	else if (is_org)
		say(t, "sent by %, a bulk-mail sender,", v->org);
	else
		say(t, "sent by %", v->org);
	say(t, " on its behalf");
	why(t, f, v->org);
	if (provider.len != 0 && !is_org)
		say(t, ", delivered by %", provider);
	signature(t, f, v);
}

static void own(struct text *t, const struct sender_facts *f, const struct sender_verdict *v, mv_str provider)
{
	const struct sender_item *d = naming(f, SENDER_DKIM, v->org);

	if (provider.len != 0) {
		say(t, "delivered by % for %", provider, f->from_domain);
		if (d != NULL)
			say(t, ", signed by %", d->value);
		else if (v->spf_aligned)
			say(t, ", which the SPF policy of % allows", naming(f, SENDER_SPF, v->org)->value);
		else
			say(t, "; not signed by %", f->from_domain);
		return;
	}
	say(t, "From says %; sent by % itself", f->from_domain, v->org);
	why(t, f, v->org);
	if (d == NULL)
		say(t, "; not signed by %", f->from_domain);
}

mv_str sender_summary(mv_arena *arena, const struct sender_facts *f, const struct sender_verdict *v,
		      const struct providers *p)
{
	mv_str provider = sender_provider_name(v, p);
	struct text t;
	char *s;

	t.len = 0;
	if (v->org.len == 0) {
		if (f->from_domain.len != 0 && f->spf_failed.len != 0)
			say(&t, "From says %; nothing shows who sent it: SPF says its server may not send for %",
			    f->from_domain, f->spf_failed);
		else if (f->from_domain.len != 0)
			say(&t, "From says %; nothing in the message shows who sent it", f->from_domain);
		else
			say(&t, "The message has no From domain, and nothing in it shows who sent it");
	} else if (f->from_domain.len == 0) {
		say(&t, "The message has no From domain; sent by %", v->org);
		why(&t, f, v->org);
	} else if (v->on_behalf) {
		on_behalf(&t, f, v, provider);
	} else {
		own(&t, f, v, provider);
	}
	s = mv_arena_strndup(arena, t.buf, t.len);
	return s != NULL ? mv_str_make(s, t.len) : MV_STR_NULL;
}
