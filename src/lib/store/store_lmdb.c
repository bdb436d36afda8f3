/*
 * The LMDB backend: one database file in a directory, shared by every thread
 * and every process that opens it.  LMDB allows one environment per file per
 * process, so stores of the same directory (two engines, during a reload)
 * share one, counted.  Each call is one transaction: MDB_NOTLS lets a
 * transaction begin and end on any thread, and write transactions are
 * serialized by LMDB across processes, which makes a counter's
 * read-add-write exact.
 *
 * Commits do not wait for the disk (MDB_NOSYNC): a synchronous commit costs
 * some 170 µs of CPU and milliseconds of waiting, most of a scan's budget.
 * A commit flushes the file at most once a second instead, so a system crash
 * loses at most the last second of records (LMDB stays consistent on file
 * systems that keep the order of writes, as ext4 does).
 *
 * The map starts small and doubles when full, up to the spec's size; past
 * that a write fails with MV_LIMIT.  Growing needs no transaction open in
 * the process, so every transaction holds `resize` shared.
 */
#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store_int.h"

/* The map's first size: a quarter of the most, from 1 MiB to 64 MiB. */
#define MAP_START_MIN ((uint64_t)1 << 20)
#define MAP_START_MAX ((uint64_t)64 << 20)
#define MAX_READERS 512
#define SYNC_EVERY_MS 1000
/* Entries looked at per expiry pass. */
#define EXPIRE_BATCH 1000

struct lmdb_env {
	struct lmdb_env *next;
	dev_t dev;
	ino_t ino;
	unsigned refs;			/* under envs_lock */
	MDB_env *env;
	MDB_dbi dbi;
	pthread_rwlock_t resize;
	uint64_t map_size, max_size;	/* map_size changes under resize held alone */
	atomic_uint_fast64_t last_sync;	/* monotonic ms */
	char *path;
	/* Where the last expiry pass stopped: used inside write transactions only, which LMDB serializes. */
	char expire_key[STORE_KEY_MAX];
	size_t expire_len;
};

struct store_lmdb {
	struct store base;
	struct lmdb_env *e;
};

static pthread_mutex_t envs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lmdb_env *envs;

static int env_error(char **error_r, const char *path, const char *what, int rc)
{
	if (asprintf(error_r, "lmdb:%s: %s: %s", path, what, mdb_strerror(rc)) < 0)
		*error_r = NULL;
	return MV_TEMPFAIL;
}

static void env_free(struct lmdb_env *e)
{
	if (e->env != NULL) {
		(void)mdb_env_sync(e->env, 1);
		mdb_env_close(e->env);
	}
	pthread_rwlock_destroy(&e->resize);
	free(e->path);
	free(e);
}

static int env_create(const struct store_spec *spec, const struct stat *st, struct lmdb_env **e_r, char **error_r)
{
	struct lmdb_env *e = calloc(1, sizeof(*e));
	pthread_rwlockattr_t attr;
	MDB_envinfo info;
	MDB_txn *txn;
	int rc, dead;

	if (e == NULL || (e->path = strdup(spec->path)) == NULL) {
		free(e);
		return MV_NOMEM;
	}
	/* Writer first: under a steady stream of calls, growing the map would otherwise wait for ever. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&e->resize, &attr);
	pthread_rwlockattr_destroy(&attr);
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->max_size = spec->size;
	e->map_size = spec->size / 4 < MAP_START_MIN ? MAP_START_MIN : spec->size / 4;
	if (e->map_size > MAP_START_MAX)
		e->map_size = MAP_START_MAX;
	if ((rc = mdb_env_create(&e->env)) != 0 || (rc = mdb_env_set_maxreaders(e->env, MAX_READERS)) != 0 ||
	    (rc = mdb_env_set_mapsize(e->env, e->map_size)) != 0) {
		rc = env_error(error_r, spec->path, "making the environment", rc);
		goto fail;
	}
	rc = mdb_env_open(e->env, spec->path, MDB_NOTLS | MDB_NOSYNC | MDB_NORDAHEAD, 0600);
	if (rc != 0) {
		rc = env_error(error_r, spec->path, "opening", rc);
		goto fail;
	}
	/* Reader slots of processes that died holding them. */
	(void)mdb_reader_check(e->env, &dead);
	/* The file may be bigger than the start: another process grew it. */
	if (mdb_env_info(e->env, &info) == 0 && info.me_mapsize > e->map_size)
		e->map_size = info.me_mapsize;
	if ((rc = mdb_txn_begin(e->env, NULL, 0, &txn)) != 0 || (rc = mdb_dbi_open(txn, NULL, 0, &e->dbi)) != 0 ||
	    (rc = mdb_txn_commit(txn)) != 0) {
		rc = env_error(error_r, spec->path, "opening the database", rc);
		goto fail;
	}
	*e_r = e;
	return MV_OK;
fail:
	env_free(e);
	return rc;
}

static int lmdb_open(const struct store_spec *spec, unsigned timeout_ms, struct store **store_r, char **error_r)
{
	struct store_lmdb *s = calloc(1, sizeof(*s));
	struct lmdb_env *e;
	struct stat st;
	int rc = MV_OK;

	if (s == NULL)
		return MV_NOMEM;
	/* The directory itself is made when missing; its parent must exist. */
	errno = 0;
	if ((mkdir(spec->path, 0700) < 0 && errno != EEXIST) || stat(spec->path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int err = errno != 0 && errno != EEXIST ? errno : ENOTDIR;

		if (asprintf(error_r, "lmdb:%s: %s", spec->path, strerror(err)) < 0)
			*error_r = NULL;
		free(s);
		return MV_TEMPFAIL;
	}
	pthread_mutex_lock(&envs_lock);
	for (e = envs; e != NULL && (e->dev != st.st_dev || e->ino != st.st_ino); e = e->next)
		;
	if (e == NULL && (rc = env_create(spec, &st, &e, error_r)) == MV_OK) {
		e->next = envs;
		envs = e;
	}
	if (rc == MV_OK)
		e->refs++;
	pthread_mutex_unlock(&envs_lock);
	if (rc != MV_OK) {
		free(s);
		return rc;
	}
	s->base.ops = &store_lmdb_ops;
	s->e = e;
	*store_r = &s->base;
	return MV_OK;
}

static void lmdb_close(struct store *store)
{
	struct store_lmdb *s = (struct store_lmdb *)store;
	struct lmdb_env **p;

	pthread_mutex_lock(&envs_lock);
	if (--s->e->refs == 0) {
		for (p = &envs; *p != s->e; p = &(*p)->next)
			;
		*p = s->e->next;
		env_free(s->e);
	}
	pthread_mutex_unlock(&envs_lock);
	free(s);
}

/*
 * The map is full (or another process grew it): grow it, alone.  True when
 * the transaction should be tried again.
 */
static bool grow(struct lmdb_env *e, uint64_t failed_size, int why)
{
	MDB_envinfo info;
	bool again = true;

	pthread_rwlock_wrlock(&e->resize);
	if (why == MDB_MAP_RESIZED) {
		again = mdb_env_set_mapsize(e->env, 0) == 0;
	} else if (e->map_size == failed_size) {
		uint64_t size = e->map_size * 2 < e->max_size ? e->map_size * 2 : e->max_size;

		again = size > e->map_size && mdb_env_set_mapsize(e->env, size) == 0;
	}
	if (mdb_env_info(e->env, &info) == 0)
		e->map_size = info.me_mapsize;
	pthread_rwlock_unlock(&e->resize);
	return again;
}

/* Flushes the file when the last flush is a second old; one committer does it. */
static void maybe_sync(struct lmdb_env *e)
{
	uint64_t t = store_now_ms(), last = atomic_load_explicit(&e->last_sync, memory_order_relaxed);

	if (t - last >= SYNC_EVERY_MS && atomic_compare_exchange_strong(&e->last_sync, &last, t))
		(void)mdb_env_sync(e->env, 1);
}

/* LMDB takes keys and values to write as non-const; it does not write through them. */
static MDB_val val(mv_str s)
{
	MDB_val v = { s.len, (void *)(uintptr_t)s.p };

	return v;
}

typedef int txn_fn(struct lmdb_env *e, MDB_txn *txn, void *arg);

/* Runs fn in a transaction (committed when it returns 0 and write is set); an mv_status. */
static int with_txn(struct lmdb_env *e, bool write, txn_fn *fn, void *arg)
{
	int rc = 0, attempt, dead;

	for (attempt = 0; attempt < 64; attempt++) {
		uint64_t size;
		MDB_txn *txn;

		pthread_rwlock_rdlock(&e->resize);
		size = e->map_size;
		rc = mdb_txn_begin(e->env, NULL, write ? 0 : MDB_RDONLY, &txn);
		if (rc == MDB_READERS_FULL && mdb_reader_check(e->env, &dead) == 0 && dead > 0)
			rc = mdb_txn_begin(e->env, NULL, write ? 0 : MDB_RDONLY, &txn);
		if (rc == 0) {
			rc = fn(e, txn, arg);
			if (rc == 0 && write)
				rc = mdb_txn_commit(txn);
			else
				mdb_txn_abort(txn);
		}
		if (rc == 0 && write)
			maybe_sync(e);
		pthread_rwlock_unlock(&e->resize);
		if ((rc != MDB_MAP_FULL && rc != MDB_MAP_RESIZED) || !grow(e, size, rc))
			break;
	}
	switch (rc) {
	case 0:
		return MV_OK;
	case MDB_NOTFOUND:
		return MV_NOTFOUND;
	case ENOMEM:
		return store_fail(MV_NOMEM, "out of memory");
	case MDB_MAP_FULL:
		return store_fail(MV_LIMIT, "lmdb:%s is full at its size (%llu MiB): raise ?size= or shorten store_*_days",
				  e->path, (unsigned long long)(e->max_size >> 20));
	default:
		return store_fail(MV_TEMPFAIL, "lmdb:%s: %s", e->path, mdb_strerror(rc));
	}
}

struct put_arg {
	mv_str key, value;
};

static int put_fn(struct lmdb_env *e, MDB_txn *txn, void *arg)
{
	struct put_arg *a = arg;
	MDB_val k = val(a->key), v = val(a->value);

	return mdb_put(txn, e->dbi, &k, &v, 0);
}

static int lmdb_put(struct store *store, mv_str key, mv_str value, uint32_t ttl)
{
	struct put_arg a = { key, value };

	return with_txn(((struct store_lmdb *)store)->e, true, put_fn, &a);
}

struct get_arg {
	mv_str key;
	mv_arena *arena;
	mv_str value;
};

static int get_fn(struct lmdb_env *e, MDB_txn *txn, void *arg)
{
	struct get_arg *a = arg;
	MDB_val k = val(a->key), v;
	char *copy;
	int rc = mdb_get(txn, e->dbi, &k, &v);

	if (rc != 0)
		return rc;
	/* The bytes are the map's until the transaction ends. */
	copy = mv_arena_strndup(a->arena, v.mv_data, v.mv_size);
	if (copy == NULL)
		return ENOMEM;
	a->value = mv_str_make(copy, v.mv_size);
	return 0;
}

static int lmdb_get(struct store *store, mv_str key, mv_arena *arena, mv_str *value_r)
{
	struct get_arg a = { key, arena, MV_STR_NULL };
	int rc = with_txn(((struct store_lmdb *)store)->e, false, get_fn, &a);

	*value_r = a.value;
	return rc;
}

struct add_arg {
	mv_str key;
	int64_t now, expires;
	uint64_t by, total;
};

/* A counter's value: its expiry, then the total, both big-endian. */
static int add_fn(struct lmdb_env *e, MDB_txn *txn, void *arg)
{
	struct add_arg *a = arg;
	unsigned char buf[16];
	MDB_val k = val(a->key), v;
	int rc = mdb_get(txn, e->dbi, &k, &v);

	a->total = a->by;
	if (rc == 0 && v.mv_size == sizeof(buf) && (int64_t)store_get_be64(v.mv_data) > a->now) {
		uint64_t old = store_get_be64((const unsigned char *)v.mv_data + 8);

		a->total = old + a->by < old ? UINT64_MAX : old + a->by;
	} else if (rc != 0 && rc != MDB_NOTFOUND) {
		return rc;
	}
	store_put_be64(buf, (uint64_t)a->expires);
	store_put_be64(buf + 8, a->total);
	v.mv_size = sizeof(buf);
	v.mv_data = buf;
	return mdb_put(txn, e->dbi, &k, &v, 0);
}

static int lmdb_add(struct store *store, mv_str key, int64_t now, int64_t expires, uint32_t ttl, uint64_t by,
		    uint64_t *total_r)
{
	struct add_arg a = { key, now, expires, by, 0 };
	int rc = with_txn(((struct store_lmdb *)store)->e, true, add_fn, &a);

	*total_r = rc == MV_OK ? a.total : 0;
	return rc;
}

/* Deletes expired entries of ours, going on from where the last pass stopped. */
static int expire_fn(struct lmdb_env *e, MDB_txn *txn, void *arg)
{
	int64_t now = *(const int64_t *)arg;
	MDB_cursor *c;
	MDB_val k = { e->expire_len, e->expire_key }, v;
	unsigned n;
	int rc = mdb_cursor_open(txn, e->dbi, &c);

	if (rc != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &v, e->expire_len != 0 ? MDB_SET_RANGE : MDB_FIRST);
	for (n = 0; rc == 0 && n < EXPIRE_BATCH; n++) {
		if (k.mv_size >= 3 && memcmp(k.mv_data, "mv:", 3) == 0 && v.mv_size >= STORE_EXPIRY_LEN &&
		    (int64_t)store_get_be64(v.mv_data) <= now && (rc = mdb_cursor_del(c, 0)) != 0)
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	if (rc == 0 && k.mv_size <= sizeof(e->expire_key)) {
		memcpy(e->expire_key, k.mv_data, k.mv_size);
		e->expire_len = k.mv_size;
	} else {
		e->expire_len = 0;	/* the end: start again from the first */
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int lmdb_expire(struct store *store, int64_t now)
{
	return with_txn(((struct store_lmdb *)store)->e, true, expire_fn, &now);
}

const struct store_ops store_lmdb_ops = {
	.open = lmdb_open,
	.close = lmdb_close,
	.put = lmdb_put,
	.get = lmdb_get,
	.add = lmdb_add,
	.expire = lmdb_expire,
};
