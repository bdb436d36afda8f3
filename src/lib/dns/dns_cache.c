/*
 * The answer cache a resolver's threads share.  Shards, each with its own
 * mutex, hash chains and LRU list, keep contention low; an entry is one
 * block (the entry, the packed answer, the name) so a hit copies once under
 * the lock and a miss costs no allocation.  Bounded by entries and by bytes
 * (about 1 KiB an entry on average); an expired entry is dropped when found.
 * Names come from messages, so the hash is keyed with a random seed.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "dns/dns_int.h"

#define ENTRY_MAX ((size_t)64 << 10)	/* a bigger answer is not kept */

struct centry {
	struct centry *hnext, *prev, *next;
	uint64_t hash, expires;
	size_t size;
	uint16_t type;
	const char *name;
	struct dns_answer *answer;
};

struct shard {
	pthread_mutex_t lock;
	struct centry **buckets;
	size_t mask, count, bytes;
	struct centry lru;		/* sentinel: lru.next is the newest */
};

struct dns_cache {
	uint64_t seed;
	size_t max_per_shard, bytes_per_shard;
	unsigned n_shards;
	struct shard shards[];
};

uint64_t dns_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t key_hash(const struct dns_cache *cache, const char *name, uint16_t type)
{
	uint64_t h = cache->seed ^ type;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211u;
	/* murmur3's finalizer: every bit of h reaches the bucket index. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 33);
}

struct dns_cache *dns_cache_new(size_t max_entries)
{
	unsigned n_shards = max_entries >= 1024 ? 16 : 1, i;
	size_t per = (max_entries + n_shards - 1) / n_shards, buckets = 16;
	struct dns_cache *cache;

	if (max_entries == 0)
		return NULL;
	while (buckets < per && buckets < ((size_t)1 << 24))
		buckets *= 2;
	cache = calloc(1, sizeof(*cache) + n_shards * sizeof(struct shard));
	if (cache == NULL)
		return NULL;
	if (getrandom(&cache->seed, sizeof(cache->seed), GRND_NONBLOCK) != sizeof(cache->seed))
		cache->seed = (uint64_t)(uintptr_t)cache ^ dns_now_ms() * 0x9e3779b97f4a7c15u;
	cache->n_shards = n_shards;
	cache->max_per_shard = per;
	cache->bytes_per_shard = per * 1024 > 4 * ENTRY_MAX ? per * 1024 : 4 * ENTRY_MAX;
	for (i = 0; i < n_shards; i++) {
		struct shard *s = &cache->shards[i];

		pthread_mutex_init(&s->lock, NULL);
		s->lru.next = s->lru.prev = &s->lru;
		s->mask = buckets - 1;
		s->buckets = calloc(buckets, sizeof(*s->buckets));
		if (s->buckets == NULL) {
			cache->n_shards = i + 1;
			dns_cache_free(&cache);
			return NULL;
		}
	}
	return cache;
}

void dns_cache_free(struct dns_cache **cachep)
{
	struct dns_cache *cache = *cachep;
	unsigned i;

	*cachep = NULL;
	if (cache == NULL)
		return;
	for (i = 0; i < cache->n_shards; i++) {
		struct shard *s = &cache->shards[i];
		struct centry *e, *next;

		for (e = s->lru.next; e != &s->lru; e = next) {
			next = e->next;
			free(e);
		}
		free(s->buckets);
		pthread_mutex_destroy(&s->lock);
	}
	free(cache);
}

static struct shard *shard_of(struct dns_cache *cache, uint64_t hash)
{
	return &cache->shards[(hash >> 56) % cache->n_shards];
}

static void lru_unlink(struct centry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_push(struct shard *s, struct centry *e)
{
	e->next = s->lru.next;
	e->prev = &s->lru;
	s->lru.next->prev = e;
	s->lru.next = e;
}

static struct centry **find(struct shard *s, uint64_t hash, const char *name, uint16_t type)
{
	struct centry **pp;

	for (pp = &s->buckets[hash & s->mask]; *pp != NULL; pp = &(*pp)->hnext) {
		const struct centry *e = *pp;

		if (e->hash == hash && e->type == type && strcmp(e->name, name) == 0)
			break;
	}
	return pp;
}

static void drop(struct shard *s, struct centry **pp)
{
	struct centry *e = *pp;

	*pp = e->hnext;
	lru_unlink(e);
	s->count--;
	s->bytes -= e->size;
	free(e);
}

bool dns_cache_get(struct dns_cache *cache, const char *name, uint16_t type, uint64_t now_ms, void **buf_r,
		   size_t *size_r, const struct dns_answer **answer_r)
{
	uint64_t hash;
	struct shard *s;
	struct centry **pp, *e;
	bool hit = false;

	if (cache == NULL)
		return false;
	hash = key_hash(cache, name, type);
	s = shard_of(cache, hash);
	pthread_mutex_lock(&s->lock);
	pp = find(s, hash, name, type);
	e = *pp;
	if (e != NULL && e->expires <= now_ms) {
		drop(s, pp);
	} else if (e != NULL) {
		size_t need = dns_answer_size(e->answer);
		void *buf = need <= *size_r ? *buf_r : realloc(*buf_r, need);

		if (buf != NULL) {
			if (need > *size_r) {
				*buf_r = buf;
				*size_r = need;
			}
			*answer_r = dns_answer_pack(e->answer, buf);
			lru_unlink(e);
			lru_push(s, e);
			hit = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return hit;
}

bool dns_cache_put(struct dns_cache *cache, const char *name, uint16_t type, const struct dns_answer *answer,
		   uint32_t ttl, uint64_t now_ms)
{
	size_t head = (sizeof(struct centry) + 15) & ~(size_t)15, asize, nlen = strlen(name) + 1, size;
	uint64_t hash;
	struct shard *s;
	struct centry **pp, *e;

	if (cache == NULL || ttl == 0)
		return false;
	asize = (dns_answer_size(answer) + 15) & ~(size_t)15;
	size = head + asize + nlen;
	if (size > ENTRY_MAX)
		return false;
	e = malloc(size);
	if (e == NULL)
		return false;
	e->size = size;
	e->type = type;
	e->expires = now_ms + (uint64_t)ttl * 1000u;
	e->answer = dns_answer_pack(answer, (char *)e + head);
	e->name = memcpy((char *)e + head + asize, name, nlen);
	e->hash = hash = key_hash(cache, name, type);
	s = shard_of(cache, hash);
	pthread_mutex_lock(&s->lock);
	pp = find(s, hash, name, type);
	if (*pp != NULL)
		drop(s, pp);
	while (s->count != 0 && (s->count >= cache->max_per_shard || s->bytes + size > cache->bytes_per_shard)) {
		struct centry *old = s->lru.prev;

		drop(s, find(s, old->hash, old->name, old->type));
	}
	e->hnext = s->buckets[hash & s->mask];
	s->buckets[hash & s->mask] = e;
	lru_push(s, e);
	s->count++;
	s->bytes += size;
	pthread_mutex_unlock(&s->lock);
	return true;
}

size_t dns_cache_count(struct dns_cache *cache)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; cache != NULL && i < cache->n_shards; i++) {
		pthread_mutex_lock(&cache->shards[i].lock);
		n += cache->shards[i].count;
		pthread_mutex_unlock(&cache->shards[i].lock);
	}
	return n;
}
