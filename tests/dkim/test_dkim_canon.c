/* DKIM canonicalization (RFC 6376 3.4, with the examples of 3.4.5) and header selection (5.4.2). */
#include <stdio.h>
#include <string.h>

#include "auth/dkim.h"
#include "test.h"

struct out {
	char buf[4096];
	size_t len;
	unsigned calls;
};

static int out_sink(void *ctx, const void *p, size_t n)
{
	struct out *o = ctx;

	o->calls++;
	if (n > sizeof(o->buf) - o->len)
		return -1;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

/* The canonical body, fed in pieces of `step` bytes (0: all at once). */
static mv_str body(enum dkim_canon canon, const char *in, size_t step, uint64_t limit)
{
	static struct out o;
	struct dkim_body_canon bc;
	size_t len = strlen(in), off;

	memset(&o, 0, sizeof(o));
	dkim_body_canon_init(&bc, canon, limit, out_sink, &o);
	if (step == 0)
		step = len + 1;
	for (off = 0; off < len; off += step)
		CHECK(dkim_body_canon_update(&bc, in + off, len - off < step ? len - off : step) == 0);
	CHECK(dkim_body_canon_final(&bc) == 0);
	CHECK_INT(bc.len, o.len);
	return mv_str_make(o.buf, o.len);
}

static void check_body(const char *in, const char *simple, const char *relaxed)
{
	size_t step;

	for (step = 0; step <= 3; step++) {
		CHECK_STR(body(DKIM_CANON_SIMPLE, in, step, UINT64_MAX), simple);
		CHECK_STR(body(DKIM_CANON_RELAXED, in, step, UINT64_MAX), relaxed);
	}
}

static void test_rfc6376_example_body(void)
{
	/* 3.4.5: " C \r\nD \t E\r\n\r\n\r\n" */
	check_body(" C \r\nD \t E\r\n\r\n\r\n", " C \r\nD \t E\r\n", " C\r\nD E\r\n");
}

static void test_body_edges(void)
{
	check_body("", "\r\n", "");
	check_body("\r\n", "\r\n", "");
	check_body("\r\n\r\n", "\r\n", "");
	check_body(" \t \r\n\r\n", " \t \r\n", "");
	check_body("abc", "abc\r\n", "abc\r\n");
	check_body("abc  ", "abc  \r\n", "abc\r\n");
	check_body("a\r\n\r\nb\r\n", "a\r\n\r\nb\r\n", "a\r\n\r\nb\r\n");
	check_body("a\r\n \r\nb", "a\r\n \r\nb\r\n", "a\r\n\r\nb\r\n");
	check_body("\r\n\r\na\r\n", "\r\n\r\na\r\n", "\r\n\r\na\r\n");
	check_body("  lead\r\n", "  lead\r\n", " lead\r\n");
	/* Bare LF is a line end; a CR not before a LF is content. */
	check_body("a\nb\n\n", "a\r\nb\r\n", "a\r\nb\r\n");
	check_body("a\rb\r\n", "a\rb\r\n", "a\rb\r\n");
	check_body("a\r", "a\r\r\n", "a\r\r\n");
	check_body("a \r\r\n", "a \r\r\n", "a \r\r\n");
	check_body("\r\r\n", "\r\r\n", "\r\r\n");
}

static void test_body_lf_equals_crlf(void)
{
	static const char *const pairs[][2] = {
		{ "Hi.\r\n\r\nWe lost the game.\r\n\r\n", "Hi.\n\nWe lost the game.\n\n" },
		{ " x  y \t\r\n\r\n z\r\n", " x  y \t\n\n z\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char a[256];
		mv_str s = body(DKIM_CANON_SIMPLE, pairs[i][0], 0, UINT64_MAX);

		snprintf(a, sizeof(a), "%.*s", (int)s.len, s.p);
		CHECK_STR(body(DKIM_CANON_SIMPLE, pairs[i][1], 1, UINT64_MAX), a);
		s = body(DKIM_CANON_RELAXED, pairs[i][0], 0, UINT64_MAX);
		snprintf(a, sizeof(a), "%.*s", (int)s.len, s.p);
		CHECK_STR(body(DKIM_CANON_RELAXED, pairs[i][1], 2, UINT64_MAX), a);
	}
}

static void test_body_limit(void)
{
	/* l= counts canonical bytes; the empty lines held back count once a line follows them. */
	CHECK_STR(body(DKIM_CANON_SIMPLE, "abc\r\ndef\r\n", 0, 5), "abc\r\n");
	CHECK_STR(body(DKIM_CANON_SIMPLE, "abc\r\ndef\r\n", 1, 4), "abc\r");
	CHECK_STR(body(DKIM_CANON_SIMPLE, "a\r\n\r\n\r\nb\r\n", 0, 6), "a\r\n\r\n\r");
	CHECK_STR(body(DKIM_CANON_RELAXED, "a   b\r\n", 0, 3), "a b");
	CHECK_STR(body(DKIM_CANON_SIMPLE, "", 0, 0), "");
	CHECK_STR(body(DKIM_CANON_SIMPLE, "abc\r\n", 0, 100), "abc\r\n");
}

static void test_body_many_blank_lines(void)
{
	static char in[20000];
	struct out o;
	struct dkim_body_canon bc;
	size_t i;

	/* 9,999 empty lines then content: written in a few pieces, not one call per line. */
	for (i = 0; i < 9999; i++)
		memcpy(in + 2 * i, "\r\n", 2);
	memcpy(in + 2 * i, "x", 2);
	memset(&o, 0, sizeof(o));
	dkim_body_canon_init(&bc, DKIM_CANON_SIMPLE, 1000, out_sink, &o);
	CHECK(dkim_body_canon_update(&bc, in, strlen(in)) == 0);
	CHECK(dkim_body_canon_final(&bc) == 0);
	CHECK_INT(o.len, 1000);
	CHECK(o.calls < 40);
}

/* The canonical form of every header field of msg_text, one after the other. */
static mv_str headers(enum dkim_canon canon, const char *msg_text)
{
	static struct out o;
	struct mv_msg *msg = NULL;
	unsigned i;

	memset(&o, 0, sizeof(o));
	CHECK(mv_msg_parse(msg_text, strlen(msg_text), NULL, &msg) == 0);
	for (i = 0; i < msg->root->n_headers; i++)
		CHECK(dkim_canon_header(canon, &msg->root->headers[i], NULL, NULL, true, out_sink, &o) == 0);
	mv_msg_free(&msg);
	return mv_str_make(o.buf, o.len);
}

static void test_rfc6376_example_headers(void)
{
	static const char text[] = "A: X \r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

	CHECK_STR(headers(DKIM_CANON_RELAXED, text), "a:X\r\nb:Y Z\r\n");
	CHECK_STR(headers(DKIM_CANON_SIMPLE, text), "A: X \r\nB : Y\t\r\n\tZ  \r\n");
}

static void test_header_edges(void)
{
	/* Bare LF folding is written as CRLF in simple, and unfolded in relaxed. */
	CHECK_STR(headers(DKIM_CANON_SIMPLE, "Subject: a\n b\n\nbody\n"), "Subject: a\r\n b\r\n");
	CHECK_STR(headers(DKIM_CANON_RELAXED, "Subject: a\n b\n\nbody\n"), "subject:a b\r\n");
	/* A value that starts on the next line; an empty value. */
	CHECK_STR(headers(DKIM_CANON_RELAXED, "Subject:\r\n\tfoo  bar\r\nX-Empty:\r\n\r\n"),
		  "subject:foo bar\r\nx-empty:\r\n");
	CHECK_STR(headers(DKIM_CANON_SIMPLE, "Subject:\r\n\tfoo  bar\r\nX-Empty:\r\n\r\n"),
		  "Subject:\r\n\tfoo  bar\r\nX-Empty:\r\n");
	CHECK_STR(headers(DKIM_CANON_RELAXED, "X-Long-Name-Of-A-Header-Field-Longer-Than-Sixty-Four-Bytes-In-Total: v\r\n\r\n"),
		  "x-long-name-of-a-header-field-longer-than-sixty-four-bytes-in-total:v\r\n");
}

static void test_signature_field_without_b(void)
{
	static const char text[] = "DKIM-Signature: v=1; b=QUJD\r\n\tREVG ; bh=QUJD;\r\n d=x\r\n\r\n";
	struct mv_msg *msg = NULL;
	struct out o;
	const char *cut;

	CHECK(mv_msg_parse(text, strlen(text), NULL, &msg) == 0);
	cut = strstr(text, "b=") + 2;
	memset(&o, 0, sizeof(o));
	CHECK(dkim_canon_header(DKIM_CANON_SIMPLE, &msg->root->headers[0], msg->raw.p + (cut - text),
				msg->raw.p + (strstr(text, "REVG") + 4 - text), false, out_sink, &o) == 0);
	CHECK_STR(mv_str_make(o.buf, o.len), "DKIM-Signature: v=1; b= ; bh=QUJD;\r\n d=x");
	memset(&o, 0, sizeof(o));
	CHECK(dkim_canon_header(DKIM_CANON_RELAXED, &msg->root->headers[0], msg->raw.p + (cut - text),
				msg->raw.p + (strstr(text, "REVG") + 4 - text), false, out_sink, &o) == 0);
	CHECK_STR(mv_str_make(o.buf, o.len), "dkim-signature:v=1; b= ; bh=QUJD; d=x");
	mv_msg_free(&msg);
}

/* The values h= selects, joined by '|'. */
static mv_str select_values(const char *msg_text, const char *h)
{
	static char buf[512];
	struct mv_msg *msg = NULL;
	struct dkim_sig sig;
	const struct mv_header **sel;
	char sigtext[256];
	const char *error = "";
	size_t len = 0;
	int n, i;

	CHECK(mv_msg_parse(msg_text, strlen(msg_text), NULL, &msg) == 0);
	snprintf(sigtext, sizeof(sigtext), "v=1; a=rsa-sha256; d=x.org; s=s; bh=QUJD; b=QUJD; h=%s", h);
	CHECK(dkim_sig_parse(msg->arena, mv_str_cstr(sigtext), &sig, &error) == 0);
	n = dkim_select_headers(msg->arena, msg->root, &sig, &sel);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%.*s", i ? "|" : "",
					(int)sel[i]->value.len, sel[i]->value.p);
	buf[len] = '\0';
	mv_msg_free(&msg);
	return mv_str_make(buf, len);
}

static void test_selection_bottom_up(void)
{
	static const char text[] = "Received: r1\r\nFrom: f1\r\nX: x1\r\nReceived: r2\r\nx: x2\r\nFROM: f2\r\n\r\nb\r\n";

	CHECK_STR(select_values(text, "from"), "f2");
	CHECK_STR(select_values(text, "from:from"), "f2|f1");
	/* Over-signing: a name listed more often than fields exist selects nothing more. */
	CHECK_STR(select_values(text, "from:from:from:x:x:x"), "f2|f1|x2|x1");
	CHECK_STR(select_values(text, "X:from:x:Received:nothere"), "x2|f2|x1|r2");
}

int main(void)
{
	RUN(test_rfc6376_example_body);
	RUN(test_body_edges);
	RUN(test_body_lf_equals_crlf);
	RUN(test_body_limit);
	RUN(test_body_many_blank_lines);
	RUN(test_rfc6376_example_headers);
	RUN(test_header_edges);
	RUN(test_signature_field_without_b);
	RUN(test_selection_bottom_up);
	return test_summary();
}
