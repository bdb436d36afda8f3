/*
 * One S/MIME signature, verified with OpenSSL 3's CMS.  First the signature
 * alone (CMS_NO_SIGNER_CERT_VERIFY): the signer's certificate from the
 * SignedData, the signed attributes' digest against the content, the
 * signature over them.  What fails there was altered or forged: fail.  Then
 * the signer's certificate chain to the trust anchors, for S/MIME signing
 * (purpose smimesign), at the scan time rather than the clock's, so that a
 * stored message is judged as it was when it came: a broken chain is
 * untrusted, whatever the certificate claims.  Last, the certificate's
 * e-mail addresses (subjectAltName rfc822Name, else the subject's
 * emailAddress, RFC 8550 3) against the From address.
 *
 * The content is given canonical (smime_mime.c) and verified as binary:
 * OpenSSL changes nothing.  Every OpenSSL error is cleared before returning,
 * so none is left on the thread's queue for other code to find.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "auth/smime.h"
#include "util/arena_fmt.h"

#define MAX_ADDRS 8		/* addresses read from one certificate */
#define MAX_ADDR_LEN 254	/* RFC 5321 4.5.3.1.3: a path fits in 256 with its brackets */

/* A certificate's usable addresses, copied into the arena. */
struct cert_addrs {
	mv_str addr[MAX_ADDRS];
	unsigned n;
};

X509_STORE *smime_store_load(const char *path, char **error_r)
{
	X509_STORE *store = X509_STORE_new();
	unsigned long e;

	*error_r = NULL;
	if (store == NULL || path[0] == '\0')
		return store;
	if (access(path, R_OK) != 0) {
		/* OpenSSL would only say "system lib". */
		if (asprintf(error_r, "cannot read '%s': %s", path, strerror(errno)) < 0)
			*error_r = NULL;
	} else if (X509_STORE_load_file(store, path) == 1) {
		return store;
	} else {
		e = ERR_peek_last_error();
		if (asprintf(error_r, "cannot read certificates from '%s': %s", path,
			     e != 0 && ERR_reason_error_string(e) != NULL ? ERR_reason_error_string(e)
									 : "no certificate") < 0)
			*error_r = NULL;
	}
	ERR_clear_error();
	X509_STORE_free(store);
	return NULL;
}

/*
 * Why CMS_verify() failed, from the thread's error queue (which this
 * empties): fail, or none when the signature cannot be checked at all.
 */
static void verify_failure(struct smime_result *r)
{
	const char *why = "the signature does not verify";
	unsigned long e;

	r->result = MV_AUTH_FAIL;
	while ((e = ERR_get_error()) != 0) {
		if (ERR_GET_LIB(e) != ERR_LIB_CMS)
			continue;
		switch (ERR_GET_REASON(e)) {
		case CMS_R_CONTENT_VERIFY_ERROR:
			/* The signed attributes' message digest is not the content's. */
			ERR_clear_error();
			r->result = MV_AUTH_FAIL;
			r->reason = MV_STR_LIT("the signed content was altered: its digest does not match the signature");
			return;
		case CMS_R_SIGNER_CERTIFICATE_NOT_FOUND:
			/* Allowed (RFC 8551 2.4.1 only says SHOULD include it): nothing is known either way. */
			r->result = MV_AUTH_NONE;
			why = "the signer's certificate is not in the signature: it cannot be verified";
			break;
		case CMS_R_NO_CONTENT:
			why = "the signature has no content to verify";
			break;
		case CMS_R_NO_SIGNERS:
			why = "the signature has no signer";
			break;
		default:
			break;
		}
	}
	r->reason = mv_str_cstr(why);
}

/* An address worth comparing: printable ASCII with an '@' and a sensible length (no NUL tricks). */
static bool usable_address(const unsigned char *p, int len)
{
	bool at = false;
	int i;

	if (len < 3 || len > MAX_ADDR_LEN)
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return false;
		at |= p[i] == '@';
	}
	return at;
}

static int add_address(mv_arena *arena, struct cert_addrs *addrs, const ASN1_STRING *s)
{
	const unsigned char *p = ASN1_STRING_get0_data(s);
	int len = ASN1_STRING_length(s);
	char *copy;

	if (addrs->n == MAX_ADDRS || !usable_address(p, len))
		return 0;
	copy = mv_arena_strndup(arena, (const char *)p, (size_t)len);
	if (copy == NULL)
		return -1;
	addrs->addr[addrs->n++] = mv_str_make(copy, (size_t)len);
	return 0;
}

/* The certificate's addresses: subjectAltName rfc822Name entries, else the subject's emailAddress. */
static int cert_addresses(mv_arena *arena, X509 *cert, struct cert_addrs *addrs)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	const X509_NAME *subject = X509_get_subject_name(cert);
	int i, rc = 0;

	addrs->n = 0;
	for (i = 0; i < sk_GENERAL_NAME_num(names) && rc == 0; i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);

		if (gn->type == GEN_EMAIL)
			rc = add_address(arena, addrs, gn->d.rfc822Name);
	}
	GENERAL_NAMES_free(names);
	for (i = -1; addrs->n == 0 && rc == 0 && subject != NULL;) {
		i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, i);
		if (i < 0)
			break;
		rc = add_address(arena, addrs, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i)));
	}
	return rc;
}

/* The addresses as one string, ", " between them. */
static mv_str join_addresses(mv_arena *arena, const struct cert_addrs *addrs)
{
	size_t len = 0, i;
	char *p, *w;

	for (i = 0; i < addrs->n; i++)
		len += addrs->addr[i].len + 2;
	if (len == 0)
		return MV_STR_LIT("");
	p = mv_arena_alloc(arena, len);
	if (p == NULL)
		return MV_STR_NULL;
	for (w = p, i = 0; i < addrs->n; i++) {
		if (i != 0) {
			memcpy(w, ", ", 2);
			w += 2;
		}
		memcpy(w, addrs->addr[i].p, addrs->addr[i].len);
		w += addrs->addr[i].len;
	}
	*w = '\0';
	return mv_str_make(p, (size_t)(w - p));
}

/* The same mailbox: the local part exactly, the domain without regard to case (RFC 5321 2.4). */
static bool same_mailbox(mv_str cert_addr, const struct mv_addr *from)
{
	const char *at = NULL;
	size_t i, local_len, domain_len;

	for (i = 0; i < cert_addr.len; i++) {
		if (cert_addr.p[i] == '@')
			at = cert_addr.p + i;
	}
	if (at == NULL)
		return false;
	local_len = (size_t)(at - cert_addr.p);
	domain_len = cert_addr.len - local_len - 1;
	if (domain_len != 0 && at[domain_len] == '.')
		domain_len--;
	return local_len == from->local.len && memcmp(cert_addr.p, from->local.p, local_len) == 0 &&
	       domain_len == from->domain.len && domain_len != 0 &&
	       strncasecmp(at + 1, from->domain.p, domain_len) == 0;
}

/* A certificate's subject, one line in RFC 2253 form, in the arena (empty when it cannot be printed). */
static mv_str subject_text(mv_arena *arena, X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	mv_str out = MV_STR_LIT("");
	char *p = NULL;
	long n;

	if (bio != NULL && X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(bio, &p)) > 0 && n < 4096) {
		char *copy = mv_arena_strndup(arena, p, (size_t)n);

		if (copy != NULL)
			out = mv_str_make(copy, (size_t)n);
	}
	BIO_free(bio);
	return out;
}

/*
 * X509_V_OK when `signer` chains to a trust anchor for S/MIME signing at
 * `now` (the anchor's subject then in *anchor_r), else why not.
 */
static int chain_error(mv_arena *arena, X509_STORE *store, CMS_ContentInfo *cms, X509 *signer, int64_t now,
		       mv_str *anchor_r)
{
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int err = X509_V_ERR_OUT_OF_MEM;

	/* The store is shared; the time and the purpose are set on this verification's own parameters. */
	if (ctx != NULL && X509_STORE_CTX_init(ctx, store, signer, certs) == 1 &&
	    X509_STORE_CTX_set_default(ctx, "smime_sign") == 1) {
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)now);
		X509_VERIFY_PARAM_set_depth(X509_STORE_CTX_get0_param(ctx), SMIME_MAX_CHAIN_DEPTH);
		if (X509_verify_cert(ctx) == 1) {
			STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
			int k = chain != NULL ? sk_X509_num(chain) : 0;

			err = X509_V_OK;
			if (k > 0)
				*anchor_r = subject_text(arena, sk_X509_value(chain, k - 1));
		} else if ((err = X509_STORE_CTX_get_error(ctx)) == X509_V_OK) {
			err = X509_V_ERR_UNSPECIFIED;
		}
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(certs, X509_free);
	return err;
}

/* Fills r from the signer's certificate: untrusted, signer_mismatch or pass. */
static int judge_signer(mv_arena *arena, X509_STORE *store, CMS_ContentInfo *cms, X509 *signer,
			const struct mv_addr *from, int64_t now, struct smime_result *r)
{
	struct cert_addrs addrs;
	bool match = false;
	unsigned i;
	int err;

	if (cert_addresses(arena, signer, &addrs) < 0)
		return -1;
	r->signer = join_addresses(arena, &addrs);
	if (r->signer.p == NULL)
		return -1;
	err = chain_error(arena, store, cms, signer, now, &r->anchor);
	if (err != X509_V_OK) {
		r->result = MV_AUTH_UNTRUSTED;
		r->reason = arena_fmt(arena, 768,
					 "the signature is intact, but the certificate does not chain to a trust anchor: %s",
					 X509_verify_cert_error_string(err));
		return 0;
	}
	for (i = 0; i < addrs.n && from != NULL && !match; i++)
		match = same_mailbox(addrs.addr[i], from);
	if (match) {
		r->result = MV_AUTH_PASS;
		r->reason = MV_STR_LIT(
			"the signature verifies, the certificate chains to a trust anchor and names the From address");
	} else if (addrs.n == 0) {
		r->result = MV_AUTH_SIGNER_MISMATCH;
		r->reason = MV_STR_LIT("the certificate names no e-mail address");
	} else if (from == NULL) {
		r->result = MV_AUTH_SIGNER_MISMATCH;
		r->reason = MV_STR_LIT("the message has no From address to compare the signer's with");
	} else {
		r->result = MV_AUTH_SIGNER_MISMATCH;
		r->reason = arena_fmt(arena, 768, "the certificate is %.*s's, the From address is %.*s", (int)r->signer.len,
					 r->signer.p, (int)from->address.len, from->address.p);
	}
	return 0;
}

/*
 * The detached content for CMS_verify(), behind a pass-through filter: given
 * a memory BIO itself, OpenSSL 3.0's CMS_verify() copies it into a BIO of its
 * own that it leaks when the SignedData names a digest it does not know.
 */
static BIO *content_bio(mv_str content)
{
	BIO *mem = BIO_new_mem_buf(content.p, (int)content.len), *filter = BIO_new(BIO_f_null());

	if (mem == NULL || filter == NULL) {
		BIO_free(mem);
		BIO_free(filter);
		return NULL;
	}
	return BIO_push(filter, mem);
}

int smime_verify(mv_arena *arena, X509_STORE *store, mv_str der, mv_str content, const struct mv_addr *from,
		 int64_t now, struct smime_result *r)
{
	const unsigned char *p = (const unsigned char *)der.p;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	BIO *dcont = NULL;
	long digests;
	int n_signers, rc = 0;

	r->result = MV_AUTH_FAIL;
	r->signer = MV_STR_LIT("");
	r->reason = MV_STR_NULL;
	r->anchor = MV_STR_LIT("");
	if (der.len == 0 || der.len > LONG_MAX) {
		r->reason = mv_str_cstr(der.len == 0 ? "the signature is empty" : "the signature is too large");
		goto done;
	}
	if (content.len > INT_MAX) {
		r->result = MV_AUTH_NONE;
		r->reason = MV_STR_LIT("the signed content is too large to be verified");
		goto done;
	}
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)der.len);
	if (cms == NULL) {
		r->reason = MV_STR_LIT("the signature cannot be read: not a CMS structure");
		goto done;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		/* pkcs7-mime without an smime-type may be encrypted: nothing to verify then. */
		if (content.p == NULL)
			r->result = MV_AUTH_NONE;
		r->reason = content.p == NULL ? MV_STR_LIT("the pkcs7-mime entity is not signed data")
					      : MV_STR_LIT("the signature is not CMS SignedData");
		goto done;
	}
	/* Bound the work before CMS_verify() does it. */
	digests = smime_digest_algorithms(der);
	n_signers = sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms));
	if (digests < 0) {
		r->reason = MV_STR_LIT("the signature's digest algorithms cannot be read");
		goto done;
	}
	if (digests > SMIME_MAX_DIGESTS || n_signers > SMIME_MAX_SIGNERS) {
		r->reason = arena_fmt(arena, 768,
					 "the signature lists %ld digest algorithms and %d signers: at most %d and %d are verified",
					 digests, n_signers, SMIME_MAX_DIGESTS, SMIME_MAX_SIGNERS);
		goto done;
	}
	if (content.p != NULL) {
		dcont = content_bio(content);
		if (dcont == NULL) {
			r->reason = MV_STR_LIT("out of memory in OpenSSL");
			goto done;
		}
	}
	if (CMS_verify(cms, NULL, NULL, dcont, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		verify_failure(r);
		goto done;
	}
	signers = CMS_get0_signers(cms);
	if (sk_X509_num(signers) <= 0) {
		r->reason = MV_STR_LIT("the signature has no signer");
		goto done;
	}
	/* Every SignerInfo verified; the first signer is judged (its certificate and address). */
	rc = judge_signer(arena, store, cms, sk_X509_value(signers, 0), from, now, r);
done:
	ERR_clear_error();
	sk_X509_free(signers);
	BIO_free_all(dcont);
	CMS_ContentInfo_free(cms);
	if (rc == 0 && r->reason.p == NULL)
		rc = -1;
	return rc;
}
