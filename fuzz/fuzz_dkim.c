/*
 * libFuzzer target for DKIM's parsers and canonicalization; the first byte
 * picks what the rest is:
 *   0  a DKIM-Signature value (tag list, strict checks, base64, i= quoted-printable)
 *   1  a key record, then its key loaded into OpenSSL
 *   2  a body: both canonicalizations, whole and in pieces (sizes from the second
 *      byte) must give the same bytes; the canonical form's invariants hold; an
 *      l= limit gives a prefix of it
 *   3  a message: every header field canonicalized both ways (invariants), and the
 *      first DKIM-Signature parsed and its h= selected
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/dkim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct capture {
	char *p;
	size_t len, cap;
};

static int capture_sink(void *ctx, const void *p, size_t n)
{
	struct capture *c = ctx;

	if (c->len + n > c->cap) {
		c->cap = (c->len + n) * 2 + 64;
		c->p = realloc(c->p, c->cap);
		if (c->p == NULL)
			abort();
	}
	if (n != 0)
		memcpy(c->p + c->len, p, n);
	c->len += n;
	return 0;
}

static void canon_body(enum dkim_canon canon, const char *in, size_t len, size_t step, uint64_t limit,
		       struct capture *out)
{
	struct dkim_body_canon bc;
	size_t off;

	out->len = 0;
	dkim_body_canon_init(&bc, canon, limit, capture_sink, out);
	for (off = 0; off < len; off += step) {
		if (dkim_body_canon_update(&bc, in + off, len - off < step ? len - off : step) < 0)
			abort();
	}
	if (dkim_body_canon_final(&bc) < 0 || bc.len != out->len || out->len > limit)
		abort();
}

/* A space, or the end of a line, at c->p[i]: what may not follow a space in relaxed form. */
static bool space_follows(const struct capture *c, size_t i)
{
	return i < c->len && (c->p[i] == ' ' || (c->p[i] == '\r' && i + 1 < c->len && c->p[i + 1] == '\n'));
}

/* Every line ends in CRLF, no line end but those; relaxed: no tab, no double space, no space before CRLF. */
static void check_canonical_body(enum dkim_canon canon, const struct capture *c)
{
	size_t i;

	if (c->len == 0) {
		if (canon == DKIM_CANON_SIMPLE)
			abort();
		return;
	}
	if (c->len < 2 || c->p[c->len - 2] != '\r' || c->p[c->len - 1] != '\n')
		abort();
	if (c->len >= 4 && memcmp(c->p + c->len - 4, "\r\n\r\n", 4) == 0)
		abort();
	for (i = 0; i < c->len; i++) {
		if (c->p[i] == '\n' && (i == 0 || c->p[i - 1] != '\r'))
			abort();
		if (canon == DKIM_CANON_RELAXED && (c->p[i] == '\t' || (c->p[i] == ' ' && space_follows(c, i + 1))))
			abort();
	}
}

static void fuzz_body(const uint8_t *data, size_t size)
{
	struct capture whole = { 0 }, pieces = { 0 };
	size_t step = size != 0 ? (size_t)data[0] % 17 + 1 : 1;
	const char *in = (const char *)data + (size != 0);
	size_t len = size - (size != 0);
	int canon;

	for (canon = DKIM_CANON_SIMPLE; canon <= DKIM_CANON_RELAXED; canon++) {
		canon_body(canon, in, len, len + 1, UINT64_MAX, &whole);
		check_canonical_body(canon, &whole);
		canon_body(canon, in, len, step, UINT64_MAX, &pieces);
		if (pieces.len != whole.len || memcmp(pieces.p, whole.p, whole.len) != 0)
			abort();
		canon_body(canon, in, len, step, whole.len / 2, &pieces);
		if (pieces.len != whole.len / 2 || memcmp(pieces.p, whole.p, pieces.len) != 0)
			abort();
	}
	free(whole.p);
	free(pieces.p);
}

static void check_canonical_header(enum dkim_canon canon, const struct capture *c)
{
	size_t i;

	if (c->len < 2 || c->p[c->len - 2] != '\r' || c->p[c->len - 1] != '\n')
		abort();
	for (i = 0; i + 2 < c->len; i++) {
		if (canon == DKIM_CANON_RELAXED &&
		    (c->p[i] == '\n' || c->p[i] == '\t' || (c->p[i] == ' ' && space_follows(c, i + 1))))
			abort();
		if (c->p[i] == '\n' && (i == 0 || c->p[i - 1] != '\r'))
			abort();
	}
}

static void fuzz_message(const uint8_t *data, size_t size)
{
	struct mv_limits limits = { .max_headers = 64 };
	struct capture c = { 0 };
	struct mv_msg *msg;
	const struct mv_header *sig_field, **sel;
	struct dkim_sig sig;
	const char *error;
	unsigned i;

	if (mv_msg_parse((const char *)data, size, &limits, &msg) < 0)
		return;
	for (i = 0; i < msg->root->n_headers; i++) {
		int canon;

		for (canon = DKIM_CANON_SIMPLE; canon <= DKIM_CANON_RELAXED; canon++) {
			c.len = 0;
			if (dkim_canon_header(canon, &msg->root->headers[i], NULL, NULL, true, capture_sink, &c) < 0)
				abort();
			check_canonical_header(canon, &c);
		}
	}
	sig_field = mv_part_header(msg->root, "DKIM-Signature");
	if (sig_field != NULL && dkim_sig_parse(msg->arena, sig_field->value, &sig, &error) == 0) {
		int n = dkim_select_headers(msg->arena, msg->root, &sig, &sel);

		if (n < 0 || (unsigned)n > sig.n_h || (unsigned)n > msg->root->n_headers)
			abort();
		c.len = 0;
		if (dkim_canon_header(sig.header_canon, sig_field, sig.b_cut, sig.b_cut_end, false, capture_sink, &c) < 0)
			abort();
	}
	free(c.p);
	mv_msg_free(&msg);
}

static void fuzz_signature(mv_arena *arena, mv_str in)
{
	struct dkim_sig sig;
	const char *error = NULL;

	if (dkim_sig_parse(arena, in, &sig, &error) < 0) {
		if (error == NULL)
			abort();
		return;
	}
	if (!dkim_domain_valid(sig.domain) || !dkim_domain_valid(sig.selector) || sig.n_h == 0 ||
	    sig.n_h > DKIM_MAX_H_NAMES || sig.b_len == 0 || sig.b_len > DKIM_MAX_SIG_BYTES || sig.bh_len == 0 ||
	    sig.b_cut < in.p || sig.b_cut_end > in.p + in.len || sig.b_cut > sig.b_cut_end ||
	    (sig.has_t && sig.has_x && sig.x <= sig.t))
		abort();
}

static void fuzz_key(mv_arena *arena, mv_str in)
{
	struct dkim_key key;
	const char *error = NULL;
	unsigned bits = 0;
	EVP_PKEY *pkey;

	if (dkim_key_parse(arena, in, &key, &error) < 0) {
		if (error == NULL)
			abort();
		return;
	}
	if (key.p_len == 0 || key.p_len > DKIM_MAX_KEY_BYTES)
		abort();
	pkey = dkim_pkey_load(&key, &bits, &error);
	if (pkey != NULL && (bits == 0 || bits > DKIM_MAX_RSA_BITS))
		abort();
	EVP_PKEY_free(pkey);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_arena *arena;
	mv_str in;

	if (size == 0)
		return 0;
	in = mv_str_make((const char *)data + 1, size - 1);
	switch (data[0] % 4) {
	case 0:
	case 1:
		arena = mv_arena_new((size_t)16 << 20);
		if (arena == NULL)
			return 0;
		if (data[0] % 4 == 0)
			fuzz_signature(arena, in);
		else
			fuzz_key(arena, in);
		mv_arena_free(&arena);
		break;
	case 2:
		fuzz_body(data + 1, size - 1);
		break;
	default:
		fuzz_message(data + 1, size - 1);
		break;
	}
	return 0;
}
