/*
 * DKIM verification (RFC 6376, RFC 8301, RFC 8463), in four parts: the tag
 * lists of signatures and key records (dkim_tag.c), the DKIM-Signature field
 * (dkim_sig.c), the key record (dkim_key.c), canonicalization and header
 * selection (dkim_canon.c), and the cryptography (dkim_verify.c, OpenSSL 3).
 * checks/check_dkim.c drives them for each signature of a message.
 *
 * Parsers take views of untrusted text, never write outside the arena they
 * are given and report what is wrong as a short static sentence (the
 * "reason" of a permerror), never as a failure of the scan.  Canonicalization
 * streams: it reads the message's own bytes and hands canonical pieces to a
 * sink (a hash), so no copy of a header or body is made.
 */
#ifndef MV_AUTH_DKIM_H
#define MV_AUTH_DKIM_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/types.h>

#include "mailvet/arena.h"
#include "mailvet/auth.h"
#include "mailvet/msg.h"
#include "mailvet/str.h"

/* Bounds on what a hostile signature or key record can make us do. */
#define DKIM_MAX_TAGS 64		/* tags in one tag list */
#define DKIM_MAX_H_NAMES 1000		/* names in h= (over-signing included) */
#define DKIM_MAX_SIG_BYTES 1024		/* b= decoded: an 8192-bit RSA signature */
#define DKIM_MAX_KEY_BYTES 2048		/* p= decoded: an 8192-bit RSA key with its DER wrapping */
#define DKIM_MAX_RSA_BITS 8192

/* ---- tag lists (RFC 6376 3.2) ---- */

struct dkim_tag {
	mv_str name;
	mv_str value;		/* without the FWS around it */
	const char *after_eq;	/* just after the '=' (the FWS before the value starts here) */
};

/*
 * Splits a tag list into tags (at most DKIM_MAX_TAGS).  Returns the count, or
 * -1 with *error_r set: a tag without '=', a bad tag name, an empty tag spec,
 * a control byte in a value, a tag given twice, too many tags.
 */
int dkim_tags_parse(mv_str text, struct dkim_tag *tags, const char **error_r);
/* The tag named `name` (case-sensitive, RFC 6376 3.2), or NULL. */
const struct dkim_tag *dkim_tag_find(const struct dkim_tag *tags, int n, const char *name);

/* Calls fn for each word of a colon-separated value (h=, q=, key h=, s=, t=), trimmed of FWS. */
void dkim_list_each(mv_str list, void (*fn)(mv_str word, void *arg), void *arg);

/*
 * Decodes base64 in which folding white space may appear anywhere (b=, bh=,
 * p=): at most `max` bytes into out.  Returns the length, or -1 when a byte
 * is not base64, the padding is wrong or the result would pass max.
 */
long dkim_base64_decode(mv_str in, unsigned char *out, size_t max);

/* ---- the DKIM-Signature field (RFC 6376 3.5) ---- */

enum dkim_alg { DKIM_ALG_RSA_SHA256, DKIM_ALG_RSA_SHA1, DKIM_ALG_ED25519_SHA256 };
enum dkim_hash { DKIM_HASH_SHA256, DKIM_HASH_SHA1 };
enum dkim_key_type { DKIM_KEY_RSA, DKIM_KEY_ED25519 };
enum dkim_canon { DKIM_CANON_SIMPLE, DKIM_CANON_RELAXED };

enum dkim_hash dkim_alg_hash(enum dkim_alg alg);
enum dkim_key_type dkim_alg_key_type(enum dkim_alg alg);

/*
 * The fields read as DKIM signatures: DKIM-Signature, and ARC's
 * ARC-Message-Signature and ARC-Seal (RFC 8617 4.1.2, 4.1.3), which have no
 * v=, take i= as the instance number, and (the seal) add cv=, have no h= or
 * bh= and always canonicalize relaxed.
 */
enum dkim_sig_kind { DKIM_SIG_DKIM, DKIM_SIG_ARC_AMS, DKIM_SIG_ARC_SEAL };

#define DKIM_ARC_MAX_INSTANCE 50	/* RFC 8617 4.2.1, 5.2 */

struct dkim_sig {
	/* Read first, so that even a broken signature can be named in the report. */
	mv_str domain;			/* d= */
	mv_str selector;		/* s= */
	mv_str algorithm;		/* a= as written */
	mv_str auid;			/* i= decoded (arena), empty when absent */
	mv_str auid_domain;		/* the domain of i=, or d= when i= is absent */
	enum dkim_alg alg;
	enum dkim_canon header_canon, body_canon;
	mv_str *h;			/* h= names, in order (arena) */
	unsigned n_h;
	unsigned char *b;		/* b= decoded (arena) */
	size_t b_len;
	unsigned char bh[64];
	size_t bh_len;
	bool has_l, has_t, has_x;
	uint64_t l;
	int64_t t, x;
	/* The bytes the signature's own field is hashed without: after "b=" to the end of its value. */
	const char *b_cut, *b_cut_end;
	unsigned instance;		/* ARC: i= (1 to DKIM_ARC_MAX_INSTANCE) */
	mv_str cv;			/* ARC-Seal: cv= as written ("none", "pass", "fail") */
};

/*
 * Parses the value of a DKIM-Signature field (the raw mv_header value, folding
 * kept).  Returns 0, or -1 with *error_r: the signature is a permerror.  The
 * views point into `value`; h= and b= are decoded into the arena (-1 with
 * "out of memory" when it is exhausted).
 */
int dkim_sig_parse(mv_arena *arena, mv_str value, struct dkim_sig *sig, const char **error_r);
/*
 * The same for an ARC field of `kind`: the ARC-Message-Signature's h= needs no
 * From, may hold empty names and must not name ARC-Seal (RFC 8617 4.1.2).
 */
int dkim_sig_parse_kind(mv_arena *arena, mv_str value, enum dkim_sig_kind kind, struct dkim_sig *sig,
			const char **error_r);
/* An ARC instance number (RFC 8617 4.2.1): 1 or 2 digits, 1 to 50. */
bool dkim_arc_instance(mv_str text, unsigned *instance_r);

/* True for a syntactically valid domain name made of LDH (and '_') labels. */
bool dkim_domain_valid(mv_str name);

/* ---- the key record (RFC 6376 3.6.1) ---- */

struct dkim_key {
	enum dkim_key_type type;	/* k= (rsa when absent) */
	bool testing;			/* t=y */
	bool strict;			/* t=s: i= must be in d= itself, not a subdomain */
	bool sha1_ok, sha256_ok;	/* h= (both when absent) */
	unsigned char *p;		/* p= decoded (arena) */
	size_t p_len;
};

/*
 * Parses a key record (one TXT record, its strings joined).  Returns 0, or -1
 * with *error_r: "key revoked" for an empty p=, or what is wrong.
 */
int dkim_key_parse(mv_arena *arena, mv_str record, struct dkim_key *key, const char **error_r);

struct dns_answer;
/*
 * The key in the answer to a key lookup: MV_AUTH_PASS with *key, or
 * MV_AUTH_PERMERROR (NXDOMAIN, no record that parses) or MV_AUTH_TEMPERROR
 * (the lookup failed) with *reason_r.
 */
enum mv_auth_result dkim_key_read(mv_arena *arena, const struct dns_answer *a, struct dkim_key *key,
				  const char **reason_r);
/* Why the key's own rules (k=, h=, t=s) refuse the signature, or NULL. */
const char *dkim_key_refuses(const struct dkim_key *key, const struct dkim_sig *sig);

/* ---- canonicalization (RFC 6376 3.4) ---- */

/* Where canonical bytes go: a hash update.  Returns 0, or -1 to stop. */
typedef int dkim_sink_fn(void *ctx, const void *p, size_t n);

/*
 * The body canonicalizer: fed the raw body in pieces of any size (CRLF or LF
 * line ends; a CRLF may be split between pieces), it writes the canonical
 * body to the sink, at most `limit` bytes of it (l=; UINT64_MAX: all).  Runs
 * of DKIM_CANON_DIRECT bytes or more go to the sink straight from the input;
 * shorter pieces (a word and its space, in relaxed form) are gathered in
 * `batch` first, so the hash is not called once per word.
 */
#define DKIM_CANON_DIRECT 256

struct dkim_body_canon {
	enum dkim_canon canon;
	dkim_sink_fn *sink;
	void *ctx;
	uint64_t limit;
	uint64_t len;			/* canonical bytes written (up to limit) */
	uint64_t blank_lines;		/* empty lines held back: they count only if a line with content follows */
	bool cr;			/* the last piece ended with a CR: a line end if a LF comes next */
	bool wsp;			/* relaxed: white space seen since the last byte written on this line */
	bool line;			/* the current line has content */
	bool any;			/* the canonical body is not empty */
	bool failed;			/* the sink said stop */
	size_t batch_len;
	char batch[4096];
};

void dkim_body_canon_init(struct dkim_body_canon *bc, enum dkim_canon canon, uint64_t limit, dkim_sink_fn *sink,
			  void *ctx);
int dkim_body_canon_update(struct dkim_body_canon *bc, const char *p, size_t n);
/* Ends the body.  Returns 0, or -1 when the sink failed. */
int dkim_body_canon_final(struct dkim_body_canon *bc);
/* True once `limit` canonical bytes were written: the rest of the body does not matter. */
static inline bool dkim_body_canon_full(const struct dkim_body_canon *bc)
{
	return bc->len >= bc->limit;
}

/*
 * Writes one header field in canonical form: name, colon, value, and CRLF
 * when `crlf` (the signature's own field is hashed without one).  The bytes
 * [cut, cut_end) of the value are left out (the b= value of the signature's
 * own field; NULL for other fields).
 */
int dkim_canon_header(enum dkim_canon canon, const struct mv_header *field, const char *cut, const char *cut_end,
		      bool crlf, dkim_sink_fn *sink, void *ctx);

/*
 * The header fields h= selects (RFC 6376 5.4.2): for each name, the last
 * field of that name not yet selected, from the bottom of the section up; a
 * name with no field left selects nothing (over-signing).  selected_r gets up
 * to n_h fields (arena); returns their count, or -1 when out of memory.
 */
int dkim_select_headers(mv_arena *arena, const struct mv_part *root, const struct dkim_sig *sig,
			const struct mv_header ***selected_r);

/* ---- cryptography (OpenSSL 3) ---- */

/*
 * The body hash of `body` under the signature's body canonicalization, hash
 * and l=.  Returns 0, 1 when l= is longer than the canonical body, -1 when
 * OpenSSL failed.
 */
int dkim_body_hash(const struct dkim_sig *sig, mv_str body, unsigned char out[64], size_t *out_len);

/* Loads the key record's public key; *bits_r: the RSA modulus size, or 256.  NULL with *error_r. */
EVP_PKEY *dkim_pkey_load(const struct dkim_key *key, unsigned *bits_r, const char **error_r);

/*
 * Verifies b= over the selected header fields and the signature's own field
 * (RSASSA-PKCS1-v1_5, or Ed25519 over the SHA-256 of the header data as RFC
 * 8463 3 says).  Returns 1 valid, 0 invalid, -1 when OpenSSL failed.
 */
int dkim_verify_headers(const struct dkim_sig *sig, EVP_PKEY *pkey, const struct mv_header *sig_field,
			const struct mv_header *const *selected, int n_selected);

#endif
