/*
 * The evidence and the decision on their own, without a message: pieces
 * reduced to organizations and merged, ranked strongest first (stable within
 * a kind), the organization decided by the order of sender_decide.c, the
 * provider (by name, or by structure), and the sentences that say it.
 */
#include <stdlib.h>
#include <string.h>

#include "sender/sender.h"
#include "test.h"

static struct providers *providers;
static mv_arena *arena;

/* A piece of evidence, named as a test reads: kind and host. */
struct piece {
	enum sender_kind kind;
	const char *host;
};

#define END { SENDER_KIND_COUNT, NULL }

static unsigned roles_of(enum sender_kind kind)
{
	switch (kind) {
	case SENDER_DKIM:
		return PROVIDER_DKIM;
	case SENDER_SPF:
	case SENDER_RETURN_PATH:
		return PROVIDER_BOUNCE;
	case SENDER_RDNS:
	case SENDER_HELO:
	case SENDER_RECEIVED:
		return PROVIDER_SENDING;
	case SENDER_MESSAGE_ID:
		return PROVIDER_MSGID;
	case SENDER_LINK:
	case SENDER_LIST_UNSUBSCRIBE:
		return PROVIDER_TRACKING;
	default:
		return 0;
	}
}

/* Facts for a From domain and pieces, ranked. */
static void facts(struct sender_facts *f, const char *from, const struct piece *pieces)
{
	memset(f, 0, sizeof(*f));
	f->from_domain = mv_str_cstr(from);
	f->from_org = sender_org_of(arena, f->from_domain);
	for (; pieces->host != NULL; pieces++) {
		CHECK(sender_add(f, arena, providers, pieces->kind, mv_str_cstr(pieces->host), MV_STR_NULL,
				 roles_of(pieces->kind)) >= 0);
		if (pieces->kind == SENDER_RECEIVED)
			f->received_hops++;
	}
	sender_rank(f);
}

/* "kind:domain kind:domain ..." of the ranked list. */
static const char *listed(const struct sender_facts *f)
{
	static char out[1000];
	size_t n = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < f->n && n < sizeof(out); i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s:%.*s", i ? " " : "",
				      sender_kind_name(f->item[i].kind), (int)f->item[i].domain.len, f->item[i].domain.p);
	return out;
}

static const char *summary_of(const struct sender_facts *f, const struct sender_verdict *v)
{
	static char out[600];
	mv_str s = sender_summary(arena, f, v, providers);

	snprintf(out, sizeof(out), "%.*s", (int)s.len, s.p);
	return out;
}

static void test_rank_orders_by_kind_and_keeps_order_within_one(void)
{
	struct sender_facts f;

	facts(&f, "brand.example",
	      (const struct piece[]){ { SENDER_LINK, "click.t.example" },
				      { SENDER_RECEIVED, "mta.b.example" },
				      { SENDER_MESSAGE_ID, "ids.m.example" },
				      { SENDER_DKIM, "d.example" },
				      { SENDER_RECEIVED, "mta.a.example" },
				      { SENDER_HELO, "h.example" },
				      { SENDER_RETURN_PATH, "bounce.r.example" },
				      { SENDER_SPF, "s.example" },
				      { SENDER_RDNS, "n.example" },
				      END });
	CHECK_STR(mv_str_cstr(listed(&f)), "dkim:d.example spf:s.example rdns:n.example helo:h.example "
					   "received:b.example received:a.example return_path:r.example "
					   "message_id:m.example link:t.example");
}

static void test_rank_merges_and_filters_hosts(void)
{
	struct sender_facts f;

	facts(&f, "brand.example",
	      (const struct piece[]){ { SENDER_RECEIVED, "O1.Mailer.Example." },
				      { SENDER_RECEIVED, "o2.mailer.example" },
				      { SENDER_RECEIVED, "192.0.2.1" },
				      { SENDER_RECEIVED, "[192.0.2.1]" },
				      { SENDER_RECEIVED, "2001:db8::1" },
				      { SENDER_RECEIVED, "mailhost" },
				      { SENDER_RECEIVED, "localhost.localdomain" },
				      { SENDER_RECEIVED, "box.local" },
				      { SENDER_RECEIVED, "bad host.example" },
				      { SENDER_RECEIVED, "" },
				      { SENDER_RECEIVED, "mta.co.uk.example" },
				      END });
	CHECK_STR(mv_str_cstr(listed(&f)), "received:mailer.example received:uk.example");
	CHECK_INT(f.item[0].count, 2);
	CHECK_STR(f.item[0].value, "o1.mailer.example");
	CHECK_INT(f.item[1].count, 1);
}

static void test_rank_is_bounded(void)
{
	struct sender_facts f;
	char host[64];
	unsigned i;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < 100; i++) {
		snprintf(host, sizeof(host), "m.d%u.example", i);
		CHECK_INT(sender_add(&f, arena, providers, SENDER_RECEIVED, mv_str_cstr(host), MV_STR_NULL, 0), 1);
	}
	CHECK_INT(f.n, SENDER_MAX_ITEMS);
}

static void test_decide_aligned_signature_is_the_from_domains_mail(void)
{
	struct sender_facts f;
	struct sender_verdict v;

	/* Signed by the From domain, delivered by a listed provider: its own mail. */
	facts(&f, "news.example.net",
	      (const struct piece[]){ { SENDER_DKIM, "example.net" },
				      { SENDER_SPF, "mail181.atl61.mcsv.net" },
				      { SENDER_RDNS, "mail181.atl61.mcsv.net" },
				      { SENDER_RETURN_PATH, "mail181.atl61.mcsv.net" },
				      { SENDER_LINK, "example.us5.list-manage.com" },
				      END });
	sender_decide(&f, &v);
	CHECK_STR(v.org, "example.net");
	CHECK(!v.on_behalf && v.signed_by_from && v.signed_any && !v.spf_aligned);
	CHECK_INT(v.basis, SENDER_BASIS_DKIM);
	CHECK_STR(mv_str_cstr(providers_name(providers, (unsigned)v.provider)), "Mailchimp");
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)), "delivered by Mailchimp for news.example.net, signed by example.net");
	/* A subdomain signs for the brand: the same organization. */
	facts(&f, "microsoft.example",
	      (const struct piece[]){ { SENDER_DKIM, "em.microsoft.example" },
				      { SENDER_RETURN_PATH, "bounce.em.microsoft.example" },
				      { SENDER_HELO, "mta.em.microsoft.example" },
				      END });
	sender_decide(&f, &v);
	CHECK(!v.on_behalf && v.signed_by_from && v.provider < 0 && v.structure.len == 0);
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)),
		  "From says microsoft.example; sent by microsoft.example itself (its DKIM signature, Return-Path and "
		  "its HELO)");
	/* SPF alone aligned: the From domain allows the provider's servers. */
	facts(&f, "shop.example",
	      (const struct piece[]){ { SENDER_SPF, "em.shop.example" },
				      { SENDER_RDNS, "o1.ptr1234.sendgrid.net" },
				      { SENDER_RETURN_PATH, "em.shop.example" },
				      END });
	sender_decide(&f, &v);
	CHECK(!v.on_behalf && !v.signed_by_from && v.spf_aligned && !v.signed_any);
	CHECK_INT(v.basis, SENDER_BASIS_SPF);
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)),
		  "delivered by SendGrid for shop.example, which the SPF policy of em.shop.example allows");
}

static void test_decide_order_of_the_other_evidence(void)
{
	struct sender_facts f;
	struct sender_verdict v;

	/* A third party's signature before its SPF and Return-Path. */
	facts(&f, "brand.example",
	      (const struct piece[]){ { SENDER_SPF, "spf.example" },
				      { SENDER_DKIM, "signer.example" },
				      { SENDER_RETURN_PATH, "rp.example" },
				      END });
	sender_decide(&f, &v);
	CHECK_STR(v.org, "signer.example");
	CHECK(v.on_behalf && v.signed_any && !v.signed_by_from);
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)),
		  "From says brand.example; sent by signer.example on its behalf (its DKIM signature); signed by "
		  "signer.example, not by brand.example");
	facts(&f, "brand.example",
	      (const struct piece[]){ { SENDER_SPF, "spf.example" }, { SENDER_RETURN_PATH, "rp.example" }, END });
	sender_decide(&f, &v);
	CHECK_STR(v.org, "spf.example");
	CHECK_INT(v.basis, SENDER_BASIS_SPF);
	/* The envelope sender before the servers: a relay is not the sender. */
	facts(&f, "bobs.example",
	      (const struct piece[]){ { SENDER_RDNS, "smtp.isp.example" },
				      { SENDER_HELO, "smtp.isp.example" },
				      { SENDER_RECEIVED, "smtp.isp.example" },
				      { SENDER_RETURN_PATH, "bobs.example" },
				      END });
	sender_decide(&f, &v);
	CHECK_STR(v.org, "bobs.example");
	CHECK(!v.on_behalf);
	CHECK_INT(v.basis, SENDER_BASIS_RETURN_PATH);
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)),
		  "From says bobs.example; sent by bobs.example itself (Return-Path); not signed by bobs.example");
	/* Without an envelope sender, the domain most kinds name. */
	facts(&f, "brand.example",
	      (const struct piece[]){ { SENDER_HELO, "mx.a.example" },
				      { SENDER_MESSAGE_ID, "b.example" },
				      { SENDER_LINK, "b.example" },
				      END });
	sender_decide(&f, &v);
	CHECK_STR(v.org, "b.example");
	CHECK_INT(v.basis, SENDER_BASIS_CONSENSUS);
	/* A tie: the strongest kind first. */
	facts(&f, "brand.example",
	      (const struct piece[]){ { SENDER_MESSAGE_ID, "b.example" }, { SENDER_HELO, "mx.a.example" }, END });
	sender_decide(&f, &v);
	CHECK_STR(v.org, "a.example");
	/* One name no server bears is too little. */
	facts(&f, "brand.example", (const struct piece[]){ { SENDER_MESSAGE_ID, "b.example" }, END });
	sender_decide(&f, &v);
	CHECK(v.org.len == 0 && !v.on_behalf);
	CHECK_INT(v.basis, SENDER_BASIS_NONE);
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)), "From says brand.example; nothing in the message shows who sent it");
}

static void test_decide_spf_fail_refutes_the_claims(void)
{
	struct sender_facts f;
	struct sender_verdict v;

	facts(&f, "example.net",
	      (const struct piece[]){ { SENDER_HELO, "mail.example.net" },
				      { SENDER_RETURN_PATH, "example.net" },
				      { SENDER_MESSAGE_ID, "example.net" },
				      END });
	f.spf_failed = MV_STR_LIT("example.net");
	f.spf_failed_org = MV_STR_LIT("example.net");
	sender_decide(&f, &v);
	CHECK(v.org.len == 0 && !v.on_behalf);
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)),
		  "From says example.net; nothing shows who sent it: SPF says its server may not send for example.net");
	/* Its reverse name still counts: a fact our relay looked up. */
	facts(&f, "example.net",
	      (const struct piece[]){ { SENDER_RDNS, "dsl-1.isp.example" },
				      { SENDER_HELO, "mail.example.net" },
				      { SENDER_RETURN_PATH, "example.net" },
				      END });
	f.spf_failed = MV_STR_LIT("example.net");
	f.spf_failed_org = MV_STR_LIT("example.net");
	sender_decide(&f, &v);
	CHECK_STR(v.org, "isp.example");
	CHECK(v.on_behalf);
}

static void test_decide_provider_by_name(void)
{
	struct sender_facts f;
	struct sender_verdict v;

	/* The provider sent it on the brand's behalf, unsigned. */
	facts(&f, "microsoft.example",
	      (const struct piece[]){ { SENDER_SPF, "mail181.atl61.mcsv.net" },
				      { SENDER_RDNS, "mail181.atl61.mcsv.net" },
				      { SENDER_RECEIVED, "mail181.atl61.mcsv.net" },
				      { SENDER_RETURN_PATH, "mail181.atl61.mcsv.net" },
				      { SENDER_MESSAGE_ID, "mail181.atl61.mcsv.net" },
				      { SENDER_LIST_UNSUBSCRIBE, "microsoft.us5.list-manage.com" },
				      { SENDER_LINK, "microsoft.us5.list-manage.com" },
				      END });
	sender_decide(&f, &v);
	CHECK_STR(v.org, "mcsv.net");
	CHECK(v.on_behalf && v.provider_is_org && !v.signed_any);
	CHECK_STR(mv_str_cstr(providers_name(providers, (unsigned)v.provider)), "Mailchimp");
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)),
		  "From says microsoft.example; sent by Mailchimp (mcsv.net) on its behalf (SPF, Return-Path, "
		  "Message-ID, the server's name and the Received hop); not signed by microsoft.example");
	/* Links alone name no provider. */
	facts(&f, "shop.example",
	      (const struct piece[]){ { SENDER_RETURN_PATH, "shop.example" },
				      { SENDER_LINK, "x.us5.list-manage.com" },
				      END });
	sender_decide(&f, &v);
	CHECK_INT(v.provider, -1);
	/* A header mark names the provider of the From domain's own mail... */
	facts(&f, "shop.example", (const struct piece[]){ { SENDER_RETURN_PATH, "shop.example" }, END });
	CHECK_INT(sender_add_provider(&f, providers, SENDER_PROVIDER_HEADER,
				      providers_by_header(providers, MV_STR_LIT("X-SG-EID"), MV_STR_LIT("x")),
				      MV_STR_LIT("X-SG-EID: x")),
		  0);
	sender_rank(&f);
	sender_decide(&f, &v);
	CHECK_STR(mv_str_cstr(providers_name(providers, (unsigned)v.provider)), "SendGrid");
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)), "delivered by SendGrid for shop.example; not signed by shop.example");
	/* ...but not of a forwarder's resending, whose servers are its own. */
	facts(&f, "shop.example",
	      (const struct piece[]){ { SENDER_RETURN_PATH, "forwarder.example" },
				      { SENDER_RDNS, "mx.forwarder.example" },
				      END });
	CHECK_INT(sender_add_provider(&f, providers, SENDER_PROVIDER_HEADER,
				      providers_by_header(providers, MV_STR_LIT("X-SG-EID"), MV_STR_LIT("x")),
				      MV_STR_LIT("X-SG-EID: x")),
		  0);
	sender_rank(&f);
	sender_decide(&f, &v);
	CHECK_STR(v.org, "forwarder.example");
	CHECK_INT(v.provider, -1);
}

static void test_decide_unlisted_provider_by_structure(void)
{
	struct sender_facts f;
	struct sender_verdict v;
	static const struct piece bulk[] = { { SENDER_HELO, "o17.em.mailer.example" },
					     { SENDER_RETURN_PATH, "em.mailer.example" },
					     { SENDER_MESSAGE_ID, "em.mailer.example" },
					     { SENDER_LINK, "click.mailer.example" },
					     END };

	facts(&f, "bank.example", bulk);
	sender_decide(&f, &v);
	CHECK_STR(v.org, "mailer.example");
	CHECK_STR(v.structure, "mailer.example");
	CHECK(v.on_behalf && v.provider_is_org && v.provider < 0);
	CHECK_STR(sender_provider_name(&v, providers), "mailer.example");
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)),
		  "From says bank.example; sent by mailer.example, a bulk-mail sender, on its behalf (Return-Path, "
		  "Message-ID, its HELO and a tracking link); not signed by bank.example");
	/* Signed by the From domain: delivered by the unlisted sender for it. */
	facts(&f, "bank.example", bulk);
	CHECK_INT(sender_add(&f, arena, providers, SENDER_DKIM, MV_STR_LIT("bank.example"), MV_STR_NULL, 0), 1);
	sender_rank(&f);
	sender_decide(&f, &v);
	CHECK(!v.on_behalf);
	CHECK_STR(v.structure, "mailer.example");
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)), "delivered by mailer.example for bank.example, signed by bank.example");
	/* Without the tracking hosts it is a sender, not a bulk one. */
	facts(&f, "bank.example",
	      (const struct piece[]){ { SENDER_HELO, "o17.em.mailer.example" },
				      { SENDER_RETURN_PATH, "em.mailer.example" },
				      { SENDER_MESSAGE_ID, "em.mailer.example" },
				      END });
	sender_decide(&f, &v);
	CHECK(v.on_behalf && v.structure.len == 0);
}

static void test_decide_mailing_list(void)
{
	struct sender_facts f;
	struct sender_verdict v;

	facts(&f, "alice.example",
	      (const struct piece[]){ { SENDER_RDNS, "lists.example.org" },
				      { SENDER_RETURN_PATH, "lists.example.org" },
				      { SENDER_MESSAGE_ID, "alice.example" },
				      { SENDER_LIST_ID, "users.lists.example.org" },
				      { SENDER_LIST_UNSUBSCRIBE, "lists.example.org" },
				      END });
	f.mailing_list = true;
	sender_decide(&f, &v);
	CHECK(v.on_behalf && v.mailing_list && v.structure.len == 0);
	CHECK_STR(mv_str_cstr(summary_of(&f, &v)),
		  "From says alice.example; resent by a mailing list of example.org on its behalf (Return-Path, the "
		  "server's name, List-Id and List-Unsubscribe); not signed by alice.example");
}

int main(void)
{
	mv_str text = MV_STR_LIT("provider Mailchimp\n domain mcsv.net\n tracking list-manage.com\n"
				 "provider SendGrid\n domain sendgrid.net\n header X-SG-EID\n");
	char *error = NULL;

	arena = mv_arena_new(0);
	if (providers_parse("test", text.p, text.len, &providers, &error) < 0 || arena == NULL) {
		fprintf(stderr, "setup: %s\n", error != NULL ? error : "out of memory");
		return 1;
	}
	RUN(test_rank_orders_by_kind_and_keeps_order_within_one);
	RUN(test_rank_merges_and_filters_hosts);
	RUN(test_rank_is_bounded);
	RUN(test_decide_aligned_signature_is_the_from_domains_mail);
	RUN(test_decide_order_of_the_other_evidence);
	RUN(test_decide_spf_fail_refutes_the_claims);
	RUN(test_decide_provider_by_name);
	RUN(test_decide_unlisted_provider_by_structure);
	RUN(test_decide_mailing_list);
	providers_free(&providers);
	mv_arena_free(&arena);
	return test_summary();
}
