/*
 * The unwrapper with the built-in rules (data/redirectors.conf): each known
 * format, the structural fallback, trackers that hide their destination,
 * shorteners, nesting and its bound, and broken encodings that must leave the
 * link as it is.  Each case gives the link and what unwrapping says of it:
 * "DESTINATION | HOPS | FLAGS".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "links/links_int.h"
#include "mailvet/scan.h"
#include "test.h"
#include "util/data_files.h"

static struct links_rules *rules;

/* "destination | n | flags [away] [deep]" of one link, in a static buffer. */
static const char *unwrap(const char *link)
{
	static char out[4096];
	mv_arena *arena = mv_arena_new(0);
	struct mv_url url;
	struct links_result r;
	int n;

	if (mv_url_parse(arena, mv_str_cstr(link), MV_STR_NULL, &url) < 0) {
		mv_arena_free(&arena);
		return "unparsable";
	}
	CHECK(links_unwrap(rules, arena, &url, &r) == 0);
	n = snprintf(out, sizeof(out), "%.*s | %u |%s%s%s%s%s%s", (int)r.dest->normalized.len, r.dest->normalized.p,
		     r.n_hops, r.flags & MV_LINKF_REDIRECT ? " redirect" : "", r.flags & MV_LINKF_TRACKER ? " tracker" : "",
		     r.flags & MV_LINKF_HIDDEN ? " hidden" : "", r.flags & MV_LINKF_SHORTENER ? " shortener" : "",
		     r.away ? " away" : "", r.too_deep ? " deep" : "");
	if (r.domain.len != 0 && n > 0 && (size_t)n < sizeof(out))
		snprintf(out + n, sizeof(out) - (size_t)n, " @%.*s", (int)r.domain.len, r.domain.p);
	mv_arena_free(&arena);
	return out;
}

#define CHECK_UNWRAP(link, want) CHECK_STR(mv_str_cstr(unwrap(link)), (want))

static void test_plain_links(void)
{
	CHECK_UNWRAP("https://www.example.com/a?b=c", "https://www.example.com/a?b=c | 0 | @example.com");
	CHECK_UNWRAP("mailto:someone@example.org", "mailto:someone@example.org | 0 | @example.org");
	/* a parameter that holds a URL of where the link came from is not its destination */
	CHECK_UNWRAP("https://shop.example.com/?utm_source=https://news.example.net/",
		     "https://shop.example.com/?utm_source=https://news.example.net/ | 0 | @example.com");
	CHECK_UNWRAP("https://www.facebook.com/sharer.php?u=https%3A%2F%2Fnews.example.net%2Fa",
		     "https://www.facebook.com/sharer.php?u=https%3A%2F%2Fnews.example.net%2Fa | 0 | @facebook.com");
	CHECK_UNWRAP("http://web.archive.org/web/2002/http://www.example.com/",
		     "http://web.archive.org/web/2002/http://www.example.com/ | 0 | @archive.org");
}

static void test_known_redirectors(void)
{
	CHECK_UNWRAP("https://www.google.com/url?q=https://evil.example.net/x&sa=D",
		     "https://evil.example.net/x | 1 | redirect away @example.net");
	CHECK_UNWRAP("https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.example.org%2Fpage%3Fid%3D1&h=AT0",
		     "https://www.example.org/page?id=1 | 1 | redirect away @example.org");
	CHECK_UNWRAP("https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Fexample.org%2F&urlhash=abc",
		     "https://example.org/ | 1 | redirect away @example.org");
	CHECK_UNWRAP("https://www.youtube.com/redirect?event=video&q=http%3A%2F%2Fexample.org%2F",
		     "http://example.org/ | 1 | redirect away @example.org");
	/* a redirect to the redirector's own domain goes nowhere else */
	CHECK_UNWRAP("https://www.google.com/url?q=https://mail.google.com/", "https://mail.google.com/ | 1 | redirect @google.com");
	/* the rule's parameter holds no URL: nothing to unwrap */
	CHECK_UNWRAP("https://www.google.com/url?q=cats", "https://www.google.com/url?q=cats | 0 | @google.com");
}

static void test_gateways(void)
{
	CHECK_UNWRAP("https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.example.org%2Fdoc&data=05%7C01&reserved=0",
		     "https://www.example.org/doc | 1 | redirect @example.org");
	CHECK_UNWRAP("https://urldefense.proofpoint.com/v1/url?u=http://www.example.org/a&k=abc",
		     "http://www.example.org/a | 1 | redirect @example.org");
	CHECK_UNWRAP("https://urldefense.proofpoint.com/v2/url?u=https-3A__www.example.com_path-3Fa-3D1&d=DwMF&c=abc",
		     "https://www.example.com/path?a=1 | 1 | redirect @example.com");
	/* v3: the URL between "__" and "__;", its '*' tokens replaced by the base64url bytes after ';' */
	CHECK_UNWRAP("https://urldefense.com/v3/__https://lore.kernel.org/all/63dd@john.notmuch/__;!!CzAuKJ42GuquVTTmVmPViYEvSg!PU-LF$",
		     "https://lore.kernel.org/all/63dd@john.notmuch/ | 1 | redirect @kernel.org");
	CHECK_UNWRAP("https://urldefense.com/v3/__https://example.com/a*20b/**A__;JXh5!!abc!def$",
		     "https://example.com/a%20b/xy | 1 | redirect @example.com");
	/* tokens the bytes do not cover, or bytes that are not base64: left as it is */
	CHECK_UNWRAP("https://urldefense.com/v3/__https://example.com/a*20b/**A__;JQ!!abc$",
		     "https://urldefense.com/v3/__https://example.com/a*20b/**A__;JQ!!abc$ | 0 | @urldefense.com");
	CHECK_UNWRAP("https://urldefense.com/v3/__https://example.com/a*b__;%%%!!abc$",
		     "https://urldefense.com/v3/__https://example.com/a*b__;%%%!!abc$ | 0 | @urldefense.com");
	CHECK_UNWRAP("https://linkprotect.cudasvc.com/url?a=https%3a%2f%2fwww.example.org%2f&c=E,1,abc&typo=1",
		     "https://www.example.org/ | 1 | redirect @example.org");
	/* Mimecast names the domain only: the link stays, its domain is the one named */
	CHECK_UNWRAP("https://protect-eu.mimecast.com/s/AbCdEfGh?domain=example.org",
		     "https://protect-eu.mimecast.com/s/AbCdEfGh?domain=example.org | 0 | @example.org");
}

static void test_nesting(void)
{
	/* Safe Links inside Google: two hops, the inner value encoded twice */
	CHECK_UNWRAP("https://www.google.com/url?q=https%3A%2F%2Fnam02.safelinks.protection.outlook.com%2F%3Furl%3Dhttps%253A%252F%252Fevil.example.com%252Flogin%253Fa%253D1%2526b%253D2%26data%3D05%257C01%26sdata%3Dabc%26reserved%3D0&sa=D&source=editors",
		     "https://evil.example.com/login?a=1&b=2 | 2 | redirect away @example.com");
	/* deeper than the bound: the last wrapper reached is all that can be said, and it hides the rest */
	{
		char link[4096] = "https://evil.example.net/";
		char next[4096];
		int i;

		for (i = 0; i < LINKS_MAX_DEPTH + 1; i++) {
			snprintf(next, sizeof(next), "https://r%d.example.org/go?url=%s", i, link);
			memcpy(link, next, sizeof(link));
		}
		CHECK_UNWRAP(link, "https://r0.example.org/go?url=https://evil.example.net/ | 8 | redirect hidden deep @example.org");
	}
}

static void test_trackers(void)
{
	/* known trackers: destination carried (Amazon SES) or hidden (Mailchimp, SendGrid) */
	CHECK_UNWRAP("https://abcd.r.us-east-1.awstrack.me/L0/https:%2F%2Fwww.example.org%2Fnews%3Fid=7/1/0100018/AbC=123",
		     "https://www.example.org/news?id=7 | 1 | redirect tracker away @example.org");
	CHECK_UNWRAP("https://acme.us5.list-manage.com/track/click?u=0123abcd&id=4567ef&e=89ab",
		     "https://acme.us5.list-manage.com/track/click?u=0123abcd&id=4567ef&e=89ab | 0 | tracker hidden @list-manage.com");
	CHECK_UNWRAP("https://u123.ct.sendgrid.net/ls/click?upn=Zm9vYmFy", "https://u123.ct.sendgrid.net/ls/click?upn=Zm9vYmFy | 0 | tracker hidden @sendgrid.net");
	CHECK_UNWRAP("https://acme.us5.list-manage.com/", "https://acme.us5.list-manage.com/ | 0 | @list-manage.com");
	/* unknown trackers, by their words */
	CHECK_UNWRAP("https://click.bulkmail-relay.net/ls/click?upn=Zm9vYmFyLmV4YW1wbGU&c=7731",
		     "https://click.bulkmail-relay.net/ls/click?upn=Zm9vYmFyLmV4YW1wbGU&c=7731 | 0 | tracker hidden @bulkmail-relay.net");
	CHECK_UNWRAP("http://www.newsisfree.com/click/-2,8655706,215/", "http://www.newsisfree.com/click/-2,8655706,215/ | 0 | tracker hidden @newsisfree.com");
	CHECK_UNWRAP("http://click.wh5.com/redirect.php?c=8552&u=lXoyuP", "http://click.wh5.com/redirect.php?c=8552&u=lXoyuP | 0 | tracker hidden @wh5.com");
	CHECK_UNWRAP("https://www.example.com/click", "https://www.example.com/click | 0 | @example.com");
	/* an unknown tracker that carries the destination */
	CHECK_UNWRAP("http://track.optinllc.com/clicktrack.asp?eid=20167&url=http%3A%2F%2Fwww.example.com%2Fapp1.cfm%3Fcoid%3D2563",
		     "http://www.example.com/app1.cfm?coid=2563 | 1 | redirect tracker away @example.com");
}

static void test_structural(void)
{
	CHECK_UNWRAP("http://www.cnet.com/go/to?tag=st.nl&destURL=http://techupdate.zdnet.com/a.html",
		     "http://techupdate.zdnet.com/a.html | 1 | redirect away @zdnet.com");
	CHECK_UNWRAP("http://rd.yahoo.com/dailynews/*http://news.yahoo.com/x", "http://news.yahoo.com/x | 1 | redirect @yahoo.com");
	CHECK_UNWRAP("http://www.example.com/mm/Clickthrough/123/*http://www.tesco.ie*http://www.tesco.ie",
		     "http://www.tesco.ie/ | 1 | redirect tracker away @tesco.ie");
	CHECK_UNWRAP("http://mail.vudu.net//jump/http://www.chyp.com", "http://www.chyp.com/ | 1 | redirect away @chyp.com");
	CHECK_UNWRAP("http://gd11.doubleclick.net/click;3518383;0;;http://61.129.81.99/mortg/",
		     "http://61.129.81.99/mortg/ | 1 | redirect tracker away @61.129.81.99");
	CHECK_UNWRAP("https://t.example.net/c/aHR0cHM6Ly9kZXN0LmV4YW1wbGUub3JnL3g_eT0xPg==",
		     "https://dest.example.org/x?y=1%3E | 1 | redirect away @example.org");
	CHECK_UNWRAP("https://t.example.net/r?to=aHR0cHM6Ly9kZXN0LmV4YW1wbGUub3JnL3g%2FeT0x",
		     "https://dest.example.org/x?y=1 | 1 | redirect away @example.org");
	CHECK_UNWRAP("https://href.example/?https://dest.example.org/", "https://dest.example.org/ | 1 | redirect away @example.org");
	/* not a URL after all: invalid base64, invalid escapes, a relative value */
	CHECK_UNWRAP("https://t.example.org/r?to=aHR0c!!!", "https://t.example.org/r?to=aHR0c!!! | 0 | @example.org");
	CHECK_UNWRAP("https://t.example.org/r?to=http%zz%3A", "https://t.example.org/r?to=http%zz%3A | 0 | @example.org");
	CHECK_UNWRAP("https://t.example.org/r?url=/local/page", "https://t.example.org/r?url=/local/page | 0 | @example.org");
}

static void test_shorteners(void)
{
	CHECK_UNWRAP("https://bit.ly/3abcDEF", "https://bit.ly/3abcDEF | 0 | shortener @bit.ly");
	CHECK_UNWRAP("https://bit.ly/", "https://bit.ly/ | 0 | @bit.ly");
	CHECK_UNWRAP("https://www.google.com/url?q=https://tinyurl.com/abc", "https://tinyurl.com/abc | 1 | redirect shortener away @tinyurl.com");
}

/* A long hostile link is unwrapped in time linear in its length. */
static void test_bounded(void)
{
	size_t n = 8000, i;
	char *link = malloc(n + 1);
	clock_t t0 = clock();

	memcpy(link, "https://a.example/r?", 20);
	for (i = 20; i + 9 < n; i += 9)
		memcpy(link + i, "u=http%3A", 9);
	link[i] = '\0';
	(void)unwrap(link);
	memcpy(link, "https://a.example/r/", 20);
	for (i = 20; i + 6 < n; i += 6)
		memcpy(link + i, "/http:", 6);
	link[i] = '\0';
	(void)unwrap(link);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < time_bound(0.5));
	free(link);
}

int main(void)
{
	char *error = NULL;

	if (links_rules_load("redirectors.conf", data_file_text("redirectors.conf"), &rules, &error) < 0) {
		fprintf(stderr, "%s\n", error != NULL ? error : "out of memory");
		return 1;
	}
	RUN(test_plain_links);
	RUN(test_known_redirectors);
	RUN(test_gateways);
	RUN(test_nesting);
	RUN(test_trackers);
	RUN(test_structural);
	RUN(test_shorteners);
	RUN(test_bounded);
	links_rules_free(&rules);
	return test_summary();
}
