/* The DNS layer's own declarations, shared by its files; checks use task_dns() and dns.h. */
#ifndef MV_DNS_INT_H
#define MV_DNS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

/* Bounds of the zone reader (dns.h) and of what one answer may hold. */
#define DNS_ZONE_MAX_FILE ((size_t)64 << 20)
#define DNS_ZONE_MAX_RECORDS 1000000u
#define DNS_CNAME_MAX 8			/* CNAMEs followed in one lookup */
#define DNS_TTL_MAX 86400u		/* the cache keeps nothing longer than a day */
#define DNS_NEGATIVE_TTL_MAX 3600u	/* NXDOMAIN and NODATA: RFC 2308's SOA minimum, at most an hour */
#define DNS_NEGATIVE_TTL_DEFAULT 300u	/* ... or 5 minutes when the answer carries no SOA */

/*
 * Answers in one block: the struct, its records, then their bytes, each
 * NUL-terminated.  dns_answer_size() is what dns_answer_pack() writes into
 * mem (16-byte aligned, as malloc and the arena give).
 */
size_t dns_answer_size(const struct dns_answer *answer);
struct dns_answer *dns_answer_pack(const struct dns_answer *answer, void *mem);
/* A static answer with no records and this rcode (canonical empty). */
const struct dns_answer *dns_answer_static(int rcode);

/* A zone record; text copied.  0, or -1 with *error_r malloc()ed. */
int dns_zone_add_rr(struct dns_zone *zone, const char *name, const struct dns_rr *rr, char **error_r);
/* Makes the name exist with no records (one whose types are all skipped); -1 when out of memory. */
int dns_zone_add_name(struct dns_zone *zone, const char *name);
/*
 * A name in master-file text form (escapes \X and \DDD) made absolute with
 * origin (NULL: none) and normalized into out; "@" is the origin.  NULL, or
 * what is wrong with it.
 */
const char *dns_zone_name(const char *text, size_t len, const char *origin, char out[256]);

/*
 * A DNS answer in wire form (RFC 1035 4.1) for (qname, qtype): the records of
 * the type at qname or at the end of its CNAME chain.  The parsed answer is
 * packed into a malloc()ed block (*answer_r; free()), with *ttl_r how long it
 * may be cached (0: not).  A malformed answer, or one for another question,
 * is TEMPFAIL.  -1 when out of memory.
 */
int dns_wire_parse(const unsigned char *buf, size_t len, const char *qname, uint16_t qtype,
		   struct dns_answer **answer_r, uint32_t *ttl_r);

/*
 * The cache shared by a resolver's threads: at most max_entries answers
 * (0: none) and about 1 KiB per entry on average, each until its TTL ends,
 * the least recently used first out when full.  Times are monotonic ms.
 */
struct dns_cache;

struct dns_cache *dns_cache_new(size_t max_entries);
void dns_cache_free(struct dns_cache **cache);
/* Copies the answer into *buf_r (grown with realloc, *size_r its size); true on a hit. */
bool dns_cache_get(struct dns_cache *cache, const char *name, uint16_t type, uint64_t now_ms, void **buf_r,
		   size_t *size_r, const struct dns_answer **answer_r);
/* Keeps a copy for ttl seconds; false when it was not kept (out of memory, too big, no room). */
bool dns_cache_put(struct dns_cache *cache, const char *name, uint16_t type, const struct dns_answer *answer,
		   uint32_t ttl, uint64_t now_ms);
/* The number of entries (for tests). */
size_t dns_cache_count(struct dns_cache *cache);

/* The network side of a resolver (dns_ares.c). */
struct dns_server {
	int family;		/* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

struct dns_net_settings {
	const struct dns_server *servers;
	unsigned n_servers;
	unsigned timeout_ms;	/* per try */
	unsigned retries;
};

/*
 * Starts a lookup on the thread's c-ares channel for (resolver, loop);
 * returns as dns_lookup_start().  The answer is offered to the cache before
 * done() is called.
 */
int dns_net_lookup(struct dns_resolver *resolver, const struct dns_net_settings *set, struct dns_cache *cache,
		   struct mv_loop *loop, const char *name, uint16_t type, dns_done_fn *done, void *arg,
		   const struct dns_answer **answer_r, struct dns_lookup **handle_r);
void dns_net_cancel(struct dns_lookup *lookup);
/* Channels of this thread still open for resolver (for tests; 0 once its lookups are over). */
unsigned dns_net_channels(const struct dns_resolver *resolver);

/* Monotonic milliseconds. */
uint64_t dns_now_ms(void);

/* "IP", "IP:PORT", "[IPv6]:PORT", "IPv6": true when it is one. */
bool dns_server_parse(const char *text, struct dns_server *server_r);

#endif
