/*
 * Error texts: "FILE:LINE: what is wrong", malloc()ed for the caller to free.
 * Values are quoted short and with control bytes escaped, since they come
 * from a file and end up on a terminal or in a log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"

int cfg_verror(char **error_r, const struct cfg_src *src, const char *fmt, va_list ap)
{
	char *what = NULL, *msg = NULL;
	int n;

	if (error_r == NULL)
		return -1;
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	if (what != NULL && src != NULL && src->line != 0)
		n = asprintf(&msg, "%s:%u: %s", src->file, src->line, what);
	else if (what != NULL && src != NULL)
		n = asprintf(&msg, "%s: %s", src->file, what);
	else
		n = 0, msg = what, what = NULL;
	if (n < 0)
		msg = NULL;
	free(what);
	/* Out of memory: say so if even that fits; the caller frees NULL as well. */
	*error_r = msg != NULL ? msg : strdup("out of memory");
	return -1;
}

int cfg_error(char **error_r, const struct cfg_src *src, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(error_r, src, fmt, ap);
	va_end(ap);
	return -1;
}

const char *cfg_quote_n(struct cfg_quoted *q, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	q->s[o++] = '\'';
	for (i = 0; i < len && i < CFG_QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			q->s[o++] = '\\';
			q->s[o++] = 'x';
			q->s[o++] = hex[c >> 4];
			q->s[o++] = hex[c & 15];
		} else {
			q->s[o++] = (char)c;
		}
	}
	if (i < len) {
		memcpy(q->s + o, "...", 3);
		o += 3;
	}
	q->s[o++] = '\'';
	q->s[o] = '\0';
	return q->s;
}

const char *cfg_quote(struct cfg_quoted *q, const char *s)
{
	return cfg_quote_n(q, s, strlen(s));
}
