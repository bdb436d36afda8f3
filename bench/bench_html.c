/*
 * Throughput of the HTML tokenizer on newsletter-like mail HTML (tables,
 * inline styles, links, entities), or on the files named on the command line.
 * Build: cc -O2 -Iinclude -Isrc/lib bench/bench_html.c src/lib/html/\*.c src/lib/util/\*.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailvet/html.h"

static const char block[] =
	"<tr><td class=\"content\" style=\"padding:10px 20px;font-family:Arial,sans-serif;font-size:14px;"
	"color:#333333;line-height:20px\" align=\"left\" valign=\"top\">\n"
	"<h2 style=\"margin:0 0 8px 0;font-size:18px\">This week&rsquo;s top stories</h2>\n"
	"<p style=\"margin:0 0 10px 0\">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
	"tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
	"ullamco laboris nisi ut aliquip ex ea commodo consequat &amp; more.</p>\n"
	"<a href=\"https://news.example.com/track?u=12345&amp;id=67890&amp;campaign=weekly\" "
	"style=\"color:#1a73e8;text-decoration:none\" target=\"_blank\">Read the full article &raquo;</a>\n"
	"<img src=\"https://img.example.com/banner/123.png\" width=\"600\" height=\"200\" alt=\"Banner\" "
	"style=\"display:block;border:0\">\n"
	"</td></tr>\n<!-- spacer -->\n<tr><td height=\"20\" style=\"font-size:0;line-height:0\">&nbsp;</td></tr>\n";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t len = 0, cap = (size_t)2 << 20, n;
	char *doc = malloc(cap + sizeof(block));
	double t0, secs;
	int i, rounds = 200;

	if (argc > 1) {
		FILE *f = fopen(argv[1], "rb");

		if (f == NULL)
			return 1;
		len = fread(doc, 1, cap, f);
		fclose(f);
	} else {
		memcpy(doc, "<html><body><table width=\"600\">", 31);
		len = 31;
		while (len + sizeof(block) < cap) {
			memcpy(doc + len, block, sizeof(block) - 1);
			len += sizeof(block) - 1;
		}
	}
	t0 = now();
	for (i = 0; i < rounds; i++) {
		mv_arena *a = mv_arena_new(0);
		struct mv_html_result r;

		mv_html_parse(a, mv_str_make(doc, len), 0, 100000, &r);
		n = r.text.len;
		mv_arena_free(&a);
	}
	secs = now() - t0;
	printf("%zu bytes x %d: %.0f MB/s (text %zu bytes)\n", len, rounds, (double)len * rounds / secs / 1e6, n);
	free(doc);
	return 0;
}
