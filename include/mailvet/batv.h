/*
 * BATV, Bounce Address Tag Validation (draft-levine-smtp-batv-01, the "prvs"
 * private signature): the envelope sender of outbound mail carries a tag,
 *
 *     prvs=KDDDSSSSSS=local@domain
 *
 * K the number of the key that signed (one digit), DDD the day the tag
 * expires (days since 1970-01-01, modulo 1000), SSSSSS the first three bytes
 * of HMAC-SHA1 over "KDDD" and the address, in hex.  A bounce comes back to
 * the tagged address; a valid tag shows that we sent the message it returns,
 * so bounces of mail that forged our addresses (backscatter) can be refused.
 * The domain is hashed in lower case, so a bounce that changes its case still
 * verifies.
 *
 * Keys come from a file: one "NUMBER SECRET" a line (NUMBER 0 to 9, SECRET at
 * least 16 bytes without white space, '#' comments); the highest number
 * signs, every one verifies, so keys rotate by adding a higher one and
 * removing the old one after the tag lifetime.  Times are the caller's (the
 * scan time), never the clock, so old mail can be checked as of its day.
 */
#ifndef MAILVET_BATV_H
#define MAILVET_BATV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailvet/str.h"

#pragma GCC visibility push(default)

struct mv_batv_keys;

/* Reads a key file.  Returns 0, or -1 with *error_r (malloc()ed: "FILE:LINE: what is wrong"). */
int mv_batv_keys_load(const char *path, struct mv_batv_keys **keys_r, char **error_r);
/* The same from text in memory; `name` stands for the file in errors. */
int mv_batv_keys_parse(const char *name, const char *text, size_t len, struct mv_batv_keys **keys_r,
		       char **error_r);
/* Wipes the secrets, frees the keys and sets *keys to NULL. */
void mv_batv_keys_free(struct mv_batv_keys **keys);
/* The number of the key that signs (the highest). */
unsigned mv_batv_keys_signer(const struct mv_batv_keys *keys);

/* The tag's length: "prvs=" + 10 + "=". */
#define MV_BATV_TAG_LEN 16

/*
 * Tags `address` (local@domain) for mail sent at `now` (seconds since the
 * epoch), valid for lifetime_days, into out[size] (NUL-terminated).  Returns
 * the length written; 0 when the address is not one to tag (no local part or
 * domain, already tagged, a local part that would pass the 64 bytes of RFC
 * 5321 4.5.3.1.1); -1 when out is too small.
 */
int mv_batv_sign(const struct mv_batv_keys *keys, mv_str address, int64_t now, unsigned lifetime_days, char *out,
		 size_t size);

enum mv_batv_status {
	MV_BATV_VALID,
	MV_BATV_UNTAGGED,	/* no prvs= tag */
	MV_BATV_MALFORMED,	/* a prvs= tag that is not one digit, three digits, six hex digits */
	MV_BATV_UNKNOWN_KEY,	/* signed with a key number the key file does not have */
	MV_BATV_BAD_SIGNATURE,	/* the signature is not ours for this address and day */
	MV_BATV_EXPIRED,	/* ours, but its day has passed */
	MV_BATV_BAD_DAY,	/* ours, but it expires further ahead than a tag we make can */
};

/* "valid", "untagged", "malformed", "unknown key", "bad signature", "expired", "impossible day" */
const char *mv_batv_status_name(enum mv_batv_status status);

struct mv_batv_result {
	enum mv_batv_status status;
	mv_str address;		/* the address without its tag (a view into the input); the input when untagged */
	unsigned key;		/* the key number the tag names */
	unsigned days;		/* VALID: days left; EXPIRED: days since it expired; BAD_DAY: days ahead */
};

/*
 * Verifies a tagged address as of `now`, accepting tags that expire within
 * lifetime_days.  Returns result->status.
 */
enum mv_batv_status mv_batv_verify(const struct mv_batv_keys *keys, mv_str address, int64_t now,
				   unsigned lifetime_days, struct mv_batv_result *result);

#pragma GCC visibility pop

#endif
