/* SPF records (RFC 7208 4.5, 4.6, 5, 6, 12): selection, strict syntax, and the parsed terms. */
#include "auth/spf.h"
#include "test.h"

static void test_record_selection(void)
{
	CHECK(spf_record_is_spf(MV_STR_LIT("v=spf1")));
	CHECK(spf_record_is_spf(MV_STR_LIT("v=spf1 -all")));
	CHECK(spf_record_is_spf(MV_STR_LIT("V=sPf1 +all")));
	CHECK(!spf_record_is_spf(MV_STR_LIT("v=spf10")));
	CHECK(!spf_record_is_spf(MV_STR_LIT("v=spf1mx")));
	CHECK(!spf_record_is_spf(MV_STR_LIT("v=spf1\tmx")));
	CHECK(!spf_record_is_spf(MV_STR_LIT(" v=spf1")));
	CHECK(!spf_record_is_spf(MV_STR_LIT("v=spf")));
	CHECK(!spf_record_is_spf(MV_STR_LIT("")));
}

/* Records the suite and the RFC call valid, and ones with a syntax error somewhere. */
static void test_record_syntax(void)
{
	static const char *const good[] = {
		"v=spf1",
		"v=spf1 ",
		"v=spf1 a  -all",
		"v=spf1 a -all ",
		"v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
		"v=spf1 redirect=t5.example.com ~all",
		"v=spf1 a/24//64 -all",
		"v=spf1 a//0 mx/0 a:foo.example.com/24",
		"v=spf1 a:foo:bar/baz.example.com",
		"v=spf1 a:foo.example.xn--zckzah -all",
		"v=spf1 ip4:1.1.1.1/0 ip4:1.2.3.4/32 -all",
		"v=spf1 ip6:::1.1.1.1/0 ip6:Cafe:Babe:8000::/33",
		"v=spf1 -ip4:1.2.3.4 ip6:::FFFF:1.2.3.4",
		"v=spf1 ptr ptr:example.com exists:%{i}.%{l2r-}.user.%{d2}",
		"v=spf1 -all exp=msg8.%{D2}",
		"v=spf1 default=pass",
		"v=spf1 default=+",
		"v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all",
		"v=spf1 redirect=%{d}.d.spf.example.com.",
		"v=spf1 include:o.spf.example.com. ~all",
		"v=spf1 INCLUDE:example.com A MX:example.com/24 ?ALL",
		"v=spf1 a=b",
	};
	static const char *const bad[] = {
		"v=spf1 ip4:1.2.3.4 -all moo",
		"v=spf1 moo.cow/far_out=man:dog/cat ip4:1.2.3.4 -all",
		"v=spf1 moo.cow:far_out=man:dog/cat ip4:1.2.3.4 -all",
		"v=spf1 ip4:1.2.3.4 redirect:t2.example.com",
		"v=spf1 a:foo-bar -all",
		"v=spf1 -all.", "v=spf1 -all:foobar", "v=spf1 -all/8",
		"v=spf1 ptr/0 -all", "v=spf1 ptr:",
		"v=spf1 a//33x", "v=spf1 a/33 -all", "v=spf1 a//129 -all", "v=spf1 a/24/64 -all",
		"v=spf1 a:example.com:8080", "v=spf1 a:foo.example.com\x01", "v=spf1 a:111.222.33.44",
		"v=spf1 a:abc.123", "v=spf1 a:museum", "v=spf1 a:museum.", "v=spf1 a:example.-com", "v=spf1 a:",
		"v=spf1 include +all", "v=spf1 include: -all", "v=spf1 include:ip5.example.com/24 -all",
		"v=spf1 mx: -all", "v=spf1 mx//129",
		"v=spf1 exists:", "v=spf1 exists", "v=spf1 exists:mail.example.com/24",
		"v=spf1 ip4:1.2.3.4/33 -all", "v=spf1 ip4:1.2.3.4/032 -all", "v=spf1 ip4", "v=spf1 ip4:1.2.3.4//32",
		"v=spf1 ip4:1.2.3.4:8080", "v=spf1 ip4:1.2.3", "v=spf1 ip4:01.2.3.4", "v=spf1 ip4:256.2.3.4",
		"v=spf1 -all ip6", "v=spf1 ip6:::1.1.1.1/129", "v=spf1 ip6:::1.1.1.1//33", "v=spf1 ip6::CAFE::BABE",
		"v=spf1 1up=foo", "v=spf1 =all", "v=spf1 -all foo=%abc",
		"v=spf1 exp= -all", "v=spf1 exp=-all", "v=spf1 redirect=-all ?all", "v=spf1 ?all redirect=",
		"v=spf1 exp=e13msg.example.com -all exp=e11msg.example.com",
		"v=spf1 redirect=e12.example.com -all redirect=e12.example.com",
		"v=spf1 -all exp=%{r}.example.com", "v=spf1 a:%{a}.example.com -all",
		"v=spf1 -exists:%(ir).sbl.example.com ?all", "v=spf1 exists:foo%.sbl.example.com ?all",
		"v=spf1 a:\xEF\xBB\xBF" "garbage.example.net -all", "v=spf1 \x80" "a:example.net -all",
		"v=spf1 a:example.net \x96" "all", "v=spf1 a:ctrl.example.com\x0dptr -all",
		"v=spf1 ip4:192.0.2.5\x0a include:spf.protection.outlook.com ~all",
		"v=spf1 +redirect=example.com", "v=spf1 -", "v=spf1 ~",
	};
	struct spf_record rec;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (spf_record_parse(mv_str_cstr(good[i]), &rec) != 0) {
			fprintf(stderr, "refused: %s: %s\n", good[i], rec.error);
			CHECK(0);
		}
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (spf_record_parse(mv_str_cstr(bad[i]), &rec) != -1 || rec.error == NULL) {
			fprintf(stderr, "accepted: %s\n", bad[i]);
			CHECK(0);
		}
	}
}

static void test_record_terms(void)
{
	struct spf_record rec;
	struct spf_term t;
	size_t pos = 0;

	CHECK_INT(spf_record_parse(MV_STR_LIT("v=spf1 exp=x.example.com a/24//64 ~mx:foo:bar/baz.example.com/16 "
					      "?ip4:192.0.2.0/24 -ip6:2001:db8::/32 ptr unknown=%{d} +include:i.example "
					      "redirect=r.example.com exists:%{i}.x.example all"),
				  &rec), 0);
	CHECK_INT(rec.n_mechanisms, 8);
	CHECK_STR(rec.exp, "x.example.com");
	CHECK_STR(rec.redirect, "r.example.com");
	CHECK(spf_record_next(&rec, &pos, &t));
	CHECK_INT(t.kind, SPF_A);
	CHECK_INT(t.qualifier, MV_AUTH_PASS);
	CHECK_INT(t.cidr4, 24);
	CHECK_INT(t.cidr6, 64);
	CHECK_INT(t.domain.len, 0);
	CHECK(spf_record_next(&rec, &pos, &t));
	CHECK_INT(t.kind, SPF_MX);
	CHECK_INT(t.qualifier, MV_AUTH_SOFTFAIL);
	CHECK_STR(t.domain, "foo:bar/baz.example.com");
	CHECK_INT(t.cidr4, 16);
	CHECK_INT(t.cidr6, 128);
	CHECK(spf_record_next(&rec, &pos, &t));
	CHECK_INT(t.kind, SPF_IP4);
	CHECK_INT(t.qualifier, MV_AUTH_NEUTRAL);
	CHECK(t.addr[0] == 192 && t.addr[1] == 0 && t.addr[2] == 2 && t.addr[3] == 0);
	CHECK_INT(t.cidr4, 24);
	CHECK(spf_record_next(&rec, &pos, &t));
	CHECK_INT(t.kind, SPF_IP6);
	CHECK_INT(t.qualifier, MV_AUTH_FAIL);
	CHECK(t.addr[0] == 0x20 && t.addr[1] == 0x01 && t.addr[2] == 0x0d && t.addr[3] == 0xb8);
	CHECK_INT(t.cidr6, 32);
	CHECK(spf_record_next(&rec, &pos, &t));
	CHECK_INT(t.kind, SPF_PTR);
	CHECK(spf_record_next(&rec, &pos, &t));
	CHECK_INT(t.kind, SPF_INCLUDE);
	CHECK_STR(t.domain, "i.example");
	CHECK(spf_record_next(&rec, &pos, &t));
	CHECK_INT(t.kind, SPF_EXISTS);
	CHECK_STR(t.domain, "%{i}.x.example");
	CHECK(spf_record_next(&rec, &pos, &t));
	CHECK_INT(t.kind, SPF_ALL);
	CHECK(!spf_record_next(&rec, &pos, &t));
}

static void test_record_error_names_the_term(void)
{
	struct spf_record rec;

	CHECK_INT(spf_record_parse(MV_STR_LIT("v=spf1 a mx ip4:1.2.3.4/33 -all"), &rec), -1);
	CHECK_STR(rec.error_term, "ip4:1.2.3.4/33");
	CHECK_INT(spf_record_parse(MV_STR_LIT("v=spf1 a moo -all"), &rec), -1);
	CHECK_STR(rec.error_term, "moo");
}

/* A long record (a 10 KB TXT) is parsed in one pass without allocation; the last term counts too. */
static void test_record_long(void)
{
	static char text[10240];
	struct spf_record rec;
	size_t len = 6, n = 0;

	memcpy(text, "v=spf1", 6);
	while (len + 20 < sizeof(text)) {
		len += (size_t)snprintf(text + len, sizeof(text) - len, " ip4:10.%zu.%zu.0/24", n / 256 % 256,
					n % 256);
		n++;
	}
	CHECK_INT(spf_record_parse(mv_str_make(text, len), &rec), 0);
	CHECK_INT(rec.n_mechanisms, n);
	memcpy(text + len, " x", 2);
	CHECK_INT(spf_record_parse(mv_str_make(text, len + 2), &rec), -1);
}

int main(void)
{
	RUN(test_record_selection);
	RUN(test_record_syntax);
	RUN(test_record_terms);
	RUN(test_record_error_names_the_term);
	RUN(test_record_long);
	return test_summary();
}
