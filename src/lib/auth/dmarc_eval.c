/*
 * DMARC evaluation of one message (RFC 9989 4.10 and 5.3): find the policy
 * record that applies to the Author Domain by the DNS Tree Walk, align the
 * identifiers SPF and DKIM authenticated, and say what the Domain Owner asks
 * for a failing message.  The walk replaces RFC 7489's public suffix list:
 * the Organizational Domain is read from the records (and their psd= tags)
 * found on the way to the root.
 *
 * The evaluation is re-runnable: each run asks the lookup function for what
 * it needs, and when an answer is still pending it goes on with what does not
 * depend on it, then returns MV_AGAIN.  The lookups of one walk are asked
 * together once the first is pending, so a walk costs one round trip, not
 * eight.  DNS cost is bounded: at most eight queries a walk (RFC 9989 4.10),
 * one walk for the Author Domain, one for each distinct identifier under its
 * Organizational Domain (max_walks), and one existence test for np=.
 */
#include <string.h>
#include <strings.h>

#include "auth/dmarc.h"
#include "dns/dns.h"
#include "mailvet/status.h"

#define WALK_MAX_TARGETS 8		/* RFC 9989 4.10: no more than eight queries */
#define DOMAIN_MAX_LABELS 128		/* 253 bytes hold at most 127 */
#define MAX_WALKS 16			/* identifiers walked, at most (max_walks bounds it further) */

enum fetch { FETCH_NONE, FETCH_RECORD, FETCH_AGAIN, FETCH_TEMP, FETCH_NOMEM };

enum align { ALIGN_NO, ALIGN_YES, ALIGN_AGAIN, ALIGN_TEMP, ALIGN_NOMEM };

/* The Organizational Domain walk of one domain, as offsets into its name. */
struct walk {
	size_t org;
	bool self_psd;			/* the domain itself publishes psd=y */
	bool has_psd;			/* a record with psd=y above the domain ended the walk */
	size_t psd;
	struct dmarc_record psd_rec;
};

struct eval {
	dmarc_lookup_fn *lookup;
	void *ctx;
	unsigned pending;		/* lookups this run left pending */
	mv_str author;
	bool org_done;			/* the author's walk ran in this run: org_status, author_walk */
	enum dmarc_walk_status org_status;
	struct walk author_walk;
	mv_str walked[MAX_WALKS];	/* identifiers walked in this run, and their alignment */
	enum align walked_align[MAX_WALKS];
	unsigned n_walked;
};

static mv_str suffix(mv_str d, size_t off)
{
	return mv_str_make(d.p + off, d.len - off);
}

static bool same_domain(mv_str a, mv_str b)
{
	return a.len == b.len && strncasecmp(a.p, b.p, a.len) == 0;
}

/* Whether a and b end in the same label. */
static bool same_tld(mv_str a, mv_str b)
{
	const char *da = memrchr(a.p, '.', a.len), *db = memrchr(b.p, '.', b.len);
	size_t la = da != NULL ? (size_t)(a.p + a.len - da) : a.len + 1;
	size_t lb = db != NULL ? (size_t)(b.p + b.len - db) : b.len + 1;

	return la == lb && strncasecmp(a.p + a.len - la + 1, b.p + b.len - lb + 1, la - 1) == 0;
}

/* Whether d is parent or a name under it. */
static bool within(mv_str d, mv_str parent)
{
	return same_domain(d, parent) ||
	       (d.len > parent.len && d.p[d.len - parent.len - 1] == '.' &&
		same_domain(suffix(d, d.len - parent.len), parent));
}

/*
 * The DMARC Policy Record at _dmarc.<domain>: the one TXT record that starts
 * with v=DMARC1.  Other TXT records are not DMARC's, and several DMARC
 * records at one name are all discarded (RFC 9989 4.10 steps 2 and 6).
 */
static enum fetch fetch(struct eval *e, mv_str domain, struct dmarc_record *rec_r)
{
	char name[256];
	const struct dns_answer *ans;
	unsigned i, found = 0;
	int rc;

	/* A name longer than DNS allows cannot hold a record: nothing to ask. */
	if (domain.len + 7 > 253)
		return FETCH_NONE;
	memcpy(name, "_dmarc.", 7);
	memcpy(name + 7, domain.p, domain.len);
	name[7 + domain.len] = '\0';
	rc = e->lookup(e->ctx, name, DNS_T_TXT, &ans);
	if (rc == MV_AGAIN) {
		e->pending++;
		return FETCH_AGAIN;
	}
	if (rc != MV_OK)
		return FETCH_NOMEM;
	switch (ans->rcode) {
	case DNS_R_OK:
		break;
	case DNS_R_NXDOMAIN:
	case DNS_R_BADNAME:
		return FETCH_NONE;
	default:
		/* TEMPFAIL, TIMEOUT, LIMIT: the record may exist, nobody can tell now. */
		return FETCH_TEMP;
	}
	for (i = 0; i < ans->n_rr; i++) {
		struct dmarc_record rec;

		if (ans->rr[i].type == DNS_T_TXT && dmarc_record_parse(ans->rr[i].text, &rec) && ++found == 1)
			*rec_r = rec;
	}
	return found == 1 ? FETCH_RECORD : FETCH_NONE;
}

/*
 * The names a walk queries, as offsets into d, longest first: d itself, then
 * its parent (or, from eight labels on, the name of its last seven labels),
 * then each parent up to the top-level domain (RFC 9989 4.10 steps 3, 4, 7).
 */
static unsigned walk_targets(mv_str d, size_t off_r[WALK_MAX_TARGETS])
{
	size_t starts[DOMAIN_MAX_LABELS];
	unsigned n = 0, k = 0, i;
	size_t j;

	starts[n++] = 0;
	for (j = 0; j < d.len && n < DOMAIN_MAX_LABELS; j++)
		if (d.p[j] == '.')
			starts[n++] = j + 1;
	off_r[k++] = 0;
	for (i = n >= 8 ? n - 7 : 1; i < n; i++)
		off_r[k++] = starts[i];
	return k;
}

/* The offset of the label just left of the one at off (off > 0). */
static size_t label_below(mv_str d, size_t off)
{
	size_t j = off - 1;

	while (j > 0 && d.p[j - 1] != '.')
		j--;
	return j;
}

/*
 * The Organizational Domain of d (RFC 9989 4.10.2).  Of the records found,
 * longest name first: psd=n names the Organizational Domain; psd=y above d
 * names the domain one label below it; otherwise the record with the fewest
 * labels does; with no record at all d is its own.  The walk stops at the
 * first record with psd=y or psd=n (4.10 steps 2 and 6), so those rules only
 * ever meet the last record found.
 */
static enum dmarc_walk_status walk(struct eval *e, mv_str d, struct walk *w_r)
{
	size_t off[WALK_MAX_TARGETS];
	unsigned n = walk_targets(d, off), i;
	enum dmarc_walk_status st = DMARC_WALK_DONE;

	memset(w_r, 0, sizeof(*w_r));
	for (i = 0; i < n; i++) {
		struct dmarc_record rec;
		enum fetch f = fetch(e, suffix(d, off[i]), &rec);

		if (f == FETCH_NOMEM)
			return DMARC_WALK_NOMEM;
		if (st != DMARC_WALK_DONE)
			continue;	/* an answer above is pending: ask the rest now, decide next run */
		if (f == FETCH_AGAIN) {
			st = DMARC_WALK_AGAIN;
			continue;
		}
		if (f == FETCH_TEMP)
			return DMARC_WALK_TEMPERROR;
		if (f != FETCH_RECORD)
			continue;
		w_r->org = off[i];
		if (rec.psd == DMARC_PSD_N)
			return DMARC_WALK_DONE;
		if (rec.psd == DMARC_PSD_Y) {
			/* Its own psd=y does not count for the name the walk started at: rule 3 names it. */
			if (i == 0) {
				w_r->self_psd = true;
				return DMARC_WALK_DONE;
			}
			w_r->has_psd = true;
			w_r->psd = off[i];
			w_r->psd_rec = rec;
			w_r->org = label_below(d, off[i]);
			return DMARC_WALK_DONE;
		}
	}
	return st;
}

enum dmarc_walk_status dmarc_org_domain(dmarc_lookup_fn *lookup, void *ctx, mv_str domain, char org_r[256],
					bool *psd_r)
{
	struct eval e = { .lookup = lookup, .ctx = ctx };
	struct walk w;
	enum dmarc_walk_status st = walk(&e, domain, &w);

	if (st == DMARC_WALK_DONE) {
		memcpy(org_r, domain.p + w.org, domain.len - w.org);
		org_r[domain.len - w.org] = '\0';
		if (psd_r != NULL)
			*psd_r = w.self_psd;
	}
	return st;
}

/* The Author Domain's walk, once a run. */
static enum dmarc_walk_status author_org(struct eval *e)
{
	if (!e->org_done) {
		e->org_done = true;
		e->org_status = walk(e, e->author, &e->author_walk);
	}
	return e->org_status;
}

static int walk_to_status(enum dmarc_walk_status st)
{
	return st == DMARC_WALK_NOMEM ? MV_NOMEM : st == DMARC_WALK_AGAIN ? MV_AGAIN : MV_OK;
}

/*
 * The record at `domain` as the one that applies, if there is one (*found_r);
 * a lookup failing for now makes out a temperror with `temp_reason`.
 */
static int take_record(struct eval *e, mv_str domain, struct dmarc_outcome *out, const char *temp_reason,
		       bool *found_r)
{
	struct dmarc_record rec;

	*found_r = false;
	switch (fetch(e, domain, &rec)) {
	case FETCH_RECORD:
		out->record = rec;
		out->policy_domain = domain;
		*found_r = true;
		return MV_OK;
	case FETCH_NONE:
		return MV_OK;
	case FETCH_AGAIN:
		return MV_AGAIN;
	case FETCH_TEMP:
		out->result = DMARC_RESULT_TEMPERROR;
		out->reason = temp_reason;
		return MV_OK;
	default:
		return MV_NOMEM;
	}
}

/*
 * Policy discovery (RFC 9989 4.10.1): the record at the Author Domain; else
 * the one at its Organizational Domain; else a Public Suffix Operator's
 * (psd=y) above it.  out->policy_domain stays empty when there is none;
 * out->result becomes TEMPERROR when a lookup it needs failed; *own_r is set
 * when the record is the Author Domain's own.
 */
static int discover(struct eval *e, struct dmarc_outcome *out, bool *own_r)
{
	enum dmarc_walk_status st;
	bool found;
	int rc;

	rc = take_record(e, e->author, out, "the DNS did not answer for the From domain's DMARC record", own_r);
	if (rc != MV_OK || *own_r || out->result != DMARC_RESULT_NONE)
		return rc;
	st = author_org(e);
	if (st == DMARC_WALK_TEMPERROR) {
		out->result = DMARC_RESULT_TEMPERROR;
		out->reason = "the DNS did not answer during the tree walk for the DMARC policy";
		return MV_OK;
	}
	if (st != DMARC_WALK_DONE)
		return walk_to_status(st);
	out->org_domain = suffix(e->author, e->author_walk.org);
	if (e->author_walk.org != 0) {
		rc = take_record(e, out->org_domain, out,
				 "the DNS did not answer for the Organizational Domain's DMARC record", &found);
		if (rc != MV_OK || found || out->result != DMARC_RESULT_NONE)
			return rc;
	}
	if (e->author_walk.has_psd) {
		out->record = e->author_walk.psd_rec;
		out->policy_domain = suffix(e->author, e->author_walk.psd);
		out->from_psd = true;
	}
	/* Else no record on the walk: DMARC does not apply (RFC 9989 4.10.1). */
	return MV_OK;
}

/* An unfinished walk as an alignment. */
static enum align walk_align(enum dmarc_walk_status st)
{
	return st == DMARC_WALK_AGAIN ? ALIGN_AGAIN : st == DMARC_WALK_TEMPERROR ? ALIGN_TEMP : ALIGN_NOMEM;
}

/*
 * Identifier alignment (RFC 9989 3.2.10, 4.10.2): strict is the same name,
 * relaxed the same Organizational Domain.  A walk only ever names a domain or
 * a parent of it, so an identifier outside the Author Domain's Organizational
 * Domain (or in another top-level domain: that needs no walk at all) cannot
 * align, and is not walked: a sender cannot make us walk names of its own
 * choosing.  Each identifier is walked once a run, and at most max_walks.
 */
static enum align align(struct eval *e, mv_str id, bool strict, unsigned max_walks)
{
	enum dmarc_walk_status st;
	struct walk w;
	enum align a;
	mv_str org;
	unsigned i;

	if (!dmarc_domain_valid(id))
		return ALIGN_NO;
	if (same_domain(id, e->author))
		return ALIGN_YES;
	if (strict || !same_tld(id, e->author))
		return ALIGN_NO;
	st = author_org(e);
	if (st != DMARC_WALK_DONE)
		return walk_align(st);
	org = suffix(e->author, e->author_walk.org);
	if (!within(id, org))
		return ALIGN_NO;
	for (i = 0; i < e->n_walked; i++) {
		if (same_domain(e->walked[i], id))
			return e->walked_align[i];
	}
	if (e->n_walked >= max_walks || e->n_walked >= MAX_WALKS)
		return ALIGN_NO;
	st = walk(e, id, &w);
	a = st != DMARC_WALK_DONE ? walk_align(st) : same_domain(suffix(id, w.org), org) ? ALIGN_YES : ALIGN_NO;
	e->walked[e->n_walked] = id;
	e->walked_align[e->n_walked++] = a;
	return a;
}

/* Records one identifier's alignment in it and in *seen (a bit per enum align); false on out of memory. */
static bool tally(enum align a, struct dmarc_identifier *id, unsigned *seen)
{
	id->aligned = a == ALIGN_YES;
	*seen |= 1u << a;
	return a != ALIGN_NOMEM;
}

/*
 * Whether the Author Domain exists, for np= (RFC 9989 A.4: NXDOMAIN means it
 * does not; any other answer, records or none, means it does).
 */
static enum fetch author_exists(struct eval *e, bool *exists_r)
{
	char name[256];
	const struct dns_answer *ans;
	int rc;

	memcpy(name, e->author.p, e->author.len);
	name[e->author.len] = '\0';
	rc = e->lookup(e->ctx, name, DNS_T_A, &ans);
	if (rc == MV_AGAIN) {
		e->pending++;
		return FETCH_AGAIN;
	}
	if (rc != MV_OK)
		return FETCH_NOMEM;
	if (ans->rcode == DNS_R_TEMPFAIL || ans->rcode == DNS_R_TIMEOUT || ans->rcode == DNS_R_LIMIT)
		return FETCH_TEMP;
	*exists_r = ans->rcode != DNS_R_NXDOMAIN;
	return FETCH_RECORD;
}

static bool policy_valid(enum dmarc_policy p)
{
	return p == DMARC_POLICY_NONE || p == DMARC_POLICY_QUARANTINE || p == DMARC_POLICY_REJECT;
}

/*
 * The policy for the Author Domain (RFC 9989 4.10.1): p for the domain that
 * published the record; for a name under it sp, or np when the name does
 * not exist, each falling back to the next (np to sp to p, 4.7).
 */
static enum dmarc_policy applicable(const struct dmarc_record *r, bool own, bool nonexistent, const char **tag_r)
{
	*tag_r = "p";
	if (own)
		return r->p;
	if (nonexistent && r->np != DMARC_POLICY_ABSENT) {
		*tag_r = "np";
		return r->np;
	}
	if (r->sp != DMARC_POLICY_ABSENT) {
		*tag_r = "sp";
		return r->sp;
	}
	return r->p;
}

/* t=y (RFC 9989 4.7) and a message outside pct= (RFC 7489 6.6.4) both ask for the next milder policy. */
static enum dmarc_policy milder(enum dmarc_policy p)
{
	return p == DMARC_POLICY_REJECT ? DMARC_POLICY_QUARANTINE : DMARC_POLICY_NONE;
}

/* The policy that applies, with the existence test np= needs; MV_OK with out->policy set, or a status. */
static int find_policy(struct eval *e, struct dmarc_outcome *out, bool own)
{
	const struct dmarc_record *r = &out->record;
	const char *tag;
	bool exists = true;

	/* RFC 9989 4.10.1: an invalid p (or sp, np) means p=none with a valid rua, else no DMARC at all. */
	if (!policy_valid(r->p) || r->sp == DMARC_POLICY_INVALID || r->np == DMARC_POLICY_INVALID) {
		if (!r->rua_valid) {
			out->result = DMARC_RESULT_PERMERROR;
			out->reason = "the DMARC record has no valid policy (p=, sp=, np=) and no reporting address";
			return MV_OK;
		}
		out->policy = DMARC_POLICY_NONE;
		return MV_OK;
	}
	/* The test is needed only when np= would change the answer. */
	if (!own && r->np != DMARC_POLICY_ABSENT && r->np != applicable(r, false, false, &tag)) {
		switch (author_exists(e, &exists)) {
		case FETCH_RECORD:
			break;
		case FETCH_AGAIN:
			return MV_AGAIN;
		case FETCH_TEMP:
			out->result = DMARC_RESULT_TEMPERROR;
			out->reason = "the DNS did not answer whether the From domain exists";
			return MV_OK;
		default:
			return MV_NOMEM;
		}
	}
	out->nonexistent = !exists;
	out->policy = applicable(r, own, !exists, &out->policy_tag);
	return MV_OK;
}

int dmarc_eval(dmarc_lookup_fn *lookup, void *ctx, struct dmarc_input *in, struct dmarc_outcome *out_r)
{
	struct eval e = { .lookup = lookup, .ctx = ctx, .author = in->author };
	unsigned seen = 0, i;
	bool own;
	int rc;

	memset(out_r, 0, sizeof(*out_r));
	in->spf.aligned = false;
	for (i = 0; i < in->n_dkim; i++)
		in->dkim[i].aligned = false;
	rc = discover(&e, out_r, &own);
	if (rc != MV_OK || out_r->result != DMARC_RESULT_NONE || out_r->policy_domain.p == NULL)
		return rc;
	/* The existence test np= may need runs alongside the alignment walks. */
	rc = find_policy(&e, out_r, own);
	if (rc == MV_NOMEM || (rc == MV_OK && out_r->result != DMARC_RESULT_NONE))
		return rc;
	if (in->spf.pass && !tally(align(&e, in->spf.domain, out_r->record.aspf_strict, in->max_walks), &in->spf,
				   &seen))
		return MV_NOMEM;
	for (i = 0; i < in->n_dkim; i++) {
		struct dmarc_identifier *id = &in->dkim[i];

		if (id->pass && !tally(align(&e, id->domain, out_r->record.adkim_strict, in->max_walks), id, &seen))
			return MV_NOMEM;
	}
	if (e.pending != 0)
		return MV_AGAIN;
	if (e.org_done && e.org_status == DMARC_WALK_DONE)
		out_r->org_domain = suffix(in->author, e.author_walk.org);
	else if (own && out_r->record.psd != DMARC_PSD_U)
		out_r->org_domain = in->author;
	out_r->spf_aligned = in->spf.aligned;
	for (i = 0; i < in->n_dkim; i++)
		out_r->dkim_aligned |= in->dkim[i].aligned;
	out_r->testing = out_r->record.testing || (out_r->record.has_pct && in->sample >= out_r->record.pct);
	/* RFC 9989 5.3.5: one aligned identifier passes; 5.3.6: an unfinished lookup decides nothing. */
	if (seen & (1u << ALIGN_YES)) {
		out_r->result = DMARC_RESULT_PASS;
		out_r->disposition = DMARC_POLICY_NONE;
	} else if (seen & (1u << ALIGN_TEMP)) {
		out_r->result = DMARC_RESULT_TEMPERROR;
		out_r->reason = "the DNS did not answer during the tree walk for alignment";
	} else {
		out_r->result = DMARC_RESULT_FAIL;
		out_r->disposition = out_r->testing ? milder(out_r->policy) : out_r->policy;
	}
	return MV_OK;
}
