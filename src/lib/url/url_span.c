/*
 * Block scans over URL bytes, 16 at a time with SSE2 where it is there.
 * Links in mail run to hundreds of bytes (tracking URLs) and almost none of
 * their bytes matter to the parser, so the byte-by-byte loops of
 * url_extract.c and url_fast.c only look at the blocks holding a byte that
 * might.  Without SSE2 no block is passed over and those loops do all the
 * work; the answers are the same either way.
 */
#include <stddef.h>
#include <stdint.h>

#include "url/url_int.h"
#include "util/simd.h"

#ifdef SIMD_SSE2
/* The controls, space, DEL and every byte >= 0x80 (signed: they compare below 0x21). */
static inline simd_v not_printable(simd_v v)
{
	return simd_or(simd_lt_signed(v, 0x21), simd_eq(v, 0x7f));
}
#endif

/*
 * Text bytes that may end a URL: the controls, space, DEL, <>"` and every
 * byte >= 0x80 (only some of which are stops: url_extract.c looks).
 */
size_t url_text_plain_length(const unsigned char *p, size_t len)
{
	size_t i = 0;
#ifdef SIMD_SSE2
	for (; len - i >= 16; i += 16) {
		simd_v v = simd_load(p + i);
		simd_v hit = simd_or(not_printable(v), simd_or(simd_eq(v, '<'), simd_eq(v, '>')));
		unsigned mask;

		hit = simd_or(hit, simd_or(simd_eq(v, '"'), simd_eq(v, '`')));
		mask = simd_mask(hit);
		if (mask != 0)
			return i + (size_t)__builtin_ctz(mask);
	}
#else
	(void)p;
	(void)len;
#endif
	return i;
}

static bool is_mark(const unsigned char *p, size_t len, size_t i)
{
	if (p[i] == ':')
		return (i + 1 < len && p[i + 1] == '/') || (i > 0 && (p[i - 1] | 0x20) == 'o');
	return p[i] == '.' && i > 0 && (p[i - 1] | 0x20) == 'w';
}

#ifdef SIMD_SSE2
/*
 * The candidates among the 16 bytes at p, a byte each: every ':' and each
 * '.' after a 'w' (p[-1] is read).  Prose is full of dots but has few
 * colons and fewer "w.", so most blocks holding a '.' are passed over here
 * rather than on a branch per block further on.
 */
static simd_v block_candidates(const unsigned char *p)
{
	simd_v v = simd_load(p), prev = simd_or(simd_load(p - 1), simd_splat(0x20));

	return simd_or(simd_eq(v, ':'), simd_and(simd_eq(v, '.'), simd_eq(prev, 'w')));
}

/* The marks of the 16 bytes at p, one bit each; p[-1] and p[16] are read. */
static unsigned block_marks(const unsigned char *p)
{
	simd_v v = simd_load(p), prev = simd_or(simd_load(p - 1), simd_splat(0x20)), next = simd_load(p + 1);
	simd_v colon = simd_and(simd_eq(v, ':'), simd_or(simd_eq(next, '/'), simd_eq(prev, 'o')));
	simd_v dot = simd_and(simd_eq(v, '.'), simd_eq(prev, 'w'));

	return simd_mask(simd_or(colon, dot));
}
#endif

size_t url_text_next_mark(const unsigned char *p, size_t len, size_t i)
{
	if (i == 0 && len > 0 && is_mark(p, len, 0))
		return 0;
	i += i == 0;
#ifdef SIMD_SSE2
	/* four blocks at a time; each block needs the byte before it and the one after it */
	for (; i < len && len - i > 64; i += 64) {
		simd_v any = simd_or(simd_or(block_candidates(p + i), block_candidates(p + i + 16)),
				     simd_or(block_candidates(p + i + 32), block_candidates(p + i + 48)));
		uint64_t mask;

		if (simd_mask(any) == 0)
			continue;	/* most stretches of text */
		mask = (uint64_t)block_marks(p + i) | (uint64_t)block_marks(p + i + 16) << 16 |
			(uint64_t)block_marks(p + i + 32) << 32 | (uint64_t)block_marks(p + i + 48) << 48;
		if (mask != 0)
			return i + (size_t)__builtin_ctzll(mask);
	}
	for (; i < len && len - i > 16; i += 16) {
		unsigned mask = block_marks(p + i);

		if (mask != 0)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	for (; i < len; i++) {
		if (is_mark(p, len, i))
			return i;
	}
	return len;
}

#ifdef SIMD_SSE2
/*
 * The bytes of a path, query or fragment block that url_fast.c must look
 * at: what normalization changes (controls, space, "<>\` DEL, non-ASCII)
 * and '%'; in the path also '?', '#' and a '/' that a '.' follows (or that
 * ends the block, the next byte unseen).  One bit a byte.
 */
static unsigned tail_hits(simd_v v, bool in_path)
{
	simd_v hit = not_printable(v);
	unsigned slash, dot;

	hit = simd_or(hit, simd_or(simd_eq(v, '<'), simd_eq(v, '>')));
	hit = simd_or(hit, simd_or(simd_eq(v, '"'), simd_eq(v, '`')));
	hit = simd_or(hit, simd_or(simd_eq(v, '\\'), simd_eq(v, '%')));
	if (!in_path)
		return simd_mask(hit);
	hit = simd_or(hit, simd_or(simd_eq(v, '?'), simd_eq(v, '#')));
	slash = simd_mask(simd_eq(v, '/'));
	dot = simd_mask(simd_eq(v, '.'));
	return simd_mask(hit) | (slash & ((dot >> 1) | 0x8000u));
}
#endif

unsigned url_tail_hits(const unsigned char *p, size_t len, size_t before, size_t i, bool in_path)
{
	size_t n = len - i < 16 ? len - i : 16;

#ifdef SIMD_SSE2
	if (n == 16)
		return tail_hits(simd_load(p + i), in_path);
	if (before + len >= 16)	/* the block ending with the last bytes, less those before i */
		return tail_hits(simd_load(p + len - 16), in_path) >> (16 - n);
#else
	(void)p;
	(void)before;
	(void)in_path;
#endif
	return (1u << n) - 1;
}

static bool host_byte(unsigned char c, unsigned *kinds)
{
	if (c >= 'A' && c <= 'Z')
		*kinds |= URL_HOST_UPPER;
	else if (c == '-')
		*kinds |= URL_HOST_DASH;
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		c == '_';
}

#ifdef SIMD_SSE2
/* What url_host_span() needs of a block, one bit a byte. */
struct host_block {
	unsigned plain, upper, dash, dot;
};

static void host_block(simd_v v, unsigned shift, struct host_block *b)
{
	simd_v letter = simd_in(simd_or(v, simd_splat(0x20)), 'a', 'z');
	simd_v dash = simd_eq(v, '-'), dot = simd_eq(v, '.');
	simd_v other = simd_or(simd_or(dash, dot), simd_eq(v, '_'));

	b->plain = simd_mask(simd_or(simd_or(letter, other), simd_in(v, '0', '9'))) >> shift;
	b->upper = simd_mask(simd_in(v, 'A', 'Z')) >> shift;
	b->dash = simd_mask(dash) >> shift;
	b->dot = simd_mask(dot) >> shift;
}
#endif

/*
 * The run, its kinds of bytes and where its last label starts, a block at a
 * time, the last one ending with the string (reaching back before p when it
 * is short), so most hosts take one or two blocks and no byte loop.
 */
size_t url_host_span(const unsigned char *p, size_t len, size_t before, unsigned *kinds_r, size_t *last_label_r)
{
	size_t i = 0, last_label = 0;
	unsigned kinds = 0;
#ifdef SIMD_SSE2
	unsigned upper_seen = 0, dash_seen = 0;

	for (; i < len; i += 16) {
		struct host_block b;
		unsigned inside;

		if (len - i >= 16)
			host_block(simd_load(p + i), 0, &b);
		else if (before + len >= 16)	/* the block ending with the string; bits past its end are 0 */
			host_block(simd_load(p + len - 16), (unsigned)(16 - (len - i)), &b);
		else
			break;
		inside = b.plain == 0xffffu ? 0xffffu : (1u << __builtin_ctz(~b.plain)) - 1;
		upper_seen |= b.upper & inside;
		dash_seen |= b.dash & inside;
		if ((b.dot & inside) != 0)
			last_label = i + 32 - (size_t)__builtin_clz(b.dot & inside);	/* just after the last dot */
		if (inside != 0xffffu) {
			i += (size_t)__builtin_ctz(~b.plain);
			break;
		}
	}
	kinds = (upper_seen != 0 ? URL_HOST_UPPER : 0) | (dash_seen != 0 ? URL_HOST_DASH : 0);
#else
	(void)before;
#endif
	/* short strings (all of them without SSE2); after a block's stop byte this stops at once */
	for (; i < len && host_byte(p[i], &kinds); i++) {
		if (p[i] == '.')
			last_label = i + 1;
	}
	*kinds_r = kinds;
	*last_label_r = last_label;
	return i;
}
