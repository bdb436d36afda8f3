/*
 * JSON string escaping (RFC 8259 7) that also repairs UTF-8: every byte that
 * does not start a well-formed sequence becomes U+FFFD, so a consumer never
 * chokes on a raw 8-bit header or a hostile URL.
 *
 * Most strings in a report are short and plain (host names, addresses, ids,
 * URLs), so mv_json_string first tries a fast road that classifies and copies
 * the whole string in a few word or block steps.  Anything else takes the
 * general road: it reserves the worst case for a slice of input (six output
 * bytes per input byte), copies plain runs sixteen bytes at a time, and only
 * the special byte takes the slow step.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output_internal.h"
#include "util/simd.h"

/* Input bytes escaped per reservation: bounds the reservation to a few pages. */
#define JSON_SLICE 1024

static size_t utf8_seq_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];

	if (c >= 0xC2 && c <= 0xDF)
		return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

		return left >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

		return left >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 &&
		       (p[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}


/* 1 for bytes that end a plain run: controls, '"', '\\' and every non-ASCII byte. */
static const unsigned char json_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/*
 * The high bit of each byte of v that is special: a control, '"', '\\' or
 * non-ASCII.  The zero-byte test may also flag a byte above a flagged one
 * (borrows), never one below, so the lowest flag is exact.
 */
static uint64_t special_bytes(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t quote = v ^ (ones * '"'), bslash = v ^ (ones * '\\');
	uint64_t below_space = (v - ones * 0x20) & ~v;

	return (below_space | ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | v) & high;
}

/* Writes the escape (or repaired UTF-8) of the special byte at *pp to w; returns the new w. */
static char *escape_special(char *w, const unsigned char **pp, const unsigned char *end)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = *pp;

	if (*p >= 0x80) {
		size_t n = utf8_seq_len(p, (size_t)(end - p));

		if (n != 0) {
			memcpy(w, p, n);
			*pp = p + n;
			return w + n;
		}
		memcpy(w, "\xEF\xBF\xBD", 3);
		*pp = p + 1;
		return w + 3;
	}
	*pp = p + 1;
	*w++ = '\\';
	switch (*p) {
	case '"':
	case '\\':
		*w++ = (char)*p;
		return w;
	case '\n':
		*w++ = 'n';
		return w;
	case '\r':
		*w++ = 'r';
		return w;
	case '\t':
		*w++ = 't';
		return w;
	default:
		memcpy(w, "u00", 3);
		w[3] = hex[*p >> 4];
		w[4] = hex[*p & 15];
		return w + 5;
	}
}

/*
 * Escapes input from *pp up to stop (a UTF-8 sequence that starts before stop
 * may run past it, up to end) into w, which has room for JSON_WORST bytes per
 * input byte plus a few; returns the new w.
 */
static inline char *escape_slice(char *w, const unsigned char **pp, const unsigned char *stop,
			  const unsigned char *end)
{
	const unsigned char *p = *pp;

	while (p < stop) {
#ifdef SIMD_SSE2
		/* Sixteen at a time: store them all (there is room), keep the plain prefix. */
		while (stop - p >= 16) {
			simd_v v = simd_load(p);
			/* Signed compare: bytes >= 0x80 are negative, so they count as "below space" too. */
			simd_v special = simd_or(simd_lt_signed(v, 0x20), simd_or(simd_eq(v, '"'), simd_eq(v, '\\')));
			unsigned mask = simd_mask(special);
			unsigned n = mask != 0 ? (unsigned)__builtin_ctz(mask) : 16;

			simd_store(w, v);
			w += n;
			p += n;
			if (n != 16)
				break;
		}
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* Eight at a time for the short strings most fields hold (the first byte is the low one). */
		while (stop - p >= 8) {
			uint64_t v, mask;
			unsigned n;

			memcpy(&v, p, 8);
			mask = special_bytes(v);
			n = mask != 0 ? (unsigned)__builtin_ctzll(mask) / 8 : 8;
			memcpy(w, &v, 8);
			w += n;
			p += n;
			if (n != 8)
				break;
		}
#endif
		while (p < stop && !json_special[*p])
			*w++ = (char)*p++;
		if (p < stop)
			w = escape_special(w, &p, end);
	}
	*pp = p;
	return w;
}

int mv_json_escape(mv_buf *out, mv_str s)
{
	const unsigned char *p = (const unsigned char *)s.p, *end;
	int rc = 0;

	if (s.len == 0)
		return 0;	/* an absent string may be a null pointer: no arithmetic on it */
	end = p + s.len;

	while (p < end) {
		size_t slice = (size_t)(end - p) < JSON_SLICE ? (size_t)(end - p) : JSON_SLICE;
		size_t room = slice * JSON_WORST + 8;
		char *w;

		if (room < out->cap - out->len)
			w = out->p + out->len;
		else if (room <= out->max - out->len)
			w = mv_buf_reserve(out, room);
		else
			w = NULL;	/* asking past the ceiling would mark the buffer truncated, though the text may fit */

		if (w != NULL) {
			out->len += (size_t)(escape_slice(w, &p, p + slice, end) - w);
		} else {
			/* Near the ceiling: escape a little at a time so what fits is still kept. */
			char tmp[64 * JSON_WORST + 8];
			const unsigned char *stop = p + (slice < 64 ? slice : 64);

			rc |= mv_buf_append(out, tmp, (size_t)(escape_slice(tmp, &p, stop, end) - tmp));
			if (rc != 0)
				break;
		}
	}
	return rc != 0 ? -1 : 0;
}

/*
 * The fast road for the common string, one with nothing to escape: it is
 * classified and copied a block at a time, and the last block overlaps the one
 * before it instead of reading past the string's end.  Shorter strings are
 * read as two overlapping words (their first and last eight or four bytes), so
 * a clean host name or IP costs one classification and no branch per byte.
 */
static uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t load32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* True if none of the sixteen bytes of a and b needs escaping (they may overlap). */
static bool words_plain(uint64_t a, uint64_t b)
{
#ifdef SIMD_SSE2
	simd_v v = simd_from64(a, b);
	/* Signed compare: bytes >= 0x80 are negative, so they fail it like controls. */
	simd_v printable = simd_gt_signed(v, 0x1F);
	simd_v escaped = simd_or(simd_eq(v, '"'), simd_eq(v, '\\'));

	return simd_mask(simd_and_not(printable, escaped)) == 0xFFFF;
#else
	return (special_bytes(a) | special_bytes(b)) == 0;
#endif
}

/* Copies sixteen bytes from p to w; true if none of them needs escaping. */
static bool copy_block(char *w, const unsigned char *p)
{
	uint64_t a = load64(p), b = load64(p + 8);

	memcpy(w, &a, 8);
	memcpy(w + 8, &b, 8);
	return words_plain(a, b);
}

/*
 * Copies the len bytes at p to w if none needs escaping and returns the end of
 * the copy; returns NULL otherwise (w's bytes are then garbage the general road
 * overwrites).  Never reads outside p[0..len) nor writes outside w[0..len).
 */
static char *copy_plain(char *w, const unsigned char *p, size_t len)
{
	if (len > 16) {
		size_t i;

		for (i = 0; i < len - 16; i += 16)
			if (!copy_block(w + i, p + i))
				return NULL;
		if (!copy_block(w + len - 16, p + len - 16))
			return NULL;
	} else if (len >= 8) {
		uint64_t a = load64(p), b = load64(p + len - 8);

		if (!words_plain(a, b))
			return NULL;
		memcpy(w, &a, 8);
		memcpy(w + len - 8, &b, 8);
	} else if (len >= 4) {
		uint32_t a = load32(p), b = load32(p + len - 4);

		if (!words_plain((uint64_t)b << 32 | a, (uint64_t)b << 32 | a))
			return NULL;
		memcpy(w, &a, 4);
		memcpy(w + len - 4, &b, 4);
	} else if (len != 0) {
		/* One to three bytes: the first, the middle and the last cover them all. */
		uint64_t v = 0x2020202020000000ULL | (uint64_t)p[len - 1] << 16 | (uint64_t)p[len / 2] << 8 | p[0];

		if (!words_plain(v, v))
			return NULL;
		w[0] = (char)p[0];
		w[len / 2] = (char)p[len / 2];
		w[len - 1] = (char)p[len - 1];
	}
	return w + len;
}

/*
 * The general road, for a string with something to escape.  Kept out of line
 * so that the fast road in json_put_string saves no registers.
 */
#ifdef __GNUC__
__attribute__((noinline))
#endif
static char *escape_all(char *w, const unsigned char *p, size_t len)
{
	return escape_slice(w, &p, p + len, p + len);
}

/* Rare (a part's type and subtype), so it takes the general road alone. */
char *json_put_escaped(char *w, mv_str s)
{
	return s.len != 0 ? escape_all(w, (const unsigned char *)s.p, s.len) : w;
}

char *json_put_string(char *w, mv_str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	char *end;

	w[0] = '"';
	end = copy_plain(w + 1, p, s.len);
	if (end == NULL)
		end = escape_all(w + 1, p, s.len);
	end[0] = '"';
	return end + 1;
}

int mv_json_string(mv_buf *out, mv_str s)
{
	int rc;

	/* Most strings are short and the buffer has room for the worst: no reservation. */
	if (json_string_worst(s) < out->cap - out->len) {
		out->len = (size_t)(json_put_string(out->p + out->len, s) - out->p);
		return 0;
	}
	rc = mv_buf_putc(out, '"');
	rc |= mv_json_escape(out, s);
	rc |= mv_buf_putc(out, '"');
	return rc != 0 ? -1 : 0;
}

/* Decimal digits of v, right-aligned before end, zero-padded to width; returns the first digit. */
char *mv_json_digits(char *end, unsigned long long v, int width)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
		width--;
	} while (v != 0 || width > 0);
	return p;
}

/* "00" to "99": two digits are one small copy, no division by ten. */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static void two_digits(char *p, unsigned v)
{
	memcpy(p, digit_pairs + 2 * v, 2);
}

static const unsigned long long powers_of_ten[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
	1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
	1000000000000000000ULL, 10000000000000000000ULL,
};

char *json_put_uint(char *w, unsigned long long v)
{
	/*
	 * The digit count from the bit length (1233 / 4096 is just above
	 * log10(2)) and one comparison, instead of a loop whose exit
	 * mispredicts as the numbers of a report go from ids to sizes.
	 */
	unsigned t = (unsigned)(64 - __builtin_clzll(v | 1)) * 1233 >> 12;
	unsigned n = t + (v >= powers_of_ten[t]);
	char *p;

	n += n == 0;	/* zero has one digit */
	p = w + n;
	while (v >= 100) {
		p -= 2;
		two_digits(p, (unsigned)(v % 100));
		v /= 100;
	}
	if (v >= 10)
		two_digits(p - 2, (unsigned)v);
	else
		p[-1] = (char)('0' + v);
	return w + n;
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): any day, no locale, no libc state. */
static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
	long long era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/*
 * The same for the common days, 1970-01-01 to 9999-12-31, by Neri and
 * Schneider's "Euclidean affine functions" (2022): multiplications and
 * shifts where the general one divides.
 */
static void civil_from_days_modern(uint32_t days, unsigned *y, unsigned *m, unsigned *d)
{
	uint32_t n1 = 4 * (days + 719468) + 3;	/* days counted from 0000-03-01 */
	uint32_t century = n1 / 146097, n2 = n1 % 146097 / 4 * 4 + 3;
	uint64_t p2 = (uint64_t)2939745 * n2;
	uint32_t year_of_century = (uint32_t)(p2 >> 32), day_of_year = (uint32_t)p2 / 2939745 / 4;
	uint32_t n3 = 2141 * day_of_year + 197913;
	bool jan_feb = day_of_year >= 306;	/* the year counted from March has ended */

	*y = 100 * century + year_of_century + jan_feb;
	*m = jan_feb ? (n3 >> 16) - 12 : n3 >> 16;
	*d = (n3 & 0xFFFF) / 2141 + 1;
}

/* 1970-01-01 to 9999-12-31 in seconds: the range of civil_from_days_modern. */
#define MODERN_SECONDS 253402300800LL

/* "YYYY-MM-DDTHH:MM:SSZ" with quotes, for a year of four digits. */
static char *put_iso_time(char *w, unsigned y, unsigned m, unsigned d, unsigned secs)
{
	memcpy(w, "\"0000-00-00T00:00:00Z\"", 22);
	two_digits(w + 1, y / 100);
	two_digits(w + 3, y % 100);
	two_digits(w + 6, m);
	two_digits(w + 9, d);
	two_digits(w + 12, secs / 3600);
	two_digits(w + 15, secs / 60 % 60);
	two_digits(w + 18, secs % 60);
	return w + 22;
}

char *json_put_date(char *w, int64_t t)
{
	long long days, secs;
	unsigned m, d;
	int y;

	if (t >= 0 && t < MODERN_SECONDS) {
		unsigned uy;

		civil_from_days_modern((uint32_t)((uint64_t)t / 86400), &uy, &m, &d);
		return put_iso_time(w, uy, m, d, (unsigned)((uint64_t)t % 86400));
	}
	/* Floor division, written so that nothing overflows at INT64_MIN. */
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		days--;
		secs += 86400;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		char tmp[40];
		int n = snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d, secs / 3600,
				 secs / 60 % 60, secs % 60);

		return json_put_string(w, mv_str_make(tmp, (size_t)n));
	}
	return put_iso_time(w, (unsigned)y, m, d, (unsigned)secs);
}

char *json_put_fixed2(char *w, double v)
{
	char tmp[JSON_FIXED2_WORST], *end = tmp + sizeof(tmp), *p;
	double hundredths = v * 100;
	int n;

	/* Scores are sums of a few round numbers, so the exact case is the common one. */
	if (hundredths > -1e15 && hundredths < 1e15 && hundredths == (double)(long long)hundredths) {
		/* v is within half an ulp of k/100, so "%.2f" prints k/100 too. */
		long long k = (long long)hundredths;
		unsigned long long a = k < 0 ? (unsigned long long)-k : (unsigned long long)k;

		mv_json_digits(end, a % 100, 2);
		end[-3] = '.';
		p = mv_json_digits(end - 3, a / 100, 1);
		if (signbit(v))
			*--p = '-';
		memcpy(w, p, (size_t)(end - p));
		return w + (end - p);
	}
	n = snprintf(w, JSON_FIXED2_WORST, "%.2f", v);
	return w + n;
}

int mv_json_fixed2(mv_buf *out, double v)
{
	char tmp[JSON_FIXED2_WORST];

	return mv_buf_append(out, tmp, (size_t)(json_put_fixed2(tmp, v) - tmp));
}
