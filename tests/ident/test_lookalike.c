/*
 * Look-alike domains (ident/lookalike.c): pairs that must match, with the
 * kind and the words of the match, each also checked the other way round
 * (the look-alike protected, the real domain checked) where the relation is
 * symmetric; and pairs that must not match, most of them real, unrelated
 * domains one or two letters apart.
 */
#include <string.h>

#include "ident/lookalike.h"
#include "test.h"

struct pair {
	const char *host;
	const char *protect;
	enum lookalike_how how;	/* LOOKALIKE_NONE: no match */
	const char *why;	/* NULL: not compared */
	bool symmetric;
};

static const struct pair pairs[] = {
	/* ASCII swaps: the same fold. */
	{ "micr0soft.com", "microsoft.com", LOOKALIKE_CONFUSABLE, "0 for o", true },
	{ "rnicrosoft.com", "microsoft.com", LOOKALIKE_CONFUSABLE, "rn for m", true },
	{ "paypa1.com", "paypal.com", LOOKALIKE_CONFUSABLE, "1 for l", true },
	{ "vvellsfargo.com", "wellsfargo.com", LOOKALIKE_CONFUSABLE, "vv for w", true },
	{ "clocusign.net", "docusign.net", LOOKALIKE_CONFUSABLE, "cl for d", true },
	{ "micro-soft.com", "microsoft.com", LOOKALIKE_CONFUSABLE, "a hyphen added", true },
	{ "deutschebank.de", "deutsche-bank.de", LOOKALIKE_CONFUSABLE, "the hyphen left out", true },
	{ "mail.micr0soft.net", "microsoft.com", LOOKALIKE_CONFUSABLE, "0 for o", false },
	{ "exarnple.org", "example.org", LOOKALIKE_CONFUSABLE, "rn for m", true },
	/* A swapped part joined to other words by hyphens. */
	{ "micr0soft-security.com", "microsoft.com", LOOKALIKE_CONFUSABLE, "0 for o", false },
	{ "secure-paypa1-login.example", "paypal.com", LOOKALIKE_CONFUSABLE, "1 for l", false },
	{ "microsoft-partner.example", "microsoft.com", LOOKALIKE_NONE, NULL, true },	/* the name itself */
	{ "apple-growers.org", "apple.com", LOOKALIKE_NONE, NULL, true },
	/* Unicode: skeletons, compared whatever the punycode says. */
	{ "xn--pypal-4ve.com", "paypal.com", LOOKALIKE_CONFUSABLE,
	  "Cyrillic \xd0\xb0 (U+0430) for a; Latin and Cyrillic mixed", false },
	{ "xn--l-7sba6dbr.com", "paypal.com", LOOKALIKE_CONFUSABLE, "Cyrillic \xd1\x80 (U+0440) for p", false },
	{ "xn--micrsoft-qbh.com", "microsoft.com", LOOKALIKE_CONFUSABLE, NULL, false },
	{ "xn--pple-43d.com", "apple.com", LOOKALIKE_CONFUSABLE, "Cyrillic \xd0\xb0 (U+0430) for a", false },
	{ "paypal.com", "xn--pypal-4ve.com", LOOKALIKE_CONFUSABLE, "ASCII letters for its Unicode ones", false },
	/* Typos of long labels. */
	{ "micosoft.com", "microsoft.com", LOOKALIKE_TYPO, "a letter left out (r)", false },
	{ "microsfot.com", "microsoft.com", LOOKALIKE_TYPO, "two letters swapped (fo for of)", true },
	{ "amazom.com", "amazon.com", LOOKALIKE_TYPO, "m for n", true },
	{ "paypall.com", "paypal.com", LOOKALIKE_NONE, NULL, false },	/* starts with the whole name */
	{ "payypal.com", "paypal.com", LOOKALIKE_TYPO, "a letter added (y)", false },
	{ "bankofamerca.com", "bankofamerica.com", LOOKALIKE_TYPO, "a letter left out (i)", false },
	{ "bankofamreica.com", "bankofamerica.com", LOOKALIKE_TYPO, NULL, true },
	{ "bnakofamerika.com", "bankofamerica.com", LOOKALIKE_TYPO, "2 letters changed", true },
	{ "linkedln.com", "linkedin.com", LOOKALIKE_TYPO, "l for i", true },
	/* The brand in front of another domain. */
	{ "update.microsoft.com.patch-server.example", "microsoft.com", LOOKALIKE_SUBDOMAIN, NULL, false },
	{ "microsoft.com.patch-server.example", "microsoft.com", LOOKALIKE_SUBDOMAIN,
	  "microsoft.com placed in front of another domain", false },
	{ "www.paypal.com-login.example", "paypal.com", LOOKALIKE_SUBDOMAIN, NULL, false },
	{ "hmrc.gov.uk.refund.example", "hmrc.gov.uk", LOOKALIKE_SUBDOMAIN, NULL, false },
	/* Not look-alikes. */
	{ "microsoft.com", "microsoft.com", LOOKALIKE_NONE, NULL, false },
	{ "update.microsoft.com", "microsoft.com", LOOKALIKE_NONE, NULL, false },
	{ "microsoft.de", "microsoft.com", LOOKALIKE_NONE, NULL, false },	/* same name, other suffix */
	{ "examples.com", "example.com", LOOKALIKE_NONE, NULL, true },
	{ "example.net", "example.com", LOOKALIKE_NONE, NULL, true },
	{ "apply.com", "apple.com", LOOKALIKE_NONE, NULL, true },	/* short: no typo test */
	{ "chose.com", "chase.com", LOOKALIKE_NONE, NULL, true },
	{ "ing.net", "ing.com", LOOKALIKE_NONE, NULL, true },
	{ "inc.com", "ing.com", LOOKALIKE_NONE, NULL, true },
	{ "dhs.gov", "dhl.com", LOOKALIKE_NONE, NULL, true },
	{ "googleusercontent.com", "google.com", LOOKALIKE_NONE, NULL, true },
	{ "goggles.com", "google.com", LOOKALIKE_NONE, NULL, true },
	{ "phase.com", "chase.com", LOOKALIKE_NONE, NULL, true },
	{ "amazing.com", "amazon.com", LOOKALIKE_NONE, NULL, true },
	{ "netflux.example", "netflix.com", LOOKALIKE_TYPO, "u for i", true },
	{ "office.example-university.edu", "office.com", LOOKALIKE_NONE, NULL, false },
	{ "microsoft.patch-server.example", "microsoft.com", LOOKALIKE_NONE, NULL, false },
	{ "sendgrid.net", "paypal.com", LOOKALIKE_NONE, NULL, true },
	{ "192.0.2.1", "paypal.com", LOOKALIKE_NONE, NULL, false },
	{ "com", "paypal.com", LOOKALIKE_NONE, NULL, false },
	{ "", "paypal.com", LOOKALIKE_NONE, NULL, false },
};

static void check_pair(const char *host, const char *protect, const struct pair *p)
{
	struct lookalikes *set = lookalikes_new();
	struct lookalike_match m;
	bool hit;

	CHECK(set != NULL);
	if (set == NULL)
		return;
	CHECK_INT(lookalikes_add(set, protect, 7, false), 0);
	hit = lookalikes_check(set, mv_str_cstr(host), &m);
	if (hit != (p->how != LOOKALIKE_NONE) || (hit && m.how != p->how) ||
	    (hit && p->why != NULL && strstr(m.why, p->why) != m.why)) {
		test_failures++;
		fprintf(stderr, "%s vs %s: got %s kind %d \"%s\", want kind %d \"%s\"\n", host, protect,
			hit ? "a match" : "none", (int)m.how, m.why, (int)p->how, p->why != NULL ? p->why : "");
	}
	if (hit) {
		CHECK_INT(m.tag, 7);
		CHECK(m.target != NULL);
	}
	lookalikes_free(&set);
}

static void test_lookalike_pairs(void)
{
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct pair back = pairs[i];

		check_pair(pairs[i].host, pairs[i].protect, &pairs[i]);
		if (!pairs[i].symmetric)
			continue;
		back.why = NULL;
		check_pair(pairs[i].protect, pairs[i].host, &back);
	}
}

static void test_lookalike_exempt_and_several(void)
{
	struct lookalikes *set = lookalikes_new();
	struct lookalike_match m;

	CHECK(set != NULL);
	if (set == NULL)
		return;
	CHECK_INT(lookalikes_add(set, "microsoft.com", 1, false), 0);
	CHECK_INT(lookalikes_add(set, "Office.COM.", 1, false), 0);
	CHECK_INT(lookalikes_add(set, "paypal.com", 2, false), 0);
	CHECK_INT(lookalikes_add(set, "mailer-paypal.example", 2, true), 0);
	CHECK_INT(lookalikes_add(set, "co.uk", 3, false), 1);
	CHECK_INT(lookalikes_add(set, "not a domain", 3, false), 1);
	CHECK(lookalikes_add(set, "b\xc3\xbc" "cher.example", 4, false) == 0);
	CHECK(!lookalikes_check(set, MV_STR_LIT("mailer-paypal.example"), &m));
	CHECK(!lookalikes_check(set, MV_STR_LIT("paypal.com.mailer-paypal.example"), &m));
	CHECK(lookalikes_check(set, MV_STR_LIT("0ffice.com"), &m) && m.tag == 1 && strcmp(m.target, "office.com") == 0);
	CHECK(lookalikes_check(set, MV_STR_LIT("paypa1.com."), &m) && m.tag == 2);
	/*
	 * An IDN domain given in Unicode is the same as its punycode; without the
	 * diaeresis it is another name (TR39 keeps combining marks), but with a
	 * Cyrillic letter it is a look-alike.
	 */
	CHECK(!lookalikes_check(set, MV_STR_LIT("xn--bcher-kva.example"), &m));
	CHECK(!lookalikes_check(set, MV_STR_LIT("bucher.example"), &m));
	CHECK(lookalikes_check(set, MV_STR_LIT("xn--bher-0ra631c.example"), &m) && m.tag == 4);
	lookalikes_free(&set);
	CHECK(set == NULL);
}

/* The per-thread cache of hosts that are no look-alike belongs to one set: another set judges anew. */
static void test_lookalike_cache_per_set(void)
{
	struct lookalikes *a = lookalikes_new(), *b = lookalikes_new();
	struct lookalike_match m;
	int i;

	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		goto done;
	CHECK_INT(lookalikes_add(a, "paypal.com", 1, false), 0);
	CHECK_INT(lookalikes_add(b, "microsoft.com", 2, false), 0);
	for (i = 0; i < 3; i++) {
		CHECK(!lookalikes_check(b, MV_STR_LIT("paypa1.com"), &m));
		CHECK(lookalikes_check(a, MV_STR_LIT("paypa1.com"), &m) && m.tag == 1);
		CHECK(!lookalikes_check(a, MV_STR_LIT("micr0soft.com"), &m));
		CHECK(lookalikes_check(b, MV_STR_LIT("micr0soft.com"), &m) && m.tag == 2);
	}
done:
	lookalikes_free(&a);
	lookalikes_free(&b);
}

int main(void)
{
	RUN(test_lookalike_pairs);
	RUN(test_lookalike_exempt_and_several);
	RUN(test_lookalike_cache_per_set);
	return test_summary();
}
