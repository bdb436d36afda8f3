/* SPF macros (RFC 7208 7): syntax, and expansion against the RFC's own examples (7.4). */
#include <strings.h>

#include "auth/spf.h"
#include "test.h"

static struct spf_macro_env rfc_env(bool ipv6)
{
	static const uint8_t v4[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 3 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xcb, 0x01 };
	struct spf_macro_env env;

	memset(&env, 0, sizeof(env));
	env.sender = MV_STR_LIT("strong-bad@email.example.com");
	env.local = MV_STR_LIT("strong-bad");
	env.sender_domain = MV_STR_LIT("email.example.com");
	env.domain = MV_STR_LIT("email.example.com");
	env.helo = MV_STR_LIT("mx.example.org");
	spf_macro_env_set_ip(&env, ipv6 ? v6 : v4, !ipv6, 1400000000);
	return env;
}

static const char *expand(const char *s, enum spf_macro_mode mode, const struct spf_macro_env *env)
{
	static char out[SPF_EXPLAIN_MAX + 1];

	if (spf_macro_expand(mv_str_cstr(s), mode, env, out, sizeof(out)) < 0)
		return "(error)";
	return out;
}

#define CHECK_EXPAND(s, expected) CHECK_STR(mv_str_cstr(expand(s, SPF_MACRO_DOMAIN, &env)), expected)

static void test_macro_rfc7208_examples(void)
{
	struct spf_macro_env env = rfc_env(false);

	CHECK_EXPAND("%{s}", "strong-bad@email.example.com");
	CHECK_EXPAND("%{o}", "email.example.com");
	CHECK_EXPAND("%{d}", "email.example.com");
	CHECK_EXPAND("%{d4}", "email.example.com");
	CHECK_EXPAND("%{d3}", "email.example.com");
	CHECK_EXPAND("%{d2}", "example.com");
	CHECK_EXPAND("%{d1}", "com");
	CHECK_EXPAND("%{dr}", "com.example.email");
	CHECK_EXPAND("%{d2r}", "example.email");
	CHECK_EXPAND("%{l}", "strong-bad");
	CHECK_EXPAND("%{l-}", "strong.bad");
	CHECK_EXPAND("%{lr}", "strong-bad");
	CHECK_EXPAND("%{lr-}", "bad.strong");
	CHECK_EXPAND("%{l1r-}", "strong");
	CHECK_EXPAND("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com");
	CHECK_EXPAND("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com");
	CHECK_EXPAND("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
	CHECK_EXPAND("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com");
	CHECK_EXPAND("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net");
}

static void test_macro_rfc7208_ipv6_example(void)
{
	struct spf_macro_env env = rfc_env(true);
	const char *got = expand("%{ir}.%{v}._spf.%{d2}", SPF_MACRO_DOMAIN, &env);

	/* The RFC shows lower-case nibbles, the test suite's explanations upper case: DNS does not care. */
	CHECK(strcasecmp(got, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com") == 0);
	CHECK_STR(mv_str_cstr(expand("%{c} %{v}", SPF_MACRO_EXPLAIN, &env)), "2001:db8::cb01 ip6");
}

static void test_macro_escapes_and_url_encoding(void)
{
	struct spf_macro_env env = rfc_env(false);

	CHECK_EXPAND("a%%b%_c%-d.example.com", "a%b c%20d.example.com");
	env.local = MV_STR_LIT("~jack&jill=up-a_b3.c");
	CHECK_STR(mv_str_cstr(expand("l=%{L}", SPF_MACRO_EXPLAIN, &env)), "l=~jack%26jill%3Dup-a_b3.c");
	env.local = MV_STR_LIT("foo-bar+zip+quux");
	CHECK_EXPAND("%{l2r+-}.user.%{d2}", "bar.foo.user.example.com");
	env.local = MV_STR_LIT("philip-gladstone-test");
	CHECK_EXPAND("%{l2r-}", "gladstone.philip");
	CHECK_EXPAND("%{l-}", "philip.gladstone.test");
	CHECK_EXPAND("%{l9r-}", "test.gladstone.philip");
	/* Empty parts survive splitting and joining. */
	env.local = MV_STR_LIT("a--b-");
	CHECK_EXPAND("%{l-}x", "a..b.x");
	CHECK_EXPAND("%{lr-}x", ".b..ax");
	CHECK_EXPAND("%{l2-}x", "b.x");
	CHECK_EXPAND("%{l2r-}x", ".ax");
}

static void test_macro_explain_only_letters(void)
{
	struct spf_macro_env env = rfc_env(false);

	CHECK_INT(spf_macro_check(MV_STR_LIT("%{c}.example.com"), SPF_MACRO_DOMAIN, NULL), -1);
	CHECK_INT(spf_macro_check(MV_STR_LIT("%{r}.example.com"), SPF_MACRO_DOMAIN, NULL), -1);
	CHECK_INT(spf_macro_check(MV_STR_LIT("%{t}.example.com"), SPF_MACRO_DOMAIN, NULL), -1);
	CHECK_STR(mv_str_cstr(expand("%{c} at %{t} via %{r}", SPF_MACRO_EXPLAIN, &env)),
		  "192.0.2.3 at 1400000000 via unknown");
	env.receiver = MV_STR_LIT("mx.example.net");
	CHECK_STR(mv_str_cstr(expand("%{r}", SPF_MACRO_EXPLAIN, &env)), "mx.example.net");
	CHECK_STR(mv_str_cstr(expand("%{p}", SPF_MACRO_EXPLAIN, &env)), "unknown");
}

static void test_macro_syntax_errors(void)
{
	static const char *const bad[] = {
		"%", "%x", "%{", "%{d", "%{d}%", "%(ir).sbl.example.com", "foo%.sbl.example.com", "%{a}.example.com",
		"%{d0}", "%{d00}", "%{d2x}", "%{d2rr}", "%{d2r.-x}", "%{}", "a b", "caf\xc3\xa9", "tab\there",
	};
	static const char *const good[] = {
		"", "%%", "%_", "%-", "%{d}", "%{D}", "%{d2}", "%{dr}", "%{d2r}", "%{d.-+,/_=}", "%{l1r-}",
		"%{d99999999999999999999}", "plain.example.com", "!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~",
	};
	bool uses_p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (spf_macro_check(mv_str_cstr(bad[i]), SPF_MACRO_DOMAIN, NULL) != -1) {
			fprintf(stderr, "accepted: %s\n", bad[i]);
			CHECK(0);
		}
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (spf_macro_check(mv_str_cstr(good[i]), SPF_MACRO_DOMAIN, NULL) != 0) {
			fprintf(stderr, "refused: %s\n", good[i]);
			CHECK(0);
		}
	}
	/* Spaces are literal only in explanations. */
	CHECK_INT(spf_macro_check(MV_STR_LIT("a b"), SPF_MACRO_EXPLAIN, NULL), 0);
	CHECK_INT(spf_macro_check(MV_STR_LIT("x.%{p}.y"), SPF_MACRO_DOMAIN, &uses_p), 0);
	CHECK(uses_p);
	CHECK_INT(spf_macro_check(MV_STR_LIT("x.%{d}.y"), SPF_MACRO_DOMAIN, &uses_p), 0);
	CHECK(!uses_p);
}

static void test_macro_domain_end(void)
{
	static const char *const good[] = {
		"example.com", "example.com.", "%{d}", "foo.%{d}", "%{d}.com", "a.xn--zckzah", "x.123-456",
		"foo:bar/baz.example.com", ".com", "a%%",
	};
	static const char *const bad[] = {
		"museum", "museum.", "abc.123", "example.-com", "example.com-", "%{d}.", "example.com:8080",
		"foo-bar", "example.com..", "%{l.}x", "",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!spf_domain_end_valid(mv_str_cstr(good[i]))) {
			fprintf(stderr, "refused: %s\n", good[i]);
			CHECK(0);
		}
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (spf_domain_end_valid(mv_str_cstr(bad[i]))) {
			fprintf(stderr, "accepted: %s\n", bad[i]);
			CHECK(0);
		}
	}
}

static void test_macro_domain_truncation(void)
{
	struct spf_macro_env env = rfc_env(false);
	char spec[2048], out[SPF_DOMAIN_MAX + 3];
	size_t i, len = 0;
	int n;

	/* 7.3: past 253 bytes, whole labels go from the left. */
	env.sender_domain = MV_STR_LIT("somewhat.long.exp.example.com");
	n = spf_macro_expand(MV_STR_LIT("foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com"), SPF_MACRO_DOMAIN,
			     &env, out, sizeof(out));
	CHECK_INT(n, 251);
	CHECK(strncmp(out, "somewhat.long.exp.example.com.somewhat.", 39) == 0);
	/* A huge expansion keeps only its right end, in a fixed buffer. */
	for (i = 0; i < 200; i++, len += 5)
		memcpy(spec + len, "%{s}.", 5);
	memcpy(spec + len, "end.example.com", sizeof("end.example.com"));
	n = spf_macro_expand(mv_str_cstr(spec), SPF_MACRO_DOMAIN, &env, out, sizeof(out));
	CHECK(n > 0 && n <= SPF_DOMAIN_MAX);
	CHECK_INT((long long)strlen(out), n);
	CHECK(n >= 15 && strcmp(out + n - 15, "end.example.com") == 0);
	/* An explanation is cut at the buffer. */
	n = spf_macro_expand(mv_str_cstr(spec), SPF_MACRO_EXPLAIN, &env, out, sizeof(out));
	CHECK_INT(n, (int)sizeof(out) - 1);
}

int main(void)
{
	RUN(test_macro_rfc7208_examples);
	RUN(test_macro_rfc7208_ipv6_example);
	RUN(test_macro_escapes_and_url_encoding);
	RUN(test_macro_explain_only_letters);
	RUN(test_macro_syntax_errors);
	RUN(test_macro_domain_end);
	RUN(test_macro_domain_truncation);
	return test_summary();
}
