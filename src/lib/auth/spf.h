/*
 * SPF, RFC 7208: the record parser (spf_record.c), macro expansion
 * (spf_macro.c) and check_host() (spf_eval.c).  Nothing here allocates
 * per term: a record is checked whole, then its terms are read again one
 * by one from the text, so a record costs no memory however long it is,
 * and an evaluation that waits for DNS can be run again from the start.
 * docs/internals/spf.md has the design and the limits.
 */
#ifndef MV_AUTH_SPF_H
#define MV_AUTH_SPF_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/arena.h"
#include "mailvet/auth.h"
#include "mailvet/str.h"

#define SPF_MAX_LOOKUPS 10	/* DNS-querying terms per evaluation (RFC 7208 4.6.4: MUST) */
#define SPF_MAX_VOID 2		/* void lookups: the RECOMMENDED default */
#define SPF_MAX_NAMES 10	/* MX names, PTR names looked at per mechanism (4.6.4) */
#define SPF_DOMAIN_MAX 253	/* a domain name in text form (RFC 7208 7.3 truncates to it) */
#define SPF_EXPLAIN_MAX 512	/* an explanation is cut here: it is read by people */

/* ---- records (spf_record.c) ---- */

enum spf_term_kind {
	SPF_ALL,
	SPF_INCLUDE,
	SPF_A,
	SPF_MX,
	SPF_PTR,
	SPF_IP4,
	SPF_IP6,
	SPF_EXISTS,
	SPF_REDIRECT,
	SPF_EXP,
	SPF_UNKNOWN_MODIFIER,
};

struct spf_term {
	enum spf_term_kind kind;
	enum mv_auth_result qualifier;	/* PASS, FAIL, SOFTFAIL, NEUTRAL; mechanisms only */
	mv_str domain;			/* the domain-spec as written (macros unexpanded); empty: <domain> */
	unsigned cidr4, cidr6;		/* prefix lengths: a, mx (32 and 128 by default), ip4, ip6 */
	uint8_t addr[16];		/* ip4: the first 4 bytes; ip6 */
	mv_str text;			/* the term as written */
};

struct spf_record {
	mv_str terms;			/* the text after "v=spf1" */
	mv_str redirect, exp;		/* domain-specs; .p NULL when absent */
	unsigned n_mechanisms;
	const char *error;		/* why the record is not valid (static text) */
	mv_str error_term;		/* the term it is about, if any */
};

/* True when the TXT string is an SPF version 1 record: "v=spf1" then a space or the end (4.5). */
bool spf_record_is_spf(mv_str txt);
/*
 * Checks a whole record (4.6: any syntax error anywhere is a permerror) and
 * finds its modifiers.  Returns 0, or -1 with rec->error set.
 */
int spf_record_parse(mv_str txt, struct spf_record *rec);
/* The next mechanism of a parsed record, from *pos (start at 0); false at the end. */
bool spf_record_next(const struct spf_record *rec, size_t *pos, struct spf_term *term_r);
/* Parses one term; NULL when valid, else why not. */
const char *spf_term_parse(mv_str text, struct spf_term *term_r);

/* ---- macros (spf_macro.c) ---- */

enum spf_macro_mode {
	SPF_MACRO_DOMAIN,	/* a domain-spec: letters slodipvh, no spaces; the result is a domain name */
	SPF_MACRO_EXPLAIN,	/* an explain-string: also c, r, t and spaces (6.2, 7.1) */
	SPF_MACRO_ANY,		/* an unknown modifier's macro-string: any letter; only checked */
};

/* What the macros expand to (7.3); views the caller keeps alive. */
struct spf_macro_env {
	mv_str sender;		/* s: local-part@domain, "postmaster" when MAIL FROM had none */
	mv_str local;		/* l */
	mv_str sender_domain;	/* o */
	mv_str domain;		/* d: the domain whose record is being evaluated */
	mv_str ptr;		/* p: a validated name of the client, or "unknown" */
	mv_str helo;		/* h */
	mv_str receiver;	/* r */
	bool ipv4;
	char ip_dotted[72];	/* i: dotted quad, or 32 dotted nibbles */
	char ip_text[48];	/* c: dotted quad, or RFC 5952 text */
	char time_text[24];	/* t */
};

/* Sets i, c and v from the address (16 bytes, IPv4 mapped when ipv4) and t from the time. */
void spf_macro_env_set_ip(struct spf_macro_env *env, const uint8_t ip[16], bool ipv4, int64_t time);

/*
 * Checks a macro-string.  Returns 0, or -1 when it is not valid in that
 * mode; *uses_p_r (may be NULL) tells whether it has a %{p}.
 */
int spf_macro_check(mv_str s, enum spf_macro_mode mode, bool *uses_p_r);
/* True when a domain-spec ends as RFC 7208 7.1 requires: a macro, or "." toplabel ["."]. */
bool spf_domain_end_valid(mv_str spec);

/*
 * Expands s (checked) into out (size >= SPF_DOMAIN_MAX + 1): in DOMAIN mode
 * the trailing dot is dropped and a name over 253 bytes loses labels from the
 * left (7.3); in EXPLAIN mode the text is cut at size - 1.  Returns the length
 * (out is NUL-terminated), or -1 when s is not valid.
 */
int spf_macro_expand(mv_str s, enum spf_macro_mode mode, const struct spf_macro_env *env, char *out,
		     size_t size);

/* ---- check_host() (spf_eval.c) ---- */

struct dns_answer;
/* A DNS lookup: MV_OK with *answer_r, MV_AGAIN while it is pending (task_dns() in a scan). */
typedef int spf_dns_fn(void *arg, const char *name, unsigned type, const struct dns_answer **answer_r);

struct spf_query {
	spf_dns_fn *dns;
	void *dns_arg;
	uint8_t ip[16];		/* IPv4 mapped when ipv4 */
	bool ipv4;
	mv_str sender, local, sender_domain;
	mv_str helo;
	mv_str receiver;	/* %{r}: this host's domain, "unknown" when not known */
	int64_t time;		/* %{t} */
	unsigned max_void;	/* void lookups allowed (SPF_MAX_VOID) */
};

struct spf_outcome {
	enum mv_auth_result result;
	char explanation[SPF_EXPLAIN_MAX + 1];	/* exp= text of a fail, "" when none */
	char problem[160];			/* why none, permerror or temperror */
	unsigned lookups, voids;		/* DNS-querying terms and void lookups spent */
};

/*
 * Fills the identity of q: the client address (text; IPv4-mapped IPv6 is
 * IPv4, 5/9) and the sender, split at its last '@' ("postmaster" stands in
 * for a missing local-part, 4.3).  The sender's bytes are copied into arena.
 * Returns 0, or -1 when the address is not one or the arena is exhausted.
 */
int spf_query_init(struct spf_query *q, mv_str client_ip, mv_str sender, mv_str helo, mv_arena *arena);

/*
 * check_host(<ip>, <domain>, <sender>) of RFC 7208 4, with the explanation
 * of a fail (6.2).  Returns MV_OK with *out filled, or MV_AGAIN when a lookup
 * is pending: call again (with the same query) once it has answered.
 */
int spf_check_host(const struct spf_query *q, mv_str domain, struct spf_outcome *out);

/* True when a domain can be checked at all (4.3): not over 253, labels 1..63, at least two. */
bool spf_domain_valid(mv_str domain);

#endif
