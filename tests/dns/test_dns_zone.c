/*
 * The in-memory zone and the master-file reader: names, every record type,
 * CNAME chains and loops, wildcards, NODATA against NXDOMAIN, the grammar
 * ($ORIGIN, $TTL, @, relative names, parentheses, comments, quoted strings
 * with escapes, multi-string TXT), each error with its file and line, and
 * the bounds.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dns_int.h"
#include "test.h"

static struct dns_zone *load(const char *text)
{
	struct dns_zone *zone = dns_zone_new();
	char *error = NULL;

	if (dns_zone_load_text(zone, "t.zone", text, strlen(text), &error) < 0) {
		fprintf(stderr, "unexpected error: %s\n", error);
		free(error);
		dns_zone_free(&zone);
	}
	return zone;
}

/* The error reading text gives, or "" when there is none. */
static char *load_error(const char *text)
{
	struct dns_zone *zone = dns_zone_new();
	char *error = NULL;

	if (dns_zone_load_text(zone, "t.zone", text, strlen(text), &error) == 0)
		error = strdup("");
	dns_zone_free(&zone);
	return error;
}

static void check_error(const char *text, const char *expected, int line)
{
	char *error = load_error(text);

	test_checks++;
	if (strncmp(error, expected, strlen(expected)) != 0) {
		test_failures++;
		fprintf(stderr, "%s:%d: zone error\n  got:      \"%s\"\n  expected: \"%s...\"\n", __FILE__, line, error,
			expected);
	}
	free(error);
}
#define CHECK_ERROR(text, expected) check_error(text, expected, __LINE__)

static struct dns_answer ask(const struct dns_zone *zone, const char *name, uint16_t type)
{
	struct dns_answer a;

	dns_zone_lookup(zone, name, type, &a);
	return a;
}

static void test_name_normalize(void)
{
	char out[256], long_label[70], long_name[300];
	size_t i;

	CHECK(dns_name_normalize(MV_STR_LIT("Example.ORG."), out));
	CHECK(strcmp(out, "example.org") == 0);
	CHECK(dns_name_normalize(MV_STR_LIT("_dmarc.example.org"), out));
	CHECK(dns_name_normalize(MV_STR_LIT("*.example.org"), out));
	CHECK(dns_name_normalize(MV_STR_LIT("a"), out));
	CHECK(!dns_name_normalize(MV_STR_LIT(""), out));
	CHECK(!dns_name_normalize(MV_STR_LIT("."), out));
	CHECK(!dns_name_normalize(MV_STR_LIT("a..b"), out));
	CHECK(!dns_name_normalize(MV_STR_LIT(".a"), out));
	CHECK(dns_name_normalize(MV_STR_LIT("a b.org"), out));
	CHECK(!dns_name_normalize(MV_STR_LIT("a\tb.org"), out));
	CHECK(!dns_name_normalize(MV_STR_LIT("a\\.b.org"), out));
	CHECK(!dns_name_normalize(MV_STR_LIT("caf\xc3\xa9.org"), out));
	CHECK(!dns_name_normalize(mv_str_make("a\0b", 3), out));
	memset(long_label, 'a', 64);
	CHECK(!dns_name_normalize(mv_str_make(long_label, 64), out));
	CHECK(dns_name_normalize(mv_str_make(long_label, 63), out));
	for (i = 0; i < 254; i++)
		long_name[i] = i % 2 == 0 ? 'a' : '.';
	CHECK(!dns_name_normalize(mv_str_make(long_name, 255), out));
	CHECK(dns_name_normalize(mv_str_make(long_name, 253), out));
	CHECK(dns_name_normalize(mv_str_make(long_name, 254), out));	/* 253 and the trailing dot */
	CHECK(strcmp(dns_rcode_name(DNS_R_OK), "ok") == 0);
	CHECK(strcmp(dns_rcode_name(DNS_R_NXDOMAIN), "nxdomain") == 0);
	CHECK(strcmp(dns_rcode_name(DNS_R_TEMPFAIL), "tempfail") == 0);
	CHECK(strcmp(dns_rcode_name(DNS_R_TIMEOUT), "timeout") == 0);
	CHECK(strcmp(dns_rcode_name(DNS_R_LIMIT), "limit") == 0);
	CHECK(strcmp(dns_rcode_name(DNS_R_BADNAME), "badname") == 0);
	CHECK(strcmp(dns_rcode_name(99), "unknown") == 0);
}

static void test_zone_add_and_lookup(void)
{
	struct dns_zone *zone = dns_zone_new();
	static const char *const parts[] = { "v=spf1 ", "a ", "-all" };
	struct dns_answer a;
	char *error = NULL;
	uint8_t v4[4] = { 192, 0, 2, 1 }, v6[16];

	CHECK(dns_zone_add(zone, "Example.org.", DNS_T_A, 300, "192.0.2.1", &error) == 0);
	CHECK(dns_zone_add(zone, "example.org", DNS_T_A, 300, "192.0.2.2", &error) == 0);
	CHECK(dns_zone_add(zone, "example.org", DNS_T_AAAA, 300, "2001:db8::1", &error) == 0);
	CHECK(dns_zone_add(zone, "example.org", DNS_T_MX, 300, "10 MX.example.org.", &error) == 0);
	CHECK(dns_zone_add(zone, "example.org", DNS_T_TXT, 300, "hello world", &error) == 0);
	CHECK(dns_zone_add_txt(zone, "spf.example.org", 60, parts, 3) == 0);
	CHECK(dns_zone_add(zone, "1.2.0.192.in-addr.arpa", DNS_T_PTR, 300, "host.example.org", &error) == 0);
	CHECK(dns_zone_add(zone, "www.example.org", DNS_T_CNAME, 300, "example.org", &error) == 0);
	CHECK(dns_zone_add(zone, "down.example.org", DNS_T_A, 300, "192.0.2.9", &error) == 0);
	CHECK(dns_zone_add_failure(zone, "down.example.org", DNS_R_TEMPFAIL) == 0);
	CHECK(dns_zone_add_failure(zone, "slow.example.org", DNS_R_TIMEOUT) == 0);
	CHECK(error == NULL);

	a = ask(zone, "example.org", DNS_T_A);
	CHECK_INT(a.rcode, DNS_R_OK);
	CHECK_INT(a.n_rr, 2);
	CHECK(memcmp(a.rr[0].addr, v4, 4) == 0);
	CHECK_INT(a.rr[0].ttl, 300);
	CHECK_INT(a.rr[1].addr[3], 2);
	CHECK_STR(a.canonical, "example.org");
	a = ask(zone, "example.org", DNS_T_AAAA);
	inet_pton(AF_INET6, "2001:db8::1", v6);
	CHECK(a.n_rr == 1 && memcmp(a.rr[0].addr, v6, 16) == 0);
	a = ask(zone, "example.org", DNS_T_MX);
	CHECK(a.n_rr == 1 && a.rr[0].preference == 10);
	CHECK_STR(a.rr[0].text, "mx.example.org");
	a = ask(zone, "example.org", DNS_T_TXT);
	CHECK(a.n_rr == 1 && a.rr[0].n_strings == 1);
	CHECK_STR(a.rr[0].text, "hello world");
	a = ask(zone, "spf.example.org", DNS_T_TXT);
	CHECK(a.n_rr == 1 && a.rr[0].n_strings == 3 && a.rr[0].ttl == 60);
	CHECK_STR(a.rr[0].text, "v=spf1 a -all");
	a = ask(zone, "1.2.0.192.in-addr.arpa", DNS_T_PTR);
	CHECK(a.n_rr == 1);
	CHECK_STR(a.rr[0].text, "host.example.org");
	/* A CNAME is followed; asked for itself, it is the answer. */
	a = ask(zone, "www.example.org", DNS_T_A);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 2);
	CHECK_STR(a.canonical, "example.org");
	a = ask(zone, "www.example.org", DNS_T_CNAME);
	CHECK(a.n_rr == 1 && a.rr[0].type == DNS_T_CNAME);
	CHECK_STR(a.rr[0].text, "example.org");
	CHECK_STR(a.canonical, "www.example.org");
	/* NODATA: the name exists with other types, or has names below it (an empty non-terminal). */
	a = ask(zone, "spf.example.org", DNS_T_A);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 0);
	a = ask(zone, "2.0.192.in-addr.arpa", DNS_T_PTR);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 0);
	a = ask(zone, "nope.example.org", DNS_T_A);
	CHECK_INT(a.rcode, DNS_R_NXDOMAIN);
	CHECK_STR(a.canonical, "nope.example.org");
	a = ask(zone, "down.example.org", DNS_T_A);
	CHECK_INT(a.rcode, DNS_R_TEMPFAIL);
	a = ask(zone, "slow.example.org", DNS_T_TXT);
	CHECK_INT(a.rcode, DNS_R_TIMEOUT);

	CHECK(dns_zone_add(zone, "x..org", DNS_T_A, 1, "192.0.2.1", &error) < 0);
	CHECK(error != NULL && strstr(error, "not a domain name") != NULL);
	free(error);
	CHECK(dns_zone_add(zone, "x.org", DNS_T_A, 1, "192.0.2", &error) < 0);
	CHECK(error != NULL && strcmp(error, "x.org: bad data '192.0.2'") == 0);
	free(error);
	CHECK(dns_zone_add(zone, "x.org", DNS_T_MX, 1, "mx.x.org", &error) < 0);
	free(error);
	CHECK(dns_zone_add(zone, "x.org", 99, 1, "x", &error) < 0);
	free(error);
	dns_zone_free(&zone);
	dns_zone_free(&zone);
}

static void test_cname_chains_and_loops(void)
{
	struct dns_zone *zone = dns_zone_new();
	struct dns_answer a;
	char *error = NULL, name[32], target[32];
	int i;

	/* c0 -> c1 -> ... -> c9, which has the address: 8 CNAMEs are followed, 9 are not. */
	for (i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "c%d.example", i);
		snprintf(target, sizeof(target), "c%d.example", i + 1);
		CHECK(dns_zone_add(zone, name, DNS_T_CNAME, 60, target, &error) == 0);
	}
	CHECK(dns_zone_add(zone, "c9.example", DNS_T_A, 60, "192.0.2.9", &error) == 0);
	a = ask(zone, "c1.example", DNS_T_A);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 1);
	CHECK_STR(a.canonical, "c9.example");
	a = ask(zone, "c0.example", DNS_T_A);
	CHECK_INT(a.rcode, DNS_R_TEMPFAIL);
	/* A loop ends the same way, and a chain into nothing is NXDOMAIN for its last name. */
	CHECK(dns_zone_add(zone, "l1.example", DNS_T_CNAME, 60, "l2.example", &error) == 0);
	CHECK(dns_zone_add(zone, "l2.example", DNS_T_CNAME, 60, "l1.example", &error) == 0);
	CHECK(dns_zone_add(zone, "self.example", DNS_T_CNAME, 60, "self.example", &error) == 0);
	CHECK(dns_zone_add(zone, "dangling.example", DNS_T_CNAME, 60, "gone.example", &error) == 0);
	CHECK_INT(ask(zone, "l1.example", DNS_T_A).rcode, DNS_R_TEMPFAIL);
	CHECK_INT(ask(zone, "self.example", DNS_T_TXT).rcode, DNS_R_TEMPFAIL);
	a = ask(zone, "dangling.example", DNS_T_A);
	CHECK_INT(a.rcode, DNS_R_NXDOMAIN);
	CHECK_STR(a.canonical, "gone.example");
	CHECK(error == NULL);
	dns_zone_free(&zone);
}

static void test_wildcards(void)
{
	struct dns_zone *zone = load("$ORIGIN example.org.\n"
				     "*        300 IN TXT \"wild\"\n"
				     "*.sub    300 IN A 192.0.2.7\n"
				     "host     300 IN A 192.0.2.1\n"
				     "a.b      300 IN A 192.0.2.2\n"
				     "*.alias  300 IN CNAME host\n");
	struct dns_answer a;

	a = ask(zone, "anything.example.org", DNS_T_TXT);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 1);
	CHECK_STR(a.rr[0].text, "wild");
	CHECK_STR(a.canonical, "anything.example.org");
	/* The closest encloser's wildcard only: deeper names too, but not names that exist. */
	a = ask(zone, "x.y.example.org", DNS_T_TXT);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 1);
	a = ask(zone, "host.example.org", DNS_T_TXT);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 0);
	a = ask(zone, "b.example.org", DNS_T_TXT);	/* an empty non-terminal exists: no wildcard */
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 0);
	a = ask(zone, "z.b.example.org", DNS_T_TXT);	/* closest encloser b: no *.b */
	CHECK_INT(a.rcode, DNS_R_NXDOMAIN);
	a = ask(zone, "q.sub.example.org", DNS_T_A);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 1 && a.rr[0].addr[3] == 7);
	a = ask(zone, "q.sub.example.org", DNS_T_TXT);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 0);
	a = ask(zone, "q.alias.example.org", DNS_T_A);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 1 && a.rr[0].addr[3] == 1);
	CHECK_STR(a.canonical, "host.example.org");
	CHECK_INT(ask(zone, "example.com", DNS_T_A).rcode, DNS_R_NXDOMAIN);
	dns_zone_free(&zone);
}

static void test_master_file_grammar(void)
{
	struct dns_zone *zone = load(
		"; a test zone\n"
		"$TTL 1h\n"
		"$ORIGIN Example.ORG.\n"
		"@   IN SOA ns1 hostmaster (\n"
		"        2026120701 ; serial\n"
		"        1h 15m 1w 5m )\n"
		"    IN NS ns1\n"
		"    IN MX 10 mx1\n"
		"    IN MX 20 mx2.example.net.\n"
		"    IN A 192.0.2.1 ; the web\n"
		"    IN TXT \"v=spf1 ip4:192.0.2.0/24\" \" -all\"\n"
		"mx1 300 IN A 192.0.2.25\n"
		"mx1 IN 600 AAAA 2001:db8::25\n"
		"Short 60 TXT unquoted words\n"
		"esc TXT \"a \\\"quoted\\\" \\\\ \\065\\066; not a comment\"\n"
		"dkim._domainkey TXT ( \"v=DKIM1; k=rsa; \"\n"
		"    \"p=MIGfMA0GCSqGSIb3\" )\n"
		"\n"
		"   ; an indented comment line\n"
		"long 1h30m TXT x\n"
		"$ORIGIN sub\n"
		"deep CNAME @\n"
		"@ A 192.0.2.3\n"
		"$ORIGIN 2.0.192.in-addr.arpa.\n"
		"25 PTR mx1.example.org.\n"
		"srv SRV 0 5 5060 sip\n"
		"caa CAA 0 issue \"ca.example\"\n"
		"t TYPE65534 \\# 1 00\n");
	struct dns_answer a;

	CHECK(zone != NULL);
	if (zone == NULL)
		return;
	a = ask(zone, "example.org", DNS_T_MX);
	CHECK_INT(a.n_rr, 2);
	if (a.n_rr == 2) {
		CHECK_STR(a.rr[0].text, "mx1.example.org");
		CHECK_INT(a.rr[0].ttl, 3600);
		CHECK_STR(a.rr[1].text, "mx2.example.net");
		CHECK_INT(a.rr[1].preference, 20);
	}
	a = ask(zone, "example.org", DNS_T_A);
	CHECK(a.n_rr == 1 && a.rr[0].addr[3] == 1);
	a = ask(zone, "example.org", DNS_T_TXT);
	CHECK(a.n_rr == 1 && a.rr[0].n_strings == 2);
	if (a.n_rr == 1)
		CHECK_STR(a.rr[0].text, "v=spf1 ip4:192.0.2.0/24 -all");
	a = ask(zone, "mx1.example.org", DNS_T_A);
	CHECK(a.n_rr == 1 && a.rr[0].ttl == 300 && a.rr[0].addr[3] == 25);
	a = ask(zone, "mx1.example.org", DNS_T_AAAA);
	CHECK(a.n_rr == 1 && a.rr[0].ttl == 600 && a.rr[0].addr[15] == 0x25);
	a = ask(zone, "short.example.org", DNS_T_TXT);
	CHECK(a.n_rr == 1 && a.rr[0].n_strings == 2 && a.rr[0].ttl == 60);
	if (a.n_rr == 1)
		CHECK_STR(a.rr[0].text, "unquotedwords");
	a = ask(zone, "esc.example.org", DNS_T_TXT);
	if (a.n_rr == 1)
		CHECK_STR(a.rr[0].text, "a \"quoted\" \\ AB; not a comment");
	a = ask(zone, "dkim._domainkey.example.org", DNS_T_TXT);
	CHECK(a.n_rr == 1 && a.rr[0].n_strings == 2);
	if (a.n_rr == 1)
		CHECK_STR(a.rr[0].text, "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3");
	a = ask(zone, "long.example.org", DNS_T_TXT);
	CHECK(a.n_rr == 1 && a.rr[0].ttl == 5400);
	a = ask(zone, "deep.sub.example.org", DNS_T_A);
	CHECK(a.n_rr == 1 && a.rr[0].addr[3] == 3);
	CHECK_STR(a.canonical, "sub.example.org");
	a = ask(zone, "25.2.0.192.in-addr.arpa", DNS_T_PTR);
	CHECK(a.n_rr == 1);
	if (a.n_rr == 1)
		CHECK_STR(a.rr[0].text, "mx1.example.org");
	/* Skipped types leave their names existing, with no data of the kept types. */
	a = ask(zone, "srv.2.0.192.in-addr.arpa", DNS_T_A);
	CHECK(a.rcode == DNS_R_OK && a.n_rr == 0);
	CHECK_INT(ask(zone, "ns1.example.org", DNS_T_A).rcode, DNS_R_NXDOMAIN);
	dns_zone_free(&zone);
}

static void test_master_file_ttls(void)
{
	/* No $TTL: the last explicit TTL, else an hour; $TTL wins over the last one. */
	struct dns_zone *zone = load("$ORIGIN t.\n"
				     "a A 192.0.2.1\n"
				     "b 120 A 192.0.2.2\n"
				     "c A 192.0.2.3\n"
				     "$TTL 2d\n"
				     "d A 192.0.2.4\n"
				     "e 1w A 192.0.2.5\n"
				     "f 0 A 192.0.2.6\n");

	CHECK_INT(ask(zone, "a.t", DNS_T_A).rr[0].ttl, 3600);
	CHECK_INT(ask(zone, "b.t", DNS_T_A).rr[0].ttl, 120);
	CHECK_INT(ask(zone, "c.t", DNS_T_A).rr[0].ttl, 120);
	CHECK_INT(ask(zone, "d.t", DNS_T_A).rr[0].ttl, 172800);
	CHECK_INT(ask(zone, "e.t", DNS_T_A).rr[0].ttl, 604800);
	CHECK_INT(ask(zone, "f.t", DNS_T_A).rr[0].ttl, 0);
	dns_zone_free(&zone);
}

static void test_master_file_errors(void)
{
	char big[300], txt[400];

	CHECK_ERROR("$ORIGIN x.\na A 192.0.2.1\nb A 192.0.2\n", "t.zone:3: '192.0.2' is not an IPv4 address");
	CHECK_ERROR("$ORIGIN x.\na AAAA 192.0.2.1\n", "t.zone:2: '192.0.2.1' is not an IPv6 address");
	CHECK_ERROR("$ORIGIN x.\na MX ten mx\n", "t.zone:2: 'ten' is not a preference");
	CHECK_ERROR("$ORIGIN x.\na MX 70000 mx\n", "t.zone:2: '70000' is not a preference");
	CHECK_ERROR("$ORIGIN x.\n\n\na BOGUS data\n", "t.zone:4: unknown record type 'BOGUS'");
	CHECK_ERROR("$ORIGIN x.\na 300 IN\n", "t.zone:2: the record's type is missing");
	CHECK_ERROR("$ORIGIN x.\na A\n", "t.zone:2: the record's data is missing");
	CHECK_ERROR("$ORIGIN x.\na A 192.0.2.1 extra\n", "t.zone:2: unexpected 'extra' after the record");
	CHECK_ERROR("$ORIGIN x.\na TXT ( \"x\"\n\"y\"\n", "t.zone:2: '(' is never closed");
	CHECK_ERROR("$ORIGIN x.\na TXT \"x\" )\n", "t.zone:2: ')' without '('");
	CHECK_ERROR("a A 192.0.2.1\n", "t.zone:1: owner 'a': a relative name with no $ORIGIN");
	CHECK_ERROR("@ A 192.0.2.1\n", "t.zone:1: owner '@': '@' with no $ORIGIN");
	CHECK_ERROR(" A 192.0.2.1\n", "t.zone:1: the first record has no owner name");
	CHECK_ERROR("$INCLUDE other.zone\n", "t.zone:1: $INCLUDE is not supported");
	CHECK_ERROR("$GENERATE 1-2 a$ A 1.2.3.$\n", "t.zone:1: $GENERATE is not supported");
	CHECK_ERROR("$FOO x\n", "t.zone:1: unknown directive '$FOO'");
	CHECK_ERROR("$TTL forever\n", "t.zone:1: $TTL wants a TTL");
	CHECK_ERROR("$TTL 3000000000\n", "t.zone:1: $TTL wants a TTL");
	CHECK_ERROR("a.x. CH TXT \"x\"\n", "t.zone:1: class CH is not supported");
	CHECK_ERROR("a.x. TXT \"no end\n", "t.zone:1: a quoted string does not end on its line");
	CHECK_ERROR("a.x. TXT \"no end", "t.zone:1: a quoted string does not end");
	CHECK_ERROR("a.x. TXT \"\\300\"\n", "t.zone:1: \\300: not a byte");
	CHECK_ERROR("a..x. A 192.0.2.1\n", "t.zone:1: owner 'a..x.': not a valid domain name");
	CHECK_ERROR("a\\.b.x. A 192.0.2.1\n", "t.zone:1: owner 'a\\.b.x.': a '.' inside a label is not supported");
	CHECK_ERROR("a.x. CNAME b..x.\n", "t.zone:1: CNAME 'b..x.': not a valid domain name");
	CHECK_ERROR("a.x. TXT\n", "t.zone:1: TXT: a string is missing");
	CHECK_ERROR("a.x. TXT x\\", "t.zone:1: a backslash at the end of a line");
	{
		static const char nul[] = "a.x. TXT \"a\0b\"\n";
		struct dns_zone *zone = dns_zone_new();
		char *error = NULL;

		CHECK(dns_zone_load_text(zone, "t.zone", nul, sizeof(nul) - 1, &error) < 0);
		CHECK(error != NULL && strcmp(error, "t.zone:1: a NUL byte") == 0);
		free(error);
		dns_zone_free(&zone);
	}
	/* A label of 64 bytes, a TXT string of 256. */
	snprintf(big, sizeof(big), "%.64s.x. A 192.0.2.1\n",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CHECK_ERROR(big, "t.zone:1: owner 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...': not a valid domain name");
	memset(txt, 'x', sizeof(txt));
	memcpy(txt, "a.x. TXT \"", 10);
	memcpy(txt + 10 + 256, "\"\n", 3);
	CHECK_ERROR(txt, "t.zone:1: a TXT string longer than 255 bytes");
	txt[10 + 255] = '"';
	txt[10 + 256] = '\n';
	CHECK_ERROR(txt, "");
}

static void test_bounds(void)
{
	struct dns_zone *zone = dns_zone_new();
	char *error = NULL, *text;
	size_t i, n = DNS_ZONE_MAX_RECORDS + 1, len = 0;
	static const char line[] = " A 192.0.2.1\n";

	/* The size is checked before anything is read. */
	CHECK(dns_zone_load_text(zone, "big.zone", "", DNS_ZONE_MAX_FILE + 1, &error) < 0);
	CHECK(error != NULL && strcmp(error, "big.zone: larger than 64 MiB") == 0);
	free(error);
	text = malloc(16 + n * (sizeof(line) - 1));
	len += (size_t)sprintf(text, "a.example.");
	for (i = 0; i < n; i++) {
		memcpy(text + len, line, sizeof(line) - 1);
		len += sizeof(line) - 1;
	}
	CHECK(dns_zone_load_text(zone, "many.zone", text, len, &error) < 0);
	CHECK(error != NULL && strstr(error, "many.zone:1000001: a.example: more than 1000000 records") == error);
	free(error);
	free(text);
	CHECK_INT(ask(zone, "a.example", DNS_T_A).n_rr, DNS_ZONE_MAX_RECORDS);
	dns_zone_free(&zone);
}

static void test_load_file(void)
{
	char dir[] = "/tmp/mv-zone-XXXXXX", path[64];
	struct dns_zone *zone = dns_zone_new();
	char *error = NULL;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/t.zone", dir);
	f = fopen(path, "w");
	fputs("$ORIGIN example.org.\n@ A 192.0.2.1\nbad A x\n", f);
	fclose(f);
	CHECK(dns_zone_load_file(zone, path, &error) < 0);
	CHECK(error != NULL && strstr(error, "/t.zone:3: 'x' is not an IPv4 address") != NULL);
	free(error);
	CHECK(dns_zone_load_file(zone, dir, &error) < 0);
	CHECK(error != NULL && strstr(error, ": not a regular file") != NULL);
	free(error);
	unlink(path);
	CHECK(dns_zone_load_file(zone, path, &error) < 0);
	CHECK(error != NULL && strstr(error, "t.zone: cannot read: No such file or directory") != NULL);
	free(error);
	rmdir(dir);
	dns_zone_free(&zone);
}

int main(void)
{
	RUN(test_name_normalize);
	RUN(test_zone_add_and_lookup);
	RUN(test_cname_chains_and_loops);
	RUN(test_wildcards);
	RUN(test_master_file_grammar);
	RUN(test_master_file_ttls);
	RUN(test_master_file_errors);
	RUN(test_bounds);
	RUN(test_load_file);
	return test_summary();
}
