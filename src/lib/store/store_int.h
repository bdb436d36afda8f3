/* The store's backends and what they share: the parsed spec, the raw interface, errors. */
#ifndef MV_STORE_INT_H
#define MV_STORE_INT_H

#include <stdatomic.h>
#include <stdbool.h>

#include "store/store.h"

enum store_kind { STORE_KIND_LMDB, STORE_KIND_REDIS_TCP, STORE_KIND_REDIS_UNIX };

struct store_spec {
	enum store_kind kind;
	char *path;		/* LMDB: the directory; Redis: the socket */
	char *host;		/* Redis over TCP: a name, an IPv4 address or an IPv6 one (no brackets) */
	unsigned port;
	unsigned db;
	char *user, *password;	/* Redis AUTH; NULL when not given */
	uint64_t size;		/* LMDB: the most the database may grow to, in bytes */
	char *name;		/* the spec as written, a password replaced by "***" */
};

/* Parses text into *spec (its strings malloc()ed): MV_OK, MV_CONFIG or MV_NOMEM with *error_r. */
int store_spec_parse(const char *text, struct store_spec *spec, char **error_r);
void store_spec_free(struct store_spec *spec);

/*
 * A backend.  Keys arrive encoded (namespace prefix, lower case, long ones
 * hashed: at most STORE_KEY_MAX bytes) and values with their expiry in front
 * (store.c); the backend keeps bytes.  Every call returns an mv_status and
 * on failure sets the thread's error text with store_fail().
 */
struct store_ops {
	int (*open)(const struct store_spec *spec, unsigned timeout_ms, struct store **store_r, char **error_r);
	void (*close)(struct store *store);
	/* ttl: the seconds the entry should live for a backend that expires by itself (Redis). */
	int (*put)(struct store *store, mv_str key, mv_str value, uint32_t ttl);
	/* The raw value copied into arena; MV_NOTFOUND. */
	int (*get)(struct store *store, mv_str key, mv_arena *arena, mv_str *value_r);
	/* Adds to the counter at key, which expires at `expires` (in ttl seconds); an expired one restarts. */
	int (*add)(struct store *store, mv_str key, int64_t now, int64_t expires, uint32_t ttl, uint64_t by,
		   uint64_t *total_r);
	int (*expire)(struct store *store, int64_t now);
};

/* The part of every backend's store that store.c uses: backends embed it first. */
struct store {
	const struct store_ops *ops;
	char *name;
	atomic_uint_fast64_t next_expire;	/* monotonic ms: store_put's next expiry pass */
};

extern const struct store_ops store_lmdb_ops, store_redis_ops;

#define STORE_KEY_MAX 480
/* The expiry in front of every value: 8 bytes, big-endian seconds since the epoch. */
#define STORE_EXPIRY_LEN 8

void store_put_be64(unsigned char *p, uint64_t v);
uint64_t store_get_be64(const unsigned char *p);

/* Sets the thread's error text (store_error()) and returns status. */
int store_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Monotonic milliseconds. */
uint64_t store_now_ms(void);

#endif
