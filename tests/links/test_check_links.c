/*
 * The links check through mv_scan(): the destination fields of each link,
 * and every symbol with its words and options, on small messages; the
 * redirectors_file setting and its errors.  Signed newsletters, realistic
 * messages and --follow are in t_links_scenarios.sh and test_links_follow.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "mailvet/scan.h"
#include "offline_engine.h"
#include "test.h"

static struct mv_engine *engine;

/*
 * Scans an HTML body from `from` and describes the links symbols:
 * "NAME: detail [option, ...]" per symbol, "; " between them ("" for none).
 * *report_r, when given, gets the report (the message is freed at the next call).
 */
static const char *scan_html(const char *from, const char *html, struct mv_report *report_r)
{
	static char out[8192];
	static struct mv_msg *msg;
	static char *text;
	static struct mv_report report;
	size_t n = 0;
	unsigned i, k;

	mv_msg_free(&msg);
	free(text);
	if (asprintf(&text, "From: %s\nTo: b@example.org\nSubject: s\nMIME-Version: 1.0\nContent-Type: text/html\n\n%s\n",
		     from, html) < 0 || mv_msg_parse(text, strlen(text), NULL, &msg) < 0)
		return "parse failed";
	(void)mv_scan(engine, msg, NULL, &report);
	out[0] = '\0';
	for (i = 0; i < report.n_symbols; i++) {
		const struct mv_symbol *s = &report.symbols[i];

		if (strcmp(s->group, "links") != 0)
			continue;
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s: %.*s [", n != 0 ? "; " : "", s->name,
				      (int)s->detail.len, s->detail.p);
		for (k = 0; k < s->n_options && n < sizeof(out); k++)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%.*s", k != 0 ? ", " : "",
					      (int)s->options[k].len, s->options[k].p);
		if (n < sizeof(out))
			n += (size_t)snprintf(out + n, sizeof(out) - n, "]");
	}
	if (report_r != NULL)
		*report_r = report;
	return out;
}

#define CHECK_LINKS(from, html, want) CHECK_STR(mv_str_cstr(scan_html((from), (html), NULL)), (want))

static void test_destination_fields(void)
{
	struct mv_report r;

	scan_html("a@example.com",
		  "<a href=\"https://www.google.com/url?q=https%3A%2F%2Fevil.example.net%2Fx\">a</a>"
		  "<a href=\"https://www.example.com/\">b</a>"
		  "<a href=\"https://acme.us5.list-manage.com/track/click?u=1&id=2\">c</a>"
		  "<a href=\"https://bit.ly/abc\">d</a>", &r);
	CHECK_INT(r.n_links, 4);
	if (r.n_links != 4)
		return;
	CHECK_STR(r.links[0].destination, "https://evil.example.net/x");
	CHECK_STR(r.links[0].destination_domain, "example.net");
	CHECK_INT(r.links[0].n_redirects, 1);
	CHECK_STR(r.links[0].redirects[0], "https://www.google.com/url?q=https%3A%2F%2Fevil.example.net%2Fx");
	CHECK_INT(r.links[0].flags, MV_LINKF_REDIRECT);
	CHECK_STR(r.links[1].destination, "https://www.example.com/");
	CHECK_STR(r.links[1].destination_domain, "example.com");
	CHECK_INT(r.links[1].n_redirects, 0);
	CHECK_INT(r.links[1].flags, 0);
	CHECK_STR(r.links[2].destination, "https://acme.us5.list-manage.com/track/click?u=1&id=2");
	CHECK_STR(r.links[2].destination_domain, "list-manage.com");
	CHECK_INT(r.links[2].flags, MV_LINKF_TRACKER | MV_LINKF_HIDDEN);
	CHECK_INT(r.links[3].flags, MV_LINKF_SHORTENER);
	CHECK(!r.links[0].mismatch && !r.links[1].mismatch);
}

static void test_text_mismatch(void)
{
	CHECK_LINKS("a@example.com", "<a href=\"https://www.google.com/url?q=https://evil.example.net/x\">www.paypal.com</a>",
		    "LINK_TEXT_MISMATCH: a link shows www.paypal.com but goes to example.net (evil.example.net) "
		    "[https://www.google.com/url?q=https://evil.example.net/x]; "
		    "LINK_REDIRECT: a link goes through www.google.com to evil.example.net "
		    "[https://www.google.com/url?q=https://evil.example.net/x]");
	CHECK_LINKS("a@example.com", "<a href=\"http://evil.example.net/\">https://paypal.com/signin</a>",
		    "LINK_TEXT_MISMATCH: a link shows paypal.com but goes to example.net (evil.example.net) "
		    "[http://evil.example.net/]");
	/* the same site, words, an address, the link itself: no mismatch */
	CHECK_LINKS("a@example.com",
		    "<a href=\"https://login.paypal.com/x\">www.paypal.com</a>"
		    "<a href=\"https://evil.example.net/\">Log in to PayPal</a>"
		    "<a href=\"https://evil.example.net/\">service@paypal.com</a>"
		    "<a href=\"https://evil.example.net/\">Mr.Smith</a>"
		    "<a href=\"https://www.google.com/url?q=https://example.net/\">https://www.google.com/url?q=https://example.net/</a>",
		    "LINK_REDIRECT: a link goes through www.google.com to example.net "
		    "[https://www.google.com/url?q=https://example.net/]");
	/* hidden HTML: the reader does not see it */
	CHECK_LINKS("a@example.com", "<div style=\"display:none\"><a href=\"http://evil.example.net/\">www.paypal.com</a></div>", "");
	/* an IDN text and its punycode destination are the same domain; a homograph is not */
	CHECK_LINKS("a@example.com", "<a href=\"https://xn--bcher-kva.com/\">bücher.com</a>", "");
	CHECK_LINKS("a@example.com", "<a href=\"https://www.xn--pypal-4ve.com/\">www.paypal.com</a>",
		    "LINK_TEXT_MISMATCH: a link shows www.paypal.com but goes to xn--pypal-4ve.com (www.xn--pypal-4ve.com) "
		    "[https://www.xn--pypal-4ve.com/]");
}

static void test_hidden_destination(void)
{
	struct mv_report r;

	CHECK_LINKS("a@example.com",
		    "<a href=\"https://click.mailer.example.net/ls/click?upn=abc\">Read the news</a>"
		    "<a href=\"https://click.mailer.example.net/ls/click?upn=def\">https://www.microsoft.com/security</a>",
		    "LINK_HIDDEN_DESTINATION: a link shows www.microsoft.com, but where it goes is hidden behind "
		    "click.mailer.example.net's tracker (and 1 more link) [https://click.mailer.example.net/ls/click?upn=def, "
		    "https://click.mailer.example.net/ls/click?upn=abc]");
	scan_html("a@example.com", "<a href=\"https://click.mailer.example.net/ls/click?upn=def\">www.microsoft.com</a>", &r);
	CHECK(r.n_links == 1 && r.links[0].mismatch);
	/* the From domain's own tracker */
	CHECK_LINKS("news@example.net", "<a href=\"https://click.mailer.example.net/ls/click?upn=abc\">Read</a>", "");
}

static void test_addresses_and_downloads(void)
{
	CHECK_LINKS("a@example.com", "<a href=\"http://0x5D.0xB8.0xD8.0x22/login\">Log in</a>",
		    "LINK_IP_LITERAL: a link goes to the address 93.184.216.34 (written in a disguised form) instead of a name [http://93.184.216.34/login]");
	/* not on the Internet: a technical text's example */
	CHECK_LINKS("a@example.com", "<a href=\"http://192.168.1.1/\">router</a><a href=\"http://127.0.0.1/\">x</a>", "");
	CHECK_LINKS("a@example.com", "<a href=\"http://93.184.216.34/\">x</a><a href=\"http://[2001:4860::1]/\">y</a>",
		    "LINK_IP_LITERAL: a link goes to the address 93.184.216.34 instead of a name (and 1 more link) "
		    "[http://93.184.216.34/, http://[2001:4860::1]/]");
	CHECK_LINKS("a@example.com", "<a href=\"https://files.example.net/Invoice.PDF.exe\">Invoice.pdf</a>",
		    "LINK_EXECUTABLE: a link downloads a .exe file from files.example.net "
		    "[https://files.example.net/Invoice.PDF.exe]");
	/* a script's source is no download the reader starts */
	CHECK_LINKS("a@example.com", "<script src=\"https://cdn.example.net/app.js\"></script>", "");
	CHECK_LINKS("a@example.com", "<a href=\"http://www.paypal.com@evil.example.net/\">PayPal</a>",
		    "LINK_USERINFO: a link shows \"www.paypal.com@\" before its real host evil.example.net "
		    "[http://www.paypal.com@evil.example.net/]");
	CHECK_LINKS("a@example.com", "<a href=\"https://user:secret@files.example.net/\">files</a>", "");
	CHECK_LINKS("a@example.com", "<a href=\"https://paypal.com:secure@evil.example.net/\">files</a>",
		    "LINK_USERINFO: a link shows \"paypal.com:secure@\" before its real host evil.example.net "
		    "[https://paypal.com:secure@evil.example.net/]");
}

static void test_shortener_and_forms(void)
{
	CHECK_LINKS("a@example.com", "<a href=\"https://bit.ly/3xYz\">a</a><a href=\"https://bit.ly/3xYz\">b</a>",
		    "LINK_SHORTENER: a link goes through the shortener bit.ly, which hides where it leads "
		    "(and 1 more link) [https://bit.ly/3xYz]");
	CHECK_LINKS("a@bank.example.com", "<form method=\"POST\" action=\"https://collect.example.net/p\"><input></form>",
		    "FORM_ELSEWHERE: a form sends what is typed in to collect.example.net, not to the From domain "
		    "example.com [https://collect.example.net/p]");
	/* a search box gets; the From domain's own form posts home */
	CHECK_LINKS("a@bank.example.com", "<form action=\"https://search.example.net/\"><input></form>", "");
	CHECK_LINKS("a@bank.example.com", "<form method=post action=\"https://www.example.com/p\"><input></form>", "");
}

static void test_many_links_are_named_once_each(void)
{
	char html[20000];
	size_t n = 0;
	int i;

	for (i = 0; i < 20; i++)
		n += (size_t)snprintf(html + n, sizeof(html) - n, "<a href=\"http://198.51.1.%d/\">x</a>", i);
	CHECK(strstr(scan_html("a@example.com", html, NULL), "(and 19 more links) [http://198.51.1.0/, http://198.51.1.1/, "
		     "http://198.51.1.2/, http://198.51.1.3/, http://198.51.1.4/, http://198.51.1.5/, http://198.51.1.6/, "
		     "http://198.51.1.7/]") != NULL);
}

static void test_rules_file(void)
{
	static const char rules[] = "# test\nshortener s.example.net\nredirect go.example.org /out param=to\n";
	char path[] = "/tmp/mv-links-XXXXXX", conf[200];
	struct mv_engine *e;
	int fd = mkstemp(path);

	CHECK(fd >= 0 && write(fd, rules, sizeof(rules) - 1) == (ssize_t)(sizeof(rules) - 1));
	close(fd);
	snprintf(conf, sizeof(conf), "redirectors_file = %s\n", path);
	e = offline_engine(conf);
	CHECK(e != NULL);
	if (e != NULL) {
		struct mv_engine *keep = engine;

		engine = e;
		CHECK_LINKS("a@example.com", "<a href=\"https://s.example.net/abc\">a</a>"
			    "<a href=\"https://go.example.org/out?to=https%3A%2F%2Fx.example.com%2F\">b</a>"
			    "<a href=\"https://bit.ly/abc\">c</a>",
			    "LINK_REDIRECT: a link goes through go.example.org to x.example.com "
			    "[https://go.example.org/out?to=https%3A%2F%2Fx.example.com%2F]; "
			    "LINK_SHORTENER: a link goes through the shortener s.example.net, which hides where it leads "
			    "[https://s.example.net/abc]");
		engine = keep;
		mv_engine_unref(&e);
	}
	/* a mistake in the file: the engine is not made, the error names the file and line */
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && write(fd, "shortener s.example.net\nredirect go.example.org\n", 48) == 48);
	close(fd);
	{
		struct mv_config *cfg = mv_engine_config_new();
		char *error = NULL, want[300];

		CHECK(mv_config_read_text(cfg, "t.conf", conf, strlen(conf), &error) == 0);
		mv_config_finish(cfg);
		e = NULL;
		CHECK(mv_engine_new(cfg, &e, &error) < 0);
		snprintf(want, sizeof(want), "%s:2: redirect: say where the destination is", path);
		CHECK(error != NULL && strstr(error, want) != NULL);
		if (error != NULL && strstr(error, want) == NULL)
			fprintf(stderr, "error: %s\n", error);
		free(error);
		mv_engine_unref(&e);
		mv_config_unref(&cfg);
	}
	unlink(path);
}

int main(void)
{
	engine = offline_engine("");
	CHECK(engine != NULL);
	if (engine == NULL)
		return test_summary();
	RUN(test_destination_fields);
	RUN(test_text_mismatch);
	RUN(test_hidden_destination);
	RUN(test_addresses_and_downloads);
	RUN(test_shortener_and_forms);
	RUN(test_many_links_are_named_once_each);
	RUN(test_rules_file);
	scan_html("a@example.com", "", NULL);
	mv_engine_unref(&engine);
	return test_summary();
}
