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
 * The table is buckets of 128 bytes (two cache lines, which the hardware
 * fetches together), each a list of as many names as fit, packed from its
 * front, the newest first: an entry is the name's length (0 ends the list),
 * the answer's length, then the name.  Names average 15 bytes, so a bucket
 * holds about seven, where fixed slots held two a cache line; and a bucket
 * evens out the hash's ups and downs better than a line.  The corpus's ~7,900
 * names (hosts and the suffixes walked) fit in 256 KB, so warm passes call
 * libpsl 130 times instead of 2,400.  Names of up to 62 bytes are cached, so
 * long tracking hosts are too.
 */
#define PSL_CACHE_BUCKETS 2048
#define PSL_BUCKET 128
#define PSL_CACHE_NAME 62		/* longest name cached */
#define PSL_RECENT_NAME 30		/* longest name kept in psl_recent */

struct psl_bucket {
	unsigned char byte[PSL_BUCKET];
};

_Static_assert(sizeof(struct psl_bucket) == 128, "a PSL cache bucket is two cache lines");

/*
 * The last hosts asked and their answers, one per length modulo 16, in front
 * of the cache.  Between two messages the scan streams through megabytes of
 * mail, so a table lookup is a cache miss; but most links of a message name
 * a host seen a few links before (on the corpus 73% of lookups hit here),
 * and these 512 bytes stay warm.  A hit needs no hash either.
 */
#define PSL_RECENT 16

struct psl_recent_slot {
	uint8_t len;		/* 0: empty */
	uint8_t domain_len;	/* 0: no registrable domain, the host is its own answer */
	char host[PSL_RECENT_NAME];
};

static _Thread_local struct psl_recent_slot psl_recent[PSL_RECENT];

static struct psl_recent_slot *recent_slot(size_t n)
{
	return &psl_recent[n % PSL_RECENT];
}

static bool recent_get(const char *lower, size_t n, size_t *domain_len_r)
{
	const struct psl_recent_slot *slot = recent_slot(n);

	if (n == 0 || slot->len != n || memcmp(slot->host, lower, n) != 0)
		return false;
	*domain_len_r = slot->domain_len;
	return true;
}

static void recent_put(const char *lower, size_t n, size_t domain_len)
{
	struct psl_recent_slot *slot = recent_slot(n);

	if (n == 0 || n > PSL_RECENT_NAME)
		return;
	slot->len = (uint8_t)n;
	slot->domain_len = (uint8_t)domain_len;
	memcpy(slot->host, lower, n);
}

/* The bucket for a name, or NULL when the table cannot be allocated. */
static unsigned char *psl_cache_bucket(const char *lower, size_t n)
{
	struct psl_bucket *cache = url_thread_table(URL_TABLE_PSL, PSL_CACHE_BUCKETS, sizeof(*cache));

	if (cache == NULL)
		return NULL;
	return cache[url_hash(url_table_seed(URL_TABLE_PSL), lower, n) % PSL_CACHE_BUCKETS].byte;
}

/* Where the entry at `at` ends: the next one starts there. */
static size_t entry_end(const unsigned char *bucket, size_t at)
{
	return at + 2 + bucket[at];
}

/* The cached answer for a lower-case name (in *domain_len_r), or false. */
static bool cache_get(const char *lower, size_t n, size_t *domain_len_r)
{
	const unsigned char *bucket;
	size_t at;

	if (n == 0 || n > PSL_CACHE_NAME)
		return false;
	bucket = psl_cache_bucket(lower, n);
	if (bucket == NULL)
		return false;
	/* entries too far back to hold n bytes cannot be the name */
	for (at = 0; at + 2 + n <= PSL_BUCKET && bucket[at] != 0; at = entry_end(bucket, at)) {
		if (bucket[at] == n && memcmp(bucket + at + 2, lower, n) == 0) {
			*domain_len_r = bucket[at + 1];
			return true;
		}
	}
	return false;
}

/* The new answer goes in front; older entries move back, and those that no longer fit are dropped. */
static void cache_put(const char *lower, size_t n, size_t domain_len)
{
	unsigned char *bucket;
	size_t need = 2 + n, keep = 0;

	if (n == 0 || n > PSL_CACHE_NAME)
		return;
	bucket = psl_cache_bucket(lower, n);
	if (bucket == NULL)
		return;
	while (keep + 2 < PSL_BUCKET && bucket[keep] != 0 && entry_end(bucket, keep) + need <= PSL_BUCKET)
		keep = entry_end(bucket, keep);
	memmove(bucket + need, bucket, keep);
	memset(bucket + need + keep, 0, PSL_BUCKET - need - keep);
	bucket[0] = (unsigned char)n;
	bucket[1] = (unsigned char)domain_len;
	memcpy(bucket + 2, lower, n);
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
	size_t answer, known;
	bool public = false;

	if (*name == '.')
		return 0;
	for (d = name;; d = dot + 1) {
		if (d != name && *d != '.' && cache_get(d, (size_t)(end - d), &known)) {
			if (known != 0)
				regdom = end - known;
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
 * The length of the registrable domain at the end of a lower-case name
 * without NUL bytes of at most URL_MAX_HOST bytes (0: none), from the caches
 * or else libpsl; false when no list could be loaded.
 */
static bool domain_length(const char *lower, size_t n, size_t *domain_len_r)
{
	char name[URL_MAX_HOST + 1];

	if (recent_get(lower, n, domain_len_r))
		return true;
	if (cache_get(lower, n, domain_len_r)) {
		recent_put(lower, n, *domain_len_r);
		return true;
	}
	pthread_once(&psl_once, psl_init);
	if (psl_ctx == NULL)
		return false;
	memcpy(name, lower, n);
	name[n] = '\0';	/* libpsl wants a C string */
	*domain_len_r = registrable_length(name, n);
	recent_put(lower, n, *domain_len_r);
	return true;
}

/*
 * Only the trailing labels matter, so a host longer than a DNS name is cut
 * at a label boundary before asking libpsl.
 */
mv_str mv_url_registrable_domain(mv_str host)
{
	char buf[URL_MAX_HOST];
	size_t skip = 0, i, n, domain_len;

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
	if (!domain_length(buf, n, &domain_len))
		return host;
	return domain_of(host, domain_len);
}

/*
 * A host from url_fast.c is already lower-case ASCII without NUL bytes and
 * at most URL_MAX_HOST long, so it is looked up as it is, without a copy.
 */
mv_str url_registrable_domain_plain(mv_str host)
{
	size_t domain_len;

	if (host.len == 0 || host.len > URL_MAX_HOST)
		return mv_url_registrable_domain(host);
	if (!domain_length(host.p, host.len, &domain_len))
		return host;
	return domain_of(host, domain_len);
}

bool url_suffix_known(mv_str host)
{
	char tld[64];
	size_t i = host.len;

	while (i > 0 && host.p[i - 1] != '.')
		i--;
	if (host.len - i == 0 || host.len - i >= sizeof(tld))
		return false;
	mv_ascii_lower_copy(tld, host.p + i, host.len - i);
	tld[host.len - i] = '\0';
	pthread_once(&psl_once, psl_init);
	/* NO_STAR_RULE: libpsl's default rule makes any last label a suffix */
	return psl_ctx != NULL && psl_is_public_suffix2(psl_ctx, tld, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
}
