/*
 * Registrable domain (eTLD+1) with libpsl.  The list is psl_builtin() when
 * the library was built with one, else the newest of the system files
 * (/usr/share/publicsuffix, Debian package "publicsuffix").  It is loaded
 * once, thread-safely, and never freed (it is shared, read-only data).
 */
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include <libpsl.h>
#include <stdlib.h>
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
 * A per-thread, direct-mapped cache in front of libpsl, which costs several
 * thousand instructions a lookup while mail repeats the same few hosts.  The
 * answer is stored as the length of the registrable domain (a suffix of the
 * host).  The hash is seeded per thread so a sender cannot aim collisions at
 * it; a collision only costs a libpsl call anyway.
 */
#define PSL_CACHE_SLOTS 1024
#define PSL_CACHE_HOST 63

struct psl_cache_slot {
	uint8_t len;		/* 0: empty */
	uint8_t domain_len;	/* 0: the host is its own answer */
	char host[PSL_CACHE_HOST];
};

static _Thread_local struct psl_cache_slot *psl_cache;
static _Thread_local uint64_t psl_cache_seed;
/* The key's destructor frees a thread's cache when the thread exits. */
static pthread_key_t psl_cache_key;
static pthread_once_t psl_cache_key_once = PTHREAD_ONCE_INIT;

static void psl_cache_key_init(void)
{
	(void)pthread_key_create(&psl_cache_key, free);
}

static uint64_t host_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ psl_cache_seed;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static struct psl_cache_slot *psl_cache_slot(const char *lower, size_t n)
{
	if (psl_cache == NULL) {
		pthread_once(&psl_cache_key_once, psl_cache_key_init);
		psl_cache = calloc(PSL_CACHE_SLOTS, sizeof(*psl_cache));
		if (psl_cache == NULL)
			return NULL;
		if (pthread_setspecific(psl_cache_key, psl_cache) != 0) {
			free(psl_cache);
			psl_cache = NULL;
			return NULL;
		}
		psl_cache_seed = (uint64_t)(uintptr_t)psl_cache ^ (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
	}
	return &psl_cache[host_hash(lower, n) % PSL_CACHE_SLOTS];
}

/*
 * Only the trailing labels matter, so a host longer than a DNS name is cut
 * at a label boundary before asking libpsl (which wants a lower-case,
 * NUL-terminated string).
 */
mv_str mv_url_registrable_domain(mv_str host)
{
	char buf[URL_MAX_HOST + 1];
	size_t skip = 0, i, n;
	const char *rd;
	struct psl_cache_slot *slot;

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
	slot = n <= PSL_CACHE_HOST ? psl_cache_slot(buf, n) : NULL;
	if (slot != NULL && slot->len == n && memcmp(slot->host, buf, n) == 0)
		return slot->domain_len == 0 ? host : mv_str_make(host.p + host.len - slot->domain_len,
								   slot->domain_len);
	pthread_once(&psl_once, psl_init);
	if (psl_ctx == NULL)
		return host;
	rd = psl_registrable_domain(psl_ctx, buf);
	if (slot != NULL) {
		slot->len = (uint8_t)n;
		memcpy(slot->host, buf, n);
		slot->domain_len = rd == NULL || rd == buf ? 0 : (uint8_t)(n - (size_t)(rd - buf));
	}
	if (rd == NULL)
		return host;
	return mv_str_make(host.p + skip + (size_t)(rd - buf), n - (size_t)(rd - buf));
}
