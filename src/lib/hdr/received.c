/*
 * Received trace fields (RFC 5321 4.4) as the common MTAs really write them.
 * The value is read as words, comments and ';'.  The date follows the last
 * ';' outside comments (some MTAs put a ';' earlier).  Clauses are keyword +
 * value: from, by, via, with (several words: "Microsoft SMTP Server"), id,
 * for, and Exim's tls.  The comments after the from value carry the peer:
 * "(rdns [ip])" (Postfix, Sendmail, Gmail), "([ip] helo=name)" (Exim),
 * "(HELO name) (ip)" (qmail), "(ip)" (Exchange).  Every comment is also
 * checked for TLS, authentication and local-submission notes.  All strings
 * are views into the input; at most RCVD_MAX_TOKENS words are looked at.
 * The value is read once: only at a ';' does a light scan look ahead for a
 * later one.  The common shape (clauses from, by, with, id, for in that
 * order) is read clause by clause first; any other field is read token by
 * token from the start.
 */
#include <arpa/inet.h>
#include <stdint.h>

#include "mailvet/hdr.h"

#include "hdr/date_int.h"
#include "hdr/hdr_lex.h"
#include "hdr/received_int.h"

#define RCVD_MAX_TOKENS 256

enum rt_kind { RT_END = 0, RT_WORD, RT_COMMENT, RT_SEMI };

struct rtok {
	enum rt_kind kind;
	mv_str text;	/* a comment's inner text */
};

struct rcursor {
	const char *p;
	const char *end;
	bool bad;
};

/*
 * ASCII case-insensitive comparisons with a lower-case literal.  The bytes
 * are compared without a branch each: where a word stops matching is
 * anyone's guess, and the literals are short.
 */
static inline bool word_starts(mv_str w, const char *lower)
{
	size_t i, n = strlen(lower);
	unsigned diff = 0;

	if (w.len < n)
		return false;
	for (i = 0; i < n; i++)
		diff |= (unsigned)(unsigned char)mv_ascii_lower(w.p[i]) ^ (unsigned char)lower[i];
	return diff == 0;
}

static inline bool word_is(mv_str w, const char *lower)
{
	return w.len == strlen(lower) && word_starts(w, lower);
}

/* The byte that closes a quoted span inside a Received word, by its opening byte; 0 for any other. */
static const char quote_close[256] = { ['['] = ']', ['<'] = '>', ['"'] = '"' };

/*
 * p is at the opening byte of a quoted span ("[192.0.2.1]", "<a@b.example>").
 * Most spans hold no backslash: their closing byte is the first of the two
 * (looked for 16 bytes at a time).  The others take the general
 * hdr_skip_quoted().
 */
static inline const char *skip_quoted(const char *p, const char *end, char close, bool *bad)
{
#ifdef SIMD_SSE2
	const char *q;

	for (q = p + 1; end - q >= 16; q += 16) {
		const simd_v v = simd_load(q);
		unsigned m = simd_mask(simd_or(simd_eq(v, (unsigned char)close), simd_eq(v, '\\')));

		if (m != 0) {
			if (q[__builtin_ctz(m)] == close)
				return q + __builtin_ctz(m) + 1;
			break;
		}
	}
#endif
	return hdr_skip_quoted(p, end, close, bad);
}

/* A word runs to white space, '(' or ';'; "[...]", "<...>" and quoted strings inside it hide those. */
static inline const char *skip_word(struct rcursor *c, const char *p)
{
	char close;

	while ((p = hdr_find_class(p, c->end, HDR_C_WSP | HDR_C_RCVD_STOP)) < c->end &&
	       (close = quote_close[(unsigned char)*p]) != 0)
		p = skip_quoted(p, c->end, close, &c->bad);
	return p;
}

/*
 * p is at '('.  Most comments are flat: their ')' comes before any other '('
 * or '\\'.  Only the others take the general hdr_skip_comment().
 */
static inline const char *skip_comment(const struct rcursor *c, const char *p, bool *bad)
{
	const char *q = hdr_find_class(p + 1, c->end, HDR_C_NESTING);

	if (q < c->end && *q == ')')
		return q + 1;
	return hdr_skip_comment(p, c->end, bad);
}

/* 1 for a byte that ends a Received word or opens a quoted span in it. */
static inline unsigned word_stop(char c)
{
	return (hdr_ctype[(unsigned char)c] & (HDR_C_WSP | HDR_C_RCVD_STOP)) != 0;
}

/*
 * The end of a word of at most 4 bytes at s (a keyword but for
 * "envelope-from"), or NULL for a longer one or one with a quoted span.
 * The four bytes after the first are classified together, so the length of
 * the word (2 to 4, unpredictable) costs no branch.
 */
static inline const char *short_word_end(const char *s, const char *end)
{
	const char *p;
	unsigned stops;

	if (quote_close[(unsigned char)*s] != 0)
		return NULL;
	if (end - s < 5) {
		for (p = s + 1; p < end && !word_stop(*p); p++)
			continue;
		return p == end || quote_close[(unsigned char)*p] == 0 ? p : NULL;
	}
	stops = word_stop(s[1]) | word_stop(s[2]) << 1 | word_stop(s[3]) << 2 | word_stop(s[4]) << 3;
	if (stops == 0)
		return NULL;
	p = s + 1 + __builtin_ctz(stops);
	return quote_close[(unsigned char)*p] == 0 ? p : NULL;
}

/*
 * The first byte in [p, end) that is not white space, or end.  The runs
 * between words are one space, or a fold ("\r\n\t"), or an indent: a
 * byte-at-a-time loop mispredicts on each change of length, a 16-byte mask
 * does not.
 */
static inline const char *skip_wsp(const char *p, const char *end)
{
#ifdef SIMD_SSE2
	for (; end - p >= 16; p += 16) {
		unsigned m = ~hdr_class_mask16(p, HDR_C_WSP) & 0xffffu;

		if (m != 0)
			return p + __builtin_ctz(m);
	}
#endif
	while (p < end && hdr_is(*p, HDR_C_WSP))
		p++;
	return p;
}

/* The next token; keyword_expected when a clause keyword most likely comes next. */
static void rt_next(struct rcursor *c, struct rtok *t, bool keyword_expected)
{
	const char *s = c->p;

	s = skip_wsp(s, c->end);
	if (s >= c->end) {
		c->p = s;
		t->kind = RT_END;
		t->text = mv_str_make(s, 0);
		return;
	}
	if (*s == ';') {
		c->p = s + 1;
		t->kind = RT_SEMI;
		t->text = mv_str_make(s, 1);
	} else if (*s == '(') {
		bool bad = false;

		c->p = skip_comment(c, s, &bad);
		t->kind = RT_COMMENT;
		t->text = mv_str_make(s + 1, (size_t)(c->p - s) - (bad ? 1 : 2));
		if (bad)
			c->bad = true;
	} else {
		const char *e = keyword_expected ? short_word_end(s, c->end) : NULL;

		c->p = e != NULL ? e : skip_word(c, s);
		t->kind = RT_WORD;
		t->text = mv_str_make(s, (size_t)(c->p - s));
	}
}

/*
 * The next ';' outside comments and quoted spans, or NULL; the same ';'
 * tokens rt_next() would find, without making tokens.
 */
static const char *next_semi(const struct rcursor *c, const char *p, bool *bad)
{
	while ((p = hdr_find_class(p, c->end, HDR_C_RCVD_STOP)) < c->end) {
		if (*p == ';')
			return p;
		else if (*p == '(')
			p = skip_comment(c, p, bad);
		else
			p = skip_quoted(p, c->end, quote_close[(unsigned char)*p], bad);
	}
	return NULL;
}

/* After a ';': true when no other ';' follows, so the date starts here. */
static bool semi_starts_date(struct rcursor *c)
{
	bool bad = false;

	if (next_semi(c, c->p, &bad) != NULL)
		return false;
	c->bad |= bad;	/* an unclosed comment or quote in the date */
	return true;
}

/* The text from p to end without the white space mv_str_trim() drops around it. */
static inline mv_str trimmed(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	return mv_str_make(p, (size_t)(end - p));
}

/*
 * After a ';': true when the rest is a date of the common shape followed by
 * nothing but white space and flat comments ("... -0700 (PDT)"), so no ';'
 * follows and nothing is left open; the date is then set.  The date's own
 * bytes hold none of the bytes next_semi() stops at, so only the few after
 * it are looked at.  False: the common reader declines the field.
 */
static bool plain_date_follows(const struct rcursor *c, struct mv_received *out)
{
	mv_str text = trimmed(c->p, c->end);
	const char *p, *end = text.p + text.len;
	int64_t date;
	int zone;

	if (hdr_date_parse_common_stop(text, &date, &zone, &p) != 0)
		return false;
	for (;;) {
		while (p < end && hdr_is(*p, HDR_C_WSP))
			p++;
		if (p == end)
			break;
		if (*p != '(')
			return false;
		p = hdr_find_class(p + 1, end, HDR_C_NESTING);
		if (p == end || *p != ')')
			return false;
		p++;
	}
	out->date_raw = text;
	out->date = date;
	return true;
}

/* Past the word limit: the date still follows the last ';'. */
static const char *last_semi_end(struct rcursor *c)
{
	const char *semi, *date_at = NULL;

	for (semi = next_semi(c, c->p, &c->bad); semi != NULL; semi = next_semi(c, semi + 1, &c->bad))
		date_at = semi + 1;
	return date_at;
}

static bool is_ip(mv_str s)
{
	char tmp[64];
	unsigned char addr[16];
	size_t i;

	if (s.len == 0 || s.len >= sizeof(tmp))
		return false;
	/* inet_pton() takes only hex digits, ':' and '.'; most words fail here, cheaply. */
	for (i = 0; i < s.len; i++) {
		if (!hdr_is(s.p[i], HDR_C_DIGIT) && !(s.p[i] >= 'a' && s.p[i] <= 'f') &&
		    !(s.p[i] >= 'A' && s.p[i] <= 'F') && s.p[i] != ':' && s.p[i] != '.')
			return false;
	}
	memcpy(tmp, s.p, s.len);
	tmp[s.len] = '\0';
	return inet_pton(AF_INET, tmp, addr) == 1 || inet_pton(AF_INET6, tmp, addr) == 1;
}

/*
 * "[IPv6:2001:db8::1]:port" -> "2001:db8::1".  The bytes up to readable_end
 * may be read: a literal of up to 16 bytes (any IPv4 one) is then looked at
 * in one 16-byte block instead of a memchr() for each of ']', ':' and '.'.
 */
static mv_str literal_ip(mv_str w, const char *readable_end)
{
	const char *close, *colon;
	mv_str s;

#ifdef SIMD_SSE2
	if (w.len <= 16 && readable_end - w.p >= 16) {
		unsigned in_word = (unsigned)((1ul << w.len) - 1), closes, colons;
		size_t end;

		closes = simd_eq_mask(w.p, ']') & in_word;
		end = closes != 0 ? (size_t)__builtin_ctz(closes) : w.len;
		s = mv_str_make(w.p + 1, end - 1);
		if (s.len != 0 && (s.p[0] | 0x20) == 'i' && word_starts(s, "ipv6:")) {
			s.p += 5;
			s.len -= 5;
			return s;
		}
		/* "[192.0.2.1:25]": an IPv4 address with a port */
		colons = simd_eq_mask(w.p, ':') & (unsigned)((1ul << end) - 1);
		if (colons != 0 && (colons & (colons - 1)) == 0 &&
		    (simd_eq_mask(w.p, '.') & (colons - 1)) != 0)
			s.len = (size_t)__builtin_ctz(colons) - 1;
		return s;
	}
#else
	(void)readable_end;
#endif
	close = memchr(w.p, ']', w.len);
	s = mv_str_make(w.p + 1, close != NULL ? (size_t)(close - w.p - 1) : w.len - 1);
	if (s.len != 0 && (s.p[0] | 0x20) == 'i' && word_starts(s, "ipv6:")) {
		s.p += 5;
		s.len -= 5;
	} else {
		/* "[192.0.2.1:25]": an IPv4 address with a port */
		colon = memchr(s.p, ':', s.len);
		if (colon != NULL && memchr(s.p, '.', (size_t)(colon - s.p)) != NULL &&
		    memchr(colon + 1, ':', s.len - (size_t)(colon + 1 - s.p)) == NULL)
			s.len = (size_t)(colon - s.p);
	}
	return s;
}

static mv_str strip_dot(mv_str s)
{
	if (s.len > 1 && s.p[s.len - 1] == '.')
		s.len--;
	return s;
}

struct peer {
	mv_str rdns, ip, helo;
	bool has_helo;	/* Exim "helo=" or qmail "HELO": the from value is the rDNS name */
	bool exim;	/* an "(Exim x.y)" comment: "from name ([ip])" names the rDNS */
};

/*
 * The first byte in [p, end) in the classes cls (those hdr_class_mask16()
 * knows), or end.  The bytes up to readable_end (the header's end) may be
 * read, so a short view still takes the 16-byte road.
 */
static inline const char *find_class_within(const char *p, const char *end, const char *readable_end,
					    unsigned cls)
{
#ifdef SIMD_SSE2
	while (p < end && readable_end - p >= 16) {
		unsigned m = hdr_class_mask16(p, cls);

		if (m != 0)
			return p + __builtin_ctz(m) < end ? p + __builtin_ctz(m) : end;
		p += 16;
	}
	if (p > end)
		return end;
#else
	(void)readable_end;
#endif
	while (p < end && !hdr_is(*p, cls))
		p++;
	return p;
}

/* Splits a comment into words at white space, parentheses and quotes. */
static bool comment_word(const char **pp, const char *end, const char *readable_end, mv_str *w)
{
	const char *p = *pp, *s;

	while (p < end && hdr_is(*p, HDR_C_WSP | HDR_C_NOTE_SEP))
		p++;
	*pp = p;
	if (p >= end)
		return false;
	s = p;
	p = find_class_within(p + 1, end, readable_end, HDR_C_WSP | HDR_C_NOTE_SEP);
	*w = mv_str_make(s, (size_t)(p - s));
	*pp = p;
	return true;
}

static void peer_comment(struct peer *pr, mv_str inner, const char *readable_end)
{
	const char *p = inner.p, *end = inner.p + inner.len;
	mv_str w, prev = MV_STR_NULL;
	bool want_helo = false;
	unsigned n = 0;

	while (n++ < RCVD_MAX_TOKENS && comment_word(&p, end, readable_end, &w)) {
		if (want_helo) {
			pr->helo = w;
			pr->has_helo = true;
			want_helo = false;
		} else if (w.p[0] == '[') {
			if (pr->ip.len == 0)
				pr->ip = literal_ip(w, readable_end);
			if (prev.len != 0 && pr->rdns.len == 0 && memchr(prev.p, '=', prev.len) == NULL &&
			    prev.p[0] != '[')
				pr->rdns = strip_dot(prev);
		} else if ((w.p[0] | 0x20) == 'h' && word_starts(w, "helo=")) {
			pr->helo = mv_str_make(w.p + 5, w.len - 5);
			pr->has_helo = true;
		} else if (w.len == 4 && (word_is(w, "helo") || word_is(w, "ehlo"))) {
			want_helo = true;
		} else if (pr->ip.len == 0 && is_ip(w)) {
			pr->ip = w;
		} else if (pr->ip.len == 0 && memchr(w.p, '@', w.len) != NULL) {
			/* qmail "(user@1.2.3.4)" */
			const char *at = memchr(w.p, '@', w.len);
			mv_str host = mv_str_make(at + 1, w.len - (size_t)(at + 1 - w.p));

			if (is_ip(host))
				pr->ip = host;
		}
		prev = w;
	}
}

#define NOTE_MIN_LEN 7	/* "cipher=", the shortest note */

/* The first letters of the notes comment_notes() looks for; a NUL ends the search. */
enum { NOTE_END = 1, NOTE_U, NOTE_V, NOTE_C, NOTE_W, NOTE_N, NOTE_A, NOTE_F, NOTE_I };
static const unsigned char note_start[256] = {
	['\0'] = NOTE_END,
	['u'] = NOTE_U, ['U'] = NOTE_U, ['v'] = NOTE_V, ['V'] = NOTE_V,
	['c'] = NOTE_C, ['C'] = NOTE_C, ['w'] = NOTE_W, ['W'] = NOTE_W,
	['n'] = NOTE_N, ['N'] = NOTE_N, ['a'] = NOTE_A, ['A'] = NOTE_A,
	['f'] = NOTE_F, ['F'] = NOTE_F, ['i'] = NOTE_I, ['I'] = NOTE_I,
};

/*
 * The four bytes at p with bit 0x20 set: lower case for letters, unchanged
 * for ' ' and '=', so equal for any text that starts with a given note.
 */
static inline uint32_t lower4(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v | 0x20202020u;
}

/*
 * The 2 to 4 bytes at p as one number (the first two and the last two, which
 * overlap for fewer than 4), with bit 0x20 set in each byte: for a word of
 * that length, equal to the same of an all-letter keyword exactly when the
 * word spells it in any case.
 */
static inline uint32_t fold_short(const char *p, size_t n)
{
	uint16_t head, tail;

	memcpy(&head, p, sizeof(head));
	memcpy(&tail, p + n - 2, sizeof(tail));
	return ((uint32_t)head | (uint32_t)tail << 16) | 0x20202020u;
}

/* True when the n bytes at p start with the lower-case note, ignoring ASCII case. */
static inline bool note_at(const char *p, size_t n, const char *note)
{
	/* Most candidates differ in the first four bytes: compare those at once. */
	return n >= NOTE_MIN_LEN && lower4(p) == lower4(note) && word_starts(mv_str_make(p, n), note);
}

struct notes {
	unsigned flags;
	bool auth, not_auth;
};

/* Looks for a note at p (left bytes of comment from there); false at a NUL, which ends the search. */
static bool note_check(const char *p, size_t left, struct notes *nt)
{
	switch (note_start[(unsigned char)*p]) {
	case NOTE_END:
		return false;	/* the notes used to be searched with strstr(), which stops at a NUL */
	case NOTE_U:
		if (note_at(p, left, "using tls") || note_at(p, left, "using ssl"))
			nt->flags |= MV_RCVD_TLS;
		break;
	case NOTE_V:
		if (note_at(p, left, "version=tls") || note_at(p, left, "version=ssl"))
			nt->flags |= MV_RCVD_TLS;
		break;
	case NOTE_C:
		if (note_at(p, left, "cipher="))
			nt->flags |= MV_RCVD_TLS;
		break;
	case NOTE_W:
		if (note_at(p, left, "with cipher"))
			nt->flags |= MV_RCVD_TLS;
		break;
	case NOTE_N:
		if (note_at(p, left, "no client certificate"))
			nt->flags |= MV_RCVD_TLS;
		else if (note_at(p, left, "not authenticated"))
			nt->not_auth = true;
		break;
	case NOTE_A:
		if (note_at(p, left, "authenticated"))
			nt->auth = true;
		break;
	case NOTE_F:
		if (note_at(p, left, "from userid"))
			nt->flags |= MV_RCVD_LOCAL;
		break;
	case NOTE_I:
		if (note_at(p, left, "invoked by uid") || note_at(p, left, "invoked by alias"))
			nt->flags |= MV_RCVD_LOCAL;
		break;
	default:
		break;
	}
	return true;
}

#ifdef SIMD_SSE2
static inline simd_v pair_at(simd_v a, simd_v b, unsigned char first, unsigned char second)
{
	return simd_and(simd_eq(a, first), simd_eq(b, second));
}

/*
 * A bit for each of the 16 positions at p where a note may start: a NUL, or
 * the first two letters of a note in any case.  Most letters that start a
 * note ('a', 'i', 'n', 'c') are common; pairs of them are not.  Reads p[0..16].
 */
static inline unsigned note_candidates16(const char *p)
{
	const simd_v raw = simd_load(p);
	const simd_v a = simd_or(raw, simd_splat(0x20)), b = simd_or(simd_load(p + 1), simd_splat(0x20));
	simd_v hit = simd_eq(raw, 0);

	hit = simd_or(hit, pair_at(a, b, 'u', 's'));	/* using */
	hit = simd_or(hit, pair_at(a, b, 'v', 'e'));	/* version= */
	hit = simd_or(hit, pair_at(a, b, 'c', 'i'));	/* cipher= */
	hit = simd_or(hit, pair_at(a, b, 'w', 'i'));	/* with cipher */
	hit = simd_or(hit, pair_at(a, b, 'n', 'o'));	/* no client, not authenticated */
	hit = simd_or(hit, pair_at(a, b, 'a', 'u'));	/* authenticated */
	hit = simd_or(hit, pair_at(a, b, 'f', 'r'));	/* from userid */
	hit = simd_or(hit, pair_at(a, b, 'i', 'n'));	/* invoked by */
	return simd_mask(hit);
}
#endif

/*
 * Notes anywhere in a comment, as substrings in any case: TLS,
 * authentication, local submission.  The bytes up to readable_end (the
 * header's end) may be read, so whole 16-byte blocks can be classified.
 */
static unsigned comment_notes(mv_str c, const char *readable_end)
{
	size_t n = c.len, i = 0, last;	/* the whole comment: the scan is linear */
	struct notes nt = { 0, false, false };

	if (n < NOTE_MIN_LEN)
		return 0;
	last = n - NOTE_MIN_LEN;	/* the last position a note can start at */
#ifdef SIMD_SSE2
	for (; i <= last && readable_end - (c.p + i) > 16; i += 16) {
		/* Only the positions up to last; a select, not a branch, on the last block. */
		size_t span = last - i < 15 ? last - i : 15;
		unsigned m = note_candidates16(c.p + i) & ((2u << span) - 1);

		for (; m != 0; m &= m - 1) {
			size_t k = i + (size_t)__builtin_ctz(m);

			if (!note_check(c.p + k, n - k, &nt)) {
				i = n;	/* past the last position: the search ends */
				break;
			}
		}
	}
#else
	(void)readable_end;
#endif
	for (; i <= last; i++) {
		/* Most bytes start no note: pass them in a tight loop. */
		while (i < last && note_start[(unsigned char)c.p[i]] == 0)
			i++;
		if (!note_check(c.p + i, n - i, &nt))
			break;
	}
	if (nt.auth && !nt.not_auth)
		nt.flags |= MV_RCVD_AUTH;
	return nt.flags;
}

/*
 * Notes in any comment: TLS, authentication, local submission.  The
 * prefixes ("tls", "local", a leading "from ") are told apart by one look
 * at the first four bytes, not by a branch on the first letter, which
 * varies from comment to comment.
 */
static unsigned comment_flags(mv_str c, const char *readable_end, bool before_clauses)
{
	unsigned f = comment_notes(c, readable_end);
	uint32_t head;

	if (c.len < 3)
		return f;
	if (fold_short(c.p, 3) == fold_short("tls", 3))
		f |= MV_RCVD_TLS;
	if (c.len < 5)
		return f;
	head = lower4(c.p);
	if (c.len == 5 && head == lower4("loca") && (c.p[4] | 0x20) == 'l')
		f |= MV_RCVD_LOCAL;
	if (before_clauses && head == lower4("from") && c.p[4] == ' ')
		f |= MV_RCVD_LOCAL;
	return f;
}

/*
 * RFC 3848 protocol names: [UTF8](E)SMTP|LMTP + S (TLS) and/or A (auth);
 * HTTPS; local.  The names are told apart by their first four bytes, read
 * at once (a word of 4 to 11 bytes), not by tests on the first letter.
 */
static unsigned with_flags(mv_str w)
{
	uint32_t head;
	size_t n;

	if (w.len < 4 || w.len > 11)
		return 0;	/* shorter than "smtp", longer than "utf8esmtpsa" */
	head = lower4(w.p);
	if (w.len == 5 && head == lower4("http") && (w.p[4] | 0x20) == 's')
		return MV_RCVD_TLS;
	if (w.len == 5 && head == lower4("loca") && (w.p[4] | 0x20) == 'l')
		return MV_RCVD_LOCAL;
	if (head == lower4("utf8")) {
		if (w.len < 8)
			return 0;
		w.p += 4;
		w.len -= 4;
		head = lower4(w.p);
	}
	if (head == lower4("esmt") && w.len >= 5 && (w.p[4] | 0x20) == 'p')
		n = 5;
	else if (head == lower4("smtp") || head == lower4("lmtp"))
		n = 4;
	else
		return 0;
	/* The suffix: "s" TLS, "a" authenticated, "sa" both. */
	if (w.len == n + 1 && (w.p[n] | 0x20) == 's')
		return MV_RCVD_TLS;
	if (w.len == n + 1 && (w.p[n] | 0x20) == 'a')
		return MV_RCVD_AUTH;
	if (w.len == n + 2 && (w.p[n] | 0x20) == 's' && (w.p[n + 1] | 0x20) == 'a')
		return MV_RCVD_TLS | MV_RCVD_AUTH;
	return 0;
}

enum clause { CL_NONE, CL_FROM, CL_BY, CL_VIA, CL_WITH, CL_ID, CL_FOR, CL_TLS, CL_OVER, CL_ENVFROM, CL_COUNT };

/* The clauses whose value does more than fill a slot. */
#define RARE_CLAUSES (1u << CL_VIA | 1u << CL_TLS | 1u << CL_OVER)

/* "over" (Exchange "over TLS secured channel") and "envelope-from" (Haraka) are not RFC 5321. */
struct keyword {
	char word[14];
	unsigned char len;
	unsigned char clause;	/* enum clause */
};

/* Keywords by (first letter + length) mod 32, which tells the nine apart: one guess, one check. */
#define KW_SLOT(first, len) ((((first) | 0x20) + (len)) & 31)
static const struct keyword keywords[32] = {
	[KW_SLOT('b', 2)] = { "by", 2, CL_BY },
	[KW_SLOT('i', 2)] = { "id", 2, CL_ID },
	[KW_SLOT('f', 3)] = { "for", 3, CL_FOR },
	[KW_SLOT('v', 3)] = { "via", 3, CL_VIA },
	[KW_SLOT('t', 3)] = { "tls", 3, CL_TLS },
	[KW_SLOT('f', 4)] = { "from", 4, CL_FROM },
	[KW_SLOT('w', 4)] = { "with", 4, CL_WITH },
	[KW_SLOT('o', 4)] = { "over", 4, CL_OVER },
	[KW_SLOT('e', 13)] = { "envelope-from", 13, CL_ENVFROM },
};

static inline enum clause keyword(mv_str w)
{
	const struct keyword *k;

	/* Most words (host names, ids) are longer than any keyword. */
	if (w.len < 2 || w.len > 13)
		return CL_NONE;
	k = &keywords[KW_SLOT((unsigned char)w.p[0], w.len)];
	if (k->len != w.len)
		return CL_NONE;
	if (w.len <= 4)
		return fold_short(w.p, w.len) == fold_short(k->word, w.len) ? (enum clause)k->clause : CL_NONE;
	return word_is(w, k->word) ? (enum clause)k->clause : CL_NONE;
}

/* Fills from/helo/ip from the from value and what its comments said. */
static void set_peer(struct mv_received *out, mv_str value, const struct peer *pr, bool plain_literal)
{
	bool lit = value.len != 0 && value.p[0] == '[';

	out->ip = pr->ip;
	if (pr->has_helo) {
		/* Exim "rdns ([ip] helo=x)", "[ip] (helo=x)"; qmail "rdns (HELO x) (ip)" */
		out->helo = pr->helo;
		if (lit) {
			if (out->ip.len == 0)
				out->ip = literal_ip(value, value.p + value.len);
		} else {
			out->from = strip_dot(value);
		}
	} else if (plain_literal || (pr->exim && !lit)) {
		/*
		 * Exim "from name [ip]" or "from name ([ip])": the HELO name
		 * matched the rDNS name; "from user by": a local sender.
		 */
		out->from = strip_dot(value);
		if (out->ip.len != 0)
			out->helo = out->from;
	} else {
		/* Postfix, Sendmail, Gmail: "helo (rdns [ip])"; Exchange "name (ip)" */
		out->helo = strip_dot(value);
		out->from = pr->rdns;
		if (out->ip.len == 0 && lit)
			out->ip = literal_ip(value, value.p + value.len);
		else if (out->ip.len == 0 && is_ip(value))
			out->ip = value;
	}
}

/* What the clauses said, kept until the fields are filled. */
struct rstate {
	mv_str value[CL_COUNT];	/* the first value of each clause */
	struct peer pr;
	const char *with_end;	/* the end of a "with" name of several words */
	bool plain_literal;	/* "from name [ip]" */
};

/* Fills by, with, id and for from the first value of each clause. */
static void set_values(struct mv_received *out, const mv_str *value, const char *with_end)
{
	if (value[CL_BY].p != NULL)
		out->by = strip_dot(value[CL_BY]);
	if (value[CL_WITH].p != NULL) {
		/* The protocol is the first word; a name of several runs to with_end. */
		out->with = value[CL_WITH];
		out->flags |= with_flags(out->with);
		if (with_end != NULL)
			out->with.len = (size_t)(with_end - out->with.p);
	}
	out->id = value[CL_ID];
	out->for_ = value[CL_FOR];
	if (out->for_.len >= 2 && out->for_.p[0] == '<' && out->for_.p[out->for_.len - 1] == '>')
		out->for_ = mv_str_make(out->for_.p + 1, out->for_.len - 2);
}

/* Fills the fields from the clauses' values and the peer. */
static void set_fields(struct mv_received *out, const struct rstate *st)
{
	set_values(out, st->value, st->with_end);
	if (st->value[CL_FROM].p != NULL)
		set_peer(out, st->value[CL_FROM], &st->pr, st->plain_literal);
	if (out->ip.len != 0 && memchr(out->ip.p, ':', out->ip.len) != NULL)
		out->flags |= MV_RCVD_IPV6;
}

/* A comment's flags, its peer when it follows the from value, and the Exim mark. */
static inline void read_comment(struct rstate *st, struct mv_received *out, mv_str text,
				const char *readable_end, bool before_clauses, bool in_from)
{
	out->flags |= comment_flags(text, readable_end, before_clauses);
	if (in_from)
		peer_comment(&st->pr, text, readable_end);
	if (text.len != 0 && (text.p[0] | 0x20) == 'e' && word_starts(text, "exim "))
		st->pr.exim = true;
}

/*
 * The comments from p (at a '(') on, as the general parser reads them; the
 * position after them, or NULL for an unclosed one or too many tokens.
 */
__attribute__((always_inline))
static inline const char *common_comments(struct rcursor *c, const char *p, struct rstate *st,
					  struct mv_received *out, bool before_clauses, bool in_from, unsigned *n)
{
	do {
		bool bad = false;
		const char *e = skip_comment(c, p, &bad);

		if (bad || ++*n >= RCVD_MAX_TOKENS)
			return NULL;
		read_comment(st, out, mv_str_make(p + 1, (size_t)(e - p) - 2), c->end, before_clauses, in_from);
		p = skip_wsp(e, c->end);
	} while (p < c->end && *p == '(');
	return p;
}

/* True when the keyword kw, as MTAs write it (lower case, then white space), is at p. */
static inline bool at_keyword(const struct rcursor *c, const char *p, const char *kw)
{
	size_t kwlen = strlen(kw);

	return (size_t)(c->end - p) > kwlen && memcmp(p, kw, kwlen) == 0 && hdr_is(p[kwlen], HDR_C_WSP);
}

/*
 * The clause cl at p in the common shape: its keyword as MTAs write it
 * (lower case, then white space), one value word, and the comments after;
 * "from name [ip]" and "with Microsoft SMTPSVC" have their extra words.
 * Returns the position after them, p itself when the clause is not there,
 * or NULL for what the general parser must read (a missing value).
 * Inlined for each clause, so each of its tests has a branch of its own,
 * whose answer is nearly always the same for that clause.
 */
__attribute__((always_inline))
static inline const char *common_clause(struct rcursor *c, const char *p, const char *kw, enum clause cl,
					struct rstate *st, struct mv_received *out, unsigned *n)
{
	size_t kwlen = strlen(kw);
	const char *e;

	if (!at_keyword(c, p, kw))
		return p;
	p = skip_wsp(p + kwlen, c->end);
	if (p >= c->end || *p == '(' || *p == ';')
		return NULL;
	e = skip_word(c, p);
	st->value[cl] = mv_str_make(p, (size_t)(e - p));
	*n += 2;
	p = skip_wsp(e, c->end);
	if (cl == CL_FROM && p < c->end && *p == '[') {
		/* Exim "from name [ip]" */
		e = skip_word(c, p);
		st->pr.ip = literal_ip(mv_str_make(p, (size_t)(e - p)), c->end);
		st->plain_literal = true;
		(*n)++;
		p = skip_wsp(e, c->end);
	}
	if (cl == CL_WITH) {
		/*
		 * "with Microsoft SMTPSVC": the name runs to the next keyword,
		 * comment or ';'.  The next keyword is nearly always id or for,
		 * told without keyword().
		 */
		while (p < c->end && *p != '(' && *p != ';' && !at_keyword(c, p, "id") && !at_keyword(c, p, "for")) {
			e = short_word_end(p, c->end);
			if (e == NULL)
				e = skip_word(c, p);
			if (keyword(mv_str_make(p, (size_t)(e - p))) != CL_NONE)
				break;
			st->with_end = e;
			(*n)++;
			p = skip_wsp(e, c->end);
		}
	}
	if (p < c->end && *p == '(')
		p = common_comments(c, p, st, out, false, cl == CL_FROM, n);
	return p;
}

/*
 * The shape nearly every MTA writes: comments, then the clauses from, by,
 * with, id and for in this order, each optional, then ';' and a date the
 * common reader takes.  Read clause by clause in that order, not token by
 * token: whether a comment or a clause comes next is then asked at a
 * different place for each clause, where the answer rarely changes.  False
 * for anything else (another order, a repeated clause, via, tls, a word
 * outside a clause, a missing value, an open comment or quote, a later ';',
 * another date): the general parser then reads the field from the start.
 */
static bool parse_common(struct rcursor *c, struct rstate *st, struct mv_received *out)
{
	const char *p = skip_wsp(c->p, c->end);
	unsigned n = 0;

	if (p < c->end && *p == '(')
		p = common_comments(c, p, st, out, true, false, &n);
	/* One call per clause, not a loop: each is its own copy (see common_clause()). */
	if (p != NULL)
		p = common_clause(c, p, "from", CL_FROM, st, out, &n);
	if (p != NULL)
		p = common_clause(c, p, "by", CL_BY, st, out, &n);
	if (p != NULL)
		p = common_clause(c, p, "with", CL_WITH, st, out, &n);
	if (p != NULL)
		p = common_clause(c, p, "id", CL_ID, st, out, &n);
	if (p != NULL)
		p = common_clause(c, p, "for", CL_FOR, st, out, &n);
	if (p == NULL || p >= c->end || *p != ';' || n >= RCVD_MAX_TOKENS || c->bad)
		return false;
	c->p = p + 1;
	if (!plain_date_follows(c, out))
		return false;
	set_fields(out, st);
	return true;
}

/* Any other field, token by token. */
__attribute__((noinline))
static void parse_general(struct rcursor *c, struct rstate *st, struct mv_received *out)
{
	struct rtok t;
	const char *date_at = NULL;
	enum clause cl = CL_NONE, kw;
	mv_str *value = st->value;
	bool need_value = false, in_from = false, with_open = false;
	bool extra_open = false, any_clause = false, first;
	unsigned n = 0;

	for (;;) {
		rt_next(c, &t, !need_value);
		if (t.kind == RT_END)
			break;
		/* The date follows the last ';' outside comments. */
		if (t.kind == RT_SEMI && semi_starts_date(c)) {
			date_at = c->p;
			break;
		}
		if (++n > RCVD_MAX_TOKENS) {
			out->flags |= MV_RCVD_BAD;
			date_at = last_semi_end(c);
			break;
		}
		if (t.kind == RT_COMMENT) {
			/* One test, rarely true, instead of three the predictor cannot guess. */
			if (need_value & (cl == CL_FROM) & (value[CL_FROM].p == NULL)) {
				/* "from (rdns [ip]) by ...": the HELO name is missing */
				need_value = false;
				in_from = true;
				value[CL_FROM] = mv_str_make(t.text.p, 0);
			}
			read_comment(st, out, t.text, c->end, !any_clause, in_from);
			with_open = false;
			extra_open = false;
			continue;
		}
		if (t.kind == RT_SEMI)
			continue;	/* an early ';' ("by host; (5.65) id x; date") */
		kw = need_value ? CL_NONE : keyword(t.text);
		if (kw != CL_NONE) {
			cl = kw;
			need_value = true;
			any_clause = true;
			in_from = false;
			with_open = false;
			extra_open = false;
			continue;
		}
		if (!need_value) {
			if (with_open) {
				st->with_end = t.text.p + t.text.len;
			} else if (extra_open) {
				if (cl == CL_OVER && word_is(t.text, "tls"))
					out->flags |= MV_RCVD_TLS;
			} else if (in_from && t.text.p[0] == '[' && !st->plain_literal && st->pr.ip.len == 0) {
				st->pr.ip = literal_ip(t.text, c->end);
				st->plain_literal = true;
			} else {
				out->flags |= MV_RCVD_BAD;	/* a word outside any clause */
			}
			continue;
		}
		need_value = false;
		/*
		 * The clause's first value goes to its slot; a repeated clause and
		 * the few clauses that do more take one test that is rarely true:
		 * a switch on the clause mispredicts at each value, since the
		 * clauses come one after another.
		 */
		first = value[cl].p == NULL;
		in_from = first && cl == CL_FROM;
		with_open = first && cl == CL_WITH;
		if (first && ((1u << cl) & RARE_CLAUSES) == 0) {
			value[cl] = t.text;
			continue;
		}
		if (first)
			value[cl] = t.text;
		/* Several words ("via Frontend Transport", "over TLS secured channel") */
		extra_open = cl == CL_VIA || cl == CL_OVER;
		if (cl == CL_TLS || (cl == CL_OVER && word_is(t.text, "tls")))
			out->flags |= MV_RCVD_TLS;	/* Exim "tls <cipher>", Exchange "over TLS" */
		if (!first && cl == CL_BY && word_is(t.text, "uid")) {
			need_value = true;	/* qmail-scanner "by uid 89": swallow the number */
			cl = CL_NONE;
		}
	}
	set_fields(out, st);
	if (need_value || c->bad)
		out->flags |= MV_RCVD_BAD;
	if (date_at != NULL) {
		int zone;

		out->date_raw = trimmed(date_at, c->end);
		if (mv_date_parse(out->date_raw, &out->date, &zone) != 0) {
			out->date = 0;
			out->flags |= MV_RCVD_BAD;
		}
	} else {
		out->flags |= MV_RCVD_BAD;
	}
}

/* The result and the state start empty: copies, not memset(), which gcc makes a "rep stos", slow to start. */
static const struct mv_received no_fields;
static const struct rstate no_state;

int hdr_received_parse_general(mv_str raw, struct mv_received *out)
{
	struct rcursor c = { raw.p, raw.p + raw.len, false };
	struct rstate st = no_state;

	*out = no_fields;
	parse_general(&c, &st, out);
	return 0;
}

int mv_received_parse(mv_arena *arena, mv_str raw, struct mv_received *out)
{
	struct rcursor c = { raw.p, raw.p + raw.len, false };
	struct rstate st = no_state;

	*out = no_fields;
	if (!parse_common(&c, &st, out)) {
		*out = no_fields;
		st = no_state;
		c.p = raw.p;
		c.bad = false;
		parse_general(&c, &st, out);
	}
	(void)arena;
	return 0;
}
