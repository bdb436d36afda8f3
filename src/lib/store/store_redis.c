/*
 * The Redis backend, for scanners that share what they remember.  An entry
 * is one string key: SET with EX, so that Redis drops it by itself (the
 * expiry in front of the value is still what store_get() judges by, the
 * scan's time); a counter is INCRBY and EXPIRE in one MULTI, so that the
 * count and its expiry never part.  The host name is resolved once, here:
 * a lookup per connection could block past the timeout.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "store/store_redis_int.h"

static int resolve(const struct store_spec *spec, char *out, size_t size, char **error_r)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	int rc = getaddrinfo(spec->host, NULL, &hints, &res);
	const void *addr;

	if (rc != 0 || res == NULL) {
		if (asprintf(error_r, "redis://%s: %s", spec->host, gai_strerror(rc)) < 0)
			*error_r = NULL;
		return MV_TEMPFAIL;
	}
	addr = res->ai_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr
					  : (const void *)&((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr;
	rc = inet_ntop(res->ai_family, addr, out, (socklen_t)size) != NULL ? MV_OK : MV_TEMPFAIL;
	freeaddrinfo(res);
	return rc;
}

static void redis_free(struct store_redis *s)
{
	free(s->path);
	free(s->user);
	free(s->password);
	free(s);
}

static int redis_open(const struct store_spec *spec, unsigned timeout_ms, struct store **store_r, char **error_r)
{
	struct store_redis *s = calloc(1, sizeof(*s));
	int rc = MV_NOMEM;

	if (s == NULL)
		return MV_NOMEM;
	s->base.ops = &store_redis_ops;
	s->kind = spec->kind;
	s->port = spec->port;
	s->db = spec->db;
	s->timeout_ms = timeout_ms != 0 ? timeout_ms : 1;
	atomic_init(&s->down_until, 0);
	if ((spec->path != NULL && (s->path = strdup(spec->path)) == NULL) ||
	    (spec->user != NULL && (s->user = strdup(spec->user)) == NULL) ||
	    (spec->password != NULL && (s->password = strdup(spec->password)) == NULL))
		goto fail;
	if (spec->kind == STORE_KIND_REDIS_TCP && (rc = resolve(spec, s->host, sizeof(s->host), error_r)) != MV_OK)
		goto fail;
	if ((rc = redis_store_register(s)) != MV_OK)
		goto fail;
	*store_r = &s->base;
	return MV_OK;
fail:
	redis_free(s);
	return rc;
}

static void redis_close(struct store *store)
{
	struct store_redis *s = (struct store_redis *)store;

	redis_store_forget(s);
	redis_free(s);
}

static int redis_put(struct store *store, mv_str key, mv_str value, uint32_t ttl)
{
	char ex[16];
	struct redis_cmd cmd = { 5, { "SET", key.p, value.p, "EX", ex }, { 3, key.len, value.len, 2, 0 } };
	redisReply *r;
	int rc;

	cmd.argvlen[4] = (size_t)snprintf(ex, sizeof(ex), "%u", ttl);
	rc = redis_call((struct store_redis *)store, &cmd, 1, &r);
	if (r != NULL)
		freeReplyObject(r);
	return rc;
}

static int redis_get(struct store *store, mv_str key, mv_arena *arena, mv_str *value_r)
{
	struct redis_cmd cmd = { 2, { "GET", key.p }, { 3, key.len } };
	redisReply *r;
	char *copy;
	int rc = redis_call((struct store_redis *)store, &cmd, 1, &r);

	*value_r = MV_STR_NULL;
	if (rc != MV_OK)
		return rc;
	if (r->type == REDIS_REPLY_STRING) {
		copy = mv_arena_strndup(arena, r->str, (size_t)r->len);
		rc = copy != NULL ? MV_OK : store_fail(MV_NOMEM, "out of memory");
		*value_r = mv_str_make(copy, copy != NULL ? (size_t)r->len : 0);
	} else {
		rc = MV_NOTFOUND;
	}
	freeReplyObject(r);
	return rc;
}

static int redis_add(struct store *store, mv_str key, int64_t now, int64_t expires, uint32_t ttl, uint64_t by,
		     uint64_t *total_r)
{
	char n[24], secs[16];
	struct redis_cmd cmds[4] = {
		{ 1, { "MULTI" }, { 5 } },
		{ 3, { "INCRBY", key.p, n }, { 6, key.len, 0 } },
		{ 3, { "EXPIRE", key.p, secs }, { 6, key.len, 0 } },
		{ 1, { "EXEC" }, { 4 } },
	};
	redisReply *r;
	int rc;

	*total_r = 0;
	/* INCRBY takes a signed 64-bit number. */
	if (by > INT64_MAX)
		by = INT64_MAX;
	cmds[1].argvlen[2] = (size_t)snprintf(n, sizeof(n), "%llu", (unsigned long long)by);
	cmds[2].argvlen[2] = (size_t)snprintf(secs, sizeof(secs), "%u", ttl != 0 ? ttl : 1);
	rc = redis_call((struct store_redis *)store, cmds, 4, &r);
	if (rc != MV_OK)
		return rc;
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 1 && r->element[0]->type == REDIS_REPLY_INTEGER &&
	    r->element[0]->integer >= 0)
		*total_r = (uint64_t)r->element[0]->integer;
	else
		rc = store_fail(MV_TEMPFAIL, "%s: the counter's transaction did not run", store->name);
	freeReplyObject(r);
	return rc;
}

/* Redis drops what has expired by itself. */
static int redis_expire(struct store *store, int64_t now)
{
	return MV_OK;
}

const struct store_ops store_redis_ops = {
	.open = redis_open,
	.close = redis_close,
	.put = redis_put,
	.get = redis_get,
	.add = redis_add,
	.expire = redis_expire,
};
