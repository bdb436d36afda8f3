/*
 * The cryptography of DKIM, on OpenSSL 3's EVP interface: the body hash
 * (SHA-256, or SHA-1 for the rsa-sha1 that RFC 8301 retired), RSASSA-PKCS1-
 * v1_5 over the header data, and Ed25519 (RFC 8463 3: PureEdDSA over the
 * SHA-256 digest of the header data, not over the data itself).  Canonical
 * bytes go straight from dkim_canon.c into the digest.  OpenSSL's error queue
 * is cleared after every failure: a hostile key must not leave errors behind
 * for whatever the thread does next.
 */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "auth/dkim.h"

static const EVP_MD *hash_md(enum dkim_hash hash)
{
	return hash == DKIM_HASH_SHA1 ? EVP_sha1() : EVP_sha256();
}

static int digest_sink(void *ctx, const void *p, size_t n)
{
	return EVP_DigestUpdate(ctx, p, n) == 1 ? 0 : -1;
}

static int verify_sink(void *ctx, const void *p, size_t n)
{
	return EVP_DigestVerifyUpdate(ctx, p, n) == 1 ? 0 : -1;
}

int dkim_body_hash(const struct dkim_sig *sig, mv_str body, unsigned char out[64], size_t *out_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	struct dkim_body_canon bc;
	unsigned len = 0;
	int rc = -1;

	if (ctx == NULL || EVP_DigestInit_ex(ctx, hash_md(dkim_alg_hash(sig->alg)), NULL) != 1)
		goto done;
	dkim_body_canon_init(&bc, sig->body_canon, sig->has_l ? sig->l : UINT64_MAX, digest_sink, ctx);
	if (dkim_body_canon_update(&bc, body.p, body.len) < 0 || dkim_body_canon_final(&bc) < 0)
		goto done;
	if (sig->has_l && bc.len < sig->l) {
		rc = 1;
		goto done;
	}
	if (EVP_DigestFinal_ex(ctx, out, &len) != 1)
		goto done;
	*out_len = len;
	rc = 0;
done:
	EVP_MD_CTX_free(ctx);
	if (rc < 0)
		ERR_clear_error();
	return rc;
}

/* An RSA public key: SubjectPublicKeyInfo as RFC 6376 3.6.1 shows it, or a bare PKCS#1 RSAPublicKey. */
static EVP_PKEY *load_rsa(const struct dkim_key *key, const char **error_r)
{
	const unsigned char *p = key->p;
	EVP_PKEY *pkey = d2i_PUBKEY(NULL, &p, (long)key->p_len);

	if (pkey == NULL) {
		p = key->p;
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)key->p_len);
	}
	if (pkey == NULL || !EVP_PKEY_is_a(pkey, "RSA")) {
		EVP_PKEY_free(pkey);
		*error_r = "key p= is not an RSA public key";
		return NULL;
	}
	if (EVP_PKEY_get_bits(pkey) > DKIM_MAX_RSA_BITS) {
		EVP_PKEY_free(pkey);
		*error_r = "RSA key longer than 8192 bits";
		return NULL;
	}
	return pkey;
}

EVP_PKEY *dkim_pkey_load(const struct dkim_key *key, unsigned *bits_r, const char **error_r)
{
	EVP_PKEY *pkey;

	if (key->type == DKIM_KEY_RSA) {
		pkey = load_rsa(key, error_r);
	} else if (key->p_len != 32) {
		/* RFC 8463 4.2: the raw 32-byte public key, not wrapped. */
		*error_r = "ed25519 key p= is not 32 bytes";
		pkey = NULL;
	} else {
		pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, key->p, key->p_len);
		if (pkey == NULL)
			*error_r = "ed25519 key p= cannot be loaded";
	}
	if (pkey == NULL) {
		ERR_clear_error();
		return NULL;
	}
	*bits_r = (unsigned)EVP_PKEY_get_bits(pkey);
	return pkey;
}

static int hash_header_data(const struct dkim_sig *sig, const struct mv_header *sig_field,
			    const struct mv_header *const *selected, int n_selected, dkim_sink_fn *sink, void *ctx)
{
	int i;

	for (i = 0; i < n_selected; i++) {
		if (dkim_canon_header(sig->header_canon, selected[i], NULL, NULL, true, sink, ctx) < 0)
			return -1;
	}
	/* The signature's own field last, without its b= value and without a final CRLF (RFC 6376 3.7). */
	return dkim_canon_header(sig->header_canon, sig_field, sig->b_cut, sig->b_cut_end, false, sink, ctx);
}

int dkim_verify_headers(const struct dkim_sig *sig, EVP_PKEY *pkey, const struct mv_header *sig_field,
			const struct mv_header *const *selected, int n_selected)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new(), *ed = NULL;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	int rc = -1;

	if (ctx == NULL)
		goto done;
	if (dkim_alg_key_type(sig->alg) == DKIM_KEY_RSA) {
		if (EVP_DigestVerifyInit(ctx, NULL, hash_md(dkim_alg_hash(sig->alg)), NULL, pkey) != 1 ||
		    hash_header_data(sig, sig_field, selected, n_selected, verify_sink, ctx) < 0)
			goto done;
		rc = EVP_DigestVerifyFinal(ctx, sig->b, sig->b_len) == 1;
		goto done;
	}
	ed = EVP_MD_CTX_new();
	if (ed == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    hash_header_data(sig, sig_field, selected, n_selected, digest_sink, ctx) < 0 ||
	    EVP_DigestFinal_ex(ctx, digest, &len) != 1 || EVP_DigestVerifyInit(ed, NULL, NULL, NULL, pkey) != 1)
		goto done;
	rc = EVP_DigestVerify(ed, sig->b, sig->b_len, digest, len) == 1;
done:
	EVP_MD_CTX_free(ed);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}
