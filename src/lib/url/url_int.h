/*
 * Internal interface between the url module's files.  Components are views
 * into arena memory; a present-but-empty query or fragment has p != NULL and
 * len 0, an absent one has p == NULL.
 */
#ifndef MAILVET_URL_INT_H
#define MAILVET_URL_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mailvet/arena.h"
#include "mailvet/str.h"
#include "mailvet/url.h"
#include "util/thread_exit.h"

#define URL_MAX_RAW	8192u	/* longer raw URLs are refused, not truncated */
#define URL_MAX_HOST_IN	1024u	/* host text before IDNA mapping */
#define URL_MAX_HOST	255u	/* RFC 1035 2.3.4: 255 octets on the wire */
#define URL_MAX_SCHEME	32u

enum url_pct_kind {
	URL_PCT_PATH,
	URL_PCT_QUERY,
	URL_PCT_FRAGMENT,
	URL_PCT_USERINFO,
};

/* url_fast.c: 1 parsed, 0 not a plain URL (use the general parser), -1 arena exhausted. */
int url_parse_fast(mv_arena *arena, mv_str raw, const struct mv_url *base, struct mv_url *url);

/* url_parse.c: mv_url_resolve() without the fast path, so tests and the fuzzer can compare the two. */
int url_resolve_general(mv_arena *arena, mv_str raw, const struct mv_url *base, struct mv_url *out);

/* url_domain.c: mv_url_registrable_domain() of a host known to be lower-case ASCII without NUL. */
mv_str url_registrable_domain_plain(mv_str host);
/* The host's last label is a top-level domain of the Public Suffix List (the links check: is a text a host name?). */
bool url_suffix_known(mv_str host);

/*
 * url_span.c, for url_extract.c: the length of the leading bytes of p that
 * cannot end a URL in text (0 or less without SIMD: callers always finish
 * byte by byte); and the first position at or after i that may be the ':'
 * of "scheme://" or "mailto:" (a ':' after an 'o' or before a '/') or the
 * '.' of "www." (a '.' after a 'w'), or len.
 */
size_t url_text_plain_length(const unsigned char *p, size_t len);
size_t url_text_next_mark(const unsigned char *p, size_t len, size_t i);

/*
 * url_span.c, for url_fast.c, over len bytes at p with `before` bytes
 * readable before p (the scheme, say: a short string is scanned in one block
 * reaching back into them).  url_tail_hits: the bytes among the 16 of the
 * path, query and fragment from i on (or the fewer left) that the fast path
 * must look at, bit k for p[i + k] (without SIMD, or with fewer than 16
 * bytes in all: every one); in_path: no '?' or '#' seen yet.  url_host_span:
 * the length of the run of host bytes [A-Za-z0-9._-] at p, telling in
 * *kinds_r whether it holds upper-case letters or '-', and in *last_label_r
 * where its last label starts (just after its last '.', or 0).
 */
unsigned url_tail_hits(const unsigned char *p, size_t len, size_t before, size_t i, bool in_path);
enum { URL_HOST_UPPER = 1u << 0, URL_HOST_DASH = 1u << 1 };
size_t url_host_span(const unsigned char *p, size_t len, size_t before, unsigned *kinds_r, size_t *last_label_r);

/*
 * url_cache.c: per-thread tables of zeroed slots, allocated on first use and
 * freed at thread exit (NULL when memory is short: callers then skip caching),
 * each with the seed of the hash its users index it with (below: seeded, so
 * senders cannot aim collisions; a collision only costs a recomputation).
 * Users ask for the table at each lookup, not once: a table freed at the
 * thread's exit is made again if a later destructor scans mail.
 */
enum url_table { URL_TABLE_PSL, URL_TABLE_IDN, URL_TABLE_COUNT };

struct url_tables {
	struct mv_thread_exit exit;	/* first: release() gets it */
	void *block[URL_TABLE_COUNT];	/* as allocated, for free() */
	void *table[URL_TABLE_COUNT];	/* the block, from its first 128-byte boundary */
	uint64_t seed[URL_TABLE_COUNT];
};

extern _Thread_local struct url_tables url_tables;

void *url_thread_table_new(enum url_table which, size_t slots, size_t slot_size);

static inline void *url_thread_table(enum url_table which, size_t slots, size_t slot_size)
{
	void *t = url_tables.table[which];

	return t != NULL ? t : url_thread_table_new(which, slots, slot_size);
}

/* The seed of a table that url_thread_table() gave. */
static inline uint64_t url_table_seed(enum url_table which)
{
	return url_tables.seed[which];
}

/*
 * The last n % 8 bytes of p as one word, read with fixed-size loads
 * rather than a variable-length copy (a call): some bytes are read twice,
 * but every one is read, and n is in the hash already.
 */
static inline uint64_t url_hash_tail(const char *p, size_t n)
{
	uint64_t w;
	uint32_t a, b;

	if (n >= 8) {
		memcpy(&w, p + n - 8, 8);
		return w;
	}
	if (n >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		return (uint64_t)a << 32 | b;
	}
	return (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
		(uint64_t)(unsigned char)p[n - 1] << 16;
}

/* Inline: the PSL cache hashes every host of every link. */
static inline uint64_t url_hash(uint64_t seed, const char *p, size_t n)
{
	const uint64_t k = 0x9E3779B97F4A7C15ULL;
	uint64_t h = seed ^ n, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	if (i < n) {
		h = (h ^ url_hash_tail(p, n)) * k;
		h ^= h >> 32;
	}
	return h;
}

/* url_normalize.c */
int url_pct_normalize(mv_arena *arena, mv_str in, enum url_pct_kind kind, bool special, mv_str *out_r);
int url_remove_dot_segments(mv_arena *arena, mv_str path, mv_str *out_r);
mv_str url_lower_dup(mv_arena *arena, mv_str in);

/* url_host.c: 0 ok, -1 not a valid host, -2 arena exhausted. */
int url_host_parse(mv_arena *arena, mv_str in, struct mv_url *url);
/* 1 IPv4 (address in *addr_r), 0 not an IPv4 form, -1 looks numeric but invalid. */
int url_ipv4_parse(mv_str host, uint32_t *addr_r);
int url_ipv6_parse(mv_str in, uint16_t pieces_r[8]);
/* Writes RFC 5952 text (at most 45 bytes plus NUL) and returns its length. */
size_t url_ipv6_format(const uint16_t pieces[8], char *buf);

static inline bool url_hex_digit(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline unsigned url_hex_value(unsigned char c)
{
	if (c <= '9')
		return c - '0';
	return (unsigned)(c | 0x20) - 'a' + 10;
}

#endif
