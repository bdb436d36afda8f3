/*
 * DMARC evaluation over a fake DNS: policy discovery and the tree walk
 * (RFC 9989 4.10, with the examples of its appendix B.4), alignment,
 * p/sp/np, t=y and pct=, errors, and how many queries and round trips it
 * takes.
 */
#include "fake_dns.h"
#include "test.h"

static struct fake_dns dns;

struct msg_ids {
	const char *author;
	const char *spf;		/* an SPF pass of this MAIL FROM domain, or NULL */
	const char *dkim[4];		/* DKIM signatures that pass ("-d" for one that fails) */
	uint32_t sample;
};

static struct dmarc_identifier dkim_ids[4];

/* Evaluates until done; returns the number of runs (1 when every answer was known). */
static unsigned eval(const struct msg_ids *m, struct dmarc_input *in, struct dmarc_outcome *out)
{
	unsigned runs = 0, i;
	int rc;

	memset(in, 0, sizeof(*in));
	in->author = mv_str_cstr(m->author);
	in->sample = m->sample;
	in->max_walks = 4;
	if (m->spf != NULL) {
		in->spf.domain = mv_str_cstr(m->spf);
		in->spf.pass = true;
	}
	for (i = 0; i < 4 && m->dkim[i] != NULL; i++) {
		bool fail = m->dkim[i][0] == '-';

		dkim_ids[i].domain = mv_str_cstr(m->dkim[i] + fail);
		dkim_ids[i].pass = !fail;
	}
	in->dkim = dkim_ids;
	in->n_dkim = i;
	do {
		rc = dmarc_eval(fake_lookup, &dns, in, out);
		runs++;
	} while (rc == MV_AGAIN && runs < 20);
	CHECK_INT(rc, MV_OK);
	return runs;
}

static void setup(void)
{
	fake_reset(&dns);
}

static void test_dmarc_eval_own_record_and_identical_dkim_needs_one_query(void)
{
	struct msg_ids m = { .author = "example.com", .dkim = { "example.com" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	fake_txt(&dns, "_dmarc.example.com", "some other TXT record");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	CHECK(out.dkim_aligned && !out.spf_aligned && in.dkim[0].aligned);
	CHECK_STR(out.policy_domain, "example.com");
	CHECK_INT(out.policy, DMARC_POLICY_REJECT);
	CHECK_INT(out.disposition, DMARC_POLICY_NONE);
	CHECK_INT(dns.n_asked, 1);
	CHECK(out.org_domain.len == 0);
}

static void test_dmarc_eval_relaxed_spf_walks_both_domains(void)
{
	struct msg_ids m = { .author = "example.com", .spf = "bounce.mail.example.com" };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	CHECK_INT(eval(&m, &in, &out), 1);
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	CHECK(out.spf_aligned && in.spf.aligned);
	CHECK_STR(out.org_domain, "example.com");
	CHECK(fake_was_asked(&dns, "_dmarc.com"));
	CHECK(fake_was_asked(&dns, "_dmarc.bounce.mail.example.com"));
	CHECK(fake_was_asked(&dns, "_dmarc.mail.example.com"));
}

static void test_dmarc_eval_round_trips(void)
{
	struct msg_ids m = { .author = "example.com", .spf = "bounce.mail.example.com" };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	dns.async = true;
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	/* The record; the author's walk; the identifier's walk (all at once); then the answer. */
	CHECK_INT(eval(&m, &in, &out), 4);
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	CHECK_INT(dns.n_asked, 4);
	/* An author without a record of its own: its walk is asked in one round trip. */
	fake_forget_asked(&dns);
	m = (struct msg_ids){ .author = "a.b.c.example.com", .dkim = { "other.example" } };
	CHECK_INT(eval(&m, &in, &out), 3);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK_INT(out.policy, DMARC_POLICY_REJECT);
	CHECK_INT(dns.n_asked, 5);
}

static void test_dmarc_eval_strict_alignment(void)
{
	struct msg_ids m = { .author = "example.com", .spf = "mail.example.com",
			     .dkim = { "mail.example.com", "-example.com" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject; aspf=s; adkim=s");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK(!out.spf_aligned && !out.dkim_aligned);
	CHECK(!in.dkim[0].aligned && !in.dkim[1].aligned);
	CHECK_INT(out.disposition, DMARC_POLICY_REJECT);
	/* Strict needs no walk (RFC 9989 4.10.2). */
	CHECK_INT(dns.n_asked, 1);
	/* The same identifiers with relaxed DKIM: the subdomain signature aligns. */
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject; aspf=s");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	CHECK(!out.spf_aligned && out.dkim_aligned);
	CHECK(in.dkim[0].aligned && !in.dkim[1].aligned);
}

static void test_dmarc_eval_unaligned_identifiers_need_no_walk(void)
{
	struct msg_ids m = { .author = "example.com", .spf = "attacker.example",
			     .dkim = { "a.attacker.example", "b.attacker.example" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=quarantine");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK_INT(out.disposition, DMARC_POLICY_QUARANTINE);
	CHECK(!fake_was_asked(&dns, "_dmarc.attacker.example"));
	CHECK(!fake_was_asked(&dns, "_dmarc.a.attacker.example"));
	CHECK_INT(dns.n_asked, 1);
}

static void test_dmarc_eval_subdomain_uses_sp(void)
{
	struct msg_ids m = { .author = "foo.example.com", .dkim = { "other.example" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine");
	fake_txt(&dns, "foo.example.com", "exists");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK_STR(out.policy_domain, "example.com");
	CHECK_STR(out.org_domain, "example.com");
	CHECK_INT(out.policy, DMARC_POLICY_QUARANTINE);
	CHECK_INT(out.disposition, DMARC_POLICY_QUARANTINE);
	/* Its own record wins, and p counts there. */
	fake_txt(&dns, "_dmarc.foo.example.com", "v=DMARC1; p=reject; sp=none");
	eval(&m, &in, &out);
	CHECK_STR(out.policy_domain, "foo.example.com");
	CHECK_INT(out.policy, DMARC_POLICY_REJECT);
}

static void test_dmarc_eval_np_for_nonexistent_subdomains(void)
{
	struct msg_ids m = { .author = "ghost.example.com" };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject");
	fake_txt(&dns, "real.example.com", NULL);
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK(out.nonexistent);
	CHECK_INT(out.policy, DMARC_POLICY_REJECT);
	CHECK(fake_was_asked(&dns, "ghost.example.com"));
	m.author = "real.example.com";
	eval(&m, &in, &out);
	CHECK(!out.nonexistent);
	CHECK_INT(out.policy, DMARC_POLICY_QUARANTINE);
	/* np absent: sp; sp absent too: p.  No existence test is needed then. */
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	m.author = "ghost.example.com";
	eval(&m, &in, &out);
	CHECK_INT(out.policy, DMARC_POLICY_REJECT);
	CHECK(!fake_was_asked(&dns, "ghost.example.com"));
	/* np equal to what sp gives: no test either. */
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=none; sp=reject; np=reject");
	eval(&m, &in, &out);
	CHECK_INT(out.policy, DMARC_POLICY_REJECT);
	CHECK(!fake_was_asked(&dns, "ghost.example.com"));
	/* The existence test failing for now is a temporary error. */
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=none; np=reject");
	fake_fail(&dns, "ghost.example.com", DNS_R_TIMEOUT);
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_TEMPERROR);
}

static void test_dmarc_eval_testing_and_pct(void)
{
	struct msg_ids m = { .author = "example.com" };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject; t=y");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK(out.testing);
	CHECK_INT(out.policy, DMARC_POLICY_REJECT);
	CHECK_INT(out.disposition, DMARC_POLICY_QUARANTINE);
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=quarantine; t=y");
	eval(&m, &in, &out);
	CHECK_INT(out.disposition, DMARC_POLICY_NONE);
	/* RFC 7489 pct=: the next milder policy outside the sample. */
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject; pct=0");
	eval(&m, &in, &out);
	CHECK(out.testing);
	CHECK_INT(out.disposition, DMARC_POLICY_QUARANTINE);
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject; pct=50");
	m.sample = 49;
	eval(&m, &in, &out);
	CHECK(!out.testing);
	CHECK_INT(out.disposition, DMARC_POLICY_REJECT);
	m.sample = 50;
	eval(&m, &in, &out);
	CHECK(out.testing);
	CHECK_INT(out.disposition, DMARC_POLICY_QUARANTINE);
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject; pct=100");
	m.sample = 99;
	eval(&m, &in, &out);
	CHECK_INT(out.disposition, DMARC_POLICY_REJECT);
}

/* RFC 9989 B.4.1: records at example.com and signing.example.com, none at com. */
static void test_dmarc_eval_rfc9989_b41_simple(void)
{
	struct msg_ids m = { .author = "example.com", .spf = "example.com", .dkim = { "signing.example.com" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	fake_txt(&dns, "_dmarc.signing.example.com", "v=DMARC1; p=none");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	CHECK(out.spf_aligned && out.dkim_aligned);
	CHECK_STR(out.org_domain, "example.com");
	CHECK_STR(out.policy_domain, "example.com");
}

/* RFC 9989 B.4.2: the eight queries of a deep walk, intermediate names skipped. */
static void test_dmarc_eval_rfc9989_b42_deep_walk(void)
{
	static const char *const expected[] = {
		"_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com", "_dmarc.g.h.i.j.k.example.com",
		"_dmarc.h.i.j.k.example.com", "_dmarc.i.j.k.example.com", "_dmarc.j.k.example.com",
		"_dmarc.k.example.com", "_dmarc.example.com", "_dmarc.com",
	};
	struct msg_ids m = { .author = "a.b.c.d.e.f.g.h.i.j.k.example.com", .spf = "example.com",
			     .dkim = { "signing.example.com" } };
	struct dmarc_input in;
	struct dmarc_outcome out;
	unsigned i;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	fake_txt(&dns, "_dmarc.signing.example.com", "v=DMARC1; p=none");
	eval(&m, &in, &out);
	for (i = 0; i < 8; i++)
		CHECK(strcmp(dns.asked[i], expected[i]) == 0);
	CHECK_STR(out.org_domain, "example.com");
	CHECK_STR(out.policy_domain, "example.com");
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	CHECK(out.spf_aligned && out.dkim_aligned);
	CHECK_INT(dns.n_asked, 9);
}

/* RFC 9989 B.4.3: a PSD record with psd=y bounds the Organizational Domains under it. */
static void test_dmarc_eval_rfc9989_b43_psd(void)
{
	struct msg_ids m = { .author = "giant.bank.example", .spf = "mail.giant.bank.example",
			     .dkim = { "mail.mega.bank.example" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.bank.example", "v=DMARC1; p=reject; psd=y");
	fake_txt(&dns, "_dmarc.giant.bank.example", "v=DMARC1; p=quarantine");
	eval(&m, &in, &out);
	CHECK_STR(out.org_domain, "giant.bank.example");
	CHECK_STR(out.policy_domain, "giant.bank.example");
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	CHECK(out.spf_aligned && !out.dkim_aligned);
	CHECK(!fake_was_asked(&dns, "_dmarc.example"));
	/* Without SPF the DKIM signature of another organization under the PSD does not align. */
	m.spf = NULL;
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK_INT(out.disposition, DMARC_POLICY_QUARANTINE);
	CHECK(!out.from_psd);
}

static void test_dmarc_eval_psd_policy_applies_when_the_org_domain_has_none(void)
{
	struct msg_ids m = { .author = "leaf.mid.psdy.example", .dkim = { "mid.psdy.example" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.psdy.example", "v=DMARC1; p=none; sp=reject; psd=y");
	fake_txt(&dns, "leaf.mid.psdy.example", NULL);
	eval(&m, &in, &out);
	CHECK_STR(out.org_domain, "mid.psdy.example");
	CHECK_STR(out.policy_domain, "psdy.example");
	CHECK(out.from_psd);
	/* d=mid.psdy.example: the same Organizational Domain. */
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	m.dkim[0] = "other.psdy.example";
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK_INT(out.policy, DMARC_POLICY_REJECT);
	/* A domain that is itself a PSD: its own record, its own Organizational Domain. */
	m.author = "psdy.example";
	eval(&m, &in, &out);
	CHECK_STR(out.policy_domain, "psdy.example");
	CHECK_INT(out.policy, DMARC_POLICY_NONE);
	CHECK(!out.from_psd);
}

static void test_dmarc_eval_psd_n_and_fewest_labels(void)
{
	struct msg_ids m = { .author = "a.mail.example.com", .spf = "mail.example.com" };
	struct dmarc_input in;
	struct dmarc_outcome out;
	char org[256];

	/* RFC 9989 4.10.2: records at mail.example.com and example.com; the fewest labels win. */
	setup();
	fake_txt(&dns, "_dmarc.mail.example.com", "v=DMARC1; p=none");
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	eval(&m, &in, &out);
	CHECK_STR(out.org_domain, "example.com");
	CHECK_STR(out.policy_domain, "example.com");
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	/* psd=n at mail.example.com stops the walk there. */
	setup();
	fake_txt(&dns, "_dmarc.mail.example.com", "v=DMARC1; p=none; psd=n");
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	CHECK_INT(dmarc_org_domain(fake_lookup, &dns, mv_str_cstr("a.mail.example.com"), org, NULL),
		  DMARC_WALK_DONE);
	CHECK(strcmp(org, "mail.example.com") == 0);
	CHECK(!fake_was_asked(&dns, "_dmarc.example.com"));
	/* psd=y at com (and none anywhere else): example.com. */
	setup();
	fake_txt(&dns, "_dmarc.com", "v=DMARC1; p=none; psd=y");
	CHECK_INT(dmarc_org_domain(fake_lookup, &dns, mv_str_cstr("a.mail.example.com"), org, NULL),
		  DMARC_WALK_DONE);
	CHECK(strcmp(org, "example.com") == 0);
	/* No record anywhere: the domain is its own. */
	setup();
	CHECK_INT(dmarc_org_domain(fake_lookup, &dns, mv_str_cstr("a.mail.example.com"), org, NULL),
		  DMARC_WALK_DONE);
	CHECK(strcmp(org, "a.mail.example.com") == 0);
	CHECK_INT(dns.n_asked, 4);
}

static void test_dmarc_eval_eight_labels(void)
{
	char org[256];

	/* Eight labels: the parent has seven, so nothing is skipped. */
	setup();
	fake_txt(&dns, "_dmarc.c.d.e.f.g.example.com", "v=DMARC1; p=none; psd=n");
	CHECK_INT(dmarc_org_domain(fake_lookup, &dns, mv_str_cstr("b.c.d.e.f.g.example.com"), org, NULL),
		  DMARC_WALK_DONE);
	CHECK(strcmp(org, "c.d.e.f.g.example.com") == 0);
	CHECK_INT(dns.n_asked, 2);
	/* Nine: the second query is already the seven-label name; the eight-label one is never asked. */
	setup();
	fake_txt(&dns, "_dmarc.b.c.d.e.f.g.example.com", "v=DMARC1; p=none; psd=n");
	CHECK_INT(dmarc_org_domain(fake_lookup, &dns, mv_str_cstr("a.b.c.d.e.f.g.example.com"), org, NULL),
		  DMARC_WALK_DONE);
	CHECK(strcmp(org, "a.b.c.d.e.f.g.example.com") == 0);
	CHECK(!fake_was_asked(&dns, "_dmarc.b.c.d.e.f.g.example.com"));
	CHECK_INT(dns.n_asked, 8);
}

static void test_dmarc_eval_several_records_are_discarded(void)
{
	struct msg_ids m = { .author = "multi.example.com" };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.multi.example.com", "v=DMARC1; p=reject");
	fake_txt(&dns, "_dmarc.multi.example.com", "v=DMARC1; p=quarantine");
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine");
	eval(&m, &in, &out);
	CHECK_STR(out.policy_domain, "example.com");
	CHECK_INT(out.policy, DMARC_POLICY_QUARANTINE);
	/* Only they: no policy at all. */
	setup();
	fake_txt(&dns, "_dmarc.multi.example.com", "v=DMARC1; p=reject");
	fake_txt(&dns, "_dmarc.multi.example.com", "v=DMARC1; p=quarantine");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_NONE);
}

static void test_dmarc_eval_no_record(void)
{
	struct msg_ids m = { .author = "example.org", .spf = "example.org", .dkim = { "example.org" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.org", "v=spf1 -all");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_NONE);
	CHECK(!in.spf.aligned && !in.dkim[0].aligned);
	CHECK(fake_was_asked(&dns, "_dmarc.org"));
}

static void test_dmarc_eval_invalid_policy(void)
{
	struct msg_ids m = { .author = "example.com" };
	struct dmarc_input in;
	struct dmarc_outcome out;

	/* RFC 9989 4.10.1: with a valid rua, as if p=none; without, no DMARC processing. */
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=bogus; rua=mailto:r@example.com");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK_INT(out.policy, DMARC_POLICY_NONE);
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject; sp=bogus; rua=mailto:r@example.com");
	eval(&m, &in, &out);
	CHECK_INT(out.policy, DMARC_POLICY_NONE);
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=bogus");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_PERMERROR);
	CHECK(out.reason != NULL);
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; rua=mailto:r@example.com");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	CHECK_INT(out.policy, DMARC_POLICY_NONE);
	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_PERMERROR);
}

static void test_dmarc_eval_dns_failures(void)
{
	struct msg_ids m = { .author = "example.com", .spf = "mail.example.com", .dkim = { "example.net" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_fail(&dns, "_dmarc.example.com", DNS_R_TEMPFAIL);
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_TEMPERROR);
	CHECK(out.reason != NULL);
	/* A failure above a record the walk needs. */
	setup();
	fake_fail(&dns, "_dmarc.com", DNS_R_TIMEOUT);
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_TEMPERROR);
	/* ...that strict alignment, and an identifier in another top-level domain, do not need. */
	setup();
	fake_fail(&dns, "_dmarc.com", DNS_R_TIMEOUT);
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject; aspf=s");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_FAIL);
	/* ...or that another aligned identifier makes moot. */
	setup();
	fake_fail(&dns, "_dmarc.com", DNS_R_LIMIT);
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	m.dkim[0] = "example.com";
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	CHECK(out.dkim_aligned && !out.spf_aligned);
	/* Policy discovery stopped by a failure in the walk. */
	setup();
	fake_fail(&dns, "_dmarc.com", DNS_R_TEMPFAIL);
	m.author = "sub.example.com";
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_TEMPERROR);
	/* A name too long for the DNS holds no record, and needs no question. */
	setup();
	fake_fail(&dns, "_dmarc.com", DNS_R_BADNAME);
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_NONE);
}

static void test_dmarc_eval_dkim_signatures_each_aligned(void)
{
	struct msg_ids m = { .author = "news.example.com",
			     .dkim = { "example.com", "other.net", "-news.example.com", "example.com" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	eval(&m, &in, &out);
	CHECK_INT(out.result, DMARC_RESULT_PASS);
	CHECK(in.dkim[0].aligned && !in.dkim[1].aligned && !in.dkim[2].aligned && in.dkim[3].aligned);
	CHECK(!fake_was_asked(&dns, "_dmarc.other.net"));
}

static void test_dmarc_eval_walk_budget(void)
{
	struct msg_ids m = { .author = "example.com", .spf = "a.example.com",
			     .dkim = { "b.example.com", "c.example.com", "a.example.com" } };
	struct dmarc_input in;
	struct dmarc_outcome out;

	setup();
	fake_txt(&dns, "_dmarc.example.com", "v=DMARC1; p=reject");
	memset(&in, 0, sizeof(in));
	eval(&m, &in, &out);
	CHECK(in.spf.aligned && in.dkim[0].aligned && in.dkim[1].aligned && in.dkim[2].aligned);
	/* With room for two walks, the third distinct identifier is not aligned; a repeated one is. */
	in.max_walks = 2;
	CHECK_INT(dmarc_eval(fake_lookup, &dns, &in, &out), MV_OK);
	CHECK(in.spf.aligned && in.dkim[0].aligned && !in.dkim[1].aligned && in.dkim[2].aligned);
}

static void test_dmarc_domain_valid(void)
{
	CHECK(dmarc_domain_valid(mv_str_cstr("example.com")));
	CHECK(dmarc_domain_valid(mv_str_cstr("a")));
	CHECK(dmarc_domain_valid(mv_str_cstr("xn--85x722f.xn--fiqs8s")));
	CHECK(dmarc_domain_valid(mv_str_cstr("_x.Example.COM")));
	CHECK(!dmarc_domain_valid(mv_str_cstr("")));
	CHECK(!dmarc_domain_valid(mv_str_cstr(".com")));
	CHECK(!dmarc_domain_valid(mv_str_cstr("example.com.")));
	CHECK(!dmarc_domain_valid(mv_str_cstr("a..b")));
	CHECK(!dmarc_domain_valid(mv_str_cstr("ex ample.com")));
	CHECK(!dmarc_domain_valid(mv_str_cstr("\xe4\xb8\xad\xe5\x9b\xbd")));
	CHECK(dmarc_domain_valid(mv_str_cstr("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com")));
	CHECK(!dmarc_domain_valid(mv_str_cstr("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com")));
}

int main(void)
{
	RUN(test_dmarc_eval_own_record_and_identical_dkim_needs_one_query);
	RUN(test_dmarc_eval_relaxed_spf_walks_both_domains);
	RUN(test_dmarc_eval_round_trips);
	RUN(test_dmarc_eval_strict_alignment);
	RUN(test_dmarc_eval_unaligned_identifiers_need_no_walk);
	RUN(test_dmarc_eval_subdomain_uses_sp);
	RUN(test_dmarc_eval_np_for_nonexistent_subdomains);
	RUN(test_dmarc_eval_testing_and_pct);
	RUN(test_dmarc_eval_rfc9989_b41_simple);
	RUN(test_dmarc_eval_rfc9989_b42_deep_walk);
	RUN(test_dmarc_eval_rfc9989_b43_psd);
	RUN(test_dmarc_eval_psd_policy_applies_when_the_org_domain_has_none);
	RUN(test_dmarc_eval_psd_n_and_fewest_labels);
	RUN(test_dmarc_eval_eight_labels);
	RUN(test_dmarc_eval_several_records_are_discarded);
	RUN(test_dmarc_eval_no_record);
	RUN(test_dmarc_eval_invalid_policy);
	RUN(test_dmarc_eval_dns_failures);
	RUN(test_dmarc_eval_dkim_signatures_each_aligned);
	RUN(test_dmarc_eval_walk_budget);
	RUN(test_dmarc_domain_valid);
	fake_reset(&dns);
	return test_summary();
}
