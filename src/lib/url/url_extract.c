/*
 * Finding URLs in plain text.  Candidates are found in one block scan for
 * the ':' of "scheme://" and "mailto:" and the '.' of "www." (url_span.c),
 * so ordinary prose costs little more than one pass; each candidate looks
 * back at most URL_MAX_SCHEME bytes and forward once, and scanning resumes
 * after the URL, so the whole scan is linear.  A URL ends at white space, a control byte,
 * one of <>"` or Unicode space/quote/CJK punctuation; then trailing
 * punctuation and unbalanced closers are dropped.  Lines are never joined.
 */
#include <string.h>

#include "mailvet/limits.h"
#include "url/url_int.h"

static bool is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool is_alnum(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* ASCII bytes that end a URL, one bit each: controls, space, DEL and <>"` */
#define STOP_BIT(c) ((uint64_t)1 << ((c) & 63))
static const uint64_t stop_00_3f = 0x1ffffffffu | STOP_BIT('"') | STOP_BIT('<') | STOP_BIT('>');
static const uint64_t stop_40_7f = STOP_BIT('`') | STOP_BIT(0x7f);

static bool ascii_stop(unsigned char c)
{
	return (((c < 0x40 ? stop_00_3f : stop_40_7f) >> (c & 63)) & 1) != 0;
}

/*
 * RFC 3986 3.1 scheme bytes, ALPHA / DIGIT / "+" / "-" / ".", the same way:
 * the look back over a scheme is one test a byte, not a chain of them.
 */
static const uint64_t scheme_00_3f = 0x03ff000000000000u | STOP_BIT('+') | STOP_BIT('-') | STOP_BIT('.');
static const uint64_t scheme_40_7f = 0x07fffffe07fffffeu;	/* A-Z, a-z */

static bool is_scheme_char(unsigned char c)
{
	return c < 0x80 && (((c < 0x40 ? scheme_00_3f : scheme_40_7f) >> (c & 63)) & 1) != 0;
}

/* Non-ASCII code points that end a URL in running text (spaces, quotes, CJK punctuation). */
static bool utf8_stop(const unsigned char *p, size_t avail)
{
	if (avail >= 2 && p[0] == 0xc2)
		return p[1] == 0xa0 || p[1] == 0xab || p[1] == 0xbb;	/* NBSP « » */
	if (avail < 3)
		return false;
	if (p[0] == 0xe2 && p[1] == 0x80)	/* U+2000..200F spaces, quotes, ellipsis, separators */
		return p[2] <= 0x8f || p[2] == 0x98 || p[2] == 0x99 || p[2] == 0x9c || p[2] == 0x9d ||
			p[2] == 0xa6 || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf;
	if (p[0] == 0xe3 && p[1] == 0x80)	/* ideographic space, 、 。 and CJK brackets */
		return p[2] <= 0x82 || (p[2] >= 0x88 && p[2] <= 0x91);
	if (p[0] == 0xef && p[1] == 0xbc)	/* fullwidth ( ) , : ; ! ? */
		return p[2] == 0x88 || p[2] == 0x89 || p[2] == 0x8c || p[2] == 0x9a ||
			p[2] == 0x9b || p[2] == 0x81 || p[2] == 0x9f;
	return p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf;	/* BOM */
}

/* The scan state: remembered stop and '@' positions keep failed candidates from rescanning. */
struct scan {
	const unsigned char *p;
	size_t len;
	size_t end_from, end_at;	/* no stop byte in [end_from, end_at) and one at end_at */
	size_t next_at;			/* first '@' at or after some earlier position */
};

/*
 * First stop byte in [q, end).  Runs of printable ASCII without <>"` are
 * passed over whole (url_span.c); the byte found may be a non-ASCII one
 * that is no stop, and then the search goes on after it.
 */
static const unsigned char *first_stop(const unsigned char *q, const unsigned char *end)
{
	for (; q < end; q++) {
		q += url_text_plain_length(q, (size_t)(end - q));
		if (q == end)
			break;
		if (*q < 0x80 ? ascii_stop(*q) : utf8_stop(q, (size_t)(end - q)))
			return q;
	}
	return end;
}

/*
 * First stop byte at or after i.  Whether a position stops a URL depends on
 * that position alone, so an earlier answer covers every i inside it.
 */
static size_t scan_end(struct scan *sc, size_t i)
{
	if (i >= sc->end_from && i <= sc->end_at)
		return sc->end_at;
	sc->end_from = i;
	sc->end_at = (size_t)(first_stop(sc->p + i, sc->p + sc->len) - sc->p);
	return sc->end_at;
}

static bool has_at_before(struct scan *sc, size_t from, size_t end)
{
	if (sc->next_at < from || sc->next_at == SIZE_MAX) {
		const unsigned char *q = memchr(sc->p + from, '@', sc->len - from);

		sc->next_at = q != NULL ? (size_t)(q - sc->p) : sc->len;
	}
	return sc->next_at < end;
}

/* Opener minus closer counts of the URL's brackets and its count of quotes. */
struct balance {
	long paren, bracket, brace, quote;
};

static void count_balance(const unsigned char *p, size_t start, size_t end, struct balance *b)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	for (i = start; i < end; i++) {
		switch (p[i]) {
		case '(': b->paren++; break;
		case ')': b->paren--; break;
		case '[': b->bracket++; break;
		case ']': b->bracket--; break;
		case '{': b->brace++; break;
		case '}': b->brace--; break;
		case '\'': b->quote++; break;
		default: break;
		}
	}
}

static bool is_closer(unsigned char c)
{
	return c == ')' || c == ']' || c == '}' || c == '\'';
}

/*
 * Drops trailing ".,;:!?" and closers without an opener inside the URL.  The
 * brackets are counted over the whole candidate, and only when a closer ends
 * it: most URLs end in a letter, a digit or '/'.
 */
static size_t trim_end(const unsigned char *p, size_t start, size_t end)
{
	struct balance b;
	bool counted = false;

	while (end > start) {
		unsigned char c = p[end - 1];

		if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?') {
			end--;
			continue;
		}
		if (!is_closer(c))
			break;
		if (!counted) {
			count_balance(p, start, end, &b);
			counted = true;
		}
		if (c == ')' && b.paren < 0)
			b.paren++;
		else if (c == ']' && b.bracket < 0)
			b.bracket++;
		else if (c == '}' && b.brace < 0)
			b.brace++;
		else if (c == '\'' && b.quote % 2 != 0)
			b.quote--;
		else
			break;
		end--;
	}
	return end;
}

/* Inside "<...>" the '>' delimits the URL and nothing is trimmed. */
static size_t url_end(const unsigned char *p, size_t start, size_t end, size_t len)
{
	if (start > 0 && p[start - 1] == '<' && end < len && p[end] == '>')
		return end;
	return trim_end(p, start, end);
}

/* "mailto" (any case) just before the ':' at c, after pos */
static bool is_mailto_before(const unsigned char *p, size_t pos, size_t c)
{
	static const char mailto[] = "mailto";
	size_t i;

	if (c < pos + 6)
		return false;
	for (i = 0; i < 6; i++) {
		if ((p[c - 6 + i] | 0x20) != mailto[i])
			return false;
	}
	return true;
}

/* "scheme://x" or "mailto:x" around the ':' at c; returns the end, or 0 for none. */
static size_t try_scheme(struct scan *sc, size_t pos, size_t c, size_t *start_r)
{
	const unsigned char *p = sc->p;
	size_t s = c, body, end, len = sc->len;
	bool slashes = c + 2 < len && p[c + 1] == '/' && p[c + 2] == '/', mailto;

	if (!slashes && !is_mailto_before(p, pos, c))
		return 0;	/* neither "scheme://" nor "mailto:": no need to look back */
	while (s > pos && c - s < URL_MAX_SCHEME && is_scheme_char(p[s - 1]))
		s--;
	if (s > pos && is_scheme_char(p[s - 1]))
		return 0;	/* too long for a scheme */
	while (s < c && !is_alpha(p[s]))
		s++;
	if (s == c)
		return 0;
	mailto = c - s == 6 && strncasecmp((const char *)p + s, "mailto", 6) == 0;
	if (slashes)
		body = c + 3;
	else if (mailto)
		body = c + 1;
	else
		return 0;
	end = scan_end(sc, body);
	if (mailto && !has_at_before(sc, body, end))
		return 0;	/* checked before trimming: a failed candidate must cost O(1) */
	end = url_end(p, s, end, len);
	if (end <= body)
		return 0;
	*start_r = s;
	return end;
}

/* "www." at the '.' at d, not inside a word, an address or a path. */
static size_t try_www(struct scan *sc, size_t pos, size_t d, size_t *start_r)
{
	const unsigned char *p = sc->p;
	size_t s, end, len = sc->len;
	unsigned char before;

	if (d < pos + 3 || d + 1 >= len || !is_alnum(p[d + 1]))
		return 0;
	s = d - 3;
	if ((p[s] | 0x20) != 'w' || (p[s + 1] | 0x20) != 'w' || (p[s + 2] | 0x20) != 'w')
		return 0;
	before = s > 0 ? p[s - 1] : ' ';
	if (is_alnum(before) || before == '.' || before == '-' || before == '_' || before == '@' ||
	    before == '/' || before == ':' || before >= 0x80)
		return 0;
	end = url_end(p, s, scan_end(sc, d + 1), len);
	if (end <= d + 1)
		return 0;
	*start_r = s;
	return end;
}

/*
 * pos is where the next URL may start (after the last one reported).  The
 * candidates are the marks of url_span.c, in order: a rejected one never
 * hides a scheme that starts before it ("x-y.z://").
 */
unsigned mv_url_extract_text(mv_str text, unsigned max_urls, mv_url_found_fn found, void *ctx)
{
	const unsigned char *p = (const unsigned char *)text.p;
	size_t len = text.len, pos = 0, mark;
	unsigned count = 0;
	struct scan sc = { p, len, 1, 0, SIZE_MAX };

	if (max_urls == 0)
		max_urls = MV_DEFAULT_MAX_URLS;
	if (p == NULL)
		return 0;
	for (mark = url_text_next_mark(p, len, 0); count < max_urls && mark < len;) {
		size_t start = 0, end;

		if (p[mark] == ':')
			end = try_scheme(&sc, pos, mark, &start);
		else
			end = try_www(&sc, pos, mark, &start);
		if (end == 0) {
			mark = url_text_next_mark(p, len, mark + 1);
			continue;
		}
		count++;
		if (found != NULL && found(ctx, mv_str_make(text.p + start, end - start)) != 0)
			break;
		pos = end;
		mark = url_text_next_mark(p, len, pos);
	}
	return count;
}
