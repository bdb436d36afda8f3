/*
 * DMARC (RFC 9989, compatible with RFC 7489 records): the policy record
 * parser (dmarc_record.c) and the evaluation of one message against the
 * policy of its Author Domain (dmarc_eval.c): the DNS Tree Walk, identifier
 * alignment, and the disposition the Domain Owner asks for.  Nothing here
 * sends reports.  docs/internals/dmarc.md explains the choices.
 */
#ifndef MV_AUTH_DMARC_H
#define MV_AUTH_DMARC_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/str.h"

struct dns_answer;

/* A Domain Owner Assessment Policy (p=, sp=, np=). */
enum dmarc_policy {
	DMARC_POLICY_ABSENT,		/* the tag is not in the record */
	DMARC_POLICY_NONE,
	DMARC_POLICY_QUARANTINE,
	DMARC_POLICY_REJECT,
	DMARC_POLICY_INVALID,		/* the tag is there with a value that is not a dmarc-request */
};

/* "none", "quarantine", "reject" ("" for ABSENT and INVALID). */
const char *dmarc_policy_name(enum dmarc_policy policy);

enum dmarc_psd {
	DMARC_PSD_U,			/* the default: maybe an Organizational Domain, the walk decides */
	DMARC_PSD_Y,			/* a Public Suffix Domain */
	DMARC_PSD_N,			/* an Organizational Domain, not a PSD */
};

struct dmarc_record {
	enum dmarc_policy p, sp, np;
	enum dmarc_psd psd;
	bool adkim_strict, aspf_strict;	/* adkim=s, aspf=s */
	bool testing;			/* t=y */
	bool has_pct;			/* pct= (RFC 7489) with a valid value */
	unsigned pct;			/* 0..100; 100 when absent */
	bool rua_valid;			/* rua= holds at least one syntactically valid URI */
};

/*
 * Parses the text of one TXT record (its strings joined).  Returns true when
 * it is a DMARC Policy Record: "v=DMARC1" first (RFC 9989 4.7: otherwise the
 * whole record is ignored), and fills *rec_r.  Unknown tags are ignored, and
 * a known tag with a value outside its syntax falls back to its default
 * (RFC 9989 4.8), except p, sp and np, which become DMARC_POLICY_INVALID
 * because RFC 9989 4.10.1 treats an invalid policy apart.  Tag names are
 * matched without regard to case; of a repeated tag the first counts.
 */
bool dmarc_record_parse(mv_str text, struct dmarc_record *rec_r);

/*
 * The lookup the evaluation uses: the answer to a TXT (or, for the existence
 * test, A) query of `name`, MV_OK with *answer_r, MV_AGAIN when it has been
 * started (the evaluation is then run again from the start once it has an
 * answer), or MV_NOMEM.  The check binds it to task_dns().
 */
typedef int dmarc_lookup_fn(void *ctx, const char *name, unsigned type, const struct dns_answer **answer_r);

/* The outcome of the Organizational Domain walk of one domain (RFC 9989 4.10, 4.10.2). */
enum dmarc_walk_status {
	DMARC_WALK_DONE,
	DMARC_WALK_AGAIN,		/* lookups are pending */
	DMARC_WALK_TEMPERROR,		/* a lookup the answer depends on failed for now */
	DMARC_WALK_NOMEM,
};

/* One authenticated identifier to align with the Author Domain. */
struct dmarc_identifier {
	mv_str domain;			/* lower-case, no trailing dot */
	bool pass;			/* SPF pass of the MAIL FROM identity, or a DKIM signature that verifies */
	bool aligned;			/* out */
};

struct dmarc_input {
	mv_str author;			/* the Author Domain: lower-case A-labels, no trailing dot */
	uint32_t sample;		/* 0..99: this message's place for an RFC 7489 pct= sample */
	struct dmarc_identifier spf;
	struct dmarc_identifier *dkim;	/* one per signature */
	unsigned n_dkim;
	unsigned max_walks;		/* identifiers whose Organizational Domain may be walked */
};

enum dmarc_result {
	DMARC_RESULT_NONE,		/* no DMARC Policy Record applies: DMARC does not apply */
	DMARC_RESULT_PASS,
	DMARC_RESULT_FAIL,
	DMARC_RESULT_TEMPERROR,		/* a DNS lookup it needs failed for now */
	DMARC_RESULT_PERMERROR,		/* a record applies, but holds no usable policy */
};

/* Domain names in the outcome are views into dmarc_input.author (they are all suffixes of it). */
struct dmarc_outcome {
	enum dmarc_result result;
	mv_str policy_domain;		/* where the record that applies was found */
	mv_str org_domain;		/* the Author Domain's Organizational Domain; empty when not needed */
	struct dmarc_record record;	/* the record that applies */
	enum dmarc_policy policy;	/* p, sp or np as it applies to the Author Domain */
	const char *policy_tag;		/* "p", "sp" or "np"; NULL: none for want of a valid one (4.10.1) */
	enum dmarc_policy disposition;	/* the policy, one step milder under t=y or outside pct= */
	bool from_psd;			/* the record is a Public Suffix Operator's (psd=y) */
	bool nonexistent;		/* the Author Domain does not exist (np= applied) */
	bool testing;			/* t=y, or the message fell outside pct= */
	bool spf_aligned, dkim_aligned;
	const char *reason;		/* temperror and permerror: plain words */
};

/*
 * Evaluates the message: policy discovery, alignment of every identifier
 * that passed (setting its `aligned`), the result and the disposition.
 * in->author must be a valid domain name (dmarc_domain_valid()).  Returns
 * MV_OK with *out_r complete, MV_AGAIN when lookups are pending (call it
 * again once they have answered: the lookup function answers those from its
 * memo then), or MV_NOMEM.
 */
int dmarc_eval(dmarc_lookup_fn *lookup, void *ctx, struct dmarc_input *in, struct dmarc_outcome *out_r);

/* A name the walk can use: LDH or '_' labels of 1 to 63 bytes, at most 253 bytes, no trailing dot. */
bool dmarc_domain_valid(mv_str domain);

/*
 * The Author Domain as DMARC queries it: U-labels converted to A-labels
 * (RFC 9989 5.3.1, IDNA2008 with UTS #46 mapping, as the URL module does),
 * lower case, one trailing dot dropped.  Writes a NUL-terminated name into
 * out_r and returns true, or false when it is not a valid domain name.
 */
bool dmarc_domain_ascii(mv_str domain, char out_r[256]);

/*
 * The Organizational Domain of `domain` by the DNS Tree Walk (RFC 9989
 * 4.10.2), written into org_r (at most 254 bytes with the NUL).  *psd_r, when
 * not NULL, is set when `domain` itself publishes psd=y (it is a Public Suffix
 * Domain: the walk then names it its own Organizational Domain).
 */
enum dmarc_walk_status dmarc_org_domain(dmarc_lookup_fn *lookup, void *ctx, mv_str domain, char org_r[256],
					bool *psd_r);

#endif
