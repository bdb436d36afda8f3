/*
 * The DMARC Policy Record (RFC 9989 4.7, grammar in 4.8): "v=DMARC1" first,
 * then tag=value pairs separated by ';'.  A record comes from the sender's
 * DNS, so every byte is untrusted: the parser reads the view once, left to
 * right, allocates nothing and has no limits to hit.  Tags only RFC 7489 had
 * (pct) are read for compatibility; those about reports (ruf, fo, rf, ri) are
 * skipped with the unknown ones, as no report is sent, except that rua is
 * checked for one valid URI because RFC 9989 4.10.1 makes an invalid policy
 * with a valid rua mean p=none.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "auth/dmarc.h"

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static mv_str trim_wsp(mv_str s)
{
	while (s.len != 0 && is_wsp(s.p[0]))
		s.p++, s.len--;
	while (s.len != 0 && is_wsp(s.p[s.len - 1]))
		s.len--;
	return s;
}

static bool word_is(mv_str s, const char *word)
{
	size_t n = strlen(word);

	return s.len == n && strncasecmp(s.p, word, n) == 0;
}

const char *dmarc_policy_name(enum dmarc_policy policy)
{
	switch (policy) {
	case DMARC_POLICY_NONE:
		return "none";
	case DMARC_POLICY_QUARANTINE:
		return "quarantine";
	case DMARC_POLICY_REJECT:
		return "reject";
	default:
		return "";
	}
}

/* dmarc-request = "none" / "quarantine" / "reject" (ABNF strings are case-insensitive). */
static enum dmarc_policy parse_request(mv_str v)
{
	if (word_is(v, "none"))
		return DMARC_POLICY_NONE;
	if (word_is(v, "quarantine"))
		return DMARC_POLICY_QUARANTINE;
	if (word_is(v, "reject"))
		return DMARC_POLICY_REJECT;
	return DMARC_POLICY_INVALID;
}

/* pct = 1*3DIGIT, 0 to 100 (RFC 7489 6.3); false when it is not one. */
static bool parse_pct(mv_str v, unsigned *pct_r)
{
	unsigned n = 0;
	size_t i;

	if (v.len == 0 || v.len > 3)
		return false;
	for (i = 0; i < v.len; i++) {
		if (!is_digit(v.p[i]))
			return false;
		n = n * 10 + (unsigned)(v.p[i] - '0');
	}
	if (n > 100)
		return false;
	*pct_r = n;
	return true;
}

/* A byte RFC 3986 allows in a URI after the scheme (a '%' must start a %XX escape). */
static bool uri_byte(char c)
{
	return is_alpha(c) || is_digit(c) || strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL;
}

/*
 * dmarc-uri: scheme ":" and a non-empty rest (an empty mailto: reaches
 * nobody), with the obsolete "!size" suffix allowed (RFC 9989 4.8).
 */
static bool valid_uri(mv_str u)
{
	size_t i = 0, colon, end = u.len, bang;

	if (u.len == 0 || !is_alpha(u.p[0]))
		return false;
	while (i < u.len && (is_alpha(u.p[i]) || is_digit(u.p[i]) || u.p[i] == '+' || u.p[i] == '-' || u.p[i] == '.'))
		i++;
	if (i == u.len || u.p[i] != ':')
		return false;
	colon = i;
	for (bang = colon + 1; bang < u.len && u.p[bang] != '!'; bang++)
		;
	if (bang < u.len) {
		size_t d = bang + 1;

		while (d < u.len && is_digit(u.p[d]))
			d++;
		if (d == bang + 1 || (d < u.len && (d + 1 != u.len || strchr("kmgt", u.p[d] | 0x20) == NULL)))
			return false;
		end = bang;
	}
	if (end == colon + 1)
		return false;
	for (i = colon + 1; i < end; i++) {
		if (u.p[i] == '\0' || !uri_byte(u.p[i]))
			return false;
		if (u.p[i] == '%' && (i + 2 >= end || mv_hex_value(u.p[i + 1]) < 0 || mv_hex_value(u.p[i + 2]) < 0))
			return false;
	}
	return true;
}

/* dmarc-urilist: URIs separated by commas; true when at least one is valid. */
static bool urilist_has_valid(mv_str v)
{
	while (v.len != 0) {
		const char *comma = memchr(v.p, ',', v.len);
		size_t n = comma != NULL ? (size_t)(comma - v.p) : v.len;

		if (valid_uri(trim_wsp(mv_str_make(v.p, n))))
			return true;
		if (comma == NULL)
			break;
		v.p += n + 1;
		v.len -= n + 1;
	}
	return false;
}

/* dmarc-value = %x20-3A / %x3C-7E: printable ASCII but ';' (which never reaches here). */
static bool printable(mv_str v)
{
	size_t i;

	for (i = 0; i < v.len; i++)
		if ((unsigned char)v.p[i] < 0x20 || (unsigned char)v.p[i] > 0x7e)
			return false;
	return true;
}

enum { SEEN_P = 1u << 0, SEEN_SP = 1u << 1, SEEN_NP = 1u << 2, SEEN_PSD = 1u << 3, SEEN_ADKIM = 1u << 4,
       SEEN_ASPF = 1u << 5, SEEN_T = 1u << 6, SEEN_PCT = 1u << 7, SEEN_RUA = 1u << 8 };

/* Whether `name` is the tag `tag` not seen before (marking it seen). */
static bool first(mv_str name, const char *tag, unsigned bit, unsigned *seen)
{
	if (!word_is(name, tag) || (*seen & bit) != 0)
		return false;
	*seen |= bit;
	return true;
}

/*
 * One dmarc-tag: 1*ALPHA equals 1*dmarc-value.  A tag that does not follow
 * the grammar is a syntax error, ignored outright (RFC 9989 4.8), but a policy
 * tag with an unusable value is kept as INVALID.
 */
static void parse_tag(mv_str tag, struct dmarc_record *rec, unsigned *seen)
{
	mv_str name, v;
	size_t i = 0;
	bool ok;

	while (i < tag.len && is_alpha(tag.p[i]))
		i++;
	name = mv_str_make(tag.p, i);
	while (i < tag.len && is_wsp(tag.p[i]))
		i++;
	if (name.len == 0 || i == tag.len || tag.p[i] != '=')
		return;
	v = trim_wsp(mv_str_make(tag.p + i + 1, tag.len - i - 1));
	ok = v.len != 0 && printable(v);
	if (first(name, "p", SEEN_P, seen))
		rec->p = ok ? parse_request(v) : DMARC_POLICY_INVALID;
	else if (first(name, "sp", SEEN_SP, seen))
		rec->sp = ok ? parse_request(v) : DMARC_POLICY_INVALID;
	else if (first(name, "np", SEEN_NP, seen))
		rec->np = ok ? parse_request(v) : DMARC_POLICY_INVALID;
	else if (!ok)
		return;
	else if (first(name, "psd", SEEN_PSD, seen))
		rec->psd = word_is(v, "y") ? DMARC_PSD_Y : word_is(v, "n") ? DMARC_PSD_N : DMARC_PSD_U;
	else if (first(name, "adkim", SEEN_ADKIM, seen))
		rec->adkim_strict = word_is(v, "s");
	else if (first(name, "aspf", SEEN_ASPF, seen))
		rec->aspf_strict = word_is(v, "s");
	else if (first(name, "t", SEEN_T, seen))
		rec->testing = word_is(v, "y");
	else if (first(name, "pct", SEEN_PCT, seen))
		rec->has_pct = parse_pct(v, &rec->pct);
	else if (first(name, "rua", SEEN_RUA, seen))
		rec->rua_valid = urilist_has_valid(v);
}

/* dmarc-version = "v" equals %s"DMARC1", then a separator or the end; returns the bytes it took, or 0. */
static size_t parse_version(mv_str s)
{
	size_t i = 1;

	if (s.len == 0 || (s.p[0] | 0x20) != 'v')
		return 0;
	while (i < s.len && is_wsp(s.p[i]))
		i++;
	if (i == s.len || s.p[i] != '=')
		return 0;
	i++;
	while (i < s.len && is_wsp(s.p[i]))
		i++;
	if (s.len - i < 6 || memcmp(s.p + i, "DMARC1", 6) != 0)
		return 0;
	i += 6;
	while (i < s.len && is_wsp(s.p[i]))
		i++;
	if (i != s.len && s.p[i] != ';')
		return 0;
	return i;
}

bool dmarc_record_parse(mv_str text, struct dmarc_record *rec_r)
{
	mv_str rest = trim_wsp(text);
	size_t n = parse_version(rest);
	unsigned seen = 0;

	memset(rec_r, 0, sizeof(*rec_r));
	rec_r->pct = 100;
	if (n == 0)
		return false;
	rest.p += n;
	rest.len -= n;
	while (rest.len != 0) {
		const char *semi;
		size_t len;

		/* rest starts at a ';' */
		rest.p++, rest.len--;
		semi = memchr(rest.p, ';', rest.len);
		len = semi != NULL ? (size_t)(semi - rest.p) : rest.len;
		parse_tag(trim_wsp(mv_str_make(rest.p, len)), rec_r, &seen);
		rest.p += len;
		rest.len -= len;
	}
	if (!rec_r->has_pct)
		rec_r->pct = 100;
	return true;
}
