/*
 * ARC chain validation (RFC 8617 5.2) without DNS: the ARC sets of a message
 * are collected and their structure checked (steps 1 to 3), then the caller
 * fetches the keys and has the newest ARC-Message-Signature (step 4) and
 * every ARC-Seal (step 6) verified here.  The fields are DKIM signatures in
 * another form: auth/dkim.h parses, canonicalizes and verifies them.
 *
 * Everything a hostile chain can make us do is bounded: 50 sets (RFC 8617
 * 5.2), 150 ARC fields, 64 KiB per field and 512 KiB for all of them, so the
 * seals, which each hash every set below them, hash at most 25 MB in all.
 */
#ifndef MV_AUTH_ARC_H
#define MV_AUTH_ARC_H

#include <stdint.h>

#include "auth/dkim.h"

#define ARC_MAX_INSTANCES DKIM_ARC_MAX_INSTANCE
#define ARC_MAX_FIELD_BYTES 65536
#define ARC_MAX_TOTAL_BYTES (512 * 1024)

/* One ARC set: the three fields of instance i, in the message. */
struct arc_set {
	const struct mv_header *aar, *ams, *as;
};

struct arc_chain {
	unsigned n;					/* N, the highest instance */
	struct arc_set set[ARC_MAX_INSTANCES + 1];	/* [1..n] */
	struct dkim_sig seal[ARC_MAX_INSTANCES + 1];	/* [1..n], parsed once the structure is sound */
	struct dkim_sig ams;				/* the newest AMS, AMS(N) */
	bool incomplete;				/* failed for want of a field: one may be below a cut */
};

enum arc_prepared {
	ARC_PREPARED_NONE,	/* no ARC field: nothing to validate */
	ARC_PREPARED_FAIL,	/* the chain fails before any key is needed: *reason_r says why */
	ARC_PREPARED_VERIFY,	/* sound: verify AMS(N) and AS(N..1) with their keys */
	ARC_PREPARED_NOMEM = -1,
};

/*
 * Steps 1 to 3 of RFC 8617 5.2 and what else needs no key: the fields of the
 * top-level header section, their instances, the newest seal's cv=, one of
 * each field per instance from 1 to N, cv= none at 1 and pass above, every
 * seal and AMS(N) parsed (rsa-sha1 refused, RFC 8301), t= not after
 * now + skew and x= not before now - skew (now 0: time is not checked).
 * *reason_r may be formatted in the arena.
 */
enum arc_prepared arc_prepare(mv_arena *arena, const struct mv_part *root, int64_t now, int64_t skew,
			      struct arc_chain *chain, const char **reason_r);

/*
 * Step 4: AMS(N) against its key, with the body hash.  Returns 1 valid, 0
 * invalid with *reason_r, -1 when OpenSSL failed or the arena is exhausted.
 */
int arc_verify_ams(mv_arena *arena, const struct mv_part *root, const struct arc_chain *chain, EVP_PKEY *pkey,
		   const char **reason_r);

/*
 * Step 6 for one seal: AS(i) over the sets 1 to i (RFC 8617 5.1.1: each
 * set's AAR, AMS and AS in that order, relaxed, AS(i) without its b= value
 * and final CRLF).  Returns 1 valid, 0 invalid, -1 when OpenSSL failed.
 */
int arc_verify_seal(const struct arc_chain *chain, unsigned i, EVP_PKEY *pkey);

#endif
