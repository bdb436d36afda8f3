/*
 * The brands file (ident/brands_file.c) and its lookups (ident/brands.c):
 * the built-in file reads cleanly and knows the brands of the issue; every
 * kind of mistake is refused with FILE:LINE; domains, display names (as
 * words, "alone" names only among service words) and footer phrases find
 * their brand.
 */
#include <string.h>

#include "ident/brands.h"
#include "test.h"
#include "util/data_files.h"

static struct brands *parse(const char *text)
{
	struct brands *b = NULL;
	char *error = NULL;

	if (brands_parse("t.conf", "/etc/mailvet", mv_str_cstr(text), &b, &error) < 0) {
		fprintf(stderr, "unexpected error: %s\n", error != NULL ? error : "(out of memory)");
		test_failures++;
	}
	free(error);
	return b;
}

static void test_brands_builtin_file(void)
{
	static const char *const want[] = { "Microsoft", "Apple", "Google", "Amazon", "PayPal", "DHL", "Netflix",
					    "Meta", "LinkedIn", "DocuSign", "Adobe", "Dropbox", "Chase", "Wells Fargo",
					    "Bank of America", "HSBC", "Barclays", "ING", "Deutsche Bank", "Sparkasse",
					    "IRS", "HMRC" };
	mv_str text = data_file_text("brands.conf");
	struct brands *b = NULL;
	char *error = NULL;
	size_t i, k;

	CHECK(text.len != 0);
	CHECK_INT(brands_parse("brands.conf", NULL, text, &b, &error), 0);
	if (error != NULL)
		fprintf(stderr, "%s\n", error);
	free(error);
	if (b == NULL)
		return;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (k = 0; k < b->n && strcmp(b->brand[k].name, want[i]) != 0; k++)
			;
		if (k == b->n) {
			test_failures++;
			fprintf(stderr, "brand %s missing from data/brands.conf\n", want[i]);
		}
	}
	brands_free(&b);
	CHECK(b == NULL);
}

struct bad {
	const char *text;
	const char *error;
};

static const struct bad bad_files[] = {
	{ "domains x.example\n", "t.conf:1: 'domains' before the first 'brand' line" },
	{ "brand A\n", "t.conf:1: brand \"A\" lists no domains" },
	{ "brand A\ndomains a.example\n\nbrand A\n", "t.conf:4: brand \"A\" is defined twice (first at line 1)" },
	{ "brand A B\n", "t.conf:1: 'brand' takes one name (quote a name with spaces)" },
	{ "brand A\ndomains a.example\nbrand B\ndomains b.example A.EXAMPLE.\n",
	  "t.conf:4: domain a.example is listed twice (brand \"A\")" },
	{ "brand A\ndomains co.uk\n", "t.conf:2: domain \"co.uk\" is a public suffix, not a domain someone owns" },
	{ "brand A\ndomains a..example\n", "t.conf:2: domain \"a..example\" is not a domain name" },
	{ "brand A\ndomains localhost\n", "t.conf:2: domain \"localhost\" is not a domain name" },
	{ "brand A\ndomains a.example\nrequire dkim pgp\n",
	  "t.conf:3: 'require': \"pgp\" is not dkim, smime or dmarc" },
	{ "brand A\ndomains a.example\nrequire\n", "t.conf:3: 'require' needs dkim, smime or dmarc" },
	{ "brand \"A\ndomains a.example\n", "t.conf:1: a quoted word is not closed" },
	{ "brand A\ndomains a.example\nnames \"x\"y\n", "t.conf:3: a quoted word must be followed by white space" },
	{ "brand A\ndomains a.example\nnames x\"y\n", "t.conf:3: a quote inside a word" },
	{ "brand A\ndomains a.example\nnames \"--\"\n", "t.conf:3: \"--\" has no letters or digits" },
	{ "brand A\ndomains a.example\nnames \"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\"\n",
	  "t.conf:3: \"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\" has more than 16 words" },
	{ "brand A\ndomains a.example\nfrom a.example\n", "t.conf:3: unknown directive \"from\"" },
	{ "brand A\ndomains a.example\nsmime_ca a.pem\nsmime_ca_subject \"CN=x\"\n",
	  "t.conf:4: brand \"A\" already has its S/MIME CA (line 3)" },
	{ "brand A\ndomains a.example\nsigners co.uk\n", "t.conf:3: signer \"co.uk\" is a public suffix" },
	{ "brand A\ndomains a.example\nsigners\n", "t.conf:3: 'signers' needs at least one DKIM domain" },
	{ "brand A\ndomains a.example\nnames\n", "t.conf:3: 'names' needs at least one phrase" },
	{ "brand A\ndomains a.example\nbrand B\n", "t.conf:3: brand \"B\" lists no domains" },
	{ "brand A\ndomains a.example\nnames a\0b\n", "t.conf:3: a NUL byte" },
};

static void test_brands_errors_name_file_and_line(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct brands *b = NULL;
		char *error = NULL;
		const char *t = bad_files[i].text;
		size_t len = strlen(t);

		if (strstr(bad_files[i].error, "NUL") != NULL)
			len += 1 + strlen(t + len + 1);
		CHECK_INT(brands_parse("t.conf", "/etc/mailvet", mv_str_make(t, len), &b, &error), -1);
		CHECK(b == NULL);
		if (error == NULL || strncmp(error, bad_files[i].error, strlen(bad_files[i].error)) != 0) {
			test_failures++;
			fprintf(stderr, "case %zu: got \"%s\"\n  want \"%s\"\n", i, error != NULL ? error : "(null)",
				bad_files[i].error);
		}
		free(error);
	}
}

static void test_brands_long_line_and_relative_ca(void)
{
	char *text = malloc(BRANDS_LINE_MAX + 64), *error = NULL;
	struct brands *b = NULL;

	snprintf(text, 32, "brand A\ndomains ");
	memset(text + strlen(text), 'a', BRANDS_LINE_MAX);
	strcpy(text + strlen("brand A\ndomains ") + BRANDS_LINE_MAX, ".example\n");
	CHECK_INT(brands_parse("t.conf", NULL, mv_str_cstr(text), &b, &error), -1);
	CHECK(error != NULL && strstr(error, "t.conf:2: a line longer than") == error);
	free(error);
	error = NULL;
	CHECK_INT(brands_parse("built-in", NULL, MV_STR_LIT("brand A\ndomains a.example\nsmime_ca ca.pem\n"), &b,
			       &error), -1);
	CHECK(error != NULL && strstr(error, "built-in:3: smime_ca \"ca.pem\": a relative path") == error);
	free(error);
	b = parse("brand A\ndomains a.example\nsmime_ca ca.pem\nbrand B\ndomains b.example\n"
		  "smime_ca_subject \"CN=B Root,O=B\"\nrequire smime dkim\n");
	if (b != NULL) {
		CHECK(strcmp(b->brand[0].smime_ca, "/etc/mailvet/ca.pem") == 0);
		CHECK_INT(b->brand[0].require, BRAND_REQ_DKIM);
		CHECK(strcmp(b->brand[1].smime_ca_subject, "CN=B Root,O=B") == 0);
		CHECK_INT(b->brand[1].require, BRAND_REQ_SMIME | BRAND_REQ_DKIM);
		CHECK_INT(b->brand[1].smime_line, 6);
	}
	brands_free(&b);
	free(text);
}

static void test_brands_lookups(void)
{
	struct brands *b = parse("# test\n"
				 "brand \"Big Bank\"   # a comment\n"
				 "domains bigbank.example mail.bigbank-alerts.example\n"
				 "mailboxes bigmail.example\n"
				 "names \"Big Bank\" BigBank\n"
				 "alone Big\n"
				 "signature \"1 Money Street\"\n"
				 "signers esp-bigbank.example\n"
				 "brand Apple\n"
				 "domains apple.example\n"
				 "alone Apple\n"
				 "names \"Apple ID\" \"Caf\xc3\xa9 Pay\"\n");
	enum brand_domain_kind kind;
	const struct brand_phrase *p = NULL;

	if (b == NULL)
		return;
	CHECK_INT(brands_domain(b, MV_STR_LIT("bigbank.example"), &kind), 0);
	CHECK_INT(kind, BRAND_DOMAIN_OWN);
	CHECK_INT(brands_domain(b, MV_STR_LIT("x.y.bigbank.example"), &kind), 0);
	CHECK_INT(brands_domain(b, MV_STR_LIT("bigbank-alerts.example"), &kind), -1);
	CHECK_INT(brands_domain(b, MV_STR_LIT("a.mail.bigbank-alerts.example"), &kind), 0);
	CHECK_INT(brands_domain(b, MV_STR_LIT("bigmail.example"), &kind), 0);
	CHECK_INT(kind, BRAND_DOMAIN_MAILBOX);
	CHECK_INT(brands_domain(b, MV_STR_LIT("notbigbank.example"), &kind), -1);
	CHECK_INT(brands_domain(b, MV_STR_LIT("apple.example"), &kind), 1);

	CHECK(brands_signs_for(b, 0, MV_STR_LIT("bigbank.example")));
	CHECK(brands_signs_for(b, 0, MV_STR_LIT("s1.esp-bigbank.example")));
	CHECK(!brands_signs_for(b, 0, MV_STR_LIT("esp.example")));
	CHECK(!brands_signs_for(b, 0, MV_STR_LIT("apple.example")));
	CHECK(!brands_signs_for(b, 0, MV_STR_LIT("xbigbank.example")));

	CHECK_INT(brands_named(b, MV_STR_LIT("big bank security"), &p), 0);
	CHECK(p != NULL && strcmp(p->text, "Big Bank") == 0);
	CHECK_INT(brands_named(b, MV_STR_LIT("the bigbank team"), &p), 0);
	CHECK_INT(brands_named(b, MV_STR_LIT("big"), &p), 0);
	CHECK_INT(brands_named(b, MV_STR_LIT("big support"), &p), 0);
	CHECK_INT(brands_named(b, MV_STR_LIT("big mike"), &p), -1);
	CHECK_INT(brands_named(b, MV_STR_LIT("bigbanker"), &p), -1);
	CHECK_INT(brands_named(b, MV_STR_LIT("apple"), &p), 1);
	CHECK_INT(brands_named(b, MV_STR_LIT("apple support"), &p), 1);
	CHECK_INT(brands_named(b, MV_STR_LIT("apple valley farms"), &p), -1);
	CHECK_INT(brands_named(b, MV_STR_LIT("lockergnome apple core"), &p), -1);
	CHECK_INT(brands_named(b, MV_STR_LIT("your apple id is locked"), &p), 1);
	CHECK_INT(brands_named(b, MV_STR_LIT("caf\xc3\xa9 pay"), &p), 1);

	CHECK_INT(brands_in_text(b, MV_STR_LIT("Regards,\n--\nBig Bank, 1 MONEY street, Springfield"), &p), 0);
	CHECK(p != NULL && strcmp(p->text, "1 Money Street") == 0);
	CHECK_INT(brands_in_text(b, MV_STR_LIT("1 Money Streets"), &p), -1);
	CHECK_INT(brands_in_text(b, MV_STR_LIT("21 Money Street"), &p), -1);
	CHECK_INT(brands_in_text(b, MV_STR_LIT("Caf\xc3\xa9 \xe2\x80\x94" "1 money street"), &p), 0);
	CHECK_INT(brands_in_text(b, MV_STR_LIT("1\xc3\xa9 money street"), &p), -1);
	brands_free(&b);
}

/* Found wherever it stands: before, across and after each 16-byte block, at the very end. */
static void test_brands_text_every_offset(void)
{
	struct brands *b = parse("brand A\ndomains a.example\nsignature \"One Microsoft Way\"\n");
	const struct brand_phrase *p = NULL;
	char text[200];
	int off;

	if (b == NULL)
		return;
	for (off = 0; off < 70; off++) {
		memset(text, 'x', sizeof(text));
		memset(text, ' ', (size_t)off);
		memcpy(text + off, "one MICROSOFT  way", 18);
		CHECK_INT(brands_in_text(b, mv_str_make(text, (size_t)off + 18), &p), 0);
		text[off + 18] = '.';
		CHECK_INT(brands_in_text(b, mv_str_make(text, (size_t)off + 40), &p), 0);
		text[off + 18] = 's';	/* "ways": another word */
		CHECK_INT(brands_in_text(b, mv_str_make(text, (size_t)off + 40), &p), -1);
		if (off > 0) {
			text[off - 1] = 'z';	/* "zone": another word */
			CHECK_INT(brands_in_text(b, mv_str_make(text, (size_t)off + 18), &p), -1);
		}
	}
	brands_free(&b);
}

int main(void)
{
	RUN(test_brands_builtin_file);
	RUN(test_brands_errors_name_file_and_line);
	RUN(test_brands_long_line_and_relative_ca);
	RUN(test_brands_lookups);
	RUN(test_brands_text_every_offset);
	return test_summary();
}
