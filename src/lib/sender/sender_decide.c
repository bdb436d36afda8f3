/*
 * Deciding who sent a message from its ranked evidence.  The organization is
 * the party that answers for the message, which is not always the one whose
 * servers carried it (an ISP's relay, a hosted mailbox provider):
 *   1. the From domain's own organization when a valid DKIM signature or the
 *      SPF-passing MAIL FROM aligns with it (DMARC's relaxed alignment): it
 *      stands behind the message, whoever delivered it;
 *   2. else the signer of a valid DKIM signature (the topmost);
 *   3. else the SPF-passing MAIL FROM domain;
 *   4. else the envelope sender (Return-Path), unless SPF proved it forged;
 *   5. else the domain that the most kinds of evidence name (HELO, reverse
 *      name, Received hops, Message-ID, links), the strongest kind first on
 *      a tie; a domain SPF failed for only by its reverse name, and one
 *      kind alone only when it is a server's name.
 * The provider is the listed one that the most kinds of evidence match
 * (links alone do not name one: anyone may link to a provider's pages); an
 * unlisted one is found by the structure of bulk mail: a third party's
 * domain in the envelope sender, the Message-ID, the servers and the
 * tracking hosts at once.
 */
#include <string.h>

#include "sender/sender.h"

#define VOTERS 8

static bool same(mv_str a, mv_str b)
{
	return a.len == b.len && a.len != 0 && memcmp(a.p, b.p, a.len) == 0;
}

static const struct sender_item *first_of(const struct sender_facts *f, enum sender_kind kind)
{
	unsigned i;

	for (i = 0; i < f->n; i++) {
		if (f->item[i].kind == kind && f->item[i].domain.len != 0)
			return &f->item[i];
	}
	return NULL;
}

/* Bit (1 << kind) for each kind of evidence naming domain. */
static unsigned kinds_naming(const struct sender_facts *f, mv_str domain)
{
	unsigned i, kinds = 0;

	for (i = 0; i < f->n; i++) {
		if (same(f->item[i].domain, domain))
			kinds |= 1u << f->item[i].kind;
	}
	return kinds;
}

/* Kinds in each of the four places bulk mail names its sender. */
#define BOUNCE_KINDS (1u << SENDER_RETURN_PATH | 1u << SENDER_SPF)
#define MSGID_KINDS (1u << SENDER_MESSAGE_ID)
#define SERVER_KINDS (1u << SENDER_HELO | 1u << SENDER_RDNS | 1u << SENDER_RECEIVED)
#define TRACKING_KINDS (1u << SENDER_LINK | 1u << SENDER_LIST_UNSUBSCRIBE)

/*
 * The domain most kinds name; on a tie the one found first (the strongest
 * kind, the list being ranked).  A domain SPF failed for counts only by the
 * reverse name: its other claims (HELO, Message-ID, hops) are the forger's.
 */
static mv_str consensus(const struct sender_facts *f)
{
	mv_str best = MV_STR_NULL;
	int best_n = 0;
	unsigned i;

	for (i = 0; i < f->n; i++) {
		unsigned kinds;
		int n;

		if (f->item[i].domain.len == 0)
			continue;
		kinds = kinds_naming(f, f->item[i].domain);
		if (same(f->item[i].domain, f->spf_failed_org))
			kinds &= 1u << SENDER_RDNS;
		n = __builtin_popcount(kinds);
		/* One name that no server bears (a Message-ID's host, a link) is too little to say. */
		if (n < 2 && !(kinds & SERVER_KINDS))
			continue;
		if (n > best_n) {
			best = f->item[i].domain;
			best_n = n;
		}
	}
	return best;
}

static void decide_org(const struct sender_facts *f, struct sender_verdict *v)
{
	const struct sender_item *dkim = first_of(f, SENDER_DKIM), *spf = first_of(f, SENDER_SPF),
				 *rp = first_of(f, SENDER_RETURN_PATH);
	unsigned i;

	for (i = 0; i < f->n; i++) {
		const struct sender_item *it = &f->item[i];

		if (it->kind == SENDER_DKIM) {
			v->signed_any = true;
			v->signed_by_from |= same(it->domain, f->from_org);
		} else if (it->kind == SENDER_SPF) {
			v->spf_aligned |= same(it->domain, f->from_org);
		}
	}
	if (v->signed_by_from || v->spf_aligned) {
		v->org = f->from_org;
		v->basis = v->signed_by_from ? SENDER_BASIS_DKIM : SENDER_BASIS_SPF;
	} else if (dkim != NULL) {
		v->org = dkim->domain;
		v->basis = SENDER_BASIS_DKIM;
	} else if (spf != NULL) {
		v->org = spf->domain;
		v->basis = SENDER_BASIS_SPF;
	} else if (rp != NULL && f->spf_failed.len == 0) {
		v->org = rp->domain;
		v->basis = SENDER_BASIS_RETURN_PATH;
	} else {
		v->org = consensus(f);
		v->basis = v->org.len != 0 ? SENDER_BASIS_CONSENSUS : SENDER_BASIS_NONE;
	}
}

/* The listed provider matched by the most kinds of evidence other than links (*kinds_r); -1 for none. */
static int decide_provider(const struct sender_facts *f, unsigned *kinds_r)
{
	struct {
		int provider;
		unsigned kinds;
	} votes[VOTERS];
	unsigned n = 0, i, k;
	int best = -1, best_n = 0;

	for (i = 0; i < f->n; i++) {
		const struct sender_item *it = &f->item[i];

		if (it->provider < 0 || it->kind == SENDER_LINK)
			continue;
		for (k = 0; k < n && votes[k].provider != it->provider; k++)
			;
		if (k == n) {
			if (n == VOTERS)
				continue;
			votes[n].provider = it->provider;
			votes[n++].kinds = 0;
		}
		votes[k].kinds |= 1u << it->kind;
	}
	for (k = 0; k < n; k++) {
		int c = __builtin_popcount(votes[k].kinds);

		if (c > best_n) {
			best = votes[k].provider;
			best_n = c;
			*kinds_r = votes[k].kinds;
		}
	}
	return best;
}

/*
 * An unlisted bulk sender: a domain other than the From domain's, no listed
 * provider's and no mailing list's, named at once by the envelope sender,
 * the Message-ID, the servers and the tracking hosts.
 */
static mv_str decide_structure(const struct sender_facts *f)
{
	unsigned i;

	for (i = 0; i < f->n; i++) {
		const struct sender_item *it = &f->item[i];
		unsigned kinds;

		if (it->domain.len == 0 || it->provider >= 0 || same(it->domain, f->from_org))
			continue;
		kinds = kinds_naming(f, it->domain);
		if ((kinds & BOUNCE_KINDS) && (kinds & MSGID_KINDS) && (kinds & SERVER_KINDS) && (kinds & TRACKING_KINDS) &&
		    !(kinds & 1u << SENDER_LIST_ID))
			return it->domain;
	}
	return MV_STR_NULL;
}

/* The kinds that show who delivered the message to us (hops further back carried it before). */
#define DELIVERY_KINDS \
	(1u << SENDER_DKIM | 1u << SENDER_SPF | 1u << SENDER_RETURN_PATH | 1u << SENDER_RDNS | 1u << SENDER_HELO)

/* The verdict's provider names its organization: the provider is who sent it. */
static bool provider_names(const struct sender_facts *f, const struct sender_verdict *v)
{
	unsigned i;

	for (i = 0; i < f->n; i++) {
		if (f->item[i].provider == v->provider && same(f->item[i].domain, v->org))
			return true;
	}
	return false;
}

void sender_decide(const struct sender_facts *f, struct sender_verdict *v)
{
	unsigned provider_kinds = 0;

	memset(v, 0, sizeof(*v));
	v->provider = -1;
	decide_org(f, v);
	v->on_behalf = v->org.len != 0 && f->from_org.len != 0 && !same(v->org, f->from_org);
	v->org_kinds = v->org.len != 0 ? kinds_naming(f, v->org) : 0;
	v->provider = decide_provider(f, &provider_kinds);
	/*
	 * Mail another organization sent on the From domain's behalf was
	 * delivered by a provider only if the provider is that organization, or
	 * its client, envelope or signature brought the message: its header
	 * marks or earlier hops may be left over from before a forwarder or a
	 * list resent it.
	 */
	v->provider_is_org = v->provider >= 0 && provider_names(f, v);
	if (v->provider >= 0 && v->on_behalf && !(provider_kinds & DELIVERY_KINDS) && !v->provider_is_org)
		v->provider = -1;
	if (v->provider < 0) {
		v->structure = decide_structure(f);
		v->provider_is_org = same(v->structure, v->org);
	}
	/*
	 * A list's fields name the list's domain, which need not be the one
	 * that resends (yahoogroups.com's lists come from yahoo.com): a
	 * message with them that no bulk sender delivered is a list's.
	 */
	v->mailing_list = f->mailing_list && v->provider < 0 && v->structure.len == 0;
}
