/*
 * The rule file: the built-in one loads, each kind of mistake is refused with
 * the file and line, and lookups honour hosts, wildcards, paths and file order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "links/links_int.h"
#include "test.h"
#include "util/data_files.h"

/* The error of loading text as "t.conf", or "ok". */
static const char *load_error(const char *text)
{
	static char out[600];
	struct links_rules *rules = NULL;
	char *error = NULL;

	if (links_rules_load("t.conf", mv_str_cstr(text), &rules, &error) == 0) {
		links_rules_free(&rules);
		return "ok";
	}
	snprintf(out, sizeof(out), "%s", error != NULL ? error : "(no message)");
	free(error);
	return out;
}

#define CHECK_LOAD(text, want) CHECK_STR(mv_str_cstr(load_error(text)), (want))

static void test_builtin(void)
{
	CHECK(data_file_text("redirectors.conf").len > 1000);
	CHECK_LOAD(data_file_text("redirectors.conf").p, "ok");
}

static void test_errors(void)
{
	CHECK_LOAD("# a comment\n\nredirect example.com /r param=u   # a comment after\n", "ok");
	CHECK_LOAD("bounce example.com\n", "t.conf:1: unknown rule 'bounce' (redirect, gateway, tracker, shortener, ignore, tracker-words, fallback-skip)");
	CHECK_LOAD("\nredirect\n", "t.conf:2: redirect: no host");
	CHECK_LOAD("redirect exa$mple.com /r param=u\n", "t.conf:1: 'exa$mple.com' is not a host name (or *.NAME)");
	CHECK_LOAD("redirect a..b.com /r param=u\n", "t.conf:1: 'a..b.com' is not a host name (or *.NAME)");
	CHECK_LOAD("tracker *.co.uk\n", "t.conf:1: 'co.uk' is a public suffix: its names have different owners");
	CHECK_LOAD("redirect example.com /r\n",
		   "t.conf:1: redirect: say where the destination is (param=, segment, rest, decode=proofpoint-v3)");
	CHECK_LOAD("redirect example.com /r param=\n", "t.conf:1: 'param=': the option has no value");
	CHECK_LOAD("redirect example.com /r param=a,,b\n", "t.conf:1: 'param=a,,b': an empty parameter name");
	CHECK_LOAD("redirect example.com /r param=a,b,c,d,e,f,g\n", "t.conf:1: 'param=a,b,c,d,e,f,g': more than 6 parameters");
	CHECK_LOAD("redirect example.com /r param=a segment\n", "t.conf:1: 'segment' needs a path ending in '/' or '*' before it");
	CHECK_LOAD("redirect example.com /r/ param=a segment\n", "t.conf:1: 'segment': the rule already says where the destination is");
	CHECK_LOAD("redirect example.com /r param=a decode=rot13\n",
		   "t.conf:1: decode=rot13: not percent, proofpoint-v2 or proofpoint-v3");
	CHECK_LOAD("gateway example.com /v3 decode=proofpoint-v3\n",
		   "t.conf:1: decode=proofpoint-v3 needs a path prefix before it (/v3/__*)");
	CHECK_LOAD("shortener example.com param=u\n", "t.conf:1: shortener takes no options");
	CHECK_LOAD("redirect example.com /r param=u colour=blue\n",
		   "t.conf:1: unknown option 'colour=blue' (param=, segment, rest, decode=, domain=)");
	CHECK_LOAD("gateway example.com /s/ domain=d domain=e\n", "t.conf:1: a second domain= option");
	CHECK_LOAD("tracker-words\n", "t.conf:1: tracker-words: no words");
	CHECK_LOAD("redirect example.com /r param=u\0tracker x\n", "ok");	/* the text ends at the NUL given */
	{
		static const char nul[] = "shortener a.example.com\nredirect example.com /r param=u\0tracker x\n";
		struct links_rules *rules = NULL;
		char *error = NULL;

		CHECK(links_rules_load("t.conf", mv_str_make(nul, sizeof(nul) - 1), &rules, &error) < 0);
		CHECK(error != NULL && strcmp(error, "t.conf:2: a NUL byte") == 0);
		free(error);
	}
	{
		char big[1100];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memcpy(big, "shortener ", 10);
		CHECK_LOAD(big, "t.conf:1: the line is longer than 1000 bytes");
	}
}

/* The rule found for a URL: its line, or 0. */
static unsigned rule_line(const struct links_rules *rules, const char *link)
{
	mv_arena *arena = mv_arena_new(0);
	struct mv_url url;
	const struct links_rule *rule;
	unsigned line = 0;

	if (mv_url_parse(arena, mv_str_cstr(link), MV_STR_NULL, &url) == 0) {
		rule = links_rule_find(rules, &url);
		line = rule != NULL ? rule->line : 0;
	}
	mv_arena_free(&arena);
	return line;
}

static void test_lookup(void)
{
	static const char text[] =
		"redirect Example.COM /R param=u\n"		/* 1: names without case */
		"redirect *.example.com /r/* rest\n"		/* 2 */
		"tracker *.example.com\n"			/* 3: any other path */
		"shortener sub.example.net /s/\n"		/* 4 */
		"ignore example.net\n";				/* 5 */
	struct links_rules *rules;
	char *error = NULL;

	CHECK(links_rules_load("t.conf", mv_str_cstr(text), &rules, &error) == 0);
	CHECK_INT(rule_line(rules, "http://example.com/r?u=1"), 1);
	CHECK_INT(rule_line(rules, "http://EXAMPLE.com/r?u=1"), 1);
	CHECK_INT(rule_line(rules, "http://www.example.com/r?u=1"), 3);	/* rule 1 is example.com only; /r is not /r/ */
	CHECK_INT(rule_line(rules, "http://www.example.com/r/x"), 2);
	CHECK_INT(rule_line(rules, "http://example.com/r/x"), 2);		/* *.NAME includes NAME */
	CHECK_INT(rule_line(rules, "http://a.b.example.com/"), 3);
	CHECK_INT(rule_line(rules, "http://badexample.com/r?u=1"), 0);
	CHECK_INT(rule_line(rules, "http://sub.example.net/s/abc"), 4);
	CHECK_INT(rule_line(rules, "http://sub.example.net/t/abc"), 0);
	CHECK_INT(rule_line(rules, "http://example.net/anything"), 5);
	CHECK_INT(rule_line(rules, "http://other.example.org/"), 0);
	links_rules_free(&rules);
}

int main(void)
{
	RUN(test_builtin);
	RUN(test_errors);
	RUN(test_lookup);
	return test_summary();
}
