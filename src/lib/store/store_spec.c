/*
 * The store setting's value: which backend and where.
 *
 *     lmdb:/var/lib/mailvet[?size=2G]
 *     redis://[[user:]password@]host[:port][/db]     (host: a name, 192.0.2.1 or [2001:db8::1])
 *     redis+unix:/run/redis/redis.sock[?db=N]
 *
 * Paths must be absolute: a daemon's working directory is nobody's choice.
 * Errors say what was expected, in the words of the setting.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define LMDB_SIZE_DEFAULT ((uint64_t)1 << 30)
#define LMDB_SIZE_MIN ((uint64_t)1 << 20)
#define LMDB_SIZE_MAX ((uint64_t)1 << 40)
#define REDIS_DB_MAX 1000000

static int spec_error(char **error_r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int spec_error(char **error_r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(error_r, fmt, ap) < 0)
		*error_r = NULL;
	va_end(ap);
	return *error_r != NULL ? MV_CONFIG : MV_NOMEM;
}

/* Digits only, at most max: true with *v_r. */
static bool parse_uint(const char *p, size_t len, uint64_t max, uint64_t *v_r)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
		if (v > max)
			return false;
	}
	*v_r = v;
	return true;
}

/* "512M", "2G", "1048576": bytes. */
static bool parse_size(const char *p, uint64_t *v_r)
{
	size_t len = strlen(p);
	unsigned shift = 0;

	if (len > 0 && strchr("KkMmGgTt", p[len - 1]) != NULL) {
		shift = (unsigned)(strchr("KMGT", p[len - 1] & ~0x20) - "KMGT" + 1) * 10;
		len--;
	}
	if (!parse_uint(p, len, LMDB_SIZE_MAX >> shift, v_r))
		return false;
	*v_r <<= shift;
	return *v_r >= LMDB_SIZE_MIN;
}

/* "?name=value" after a path: one parameter, or none. */
static int split_param(char *path, const char *name, char **value_r, char **error_r)
{
	char *q = strchr(path, '?');
	size_t n = strlen(name);

	*value_r = NULL;
	if (q == NULL)
		return MV_OK;
	*q++ = '\0';
	if (strncmp(q, name, n) != 0 || q[n] != '=')
		return spec_error(error_r, "'?%s': the only parameter here is ?%s=", q, name);
	*value_r = q + n + 1;
	return MV_OK;
}

static int parse_lmdb(char *rest, struct store_spec *spec, char **error_r)
{
	char *size;
	int rc = split_param(rest, "size", &size, error_r);

	if (rc != MV_OK)
		return rc;
	if (rest[0] != '/')
		return spec_error(error_r, "lmdb: wants an absolute directory, as in lmdb:/var/lib/mailvet");
	spec->size = LMDB_SIZE_DEFAULT;
	if (size != NULL && !parse_size(size, &spec->size))
		return spec_error(error_r, "?size=%s: a size from 1M to 1T (digits with K, M, G or T)", size);
	spec->kind = STORE_KIND_LMDB;
	spec->path = strdup(rest);
	return spec->path != NULL ? MV_OK : MV_NOMEM;
}

static int parse_db(const char *p, size_t len, struct store_spec *spec, char **error_r)
{
	uint64_t db;

	if (!parse_uint(p, len, REDIS_DB_MAX, &db))
		return spec_error(error_r, "'%.*s' is not a database number (0, 1, ...)", (int)len, p);
	spec->db = (unsigned)db;
	return MV_OK;
}

static int parse_redis_unix(char *rest, struct store_spec *spec, char **error_r)
{
	char *db;
	int rc = split_param(rest, "db", &db, error_r);

	if (rc != MV_OK)
		return rc;
	if (rest[0] != '/')
		return spec_error(error_r, "redis+unix: wants the absolute path of the socket, as in "
					   "redis+unix:/run/redis/redis-server.sock");
	if (db != NULL && (rc = parse_db(db, strlen(db), spec, error_r)) != MV_OK)
		return rc;
	spec->kind = STORE_KIND_REDIS_UNIX;
	spec->path = strdup(rest);
	return spec->path != NULL ? MV_OK : MV_NOMEM;
}

/* "[user:]password@" */
static int parse_userinfo(const char *p, size_t len, struct store_spec *spec)
{
	const char *colon = memchr(p, ':', len);

	if (colon != NULL) {
		if (colon > p && (spec->user = strndup(p, (size_t)(colon - p))) == NULL)
			return MV_NOMEM;
		len -= (size_t)(colon + 1 - p);
		p = colon + 1;
	}
	spec->password = strndup(p, len);
	return spec->password != NULL ? MV_OK : MV_NOMEM;
}

static int parse_redis_tcp(const char *rest, struct store_spec *spec, char **error_r)
{
	const char *at = strrchr(rest, '@'), *host = at != NULL ? at + 1 : rest;
	const char *slash = strchr(host, '/'), *end = slash != NULL ? slash : host + strlen(host);
	const char *host_end, *port = NULL;
	uint64_t v;
	int rc;

	if (at != NULL && (rc = parse_userinfo(rest, (size_t)(at - rest), spec)) != MV_OK)
		return rc;
	if (host[0] == '[') {
		host_end = memchr(host, ']', (size_t)(end - host));
		if (host_end == NULL || (host_end + 1 != end && host_end[1] != ':'))
			return spec_error(error_r, "an IPv6 address goes in brackets: redis://[2001:db8::1]:6379/0");
		port = host_end + 1 != end ? host_end + 2 : NULL;
		host++;
	} else {
		host_end = memchr(host, ':', (size_t)(end - host));
		if (host_end != NULL)
			port = host_end + 1;
		else
			host_end = end;
	}
	if (host_end == host)
		return spec_error(error_r, "redis:// wants a host, as in redis://127.0.0.1:6379/0");
	spec->port = 6379;
	if (port != NULL) {
		if (!parse_uint(port, (size_t)(end - port), 65535, &v) || v == 0)
			return spec_error(error_r, "'%.*s' is not a port (1 to 65535)", (int)(end - port), port);
		spec->port = (unsigned)v;
	}
	if (slash != NULL && slash[1] != '\0' && (rc = parse_db(slash + 1, strlen(slash + 1), spec, error_r)) != MV_OK)
		return rc;
	spec->kind = STORE_KIND_REDIS_TCP;
	spec->host = strndup(host, (size_t)(host_end - host));
	return spec->host != NULL ? MV_OK : MV_NOMEM;
}

/* The spec for messages: what it says, without the password. */
static char *display_name(const char *text, const struct store_spec *spec)
{
	const char *at;
	char *name = NULL;

	if (spec->password == NULL)
		return strdup(text);
	at = strrchr(text, '@');
	if (asprintf(&name, "redis://%s%s***@%s", spec->user != NULL ? spec->user : "", spec->user != NULL ? ":" : "",
		     at + 1) < 0)
		return NULL;
	return name;
}

int store_spec_parse(const char *text, struct store_spec *spec, char **error_r)
{
	char *copy = strdup(text);
	int rc;

	memset(spec, 0, sizeof(*spec));
	*error_r = NULL;
	if (copy == NULL)
		return MV_NOMEM;
	if (strncmp(copy, "lmdb:", 5) == 0)
		rc = parse_lmdb(copy + 5, spec, error_r);
	else if (strncmp(copy, "redis+unix:", 11) == 0)
		rc = parse_redis_unix(copy + 11, spec, error_r);
	else if (strncmp(copy, "redis://", 8) == 0)
		rc = parse_redis_tcp(copy + 8, spec, error_r);
	else
		rc = spec_error(error_r, "'%s' is not a store: lmdb:/dir, redis://host:port/db or redis+unix:/path/socket",
				text);
	if (rc == MV_OK && (spec->name = display_name(text, spec)) == NULL)
		rc = MV_NOMEM;
	free(copy);
	if (rc != MV_OK)
		store_spec_free(spec);
	return rc;
}

void store_spec_free(struct store_spec *spec)
{
	free(spec->path);
	free(spec->host);
	free(spec->user);
	free(spec->password);
	free(spec->name);
	memset(spec, 0, sizeof(*spec));
}

int store_spec_check(const char *spec, char **error_r)
{
	struct store_spec parsed;
	int rc = store_spec_parse(spec, &parsed, error_r);

	store_spec_free(&parsed);
	return rc;
}
