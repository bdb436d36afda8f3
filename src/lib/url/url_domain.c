/*
 * Registrable domain (eTLD+1) with libpsl.  The list is psl_builtin() when
 * the library was built with one, else the newest of the system files
 * (/usr/share/publicsuffix, Debian package "publicsuffix").  It is loaded
 * once, thread-safely, and never freed (it is shared, read-only data).
 */
#include <pthread.h>

#include <libpsl.h>

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
 * Only the trailing labels matter, so a host longer than a DNS name is cut
 * at a label boundary before asking libpsl (which wants a lower-case,
 * NUL-terminated string).
 */
mv_str mv_url_registrable_domain(mv_str host)
{
	char buf[URL_MAX_HOST + 1];
	size_t skip = 0, i, n;
	const char *rd;

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
	pthread_once(&psl_once, psl_init);
	if (psl_ctx == NULL)
		return host;
	rd = psl_registrable_domain(psl_ctx, buf);
	if (rd == NULL)
		return host;
	return mv_str_make(host.p + skip + (size_t)(rd - buf), n - (size_t)(rd - buf));
}
