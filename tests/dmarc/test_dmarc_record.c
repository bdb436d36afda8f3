/* The DMARC Policy Record parser (RFC 9989 4.7, 4.8; pct= of RFC 7489). */
#include "auth/dmarc.h"
#include "test.h"

static bool parse(const char *text, struct dmarc_record *rec)
{
	return dmarc_record_parse(mv_str_cstr(text), rec);
}

static void test_dmarc_record_version_must_come_first(void)
{
	struct dmarc_record r;

	CHECK(parse("v=DMARC1", &r));
	CHECK(parse("v=DMARC1;", &r));
	CHECK(parse("v = DMARC1 ; p = reject", &r) && r.p == DMARC_POLICY_REJECT);
	CHECK(parse("V=DMARC1; p=none", &r));
	CHECK(parse("  v=DMARC1; p=none  ", &r));
	/* The value is case-sensitive (%s"DMARC1"), and must end there. */
	CHECK(!parse("v=dmarc1; p=none", &r));
	CHECK(!parse("v=DMARC10; p=none", &r));
	CHECK(!parse("v=DMARC1 p=none", &r));
	CHECK(!parse("p=none; v=DMARC1", &r));
	CHECK(!parse("v=spf1 -all", &r));
	CHECK(!parse("", &r));
	CHECK(!parse("v=", &r));
	CHECK(!parse("v=DMARC", &r));
	CHECK(!parse("xv=DMARC1", &r));
}

static void test_dmarc_record_defaults(void)
{
	struct dmarc_record r;

	CHECK(parse("v=DMARC1", &r));
	CHECK(r.p == DMARC_POLICY_ABSENT && r.sp == DMARC_POLICY_ABSENT && r.np == DMARC_POLICY_ABSENT);
	CHECK(r.psd == DMARC_PSD_U);
	CHECK(!r.adkim_strict && !r.aspf_strict && !r.testing && !r.rua_valid);
	CHECK(!r.has_pct && r.pct == 100);
}

static void test_dmarc_record_every_tag(void)
{
	struct dmarc_record r;

	CHECK(parse("v=DMARC1; p=quarantine; sp=reject; np=none; psd=n; adkim=s; aspf=s; t=y; pct=20; "
		    "rua=mailto:agg@example.com; ruf=mailto:f@example.com; fo=1; rf=afrf; ri=3600", &r));
	CHECK(r.p == DMARC_POLICY_QUARANTINE);
	CHECK(r.sp == DMARC_POLICY_REJECT);
	CHECK(r.np == DMARC_POLICY_NONE);
	CHECK(r.psd == DMARC_PSD_N);
	CHECK(r.adkim_strict && r.aspf_strict && r.testing);
	CHECK(r.has_pct && r.pct == 20);
	CHECK(r.rua_valid);
	CHECK(parse("v=DMARC1; p=none; psd=y; adkim=r; aspf=r; t=n", &r));
	CHECK(r.psd == DMARC_PSD_Y && !r.adkim_strict && !r.aspf_strict && !r.testing);
	/* ABNF strings are case-insensitive; we match tag names without case too. */
	CHECK(parse("v=DMARC1; P=Reject; ADKIM=S", &r) && r.p == DMARC_POLICY_REJECT && r.adkim_strict);
}

static void test_dmarc_record_policy_values(void)
{
	struct dmarc_record r;

	CHECK(parse("v=DMARC1; p=none", &r) && r.p == DMARC_POLICY_NONE);
	CHECK(parse("v=DMARC1; p=reject", &r) && r.p == DMARC_POLICY_REJECT);
	/* A policy tag that is there but not a dmarc-request is kept apart (RFC 9989 4.10.1). */
	CHECK(parse("v=DMARC1; p=rejected", &r) && r.p == DMARC_POLICY_INVALID);
	CHECK(parse("v=DMARC1; p=", &r) && r.p == DMARC_POLICY_INVALID);
	CHECK(parse("v=DMARC1; p=none; sp=bogus", &r) && r.p == DMARC_POLICY_NONE && r.sp == DMARC_POLICY_INVALID);
	CHECK(parse("v=DMARC1; p=none; np=\x01", &r) && r.np == DMARC_POLICY_INVALID);
	CHECK(parse("v=DMARC1; p=re ject", &r) && r.p == DMARC_POLICY_INVALID);
	CHECK_STR(mv_str_cstr(dmarc_policy_name(DMARC_POLICY_QUARANTINE)), "quarantine");
	CHECK_STR(mv_str_cstr(dmarc_policy_name(DMARC_POLICY_INVALID)), "");
}

static void test_dmarc_record_syntax_errors_fall_back_to_defaults(void)
{
	struct dmarc_record r;

	/* RFC 9989 4.8: a bad value is discarded in favour of the default. */
	CHECK(parse("v=DMARC1; p=reject; adkim=x; aspf=; t=maybe; psd=q; pct=abc", &r));
	CHECK(r.p == DMARC_POLICY_REJECT && !r.adkim_strict && !r.aspf_strict && !r.testing);
	CHECK(r.psd == DMARC_PSD_U && !r.has_pct && r.pct == 100);
	CHECK(parse("v=DMARC1; p=reject; pct=101", &r) && !r.has_pct && r.pct == 100);
	CHECK(parse("v=DMARC1; p=reject; pct=1000", &r) && !r.has_pct);
	CHECK(parse("v=DMARC1; p=reject; pct=0", &r) && r.has_pct && r.pct == 0);
	CHECK(parse("v=DMARC1; p=reject; pct=100", &r) && r.has_pct && r.pct == 100);
	/* Malformed tags and empty ones are ignored; the rest still counts. */
	CHECK(parse("v=DMARC1;; junk; =x; 9p=none; p=quarantine; ;", &r) && r.p == DMARC_POLICY_QUARANTINE);
	CHECK(parse("v=DMARC1; p1=reject; p=none", &r) && r.p == DMARC_POLICY_NONE);
	/* Unknown tags are ignored (RFC 9989 4.7). */
	CHECK(parse("v=DMARC1; future=yes; p=reject", &r) && r.p == DMARC_POLICY_REJECT);
	/* A repeated tag: the first counts. */
	CHECK(parse("v=DMARC1; p=none; p=reject", &r) && r.p == DMARC_POLICY_NONE);
	/* Bytes outside printable ASCII make the value bad, not the record. */
	CHECK(parse("v=DMARC1; adkim=s\xc3\xa9; p=reject", &r) && !r.adkim_strict && r.p == DMARC_POLICY_REJECT);
}

static void test_dmarc_record_rua(void)
{
	struct dmarc_record r;

	CHECK(parse("v=DMARC1; rua=mailto:d@example.com", &r) && r.rua_valid);
	CHECK(parse("v=DMARC1; rua=mailto:d@example.com!10m", &r) && r.rua_valid);
	CHECK(parse("v=DMARC1; rua=bad uri, mailto:d@example.com", &r) && r.rua_valid);
	CHECK(parse("v=DMARC1; rua=https://example.com/r?a=%20", &r) && r.rua_valid);
	CHECK(parse("v=DMARC1; rua=d@example.com", &r) && !r.rua_valid);
	CHECK(parse("v=DMARC1; rua=mailto:", &r) && !r.rua_valid);
	CHECK(parse("v=DMARC1; rua=mailto:a b", &r) && !r.rua_valid);
	CHECK(parse("v=DMARC1; rua=mailto:a%2", &r) && !r.rua_valid);
	CHECK(parse("v=DMARC1; rua=mailto:a@b!x", &r) && !r.rua_valid);
	CHECK(parse("v=DMARC1; rua=mailto:a@b!10mb", &r) && !r.rua_valid);
	CHECK(parse("v=DMARC1; rua=1mailto:a@b", &r) && !r.rua_valid);
	CHECK(parse("v=DMARC1; rua=,", &r) && !r.rua_valid);
}

static void test_dmarc_record_embedded_nul(void)
{
	struct dmarc_record r;
	static const char text[] = "v=DMARC1; p=reject\0; p=none";

	CHECK(dmarc_record_parse(mv_str_make(text, sizeof(text) - 1), &r));
	CHECK(r.p == DMARC_POLICY_INVALID);
}

int main(void)
{
	RUN(test_dmarc_record_version_must_come_first);
	RUN(test_dmarc_record_defaults);
	RUN(test_dmarc_record_every_tag);
	RUN(test_dmarc_record_policy_values);
	RUN(test_dmarc_record_syntax_errors_fall_back_to_defaults);
	RUN(test_dmarc_record_rua);
	RUN(test_dmarc_record_embedded_nul);
	return test_summary();
}
