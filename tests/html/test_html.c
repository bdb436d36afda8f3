/*
 * HTML tokenizer tests.  Expectations are hand-written from the WHATWG
 * tokenizer rules (HTML 13.2.5) and checked against what browsers render;
 * the chunked cases use the one-shot parse as the oracle.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "html/html_internal.h"
#include "html_agree.h"
#include "mailvet/html.h"
#include "test.h"

struct text_case {
	const char *html;
	const char *text;
	const char *hidden;	/* NULL: must be empty */
	const char *title;	/* NULL: must be empty */
};

static const struct text_case text_cases[] = {
	/* white space and blocks */
	{ "  Hello \n\t world  ", "Hello world", NULL, NULL },
	{ "a<br><br>b<p>c</p><p>d", "a\nb\nc\nd", NULL, NULL },
	{ "<ul><li>one<li>two</ul>x", "one\ntwo\nx", NULL, NULL },
	{ "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc", NULL, NULL },
	{ "a<span>b</span>c <b> d </b>", "abc d", NULL, NULL },
	{ "x</br>y</p>z", "x\ny\nz", NULL, NULL },
	{ "<div><div>\n</div></div>a<hr>b", "a\nb", NULL, NULL },
	/* dropped content */
	{ "<html><head><title>Hi &amp; bye</title><style>p{color:red}</style></head><body>x</body>",
	  "x", NULL, "Hi & bye" },
	{ "<title>t1</title><title>t2</title>x", "x", NULL, "t1" },
	{ "<title>a<b>c</b> &lt;</title>", "", NULL, "a<b>c</b> <" },
	{ "a<script>document.write('<p>x</p>')</script>b", "ab", NULL, NULL },
	{ "a<script>if (a</b) x = '</scrip';</script>b", "ab", NULL, NULL },
	{ "a<SCRIPT type=x>1</ScRiPt >b", "ab", NULL, NULL },
	{ "a<style>b{}</style  foo=bar>c", "ac", NULL, NULL },
	{ "<template><p>t</p></template>x", "x", NULL, NULL },
	{ "<iframe src=x><b>inner</b></iframe>y<noembed>n</noembed><noframes>f</noframes>",
	  "y", NULL, NULL },
	{ "<noscript>shown</noscript>", "shown", NULL, NULL },
	{ "<input type=hidden value=secret><img src=a alt=logo>x", "x", NULL, NULL },
	/* raw text that is shown */
	{ "<textarea>a &lt; <b></textarea>z", "a < <b>z", NULL, NULL },
	{ "<xmp><b>&amp;</xmp>", "<b>&amp;", NULL, NULL },
	{ "<plaintext></plaintext>&amp;", "</plaintext>&amp;", NULL, NULL },
	{ "<textarea></textareax></textarea>", "</textareax>", NULL, NULL },
	/* comments, doctype, bogus comments */
	{ "<!-->a<!--->b<!-- -- --!>c<!--x--!y-->d", "abcd", NULL, NULL },
	{ "<!DOCTYPE html PUBLIC \"a\">e<![CDATA[f]]>g<?php h ?>i</ j>k", "egik", NULL, NULL },
	{ "a<!-- <b>hidden</b> -->b<!--->c", "abc", NULL, NULL },
	{ "a<!--- x --->b", "ab", NULL, NULL },
	{ "a<!>b<!->c", "abc", NULL, NULL },
	/* the same among tags and text, with their end in the input */
	{ "a<!-- x - y -- z -->b<!--[if mso]><p>o</p><![endif]-->c<!DOCTYPE html>d<!-- q --!>e", "abcde",
	  NULL, NULL },
	{ "a<!---->b<!-- - -->c<!-- --- -->d<!--x-- >-->e and some more text here", "abcde and some more text here",
	  NULL, NULL },
	/* broken markup */
	{ "a < b > c", "a < b > c", NULL, NULL },
	{ "a <3 b", "a <3 b", NULL, NULL },
	{ "a</>b", "ab", NULL, NULL },
	{ "x<p", "x", NULL, NULL },
	{ "x<a href=\"y", "x", NULL, NULL },
	{ "x<!-- c", "x", NULL, NULL },
	{ "x</", "x</", NULL, NULL },
	{ "x<", "x<", NULL, NULL },
	{ "x&am", "x&am", NULL, NULL },
	{ "<div<p>x", "x", NULL, NULL },
	{ "<b =a>x</b>", "x", NULL, NULL },
	/* named references */
	{ "&amp;&lt;&gt;&quot;&apos;", "&<>\"'", NULL, NULL },
	{ "&amp &copy 2024 &notit; &notin;", "& \xC2\xA9 2024 \xC2\xACit; \xE2\x88\x89", NULL, NULL },
	{ "&AMP; &Amp; &bogus; & &;", "& &Amp; &bogus; & &;", NULL, NULL },
	{ "&ampx &amp;x", "&x &x", NULL, NULL },
	{ "&CounterClockwiseContourIntegral;", "\xE2\x88\xB3", NULL, NULL },
	{ "&nGt;", "\xE2\x89\xAB\xE2\x83\x92", NULL, NULL },
	{ "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;",
	  "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;", NULL, NULL },
	{ "&nbsp;x", "\xC2\xA0x", NULL, NULL },
	/* names looked at 16 bytes at a time, and legacy prefixes without ';' */
	{ "&notit; &copy2024 &frac12x &fraction; &brvbar! &nbsp;&nbsp;&nbsp and the rest of a line",
	  "\xC2\xACit; \xC2\xA9" "2024 \xC2\xBDx &fraction; \xC2\xA6! \xC2\xA0\xC2\xA0\xC2\xA0 and the rest of a line",
	  NULL, NULL },
	{ "&abcdefghijklmnop; &Eacute&eacute;&eacutex &AMP&amp; some text to read on", "&abcdefghijklmnop; "
	  "\xC3\x89\xC3\xA9\xC3\xA9x && some text to read on", NULL, NULL },
	/* numeric references */
	{ "&#65;&#x41;&#X41;&#065", "AAAA", NULL, NULL },
	{ "&#0; &#xD800; &#x110000; &#99999999999999;", "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD",
	  NULL, NULL },
	{ "&#x80;&#150;&#x9F;&#x81;", "\xE2\x82\xAC\xE2\x80\x93\xC5\xB8\xC2\x81", NULL, NULL },
	{ "&#; &#x; &#xZ; &#a", "&#; &#x; &#xZ; &#a", NULL, NULL },
	{ "a&#32;&#9;b", "a b", NULL, NULL },
	{ "&#x263a;&#X263A &#9731x&#; &#xg; and more text after them", "\xE2\x98\xBA\xE2\x98\xBA "
	  "\xE2\x98\x83x&#; &#xg; and more text after them", NULL, NULL },
	/* white space runs, short and long, between tags and attributes */
	{ "<p\n      class=a\n      id=b>x</p>                                        \n\t  <p>y  </p>",
	  "x\ny", NULL, NULL },
	/* hidden text */
	{ "a<div style=\"display:none\">secret</div>b", "a\nb", "secret", NULL },
	{ "a<span style=\"DISPLAY : None !important\">s</span>b", "ab", "s", NULL },
	{ "<p style=\"visibility:hidden\">v<span style=\"visibility:visible\">w</span></p>", "w", "v", NULL },
	{ "<div style=\"font-size:0\">a<span style=\"font-size:14px\">b</span></div>", "b", "a", NULL },
	{ "<span style=\"font-size:1px\">a</span><span style=\"font-size:0pt\">b</span>"
	  "<span style=\"font-size:2px\">c</span><span style=\"font-size:0.5em\">d</span>", "cd", "ab", NULL },
	{ "<div style=\"font-size:0\"><span style=\"font-size:2em\">x</span></div>", "", "x", NULL },
	{ "<span style=\"opacity:0\">o</span><span style=\"opacity:0.5\">p</span>", "p", "o", NULL },
	{ "<div style=\"max-height:0;overflow:hidden\">m</div><div style=\"max-height:0\">n</div>",
	  "n", "m", NULL },
	{ "<div style=\"height:0px; overflow: hidden\">h</div><div style=\"width:0;overflow:hidden\">w</div>",
	  "", "h\nw", NULL },
	{ "<p hidden>x</p><p>y</p>", "y", "x", NULL },
	{ "<span style=\"color:#fff;background-color:white\">w</span>", "", "w", NULL },
	{ "<table bgcolor=\"#FFFFFF\"><tr><td><font color=\"white\">w</font> v</td></tr></table>", "v", "w", NULL },
	{ "<div style=\"background:#000 url(x.png) no-repeat\"><span style=\"color:rgb(0, 0, 0)\">b</span></div>",
	  "", "b", NULL },
	{ "<div style=\"color:white;background:#fff\"><span style=\"color:red\">r</span>w</div>", "r", "w", NULL },
	{ "<span style=\"color:transparent\">t</span><span style=\"color:rgba(1,2,3,0)\">u</span>", "", "tu", NULL },
	{ "<font color=white>no background: shown</font>", "no background: shown", NULL, NULL },
	{ "<span style=\"color:#ffffff\">w</span>", "w", NULL, NULL },
	{ "<div style=\"display:block\">x</div><span style=\"font-size:12px\">y</span>", "x\ny", NULL, NULL },
	{ "<div style=\"display:none\">   </div>x", "x", NULL, NULL },
	{ "<div style=\"display:none\"><p>a</p><p>b</p></div>", "", "a\nb", NULL },
	/* prose long enough to be copied in 16-byte blocks, with the runs that must still collapse */
	{ "The quick brown fox jumps over the lazy dog, twice over.",
	  "The quick brown fox jumps over the lazy dog, twice over.", NULL, NULL },
	{ "0123456789abcde  f0123456789abcdef", "0123456789abcde f0123456789abcdef", NULL, NULL },
	{ "0123456789abcdef \t\n 0123456789abcdef\n", "0123456789abcdef 0123456789abcdef", NULL, NULL },
	{ "0123456789abcde 0123456789abcde x", "0123456789abcde 0123456789abcde x", NULL, NULL },
	{ "supercalifragilisticexpialidocious\tis a long\r\nword ",
	  "supercalifragilisticexpialidocious is a long word", NULL, NULL },
	{ "<p>first line of prose here</p>  <p>second line of prose there </p>",
	  "first line of prose here\nsecond line of prose there", NULL, NULL },
	/* names: case, and past the kept length */
	{ "<SPAN>a</span><ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ>b</abcdefghijklmnopqrstuvwxyzabcdefghij>c",
	  "abc", NULL, NULL },
	{ "<DIV STYLE=\"DISPLAY:NONE\">s</DIV>v", "v", "s", NULL },
	{ "<span data-a-very-long-attribute-name=1 style=\"display:none\">h</span>x", "x", "h", NULL },
	{ "&AElig; &zwnj;x", "\xC3\x86 \xE2\x80\x8Cx", NULL, NULL },
	{ "<span style=\"display:none\">a</b>b</span>c", "c", "ab", NULL },
	{ "<div style=display:none><template>t</template>h</div>", "", "h", NULL },
	/* implied closes: option only closes the top option, cells and rows close their own */
	{ "<select><option>a<option>b<b><option>c</b></select>d", "a b cd", NULL, NULL },
	{ "<table><tr><td style=\"display:none\">h<td>v<tr><td>w</table>", "v\nw", "h", NULL },
	{ "<ul><li>a<li>b<ol><li>c</ol>d</ul>", "a\nb\nc\nd", NULL, NULL },
	/* end tags: the top element, an inline element closed past, a block that stops the search */
	{ "<b><i>x</b>y</i>z<p>q<div>r</div>", "xyz\nq\nr", NULL, NULL },
	/* legacy colours: a bad bgcolor keeps the inherited background */
	{ "<table bgcolor=#FFFFFF><tr><td><font color=#fff>w</font><td bgcolor=\"#gggggg\">"
	  "<font color=white>v</font></table>", "", "w v", NULL },
	{ "<div style=\"color:#FfF;background:#ffffff\">s</div><div style=\"color:#12345;background:#12345\">t</div>",
	  "t", "s", NULL },
};

static void test_html_text_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		const struct text_case *tc = &text_cases[i];
		mv_arena *a = mv_arena_new(0);
		struct mv_html_result r;
		mv_str in = mv_str_cstr(tc->html);
		int failures = test_failures;

		CHECK_INT(mv_html_parse(a, in, 0, 0, &r), 0);
		CHECK_STR(r.text, tc->text);
		CHECK(r.text.p[r.text.len] == '\0');
		CHECK_STR(r.hidden_text, tc->hidden != NULL ? tc->hidden : "");
		CHECK_STR(r.title, tc->title != NULL ? tc->title : "");
		CHECK_INT((r.flags & MV_HTML_HIDDEN_TEXT) != 0, tc->hidden != NULL);
		if (test_failures != failures)
			fprintf(stderr, "  in case %zu: %s\n", i, tc->html);
		mv_arena_free(&a);
	}
}

static void test_html_nul_in_text(void)
{
	mv_arena *a = mv_arena_new(0);
	struct mv_html_result r;

	mv_html_parse(a, mv_str_make("a\0b<textarea>\0</textarea>", 25), 0, 0, &r);
	CHECK_STR(r.text, "ab\xEF\xBF\xBD");
	mv_arena_free(&a);
}

struct link_expect {
	enum mv_html_link_kind kind;
	const char *href;
	const char *text;
	int hidden;
};

struct link_case {
	const char *html;
	unsigned flags;		/* flags that must be set */
	unsigned n;
	struct link_expect links[6];
	const char *base;
};

static const struct link_case link_cases[] = {
	{ "<a href=\" http://x.com/?a=1&amp;b=2 \">click <b>here</b>\n</a>", 0, 1,
	  { { MV_HTML_LINK_ANCHOR, "http://x.com/?a=1&b=2", "click here", 0 } }, NULL },
	/* the attribute rule: legacy references before '=' or alphanumerics stay */
	{ "<a href=\"?a=1&ampb=2&amp=3&amp;c&lt;&copy;&copy=4&not\">x</a>", 0, 1,
	  { { MV_HTML_LINK_ANCHOR, "?a=1&ampb=2&amp=3&c<\xC2\xA9&copy=4\xC2\xAC", "x", 0 } }, NULL },
	{ "<a href=x>a<a href=y>b</a>c", 0, 2,
	  { { MV_HTML_LINK_ANCHOR, "x", "a", 0 }, { MV_HTML_LINK_ANCHOR, "y", "b", 0 } }, NULL },
	{ "<a href=y><img src=b alt=\"Pic\"> <img src=c alt=two></a>", 0, 3,
	  { { MV_HTML_LINK_ANCHOR, "y", "[Pic] [two]", 0 }, { MV_HTML_LINK_IMAGE, "b", "Pic", 0 },
	    { MV_HTML_LINK_IMAGE, "c", "two", 0 } }, NULL },
	{ "<a href=y><img src=b alt=\"Pic\">Text</a>", 0, 2,
	  { { MV_HTML_LINK_ANCHOR, "y", "Text", 0 }, { MV_HTML_LINK_IMAGE, "b", "Pic", 0 } }, NULL },
	{ "<a href=real>Your <span style=display:none>fake</span>bank</a>", MV_HTML_HIDDEN_TEXT, 1,
	  { { MV_HTML_LINK_ANCHOR, "real", "Your bank", 0 } }, NULL },
	{ "<div style=\"display:none\"><a href=h>hidden <b>link</b></a></div>", MV_HTML_HIDDEN_TEXT, 1,
	  { { MV_HTML_LINK_ANCHOR, "h", "hidden link", 1 } }, NULL },
	{ "<div><a href=u>unclosed</div>after", 0, 1,
	  { { MV_HTML_LINK_ANCHOR, "u", "unclosed", 0 } }, NULL },
	{ "<a href=\"\">empty</a><a>none</a><a href=z>", 0, 1,
	  { { MV_HTML_LINK_ANCHOR, "z", "", 0 } }, NULL },
	{ "<map><area href=m alt=Map></map><table background=bg.png><td background=\"td.png\">", 0, 3,
	  { { MV_HTML_LINK_ANCHOR, "m", "Map", 0 }, { MV_HTML_LINK_IMAGE, "bg.png", "", 0 },
	    { MV_HTML_LINK_IMAGE, "td.png", "", 0 } }, NULL },
	{ "<meta http-equiv=\"Refresh\" content=\"0; URL='http://evil/'\"><base href=\" http://b/ \">"
	  "<base href=z><form action=/post><input type=hidden value=s></form>", 
	  MV_HTML_META_REFRESH | MV_HTML_HAS_FORM, 2,
	  { { MV_HTML_LINK_OTHER, "http://evil/", "", 0 }, { MV_HTML_LINK_FORM, "/post", "", 0 } }, "http://b/" },
	{ "<meta http-equiv=refresh content=\"5;http://x\"><meta http-equiv=refresh content=5>",
	  MV_HTML_META_REFRESH, 1, { { MV_HTML_LINK_OTHER, "http://x", "", 0 } }, NULL },
	{ "<iframe src=f>in</iframe><frame src=g><object data=o></object><embed src=e><applet>"
	  "<link href=l.css><script src=s.js></script>",
	  MV_HTML_HAS_IFRAME | MV_HTML_HAS_OBJECT | MV_HTML_HAS_SCRIPT, 6,
	  { { MV_HTML_LINK_OTHER, "f", "", 0 }, { MV_HTML_LINK_OTHER, "g", "", 0 },
	    { MV_HTML_LINK_OTHER, "o", "", 0 }, { MV_HTML_LINK_OTHER, "e", "", 0 },
	    { MV_HTML_LINK_OTHER, "l.css", "", 0 }, { MV_HTML_LINK_OTHER, "s.js", "", 0 } }, NULL },
	{ "<A HREF=a href=b HrEf=c>dup</A>", 0, 1, { { MV_HTML_LINK_ANCHOR, "a", "dup", 0 } }, NULL },
	{ "<img src='x.gif' style=\"display:none\" alt=>", 0, 1,
	  { { MV_HTML_LINK_IMAGE, "x.gif", "", 1 } }, NULL },
	{ "<form>no action</form>", MV_HTML_HAS_FORM, 0, { { 0, NULL, NULL, 0 } }, NULL },
	{ "<a href=x><span>t</span></a> <a href=y><b>u</a></b>v", 0, 2,
	  { { MV_HTML_LINK_ANCHOR, "x", "t", 0 }, { MV_HTML_LINK_ANCHOR, "y", "u", 0 } }, NULL },
};

static void test_html_links(void)
{
	size_t i;
	unsigned j;

	for (i = 0; i < sizeof(link_cases) / sizeof(link_cases[0]); i++) {
		const struct link_case *lc = &link_cases[i];
		mv_arena *a = mv_arena_new(0);
		struct mv_html_result r;
		int failures = test_failures;

		mv_html_parse(a, mv_str_cstr(lc->html), 0, 0, &r);
		CHECK_INT(r.flags & lc->flags, lc->flags);
		CHECK_INT(r.n_links, lc->n);
		for (j = 0; j < lc->n && j < r.n_links; j++) {
			CHECK_INT(r.links[j].kind, lc->links[j].kind);
			CHECK_STR(r.links[j].href, lc->links[j].href);
			CHECK_STR(r.links[j].text, lc->links[j].text);
			CHECK_INT(r.links[j].hidden, lc->links[j].hidden);
		}
		CHECK_STR(r.base_href, lc->base != NULL ? lc->base : "");
		if (test_failures != failures)
			fprintf(stderr, "  in link case %zu: %s\n", i, lc->html);
		mv_arena_free(&a);
	}
}

static void test_html_flags(void)
{
	static const struct {
		const char *html;
		unsigned flags;
	} cases[] = {
		{ "<p>fine</p>", 0 },
		{ "<p>x</p><a href=\"y", MV_HTML_BAD_SYNTAX },
		{ "x<!-- unclosed", MV_HTML_BAD_SYNTAX },
		{ "<!-->", MV_HTML_BAD_SYNTAX },
		{ "&amp", MV_HTML_BAD_SYNTAX },
		{ "<script>x", MV_HTML_HAS_SCRIPT },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mv_arena *a = mv_arena_new(0);
		struct mv_html_result r;

		mv_html_parse(a, mv_str_cstr(cases[i].html), 0, 0, &r);
		CHECK_INT(r.flags, cases[i].flags);
		mv_arena_free(&a);
	}
}

static void test_html_limits(void)
{
	mv_arena *a = mv_arena_new(0);
	struct mv_html_result r;
	char *big;
	size_t i, n = (size_t)70 << 10;

	/* max_bytes */
	mv_html_parse(a, mv_str_cstr("hello <b>world</b> and more"), 8, 0, &r);
	CHECK_STR(r.text, "hello");
	CHECK(r.flags & MV_HTML_TRUNCATED);
	/* max_items */
	mv_html_parse(a, mv_str_cstr("<a href=1>a</a><img src=2><a href=3>c</a>"), 0, 2, &r);
	CHECK_INT(r.n_links, 2);
	CHECK(r.flags & MV_HTML_LIMIT_LINKS);
	CHECK_STR(r.text, "ac");
	/* an attribute value past 64 KiB is kept cut */
	big = malloc(n + 32);
	memcpy(big, "<a href=\"", 9);
	for (i = 9; i < n; i++)
		big[i] = 'a';
	memcpy(big + n, "\">t</a>", 8);
	mv_html_parse(a, mv_str_cstr(big), 0, 0, &r);
	CHECK_INT(r.n_links, 1);
	CHECK_INT(r.links[0].href.len, 64 << 10);
	CHECK(r.flags & MV_HTML_LIMIT_VALUE);
	CHECK_STR(r.text, "t");
	free(big);
	/* a tiny arena: -1, but a usable result */
	{
		mv_arena *small = mv_arena_new(40000);
		static char doc[100000];

		for (i = 0; i < sizeof(doc) - 1; i++)
			doc[i] = "ab <p>"[i % 6];
		doc[sizeof(doc) - 1] = '\0';
		CHECK_INT(mv_html_parse(small, mv_str_cstr(doc), 0, 0, &r), -1);
		CHECK(r.text.p != NULL);
		mv_arena_free(&small);
	}
	mv_arena_free(&a);
}

static void test_html_deep_nesting(void)
{
	mv_arena *a = mv_arena_new(0);
	struct mv_html_result r;
	char *doc = malloc(10000 * 5 + 200);
	size_t len = 0, i;

	for (i = 0; i < 300; i++) {
		memcpy(doc + len, "<span>", 6);
		len += 6;
	}
	memcpy(doc + len, "<b style=display:none>hid</b>shown", 34);
	len += 34;
	mv_html_parse(a, mv_str_make(doc, len), 0, 0, &r);
	/* past the stack ceiling the hiding sticks: hidden text is never shown */
	CHECK_STR(r.hidden_text, "hidshown");
	CHECK(r.flags & MV_HTML_HIDDEN_TEXT);
	free(doc);
	mv_arena_free(&a);
}

static const char *const chunk_docs[] = {
	("<html><head><title>T &amp; t</title><style>p{}</style><base href=http://b/></head>"
	"<body bgcolor=white><p>Hello&nbsp;there &copy 2024 &notit; &#x80;&#150;</p>"
	"<a href=\"http://x/?a=1&amp;b=2&ampc=3\">click <b>here</b></a>"
	"<div style=\"display: none !important\">secret <a href=h>h</a></div>"
	"<!-- comment <b> --><!--->x<!-- a --!> y"
	"<table><tr><td><font color=#fff>w</font><td style=\"background:#fff\"><span style=\"color:white\">v</span>"
	"</table><script>var a = '</p>';</script><textarea>t &lt; <b></textarea>"
	"<img src=i.png alt=\"an image\"><form action=/f><input name=x></form>"
	"<meta http-equiv=refresh content='0;url=http://r/'><iframe src=if>ii</iframe>"
	"&CounterClockwiseContourIntegral; &#x1F600; &#0; &bogus; &am&amp;p</body></html>"),
	("<!DOCTYPE html><p>a<p>b<ul><li>1<li>2</ul><dl><dt>t<dd>d</dl>"
	 "<![CDATA[ x ]]><?pi?></ x><a href='q'><img src=q.gif alt=Q></a>&#x"),
	"<plaintext><b>&amp;</b>",
	"<div style=\"font-size:0\">z<span style=\"font-size:13px\">y</span></div>x<a href=\"unterminated",
};

static void test_html_chunked_equals_whole(void)
{
	unsigned seed = 42;
	size_t d, k;
	static const size_t chunks[] = { 1, 2, 3, 7, 0, 0, 0, 0 };

	for (d = 0; d < sizeof(chunk_docs) / sizeof(chunk_docs[0]) + sizeof(text_cases) / sizeof(text_cases[0]) +
		    sizeof(link_cases) / sizeof(link_cases[0]); d++) {
		const char *html;
		mv_arena *a = mv_arena_new(0);
		struct mv_html_result whole, part;
		mv_str doc;

		if (d < sizeof(chunk_docs) / sizeof(chunk_docs[0]))
			html = chunk_docs[d];
		else if (d - sizeof(chunk_docs) / sizeof(chunk_docs[0]) < sizeof(text_cases) / sizeof(text_cases[0]))
			html = text_cases[d - sizeof(chunk_docs) / sizeof(chunk_docs[0])].html;
		else
			html = link_cases[d - sizeof(chunk_docs) / sizeof(chunk_docs[0]) -
					  sizeof(text_cases) / sizeof(text_cases[0])].html;
		doc = mv_str_cstr(html);
		mv_html_parse(a, doc, 0, 0, &whole);
		for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			int failures = test_failures;

			parse_chunked(a, doc, chunks[k], &seed, &part);
			CHECK(same_result(&whole, &part));
			if (test_failures != failures) {
				fprintf(stderr, "  doc %zu chunk %zu: %s\n", d, chunks[k], html);
				break;
			}
		}
		mv_arena_free(&a);
	}
}

/*
 * Fed whole, the tokenizer takes the common shapes by its fast paths (a whole
 * tag, names and text 16 bytes at a look); fed one byte at a time, none of
 * them applies and every byte goes through the WHATWG state machine.  Generated markup, with the usual shapes and the unusual ones mixed
 * in, must come out the same both ways.
 */
struct piece {
	const char *s;
	size_t len;
};

#define P(lit) { lit, sizeof(lit) - 1 }

static const struct piece gen_pieces[] = {
	P("<"), P(">"), P("</"), P("/>"), P("<!--"), P("-->"), P("--!>"), P("-"), P("--"),
	P("<!DOCTYPE html>"), P("<?x?>"), P("&"), P("&amp;"), P("&amp"), P("&ampx"), P("&#"), P("&#x41;"),
	P("&#65"), P("&#0;"), P("&notin;"), P("&notit"), P("&nbsp;"), P("&LT;"), P(";"), P("="), P("\""),
	P("'"), P(" "), P("  "), P("\t"), P("\n"), P("\r\n"), P("\f"), P("\v"), P("\0"), P("a"), P("x"),
	P("Word"), P("text text "), P("\xc3\xa9"), P("http://e.com/?a=1&b=2"), P("display:none"),
	P("color:#fff"), P("font-size:0"), P("<a href=\"http://a/?x=1&amp;y=2\">"), P("</a>"),
	P("<img src='i.png' alt=Alt>"), P("<br/>"), P("<br />"), P("<td class=\"c\" style=\"color:red\">"),
	P("</td>"), P("<tr>"), P("<p>"), P("</p>"), P("<font color=white>"), P("<div hidden>"), P("</div>"),
	P("<span style=\"display:none\">"), P("</span>"), P("<b>"), P("</b>"), P("<script>"), P("</script>"),
	P("<style>"), P("</style>"), P("<title>"), P("</title>"), P("<textarea>"), P("</textarea >"),
	P("<plaintext>"), P("<template>"), P("</template>"), P("<option>"), P("<li>"), P("<table>"),
	P("<form action=/f>"), P("<base href=http://b/>"), P("<meta http-equiv=refresh content='0;url=/r'>"),
	P("<TD WIDTH=1 NOWRAP>"), P("<A HREF=x>"), P("<x y z>"), P("<x y = \"v\">"), P("<x y=v/>"),
	P("<x =y>"), P("<x y=\"v\"z>"), P("<x\ty\n=\n'v'>"), P("<abcdefghijklmnopqrstuvwxyz0123456789>"),
	P("<x abcdefghijklmnopqrstu=1>"), P("<p\0>"), P("<x y\0=1>"), P("<x y=\"\0\">"), P("<x y=a&amp;b>"),
	P("< p>"), P("Lorem ipsum dolor sit amet, consectetur adipiscing elit"), P("  \n\t  indented  \r\n  text  "),
	P("<td style=\"font-family:Arial,sans-serif;font-size:14px;color:#333333\" align=left>"),
	P("<a href=\"https://news.example.com/track?u=12345&amp;id=67890&amp;c=weekly\" target=_blank>"),
	P("&CounterClockwiseContourIntegral;"), P("<!-- a - b -- c --->"), P("<xmp>"), P("</xmp>"),
};

static size_t gen_doc(char *doc, size_t cap, unsigned *seed)
{
	size_t len = 0, n, k;

	*seed = *seed * 1103515245u + 12345u;
	n = 1 + (*seed >> 16) % 200;
	for (k = 0; k < n; k++) {
		const struct piece *piece;

		*seed = *seed * 1103515245u + 12345u;
		piece = &gen_pieces[(*seed >> 16) % (sizeof(gen_pieces) / sizeof(gen_pieces[0]))];
		if (piece->len > cap - len)
			break;
		memcpy(doc + len, piece->s, piece->len);
		len += piece->len;
	}
	return len;
}

static void test_html_fast_paths_equal_state_machine(void)
{
	static char doc[16384];
	unsigned seed = 7;
	int round;

	for (round = 0; round < 3000; round++) {
		mv_arena *a = mv_arena_new(0);
		struct mv_html_result whole, bytes;
		mv_str d = mv_str_make(doc, gen_doc(doc, sizeof(doc), &seed));
		int failures = test_failures;

		mv_html_parse(a, d, 0, 0, &whole);
		parse_chunked(a, d, 1, &seed, &bytes);
		CHECK(same_result(&whole, &bytes));
		if (test_failures != failures) {
			fprintf(stderr, "  round %d: %.*s\n", round, (int)d.len, d.p);
			mv_arena_free(&a);
			break;
		}
		mv_arena_free(&a);
	}
}

/* Pathological inputs of a few MB must stay linear. */
static void test_html_pathological_inputs_are_fast(void)
{
	static const char *const units[] = {
		"<", "&", "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "<a href=x>", "</x>", "<span>",
		"<p>", "<!--", "<td>", "&#x99999999", "<a b c d e f g h i j k l m n o p q r s t>", " ",
		"<li>", "<div style='display:none'>", "</div>", "<![CDATA[", "<x y=\"&amp;",
	};
	size_t u;

	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t ulen = strlen(units[u]), n = ((size_t)3 << 20) / ulen, i;
		char *doc = malloc(n * ulen);
		mv_arena *a = mv_arena_new(0);
		struct mv_html_result r;
		clock_t t0 = clock();
		double secs;

		for (i = 0; i < n; i++)
			memcpy(doc + i * ulen, units[u], ulen);
		mv_html_parse(a, mv_str_make(doc, n * ulen), 0, 0, &r);
		secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		CHECK(secs < time_bound(0.5));
		if (secs >= 0.5 || getenv("HTML_TEST_TIMES") != NULL)
			fprintf(stderr, "  unit \"%s\" took %.2fs\n", units[u], secs);
		free(doc);
		mv_arena_free(&a);
	}
}

/* The tag table's multiplier gives every known tag a slot of its own (a new tag may need a new one). */
static void test_html_tag_table_is_perfect(void)
{
	CHECK(html_tag_table_perfect());
}

int main(void)
{
	RUN(test_html_tag_table_is_perfect);
	RUN(test_html_text_cases);
	RUN(test_html_nul_in_text);
	RUN(test_html_links);
	RUN(test_html_flags);
	RUN(test_html_limits);
	RUN(test_html_deep_nesting);
	RUN(test_html_chunked_equals_whole);
	RUN(test_html_fast_paths_equal_state_machine);
	RUN(test_html_pathological_inputs_are_fast);
	return test_summary();
}
