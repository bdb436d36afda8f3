/*
 * The BATV key file: one "NUMBER SECRET" a line, '#' to the end of a line a
 * comment, blank lines ignored.  Everything wrong is an error that names the
 * file and the line, found when the configuration is loaded, never while
 * mail is scanned.  Secrets are wiped when the keys are freed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "batv/batv_int.h"

static int fail(char **error_r, const char *name, unsigned line, const char *what)
{
	char *e = NULL;

	if (line != 0 ? asprintf(&e, "%s:%u: %s", name, line, what) < 0 : asprintf(&e, "%s: %s", name, what) < 0)
		e = NULL;
	*error_r = e;
	return -1;
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void mv_batv_keys_free(struct mv_batv_keys **keys)
{
	unsigned i;

	if (*keys == NULL)
		return;
	for (i = 0; i < BATV_KEYS; i++) {
		if ((*keys)->secret[i] != NULL) {
			OPENSSL_cleanse((*keys)->secret[i], (*keys)->len[i]);
			free((*keys)->secret[i]);
		}
	}
	free(*keys);
	*keys = NULL;
}

unsigned mv_batv_keys_signer(const struct mv_batv_keys *keys)
{
	return keys->signer;
}

/* One line without its end; 0 when empty or a comment, 1 with a key, -1 on an error (said). */
static int parse_line(struct mv_batv_keys *keys, const char *p, const char *end, const char *name, unsigned line,
		      char **error_r)
{
	const char *hash = memchr(p, '#', (size_t)(end - p)), *s;
	unsigned k;
	size_t n;

	if (hash != NULL)
		end = hash;
	while (p < end && space(*p))
		p++;
	while (end > p && space(end[-1]))
		end--;
	if (p == end)
		return 0;
	if (*p < '0' || *p > '9' || p + 1 == end || !space(p[1]))
		return fail(error_r, name, line, "a key is NUMBER SECRET, NUMBER one digit from 0 to 9");
	k = (unsigned)(*p - '0');
	for (s = p + 1; s < end && space(*s); s++)
		;
	n = (size_t)(end - s);
	if (memchr(s, ' ', n) != NULL || memchr(s, '\t', n) != NULL)
		return fail(error_r, name, line, "the secret has white space in it");
	if (n < BATV_SECRET_MIN || n > BATV_SECRET_MAX)
		return fail(error_r, name, line, "the secret must have 16 to 1024 bytes (openssl rand -hex 32 makes one)");
	if (keys->secret[k] != NULL)
		return fail(error_r, name, line, "this key number is given twice");
	keys->secret[k] = malloc(n);
	if (keys->secret[k] == NULL)
		return fail(error_r, name, line, "out of memory");
	memcpy(keys->secret[k], s, n);
	keys->len[k] = n;
	return 1;
}

int mv_batv_keys_parse(const char *name, const char *text, size_t len, struct mv_batv_keys **keys_r,
		       char **error_r)
{
	struct mv_batv_keys *keys = calloc(1, sizeof(*keys));
	const char *p = text, *end = text + len;
	unsigned line = 0, n = 0, k;
	int rc;

	*keys_r = NULL;
	*error_r = NULL;
	if (keys == NULL)
		return fail(error_r, name, 0, "out of memory");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl != NULL ? nl : end;

		line++;
		if (memchr(p, '\0', (size_t)(e - p)) != NULL) {
			rc = fail(error_r, name, line, "a NUL byte: not a text file");
			goto out;
		}
		rc = parse_line(keys, p, e, name, line, error_r);
		if (rc < 0)
			goto out;
		n += (unsigned)rc;
		p = nl != NULL ? nl + 1 : end;
	}
	if (n == 0) {
		rc = fail(error_r, name, 0, "no keys (one \"NUMBER SECRET\" a line)");
		goto out;
	}
	for (k = 0; k < BATV_KEYS; k++) {
		if (keys->secret[k] != NULL)
			keys->signer = k;
	}
	*keys_r = keys;
	return 0;
out:
	mv_batv_keys_free(&keys);
	return rc;
}

int mv_batv_keys_load(const char *path, struct mv_batv_keys **keys_r, char **error_r)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int rc;

	*keys_r = NULL;
	if (f == NULL)
		return fail(error_r, path, 0, strerror(errno));
	do {
		if (cap - len < 4096) {
			char *b = cap < ((size_t)1 << 20) ? realloc(buf, cap + 8192) : NULL;

			if (b == NULL) {
				free(buf);
				fclose(f);
				return fail(error_r, path, 0, cap < ((size_t)1 << 20) ? "out of memory" : "too large for a key file");
			}
			buf = b;
			cap += 8192;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got != 0);
	if (ferror(f)) {
		OPENSSL_cleanse(buf, len);
		free(buf);
		fclose(f);
		return fail(error_r, path, 0, "read error");
	}
	fclose(f);
	rc = mv_batv_keys_parse(path, buf != NULL ? buf : "", len, keys_r, error_r);
	if (buf != NULL)
		OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}
