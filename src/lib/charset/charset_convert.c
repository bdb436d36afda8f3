/*
 * Conversion to UTF-8.  UTF-8 is validated and repaired, UTF-16 and
 * x-user-defined are decoded here, and the ASCII-compatible single-byte
 * charsets go through a 128-entry table per charset that is built once, at
 * first use, by asking iconv for each byte 0x80..0xFF: the tables are iconv's
 * own mapping (the tests check that), without iconv's per-call cost.  Output
 * is assembled in a stack chunk and appended, so the buffer's ceiling is
 * checked per chunk, never per byte.
 */
#include <iconv.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "charset/charset_int.h"
#include "util/simd.h"

#define CHUNK 4096
#define HIGH_BITS UINT64_C(0x8080808080808080)

struct sbcs_table {
	atomic_int ready;
	unsigned char utf8[128][4];	/* up to 3 bytes, length in [3] */
	unsigned char bad[128];		/* 1: iconv rejected the byte, U+FFFD */
};

static struct sbcs_table sbcs_tables[CHARSET_N_SBCS];
static pthread_mutex_t sbcs_lock = PTHREAD_MUTEX_INITIALIZER;

/* windows-1252 0x80..0x9F; the five holes are the C1 controls (WHATWG index). */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static void entry_set(struct sbcs_table *t, unsigned i, unsigned long cp)
{
	unsigned char *e = t->utf8[i];

	if (cp < 0x800) {
		e[0] = (unsigned char)(0xC0 | (cp >> 6));
		e[1] = (unsigned char)(0x80 | (cp & 0x3F));
		e[3] = 2;
	} else {
		e[0] = (unsigned char)(0xE0 | (cp >> 12));
		e[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		e[2] = (unsigned char)(0x80 | (cp & 0x3F));
		e[3] = 3;
	}
}

/* One byte through iconv: its code point, or 0 when rejected. */
static unsigned long iconv_byte(iconv_t cd, unsigned char b)
{
	char in = (char)b, out[8], *ip = &in, *op = out;
	size_t il = 1, ol = sizeof(out);
	const unsigned char *u = (const unsigned char *)out;
	size_t n;

	(void)iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
		return 0;
	n = (size_t)(op - out);
	/* Exactly one BMP character, or it is not a single-byte mapping. */
	if (n == 2 && (u[0] & 0xE0) == 0xC0)
		return ((unsigned long)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
	if (n == 3 && (u[0] & 0xF0) == 0xE0)
		return ((unsigned long)(u[0] & 0x0F) << 12) | ((unsigned long)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
	return 0;
}

static void sbcs_build(const struct charset_desc *desc, struct sbcs_table *t)
{
	iconv_t cd = (iconv_t)-1;
	unsigned long cp;
	unsigned i;

	if (strcmp(desc->name, "WINDOWS-1252") != 0)
		cd = iconv_open("UTF-8", desc->name);
	for (i = 0; i < 128; i++) {
		if (strcmp(desc->name, "WINDOWS-1252") == 0)
			cp = i < 32 ? cp1252_high[i] : 0x80 + i;	/* 0xA0.. is Latin-1 */
		else
			cp = cd != (iconv_t)-1 ? iconv_byte(cd, (unsigned char)(0x80 + i)) : 0;
		t->bad[i] = cp == 0;
		entry_set(t, i, cp != 0 ? cp : 0xFFFD);
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

static const struct sbcs_table *sbcs_get(const struct charset_desc *desc)
{
	struct sbcs_table *t = &sbcs_tables[desc->sbcs];

	if (atomic_load_explicit(&t->ready, memory_order_acquire))
		return t;
	pthread_mutex_lock(&sbcs_lock);
	if (!atomic_load_explicit(&t->ready, memory_order_relaxed)) {
		sbcs_build(desc, t);
		atomic_store_explicit(&t->ready, 1, memory_order_release);
	}
	pthread_mutex_unlock(&sbcs_lock);
	return t;
}

/* Exposed for the oracle test: the UTF-8 for byte b (>= 0x80) of a table charset. */
size_t charset_sbcs_entry(const struct charset_desc *desc, unsigned char b, char out_r[4])
{
	const struct sbcs_table *t = sbcs_get(desc);

	memcpy(out_r, t->utf8[b - 0x80], 3);
	return t->utf8[b - 0x80][3];
}

/*
 * Converts n bytes into dst; returns the bytes written.  dst needs room for
 * the measured size plus one byte: every entry is copied as 3 bytes, and a
 * 2-byte entry's spare byte is overwritten next or, at the very end, lands in
 * the byte mv_buf_reserve() keeps for the NUL (the chunked path has 3 per byte).
 */
static size_t sbcs_write(const struct sbcs_table *t, const unsigned char *p, size_t n, char *dst,
			 unsigned *replaced)
{
	size_t i = 0, w = 0;
	uint64_t v;

#ifdef SIMD_SSE2
	/*
	 * Sixteen bytes at a time: the ASCII run before the first 8-bit byte is
	 * stored with the block, then that byte is converted.  Every input byte
	 * makes at least one output byte, so the 16-byte store stays inside the
	 * measured size.
	 */
	while (i + 16 <= n) {
		simd_v b = simd_load(p + i);
		unsigned high = simd_mask(b), k;
		const unsigned char *e;

		simd_store(dst + w, b);
		if (high == 0) {
			w += 16;
			i += 16;
			continue;
		}
		k = (unsigned)__builtin_ctz(high);
		w += k;
		i += k;
		e = t->utf8[p[i] - 0x80];
		memcpy(dst + w, e, 3);
		w += e[3];
		*replaced |= t->bad[p[i] - 0x80];
		i++;
	}
#endif
	while (i < n) {
		if (i + 8 <= n) {
			memcpy(&v, p + i, 8);
			if ((v & HIGH_BITS) == 0) {
				memcpy(dst + w, p + i, 8);
				w += 8;
				i += 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			dst[w++] = (char)p[i];
		} else {
			const unsigned char *e = t->utf8[p[i] - 0x80];

			memcpy(dst + w, e, 3);
			w += e[3];
			*replaced |= t->bad[p[i] - 0x80];
		}
		i++;
	}
	return w;
}

/* The exact output size, so the buffer grows once (growth means arena copies). */
static size_t sbcs_measure(const struct sbcs_table *t, const unsigned char *p, size_t n)
{
	size_t i = 0, len = n;
	uint64_t v;

#ifdef SIMD_SSE2
	for (; i + 16 <= n; i += 16) {
		unsigned high = simd_mask(simd_load(p + i));

		for (; high != 0; high &= high - 1)
			len += t->utf8[p[i + (unsigned)__builtin_ctz(high)] - 0x80][3] - 1u;
	}
#endif
	while (i < n) {
		if (i + 8 <= n) {
			memcpy(&v, p + i, 8);
			if ((v & HIGH_BITS) == 0) {
				i += 8;
				continue;
			}
		}
		if (p[i] >= 0x80)
			len += t->utf8[p[i] - 0x80][3] - 1u;
		i++;
	}
	return len;
}

static enum mv_charset_status sbcs_to_utf8(const struct charset_desc *desc, mv_str in, mv_buf *out)
{
	const unsigned char *p = (const unsigned char *)in.p;
	const struct sbcs_table *t;
	char buf[CHUNK + 8], *dst;
	size_t i, need, piece;
	unsigned replaced = 0;

	i = charset_ascii_prefix(in.p, in.len);
	if (charset_append(out, in.p, i) < 0)
		return MV_CHARSET_TRUNCATED;
	if (i == in.len)
		return MV_CHARSET_OK;
	t = sbcs_get(desc);
	need = sbcs_measure(t, p + i, in.len - i);
	dst = charset_reserve(out, need);
	if (dst != NULL) {
		out->len += sbcs_write(t, p + i, in.len - i, dst, &replaced);
		return replaced ? MV_CHARSET_REPLACED : MV_CHARSET_OK;
	}
	/* It will not all fit: convert piece by piece up to the ceiling. */
	while (i < in.len) {
		piece = in.len - i < CHUNK / 3 ? in.len - i : CHUNK / 3;
		if (charset_append(out, buf, sbcs_write(t, p + i, piece, buf, &replaced)) < 0)
			return MV_CHARSET_TRUNCATED;
		i += piece;
	}
	return replaced ? MV_CHARSET_REPLACED : MV_CHARSET_OK;
}

/* UTF-16 per WHATWG: a BOM picks the byte order; lone surrogates and an odd last byte become U+FFFD. */
static enum mv_charset_status utf16_to_utf8(enum charset_kind kind, mv_str in, mv_buf *out)
{
	const unsigned char *p = (const unsigned char *)in.p;
	bool le = kind != CHARSET_UTF16BE, replaced = false;
	size_t i = 0, w = 0;
	unsigned long u, u2;
	char buf[CHUNK];

	if (in.len >= 2 && p[0] == 0xFF && p[1] == 0xFE && kind != CHARSET_UTF16BE) {
		le = true;
		i = 2;
	} else if (in.len >= 2 && p[0] == 0xFE && p[1] == 0xFF && kind != CHARSET_UTF16LE) {
		le = false;
		i = 2;
	}
	while (i + 1 < in.len) {
		if (w > CHUNK - 8) {
			if (charset_append(out, buf, w) < 0)
				return MV_CHARSET_TRUNCATED;
			w = 0;
		}
		u = le ? (p[i] | (unsigned long)p[i + 1] << 8) : ((unsigned long)p[i] << 8 | p[i + 1]);
		i += 2;
		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < in.len) {
			u2 = le ? (p[i] | (unsigned long)p[i + 1] << 8) : ((unsigned long)p[i] << 8 | p[i + 1]);
			if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
				i += 2;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF) {
			u = 0xFFFD;
			replaced = true;
		}
		w += mv_utf8_encode(buf + w, u);
	}
	if (i < in.len) {
		w += mv_utf8_encode(buf + w, 0xFFFD);
		replaced = true;
	}
	if (charset_append(out, buf, w) < 0)
		return MV_CHARSET_TRUNCATED;
	return replaced ? MV_CHARSET_REPLACED : MV_CHARSET_OK;
}

/* x-user-defined (WHATWG): 0x80..0xFF map to U+F780..U+F7FF. */
static enum mv_charset_status xuser_to_utf8(mv_str in, mv_buf *out)
{
	const unsigned char *p = (const unsigned char *)in.p;
	size_t i, w = 0;
	char buf[CHUNK];

	for (i = 0; i < in.len; i++) {
		if (w > CHUNK - 4) {
			if (charset_append(out, buf, w) < 0)
				return MV_CHARSET_TRUNCATED;
			w = 0;
		}
		if (p[i] < 0x80)
			buf[w++] = (char)p[i];
		else
			w += mv_utf8_encode(buf + w, 0xF780 + (p[i] - 0x80u));
	}
	if (charset_append(out, buf, w) < 0)
		return MV_CHARSET_TRUNCATED;
	return MV_CHARSET_OK;
}

enum mv_charset_status charset_guess_to_utf8(mv_str in, mv_buf *out)
{
	enum mv_charset_status st;

	if (mv_utf8_valid(in.p, in.len))
		return charset_append(out, in.p, in.len) < 0 ? MV_CHARSET_TRUNCATED : MV_CHARSET_OK;
	/* windows-1252 maps every byte, so nothing is replaced. */
	st = sbcs_to_utf8(charset_cp1252, in, out);
	return st == MV_CHARSET_TRUNCATED ? st : MV_CHARSET_OK;
}

bool mv_charset_is_identity(mv_str label, mv_str in)
{
	const struct charset_desc *desc = charset_lookup(label);

	if (desc == NULL)
		return mv_str_trim(label).len == 0 && mv_utf8_valid(in.p, in.len);
	if (desc->kind == CHARSET_UTF8)
		return mv_utf8_valid(in.p, in.len);
	/* Every single-byte table here keeps ASCII as ASCII. */
	return desc->kind == CHARSET_SBCS && charset_ascii_prefix(in.p, in.len) == in.len;
}

enum mv_charset_status mv_charset_to_utf8(mv_str label, mv_str in, mv_buf *out)
{
	const struct charset_desc *desc = charset_lookup(label);
	enum mv_charset_status st;

	if (desc == NULL) {
		st = charset_guess_to_utf8(in, out);
		if (st == MV_CHARSET_TRUNCATED || mv_str_trim(label).len == 0)
			return st;
		return MV_CHARSET_UNKNOWN;
	}
	switch (desc->kind) {
	case CHARSET_UTF8:
		return charset_utf8_repair(in, out);
	case CHARSET_SBCS:
		return sbcs_to_utf8(desc, in, out);
	case CHARSET_UTF16:
	case CHARSET_UTF16LE:
	case CHARSET_UTF16BE:
		return utf16_to_utf8(desc->kind, in, out);
	case CHARSET_XUSER:
		return xuser_to_utf8(in, out);
	case CHARSET_ICONV:
		break;
	}
	return charset_iconv_to_utf8(desc, in, out);
}
