/*
 * The store's front: opens the backend the spec names, encodes keys
 * ("mv:s:" + the key in lower case; a key too long for LMDB becomes a hash
 * of itself) and values (their expiry in front, so that both backends expire
 * by the scan time `now` alike), and keeps each thread's last error text.
 */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_int.h"

/* Work for store_expire() at most this often, from store_put(). */
#define EXPIRE_EVERY_MS 10000
/* A value is one line of facts, not a document. */
#define VALUE_MAX ((size_t)1 << 20)

static const char *const ns_prefix[STORE_NS_COUNT] = {
	[STORE_SENT] = "mv:s:",
	[STORE_MDN_REMOVED] = "mv:m:",
	[STORE_PEER] = "mv:p:",
	[STORE_COUNTER] = "mv:c:",
};
#define PREFIX_LEN 5

static _Thread_local char last_error[256];

int store_fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return status;
}

const char *store_error(void)
{
	return last_error;
}

uint64_t store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void store_put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

uint64_t store_get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int store_open(const char *text, unsigned timeout_ms, struct store **store_r, char **error_r)
{
	struct store_spec spec;
	int rc;

	*store_r = NULL;
	rc = store_spec_parse(text, &spec, error_r);
	if (rc != MV_OK)
		return rc;
	if (spec.kind == STORE_KIND_LMDB)
		rc = store_lmdb_ops.open(&spec, timeout_ms, store_r, error_r);
	else
		rc = store_redis_ops.open(&spec, timeout_ms, store_r, error_r);
	if (rc == MV_OK) {
		(*store_r)->name = spec.name;
		spec.name = NULL;
		atomic_init(&(*store_r)->next_expire, 0);
	}
	store_spec_free(&spec);
	return rc;
}

void store_close(struct store *store)
{
	char *name;

	if (store == NULL)
		return;
	name = store->name;
	store->ops->close(store);
	free(name);
}

const char *store_name(const struct store *store)
{
	return store->name;
}

/* A long key as the hex of its SHA-256 (lower-cased first, in pieces). */
static bool hash_key(mv_str key, char *out)
{
	static const char hex[] = "0123456789abcdef";
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char digest[32];
	unsigned n = 0, i;
	bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	size_t done;

	for (done = 0; ok && done < key.len; done += 256) {
		char piece[256];
		size_t len = key.len - done < sizeof(piece) ? key.len - done : sizeof(piece);

		mv_ascii_lower_copy(piece, key.p + done, len);
		ok = EVP_DigestUpdate(ctx, piece, len) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, digest, &n) == 1 && n == 32;
	EVP_MD_CTX_free(ctx);
	for (i = 0; ok && i < 32; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	return ok;
}

/*
 * prefix + key in lower case into buf (STORE_KEY_MAX bytes), room left for
 * `suffix` more bytes; a key that would not fit is "#" and its hash.
 */
static int encode_key(enum store_ns ns, mv_str key, size_t suffix, char *buf, size_t *len_r)
{
	if ((unsigned)ns >= STORE_NS_COUNT || key.len == 0)
		return store_fail(MV_INVALID, "no key, or no such namespace");
	memcpy(buf, ns_prefix[ns], PREFIX_LEN);
	if (PREFIX_LEN + key.len + suffix <= STORE_KEY_MAX) {
		mv_ascii_lower_copy(buf + PREFIX_LEN, key.p, key.len);
		*len_r = PREFIX_LEN + key.len;
		return MV_OK;
	}
	buf[PREFIX_LEN] = '#';
	if (!hash_key(key, buf + PREFIX_LEN + 1))
		return store_fail(MV_NOMEM, "out of memory");
	*len_r = PREFIX_LEN + 1 + 64;
	return MV_OK;
}

/* Work for store_expire() now and then, so that LMDB does not keep what has expired. */
static void maybe_expire(struct store *store, int64_t now)
{
	uint64_t t = store_now_ms(), next = atomic_load_explicit(&store->next_expire, memory_order_relaxed);

	if (t < next || !atomic_compare_exchange_strong(&store->next_expire, &next, t + EXPIRE_EVERY_MS))
		return;
	(void)store->ops->expire(store, now);
}

int store_put(struct store *store, enum store_ns ns, mv_str key, mv_str value, int64_t now, uint32_t ttl)
{
	char kbuf[STORE_KEY_MAX], vbuf[512];
	unsigned char *v = (unsigned char *)vbuf;
	size_t klen = 0;
	int rc;

	if (ttl == 0 || value.len > VALUE_MAX || ns == STORE_COUNTER)
		return store_fail(MV_INVALID, "no expiry, a value over 1 MiB, or a counter set as a value");
	rc = encode_key(ns, key, 0, kbuf, &klen);
	if (rc != MV_OK)
		return rc;
	if (STORE_EXPIRY_LEN + value.len > sizeof(vbuf) && (v = malloc(STORE_EXPIRY_LEN + value.len)) == NULL)
		return store_fail(MV_NOMEM, "out of memory");
	store_put_be64(v, (uint64_t)(now + (int64_t)ttl));
	if (value.len != 0)
		memcpy(v + STORE_EXPIRY_LEN, value.p, value.len);
	rc = store->ops->put(store, mv_str_make(kbuf, klen), mv_str_make((char *)v, STORE_EXPIRY_LEN + value.len), ttl);
	if (v != (unsigned char *)vbuf)
		free(v);
	if (rc == MV_OK)
		maybe_expire(store, now);
	return rc;
}

int store_get(struct store *store, enum store_ns ns, mv_str key, int64_t now, mv_arena *arena, mv_str *value_r)
{
	char kbuf[STORE_KEY_MAX];
	size_t klen = 0;
	mv_str raw;
	int rc;

	*value_r = MV_STR_NULL;
	rc = encode_key(ns, key, 0, kbuf, &klen);
	if (rc != MV_OK)
		return rc;
	rc = store->ops->get(store, mv_str_make(kbuf, klen), arena, &raw);
	if (rc != MV_OK)
		return rc;
	/* Not ours (too short), or expired by the scan's time though the backend still has it. */
	if (raw.len < STORE_EXPIRY_LEN || (int64_t)store_get_be64((const unsigned char *)raw.p) <= now)
		return MV_NOTFOUND;
	*value_r = mv_str_make(raw.p + STORE_EXPIRY_LEN, raw.len - STORE_EXPIRY_LEN);
	return MV_OK;
}

int store_add(struct store *store, mv_str key, int64_t now, uint32_t window, uint64_t by, uint64_t *total_r)
{
	char kbuf[STORE_KEY_MAX];
	int64_t start;
	size_t klen = 0;
	int rc, n;

	*total_r = 0;
	if (window == 0 || now < 0)
		return store_fail(MV_INVALID, "a counter needs a window and a time");
	/* The window's length and start name it: the counter of the next window is another key. */
	start = now - now % window;
	rc = encode_key(STORE_COUNTER, key, 36, kbuf, &klen);
	if (rc != MV_OK)
		return rc;
	n = snprintf(kbuf + klen, STORE_KEY_MAX - klen, "@%u:%lld", window, (long long)start);
	klen += (size_t)n;
	return store->ops->add(store, mv_str_make(kbuf, klen), now, start + window, (uint32_t)(start + window - now), by,
			       total_r);
}

int store_expire(struct store *store, int64_t now)
{
	return store->ops->expire(store, now);
}
