/*
 * libFuzzer target: mv_url_parse alone and against a base cut from the input,
 * and mv_url_extract_text.  The fast path must agree with the general parser
 * on every field, the cached registrable domain with libpsl asked directly,
 * and the block scans of url_span.c with byte-by-byte ones, so any
 * difference aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "mailvet/url.h"
#include "url/url_int.h"

static volatile size_t sink;

static int touch(void *ctx, mv_str url)
{
	*(size_t *)ctx += url.len;
	return 0;
}

static bool same_view(mv_str a, mv_str b)
{
	return (a.p == NULL) == (b.p == NULL) && a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static void check_fast_path(mv_arena *arena, mv_str raw, const struct mv_url *base)
{
	struct mv_url a, b;
	int ra = mv_url_resolve(arena, raw, base, &a);
	int rb = url_resolve_general(arena, raw, base, &b);

	if (ra != rb || a.flags != b.flags || a.port != b.port || !same_view(a.raw, b.raw) ||
	    !same_view(a.scheme, b.scheme) || !same_view(a.userinfo, b.userinfo) || !same_view(a.host, b.host) ||
	    !same_view(a.host_unicode, b.host_unicode) || !same_view(a.path, b.path) ||
	    !same_view(a.query, b.query) || !same_view(a.fragment, b.fragment) ||
	    !same_view(a.normalized, b.normalized) || !same_view(a.domain, b.domain))
		abort();
}

/* The list mv_url_registrable_domain() loads (url_domain.c). */
static const psl_ctx_t *oracle_psl(void)
{
	static const psl_ctx_t *ctx;

	if (ctx == NULL) {
		ctx = psl_builtin();
		if (ctx == NULL || psl_suffix_count(ctx) <= 0)
			ctx = psl_latest(NULL);
	}
	return ctx;
}

/* A lower-case host without NUL, as parsing leaves it: the answer must be libpsl's. */
static void check_domain(mv_str host)
{
	char buf[256];
	const char *rd;
	mv_str got;
	size_t i;

	if (host.len == 0 || host.len >= sizeof(buf) || oracle_psl() == NULL)
		return;
	for (i = 0; i < host.len; i++) {
		if (host.p[i] == '\0' || (host.p[i] >= 'A' && host.p[i] <= 'Z'))
			return;
	}
	memcpy(buf, host.p, host.len);
	buf[host.len] = '\0';
	rd = psl_registrable_domain(oracle_psl(), buf);
	got = mv_url_registrable_domain(host);
	if (rd == NULL ? !same_view(got, host) : got.len != strlen(rd) || memcmp(got.p, rd, got.len) != 0)
		abort();
}

/* The block scans of url_span.c against byte-by-byte readings of their contracts. */
static bool ref_mark(const unsigned char *p, size_t len, size_t i)
{
	if (p[i] == ':')
		return (i + 1 < len && p[i + 1] == '/') || (i > 0 && (p[i - 1] | 0x20) == 'o');
	return p[i] == '.' && i > 0 && (p[i - 1] | 0x20) == 'w';
}

static bool ref_host_byte(unsigned char c)
{
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		c == '_';
}

static void check_spans(const unsigned char *p, size_t len)
{
	size_t i = 0, want, got, k, label, want_label;
	unsigned kinds;

	for (;;) {
		got = url_text_next_mark(p, len, i);
		for (want = i; want < len && !ref_mark(p, len, want); want++)
			;
		if (got != want)
			abort();
		if (got >= len)
			break;
		i = got + 1;
	}
	got = url_text_plain_length(p, len);
	for (k = 0; k < got; k++) {
		if (p[k] < 0x21 || p[k] >= 0x7f || p[k] == '<' || p[k] == '>' || p[k] == '"' || p[k] == '`')
			abort();
	}
	/* the host run, from each of the first bytes (those before it readable, as the fast path has them) */
	for (k = 0; k <= len && k < 24; k++) {
		size_t j, run = len - k;
		const unsigned char *h = p + k;

		got = url_host_span(h, run, k, &kinds, &label);
		for (want = 0; want < run && ref_host_byte(h[want]); want++)
			;
		for (j = 0, i = 0, want_label = 0; j < want; j++) {
			if (h[j] >= 'A' && h[j] <= 'Z')
				i |= URL_HOST_UPPER;
			else if (h[j] == '-')
				i |= URL_HOST_DASH;
			else if (h[j] == '.')
				want_label = j + 1;
		}
		if (got != want || kinds != i || label != want_label)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_arena *arena = mv_arena_new((size_t)64 << 20);
	mv_str in = mv_str_make((const char *)data, size), base = MV_STR_NULL, ref = in;
	const char *nl = memchr(data, '\n', size);
	struct mv_url u, b;
	size_t sum = 0;

	if (nl != NULL) {	/* "base\nref" */
		base = mv_str_make(in.p, (size_t)(nl - in.p));
		ref = mv_str_make(nl + 1, size - base.len - 1);
	}
	if (mv_url_parse(arena, in, MV_STR_NULL, &u) == 0) {
		sum += u.normalized.len + u.domain.len + u.host_unicode.len;
		check_domain(u.host);
	}
	check_domain(in);	/* the suffixes of a name cached before the name is asked */
	if (mv_url_parse(arena, ref, base, &u) == 0)
		sum += u.normalized.len + u.domain.len;
	check_fast_path(arena, in, NULL);
	if (nl != NULL && mv_url_parse(arena, base, MV_STR_NULL, &b) == 0)
		check_fast_path(arena, ref, &b);
	mv_url_extract_text(in, 0, touch, &sum);
	check_spans(data, size);
	sink = sum;
	mv_arena_free(&arena);
	return 0;
}
