/*
 * The message model: header indexing, the MIME tree, views into the input,
 * and the limits on hostile shapes (a million headers, a 64 MiB header,
 * 20,000 nested multiparts and message/rfc822 parts, a 256 MiB attachment).
 */
#include <stdlib.h>
#include <time.h>

#include "mailvet/msg.h"
#include "test.h"

static struct mv_msg *parse(const char *text)
{
	struct mv_msg *msg = NULL;

	CHECK(mv_msg_parse(text, strlen(text), NULL, &msg) == 0);
	return msg;
}

static mv_str part_type(const struct mv_part *p, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%.*s/%.*s", (int)p->ctype.type.len, p->ctype.type.p,
			 (int)p->ctype.subtype.len, p->ctype.subtype.p);

	return mv_str_make(buf, (size_t)n);
}

/* "id:depth:type" for each part in preorder, joined by spaces. */
static void check_tree(struct mv_msg *msg, const char *expected)
{
	char out[4096], tbuf[256];
	size_t len = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < msg->n_parts && len < sizeof(out) - 300; i++) {
		mv_str t = part_type(msg->parts[i], tbuf, sizeof(tbuf));

		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%u:%.*s", i ? " " : "",
					msg->parts[i]->depth, (int)t.len, t.p);
	}
	CHECK_STR(mv_str_make(out, len), expected);
}

static void test_headers_lf_and_folding(void)
{
	struct mv_msg *msg = parse("From: a@example.com\nSubject: hello\n\tworld\nX-Empty:\n"
				   "Subject2 : obsolete space\n\nbody\n");

	CHECK_INT(msg->root->n_headers, 4);
	CHECK_STR(msg->root->headers[0].name, "From");
	CHECK_STR(msg->root->headers[0].value, "a@example.com");
	CHECK_STR(msg->root->headers[1].value, "hello\n\tworld");
	CHECK_STR(msg->root->headers[2].value, "");
	CHECK_STR(msg->root->headers[3].name, "Subject2");
	CHECK_STR(msg->root->headers[3].value, "obsolete space");
	CHECK_STR(msg->root->body, "body\n");
	CHECK_INT(msg->problems & MV_PROB_HEADER_SYNTAX, 0);
	mv_msg_free(&msg);
	CHECK(msg == NULL);
}

static void test_headers_crlf_views_point_into_input(void)
{
	const char *text = "Subject: hi\r\nTo: b@example.com\r\n\r\nline\r\n";
	struct mv_msg *msg = parse(text);

	CHECK_STR(msg->root->headers[0].value, "hi");
	CHECK(msg->root->headers[0].value.p == text + 9);
	CHECK_STR(msg->root->body, "line\r\n");
	CHECK(msg->root->body.p == text + 34);
	CHECK_INT(msg->problems & MV_PROB_MIXED_EOL, 0);
	mv_msg_free(&msg);
}

static void test_headers_mixed_eol_and_8bit(void)
{
	struct mv_msg *msg = parse("Subject: caf\xc3\xa9\r\nTo: b@example.com\n\nx");

	CHECK(msg->problems & MV_PROB_MIXED_EOL);
	CHECK(msg->problems & MV_PROB_HEADER_8BIT);
	mv_msg_free(&msg);
}

/* Only the header section counts: line ends in the body, the first body line, or a part's headers do not. */
/* Every position of one 8-bit or NUL byte in header sections of many lengths, against a byte loop. */
static void test_header_byte_problems_every_position(void)
{
	char buf[128];
	size_t len, pos, k;
	int kind;

	for (len = 1; len <= 70; len++) {
		for (pos = 0; pos <= len; pos++) {
			for (kind = 0; kind < 2; kind++) {
				struct mv_msg *msg = NULL;
				size_t n = 0;

				memcpy(buf, "X-A: ", 5);
				n = 5;
				for (k = 0; k < len; k++)
					buf[n++] = (char)('a' + k % 26);
				if (pos < len)
					buf[5 + pos] = kind == 0 ? '\xE9' : '\0';
				memcpy(buf + n, "\n\nbody", 6);
				n += 6;
				CHECK(mv_msg_parse(buf, n, NULL, &msg) == 0);
				CHECK(((msg->root->problems & MV_PROB_HEADER_8BIT) != 0) == (pos < len && kind == 0));
				CHECK(((msg->root->problems & MV_PROB_NUL_BYTES) != 0) == (pos < len && kind == 1));
				mv_msg_free(&msg);
			}
		}
	}
}

static void test_mixed_eol_only_in_top_headers(void)
{
	struct mv_msg *msg = parse("From: a@example.com\r\nnot a field\nx\n");

	CHECK(msg->problems & MV_PROB_HEADER_SYNTAX);
	CHECK_INT(msg->problems & MV_PROB_MIXED_EOL, 0);
	mv_msg_free(&msg);
	msg = parse("Subject: a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\nX-A: 1\r\nX-B: 2\n\nbody\n--b--\n");
	CHECK_INT(msg->problems & MV_PROB_MIXED_EOL, 0);
	mv_msg_free(&msg);
	msg = parse("Subject: a\r\nTo: b@example.com\r\n \tfolded\n\r\nbody");
	CHECK(msg->problems & MV_PROB_MIXED_EOL);
	mv_msg_free(&msg);
}

static void test_broken_header_line_starts_body(void)
{
	struct mv_msg *msg = parse("From: a@example.com\nthis is not a header\nSubject: no\n");

	CHECK_INT(msg->root->n_headers, 1);
	CHECK(msg->problems & MV_PROB_HEADER_SYNTAX);
	CHECK_STR(msg->root->body, "this is not a header\nSubject: no\n");
	mv_msg_free(&msg);
}

static void test_mbox_from_line(void)
{
	struct mv_msg *msg = parse("From sender@example.com Tue Jun 18 11:23:45 2002\nSubject: s\n\nb");

	CHECK_STR(msg->mbox_from, "From sender@example.com Tue Jun 18 11:23:45 2002\n");
	CHECK_INT(msg->root->n_headers, 1);
	CHECK_STR(msg->root->body, "b");
	mv_msg_free(&msg);
}

static void test_no_headers(void)
{
	struct mv_msg *msg = parse("just some text\nwith no header\n");

	CHECK_INT(msg->root->n_headers, 0);
	CHECK(msg->problems & MV_PROB_NO_HEADERS);
	CHECK_STR(msg->root->body, "just some text\nwith no header\n");
	mv_msg_free(&msg);
}

static const char nested[] =
	"Content-Type: multipart/mixed; boundary=outer\n"
	"\n"
	"preamble text\n"
	"--outer\n"
	"Content-Type: multipart/alternative; boundary=\"inner\"\n"
	"\n"
	"--inner\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"\n"
	"plain\n"
	"--inner\n"
	"Content-Type: text/html\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"<p>h=C3=A9</p>\n"
	"--inner--\n"
	"\n"
	"--outer\n"
	"Content-Type: application/octet-stream; name=a.bin\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"Zm9vYmFy\n"
	"--outer\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"Subject: inner message\n"
	"Content-Type: text/plain\n"
	"\n"
	"inner body\n"
	"--outer--\n"
	"epilogue\n";

static void test_nested_tree(void)
{
	struct mv_msg *msg = parse(nested);
	struct mv_part **p = msg->parts;

	check_tree(msg, "0:multipart/mixed 1:multipart/alternative 2:text/plain 2:text/html "
			"1:application/octet-stream 1:message/rfc822 2:text/plain");
	CHECK_STR(msg->root->preamble, "preamble text");
	CHECK_STR(msg->root->epilogue, "epilogue\n");
	CHECK_STR(p[2]->body, "plain");
	CHECK_STR(p[2]->charset, "utf-8");
	CHECK_STR(p[3]->body, "<p>h=C3=A9</p>");
	CHECK_STR(mv_part_decoded(msg, p[3]), "<p>h\xC3\xA9</p>");
	CHECK_INT(p[3]->decoded_size, 10);
	CHECK_STR(p[4]->filename, "a.bin");
	CHECK(mv_part_is_attachment(p[4]));
	CHECK_INT(mv_part_decoded_size(msg, p[4]), 6);
	CHECK_STR(mv_part_decoded(msg, p[4]), "foobar");
	CHECK_INT(p[6]->n_headers, 2);
	CHECK_STR(p[6]->body, "inner body");
	CHECK(p[6]->parent == p[5] && p[5]->parent == msg->root);
	CHECK(msg->root->children == p[1] && p[1]->next == p[4] && p[4]->next == p[5]);
	CHECK_INT(msg->problems, 0);
	mv_msg_free(&msg);
}

static void test_multipart_damage(void)
{
	struct mv_msg *msg;

	msg = parse("Content-Type: multipart/mixed\n\n--x\n\nbody\n--x--\n");
	CHECK(msg->problems & MV_PROB_NO_BOUNDARY);
	CHECK_INT(msg->n_parts, 1);
	mv_msg_free(&msg);

	msg = parse("Content-Type: multipart/mixed; boundary=zzz\n\n--x\n\nbody\n--x--\n");
	CHECK(msg->problems & MV_PROB_BOUNDARY_MISSING);
	CHECK_STR(msg->root->preamble, "--x\n\nbody\n--x--\n");
	mv_msg_free(&msg);

	msg = parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n");
	CHECK(msg->problems & MV_PROB_UNCLOSED_MULTIPART);
	CHECK_INT(msg->n_parts, 3);
	CHECK_STR(msg->parts[2]->body, "two\n");
	mv_msg_free(&msg);

	/* A boundary that is a prefix of a line is not a delimiter. */
	msg = parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx not a delimiter\n--b--\n");
	CHECK_INT(msg->n_parts, 2);
	CHECK_STR(msg->parts[1]->body, "--bx not a delimiter");
	mv_msg_free(&msg);
}

/*
 * Delimiter lines are found 16 line starts at a time, then byte by byte near
 * the end: each offset of a delimiter, with decoys ("--" not at a line start,
 * the boundary in mid-line, another "--" line) before it, and CRLF lines.
 */
static void test_delimiter_at_every_offset(void)
{
	char text[256], pad[64];
	unsigned n;

	for (n = 0; n < 40; n++) {
		struct mv_msg *msg;

		memset(pad, 'x', n);
		pad[n] = '\0';
		snprintf(text, sizeof(text),
			 "Content-Type: multipart/mixed; boundary=bd\r\n\r\n"
			 "--bd\r\n\r\n%s a--bd --\r\n-- sig\r\n--bd--", pad);
		msg = parse(text);
		CHECK_INT(msg->n_parts, 2);
		CHECK_INT(msg->problems & MV_PROB_UNCLOSED_MULTIPART, 0);
		CHECK_INT(msg->parts[1]->body.len, n + sizeof(" a--bd --\r\n-- sig") - 1);
		mv_msg_free(&msg);
	}
}

static void test_digest_defaults_to_message(void)
{
	struct mv_msg *msg = parse("Content-Type: multipart/digest; boundary=d\n\n--d\n\n"
				   "Subject: one\n\nfirst\n--d--\n");

	check_tree(msg, "0:multipart/digest 1:message/rfc822 2:text/plain");
	mv_msg_free(&msg);
}

static void test_cte_parsing(void)
{
	struct mv_msg *msg = parse("Content-Transfer-Encoding:  Base64 (comment)\n\nZm9v\n");

	CHECK_INT(msg->root->cte, MV_CTE_BASE64);
	CHECK_STR(mv_part_decoded(msg, msg->root), "foo");
	mv_msg_free(&msg);
	/* Found by fuzz_msg: an empty value was read past its end. */
	msg = parse("Content-Transfer-Encoding: ");
	CHECK_INT(msg->root->cte, MV_CTE_UNKNOWN);
	mv_msg_free(&msg);
	msg = parse("Content-Transfer-Encoding: x-gzip64\n\nabc");
	CHECK_INT(msg->root->cte, MV_CTE_UNKNOWN);
	CHECK(msg->problems & MV_PROB_UNKNOWN_CTE);
	mv_msg_free(&msg);
}

/* Builds count nested containers: multiparts or message/rfc822 parts. */
static char *build_nested(unsigned count, bool rfc822, size_t *len_r)
{
	size_t cap = (size_t)count * 120 + 256, len = 0;
	char *buf = malloc(cap);
	unsigned i;

	for (i = 0; i < count; i++) {
		if (rfc822)
			len += (size_t)snprintf(buf + len, cap - len, "Content-Type: message/rfc822\n\n");
		else
			len += (size_t)snprintf(buf + len, cap - len,
						"Content-Type: multipart/mixed; boundary=b%u\n\n--b%u\n", i, i);
	}
	len += (size_t)snprintf(buf + len, cap - len, "Content-Type: text/plain\n\ndeep\n");
	*len_r = len;
	return buf;
}

static void test_limits_deep_nesting(void)
{
	int kind;

	for (kind = 0; kind < 2; kind++) {
		size_t len;
		char *buf = build_nested(20000, kind == 1, &len);
		struct mv_msg *msg = NULL;
		clock_t t0 = clock();

		CHECK(mv_msg_parse(buf, len, NULL, &msg) == 0);
		CHECK(msg->problems & MV_PROB_MIME_DEPTH);
		CHECK_INT(msg->n_parts, MV_DEFAULT_MAX_MIME_DEPTH + 1);
		CHECK(mv_arena_used(msg->arena) < (size_t)4 << 20);
		/* Generous: a sanity bound, not a benchmark. */
		CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < time_bound(5.0));
		mv_msg_free(&msg);
		free(buf);
	}
}

static void test_limits_part_count(void)
{
	size_t cap = 200000, len = 0;
	char *buf = malloc(cap);
	struct mv_msg *msg = NULL;
	unsigned i;

	len += (size_t)snprintf(buf + len, cap - len, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (i = 0; i < 5000; i++)
		len += (size_t)snprintf(buf + len, cap - len, "--b\n\nx\n");
	len += (size_t)snprintf(buf + len, cap - len, "--b--\n");
	CHECK(mv_msg_parse(buf, len, NULL, &msg) == 0);
	CHECK_INT(msg->n_parts, MV_DEFAULT_MAX_PARTS);
	CHECK(msg->problems & MV_PROB_PART_COUNT);
	mv_msg_free(&msg);
	free(buf);
}

static void test_limits_million_headers(void)
{
	size_t n = 1000000, len = 0;
	char *buf = malloc(n * 8 + 64);
	struct mv_msg *msg = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(buf + len, "X-A: b\n", 7);
		len += 7;
	}
	memcpy(buf + len, "\nbody", 5);
	len += 5;
	CHECK(mv_msg_parse(buf, len, NULL, &msg) == 0);
	CHECK_INT(msg->root->n_headers, MV_DEFAULT_MAX_HEADERS);
	CHECK(msg->problems & MV_PROB_HEADER_COUNT);
	CHECK_STR(msg->root->body, "body");
	CHECK(mv_arena_used(msg->arena) < (size_t)1 << 20);
	mv_msg_free(&msg);
	free(buf);
}

static void test_limits_huge_header(void)
{
	size_t n = (size_t)64 << 20, len;
	char *buf = malloc(n + 64);
	struct mv_msg *msg = NULL;

	memcpy(buf, "Subject: ", 9);
	memset(buf + 9, 'a', n);
	len = 9 + n;
	memcpy(buf + len, "\nTo: x@y\n\nbody", 14);
	len += 14;
	CHECK(mv_msg_parse(buf, len, NULL, &msg) == 0);
	CHECK(msg->problems & MV_PROB_HEADER_BYTES);
	CHECK_INT(msg->root->n_headers, 0);
	CHECK_STR(msg->root->body, "body");
	mv_msg_free(&msg);
	free(buf);
}

static void test_limits_huge_attachment(void)
{
	size_t raw = (size_t)256 << 20, len = 0, i;
	const char *head = "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
			   "Content-Type: application/zip\nContent-Transfer-Encoding: base64\n\n";
	char *buf = malloc(raw + 4096);
	struct mv_msg *msg = NULL;

	memcpy(buf, head, strlen(head));
	len = strlen(head);
	for (i = 0; i + 77 <= raw; i += 77) {
		memset(buf + len, 'Q', 76);
		buf[len + 76] = '\n';
		len += 77;
	}
	memcpy(buf + len, "--b--\n", 6);
	len += 6;
	CHECK(mv_msg_parse(buf, len, NULL, &msg) == 0);
	CHECK_INT(msg->n_parts, 2);
	CHECK_INT(mv_part_decoded_size(msg, msg->parts[1]), (raw / 77) * 57);
	/* Sizes are counted, not decoded: the arena stays small. */
	CHECK(mv_arena_used(msg->arena) < (size_t)1 << 20);
	mv_msg_free(&msg);
	free(buf);
}

static void test_limits_configurable(void)
{
	struct mv_limits limits = { 0 };
	struct mv_msg *msg = NULL;
	const char *text = "A: 1\nB: 2\nC: 3\n\nx";
	const char *error;

	CHECK(mv_limits_set(&limits, "max-headers", "2", &error) == -1);	/* below the minimum */
	CHECK(mv_limits_set(&limits, "max-headers", "16", &error) == 0);
	CHECK(mv_limits_set(&limits, "max-decoded-bytes", "4M", &error) == 0);
	CHECK_INT(limits.max_decoded_bytes, (size_t)4 << 20);
	CHECK(mv_limits_set(&limits, "no-such-limit", "1", &error) == -1);
	CHECK(mv_limits_set(&limits, "max-parts", "12x", &error) == -1);
	CHECK(mv_limits_set(&limits, "max-mime-depth", "2", &error) == 0);
	CHECK(mv_msg_parse(text, strlen(text), &limits, &msg) == 0);
	CHECK_INT(msg->limits.max_mime_depth, 2);
	CHECK_INT(msg->root->n_headers, 3);
	mv_msg_free(&msg);
}

/*
 * A base64 body whose decoded bytes do not fit under the arena's ceiling
 * (64 MiB + 4 x max-decoded-bytes) is not kept, but its size is still counted
 * and the memory problem is noted.
 */
static void test_decoded_size_counted_when_arena_full(void)
{
	static const char head[] = "Content-Type: application/octet-stream\n"
				   "Content-Transfer-Encoding: base64\n\n";
	size_t quads = (size_t)23 << 20, len = sizeof(head) - 1 + quads * 4;	/* decodes to 69 MiB */
	struct mv_limits limits = { 0 };
	struct mv_msg *msg = NULL;
	char *text = malloc(len);
	const char *error;
	mv_str raw;

	CHECK(text != NULL);
	if (text == NULL)
		return;
	memcpy(text, head, sizeof(head) - 1);
	memset(text + sizeof(head) - 1, 'Q', quads * 4);
	CHECK(mv_limits_set(&limits, "max-decoded-bytes", "1K", &error) == 0);
	CHECK(mv_msg_parse(text, len, &limits, &msg) == 0);
	raw = mv_part_decoded(msg, msg->root);
	CHECK(raw.p == NULL);
	CHECK((msg->problems & MV_PROB_MEMORY) != 0);
	CHECK_INT(mv_part_decoded_size(msg, msg->root), quads * 3);
	mv_msg_free(&msg);
	free(text);
}

/* Lookups fold case; names longer than a SIMD block and names that share a key still match exactly. */
static void test_header_lookup_by_name(void)
{
	struct mv_msg *msg = parse("received: one\nX-A-Rather-Long-Field-Name-Here: long\nRECEIVED: two\n"
				   "X-Ab: 1\nX-Ab : 2\nX-bb: 3\nSubject:\tsp\nReceived: three\n"
				   "X-A-Rather-Long-Field-Name-HerE: long2\n\nbody");
	const struct mv_header *h;

	CHECK_INT(msg->root->n_headers, 9);
	CHECK_INT(mv_part_header_count(msg->root, "Received"), 3);
	h = mv_part_header(msg->root, "Received");
	CHECK(h != NULL);
	CHECK_STR(h->value, "one");
	h = mv_part_header_next(msg->root, h);
	CHECK(h != NULL);
	CHECK_STR(h->value, "two");
	h = mv_part_header_next(msg->root, h);
	CHECK(h != NULL);
	CHECK_STR(h->value, "three");
	CHECK(mv_part_header_next(msg->root, h) == NULL);
	CHECK_INT(mv_part_header_count(msg->root, "x-a-rather-long-field-name-here"), 2);
	CHECK_INT(mv_part_header_count(msg->root, "X-Ab"), 2);	/* not X-bb, same length and ends */
	CHECK_INT(mv_part_header_count(msg->root, "x-bb"), 1);
	CHECK_INT(mv_part_header_count(msg->root, "X-A"), 0);
	CHECK_INT(mv_part_header_count(msg->root, ""), 0);
	CHECK_STR(mv_part_header(msg->root, "SUBJECT")->value, "sp");
	CHECK_STR(msg->root->body, "body");
	CHECK_INT(msg->problems & (MV_PROB_DUP_HEADER | MV_PROB_HEADER_SYNTAX), 0);
	mv_msg_free(&msg);

	msg = parse("subject: a\nSubject: b\n\nx");
	CHECK(msg->problems & MV_PROB_DUP_HEADER);
	mv_msg_free(&msg);
	/*
	 * Names longer than 16 bytes that differ only between their first and
	 * last 8 bytes (and keep the name key's middle byte) are other fields:
	 * a "Content-TransXer-Encoding" must not pass for the real one.
	 */
	msg = parse("Content-TransXer-Encoding: base64\nX-Long-Name-Aaaa-Bbbbb: 1\n\naGVsbG8=");
	CHECK(mv_part_header(msg->root, "Content-Transfer-Encoding") == NULL);
	CHECK_INT(msg->root->cte, MV_CTE_7BIT);
	CHECK_INT(mv_part_header_count(msg->root, "X-Long-NaXe-Aaaa-Bbbbb"), 0);
	CHECK_INT(mv_part_header_count(msg->root, "x-long-name-aaaa-bbbbb"), 1);
	mv_msg_free(&msg);
	/* "Foom" and a 260-byte name have the name key of "From" (the key keeps len & 0xff) but are other fields. */
	{
		char buf[400];
		size_t n = 0;

		memcpy(buf, "From: a\nFoom: b\n", 16);
		n = 16;
		memset(buf + n, 'x', 260);
		buf[n] = 'F';
		buf[n + 130] = 'o';
		buf[n + 259] = 'm';
		n += 260;
		memcpy(buf + n, ": c\n\nx", 7);
		n += 7;
		CHECK(mv_msg_parse(buf, n, NULL, &msg) == 0);
		CHECK_INT(msg->root->n_headers, 3);
		CHECK_INT(msg->problems & MV_PROB_DUP_HEADER, 0);
		mv_msg_free(&msg);
	}
	msg = parse("Foom: b\nTo: c\nFROM: a\nfrom: b\n\nx");
	CHECK(msg->problems & MV_PROB_DUP_HEADER);
	mv_msg_free(&msg);
	/* Each field allowed once is caught twice (the check's name keys are constants). */
	{
		static const char *const once[] = { "From", "Sender", "Subject", "Date", "Message-ID",
						    "To", "Reply-To", "In-Reply-To" };
		char buf[128];
		size_t i;
		int n;

		for (i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
			n = snprintf(buf, sizeof(buf), "X-A: 1\n%s: a\nX-B: 2\n\nx", once[i]);
			CHECK(mv_msg_parse(buf, (size_t)n, NULL, &msg) == 0);
			CHECK_INT(msg->problems & MV_PROB_DUP_HEADER, 0);
			mv_msg_free(&msg);
			n = snprintf(buf, sizeof(buf), "%s: a\nX-A: 1\n%s: b\n\nx", once[i], once[i]);
			CHECK(mv_msg_parse(buf, (size_t)n, NULL, &msg) == 0);
			CHECK(msg->problems & MV_PROB_DUP_HEADER);
			mv_msg_free(&msg);
		}
	}
	/* A name byte outside ftext (here '\x01') stops the name: not a field, the body starts. */
	msg = parse("A: 1\nX-Seventeen-Bytes\x01: 2\n\nx");
	CHECK_INT(msg->root->n_headers, 1);
	CHECK(msg->problems & MV_PROB_HEADER_SYNTAX);
	mv_msg_free(&msg);
}

int main(void)
{
	RUN(test_headers_lf_and_folding);
	RUN(test_decoded_size_counted_when_arena_full);
	RUN(test_header_lookup_by_name);
	RUN(test_headers_crlf_views_point_into_input);
	RUN(test_headers_mixed_eol_and_8bit);
	RUN(test_mixed_eol_only_in_top_headers);
	RUN(test_header_byte_problems_every_position);
	RUN(test_broken_header_line_starts_body);
	RUN(test_mbox_from_line);
	RUN(test_no_headers);
	RUN(test_nested_tree);
	RUN(test_multipart_damage);
	RUN(test_delimiter_at_every_offset);
	RUN(test_digest_defaults_to_message);
	RUN(test_cte_parsing);
	RUN(test_limits_deep_nesting);
	RUN(test_limits_part_count);
	RUN(test_limits_million_headers);
	RUN(test_limits_huge_header);
	RUN(test_limits_huge_attachment);
	RUN(test_limits_configurable);
	return test_summary();
}
