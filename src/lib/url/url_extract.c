/*
 * Finding URLs in plain text.  Candidates are found with memchr on ':' (for
 * "scheme://" and "mailto:") and '.' (for "www."), so ordinary prose costs
 * little more than two memchr passes; each candidate looks back at most
 * URL_MAX_SCHEME bytes and forward once, and scanning resumes after the URL,
 * so the whole scan is linear.  A URL ends at white space, a control byte,
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

static bool is_scheme_char(unsigned char c)
{
	return is_alnum(c) || c == '+' || c == '-' || c == '.';
}

static bool ascii_stop(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`';
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

static size_t scan_end(const unsigned char *p, size_t i, size_t len)
{
	while (i < len) {
		unsigned char c = p[i];

		if (c < 0x80 ? ascii_stop(c) : utf8_stop(p + i, len - i))
			break;
		i++;
	}
	return i;
}

/* Drops trailing ".,;:!?" and closers without an opener inside the URL. */
static size_t trim_end(const unsigned char *p, size_t start, size_t end)
{
	long paren = 0, bracket = 0, brace = 0, quote = 0;
	size_t i;

	for (i = start; i < end; i++) {
		switch (p[i]) {
		case '(': paren++; break;
		case ')': paren--; break;
		case '[': bracket++; break;
		case ']': bracket--; break;
		case '{': brace++; break;
		case '}': brace--; break;
		case '\'': quote++; break;
		default: break;
		}
	}
	while (end > start) {
		unsigned char c = p[end - 1];

		if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?')
			;
		else if (c == ')' && paren < 0)
			paren++;
		else if (c == ']' && bracket < 0)
			bracket++;
		else if (c == '}' && brace < 0)
			brace++;
		else if (c == '\'' && quote % 2 != 0)
			quote--;
		else
			break;
		end--;
	}
	return end;
}

/* Finds the URL end; inside "<...>" the '>' delimits it and nothing is trimmed. */
static size_t url_end(const unsigned char *p, size_t start, size_t body, size_t len)
{
	size_t end = scan_end(p, body, len);

	if (start > 0 && p[start - 1] == '<' && end < len && p[end] == '>')
		return end;
	return trim_end(p, start, end);
}

/* "scheme://x" or "mailto:x" around the ':' at c; returns the end, or 0 for none. */
static size_t try_scheme(const unsigned char *p, size_t pos, size_t c, size_t len, size_t *start_r)
{
	size_t s = c, body, end;
	bool mailto;

	while (s > pos && c - s < URL_MAX_SCHEME && is_scheme_char(p[s - 1]))
		s--;
	if (s > pos && is_scheme_char(p[s - 1]))
		return 0;	/* too long for a scheme */
	while (s < c && !is_alpha(p[s]))
		s++;
	if (s == c)
		return 0;
	mailto = c - s == 6 && strncasecmp((const char *)p + s, "mailto", 6) == 0;
	if (c + 2 < len && p[c + 1] == '/' && p[c + 2] == '/')
		body = c + 3;
	else if (mailto)
		body = c + 1;
	else
		return 0;
	end = url_end(p, s, body, len);
	if (end <= body || (mailto && memchr(p + body, '@', end - body) == NULL))
		return 0;
	*start_r = s;
	return end;
}

/* "www." at the '.' at d, not inside a word, an address or a path. */
static size_t try_www(const unsigned char *p, size_t pos, size_t d, size_t len, size_t *start_r)
{
	size_t s, end;
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
	end = url_end(p, s, d + 1, len);
	if (end <= d + 1)
		return 0;
	*start_r = s;
	return end;
}

unsigned mv_url_extract_text(mv_str text, unsigned max_urls, mv_url_found_fn found, void *ctx)
{
	const unsigned char *p = (const unsigned char *)text.p;
	size_t len = text.len, pos = 0, nc = 0, nd = 0;
	bool nc_valid = false, nd_valid = false;
	unsigned count = 0;

	if (max_urls == 0)
		max_urls = MV_DEFAULT_MAX_URLS;
	if (p == NULL)
		return 0;
	while (pos < len && count < max_urls) {
		const unsigned char *q;
		size_t start = 0, end, cand;
		bool at_colon;

		if (!nc_valid || nc < pos) {
			q = memchr(p + pos, ':', len - pos);
			nc = q != NULL ? (size_t)(q - p) : len;
			nc_valid = true;
		}
		if (!nd_valid || nd < pos) {
			q = memchr(p + pos, '.', len - pos);
			nd = q != NULL ? (size_t)(q - p) : len;
			nd_valid = true;
		}
		if (nc >= len && nd >= len)
			break;
		at_colon = nc < nd;
		cand = at_colon ? nc : nd;
		end = at_colon ? try_scheme(p, pos, cand, len, &start) : try_www(p, pos, cand, len, &start);
		if (end == 0) {
			pos = cand + 1;
			continue;
		}
		count++;
		if (found != NULL && found(ctx, mv_str_make(text.p + start, end - start)) != 0)
			break;
		pos = end;
	}
	return count;
}
