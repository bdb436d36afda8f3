/* Message-ID: RFC 5322 3.6.4 and 4.5.4 (A.6.3) forms plus the broken ones. */
#include "mailvet/hdr.h"
#include "test.h"

static const struct {
	const char *in;
	const char *want;
} cases[] = {
	{ " <1234@local.machine.example>", "1234@local.machine.example" },
	{ "<1234   @   local(blah)  .machine .example>", "1234@local.machine.example" },	/* A.6.3 */
	{ " (comment) <a@b> (trailer)", "a@b" },
	{ "\r\n <folded@x.example>\r\n", "folded@x.example" },
	{ "<a@b> <c@d>", "a@b" },	/* several: the first */
	{ "<a@b>,<c@d>", "a@b" },
	{ "no-brackets@x.example", "no-brackets@x.example" },
	{ "no-brackets@x.example other", "no-brackets@x.example" },
	{ " bare@x.example(comment)", "bare@x.example" },
	{ "<missing-close@x.example", "missing-close@x.example" },
	{ "<\"quoted local\"@x.example>", "\"quoted local\"@x.example" },
	{ "<a@[192.0.2.1]>", "a@[192.0.2.1]" },
	{ "<>", "" },
	{ "", "" },
	{ "   ", "" },
	{ "(only a comment)", "" },
	{ "(unterminated <a@b>", "" },
	{ "<a<b@c>", "a<b@c" },
	/* Long ids: the plain reader looks at 16 bytes at a time. */
	{ " <20020822123456.ABCDEF0123456789@mail.example.com>", "20020822123456.ABCDEF0123456789@mail.example.com" },
	{ "<0123456789abcdef0123 456789@x.example>", "0123456789abcdef0123456789@x.example" },
	{ "<0123456789abcdef0123\r\n 456789@x.example>", "0123456789abcdef0123456789@x.example" },
	{ "<0123456789abcdef(c)0123456789@x.example>", "0123456789abcdef0123456789@x.example" },
	{ "<0123456789abcdef0123456789@x.example\x7f>", "0123456789abcdef0123456789@x.example" },
	{ "<a;b[c]@x.example>", "a;b[c]@x.example" },
	{ "<0123456789abcdef0123456789@x.example", "0123456789abcdef0123456789@x.example" },
};

static void test_msgid_table(void)
{
	mv_arena *a = mv_arena_new(0);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mv_str got = mv_msgid_parse(a, mv_str_cstr(cases[i].in));

		test_checks++;
		if (got.len != strlen(cases[i].want) || memcmp(got.p, cases[i].want, got.len) != 0) {
			test_failures++;
			fprintf(stderr, "case %zu \"%s\": got \"%.*s\" want \"%s\"\n", i, cases[i].in,
				(int)got.len, got.p, cases[i].want);
		}
		CHECK(got.p != NULL && got.p[got.len] == '\0');
	}
	mv_arena_free(&a);
}

int main(void)
{
	RUN(test_msgid_table);
	return test_summary();
}
