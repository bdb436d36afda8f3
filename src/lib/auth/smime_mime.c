/*
 * The signed entities of a message and the bytes their signatures cover.
 *
 * multipart/signed (RFC 1847 2.1, RFC 8551 3.5.3): the signature covers the
 * first part exactly as sent, its header section included: the bytes after
 * the delimiter line up to the line end before the next one (which belongs
 * to the delimiter, RFC 2046 5.1.1).  The message model keeps a part's
 * header section and body as adjacent views of the input, so those bytes are
 * the span from its header_raw to the end of its body, without a copy.  The
 * canonical form has CRLF line ends (RFC 8551 3.1.1); a message stored with
 * bare LF gets them back in a copy.  The second part is the DER SignedData.
 *
 * application/pkcs7-mime; smime-type=signed-data (RFC 8551 3.5.2): the DER
 * carries the content.  Other smime-types (enveloped, compressed data) have
 * no signature to check at this level and are passed over.
 *
 * Attached messages (message/rfc822) are skipped: their signatures vouch for
 * their own From.  A signed entity inside another is covered by the outer
 * signature.  Sizes are bounded by max_decoded_bytes for the content and
 * SMIME_MAX_SIGNATURE_BYTES for a detached signature.
 */
#include <string.h>

#include "auth/smime.h"

enum signed_kind { NOT_SIGNED, SIGNED_MULTIPART, SIGNED_OPAQUE };

static bool is_pkcs7_signature(const struct mv_ctype *ct)
{
	return mv_str_eq(ct->type, "application") &&
	       (mv_str_eq(ct->subtype, "pkcs7-signature") || mv_str_eq(ct->subtype, "x-pkcs7-signature"));
}

static bool is_pkcs7_protocol(mv_str protocol)
{
	return mv_str_eq_ci(protocol, "application/pkcs7-signature") ||
	       mv_str_eq_ci(protocol, "application/x-pkcs7-signature");
}

static enum signed_kind signed_kind(const struct mv_part *part)
{
	const struct mv_ctype *ct = &part->ctype;

	if (mv_str_eq(ct->type, "multipart") && mv_str_eq(ct->subtype, "signed")) {
		mv_str protocol = mv_ctype_param(ct, "protocol");

		/* Without a protocol parameter (broken, but seen), the signature part says what it is. */
		if (is_pkcs7_protocol(protocol) ||
		    (protocol.p == NULL && part->children != NULL && part->children->next != NULL &&
		     is_pkcs7_signature(&part->children->next->ctype)))
			return SIGNED_MULTIPART;
		return NOT_SIGNED;	/* PGP/MIME and others */
	}
	if (mv_str_eq(ct->type, "application") &&
	    (mv_str_eq(ct->subtype, "pkcs7-mime") || mv_str_eq(ct->subtype, "x-pkcs7-mime"))) {
		mv_str type = mv_ctype_param(ct, "smime-type");

		/* No smime-type: the DER says (smime_verify() wants SignedData). */
		if (type.p == NULL || mv_str_eq_ci(type, "signed-data"))
			return SIGNED_OPAQUE;
	}
	return NOT_SIGNED;
}

/* Inside an attached message, or inside a signed entity already looked at. */
static bool covered_elsewhere(const struct mv_part *part)
{
	const struct mv_part *up;

	for (up = part->parent; up != NULL; up = up->parent) {
		if (mv_part_is_message(up) || signed_kind(up) != NOT_SIGNED)
			return true;
	}
	return false;
}

/* The part's bytes as sent, header section and body, in canonical CRLF form (a copy only when needed). */
static int canonical_entity(mv_arena *arena, const struct mv_part *part, mv_str *out_r)
{
	const char *p = part->header_raw.p, *end = part->body.p + part->body.len;
	size_t len = (size_t)(end - p), bare = 0, i;
	char *w;

	for (i = 0; i < len; i++)
		bare += p[i] == '\n' && (i == 0 || p[i - 1] != '\r');
	if (bare == 0) {
		*out_r = mv_str_make(p, len);
		return 0;
	}
	w = mv_arena_alloc(arena, len + bare + 1);
	if (w == NULL)
		return -1;
	*out_r = mv_str_make(w, len + bare);
	for (i = 0; i < len; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			*w++ = '\r';
		*w++ = p[i];
	}
	*w = '\0';
	return 0;
}

/* A result that is not a verification: nothing could be checked, and why. */
static void not_verified(struct smime_result *r, const char *why)
{
	r->result = MV_AUTH_NONE;
	r->signer = MV_STR_LIT("");
	r->reason = mv_str_cstr(why);
	r->anchor = MV_STR_LIT("");
}

/*
 * Verifies one signed entity into *r, its signed bytes charged to *budget_r.
 * Returns 1 when verified, 0 when it could not be (r says why, result
 * none), -1 when the arena is exhausted.
 */
static int verify_entity(struct mv_msg *msg, X509_STORE *store, struct mv_part *part, enum signed_kind kind,
			 int64_t now, size_t *budget_r, struct smime_result *r)
{
	struct mv_part *content = part->children, *sig = NULL;
	mv_str der, canonical = MV_STR_NULL;
	size_t size;

	if (kind == SIGNED_MULTIPART) {
		if (content == NULL) {
			/* No parts: too deep, too many parts, or no boundary. */
			not_verified(r, "the signed entity's parts could not be read");
			return 0;
		}
		sig = content->next;
		if (sig == NULL || !is_pkcs7_signature(&sig->ctype)) {
			r->result = MV_AUTH_FAIL;
			r->signer = MV_STR_LIT("");
			r->reason = MV_STR_LIT("the signature part is missing");
			r->anchor = MV_STR_LIT("");
			return 1;
		}
		if (sig->body.len > SMIME_MAX_SIGNATURE_BYTES) {
			not_verified(r, "the signature part is too large to be read");
			return 0;
		}
	}
	/* An opaque entity's body holds its content; a detached signature covers the first part. */
	size = sig == NULL ? part->body.len : (size_t)(content->body.p + content->body.len - content->header_raw.p);
	if (size > *budget_r) {
		not_verified(r, "the signed content passes max_decoded_bytes");
		return 0;
	}
	*budget_r -= size;
	if (sig != NULL) {
		if (canonical_entity(msg->arena, content, &canonical) < 0)
			return -1;
		part = sig;
	}
	der = mv_part_decoded(msg, part);
	if (der.p == NULL && mv_arena_exhausted(msg->arena))
		return -1;
	if (smime_verify(msg->arena, store, der, canonical, mv_msg_from(msg), now, r) < 0)
		return -1;
	return r->result != MV_AUTH_NONE;
}

/* Higher is worse: the message's result is its worst signature's. */
static int severity(enum mv_auth_result result)
{
	switch (result) {
	case MV_AUTH_FAIL:
		return 4;
	case MV_AUTH_SIGNER_MISMATCH:
		return 3;
	case MV_AUTH_UNTRUSTED:
		return 2;
	case MV_AUTH_PASS:
		return 1;
	default:
		return 0;
	}
}

int smime_message(struct mv_msg *msg, X509_STORE *store, int64_t now, struct smime_result *r)
{
	struct smime_result one;
	size_t budget = msg->limits.max_decoded_bytes;
	int verified = 0, seen = 0, rc;
	unsigned i;

	not_verified(r, "");
	r->reason = MV_STR_NULL;
	for (i = 0; i < msg->n_parts && seen < SMIME_MAX_SIGNED; i++) {
		struct mv_part *part = msg->parts[i];
		enum signed_kind kind = signed_kind(part);

		if (kind == NOT_SIGNED || covered_elsewhere(part))
			continue;
		seen++;
		rc = verify_entity(msg, store, part, kind, now, &budget, &one);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			/* Only says why, when nothing else was verified. */
			if (verified == 0 && r->reason.p == NULL)
				*r = one;
			continue;
		}
		if (verified++ == 0 || severity(one.result) > severity(r->result))
			*r = one;
	}
	return verified;
}
