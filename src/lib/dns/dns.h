/*
 * DNS for the checks.  A check asks task_dns() for (name, type); the answer
 * comes from the message's memo when this message asked before, from the
 * resolver's cache shared by every thread, or from the resolver: a zone file
 * (dns_zone: answered at once, for reproducible scans of stored mail) or DNS
 * servers through c-ares, on the task's loop.  A check that gets MV_AGAIN
 * returns MV_AGAIN from run() and is run again, from the start of its logic,
 * once every lookup it started has an answer: it then finds them in the memo.
 * So a check is written as if DNS were synchronous, and the lookups a check
 * starts in one pass run concurrently.
 */
#ifndef MV_DNS_H
#define MV_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/config.h"
#include "mailvet/loop.h"
#include "mailvet/str.h"

enum dns_type {
	DNS_T_A = 1,
	DNS_T_CNAME = 5,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
};

enum dns_rcode {
	DNS_R_OK,		/* an answer: records of the type, or none (NODATA) */
	DNS_R_NXDOMAIN,		/* the name does not exist */
	DNS_R_TEMPFAIL,		/* SERVFAIL, REFUSED, unreachable servers, a malformed or lying answer */
	DNS_R_TIMEOUT,		/* no answer within dns_timeout and its retries, or the scan's deadline */
	DNS_R_LIMIT,		/* not asked: the message's dns_max_queries were spent */
	DNS_R_BADNAME,		/* not asked: the name is not a valid domain name (too long, empty label) */
};

const char *dns_rcode_name(int rcode);	/* "ok", "nxdomain", "tempfail", "timeout", "limit", "badname" */

struct dns_rr {
	uint16_t type;		/* enum dns_type */
	uint32_t ttl;
	uint16_t preference;	/* MX */
	uint8_t addr[16];	/* A: the first 4 bytes; AAAA: all 16 */
	mv_str text;		/* TXT: the character-strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2);
				   MX, PTR, CNAME: the target name, lower case, without the trailing dot */
	unsigned n_strings;	/* TXT: how many character-strings were joined */
};

struct dns_answer {
	int rcode;			/* enum dns_rcode */
	const struct dns_rr *rr;	/* records of the asked type only (CNAMEs followed, not listed) */
	unsigned n_rr;
	mv_str canonical;		/* the name the records belong to after CNAMEs (the asked name if none);
					   empty for answers given without asking: LIMIT, BADNAME */
};

/*
 * The resolver, made once per engine from the configuration and shared by
 * its threads: the zone (dns_zone) or the servers (dns_servers, default
 * /etc/resolv.conf), the cache (dns_cache_size entries, TTLs honoured,
 * negative answers cached), dns_timeout and dns_retries per query.
 */
struct dns_resolver;

/* The settings of the DNS layer, added to the engine's schema. */
extern const struct mv_setting_table dns_setting_table;

int dns_resolver_new(const struct mv_config *cfg, struct dns_resolver **resolver_r, char **error_r);
void dns_resolver_free(struct dns_resolver **resolver);
/* The per-message budget (dns_max_queries). */
unsigned dns_resolver_max_queries(const struct dns_resolver *resolver);

/*
 * The resolver's lookup, for the task layer: starts a lookup of the
 * normalized name (lower case, no trailing dot).  Returns 1 when the answer
 * is known at once (zone, cache: *answer_r is valid until the next call on
 * this thread; copy it), 0 when done(arg, answer) will be called from the
 * loop (the answer is valid during the call), -1 on out of memory.  *handle_r
 * can cancel it: after dns_cancel() done is not called.
 */
struct dns_lookup;
typedef void dns_done_fn(void *arg, const struct dns_answer *answer);
int dns_lookup_start(struct dns_resolver *resolver, struct mv_loop *loop, const char *name, uint16_t type,
		     dns_done_fn *done, void *arg, const struct dns_answer **answer_r, struct dns_lookup **handle_r);
void dns_cancel(struct dns_lookup *handle);

/*
 * An in-memory zone: what dns_zone files are read into, and what tests build
 * directly.  Names are absolute, case-insensitive, without the trailing dot.
 * A lookup finds the records of the type at the name; else follows a CNAME at
 * the name (up to 8); else NODATA when the name holds other records (or has
 * names below it: an empty non-terminal), NXDOMAIN otherwise.  A "*" first
 * label matches names that do not exist (RFC 4592).
 */
struct dns_zone;

struct dns_zone *dns_zone_new(void);
void dns_zone_free(struct dns_zone **zone);
/* Adds one record; rdata as in a master file: "192.0.2.1", "10 mx.example.org", a TXT's bytes as one string. */
int dns_zone_add(struct dns_zone *zone, const char *name, uint16_t type, uint32_t ttl, const char *rdata,
		 char **error_r);
/* A TXT record made of several character-strings (for tests of the joining). */
int dns_zone_add_txt(struct dns_zone *zone, const char *name, uint32_t ttl, const char *const *strings,
		     unsigned n_strings);
/* Marks a name as failing: lookups of it answer rcode (TEMPFAIL, TIMEOUT), to test those paths. */
int dns_zone_add_failure(struct dns_zone *zone, const char *name, int rcode);
/*
 * Reads a BIND master file ($ORIGIN, $TTL, $INCLUDE not supported, @,
 * relative names, parentheses, comments, quoted and multi-string TXT; A,
 * AAAA, MX, TXT, PTR, CNAME; other types are skipped).  Errors name the file
 * and the line.  Bounded: 64 MiB per file, 1,000,000 records.
 */
int dns_zone_load_file(struct dns_zone *zone, const char *path, char **error_r);
int dns_zone_load_text(struct dns_zone *zone, const char *file, const char *text, size_t len, char **error_r);
/* Synchronous lookup; the answer lives in the zone (valid while it is; canonical may point into name). */
void dns_zone_lookup(const struct dns_zone *zone, const char *name, uint16_t type, struct dns_answer *answer_r);

/* A resolver that answers from `zone` (which it takes over), for tests. */
int dns_resolver_from_zone(struct dns_zone *zone, unsigned max_queries, struct dns_resolver **resolver_r);

/* Normalizes a domain name into out (lower case, no trailing dot); false when it is not a valid one. */
bool dns_name_normalize(mv_str name, char out[256]);

#endif
