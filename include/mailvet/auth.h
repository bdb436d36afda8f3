/*
 * Sender authentication results of one message: SPF, DKIM, DMARC, ARC and
 * S/MIME, as the checks found them (or as a trusted Authentication-Results
 * field reported them).  They live in the report (scan.h), in the message's
 * arena.  The JSON field "auth" (docs/json.md) and the Authentication-Results
 * value the milter adds are written from them.
 */
#ifndef MAILVET_AUTH_H
#define MAILVET_AUTH_H

#include <stdbool.h>

#include "mailvet/str.h"

#pragma GCC visibility push(default)

/* RFC 8601 result words; one enum for every method (each uses a subset). */
enum mv_auth_result {
	MV_AUTH_NONE,		/* not checked, or nothing to check (no record, no signature) */
	MV_AUTH_PASS,
	MV_AUTH_FAIL,
	MV_AUTH_SOFTFAIL,	/* SPF */
	MV_AUTH_NEUTRAL,	/* SPF; DKIM: a signature that cannot be verified (RFC 8601 2.7.1) */
	MV_AUTH_TEMPERROR,
	MV_AUTH_PERMERROR,
	MV_AUTH_POLICY,		/* DKIM: valid but refused by local policy (a key too short, rsa-sha1) */
	MV_AUTH_UNTRUSTED,	/* S/MIME: intact, but the certificate does not chain to a trust anchor */
	MV_AUTH_SIGNER_MISMATCH,	/* S/MIME: valid, but the signer is not the From address */
};

/* "none", "pass", "fail", "softfail", "neutral", "temperror", "permerror", "policy", "untrusted", "signer_mismatch" */
const char *mv_auth_result_name(enum mv_auth_result result);

enum mv_auth_source {
	MV_AUTH_SOURCE_CHECKED,		/* the checks ran */
	MV_AUTH_SOURCE_TRUSTED_HEADER,	/* read from an Authentication-Results field of a trusted_authserv_ids server */
};

struct mv_auth_spf {
	enum mv_auth_result result;
	mv_str domain;			/* the domain checked: MAIL FROM's, or HELO's */
	mv_str identity;		/* "mailfrom" or "helo" */
	mv_str explanation;		/* exp= text of a fail, or why a permerror/temperror */
	enum mv_auth_result helo_result;	/* the HELO identity's own result (RFC 7208 2.3) */
};

struct mv_auth_dkim {
	enum mv_auth_result result;
	mv_str domain;			/* d= */
	mv_str selector;		/* s= */
	mv_str algorithm;		/* a= */
	mv_str reason;			/* plain words when not pass: "body hash mismatch", "key revoked", ... */
	unsigned key_bits;		/* RSA modulus size, 256 for ed25519; 0 when no key was read */
	bool aligned;			/* d= aligns with the From domain (DMARC relaxed/strict as published) */
	bool weak;			/* rsa-sha1, or a key under 2048 bits */
	bool testing;			/* t=y on the key */
};

struct mv_auth_dmarc {
	enum mv_auth_result result;	/* pass, fail, none (no policy), temperror, permerror */
	mv_str domain;			/* the From domain */
	mv_str org_domain;		/* its organizational domain (RFC 9989 tree walk) */
	mv_str policy;			/* "none", "quarantine", "reject": the p/sp/np that applies */
	mv_str disposition;		/* what the owner asks for this message: "none", "quarantine", "reject" */
	bool spf_aligned, dkim_aligned;
	bool testing;			/* t=y, or outside pct= */
};

struct mv_auth_arc {
	enum mv_auth_result result;	/* none, pass, fail; temperror (a key not fetched), neutral (cut) */
	unsigned instances;		/* ARC sets: the highest instance read */
	mv_str reason;			/* plain words when not pass: which field, and what is wrong */
};

struct mv_auth_smime {
	enum mv_auth_result result;	/* none, pass (valid), untrusted, fail (invalid), signer_mismatch */
	mv_str signer;			/* the signer's e-mail address from the certificate */
	mv_str reason;
};

struct mv_auth {
	bool checked;			/* any method ran or was read */
	enum mv_auth_source source;
	struct mv_auth_spf spf;
	struct mv_auth_dkim *dkim;	/* one per DKIM-Signature, in header order */
	unsigned n_dkim;
	struct mv_auth_dmarc dmarc;
	struct mv_auth_arc arc;
	struct mv_auth_smime smime;
	mv_str authentication_results;	/* the RFC 8601 value for our own Authentication-Results field */
};

#pragma GCC visibility pop

#endif
