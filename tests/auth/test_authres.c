/* Authentication-Results: reading fields as servers write them, and writing our own. */
#include <string.h>

#include "auth/authres.h"
#include "test.h"

static void test_authres_reads_methods_props_and_comments(void)
{
	static const char field[] =
		" mx.example.org 1; (a comment)\r\n\tspf=pass (sender IP is 192.0.2.1)\r\n\t smtp.mailfrom=bounce@example.com;"
		" dkim/1=fail reason=\"bad signature\" header.d=example.com header.s=s1 header.b=\"abc=\";"
		" dmarc=fail (p=reject sp=none dis=reject) header.from=example.com; arc=none";
	struct authres ar;
	const struct authres_result *r;

	CHECK(authres_parse(MV_STR_LIT(field), &ar));
	CHECK_STR(ar.authserv_id, "mx.example.org");
	CHECK_INT(ar.n_results, 4);
	r = &ar.results[0];
	CHECK_STR(r->method, "spf");
	CHECK_STR(r->result, "pass");
	CHECK_STR(r->comment, "sender IP is 192.0.2.1");
	CHECK_STR(authres_prop(r, "smtp", "mailfrom"), "bounce@example.com");
	r = &ar.results[1];
	CHECK_STR(r->method, "dkim");
	CHECK_STR(r->result, "fail");
	CHECK_STR(r->reason, "bad signature");
	CHECK_STR(authres_prop(r, "header", "d"), "example.com");
	CHECK_STR(authres_prop(r, "HEADER", "S"), "s1");
	CHECK_STR(authres_prop(r, "header", "b"), "abc=");
	r = &ar.results[2];
	CHECK_STR(r->comment, "p=reject sp=none dis=reject");
	CHECK_STR(authres_prop(r, "header", "from"), "example.com");
	CHECK_INT(authres_result_value(ar.results[3].result), MV_AUTH_NONE);
	CHECK_INT(authres_result_value(MV_STR_LIT("SoftFail")), MV_AUTH_SOFTFAIL);
}

static void test_authres_none_and_damage(void)
{
	struct authres ar;
	char many[8192];
	size_t n = 0;
	unsigned i;

	CHECK(authres_parse(MV_STR_LIT("mx.example.org; none"), &ar));
	CHECK(ar.none);
	CHECK_INT(ar.n_results, 0);
	CHECK(!authres_parse(MV_STR_LIT("  "), &ar));
	CHECK(authres_parse(MV_STR_LIT("\"quoted id\"; spf=pass"), &ar));
	CHECK_STR(ar.authserv_id, "quoted id");
	/* Broken resinfo sets are skipped, the readable ones kept. */
	CHECK(authres_parse(MV_STR_LIT("mx; =pass; spf (unclosed; dkim=pass header.d=x.example"), &ar));
	CHECK(authres_parse(MV_STR_LIT("mx; garbage ; dkim=pass header.d=x.example"), &ar));
	CHECK_INT(ar.n_results, 1);
	CHECK_STR(ar.results[0].method, "dkim");
	/* More results than kept: the rest are dropped, no overflow. */
	n += (size_t)snprintf(many, sizeof(many), "mx");
	for (i = 0; i < 200 && n + 40 < sizeof(many); i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "; dkim=pass header.d=d%u.example", i);
	CHECK(authres_parse(mv_str_make(many, n), &ar));
	CHECK_INT(ar.n_results, AUTHRES_MAX_RESULTS);
}

static void test_authres_build(void)
{
	mv_arena *arena = mv_arena_new(1 << 16);
	struct mv_auth_dkim dkim[1];
	struct mv_auth auth;
	struct authres ar;
	char *v;

	memset(&auth, 0, sizeof(auth));
	v = authres_build(arena, "mx.example.org", &auth);
	CHECK(v != NULL && strcmp(v, "mx.example.org; none") == 0);
	memset(dkim, 0, sizeof(dkim));
	auth.checked = true;
	auth.spf.result = MV_AUTH_SOFTFAIL;
	auth.spf.domain = MV_STR_LIT("example.net");
	auth.spf.identity = MV_STR_LIT("mailfrom");
	dkim[0].result = MV_AUTH_FAIL;
	dkim[0].domain = MV_STR_LIT("example.net");
	dkim[0].selector = MV_STR_LIT("s 1");	/* needs quoting */
	dkim[0].reason = MV_STR_LIT("body hash mismatch");
	auth.dkim = dkim;
	auth.n_dkim = 1;
	auth.dmarc.result = MV_AUTH_FAIL;
	auth.dmarc.domain = MV_STR_LIT("example.net");
	auth.dmarc.policy = MV_STR_LIT("reject");
	auth.dmarc.disposition = MV_STR_LIT("reject");
	auth.smime.result = MV_AUTH_UNTRUSTED;
	v = authres_build(arena, "mx.example.org", &auth);
	CHECK(v != NULL);
	if (v == NULL)
		return;
	CHECK(strstr(v, "spf=softfail smtp.mailfrom=example.net") != NULL);
	CHECK(strstr(v, "dkim=fail reason=\"body hash mismatch\" header.d=example.net header.s=\"s 1\"") != NULL);
	CHECK(strstr(v, "dmarc=fail (p=reject dis=reject) header.from=example.net") != NULL);
	CHECK(strstr(v, "smime=policy") != NULL);
	/* What we write, we read back. */
	CHECK(authres_parse(mv_str_cstr(v), &ar));
	CHECK_INT(ar.n_results, 4);
	CHECK_STR(authres_prop(&ar.results[1], "header", "s"), "s 1");
	CHECK_STR(ar.results[1].reason, "body hash mismatch");
	mv_arena_free(&arena);
}

int main(void)
{
	RUN(test_authres_reads_methods_props_and_comments);
	RUN(test_authres_none_and_damage);
	RUN(test_authres_build);
	return test_summary();
}
