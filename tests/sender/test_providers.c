/*
 * The providers file: the built-in copy loads and names the providers of its
 * comment; every kind of error is refused with its file and line; lookups by
 * host (and its parents, by role), by header mark (exact, prefix, value
 * prefix) and by Feedback-ID.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sender/sender.h"
#include "test.h"
#include "util/data_files.h"

static struct providers *parse(const char *text, char **error_r)
{
	struct providers *p = NULL;

	*error_r = NULL;
	if (providers_parse("t.conf", text, strlen(text), &p, error_r) < 0)
		return NULL;
	return p;
}

/* The error the text gives, or "" when it parses. */
static const char *error_of(const char *text)
{
	static char out[600];
	char *error = NULL;
	struct providers *p = parse(text, &error);

	snprintf(out, sizeof(out), "%s", error != NULL ? error : "");
	providers_free(&p);
	free(error);
	return out;
}

static int host(const struct providers *p, const char *h, unsigned roles)
{
	return providers_by_host(p, mv_str_cstr(h), roles);
}

static const char *name_of(const struct providers *p, int i)
{
	return i >= 0 ? providers_name(p, (unsigned)i) : "-";
}

static void test_providers_builtin_copy_loads(void)
{
	mv_str text = data_file_text("providers.conf");
	struct providers *p = NULL;
	char *error = NULL;
	static const char *const names[] = { "Mailchimp", "SendGrid", "Mailgun", "Amazon SES", "SparkPost", "Postmark",
					     "Constant Contact", "HubSpot", "Campaign Monitor", "Klaviyo", "Marketo",
					     "Oracle Eloqua", "Zoho Campaigns", "Mailjet", "iContact", "AWeber",
					     "GetResponse" };
	unsigned i, k;

	CHECK(text.len > 1000);
	CHECK_INT(providers_parse("providers.conf", text.p, text.len, &p, &error), 0);
	if (error != NULL)
		fprintf(stderr, "%s\n", error);
	free(error);
	CHECK(providers_count(p) >= 25);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (k = 0; k < providers_count(p) && strcmp(providers_name(p, k), names[i]) != 0; k++)
			;
		CHECK(k < providers_count(p));
		if (k == providers_count(p))
			fprintf(stderr, "no provider %s\n", names[i]);
	}
	CHECK_STR(mv_str_cstr(name_of(p, host(p, "mail181.atl61.mcsv.net", PROVIDER_SENDING))), "Mailchimp");
	CHECK_STR(mv_str_cstr(name_of(p, host(p, "us5.list-manage.com", PROVIDER_TRACKING))), "Mailchimp");
	/* A tracking domain is not a sending one. */
	CHECK_INT(host(p, "us5.list-manage.com", PROVIDER_SENDING), -1);
	CHECK_STR(mv_str_cstr(name_of(p, host(p, "a8-31.smtp-out.amazonses.com", PROVIDER_SENDING))), "Amazon SES");
	CHECK_STR(mv_str_cstr(name_of(p, providers_by_feedback(p, MV_STR_LIT("AmazonSES")))), "Amazon SES");
	CHECK_STR(mv_str_cstr(name_of(p, providers_by_header(p, MV_STR_LIT("X-Mailgun-Sid"), MV_STR_LIT(" WyI1")))),
		  "Mailgun");
	CHECK_STR(mv_str_cstr(name_of(p, providers_by_header(p, MV_STR_LIT("x-sg-eid"), MV_STR_LIT(" abc")))), "SendGrid");
	CHECK_STR(providers_domain(p, (unsigned)host(p, "o1.ptr1234.sendgrid.net", PROVIDER_ANY)), "sendgrid.net");
	providers_free(&p);
	CHECK(p == NULL);
}

static void test_providers_lookups(void)
{
	char *error = NULL;
	struct providers *p = parse("# a comment\n"
				    "provider Alpha Mail\n"
				    "  domain alpha.example\n"
				    "  tracking click.alpha-links.example, open.alpha-links.example\n"
				    "  dkim Sig.Alpha.Example.\n"
				    "  header X-Alpha-*\n"
				    "  header X-Mailer: AlphaMTA\n"
				    "  feedback ALPHA al\n"
				    "\r\n"
				    "provider Beta\n"
				    "\tsending out.beta.example\n"
				    "\tbounce bounce.beta.example\n"
				    "\tmessage-id ids.beta.example\n"
				    "\theader X-Beta-Id\n",
				    &error);

	CHECK(p != NULL);
	if (p == NULL) {
		fprintf(stderr, "%s\n", error);
		free(error);
		return;
	}
	CHECK_INT(providers_count(p), 2);
	CHECK_STR(mv_str_cstr(providers_name(p, 0)), "Alpha Mail");
	CHECK_STR(providers_domain(p, 0), "alpha.example");
	CHECK_STR(providers_domain(p, 1), "out.beta.example");
	/* The host and its parents; every role of "domain"; a listed subdomain only below it. */
	CHECK_INT(host(p, "alpha.example", PROVIDER_BOUNCE), 0);
	CHECK_INT(host(p, "a.b.c.alpha.example", PROVIDER_SENDING), 0);
	CHECK_INT(host(p, "xalpha.example", PROVIDER_ANY), -1);
	CHECK_INT(host(p, "example", PROVIDER_ANY), -1);
	CHECK_INT(host(p, "x.click.alpha-links.example", PROVIDER_TRACKING), 0);
	CHECK_INT(host(p, "alpha-links.example", PROVIDER_TRACKING), -1);
	CHECK_INT(host(p, "x.click.alpha-links.example", PROVIDER_SENDING), -1);
	CHECK_INT(host(p, "sig.alpha.example", PROVIDER_DKIM), 0);
	CHECK_INT(host(p, "mta1.out.beta.example", PROVIDER_SENDING), 1);
	CHECK_INT(host(p, "mta1.out.beta.example", PROVIDER_BOUNCE), -1);
	CHECK_INT(host(p, "bounce.beta.example", PROVIDER_BOUNCE), 1);
	CHECK_INT(host(p, "ids.beta.example", PROVIDER_MSGID), 1);
	CHECK_INT(host(p, "beta.example", PROVIDER_ANY), -1);
	CHECK_INT(host(p, "", PROVIDER_ANY), -1);
	/* Header marks: any field under a prefix; a value prefix after white space, either case. */
	CHECK_INT(providers_by_header(p, MV_STR_LIT("X-Alpha-Campaign"), MV_STR_LIT("1")), 0);
	CHECK_INT(providers_by_header(p, MV_STR_LIT("X-Alpha-"), MV_STR_LIT("1")), 0);
	CHECK_INT(providers_by_header(p, MV_STR_LIT("X-Alpha"), MV_STR_LIT("1")), -1);
	CHECK_INT(providers_by_header(p, MV_STR_LIT("X-Mailer"), MV_STR_LIT(" \t alphamta 4.2")), 0);
	CHECK_INT(providers_by_header(p, MV_STR_LIT("X-Mailer"), MV_STR_LIT(" Outlook")), -1);
	CHECK_INT(providers_by_header(p, MV_STR_LIT("x-beta-id"), MV_STR_LIT("")), 1);
	CHECK_INT(providers_by_header(p, MV_STR_LIT("X-Beta-Idx"), MV_STR_LIT("")), -1);
	CHECK_INT(providers_by_feedback(p, MV_STR_LIT("al")), 0);
	CHECK_INT(providers_by_feedback(p, MV_STR_LIT("Alpha")), 0);
	CHECK_INT(providers_by_feedback(p, MV_STR_LIT("alp")), -1);
	providers_free(&p);
	/* An empty file is a valid one: no provider is named. */
	p = parse("# nothing\n", &error);
	CHECK(p != NULL && providers_count(p) == 0 && host(p, "mcsv.net", PROVIDER_ANY) == -1);
	providers_free(&p);
}

static void test_providers_errors_name_file_and_line(void)
{
	CHECK_STR(mv_str_cstr(error_of("domain a.example\n")), "t.conf:1: 'domain' before any 'provider' line");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a.example\n  colour red\n")),
		  "t.conf:3: unknown statement 'colour' (provider, domain, sending, bounce, tracking, dkim, message-id, "
		  "header, feedback)");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  tracking a.example\nprovider B\n  sending a.example\n")),
		  "t.conf:4: a.example is already A's (line 2): a domain belongs to one provider");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a.example\nprovider a\n")),
		  "t.conf:3: provider A is already named on line 1");
	CHECK_STR(mv_str_cstr(error_of("provider A\n\nprovider B\n  domain b.example\n")),
		  "t.conf:1: provider A lists no domain");
	CHECK_STR(mv_str_cstr(error_of("provider A\n")), "t.conf:1: provider A lists no domain");
	CHECK_STR(mv_str_cstr(error_of("provider\n")), "t.conf:1: a provider's name has 1 to 100 characters");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain\n")), "t.conf:2: no domain after the keyword");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain com\n")),
		  "t.conf:2: 'com': a top-level domain alone names no organization");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a..example\n")),
		  "t.conf:2: 'a..example': a label is empty or ends in '-'");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a-.example\n")),
		  "t.conf:2: 'a-.example': a label is empty or ends in '-'");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain -a.example\n")),
		  "t.conf:2: '-a.example': not a domain name (letters, digits, '-', '_' and dots)");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a/b.example\n")),
		  "t.conf:2: 'a/b.example': not a domain name (letters, digits, '-', '_' and dots)");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain "
				       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example\n")),
		  "t.conf:2: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example': a label is longer than "
		  "63 characters");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a.example\n  header X-A*B\n")),
		  "t.conf:3: 'X-A*B' is not a header field name (printable ASCII; '*' only at its end)");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a.example\n  header *\n")),
		  "t.conf:3: '*' is not a header field name (printable ASCII; '*' only at its end)");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a.example\n  header X-Mailer:\n")),
		  "t.conf:3: the value after ':' has 1 to 200 characters");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a.example\n  header\n")),
		  "t.conf:3: a header field name has 1 to 76 characters");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a.example\n  feedback\n")),
		  "t.conf:3: no sender id after 'feedback'");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a.example\n  feedback a:b\n")),
		  "t.conf:3: a Feedback-ID sender id has 1 to 100 characters and no ':'");
	CHECK_STR(mv_str_cstr(error_of("provider A\n  domain a.example\x01\n")), "t.conf:2: a control character");
	{
		static const char nul[] = "provider A\n  domain a.example\nprovider B\0\n";
		char *error = NULL;
		struct providers *p = NULL;

		CHECK_INT(providers_parse("t.conf", nul, sizeof(nul) - 1, &p, &error), -1);
		CHECK_STR(mv_str_cstr(error != NULL ? error : ""), "t.conf:3: a control character");
		free(error);
	}
}

static void test_providers_bounds(void)
{
	size_t n = PROVIDERS_MAX_LINE + 40, i;
	char *text = malloc(PROVIDERS_MAX_FILE + 2);
	char *error = NULL;
	struct providers *p = NULL;

	/* A line past the bound. */
	memcpy(text, "provider ", 9);
	memset(text + 9, 'A', n);
	text[9 + n] = '\0';
	CHECK_STR(mv_str_cstr(error_of(text)), "t.conf:1: a line longer than 4096 bytes");
	/* A file past the bound. */
	memset(text, '#', PROVIDERS_MAX_FILE + 1);
	CHECK_INT(providers_parse("t.conf", text, PROVIDERS_MAX_FILE + 1, &p, &error), -1);
	CHECK_STR(mv_str_cstr(error != NULL ? error : ""), "t.conf:0: larger than 1048576 bytes");
	free(error);
	/* Many domains and providers within the bounds: the table grows. */
	{
		size_t len = 0;

		for (i = 0; i < 500; i++)
			len += (size_t)snprintf(text + len, 200, "provider P%zu\n  domain a%zu.example b%zu.example\n", i, i, i);
		CHECK_INT(providers_parse("t.conf", text, len, &p, &error), 0);
		CHECK_INT(providers_count(p), 500);
		CHECK_INT(host(p, "x.b417.example", PROVIDER_ANY), 417);
		providers_free(&p);
	}
	free(text);
}

static void test_providers_load_file(void)
{
	char dir[] = "/tmp/mv-providers-XXXXXX", path[100];
	struct providers *p = NULL;
	char *error = NULL;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/p.conf", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs("provider X\n  domain x.example\n  oops\n", f);
	fclose(f);
	CHECK_INT(providers_load(path, &p, &error), -1);
	CHECK(error != NULL && strstr(error, "/p.conf:3: unknown statement 'oops'") != NULL);
	free(error);
	remove(path);
	CHECK_INT(providers_load(path, &p, &error), -1);
	CHECK(error != NULL && strstr(error, "/p.conf: cannot read: No such file or directory") != NULL);
	free(error);
	CHECK_INT(providers_load(dir, &p, &error), -1);
	CHECK(error != NULL && strstr(error, ": not a regular file") != NULL);
	free(error);
	rmdir(dir);
}

int main(void)
{
	RUN(test_providers_builtin_copy_loads);
	RUN(test_providers_lookups);
	RUN(test_providers_errors_name_file_and_line);
	RUN(test_providers_bounds);
	RUN(test_providers_load_file);
	return test_summary();
}
