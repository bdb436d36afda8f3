/*
 * The decoded Subject and From views: header values that take the plain
 * shortcut (printable ASCII without '=') give exactly what the RFC 2047
 * decoder gives, around the 16-byte steps of the plain check too, and the
 * limit on a decoded value still cuts and flags.
 */
#include "mailvet/charset.h"
#include "mailvet/msg.h"
#include "test.h"

static unsigned next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static struct mv_msg *parse(const char *text)
{
	struct mv_msg *msg = NULL;

	CHECK(mv_msg_parse(text, strlen(text), NULL, &msg) == 0);
	return msg;
}

/* Values of 0 to 47 bytes over a small alphabet, plain and not: the shortcut agrees with the decoder. */
static void test_decode_header_matches_rfc2047(void)
{
	static const char alphabet[] = { 'a', 'Z', ' ', ' ', ' ', '\t', '=', '?', '_', '\r', '\n', '\x01',
		'\x7f', '\x80', '\xc3', '\xa9', '~', '"' };
	struct mv_msg *msg = parse("Subject: x\r\n\r\nbody\r\n");
	unsigned seed = 99, n, failures = 0;

	for (n = 0; n < 100000; n++) {
		char v[48];
		size_t len = next_rand(&seed) % sizeof(v), i;
		unsigned odd = next_rand(&seed) % 4;
		mv_buf want;
		mv_str got;

		for (i = 0; i < len; i++) {
			/* Mostly letters and blanks, so the plain shortcut is taken often. */
			unsigned k = next_rand(&seed) % (odd == 0 ? sizeof(alphabet) : 6);

			v[i] = alphabet[k];
		}
		got = mv_msg_decode_header(msg, mv_str_make(v, len));
		mv_buf_init(&want, msg->arena, msg->limits.max_header_value);
		(void)mv_rfc2047_decode(mv_str_make(v, len), &want);
		if (got.len != want.len || (got.len != 0 && memcmp(got.p, want.p, got.len) != 0) ||
		    got.p[got.len] != '\0') {
			if (failures++ < 5)
				fprintf(stderr, "\"%.*s\": got \"%.*s\" want \"%.*s\"\n", (int)len, v, (int)got.len,
					got.p, (int)want.len, want.p != NULL ? want.p : "");
		}
	}
	CHECK_INT(failures, 0);
	CHECK(msg->problems == 0);
	mv_msg_free(&msg);
}

static void test_subject_plain_and_encoded(void)
{
	struct mv_msg *msg = parse("From: Bob <bob@x.example>\r\n"
				   "Subject:   Plain subject, longer than sixteen bytes\t \r\n\r\nbody\r\n");

	CHECK_STR(mv_msg_subject(msg), "Plain subject, longer than sixteen bytes");
	CHECK_STR(mv_msg_from(msg)->name, "Bob");
	mv_msg_free(&msg);
	msg = parse("Subject: =?utf-8?q?Caf=C3=A9?= au lait\r\n\r\nbody\r\n");
	CHECK_STR(mv_msg_subject(msg), "Caf\xc3\xa9 au lait");
	mv_msg_free(&msg);
	msg = parse("Subject: a plain start, then =?utf-8?q?Caf=C3=A9?=\r\n\r\nbody\r\n");
	CHECK_STR(mv_msg_subject(msg), "a plain start, then Caf\xc3\xa9");
	mv_msg_free(&msg);
	msg = parse("Subject: a plain start, then J\xc3\xb6rg\r\n\r\nbody\r\n");
	CHECK_STR(mv_msg_subject(msg), "a plain start, then J\xc3\xb6rg");
	mv_msg_free(&msg);
}

/* A plain value longer than max_header_value is cut and flagged, as any other. */
static void test_subject_limit(void)
{
	struct mv_limits lim = { 0 };
	struct mv_msg *msg = NULL;
	const char *text = "Subject: 0123456789abcdefghij\r\n\r\nbody\r\n";

	lim.max_header_value = 10;
	CHECK(mv_msg_parse(text, strlen(text), &lim, &msg) == 0);
	CHECK_STR(mv_msg_subject(msg), "0123456789");
	CHECK(msg->problems & MV_PROB_HEADER_VALUE);
	mv_msg_free(&msg);
}

int main(void)
{
	RUN(test_decode_header_matches_rfc2047);
	RUN(test_subject_plain_and_encoded);
	RUN(test_subject_limit);
	return test_summary();
}
