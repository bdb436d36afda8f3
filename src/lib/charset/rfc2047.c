/*
 * RFC 2047 decoding of unstructured header text, as mail clients do it:
 * encoded-words are found anywhere (also glued to text or inside quoted
 * strings), B and Q in either case, RFC 2231 section 5 language suffixes
 * ignored.  White space between adjacent encoded-words is dropped (RFC 2047
 * 6.2) and the raw bytes of adjacent words in the same charset are joined
 * before conversion, so a character split across two words survives.
 * Unfolding removes CR/LF before white space (RFC 5322 2.2.3); other controls
 * become spaces.  The work is linear: every candidate word ends at the first
 * '?' after its encoding, and the charset name is bounded.
 */
#include <string.h>

#include "charset/charset_int.h"
#include "util/simd.h"

#define EW_CHARSET_MAX 64

struct ew {
	mv_str charset;		/* without the RFC 2231 "*lang" */
	char enc;		/* 'b' or 'q' */
	mv_str text;
	size_t end;		/* index just past "?=" */
};

struct dec {
	mv_buf *out;
	unsigned char *pend;	/* raw bytes of adjacent words in one charset */
	size_t pend_len;
	mv_str pend_cs;
	bool have_pend;
	enum mv_charset_status st;
};

static enum mv_charset_status merge(enum mv_charset_status a, enum mv_charset_status b)
{
	if (a == MV_CHARSET_TRUNCATED || b == MV_CHARSET_TRUNCATED)
		return MV_CHARSET_TRUNCATED;
	return a > b ? a : b;
}

/* p[i] == '=' && p[i + 1] == '?': is there an encoded-word here? */
static bool ew_parse(const char *p, size_t n, size_t i, struct ew *ew)
{
	size_t j = i + 2, cs = j, k;
	char e;

	while (j < n && j - cs <= EW_CHARSET_MAX && p[j] != '?' && p[j] > ' ' && p[j] < 0x7F)
		j++;
	if (j >= n || p[j] != '?' || j == cs || j + 2 >= n)
		return false;
	ew->charset = mv_str_make(p + cs, j - cs);
	for (k = 0; k < ew->charset.len; k++) {
		if (ew->charset.p[k] == '*') {
			ew->charset.len = k;
			break;
		}
	}
	e = mv_ascii_lower(p[j + 1]);
	if ((e != 'b' && e != 'q') || p[j + 2] != '?')
		return false;
	ew->enc = e;
	j += 3;
	k = j;
	/* Lenient: white space inside the text is allowed, a line break is not. */
	while (j < n && p[j] != '?' && p[j] != '\r' && p[j] != '\n')
		j++;
	if (j + 1 >= n || p[j] != '?' || p[j + 1] != '=')
		return false;
	ew->text = mv_str_make(p + k, j - k);
	ew->end = j + 2;
	return true;
}

/* Decoded bytes never outnumber the text, so pend (raw.len) cannot overflow. */
static void ew_decode(struct dec *d, const struct ew *ew)
{
	const char *t = ew->text.p;
	size_t k, n = ew->text.len;
	unsigned long acc = 0;
	unsigned bits = 0;
	int v, h, l;

	if (ew->enc == 'q') {
		for (k = 0; k < n; k++) {
			if (t[k] == '=' && k + 2 < n) {
				h = mv_hex_value((unsigned char)t[k + 1]);
				l = mv_hex_value((unsigned char)t[k + 2]);
				if (h >= 0 && l >= 0) {
					d->pend[d->pend_len++] = (unsigned char)(h << 4 | l);
					k += 2;
					continue;
				}
			}
			/* RFC 2047 4.2: '_' is always 0x20; a stray '=' stays. */
			d->pend[d->pend_len++] = t[k] == '_' ? ' ' : (unsigned char)t[k];
		}
		return;
	}
	/* Lenient base64: skip what is not in the alphabet; '=' ends a quantum
	 * (so words glued together with their padding still decode). */
	for (k = 0; k < n; k++) {
		if (t[k] == '=') {
			acc = 0;
			bits = 0;
			continue;
		}
		v = mv_base64_value(t[k]);
		if (v < 0)
			continue;
		acc = (acc << 6 | (unsigned long)v) & 0xFFFFFF;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d->pend[d->pend_len++] = (unsigned char)(acc >> bits);
		}
	}
}

static bool same_charset(mv_str a, mv_str b)
{
	const struct charset_desc *da, *db;
	size_t i;

	if (a.len == b.len) {
		for (i = 0; i < a.len && mv_ascii_lower(a.p[i]) == mv_ascii_lower(b.p[i]); i++)
			;
		if (i == a.len)
			return true;
	}
	da = charset_lookup(a);
	db = charset_lookup(b);
	return da != NULL && da == db;
}

static void pend_flush(struct dec *d)
{
	if (!d->have_pend)
		return;
	d->st = merge(d->st, mv_charset_to_utf8(d->pend_cs,
		mv_str_make((const char *)d->pend, d->pend_len), d->out));
	d->pend_len = 0;
	d->have_pend = false;
}

static bool all_wsp(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	}
	return true;
}

/* Plain text between words: unfold, then UTF-8 if valid else windows-1252. */
static void text_emit(struct dec *d, const char *p, size_t n)
{
	size_t j = 0, k, m;

	while (j < n && d->st != MV_CHARSET_TRUNCATED) {
		for (k = j; k < n && p[k] != '\r' && p[k] != '\n'; k++)
			;
		if (k > j)
			d->st = merge(d->st, charset_guess_to_utf8(mv_str_make(p + j, k - j), d->out));
		for (m = k; m < n && (p[m] == '\r' || p[m] == '\n'); m++)
			;
		/* A fold keeps its white space; a bare line break is a control. */
		if (m > k && !(m < n && (p[m] == ' ' || p[m] == '\t')))
			d->st = merge(d->st, charset_append(d->out, " ", 1) < 0 ?
				MV_CHARSET_TRUNCATED : MV_CHARSET_OK);
		j = m;
	}
}

/* Controls (C0 but tab, DEL, C1) become spaces; trim the ends. */
static void tidy(mv_buf *out, size_t start)
{
	unsigned char *p = (unsigned char *)out->p;
	size_t r = start, w = start, len = out->len, s;

	if (p == NULL)
		return;
	while (r < len) {
		if ((p[r] < 0x20 && p[r] != '\t') || p[r] == 0x7F) {
			p[w++] = ' ';
			r++;
		} else if (p[r] == 0xC2 && r + 1 < len && p[r + 1] >= 0x80 && p[r + 1] <= 0x9F) {
			p[w++] = ' ';
			r += 2;
		} else {
			p[w++] = p[r++];
		}
	}
	while (w > start && (p[w - 1] == ' ' || p[w - 1] == '\t'))
		w--;
	for (s = start; s < w && (p[s] == ' ' || p[s] == '\t'); s++)
		;
	if (s > start) {
		memmove(p + start, p + s, w - s);
		w -= s - start;
	}
	out->len = w;
	p[w] = '\0';
}

/* Printable ASCII or tabs, no '=', no line break: see charset.h. */
#ifdef SIMD_SSE2
/* True if the 16 bytes of v are all tabs or printable ASCII but '='. */
static bool plain16(simd_v v)
{
	simd_v ok = simd_or(simd_and_not(simd_in(v, 0x20, 0x7e), simd_eq(v, '=')), simd_eq(v, '\t'));

	return simd_mask(ok) == 0xffff;
}

/* The 8 bytes at a and the 8 at b (they may overlap) as one vector. */
static simd_v load8x2(const char *a, const char *b)
{
	uint64_t lo, hi;

	memcpy(&lo, a, 8);
	memcpy(&hi, b, 8);
	return simd_from64(lo, hi);
}
#endif

bool mv_rfc2047_is_plain(mv_str raw)
{
	const char *p = raw.p;
	size_t n = raw.len;
	size_t i = 0;

#ifdef SIMD_SSE2
	/*
	 * Sixteen bytes a step, the last step overlapping the one before, and
	 * 8 to 15 bytes as two overlapping words: a test of every byte with no
	 * byte loop, whose exit would be mispredicted.
	 */
	if (n >= 16) {
		for (; i + 16 < n; i += 16)
			if (!plain16(simd_load(p + i)))
				return false;
		return plain16(simd_load(p + n - 16));
	}
	if (n >= 8)
		return plain16(load8x2(p, p + n - 8));
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 ? c != '\t' : c > 0x7E || c == '=')
			return false;
	}
	return true;
}

/* A plain value as tidy() would leave it: blanks trimmed at both ends. */
static enum mv_charset_status plain_emit(const char *p, size_t n, mv_buf *out)
{
	size_t start = out->len;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	while (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
		p++;
		n--;
	}
	if (charset_append(out, p, n) < 0) {
		tidy(out, start);	/* what fitted, trimmed as the long road would */
		return MV_CHARSET_TRUNCATED;
	}
	if (out->p != NULL)
		out->p[out->len] = '\0';
	return MV_CHARSET_OK;
}

enum mv_charset_status mv_rfc2047_decode(mv_str raw, mv_buf *out)
{
	const char *p = raw.p, *q;
	size_t n = raw.len, i = 0, tstart = 0, start = out->len;
	bool prev_ew = false;
	struct dec d = { out, NULL, 0, MV_STR_NULL, false, MV_CHARSET_OK };
	struct ew ew;

	if (mv_rfc2047_is_plain(raw))
		return plain_emit(p, n, out);

	while (i + 1 < n && d.st != MV_CHARSET_TRUNCATED) {
		q = memchr(p + i, '=', n - i - 1);
		if (q == NULL)
			break;
		i = (size_t)(q - p);
		if (p[i + 1] != '?' || !ew_parse(p, n, i, &ew)) {
			i++;
			continue;
		}
		if (!(prev_ew && all_wsp(p + tstart, i - tstart))) {
			pend_flush(&d);
			text_emit(&d, p + tstart, i - tstart);
		}
		if (d.have_pend && !same_charset(d.pend_cs, ew.charset))
			pend_flush(&d);
		if (d.pend == NULL) {
			d.pend = mv_arena_alloc(out->arena, n);
			if (d.pend == NULL) {
				out->truncated = 1;
				d.st = MV_CHARSET_TRUNCATED;
				break;
			}
		}
		if (!d.have_pend) {
			d.pend_cs = ew.charset;
			d.have_pend = true;
		}
		ew_decode(&d, &ew);
		i = ew.end;
		tstart = i;
		prev_ew = true;
	}
	if (d.st != MV_CHARSET_TRUNCATED) {
		pend_flush(&d);
		text_emit(&d, p + tstart, n - tstart);
	}
	tidy(out, start);
	return d.st;
}
