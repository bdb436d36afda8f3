/*
 * Signing for the tests of DKIM and ARC verification: keys in the form of a
 * key record's p=, canonical bytes gathered in a buffer, the signature of
 * those bytes as b= holds it (RSASSA-PKCS1-v1_5, or Ed25519 over the SHA-256
 * digest as RFC 8463 3 says), and a whole message signed.
 */
#ifndef MAILVET_TEST_SIGN_H
#define MAILVET_TEST_SIGN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "auth/dkim.h"
#include "mailvet/msg.h"
#include "test.h"

/* a, b and c joined (malloc()ed). */
static inline char *concat3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *out = malloc(n);

	snprintf(out, n, "%s%s%s", a, b, c);
	return out;
}

/* Base64 of n bytes (malloc()ed). */
static inline char *b64(const unsigned char *p, size_t n)
{
	char *out = malloc(n * 4 / 3 + 8);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/* The p= of a key record for the key (malloc()ed): SubjectPublicKeyInfo, or ed25519's raw 32 bytes. */
static inline char *key_p(EVP_PKEY *key)
{
	unsigned char raw[32], *der = NULL;
	size_t n = sizeof(raw);
	char *out;
	int len;

	if (EVP_PKEY_is_a(key, "ED25519")) {
		EVP_PKEY_get_raw_public_key(key, raw, &n);
		return b64(raw, n);
	}
	len = i2d_PUBKEY(key, &der);
	out = b64(der, (size_t)len);
	OPENSSL_free(der);
	return out;
}

struct buf {
	char *p;
	size_t len, cap;
};

/* A dkim_sink_fn that appends to a struct buf. */
static inline int buf_sink(void *ctx, const void *p, size_t n)
{
	struct buf *b = ctx;

	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

/* The base64 signature of the header data (malloc()ed); sha1 for rsa-sha1. */
static inline char *sign_data(EVP_PKEY *key, bool sha1, const struct buf *data)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[1100], digest[32];
	size_t len = sizeof(sig);

	if (EVP_PKEY_is_a(key, "ED25519")) {
		EVP_Digest(data->p, data->len, digest, NULL, EVP_sha256(), NULL);
		CHECK(EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1);
		CHECK(EVP_DigestSign(ctx, sig, &len, digest, sizeof(digest)) == 1);
	} else {
		CHECK(EVP_DigestSignInit(ctx, NULL, sha1 ? EVP_sha1() : EVP_sha256(), NULL, key) == 1);
		CHECK(EVP_DigestSign(ctx, sig, &len, (unsigned char *)data->p, data->len) == 1);
	}
	EVP_MD_CTX_free(ctx);
	return b64(sig, len);
}

/*
 * b= for the signature `field` of msg (DKIM-Signature or an AMS), parsed as
 * sig: the fields its h= selects, then the field itself without its b=
 * value, signed with key (malloc()ed base64).
 */
static inline char *sign_fields(struct mv_msg *msg, const struct dkim_sig *sig, const struct mv_header *field,
				EVP_PKEY *key)
{
	const struct mv_header **sel;
	struct buf data = { NULL, 0, 0 };
	char *out;
	int n = dkim_select_headers(msg->arena, msg->root, sig, &sel), i;

	for (i = 0; i < n; i++)
		dkim_canon_header(sig->header_canon, sel[i], NULL, NULL, true, buf_sink, &data);
	dkim_canon_header(sig->header_canon, field, sig->b_cut, sig->b_cut_end, false, buf_sink, &data);
	out = sign_data(key, sig->alg == DKIM_ALG_RSA_SHA1, &data);
	free(data.p);
	return out;
}

/*
 * Signs `rest` (header fields, blank line, body) with `key`: returns the
 * message with "DKIM-Signature: TAGS; bh=...; b=..." on top.  The tags must
 * hold v, a, d, s, h and whatever else the case wants (c, i, l, t, x).
 */
static inline char *sign_message(const char *rest, const char *tags, EVP_PKEY *key)
{
	struct mv_msg *msg = NULL;
	struct dkim_sig sig;
	const char *error = "";
	unsigned char bh[64];
	size_t bh_len = 0;
	size_t head_size = strlen(tags) + 200;
	char *head = malloc(head_size), *text, *out, *bh64, *b64sig;

	/* The body hash first, from the tags alone. */
	snprintf(head, head_size, "DKIM-Signature: %s; bh=AAAA; b=AAAA\r\n", tags);
	text = concat3(head, rest, "");
	mv_msg_parse(text, strlen(text), NULL, &msg);
	CHECK(dkim_sig_parse(msg->arena, mv_part_header(msg->root, "DKIM-Signature")->value, &sig, &error) == 0);
	if (error[0] != '\0')
		fprintf(stderr, "sign: %s\n", error);
	if (dkim_body_hash(&sig, msg->root->body, bh, &bh_len) == 1) {
		/* l= past the body: hash it all, as a signer that does not check would. */
		sig.has_l = false;
		CHECK(dkim_body_hash(&sig, msg->root->body, bh, &bh_len) == 0);
	}
	mv_msg_free(&msg);
	free(text);
	/* Then the header data, with b= emptied as the verifier will see it. */
	bh64 = b64(bh, bh_len);
	snprintf(head, head_size, "DKIM-Signature: %s; bh=%s;\r\n\tb=", tags, bh64);
	text = concat3(head, "AAAA\r\n", rest);
	mv_msg_parse(text, strlen(text), NULL, &msg);
	dkim_sig_parse(msg->arena, mv_part_header(msg->root, "DKIM-Signature")->value, &sig, &error);
	b64sig = sign_fields(msg, &sig, mv_part_header(msg->root, "DKIM-Signature"), key);
	mv_msg_free(&msg);
	free(text);
	text = concat3(head, b64sig, "\r\n");
	out = concat3(text, rest, "");
	free(text);
	free(b64sig);
	free(bh64);
	free(head);
	return out;
}

#endif
