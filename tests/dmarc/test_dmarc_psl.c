/*
 * The Public Suffix List test vectors (tests/data/psl/tests.txt) against the
 * RFC 9989 tree walk.  RFC 7489 took the Organizational Domain from the list;
 * RFC 9989 reads it from the DNS, where a Public Suffix Operator publishes
 * psd=y.  So a zone is made in which every public suffix of the list
 * (tests/data/dmarc/psl, the list of the vectors' commit) publishes
 * "v=DMARC1; p=none", and the walk must then find each vector's
 * registrable domain, with and without a record of the registrable domain's
 * own; a vector without one ("null") is a name the walk finds a PSD itself.
 * libpsl over the same list gives RFC 7489's answer: both must agree.
 */
#include <libpsl.h>
#include <stdio.h>

#include "fake_dns.h"
#include "test.h"

static struct fake_dns dns;
static psl_ctx_t *psl;

/* Publishes psd=y at every public suffix among the names of `domain` (a valid one). */
static void publish_psds(const char *domain)
{
	const char *s = domain;
	char name[300];

	while (s != NULL) {
		if (psl_is_public_suffix(psl, s)) {
			snprintf(name, sizeof(name), "_dmarc.%s", s);
			fake_txt(&dns, name, "v=DMARC1; p=none; psd=y");
		}
		s = strchr(s, '.');
		if (s != NULL)
			s++;
	}
}

/* One vector; `own` also publishes a record at the registrable domain. */
static void check_vector(const char *in, const char *exp, bool own)
{
	char host[256], want[256], org[256], name[300];
	bool self_psd = false;
	enum dmarc_walk_status st;

	fake_reset(&dns);
	if (!dmarc_domain_ascii(mv_str_cstr(in), host)) {
		/* Only the vectors with an empty label (".com") are not domain names; none has an answer. */
		CHECK(in[0] == '.');
		CHECK(strcmp(exp, "null") == 0);
		return;
	}
	publish_psds(host);
	if (strcmp(exp, "null") != 0) {
		CHECK(dmarc_domain_ascii(mv_str_cstr(exp), want));
		if (own) {
			snprintf(name, sizeof(name), "_dmarc.%s", want);
			fake_txt(&dns, name, "v=DMARC1; p=reject");
		}
	}
	st = dmarc_org_domain(fake_lookup, &dns, mv_str_cstr(host), org, &self_psd);
	CHECK_INT(st, DMARC_WALK_DONE);
	if (strcmp(exp, "null") == 0) {
		CHECK(self_psd);
		CHECK(strcmp(org, host) == 0);
		CHECK(psl_registrable_domain(psl, host) == NULL);
	} else {
		const char *rfc7489 = psl_registrable_domain(psl, host);

		CHECK(!self_psd);
		CHECK(strcmp(org, want) == 0);
		CHECK(rfc7489 != NULL && strcmp(rfc7489, want) == 0);
	}
	if (test_failures != 0)
		fprintf(stderr, "  vector %s -> %s (own record: %d): walk found %s\n", in, exp, own, org);
}

static void test_dmarc_psl_vectors(void)
{
	FILE *f = fopen("data/psl/tests.txt", "r");
	char line[512], in[256], exp[256];
	int run = 0, before = test_failures;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '/' || line[0] == '\n' || sscanf(line, "%255s %255s", in, exp) != 2)
			continue;
		if (strcmp(in, "null") == 0)
			continue;
		check_vector(in, exp, false);
		check_vector(in, exp, true);
		run++;
		if (test_failures != before)
			break;
	}
	fclose(f);
	CHECK(run >= 70);
	printf("%d PSL vectors, each with and without a record at the registrable domain\n", run);
}

int main(void)
{
	psl = psl_load_file("data/dmarc/psl/public_suffix_list.dat");
	CHECK(psl != NULL);
	if (psl == NULL)
		return test_summary();
	RUN(test_dmarc_psl_vectors);
	psl_free(psl);
	fake_reset(&dns);
	return test_summary();
}
