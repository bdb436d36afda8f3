/*
 * URL module tests.  Oracles: RFC 3986 5.4 (reference resolution), glibc
 * inet_aton (numeric IPv4 forms), inet_pton/inet_ntop (IPv6), the idn2
 * command (IDNA, when installed), the Public Suffix List's own test vectors
 * (tests/data/psl/tests.txt).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <idn2.h>
#include <libpsl.h>

#include "mailvet/url.h"
#include "test.h"
#include "url/url_int.h"
#include "url_agree.h"

#define F_IP	MV_URL_HOST_IP
#define F_OBF	MV_URL_HOST_IP_OBFUSCATED
#define F_IDN	MV_URL_HOST_IDN
#define F_IDNB	MV_URL_HOST_IDN_BAD
#define F_UI	MV_URL_USERINFO
#define F_NOS	MV_URL_NO_SCHEME
#define F_REL	MV_URL_RELATIVE
#define F_BAD	MV_URL_BAD
#define F_ENC	MV_URL_HOST_ENCODED
#define F_PORT	MV_URL_NONSTANDARD_PORT

static mv_arena *arena;

static int parse(const char *raw, const char *base, struct mv_url *u)
{
	return mv_url_parse(arena, mv_str_cstr(raw), mv_str_cstr(base), u);
}

/* RFC 3986 5.4.1 and 5.4.2, every example, base "http://a/b/c/d;p?q". */
static void test_rfc3986_reference_resolution(void)
{
	static const struct {
		const char *ref, *expect;
	} cases[] = {
		/* 5.4.1 normal examples */
		{ "g:h", "g:h" },
		{ "g", "http://a/b/c/g" },
		{ "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" },
		/* RFC: "http://g"; 6.2.3 scheme-based normalization writes the empty http path as "/" */
		{ "//g", "http://g/" },
		{ "?y", "http://a/b/c/d;p?y" },
		{ "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" },
		{ "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" },
		{ ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" },
		{ "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ "", "http://a/b/c/d;p?q" },
		{ ".", "http://a/b/c/" },
		{ "./", "http://a/b/c/" },
		{ "..", "http://a/b/" },
		{ "../", "http://a/b/" },
		{ "../g", "http://a/b/g" },
		{ "../..", "http://a/" },
		{ "../../", "http://a/" },
		{ "../../g", "http://a/g" },
		/* 5.4.2 abnormal examples */
		{ "../../../g", "http://a/g" },
		{ "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" },
		{ "/../g", "http://a/g" },
		{ "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" },
		{ "g..", "http://a/b/c/g.." },
		{ "..g", "http://a/b/c/..g" },
		{ "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" },
		{ "g/./h", "http://a/b/c/g/h" },
		{ "g/../h", "http://a/b/c/h" },
		{ "g;x=1/./y", "http://a/b/c/g;x=1/y" },
		{ "g;x=1/../y", "http://a/b/c/y" },
		{ "g?y/./x", "http://a/b/c/g?y/./x" },
		{ "g?y/../x", "http://a/b/c/g?y/../x" },
		{ "g#s/./x", "http://a/b/c/g#s/./x" },
		{ "g#s/../x", "http://a/b/c/g#s/../x" },
		/* the RFC allows "http:g" or, "for backward compatibility", this; browsers do this */
		{ "http:g", "http://a/b/c/g" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mv_url u;
		int rc = parse(cases[i].ref, "http://a/b/c/d;p?q", &u);

		CHECK_INT(rc, 0);
		CHECK_STR(u.normalized, cases[i].expect);
		if (strcmp(cases[i].ref, "g:h") != 0)
			CHECK(u.flags & MV_URL_RELATIVE);
	}
}

struct parse_case {
	const char *raw, *base;
	int rc;
	const char *scheme, *host, *host_unicode, *domain, *path, *normalized;
	unsigned port, flags;
};

static const struct parse_case parse_cases[] = {
	/* userinfo disguise and browser slash tricks (WHATWG special-scheme rules) */
	{ "http://www.paypal.com@evil.example/", "", 0, "http", "evil.example", "evil.example", "evil.example",
	  "/", "http://www.paypal.com@evil.example/", 0, F_UI },
	{ "http:/\\evil.com/a/../b", "", 0, "http", "evil.com", "evil.com", "evil.com", "/b", "http://evil.com/b", 0, 0 },
	{ "http:\\\\evil.com\\x", "", 0, "http", "evil.com", "evil.com", "evil.com", "/x", "http://evil.com/x", 0, 0 },
	{ "http:evil.com", "", 0, "http", "evil.com", "evil.com", "evil.com", "/", "http://evil.com/", 0, 0 },
	{ "http:///evil.com", "", 0, "http", "evil.com", "evil.com", "evil.com", "/", "http://evil.com/", 0, 0 },
	{ "http://www.paypal.com\\@evil.example/", "", 0, "http", "www.paypal.com", "www.paypal.com", "paypal.com",
	  "/@evil.example/", "http://www.paypal.com/@evil.example/", 0, 0 },
	{ "http://a@b@c/", "", 0, "http", "c", "c", "c", "/", "http://a%40b@c/", 0, F_UI },
	{ "  \thttp://ex\tam\nple.com/a\r\nb  ", "", 0, "http", "example.com", "example.com", "example.com", "/ab",
	  "http://example.com/ab", 0, 0 },
	/* case, ports, percent-encoding normalization */
	{ "HTTP://Www.Example.COM:80/%7euser/%2f%41%3f?Q=%3d%7E#F%2e", "", 0, "http", "www.example.com",
	  "www.example.com", "example.com", "/~user/%2FA%3F", "http://www.example.com/~user/%2FA%3F?Q=%3D~#F.", 0, 0 },
	{ "https://example.com:443/", "", 0, "https", "example.com", "example.com", "example.com", "/",
	  "https://example.com/", 0, 0 },
	{ "https://example.com:0443/", "", 0, "https", "example.com", "example.com", "example.com", "/",
	  "https://example.com/", 0, 0 },
	{ "ftp://example.com:21/f", "", 0, "ftp", "example.com", "example.com", "example.com", "/f",
	  "ftp://example.com/f", 0, 0 },
	{ "http://example.com:8080", "", 0, "http", "example.com", "example.com", "example.com", "/",
	  "http://example.com:8080/", 8080, F_PORT },
	{ "http://example.com:/x", "", 0, "http", "example.com", "example.com", "example.com", "/x",
	  "http://example.com/x", 0, 0 },
	{ "http://ex.com/a/%2e%2E/b/%2E/c", "", 0, "http", "ex.com", "ex.com", "ex.com", "/b/c", "http://ex.com/b/c", 0, 0 },
	{ "http://ex.com/a b\"<>`\x01\x7f\xc3\xa9%zz%", "", 0, "http", "ex.com", "ex.com", "ex.com",
	  "/a%20b%22%3C%3E%60%01%7F%C3%A9%zz%", "http://ex.com/a%20b%22%3C%3E%60%01%7F%C3%A9%zz%", 0, 0 },
	{ "http://ex.com?", "", 0, "http", "ex.com", "ex.com", "ex.com", "/", "http://ex.com/?", 0, 0 },
	{ "http://ex.com/#", "", 0, "http", "ex.com", "ex.com", "ex.com", "/", "http://ex.com/#", 0, 0 },
	/* IPv4 in every WHATWG form */
	{ "http://0x7f.1/", "", 0, "http", "127.0.0.1", "127.0.0.1", "127.0.0.1", "/", "http://127.0.0.1/", 0, F_IP | F_OBF },
	{ "http://2130706433/", "", 0, "http", "127.0.0.1", "127.0.0.1", "127.0.0.1", "/", "http://127.0.0.1/", 0, F_IP | F_OBF },
	{ "http://0177.0.0.1/", "", 0, "http", "127.0.0.1", "127.0.0.1", "127.0.0.1", "/", "http://127.0.0.1/", 0, F_IP | F_OBF },
	{ "http://127.1/", "", 0, "http", "127.0.0.1", "127.0.0.1", "127.0.0.1", "/", "http://127.0.0.1/", 0, F_IP | F_OBF },
	{ "http://127.0.0.1/", "", 0, "http", "127.0.0.1", "127.0.0.1", "127.0.0.1", "/", "http://127.0.0.1/", 0, F_IP },
	{ "http://127.0.0.1./", "", 0, "http", "127.0.0.1", "127.0.0.1", "127.0.0.1", "/", "http://127.0.0.1/", 0, F_IP | F_OBF },
	{ "http://%31%32%37.0.0.1/", "", 0, "http", "127.0.0.1", "127.0.0.1", "127.0.0.1", "/", "http://127.0.0.1/", 0, F_IP | F_ENC },
	{ "http://0xC0.0250.01/", "", 0, "http", "192.168.0.1", "192.168.0.1", "192.168.0.1", "/", "http://192.168.0.1/", 0, F_IP | F_OBF },
	{ "http://1.2.3.256/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://foo.0x/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://foo.09/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://1.2.3.4.5/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://09.example/", "", 0, "http", "09.example", "09.example", "09.example", "/", "http://09.example/", 0, 0 },
	/* IPv6 */
	{ "http://[2001:DB8:0:0:0:0:0:1]:8080/", "", 0, "http", "2001:db8::1", "2001:db8::1", "2001:db8::1", "/",
	  "http://[2001:db8::1]:8080/", 8080, F_IP | F_PORT },
	{ "http://[::ffff:192.0.2.1]/", "", 0, "http", "::ffff:192.0.2.1", "::ffff:192.0.2.1", "::ffff:192.0.2.1", "/",
	  "http://[::ffff:192.0.2.1]/", 0, F_IP },
	{ "http://[fe80::1%25eth0]/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://[::1/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://[::1]x/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	/* IDN */
	{ "http://B\xc3\xbc" "cher.Example/", "", 0, "http", "xn--bcher-kva.example", "b\xc3\xbc" "cher.example",
	  "xn--bcher-kva.example", "/", "http://xn--bcher-kva.example/", 0, F_IDN },
	{ "http://XN--BCHER-KVA.example/", "", 0, "http", "xn--bcher-kva.example", "b\xc3\xbc" "cher.example",
	  "xn--bcher-kva.example", "/", "http://xn--bcher-kva.example/", 0, F_IDN },
	{ "http://b%C3%BCcher.example/", "", 0, "http", "xn--bcher-kva.example", "b\xc3\xbc" "cher.example",
	  "xn--bcher-kva.example", "/", "http://xn--bcher-kva.example/", 0, F_IDN | F_ENC },
	/* fullwidth letters and ideographic full stop map to ASCII (UTS #46) */
	{ "http://\xef\xbd\x85\xef\xbd\x98\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x90\xef\xbd\x8c\xef\xbd\x85\xe3\x80\x82" "com/", "",
	  0, "http", "example.com", "example.com", "example.com", "/", "http://example.com/", 0, F_IDN },
	/* fullwidth digits become an IPv4 address after mapping */
	{ "http://\xef\xbc\x91\xef\xbc\x92\xef\xbc\x97.1/", "", 0, "http", "127.0.0.1", "127.0.0.1", "127.0.0.1", "/",
	  "http://127.0.0.1/", 0, F_IDN | F_IP | F_OBF },
	{ "http://xn--zz.com/", "", 0, "http", "xn--zz.com", "xn--zz.com", "xn--zz.com", "/", "http://xn--zz.com/", 0,
	  F_IDN | F_IDNB },
	/* registrable domains */
	{ "http://a.b.example.co.uk/", "", 0, "http", "a.b.example.co.uk", "a.b.example.co.uk", "example.co.uk", "/",
	  "http://a.b.example.co.uk/", 0, 0 },
	{ "https://foo.github.io/x", "", 0, "https", "foo.github.io", "foo.github.io", "foo.github.io", "/x",
	  "https://foo.github.io/x", 0, 0 },
	{ "http://localhost:3000/", "", 0, "http", "localhost", "localhost", "localhost", "/", "http://localhost:3000/",
	  3000, F_PORT },
	{ "http://co.uk/", "", 0, "http", "co.uk", "co.uk", "co.uk", "/", "http://co.uk/", 0, 0 },
	/* no scheme */
	{ "www.Example.co.uk:8080/x", "", 0, "http", "www.example.co.uk", "www.example.co.uk", "example.co.uk", "/x",
	  "http://www.example.co.uk:8080/x", 8080, F_NOS | F_PORT },
	{ "//evil.com/x", "", 0, "http", "evil.com", "evil.com", "evil.com", "/x", "http://evil.com/x", 0, F_NOS },
	{ "example.com/x", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "", "", -1, "", "", "", "", "", "", 0, F_BAD },
	/* non-hierarchical schemes: a scheme, no host, not bad */
	{ "mailto:User%40x@Example.COM,b@c?subject=hi", "", 0, "mailto", "example.com", "example.com", "example.com",
	  "User%40x@example.com", "mailto:User%40x@example.com,b@c?subject=hi", 0, 0 },
	{ "MAILTO:joe@b\xc3\xbc" "cher.example", "", 0, "mailto", "xn--bcher-kva.example", "b\xc3\xbc" "cher.example",
	  "xn--bcher-kva.example", "joe@xn--bcher-kva.example", "mailto:joe@xn--bcher-kva.example", 0, F_IDN },
	{ "mailto:?subject=x", "", 0, "mailto", "", "", "", "", "mailto:?subject=x", 0, 0 },
	{ "mailto:joe@", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "javascript:alert(1)", "", 0, "javascript", "", "", "", "alert(1)", "javascript:alert(1)", 0, 0 },
	{ "data:text/html,<b>hi</b>", "", 0, "data", "", "", "", "text/html,%3Cb%3Ehi%3C/b%3E",
	  "data:text/html,%3Cb%3Ehi%3C/b%3E", 0, 0 },
	{ "about:blank", "", 0, "about", "", "", "", "blank", "about:blank", 0, 0 },
	{ "javascript://%0aalert(1)", "", 0, "javascript", "%0Aalert(1)", "%0Aalert(1)", "%0Aalert(1)", "",
	  "javascript://%0Aalert(1)", 0, 0 },
	{ "file:///etc/passwd", "", 0, "file", "", "", "", "/etc/passwd", "file:///etc/passwd", 0, 0 },
	{ "file://localhost/etc/passwd", "", 0, "file", "", "", "", "/etc/passwd", "file:///etc/passwd", 0, 0 },
	{ "foo://Host.Com:5/p/../q", "", 0, "foo", "host.com", "host.com", "host.com", "/q", "foo://host.com:5/q", 5,
	  F_PORT },
	/* bad hosts and ports */
	{ "http://exa mple.com/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://a%2Fb.com/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://a<b.com/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://user@/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://x:99999/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "http://x:8a/", "", -1, "", "", "", "", "", "", 0, F_BAD },
	/* resolution details */
	{ "\\\\evil.com/x", "http://a/b", 0, "http", "evil.com", "evil.com", "evil.com", "/x", "http://evil.com/x", 0, F_REL },
	{ "..\\..\\x", "http://a/b/c/d", 0, "http", "a", "a", "a", "/x", "http://a/x", 0, F_REL },
	{ "https://other.example/y", "http://a/b", 0, "https", "other.example", "other.example", "other.example", "/y",
	  "https://other.example/y", 0, 0 },
	{ "x", "http://user@a.example:81/b", 0, "http", "a.example", "a.example", "a.example", "/x",
	  "http://user@a.example:81/x", 81, F_REL | F_UI | F_PORT },
	{ "#top", "mailto:a@b.example", 0, "mailto", "b.example", "b.example", "b.example", "a@b.example",
	  "mailto:a@b.example#top", 0, F_REL },
	{ "x", "mailto:a@b.example", -1, "", "", "", "", "", "", 0, F_BAD },
	{ "x", "not a url", -1, "", "", "", "", "", "", 0, F_BAD },
};

static void test_parse_table(void)
{
	size_t n = sizeof(parse_cases) / sizeof(parse_cases[0]), i;

	/* twice: IDN answers come from url_host.c's cache the second time */
	for (i = 0; i < 2 * n; i++) {
		const struct parse_case *c = &parse_cases[i % n];
		struct mv_url u;
		int rc = parse(c->raw, c->base, &u);
		int before = test_failures;

		CHECK_INT(rc, c->rc);
		CHECK_INT(u.flags, c->flags);
		CHECK(u.raw.p == c->raw);
		CHECK_STR(u.scheme, c->scheme);
		CHECK_STR(u.host, c->host);
		CHECK_STR(u.host_unicode, c->host_unicode);
		CHECK_STR(u.domain, c->domain);
		CHECK_STR(u.path, c->path);
		CHECK_STR(u.normalized, c->normalized);
		CHECK_INT(u.port, c->port);
		if (test_failures != before)
			fprintf(stderr, "  in case %zu: \"%s\" base \"%s\"\n", i % n, c->raw, c->base);
	}
}

static void test_query_fragment_presence(void)
{
	struct mv_url u;

	CHECK_INT(parse("http://x/p?a=%41#f", "", &u), 0);
	CHECK_STR(u.query, "a=A");
	CHECK_STR(u.fragment, "f");
	CHECK_INT(parse("http://x/p", "", &u), 0);
	CHECK(u.query.p == NULL && u.fragment.p == NULL);
	CHECK_INT(parse("http://x/p?#", "", &u), 0);
	CHECK(u.query.p != NULL && u.query.len == 0 && u.fragment.p != NULL && u.fragment.len == 0);
	CHECK_INT(parse("http://u:p%41ss@x/", "", &u), 0);
	CHECK_STR(u.userinfo, "u:pAss");
}

/* url_agree.h's check in this test's arena. */
static bool fast_agrees(const char *raw, const struct mv_url *base)
{
	return url_fast_agrees(arena, mv_str_cstr(raw), base);
}

static bool takes_fast_path(const char *raw)
{
	struct mv_url u;

	memset(&u, 0, sizeof(u));
	return url_parse_fast(arena, mv_str_cstr(raw), NULL, &u) == 1;
}

/* Every combination of these pieces, alone and against two bases. */
static void test_fast_path_agrees_with_general_parser(void)
{
	static const char *const prefixes[] = {
		"http://", "https://", "HTTP://", "hTTps://", "ftp://", "ws://", "wss://", "file://", "mailto:",
		"http:", "http:/", "http:///", "http:\\\\", "http:/\\", "//", "www.", "WWW.", "javascript:",
		"httpx://", " http://", "ht\ttp://", "",
	};
	static const char *const hosts[] = {
		"example.com", "EXAMPLE.Com", "www.example.co.uk", "a-b_c.example.org", "xn--bcher-kva.example",
		"www.XN--bcher-kva.de", "1.2.3.4", "0x7f.1", "a.b.0xab", "a.b.0x", "a.b.1e", "2130706433",
		"example.com.", "a..b.com", ".example.com", "ex%41mple.com", ("b\xc3\xbc" "cher.de"), "[::1]",
		"user@example.com", "u:p@example.com", "example.com:80", "example.com:8080", "example.com:",
		"exa mple.com", "exa<mple.com", "localhost", "s3.amazonaws.com", "x.blogspot.com", "",
		"255.255.255.255", "256.1.1.1", "01.2.3.4", "1.02.3.4", "0.0.0.0", "1.2.3.4.", "1.2.3.04", "1.2.3",
		"1.2.3.4.5", "a.1.2.3.4", "1.2.3.4a", "9.99.199.249", "1.2.3.1000",
		"example.com:443", "example.com:21", "example.com:0", "example.com:080", "example.com:65535",
		"example.com:65536", "example.com:99999", "example.com:123456", "example.com:8a", "example.com:1:2",
		"1.2.3.4:8080", "example.com:\\", "EXAMPLE.com:81",
	};
	static const char *const tails[] = {
		"", "/", "/a/b", "/a/b/", "/a/./b", "/a/../b", "/.", "/..", "/./", "/a/.", "/a/..", "/a/.b",
		"/a/..b", "/a/...", "/..?x", "/.#x", "?q", "#f", "?q#f", "?#", "?", "#", "/p?q=a%2Fb&r=%3D",
		"/p%2e", "/p%2E/x", "/%2e%2e/x", "/p%2F", "/p%2f", "/p%41", "/p%7E", "/p%7e", "/%", "/%4", "/%4?",
		"/a%zz", "/%%41", "/a\\b", "?a\\b", "/a b", "/a\"b", "/a<b>", "/a`b", "/a\x7f", "/\xc3\xa9",
		"?a/../b", "#/../x", "/a?b#c#d", "/a?b?c", "/a#b?c", "/a\tb", "/a\nb", "/x ", "//x", "\\x",
	};
	struct mv_url http_base, mailto_base;
	char raw[256];
	size_t i, j, k;
	unsigned differ = 0;

	CHECK_INT(parse("http://base.example/dir/page?q", "", &http_base), 0);
	CHECK_INT(parse("mailto:someone@example.com", "", &mailto_base), 0);
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		for (j = 0; j < sizeof(hosts) / sizeof(hosts[0]); j++) {
			for (k = 0; k < sizeof(tails) / sizeof(tails[0]); k++) {
				snprintf(raw, sizeof(raw), "%s%s%s", prefixes[i], hosts[j], tails[k]);
				differ += !fast_agrees(raw, NULL);
				differ += !fast_agrees(raw, &http_base);
				differ += !fast_agrees(raw, &mailto_base);
			}
		}
	}
	CHECK_INT(differ, 0);
	/* The path is taken where it should be, and left where it must be. */
	CHECK(takes_fast_path("http://example.com/a/b?q=1&r=%3D#top"));
	CHECK(takes_fast_path("HTTPS://WWW.Example.COM"));
	CHECK(takes_fast_path("www.example.com/x"));
	CHECK(!takes_fast_path("http://example.com/a/../b"));
	CHECK(!takes_fast_path("http://example.com/%7e"));
	CHECK(takes_fast_path("http://1.2.3.4/"));
	CHECK(takes_fast_path("http://255.0.10.100/x"));
	CHECK(!takes_fast_path("http://01.2.3.4/"));
	CHECK(!takes_fast_path("http://1.2.3.4./"));
	CHECK(!takes_fast_path("http://256.2.3.4/"));
	CHECK(!takes_fast_path("http://1.2.3/"));
	CHECK(!takes_fast_path("http://1.2.3.4.5/"));
	CHECK(!takes_fast_path("http://1.2.3.1234/"));
	/* a host ending the input with a dot: nothing may be read past it (found by fuzz_url) */
	{
		static const char dot_end[] = { 'w', 's', ':', '/', '/', 'a', '.', 'b', '.' };
		struct mv_url u;
		char *copy = malloc(sizeof(dot_end));

		CHECK(copy != NULL);
		if (copy != NULL) {
			memcpy(copy, dot_end, sizeof(dot_end));
			memset(&u, 0, sizeof(u));
			CHECK_INT(url_parse_fast(arena, mv_str_make(copy, sizeof(dot_end)), NULL, &u), 0);
			free(copy);
		}
	}
	CHECK(!takes_fast_path("http://xn--bcher-kva.example/"));
	CHECK(takes_fast_path("http://example.com:8080/"));
	CHECK(takes_fast_path("https://example.com:443?q"));
	CHECK(!takes_fast_path("http://example.com:0/"));
	CHECK(!takes_fast_path("http://example.com:080/"));
	CHECK(!takes_fast_path("http://example.com:65536/"));
	CHECK(!takes_fast_path("http://example.com:/"));
	CHECK(!takes_fast_path("http://example.com:123456/"));
	CHECK(!takes_fast_path("http://example.com:80x/"));
	CHECK(!takes_fast_path("http://example.com:80:81/"));
}

/* Every byte value in each part of a URL the fast path reads: it must agree with the general parser. */
static void test_fast_path_every_byte(void)
{
	static const char *const shapes[] = {
		"http://ex^mple.com/", "http://^example.com/", "http://example.co^/", "http://example.com^/x",
		"http://a.b^.com/p", "http://example.com/a^b", "http://example.com/^", "http://example.com/a/^./b",
		"http://example.com/a?q=^", "http://example.com/a#f^", "http://example.com/%4^", "www.exa^ple.com/",
		"http://example.com:8^/", "http://example.com:^0/a", "http://1.2.3.^/",
		"mailto:^oe@example.com", "mailto:j^e@example.com", "mailto:joe^example.com", "mailto:joe@^xample.com",
		"mailto:joe@ex^mple.com", "mailto:joe@example.co^", "mailto:joe@1.2.3.^", "^ailto:joe@example.com",
		"mailt^:joe@example.com", "mailto:joe@example.com^s=1", "mailto:joe@example.com?s^bject=x",
		"mailto:joe@example.com?s=%4^", "mailto:joe@example.com?s=x#f^", "mailto:joe@example.com?a/^./b",
	};
	char raw[64];
	unsigned differ = 0;
	size_t i;
	int c;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		size_t at = (size_t)(strchr(shapes[i], '^') - shapes[i]);	/* where each byte goes */

		for (c = 1; c < 256; c++) {
			snprintf(raw, sizeof(raw), "%s", shapes[i]);
			raw[at] = (char)c;
			differ += !fast_agrees(raw, NULL);
		}
	}
	CHECK_INT(differ, 0);
	CHECK(takes_fast_path("mailto:joe@example.com"));
	CHECK(takes_fast_path("mailto:j.o-e+x_y@mail.example.co.uk"));
	CHECK(!takes_fast_path("mailto:joe@Example.com"));	/* path and normalized get the host lower-cased */
	CHECK(takes_fast_path("mailto:joe@example.com?subject=Hi%20there&body=x"));
	CHECK(takes_fast_path("mailto:joe@example.com#top"));
	CHECK(takes_fast_path("mailto:joe@example.com?"));
	CHECK(!takes_fast_path("mailto:joe@example.com/x"));
	CHECK(!takes_fast_path("mailto:joe@example.com:25"));
	CHECK(!takes_fast_path("mailto:joe@example.com?subject=%7e"));	/* normalization decodes it */
	CHECK(!takes_fast_path("mailto:joe@example.com?subject=a b"));
}

/* Random URL-ish bytes after a scheme, deterministic: the corners nobody listed. */
static void test_fast_path_agrees_on_random_urls(void)
{
	static const char plain[] = "abxyzXZ0189-._/%%2eEfF";
	static const char special[] = "~?#@:[]\\ \t\"<>`'()!$&*+,;=\x7f\x80\xc3";
	static const char *const prefixes[] = { "http://", "HTTPS://", "www.", "ftp://", "ws://x", "mailto:a" };
	uint32_t seed = 12345;
	char raw[64];
	unsigned differ = 0, fast = 0;
	size_t i, j, n, off;

	for (i = 0; i < 40000; i++) {
		const char *prefix = prefixes[i % (sizeof(prefixes) / sizeof(prefixes[0]))];

		off = strlen(prefix);
		memcpy(raw, prefix, off);
		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % 40;
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 16 != 0)	/* mostly plain bytes, so the fast path gets its share */
				raw[off + j] = plain[(seed >> 20) % (sizeof(plain) - 1)];
			else
				raw[off + j] = special[(seed >> 20) % (sizeof(special) - 1)];
		}
		raw[off + n] = '\0';
		differ += !fast_agrees(raw, NULL);
		fast += takes_fast_path(raw);
	}
	CHECK_INT(differ, 0);
	CHECK(fast > 1000);	/* the test must exercise the fast path, not only the general one */
}

/* WHATWG URL Standard, "IPv4 parser" examples and edge cases, against glibc inet_aton. */
static void test_ipv4_inet_aton_oracle(void)
{
	static const char *hosts[] = {
		"127.0.0.1", "127.1", "127.0.1", "0x7f.1", "0X7F.0.0.1", "2130706433", "0177.0.0.1", "017700000001",
		"0x7f000001", "0x7F000001", "1.2.3", "1.2.65535", "1.2.65536", "1.16777215", "1.16777216",
		"4294967295", "4294967296", "0x100000000", "0xffffffff", "037777777777", "040000000000",
		"1.2.3.255", "1.2.3.256", "256.1.1.1", "1.256.1.1", "08.1.1.1", "0.0.0.08", "0x1g.1.1.1", "0",
		"00", "0x0", "1.2.3.4.5", "0xc0.0xa8.0x0.0x1", "0300.0250.0.01", "3232235521", "192.168.257",
		"99999999999999999999", "0x00000000000000000001", "000000000000000000000000000000012",
	};
	size_t i;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		char raw[128];
		struct in_addr in;
		struct mv_url u;
		int ok = inet_aton(hosts[i], &in) != 0;
		int rc;

		snprintf(raw, sizeof(raw), "http://%s/", hosts[i]);
		rc = parse(raw, "", &u);
		CHECK_INT(rc == 0, ok);
		if (ok && rc == 0) {
			CHECK(u.flags & MV_URL_HOST_IP);
			CHECK_STR(u.host, inet_ntoa(in));
			CHECK(((u.flags & MV_URL_HOST_IP_OBFUSCATED) != 0) == (strcmp(hosts[i], inet_ntoa(in)) != 0));
		}
		if ((rc == 0) != ok)
			fprintf(stderr, "  host \"%s\": inet_aton %d, mv_url_parse %d\n", hosts[i], ok, rc);
	}
}

/*
 * Where WHATWG and inet_aton differ on purpose: inet_aton stops at white
 * space (so "1.2.3.4 x" passes) and refuses a trailing dot and "0x" alone,
 * which browsers accept.  These are checked against the WHATWG result.
 */
static void test_ipv4_whatwg_differs_from_inet_aton(void)
{
	struct mv_url u;
	struct in_addr in;

	CHECK(inet_aton("1.2.3.4.", &in) == 0);
	CHECK_INT(parse("http://1.2.3.4./", "", &u), 0);
	CHECK_STR(u.host, "1.2.3.4");
	CHECK(inet_aton("0x", &in) == 0);
	CHECK_INT(parse("http://0x/", "", &u), 0);
	CHECK_STR(u.host, "0.0.0.0");
	CHECK(inet_aton("1.0x", &in) == 0);
	CHECK_INT(parse("http://1.0x/", "", &u), 0);
	CHECK_STR(u.host, "1.0.0.0");
	CHECK(inet_aton("0x.1", &in) == 0);
	CHECK_INT(parse("http://0x.1/", "", &u), 0);
	CHECK_STR(u.host, "0.0.0.1");
	CHECK_INT(parse("http://0x.0x.0/", "", &u), 0);
	CHECK_STR(u.host, "0.0.0.0");
	CHECK_INT(parse("http://1..2/", "", &u), -1);
}

static void test_ipv6_inet_pton_oracle(void)
{
	static const char *addrs[] = {
		"::", "::1", "1::", "1::1", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "2001:db8:0:0:1:0:0:1",
		"2001:0db8:0000:0000:0000:ff00:0042:8329", "1:2:3:4:5:6:7:8", "1:0:0:4:0:0:0:8", "0:0:1:0:0:1:0:0",
		"1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "fe80::204:61ff:fe9d:f156", "::ffff:192.0.2.128",
		"::ffff:c000:280", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
		"1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1:::2", "12345::", "1:2:3:4:5:6:7", "::1.2.3.04",
		"::1.2.3", "::1.2.3.4.5", "::256.1.1.1", "g::", "1:", ":", "", "::0:0", "0:0:0:0:0:0:0:0",
		"1:0:0:0:1:0:0:0", "abcd:ef01:2345:6789:abcd:ef01:2345:6789",
	};
	size_t i;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		char raw[160], text[INET6_ADDRSTRLEN];
		unsigned char bin[16];
		struct mv_url u;
		int ok = inet_pton(AF_INET6, addrs[i], bin) == 1;
		int rc, compat;

		snprintf(raw, sizeof(raw), "http://[%s]/", addrs[i]);
		rc = parse(raw, "", &u);
		CHECK_INT(rc == 0, ok);
		if ((rc == 0) != ok)
			fprintf(stderr, "  address \"%s\": inet_pton %d, mv_url_parse %d\n", addrs[i], ok, rc);
		if (!ok || rc != 0)
			continue;
		CHECK(u.flags & MV_URL_HOST_IP);
		inet_ntop(AF_INET6, bin, text, sizeof(text));
		/*
		 * glibc also writes deprecated IPv4-compatible addresses (::a.b.c.d,
		 * first 96 bits zero) in dotted form; RFC 5952 5 asks that only of
		 * IPv4-mapped ones, so those are compared with hex text instead.
		 */
		compat = memcmp(bin, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) == 0 && (bin[12] | bin[13]) != 0;
		if (!compat)
			CHECK_STR(u.host, text);
	}
}

static void test_ipv6_rfc5952_text(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "::2:3", "::2:3" },			/* glibc: ::0.2.0.3 */
		{ "::1.2.3.4", "::102:304" },		/* glibc: ::1.2.3.4 */
		{ "::ffff:1.2.3.4", "::ffff:1.2.3.4" },	/* RFC 5952 5 */
		{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" },	/* 4.2.3: the longest run */
		{ "1:0:0:2:0:0:3:4", "1::2:0:0:3:4" },	/* 4.2.3: the first of equal runs */
		{ "1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7" },	/* 4.2.2: not one zero */
		{ "2001:0DB8::0001", "2001:db8::1" },	/* 4.1, 4.3 */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char raw[96];
		struct mv_url u;

		snprintf(raw, sizeof(raw), "http://[%s]/", cases[i].in);
		CHECK_INT(parse(raw, "", &u), 0);
		CHECK_STR(u.host, cases[i].out);
	}
}

/* Runs the idn2 command (TR46 non-transitional) as an oracle; NULL when it is not installed. */
static char *idn2_cli(const char *arg, bool decode, char *buf, size_t size)
{
	char cmd[512];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd), "LC_ALL=C.UTF-8 idn2 --quiet %s '%s' 2>/dev/null", decode ? "-d" : "-N", arg);
	f = popen(cmd, "r");
	if (f == NULL)
		return NULL;
	n = fread(buf, 1, size - 1, f);
	if (pclose(f) != 0 || n == 0)
		return NULL;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return buf;
}

static void test_idn_exact_and_idn2_oracle(void)
{
	static const struct {
		const char *in, *ascii, *unicode;
	} cases[] = {
		{ "b\xc3\xbc" "cher.example", "xn--bcher-kva.example", "b\xc3\xbc" "cher.example" },
		{ "xn--bcher-kva.example", "xn--bcher-kva.example", "b\xc3\xbc" "cher.example" },
		{ "stra\xc3\x9f" "e.de", "xn--strae-oqa.de", "stra\xc3\x9f" "e.de" },	/* non-transitional keeps sharp s */
		{ "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84", "xn--e1afmkfd.xn--p1ai",
		  "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84" },
		{ "\xe4\xbe\x8b\xe3\x81\x88.jp", "xn--r8jz45g.jp", "\xe4\xbe\x8b\xe3\x81\x88.jp" },
		{ "P\xc3\x84YPAL.com", "xn--pypal-gra.com", "p\xc3\xa4ypal.com" },
		/* Cyrillic "а" in a Latin-looking name: converted, and flagged IDN for the checks */
		{ "p\xd0\xb0ypal.com", "xn--pypal-4ve.com", "p\xd0\xb0ypal.com" },
	};
	size_t i;
	int oracle_used = 0;

	/* twice: the second answer comes from url_host.c's cache */
	for (i = 0; i < 2 * sizeof(cases) / sizeof(cases[0]); i++) {
		char raw[256], buf[256];
		struct mv_url u;
		size_t c = i % (sizeof(cases) / sizeof(cases[0]));

		snprintf(raw, sizeof(raw), "http://%s/", cases[c].in);
		CHECK_INT(parse(raw, "", &u), 0);
		CHECK(u.flags & MV_URL_HOST_IDN);
		CHECK(!(u.flags & MV_URL_HOST_IDN_BAD));
		CHECK_STR(u.host, cases[c].ascii);
		CHECK_STR(u.host_unicode, cases[c].unicode);
		if (idn2_cli(cases[c].in, false, buf, sizeof(buf)) != NULL) {
			CHECK_STR(u.host, buf);
			oracle_used++;
		}
		if (idn2_cli(cases[c].ascii, true, buf, sizeof(buf)) != NULL)
			CHECK_STR(u.host_unicode, buf);
	}
	if (oracle_used == 0)
		printf("note: idn2 command not found, IDN checked against fixed strings only\n");
}

/*
 * PSL vectors that libpsl answers differently from the list's own test
 * file, each with the reason; everything else must match.
 */
static const struct {
	const char *input, *reason;
} psl_skips[] = {
	{ "null", "null input: the JavaScript test passes null, meaningless for a C view" },
};

static bool psl_skipped(const char *input)
{
	size_t i;

	for (i = 0; i < sizeof(psl_skips) / sizeof(psl_skips[0]); i++) {
		if (strcmp(psl_skips[i].input, input) == 0)
			return true;
	}
	return false;
}

static void ascii_lower_inplace(char *s)
{
	for (; *s != '\0'; s++)
		*s = mv_ascii_lower(*s);
}

/* A Unicode name to its A-label form, as mv_url_parse would hand it over. */
static bool to_alabel(const char *in, char *out, size_t size)
{
	char *a = NULL;

	if (idn2_to_ascii_8z(in, &a, IDN2_NONTRANSITIONAL) != IDN2_OK)
		return false;
	snprintf(out, size, "%s", a);
	idn2_free(a);
	ascii_lower_inplace(out);
	return true;
}

static void test_psl_vectors(void)
{
	FILE *f = fopen("data/psl/tests.txt", "r");
	char line[512];
	int run = 0, skipped = 0;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char in[256], exp[256], host[256], want[256];
		mv_str got;

		if (line[0] == '/' || line[0] == '\n')
			continue;
		if (sscanf(line, "%255s %255s", in, exp) != 2)
			continue;
		if (psl_skipped(in)) {
			skipped++;
			continue;
		}
		run++;
		CHECK(to_alabel(in, host, sizeof(host)) || in[0] == '.');
		if (in[0] == '.') {
			snprintf(host, sizeof(host), "%s", in);	/* libidn2 refuses an empty label */
			ascii_lower_inplace(host);
		}
		if (strcmp(exp, "null") == 0)
			snprintf(want, sizeof(want), "%s", host);	/* no registrable domain: the host itself */
		else
			CHECK(to_alabel(exp, want, sizeof(want)));
		got = mv_url_registrable_domain(mv_str_cstr(host));
		CHECK_STR(got, want);
		/* again, now from the cache, and by the fast path's entry for lower-case hosts */
		CHECK_STR(mv_url_registrable_domain(mv_str_cstr(host)), want);
		CHECK_STR(url_registrable_domain_plain(mv_str_cstr(host)), want);
		if (got.len != strlen(want) || memcmp(got.p, want, got.len) != 0)
			fprintf(stderr, "  PSL vector \"%s\" -> \"%s\"\n", in, exp);
	}
	fclose(f);
	CHECK(run >= 70);
	printf("PSL vectors: %d run, %d skipped with a reason\n", run, skipped);
}

static void test_registrable_domain_edges(void)
{
	char longhost[600];
	size_t i;
	mv_str d;

	CHECK_STR(mv_url_registrable_domain(MV_STR_LIT("a.b.example.co.uk")), "example.co.uk");
	CHECK_STR(mv_url_registrable_domain(MV_STR_LIT("foo.github.io")), "foo.github.io");
	CHECK_STR(mv_url_registrable_domain(MV_STR_LIT("x.foo.github.io")), "foo.github.io");
	CHECK_STR(mv_url_registrable_domain(MV_STR_LIT("localhost")), "localhost");
	CHECK_STR(mv_url_registrable_domain(MV_STR_LIT("")), "");
	d = mv_url_registrable_domain(mv_str_make("a.example.com\0x", 15));
	CHECK(d.len == 15);	/* a NUL inside: not a host name, returned whole */
	/* a host longer than a DNS name: only the trailing labels are looked at */
	for (i = 0; i + 2 < 520; i += 2)
		memcpy(longhost + i, "a.", 2);
	memcpy(longhost + i, "example.co.uk", 14);
	d = mv_url_registrable_domain(mv_str_cstr(longhost));
	CHECK_STR(d, "example.co.uk");
	/* cut inside an over-long label: what is left is short enough to be cached, same answer twice */
	memset(longhost, 'x', 300);
	memcpy(longhost + 300, ".example.com", 13);
	CHECK_STR(mv_url_registrable_domain(mv_str_cstr(longhost)), "example.com");
	CHECK_STR(mv_url_registrable_domain(mv_str_cstr(longhost)), "example.com");
	/* a mixed-case host caches its lower-case form; the answer is a view of the host asked */
	d = mv_url_registrable_domain(MV_STR_LIT("WWW.Example.CO.UK"));
	CHECK_STR(d, "Example.CO.UK");
	CHECK_STR(url_registrable_domain_plain(MV_STR_LIT("www.example.co.uk")), "example.co.uk");
	CHECK_STR(mv_url_registrable_domain(MV_STR_LIT("WWW.EXAMPLE.co.uk")), "EXAMPLE.co.uk");
}

/* The libpsl context mv_url_registrable_domain() uses, for the oracle below. */
static const psl_ctx_t *oracle_psl(void)
{
	const psl_ctx_t *ctx = psl_builtin();

	if (ctx == NULL || psl_suffix_count(ctx) <= 0)
		ctx = psl_latest(NULL);
	return ctx;
}

static bool domain_agrees(const psl_ctx_t *psl, const char *host)
{
	const char *rd = psl_registrable_domain(psl, host);
	mv_str got = mv_url_registrable_domain(mv_str_cstr(host));

	if (rd == NULL)
		rd = host;
	if (got.len == strlen(rd) && memcmp(got.p, rd, got.len) == 0)
		return true;
	fprintf(stderr, "  registrable domain of \"%s\": \"%.*s\", libpsl \"%s\"\n", host, (int)got.len, got.p, rd);
	return false;
}

/*
 * The cache answers a name from its suffixes' answers; libpsl asked directly
 * must agree whatever was asked before: each chain of names is asked from the
 * longest down and from the shortest up, under prefixes never seen before.
 */
static void test_registrable_domain_libpsl_oracle(void)
{
	static const char *const bases[] = {
		"com", "example.com", "example.co.uk", "co.uk", "uk", "his.name", "forgot.his.name", "name",
		"ck", "www.ck", "x.ck", "amazonaws.com", "s3.amazonaws.com", "compute.amazonaws.com",
		"eu-west-1.compute.amazonaws.com", "blogspot.com", "github.io", "kawasaki.jp",
		"city.kawasaki.jp", "x.kawasaki.jp", "jp", "a..b.com", "example.com.", "com.", ".com", "a.",
		"localhost", "1.2.3.4", "xn--p1ai", "xn--80ak6aa92e.com", "unknowntld", "x.unknowntld",
	};
	static const char *const heads[] = { "a.b.c.", "www.", "a.", "" };
	const psl_ctx_t *psl = oracle_psl();
	char host[128];
	unsigned differ = 0, round;
	size_t i, h;

	CHECK(psl != NULL);
	if (psl == NULL)
		return;
	for (round = 0; round < 4; round++) {
		for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
			for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
				/* rounds 0 and 2 go from the longest name down, 1 and 3 from the shortest up */
				size_t k = round % 2 == 0 ? h : sizeof(heads) / sizeof(heads[0]) - 1 - h;

				snprintf(host, sizeof(host), "%sr%u.%s", heads[k], round, bases[i]);
				differ += !domain_agrees(psl, host);
				differ += !domain_agrees(psl, host + strlen(heads[k]) + 3);	/* the base alone */
			}
		}
	}
	CHECK_INT(differ, 0);
}

struct collect {
	char buf[4096];
	size_t len;
	unsigned stop_after;
	unsigned seen;
};

static int collect_cb(void *ctx, mv_str url)
{
	struct collect *c = ctx;

	if (c->len + url.len + 2 < sizeof(c->buf)) {
		if (c->len > 0)
			c->buf[c->len++] = '|';
		memcpy(c->buf + c->len, url.p, url.len);
		c->len += url.len;
		c->buf[c->len] = '\0';
	}
	c->seen++;
	return c->stop_after != 0 && c->seen >= c->stop_after;
}

static void test_extract_table(void)
{
	static const struct {
		const char *text, *expect;
	} cases[] = {
		{ "see <http://x.com/a b> and <URL:http://y.com/>.", "http://x.com/a|http://y.com/" },
		{ "<http://x.com/a.>", "http://x.com/a." },
		{ "(see http://x/y)", "http://x/y" },
		{ "go to http://x/y.", "http://x/y" },
		{ "http://x/y?!,;:.", "http://x/y" },
		{ "http://x/path_(with)_parens, ok", "http://x/path_(with)_parens" },
		{ "(http://x/path_(with)_parens)", "http://x/path_(with)_parens" },
		{ "[http://a.com/x] {http://b.com}", "http://a.com/x|http://b.com" },
		{ "'http://q.com/a' and \"http://r.com/b\"", "http://q.com/a|http://r.com/b" },
		{ "http://q.com/it's", "http://q.com/it's" },
		{ "`http://q.com/a`", "http://q.com/a" },
		{ "mail bob@www.example.com or www.example.com/x?a=1!", "www.example.com/x?a=1" },
		{ "WWW.Example.COM, then", "WWW.Example.COM" },
		{ "awww.example.com x.www.example.com www.", "" },
		{ "mailto:joe@example.com; mailto:nobody", "mailto:joe@example.com" },
		{ "MailTo:Joe@Example.com xmailto:a@b.c", "MailTo:Joe@Example.com" },
		{ "to:joe@example.com mailto:", "" },
		{ "a:b::c:/d:// http://x.com/a:b", "http://x.com/a:b" },
		{ "write to joe@example.com", "" },
		{ "https://ex.com/a\nb http://", "https://ex.com/a" },
		{ "https://ex.com/very/long/\npath/continued", "https://ex.com/very/long/" },
		{ "ftp://f.org/x\xef\xbc\x8c\xe4\xb8\xad http://\xc3\xbc.de/\xc3\xbc\xe2\x80\xa6",
		  "ftp://f.org/x|http://\xc3\xbc.de/\xc3\xbc" },
		{ "\xe2\x80\x9chttp://q.com/\xe2\x80\x9d", "http://q.com/" },
		{ "a\xc2\xa0http://nbsp.com/\xc2\xa0z", "http://nbsp.com/" },
		{ "http://long.example/\xc3\xbc\xc3\xbc/aaaaaaaaaaaaaaaa\xc3\xbc\xc2\xa0" "z",
		  "http://long.example/\xc3\xbc\xc3\xbc/aaaaaaaaaaaaaaaa\xc3\xbc" },
		{ "http://long.example/aaaaaaaaaaa\xe3\x80\x82" "aaaaaaaa", "http://long.example/aaaaaaaaaaa" },
		{ "h2tp://z.com svn+ssh://h/r x-y.z://w", "h2tp://z.com|svn+ssh://h/r|x-y.z://w" },
		{ "1http://a.com", "http://a.com" },
		{ "http://x.com,http://y.com", "http://x.com,http://y.com" },
		{ "http:// x", "" },
		{ "http://.", "" },
		{ "http://www.x.com/www.y.com", "http://www.x.com/www.y.com" },
		{ "abcdefghijklmnopqrstuvwxyzabcdefghijklmnop://x.com", "" },
		{ "", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct collect c = { .len = 0 };
		unsigned n = mv_url_extract_text(mv_str_cstr(cases[i].text), 100, collect_cb, &c);

		c.buf[c.len] = '\0';
		CHECK_STR(mv_str_make(c.buf, c.len), cases[i].expect);
		CHECK_INT(n, c.seen);
	}
}

/*
 * Every ASCII byte inside a URL, at offsets on both sides of 16-byte block
 * edges (the scan passes over whole blocks): the stop bytes end the URL,
 * any other is part of it.
 */
static void test_extract_stop_bytes(void)
{
	static const size_t offsets[] = { 14, 15, 16, 17, 31, 32, 33, 47, 48, 63 };
	char text[80], want[80];
	size_t k;
	int c;

	for (k = 0; k < sizeof(offsets) / sizeof(offsets[0]); k++) {
		size_t at = offsets[k];

		for (c = 0; c < 0x80; c++) {
			bool stop = c <= 0x20 || c == 0x7f || (c != 0 && strchr("<>\"`", c) != NULL);
			struct collect col = { .len = 0 };

			memset(text, 'a', sizeof(text));
			memcpy(text, "http://x.com/", 13);
			text[at] = (char)c;
			text[70] = 'b';
			CHECK_INT(mv_url_extract_text(mv_str_make(text, 71), 10, collect_cb, &col), 1);
			memcpy(want, text, 71);
			want[stop ? at : 71] = '\0';
			CHECK_STR(mv_str_make(col.buf, col.len), want);
		}
	}
}

static void test_extract_limits(void)
{
	const char *text = "http://a.com http://b.com http://c.com http://d.com";
	struct collect c = { .len = 0 };

	CHECK_INT(mv_url_extract_text(mv_str_cstr(text), 2, collect_cb, &c), 2);
	CHECK_STR(mv_str_make(c.buf, c.len), "http://a.com|http://b.com");
	memset(&c, 0, sizeof(c));
	c.stop_after = 3;
	CHECK_INT(mv_url_extract_text(mv_str_cstr(text), 100, collect_cb, &c), 3);
	CHECK_INT(mv_url_extract_text(mv_str_cstr(text), 0, NULL, NULL), 4);	/* 0: the default limit */
	CHECK_INT(mv_url_extract_text(MV_STR_NULL, 10, collect_cb, &c), 0);
}

static void test_raw_length_limit(void)
{
	static char raw[8200];
	struct mv_url u;

	memcpy(raw, "http://x.com/", 13);
	memset(raw + 13, 'a', sizeof(raw) - 13);
	CHECK_INT(mv_url_parse(arena, mv_str_make(raw, 8192), MV_STR_NULL, &u), 0);
	CHECK_INT(u.path.len, 8192 - 12);
	CHECK_INT(mv_url_parse(arena, mv_str_make(raw, 8193), MV_STR_NULL, &u), -1);
	CHECK_INT(u.flags, MV_URL_BAD);
	CHECK(u.raw.p == raw && u.raw.len == 8193);
	CHECK_INT(mv_url_parse(arena, MV_STR_LIT("x"), mv_str_make(raw, 8193), &u), -1);
}

static void test_arena_exhaustion_each_step(void)
{
	const char *raw = "HTTP://us%41r@B\xc3\xbc" "cher.Example:8080/a/../%7e/b?q=%3d#f";
	size_t max;
	int ok = 0;

	for (max = 16; max <= 4096; max += 16) {
		mv_arena *a = mv_arena_new(max);
		struct mv_url u;
		int rc = mv_url_parse(a, mv_str_cstr(raw), MV_STR_LIT("http://base.example/x/y"), &u);

		CHECK(rc == 0 || (rc == -1 && (u.flags & MV_URL_BAD) && mv_arena_exhausted(a)));
		if (rc == 0) {
			CHECK_STR(u.normalized, "http://usAr@xn--bcher-kva.example:8080/~/b?q=%3D#f");
			ok++;
		}
		mv_arena_free(&a);
	}
	CHECK(ok > 0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *repeat(const char *unit, size_t total)
{
	size_t n = strlen(unit), i;
	char *s = malloc(total + 1);

	for (i = 0; i < total; i++)
		s[i] = unit[i % n];
	s[total] = '\0';
	return s;
}

static void test_hostile_inputs_fast(void)
{
	static const char *units[] = {
		"http://", "a.b:c/d", "www.", ".", ":", "(((((http://x/)))))", "http://x.com/(", "mailto:",
		"w", "ab:/", "\xe2\x80", "\xc3\xbc",
	};
	const size_t mb = (size_t)1 << 20;
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		char *s = repeat(units[i], mb);
		struct mv_url u;
		double t0 = now(), t;
		unsigned n = mv_url_extract_text(mv_str_make(s, mb), 1000000, NULL, NULL);

		(void)mv_url_parse(arena, mv_str_make(s, mb), MV_STR_NULL, &u);
		(void)mv_url_parse(arena, mv_str_make(s, 8192), MV_STR_NULL, &u);
		(void)mv_url_parse(arena, MV_STR_LIT("x"), mv_str_make(s, 8192), &u);
		t = now() - t0;
		CHECK(t < time_bound(0.5));
		if (t >= 0.5)
			fprintf(stderr, "  \"%s\" x 1 MiB: %.3f s (%u URLs)\n", units[i], t, n);
		free(s);
		mv_arena_reset(arena);
	}
}

/* Formats "http://" + unit repeated to n bytes + tail into raw, and parses it. */
static int parse_repeated(const char *pre, const char *unit, size_t n, const char *tail, struct mv_url *u)
{
	static char raw[8300];
	char *rep = repeat(unit, n);

	snprintf(raw, sizeof(raw), "%s%s%s", pre, rep, tail);
	free(rep);
	return parse(raw, "", u);
}

static void test_hostile_hosts(void)
{
	struct mv_url u;
	double t0 = now();

	/* 4000 labels: longer than any DNS name */
	CHECK_INT(parse_repeated("http://", "a.", 8000, "com/", &u), -1);
	/* 126 labels, 255 bytes: the longest accepted */
	CHECK_INT(parse_repeated("http://", "a.", 252, "com/", &u), 0);
	CHECK_INT(u.host.len, 255);
	CHECK_STR(u.domain, "a.com");
	CHECK_INT(parse_repeated("http://", "a.", 254, "com/", &u), -1);
	CHECK_INT(parse_repeated("http://", "0x1.", 8000, "/", &u), -1);
	CHECK_INT(parse_repeated("http://[", "1:", 8000, "]/", &u), -1);
	CHECK_INT(parse_repeated("http://", "\xc3\xbc", 4000, "/", &u), -1);
	CHECK_INT(parse_repeated("http://x/", "../", 8000, "", &u), 0);
	CHECK_STR(u.path, "/");
	CHECK_INT(parse_repeated("http://x/", "a/../", 8000, "", &u), 0);
	CHECK_INT(parse_repeated("", "\xc3\xbc", 8000, "", &u), -1);
	CHECK(now() - t0 < time_bound(0.5));
}

int main(void)
{
	arena = mv_arena_new((size_t)256 << 20);
	RUN(test_rfc3986_reference_resolution);
	RUN(test_parse_table);
	RUN(test_query_fragment_presence);
	RUN(test_fast_path_agrees_with_general_parser);
	RUN(test_fast_path_agrees_on_random_urls);
	RUN(test_fast_path_every_byte);
	RUN(test_ipv4_inet_aton_oracle);
	RUN(test_ipv4_whatwg_differs_from_inet_aton);
	RUN(test_ipv6_inet_pton_oracle);
	RUN(test_ipv6_rfc5952_text);
	RUN(test_idn_exact_and_idn2_oracle);
	RUN(test_psl_vectors);
	RUN(test_registrable_domain_edges);
	RUN(test_registrable_domain_libpsl_oracle);
	RUN(test_extract_table);
	RUN(test_extract_stop_bytes);
	RUN(test_extract_limits);
	RUN(test_raw_length_limit);
	RUN(test_arena_exhaustion_each_step);
	RUN(test_hostile_inputs_fast);
	RUN(test_hostile_hosts);
	mv_arena_free(&arena);
	return test_summary();
}
