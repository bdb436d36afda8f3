/*
 * Address lists: RFC 5322 Appendix A examples (A.1.1-A.1.3, A.2, A.5, A.6.1,
 * A.6.3) and the broken and hostile forms real mail carries.  Each result is
 * rendered as "name<address>{group}/FLAGS" joined by " | " and compared
 * exactly.  Flags: B bad, N no domain, Q quoted local, G in group, R route,
 * H name has address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "hdr_agree.h"
#include "mailvet/hdr.h"
#include "test.h"

struct addr_case {
	const char *in;
	const char *want;
};

static const struct addr_case cases[] = {
	/* RFC 5322 A.1.1 */
	{ " John Doe <jdoe@machine.example>", "John Doe<jdoe@machine.example>" },
	{ " Mary Smith <mary@example.net>", "Mary Smith<mary@example.net>" },
	/* A.1.2 */
	{ " \"Joe Q. Public\" <john.q.public@example.com>", "Joe Q. Public<john.q.public@example.com>" },
	{ " Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
	  "Mary Smith<mary@x.test> | <jdoe@example.org> | Who?<one@y.test>" },
	{ " <boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
	  "<boss@nil.test> | Giant; \"Big\" Box<sysservices@example.net>" },
	/* A.1.3 */
	{ " Pete <pete@silly.example>", "Pete<pete@silly.example>" },
	{ " A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
	  "Ed Jones<c@a.test>{A Group}/G | <joe@where.test>{A Group}/G | John<jdoe@one.test>{A Group}/G" },
	{ " Undisclosed recipients:;", "" },
	/* A.2 */
	{ " \"Mary Smith: Personal Account\" <smith@home.example>",
	  "Mary Smith: Personal Account<smith@home.example>" },
	/* A.5: comments everywhere */
	{ " Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", "Pete<pete@silly.test>" },
	{ " A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
	  "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
	  "Chris Jones<c@public.example>{A Group}/G | <joe@example.org>{A Group}/G | "
	  "John<jdoe@one.test>{A Group}/G" },
	{ "(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;", "" },
	/* A.6.1: obsolete addressing */
	{ " Joe Q. Public <john.q.public@example.com>", "Joe Q. Public<john.q.public@example.com>" },
	{ " Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
	  "Mary Smith<mary@example.net>/R | <jdoe@test.example>" },
	/* A.6.3: obsolete white space and comments */
	{ " John Doe <jdoe@machine(comment).  example>", "John Doe<jdoe@machine.example>" },
	{ " Mary Smith\r\n  \r\n          <mary@example.net>", "Mary Smith<mary@example.net>" },

	/* Comments as names, case folding, trailing dots, quoted local parts. */
	{ "bob@x.example (Bob Smith)", "Bob Smith<bob@x.example>" },
	{ "(Bob) bob@x.example (home)", "Bob<bob@x.example>" },
	{ "Bob.Smith@Example.COM.", "<Bob.Smith@example.com>/B" },
	{ "\"john doe\"@x.example", "<\"john doe\"@x.example>/Q" },
	{ "\"john.doe\"@x.example", "<john.doe@x.example>/Q" },
	{ "\"a\\\"b\"@x.example", "<\"a\\\"b\"@x.example>/Q" },
	{ "john . doe @ x . example", "<john.doe@x.example>" },
	{ "<user@[192.0.2.1]>", "<user@[192.0.2.1]>" },
	{ "Joe <joe@b\xc3\xbc" "cher.example>", "Joe<joe@b\xc3\xbc" "cher.example>" },
	/* Groups. */
	{ "undisclosed-recipients:;", "" },
	{ "team: a@x.example, b@y.example;, c@z.example",
	  "<a@x.example>{team}/G | <b@y.example>{team}/G | <c@z.example>" },
	{ "team: a@x.example", "<a@x.example>{team}/G" },
	{ "=?utf-8?q?Caf=C3=A9?= team: a@x.example;", "<a@x.example>{Caf\xc3\xa9 team}/G" },
	/* Empty elements and bare forms. */
	{ "Name <a@x.example>, <b@y.example>,, c@z.example",
	  "Name<a@x.example> | <b@y.example> | <c@z.example>" },
	{ ",,,", "" },
	{ "", "" },
	{ "root", "<root>/N" },
	{ "root (Super User)", "Super User<root>/N" },
	{ "<root>", "<root>/N" },
	{ "<>", "<>/N" },
	{ "\"Bob\"", "Bob<>/B" },
	{ "user@", "<user>/BN" },
	{ "@example.com", "<@example.com>/B" },
	/* Missing brackets. */
	{ "Bob <bob@x.example", "Bob<bob@x.example>/B" },
	{ "Bob <bob@x.example, c@y.example", "Bob<bob@x.example>/B | <c@y.example>" },
	{ "Bob bob@x.example>", "Bob<bob@x.example>/B" },
	{ "John Smith jsmith@x.example", "John Smith<jsmith@x.example>/B" },
	/* Trailing junk. */
	{ "a@x.example junk here, b@y.example", "<a@x.example>/B | <b@y.example>" },
	{ "<a@x.example> >>, b@y.example", "<a@x.example>/B | <b@y.example>" },
	{ "Bob <a@x.example> <b@y.example>", "Bob<a@x.example>/B" },
	/* Commas and '@' in quoted names; names that look like addresses. */
	{ "\"Smith, John\" <js@x.example>", "Smith, John<js@x.example>" },
	{ "\"security@microsoft.com\" <x@evil.example>", "security@microsoft.com<x@evil.example>/H" },
	{ "security@microsoft.com <x@evil.example>", "security@microsoft.com<x@evil.example>/BH" },
	{ "\"PayPal (service@paypal.com)\" <a@evil.example>",
	  "PayPal (service@paypal.com)<a@evil.example>/H" },
	{ "\"Bob @ home\" <b@x.example>", "Bob @ home<b@x.example>" },
	{ "x@evil.example (support@bank.example)", "support@bank.example<x@evil.example>/H" },
	/* Encoded words (decoded by mv_rfc2047_decode) and raw 8-bit. */
	{ "=?UTF-8?B?SsO2cmc=?= <j@x.example>", "J\xc3\xb6rg<j@x.example>" },
	{ "=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>", "Andr\xc3\xa9 Pirard<PIRARD@vm1.ulg.ac.be>" },
	{ "\"=?utf-8?q?support=40paypal=2Ecom?=\" <x@evil.example>", "support@paypal.com<x@evil.example>/H" },
	{ "J\xc3\xb6rg <j@x.example>", "J\xc3\xb6rg<j@x.example>" },
	/*
	 * What mail clients (and GMime, tests/reference/t_from_shapes.sh) read
	 * in fields that phishing breaks on purpose: a name, a comma and an
	 * angle-addr are one mailbox; an address only in a comment; doubled
	 * brackets or '@'; a URL for an address; a trailing dot.
	 */
	{ "Microsoft account team ,_<no-reply@x.example>", "Microsoft account team ,_<no-reply@x.example>/B" },
	{ "Name, <addr@x.example>", "Name,<addr@x.example>/B" },
	{ "=?utf-8?q?Microsoft?=, Support <a@x.example>", "Microsoft, Support<a@x.example>/B" },
	{ "Apple ID, Support, <a@x.example>", "Apple ID, Support,<a@x.example>/B" },
	{ "Smith, John <js@x.example>, Doe, Jane <jd@y.example>",
	  "Smith, John<js@x.example>/B | Doe, Jane<jd@y.example>/B" },
	{ "Bob, (Carol) <c@x.example>", "Bob,<c@x.example>/B" },
	{ "Bob,, <c@x.example>", "<Bob>/N | <c@x.example>" },
	{ "Bob, Carol", "<Bob>/N | <Carol>/N" },
	{ "Bob, c@x.example <d@x.example>", "<Bob>/N | c@x.example<d@x.example>/BH" },
	{ "Bob (bob@x.example)", "Bob<bob@x.example>/B" },
	{ "\"Bob\" (bob@x.example)", "Bob<bob@x.example>/B" },
	{ "(bob@x.example)", "<bob@x.example>/B" },
	{ "Bob (<bob@x.example>)", "Bob<bob@x.example>/B" },
	{ "a@x.example, (b@y.example)", "<a@x.example> | <b@y.example>/B" },
	{ "<<a@x.example>>", "<a@x.example>/B" },
	{ "Bob <mailto:a@x.example>", "Bob<a@x.example>/B" },
	{ "Bob <a@@x.example>", "Bob<a@x.example>/B" },
	{ "Bob <a@x..example>", "Bob<a@x..example>/B" },
	{ "Bob <a.@x.example>", "Bob<\"a.\"@x.example>/B" },
	{ "Bob <a@x.example.>", "Bob<a@x.example>/B" },
	{ "a@x.example b@y.example", "<a@x.example>/B" },
	/* Unterminated constructs. */
	{ "\"Bob <b@x.example>", "Bob <b@x.example><>/BH" },
	{ "Bob (comment <b@x.example>", "comment <b@x.example><Bob>/BNH" },
	{ "<a@[1.2.3.4", "<a@[1.2.3.4]>/B" },
};

static void test_addr_table(void)
{
	size_t i;
	char got[2048];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mv_arena *a = mv_arena_new(1 << 20);
		struct mv_addr *l = NULL;
		int n = mv_addr_parse_list(a, mv_str_cstr(cases[i].in), 0, &l);

		CHECK(n >= 0);
		render(l, n, got, sizeof(got));
		test_checks++;
		if (strcmp(got, cases[i].want) != 0) {
			test_failures++;
			fprintf(stderr, "case %zu: %s\n  got:  %s\n  want: %s\n", i, cases[i].in, got, cases[i].want);
		}
		mv_arena_free(&a);
	}
}

static void test_addr_fields(void)
{
	mv_arena *a = mv_arena_new(0);
	struct mv_addr *l;
	int n = mv_addr_parse_list(a, mv_str_cstr("Bob <Bob.Smith@Mail.Example.>"), 0, &l);

	CHECK_INT(n, 1);
	CHECK_STR(l[0].local, "Bob.Smith");
	CHECK_STR(l[0].domain, "mail.example");
	CHECK_STR(l[0].address, "Bob.Smith@mail.example");
	CHECK(l[0].address.p[l[0].address.len] == '\0');
	CHECK(l[0].name.p[l[0].name.len] == '\0');
	n = mv_addr_parse_list(a, mv_str_cstr("\"x y\"@Z.example"), 0, &l);
	CHECK_INT(n, 1);
	CHECK_STR(l[0].local, "\"x y\"");
	CHECK_STR(l[0].domain, "z.example");
	mv_arena_free(&a);
}

static void test_addr_max_addrs(void)
{
	mv_arena *a = mv_arena_new(0);
	struct mv_addr *l;
	char buf[8000];
	size_t len = 0;
	int i, n;

	for (i = 0; i < 300; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "u%d@x.example,", i);
	n = mv_addr_parse_list(a, mv_str_make(buf, len), 5, &l);
	CHECK_INT(n, 5);
	CHECK_STR(l[4].address, "u4@x.example");
	n = mv_addr_parse_list(a, mv_str_make(buf, len), 0, &l);
	CHECK_INT(n, 300);
	CHECK_STR(l[299].address, "u299@x.example");
	mv_arena_free(&a);
}

/* Comment nesting is bounded (HDR_COMMENT_MAX_DEPTH = 64): deeper '(' are text. */
static void test_addr_comment_depth_bounded(void)
{
	mv_arena *a = mv_arena_new(0);
	struct mv_addr *l;
	char buf[400];
	size_t len = 0;
	int i, n;

	for (i = 0; i < 64; i++)
		buf[len++] = '(';
	buf[len++] = 'x';
	for (i = 0; i < 64; i++)
		buf[len++] = ')';
	memcpy(buf + len, " a@b.example", 12);
	len += 12;
	n = mv_addr_parse_list(a, mv_str_make(buf, len), 0, &l);
	CHECK_INT(n, 1);
	CHECK_STR(l[0].address, "a@b.example");
	CHECK_INT(l[0].flags, 0);
	/* One level deeper: the 65th '(' is text, so one ')' is left over as junk. */
	memmove(buf + 1, buf, len);
	buf[0] = '(';
	buf[65 + 1 + 64] = ')';
	n = mv_addr_parse_list(a, mv_str_make(buf, len + 1), 0, &l);
	CHECK_INT(n, 1);
	CHECK(l[0].flags & MV_ADDR_BAD);
	mv_arena_free(&a);
}

static void test_addr_arena_exhausted(void)
{
	mv_arena *a = mv_arena_new(64);
	struct mv_addr *l;

	CHECK_INT(mv_addr_parse_list(a, mv_str_cstr("A <a@x.example>, B <b@y.example>"), 0, &l), -1);
	mv_arena_free(&a);
}

static unsigned next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* The first entry (the common form) half the time, else any entry. */
static const char *pick(unsigned *seed, const char *const *list, size_t n)
{
	return next_rand(seed) % 2 == 0 ? list[0] : list[next_rand(seed) % n];
}

#define PICK(seed, list) pick(seed, list, sizeof(list) / sizeof(list[0]))

static void put(char *buf, size_t size, const char *s)
{
	strncat(buf, s, size - strlen(buf) - 1);
}

/*
 * From fields in and near the shapes the single-address reader takes
 * (phrases of atoms and quoted strings, angle and bare addresses, comments,
 * spacing and folding, trailing junk): it declines or agrees.
 */
static void test_addr_single_matches_general(void)
{
	static const char *const lead[] = { " ", "", "  ", "\t", "\r\n ", "(c) ", "\x01" };
	static const char *const word[] = { "John", "\"John Doe\"", "Q.", "=?utf-8?q?J=C3=B6rg?=",
		"\"a\\\"b\"", "\"x\r\n y\"", "J\xc3\xb6rg", "\xa6n\xae", "\"\"", "\"bob@x.example\"",
		"bob@x.example", ".", "a..b", "\"Smith, John\"", "\"unterminated", "(c)", "Who?", "x=y",
		"\"=?utf-8?b?SsO2cmc=?=\"", "\"(paren)\"", ",", ":", "[lit]", "@" };
	static const char *const gap[] = { " ", "", "  ", "\t", "\r\n\t", " \r\n ", "\x7f" };
	static const char *const local[] = { "jdoe", "john.q.public", "a.", ".a", "a..b", "\"q\"", "",
		"a b", "J\xc3\xb6rg", "a\"b", "x+tag", "@r:u" };
	static const char *const domain[] = { "Example.COM", "x.example.", "[1.2.3.4]", "", ".", "b.c.",
		"a .b", "b\303\274cher.example", "x(c).example", "x.example@y" };
	static const char *const close[] = { ">", " >", "", ">>", "\t>", "> x" };
	static const char *const tail[] = { "", " ", " (Bob Smith)", "(c) (d)", " (", " junk", ",",
		", b@y.example", " (a@b.example)", "\r\n", ";", " ((nested) c)", " (a\\) b)" };
	unsigned seed = 1234, n, taken = 0;

	for (n = 0; n < 200000; n++) {
		char s[256] = "";
		unsigned i, words = next_rand(&seed) % 4;
		bool angle = next_rand(&seed) % 4 != 0;

		put(s, sizeof(s), PICK(&seed, lead));
		for (i = 0; angle && i < words; i++) {
			if (i != 0)
				put(s, sizeof(s), PICK(&seed, gap));
			put(s, sizeof(s), PICK(&seed, word));
		}
		if (angle) {
			put(s, sizeof(s), PICK(&seed, gap));
			put(s, sizeof(s), "<");
		}
		put(s, sizeof(s), PICK(&seed, local));
		if (next_rand(&seed) % 8 != 0)
			put(s, sizeof(s), "@");
		put(s, sizeof(s), PICK(&seed, domain));
		if (angle)
			put(s, sizeof(s), PICK(&seed, close));
		put(s, sizeof(s), PICK(&seed, tail));
		check_single_matches_general(s, strlen(s), &taken);
	}
	/* The generator aims at the simple shapes often enough to test them. */
	CHECK(taken > 20000);
	/* The table above, too. */
	for (n = 0; n < sizeof(cases) / sizeof(cases[0]); n++)
		check_single_matches_general(cases[n].in, strlen(cases[n].in), &taken);
}

/* Domains are lower-cased 8 bytes at a time: only ASCII letters change, at every length and offset. */
static void test_addr_domain_lower_case(void)
{
	static const char bytes[] = "AZaz@[`{^_~09.-MQmq\xc1\xda\xe0\xff";
	mv_arena *a = mv_arena_new(0);
	unsigned seed = 7, n, len, i;

	for (n = 0; n < 2000; n++) {
		char in[64] = "x@", want[64] = "x@";
		struct mv_addr *l;
		int got;

		len = 1 + n % 40;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[2 + i] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];
			if (in[2 + i] == '@' || in[2 + i] == '[')
				in[2 + i] = 'K';	/* not atext: would end the domain */
			want[2 + i] = in[2 + i] >= 'A' && in[2 + i] <= 'Z' ? (char)(in[2 + i] + 32) : in[2 + i];
		}
		in[2 + len - 1] = want[2 + len - 1] = 'q';	/* no trailing dot */
		got = mv_addr_parse_list(a, mv_str_make(in, 2 + len), 0, &l);
		CHECK_INT(got, 1);
		if (got == 1 && (l[0].address.len != 2 + len || memcmp(l[0].address.p, want, 2 + len) != 0)) {
			test_failures++;
			fprintf(stderr, "lower case of \"%.*s\": \"%.*s\"\n", (int)(2 + len), in,
				(int)l[0].address.len, l[0].address.p);
		}
	}
	mv_arena_free(&a);
}

/* Pathological inputs of a few MB must stay linear. */
static void test_addr_pathological_fast(void)
{
	static const char *const units[] = { "(", "\"", "a", ",", "<", "a@", "@", "((((((((((", "a ", ":", "a, ",
					     "a,,", "(a@b.c)", "<<", "a, <" };
	size_t size = 3u << 20, u, i;
	char *big = malloc(size);

	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		mv_arena *a = mv_arena_new((size_t)256 << 20);
		struct mv_addr *l;
		size_t ul = strlen(units[u]);
		clock_t t0 = clock();
		int n;

		for (i = 0; i + ul <= size; i += ul)
			memcpy(big + i, units[u], ul);
		n = mv_addr_parse_list(a, mv_str_make(big, i), 0, &l);
		CHECK(n >= -1);
		CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < time_bound(1.0));
		mv_arena_free(&a);
	}
	free(big);
}

int main(void)
{
	RUN(test_addr_table);
	RUN(test_addr_fields);
	RUN(test_addr_max_addrs);
	RUN(test_addr_comment_depth_bounded);
	RUN(test_addr_arena_exhausted);
	RUN(test_addr_single_matches_general);
	RUN(test_addr_domain_lower_case);
	RUN(test_addr_pathological_fast);
	return test_summary();
}
