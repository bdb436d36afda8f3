/*
 * S/MIME signatures (RFC 8551): a multipart/signed entity (RFC 1847) with an
 * application/pkcs7-signature part, or an application/pkcs7-mime entity with
 * smime-type=signed-data that carries its content.  Each is verified with
 * OpenSSL's CMS in three steps: the signature over the content (intact or
 * altered), the signer's certificate chain to the trust anchors at the scan
 * time, and the certificate's e-mail addresses against the From address.
 * docs/internals/smime.md explains the choices.
 *
 * smime.c verifies one signature given its bytes; smime_mime.c finds the
 * signed entities of a message and gives their bytes.  OpenSSL objects are
 * freed before a function returns; what the result holds is arena memory.
 */
#ifndef MV_AUTH_SMIME_H
#define MV_AUTH_SMIME_H

#include <stdint.h>

#include <openssl/x509_vfy.h>

#include "mailvet/auth.h"
#include "mailvet/msg.h"

/* Signed entities verified per message; more are not looked at. */
#define SMIME_MAX_SIGNED 4
/* A detached signature (with its certificates) larger than this is not read. */
#define SMIME_MAX_SIGNATURE_BYTES ((size_t)1 << 20)
/* Each digest algorithm a SignedData lists is a pass over the content, each signer a signature check. */
#define SMIME_MAX_DIGESTS 4
#define SMIME_MAX_SIGNERS 4
/* Intermediate certificates between a signer and a trust anchor. */
#define SMIME_MAX_CHAIN_DEPTH 8

struct smime_result {
	enum mv_auth_result result;	/* none, pass, untrusted, fail, signer_mismatch */
	mv_str signer;			/* the certificate's addresses, ", " between them; may be empty */
	mv_str reason;			/* plain words */
	mv_str anchor;			/* the trust anchor it chains to, its subject in RFC 2253 form; or empty */
};

/*
 * The trust anchors: the certificates of a PEM file (an empty path: none, so
 * that no chain can be built).  Returns the store, or NULL with *error_r
 * malloc()ed (NULL when out of memory).  A store is read by any number of
 * threads at once; free it with X509_STORE_free().
 */
X509_STORE *smime_store_load(const char *path, char **error_r);

/*
 * Verifies one signature: `der` a CMS SignedData, `content` the signed bytes
 * in canonical form for a detached signature, or MV_STR_NULL when the
 * SignedData carries its content.  `from` is the message's From address
 * (NULL: none), `now` the time certificates must be valid at.  Fills *r
 * (strings in `arena`); result none when content is MV_STR_NULL and the DER
 * is CMS but not SignedData (an encrypted entity).  Returns 0, or -1 when
 * the arena is exhausted.
 */
int smime_verify(mv_arena *arena, X509_STORE *store, mv_str der, mv_str content, const struct mv_addr *from,
		 int64_t now, struct smime_result *r);

/*
 * The number of digest algorithms the SignedData in `der` (a ContentInfo)
 * lists, or -1 when its BER cannot be walked that far (smime_der.c).
 */
long smime_digest_algorithms(mv_str der);

/*
 * Finds and verifies the message's signed entities: at most SMIME_MAX_SIGNED,
 * outside attached messages (message/rfc822: their own From is not ours).
 * The result is the worst of them (fail, then signer_mismatch, then
 * untrusted, then pass); result none when there is no signature, with a
 * reason when one was found but not verified.  The signed bytes of all of
 * them together are bounded by max_decoded_bytes.  Returns the number
 * verified, or -1 when the arena is exhausted.
 */
int smime_message(struct mv_msg *msg, X509_STORE *store, int64_t now, struct smime_result *r);

#endif
