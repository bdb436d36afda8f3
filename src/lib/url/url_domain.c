/*
 * Registrable domain (eTLD+1) with libpsl.  The list is psl_builtin() when
 * the library was built with one, else the newest of the system files
 * (/usr/share/publicsuffix, Debian package "publicsuffix").  It is loaded
 * once, thread-safely, and never freed (it is shared, read-only data).
 */
#include <pthread.h>
#include <stdint.h>

#include <libpsl.h>
#include <string.h>

#include "url/url_int.h"

static const psl_ctx_t *psl_ctx;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void psl_init(void)
{
	const psl_ctx_t *ctx = psl_builtin();

	if (ctx == NULL || psl_suffix_count(ctx) <= 0)
		ctx = psl_latest(NULL);
	if (ctx == NULL)
		ctx = psl_load_file("/usr/share/publicsuffix/public_suffix_list.dat");
	psl_ctx = ctx;
}

/*
 * A per-thread cache in front of libpsl, which costs several thousand
 * instructions a lookup while mail repeats the same few hosts.  The answer is
 * stored as the length of the registrable domain (a suffix of the host).  The
 * hash is seeded per thread so a sender cannot aim collisions at it; a
 * collision only costs a libpsl call anyway.
 *
 * Between two messages the scan streams through megabytes of mail, so a
 * table lookup misses the caches (and on a VM the page walk is dear): the
 * table is kept small.  A slot is 32 bytes (99% of the corpus's names are
 * shorter than 31; a longer name is answered from its cached suffixes), and
 * two slots make a set of one cache line, so that two names sharing a set do
 * not evict each other.
 */
#define PSL_CACHE_SETS 4096
#define PSL_CACHE_HOST 30

struct psl_cache_slot {
	uint8_t len;		/* 0: empty */
	uint8_t domain_len;	/* 0: no registrable domain, the host is its own answer */
	char host[PSL_CACHE_HOST];
};

struct psl_cache_set {
	struct psl_cache_slot way[2];	/* way[0] the newer */
};

_Static_assert(sizeof(struct psl_cache_set) == 64, "a PSL cache set is one cache line");

static _Thread_local struct psl_cache_set *psl_cache;
static _Thread_local uint64_t psl_cache_seed;

/*
 * The last hosts asked and their answers, one per length modulo 16, in front
 * of the cache.  Between two messages the scan streams through megabytes of
 * mail, so a table lookup is a cache miss; but most links of a message name
 * a host seen a few links before (on the corpus 73% of lookups hit here),
 * and these 512 bytes stay warm.  A hit needs no hash either.
 */
#define PSL_RECENT 16

static _Thread_local struct psl_cache_slot psl_recent[PSL_RECENT];

static struct psl_cache_slot *recent_slot(size_t n)
{
	return &psl_recent[n % PSL_RECENT];
}

static const struct psl_cache_slot *recent_get(const char *lower, size_t n)
{
	const struct psl_cache_slot *slot = recent_slot(n);

	return n != 0 && slot->len == n && memcmp(slot->host, lower, n) == 0 ? slot : NULL;
}

static void recent_put(const char *lower, size_t n, size_t domain_len)
{
	struct psl_cache_slot *slot = recent_slot(n);

	if (n == 0 || n > PSL_CACHE_HOST)
		return;
	slot->len = (uint8_t)n;
	slot->domain_len = (uint8_t)domain_len;
	memcpy(slot->host, lower, n);
}

/* The set for a name, or NULL when the table cannot be allocated. */
static struct psl_cache_set *psl_cache_set(const char *lower, size_t n)
{
	if (psl_cache == NULL) {
		psl_cache = url_thread_table(URL_TABLE_PSL, PSL_CACHE_SETS, sizeof(*psl_cache));
		if (psl_cache == NULL)
			return NULL;
		psl_cache_seed = url_hash_seed(psl_cache);
	}
	return &psl_cache[url_hash(psl_cache_seed, lower, n) % PSL_CACHE_SETS];
}

static bool slot_holds(const struct psl_cache_slot *slot, const char *lower, size_t n)
{
	return slot->len == n && memcmp(slot->host, lower, n) == 0;
}

/* The cached answer for a lower-case name, or NULL. */
static const struct psl_cache_slot *cache_get(const char *lower, size_t n)
{
	const struct psl_cache_set *set;

	if (n == 0 || n > PSL_CACHE_HOST)
		return NULL;
	set = psl_cache_set(lower, n);
	if (set == NULL)
		return NULL;
	if (slot_holds(&set->way[0], lower, n))
		return &set->way[0];
	return slot_holds(&set->way[1], lower, n) ? &set->way[1] : NULL;
}

/* The new answer takes way 0; the older one moves to way 1, evicting the oldest. */
static void cache_put(const char *lower, size_t n, size_t domain_len)
{
	struct psl_cache_set *set;

	if (n == 0 || n > PSL_CACHE_HOST)
		return;
	set = psl_cache_set(lower, n);
	if (set == NULL)
		return;
	set->way[1] = set->way[0];
	set->way[0].len = (uint8_t)n;
	memcpy(set->way[0].host, lower, n);
	set->way[0].domain_len = (uint8_t)domain_len;
}

/*
 * psl_registrable_domain()'s own loop: walking the suffixes of name from the
 * left, the answer is the last one walked before the first public suffix.
 * Once a suffix is known not to be public, the answer is that suffix's own
 * answer, so a cached suffix ends the walk: a new host under a domain seen
 * before costs one libpsl call instead of one per label.  Every suffix walked
 * has the same answer and is cached with it.  (A cached answer of 0 means the
 * suffix is public, except for a name starting with '.', which libpsl
 * refuses outright: those are never looked up or stored.)
 *
 * name is lower-case and NUL-terminated; returns the length of the
 * registrable domain at its end, 0 for none.
 */
static size_t registrable_length(const char *name, size_t n)
{
	const char *end = name + n, *d, *dot, *regdom = NULL, *w;
	const struct psl_cache_slot *known;
	size_t answer;
	bool public = false;

	if (*name == '.')
		return 0;
	for (d = name;; d = dot + 1) {
		known = d != name && *d != '.' ? cache_get(d, (size_t)(end - d)) : NULL;
		if (known != NULL) {
			if (known->domain_len != 0)
				regdom = end - known->domain_len;
			break;
		}
		if (psl_is_public_suffix(psl_ctx, d)) {
			public = true;
			break;
		}
		dot = memchr(d, '.', (size_t)(end - d));
		if (dot == NULL)
			break;
		regdom = d;
	}
	answer = regdom != NULL ? (size_t)(end - regdom) : 0;
	if (public && *d != '.')
		cache_put(d, (size_t)(end - d), 0);
	for (w = name; w < d; w = (const char *)memchr(w, '.', (size_t)(end - w)) + 1) {
		if (*w != '.')
			cache_put(w, (size_t)(end - w), answer);
	}
	return answer;
}

/* The registrable domain is the last domain_len bytes of host; 0 means the host itself. */
static mv_str domain_of(mv_str host, size_t domain_len)
{
	return domain_len == 0 ? host : mv_str_make(host.p + host.len - domain_len, domain_len);
}

/*
 * Only the trailing labels matter, so a host longer than a DNS name is cut
 * at a label boundary before asking libpsl (which wants a lower-case,
 * NUL-terminated string).
 */
mv_str mv_url_registrable_domain(mv_str host)
{
	char buf[URL_MAX_HOST + 1];
	size_t skip = 0, i, n, domain_len;
	const struct psl_cache_slot *slot;

	if (host.len == 0 || host.p == NULL)
		return host;
	if (host.len > URL_MAX_HOST) {
		skip = host.len - URL_MAX_HOST;
		while (skip < host.len && host.p[skip] != '.')
			skip++;
		if (skip >= host.len)
			return host;
		skip++;
	}
	n = host.len - skip;
	for (i = 0; i < n; i++) {
		char c = mv_ascii_lower(host.p[skip + i]);

		if (c == '\0')
			return host;
		buf[i] = c;
	}
	buf[n] = '\0';
	slot = recent_get(buf, n);
	if (slot == NULL) {
		slot = cache_get(buf, n);
		if (slot != NULL)
			*recent_slot(n) = *slot;
	}
	if (slot != NULL)
		return domain_of(host, slot->domain_len);
	pthread_once(&psl_once, psl_init);
	if (psl_ctx == NULL)
		return host;
	domain_len = registrable_length(buf, n);
	recent_put(buf, n, domain_len);
	return domain_of(host, domain_len);
}

/*
 * A host from url_fast.c is already lower-case ASCII without NUL bytes, so a
 * cache hit needs no copy: hash and compare the host itself.
 */
mv_str url_registrable_domain_plain(mv_str host)
{
	const struct psl_cache_slot *slot = recent_get(host.p, host.len);

	if (slot != NULL)
		return domain_of(host, slot->domain_len);
	slot = cache_get(host.p, host.len);
	if (slot == NULL)
		return mv_url_registrable_domain(host);
	*recent_slot(host.len) = *slot;
	return domain_of(host, slot->domain_len);
}
