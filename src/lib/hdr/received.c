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
 */
#include <arpa/inet.h>

#include "mailvet/hdr.h"

#include "hdr/hdr_lex.h"

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

static void rt_next(struct rcursor *c, struct rtok *t)
{
	const char *s;

	while (c->p < c->end && hdr_is(*c->p, HDR_C_WSP))
		c->p++;
	s = c->p;
	if (s >= c->end) {
		t->kind = RT_END;
		t->text = mv_str_make(s, 0);
		return;
	}
	if (*s == ';') {
		t->kind = RT_SEMI;
		c->p++;
	} else if (*s == '(') {
		bool bad = false;

		c->p = hdr_skip_comment(s, c->end, &bad);
		t->kind = RT_COMMENT;
		t->text = mv_str_make(s + 1, (size_t)(c->p - s) - (bad ? 1 : 2));
		if (bad)
			c->bad = true;
		return;
	} else {
		t->kind = RT_WORD;
		while (c->p < c->end && !hdr_is(*c->p, HDR_C_WSP) && *c->p != '(' && *c->p != ';') {
			if (*c->p == '[' || *c->p == '"' || *c->p == '<')
				c->p = hdr_skip_quoted(c->p, c->end,
					*c->p == '[' ? ']' : *c->p == '<' ? '>' : '"', &c->bad);
			else
				c->p++;
		}
	}
	t->text = mv_str_make(s, (size_t)(c->p - s));
}

static bool is_ip(mv_str s)
{
	char tmp[64];
	unsigned char addr[16];

	if (s.len == 0 || s.len >= sizeof(tmp))
		return false;
	memcpy(tmp, s.p, s.len);
	tmp[s.len] = '\0';
	return inet_pton(AF_INET, tmp, addr) == 1 || inet_pton(AF_INET6, tmp, addr) == 1;
}

/* "[IPv6:2001:db8::1]:port" -> "2001:db8::1" */
static mv_str literal_ip(mv_str w)
{
	const char *close = memchr(w.p, ']', w.len);
	mv_str s = mv_str_make(w.p + 1, close != NULL ? (size_t)(close - w.p - 1) : w.len - 1);

	if (mv_str_prefix_ci(s, "IPv6:")) {
		s.p += 5;
		s.len -= 5;
	} else {
		/* "[192.0.2.1:25]": an IPv4 address with a port */
		const char *colon = memchr(s.p, ':', s.len);

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

/* Splits a comment into words at white space, parentheses and quotes. */
static bool comment_word(const char **p, const char *end, mv_str *w)
{
	const char *s;

	while (*p < end && (hdr_is(**p, HDR_C_WSP) || **p == '(' || **p == ')' || **p == '"'))
		(*p)++;
	if (*p >= end)
		return false;
	s = *p;
	while (*p < end && !hdr_is(**p, HDR_C_WSP) && **p != '(' && **p != ')' && **p != '"')
		(*p)++;
	*w = mv_str_make(s, (size_t)(*p - s));
	return true;
}

static void peer_comment(struct peer *pr, mv_str inner)
{
	const char *p = inner.p, *end = inner.p + inner.len;
	mv_str w, prev = MV_STR_NULL;
	bool want_helo = false;
	unsigned n = 0;

	while (n++ < RCVD_MAX_TOKENS && comment_word(&p, end, &w)) {
		if (want_helo) {
			pr->helo = w;
			pr->has_helo = true;
			want_helo = false;
		} else if (w.p[0] == '[') {
			if (pr->ip.len == 0)
				pr->ip = literal_ip(w);
			if (prev.len != 0 && pr->rdns.len == 0 && memchr(prev.p, '=', prev.len) == NULL &&
			    prev.p[0] != '[')
				pr->rdns = strip_dot(prev);
		} else if (mv_str_prefix_ci(w, "helo=")) {
			pr->helo = mv_str_make(w.p + 5, w.len - 5);
			pr->has_helo = true;
		} else if (mv_str_eq_ci(w, "HELO") || mv_str_eq_ci(w, "EHLO")) {
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

/* Comments are short: they are lower-cased once and searched with strstr (vectorised in glibc). */
#define COMMENT_SCAN_MAX 512

static bool has(mv_str lower, const char *needle)
{
	return strstr(lower.p, needle) != NULL;
}

/* Notes in any comment: TLS, authentication, local submission. */
static unsigned comment_flags(mv_str c, bool before_clauses)
{
	char buf[COMMENT_SCAN_MAX + 1];
	mv_str l = { buf, c.len < COMMENT_SCAN_MAX ? c.len : COMMENT_SCAN_MAX };
	unsigned f = 0;
	size_t i;

	/* XXX: only the first 512 bytes of a longer comment are searched for the notes. */
	/* A NUL inside the comment only ends the search early. */
	for (i = 0; i < l.len; i++)
		buf[i] = mv_ascii_lower(c.p[i]);
	buf[l.len] = '\0';
	if (has(l, "using tls") || has(l, "using ssl") || has(l, "version=tls") ||
	    has(l, "version=ssl") || has(l, "cipher=") || has(l, "with cipher") ||
	    has(l, "no client certificate") || mv_str_prefix_ci(c, "TLS"))
		f |= MV_RCVD_TLS;
	if (has(l, "authenticated") && !has(l, "not authenticated"))
		f |= MV_RCVD_AUTH;
	if (has(l, "from userid") || has(l, "invoked by uid") || has(l, "invoked by alias") ||
	    mv_str_eq_ci(c, "local") || (before_clauses && mv_str_prefix_ci(c, "from ")))
		f |= MV_RCVD_LOCAL;
	return f;
}

/* RFC 3848 protocol names: [UTF8](E)SMTP|LMTP + S (TLS) and/or A (auth); HTTPS. */
static unsigned with_flags(mv_str w)
{
	size_t n;

	if (mv_str_eq_ci(w, "HTTPS"))
		return MV_RCVD_TLS;
	if (mv_str_eq_ci(w, "local"))
		return MV_RCVD_LOCAL;
	if (mv_str_prefix_ci(w, "UTF8")) {
		w.p += 4;
		w.len -= 4;
	}
	if (mv_str_prefix_ci(w, "ESMTP"))
		n = 5;
	else if (mv_str_prefix_ci(w, "SMTP") || mv_str_prefix_ci(w, "LMTP"))
		n = 4;
	else
		return 0;
	w.p += n;
	w.len -= n;
	if (mv_str_eq_ci(w, "S"))
		return MV_RCVD_TLS;
	if (mv_str_eq_ci(w, "A"))
		return MV_RCVD_AUTH;
	if (mv_str_eq_ci(w, "SA"))
		return MV_RCVD_TLS | MV_RCVD_AUTH;
	return 0;
}

enum clause { CL_NONE, CL_FROM, CL_BY, CL_VIA, CL_WITH, CL_ID, CL_FOR, CL_TLS, CL_OVER, CL_ENVFROM };

/* "over" (Exchange "over TLS secured channel") and "envelope-from" (Haraka) are not RFC 5321. */
static enum clause keyword(mv_str w)
{
	static const char *const kw[] = {
		"from", "by", "via", "with", "id", "for", "tls", "over", "envelope-from",
	};
	size_t i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (mv_str_eq_ci(w, kw[i]))
			return (enum clause)(i + 1);
	}
	return CL_NONE;
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
				out->ip = literal_ip(value);
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
			out->ip = literal_ip(value);
		else if (out->ip.len == 0 && is_ip(value))
			out->ip = value;
	}
}

int mv_received_parse(mv_arena *arena, mv_str raw, struct mv_received *out)
{
	struct rcursor c = { raw.p, raw.p + raw.len, false };
	struct rtok t;
	const char *date_at = NULL;
	enum clause cl = CL_NONE;
	struct peer pr;
	mv_str from_value = MV_STR_NULL;
	bool need_value = false, in_from = false, plain_literal = false, with_open = false;
	bool extra_open = false, any_clause = false;
	unsigned n = 0;

	memset(out, 0, sizeof(*out));
	memset(&pr, 0, sizeof(pr));
	/* The date follows the last ';' outside comments. */
	for (rt_next(&c, &t); t.kind != RT_END; rt_next(&c, &t)) {
		if (t.kind == RT_SEMI)
			date_at = c.p;
	}
	c.p = raw.p;
	c.end = date_at != NULL ? date_at - 1 : raw.p + raw.len;
	for (rt_next(&c, &t); t.kind != RT_END; rt_next(&c, &t)) {
		if (++n > RCVD_MAX_TOKENS) {
			out->flags |= MV_RCVD_BAD;
			break;
		}
		if (t.kind == RT_COMMENT) {
			out->flags |= comment_flags(t.text, !any_clause);
			if (need_value && cl == CL_FROM && from_value.p == NULL) {
				/* "from (rdns [ip]) by ...": the HELO name is missing */
				need_value = false;
				in_from = true;
				from_value = mv_str_make(t.text.p, 0);
			}
			if (in_from)
				peer_comment(&pr, t.text);
			if (mv_str_prefix_ci(t.text, "Exim "))
				pr.exim = true;
			with_open = false;
			extra_open = false;
			continue;
		}
		if (t.kind == RT_SEMI)
			continue;	/* an early ';' ("by host; (5.65) id x; date") */
		if (!need_value && keyword(t.text) != CL_NONE) {
			cl = keyword(t.text);
			need_value = true;
			any_clause = true;
			in_from = false;
			with_open = false;
			extra_open = false;
			continue;
		}
		if (!need_value) {
			if (with_open) {
				out->with.len = (size_t)(t.text.p + t.text.len - out->with.p);
			} else if (extra_open) {
				if (cl == CL_OVER && mv_str_eq_ci(t.text, "TLS"))
					out->flags |= MV_RCVD_TLS;
			} else if (in_from && t.text.p[0] == '[' && !plain_literal && pr.ip.len == 0) {
				pr.ip = literal_ip(t.text);
				plain_literal = true;
			} else {
				out->flags |= MV_RCVD_BAD;	/* a word outside any clause */
			}
			continue;
		}
		need_value = false;
		switch (cl) {
		case CL_FROM:
			if (from_value.p == NULL) {
				from_value = t.text;
				in_from = true;
			}
			break;
		case CL_BY:
			if (out->by.p == NULL)
				out->by = strip_dot(t.text);
			else if (mv_str_eq_ci(t.text, "uid")) {
				need_value = true;	/* qmail-scanner "by uid 89": swallow the number */
				cl = CL_NONE;
			}
			break;
		case CL_WITH:
			if (out->with.p == NULL) {
				out->with = t.text;
				out->flags |= with_flags(t.text);
				with_open = true;
			}
			break;
		case CL_VIA:
		case CL_OVER:
			/* Several words ("via Frontend Transport", "over TLS secured channel") */
			if (cl == CL_OVER && mv_str_eq_ci(t.text, "TLS"))
				out->flags |= MV_RCVD_TLS;
			extra_open = true;
			break;
		case CL_ID:
			if (out->id.p == NULL)
				out->id = t.text;
			break;
		case CL_FOR:
			if (out->for_.p == NULL) {
				out->for_ = t.text;
				if (t.text.len >= 2 && t.text.p[0] == '<' && t.text.p[t.text.len - 1] == '>')
					out->for_ = mv_str_make(t.text.p + 1, t.text.len - 2);
			}
			break;
		case CL_TLS:
			out->flags |= MV_RCVD_TLS;	/* Exim "tls <cipher>" */
			break;
		default:
			break;
		}
	}
	if (need_value || c.bad)
		out->flags |= MV_RCVD_BAD;
	if (from_value.p != NULL)
		set_peer(out, from_value, &pr, plain_literal);
	if (out->ip.len != 0 && memchr(out->ip.p, ':', out->ip.len) != NULL)
		out->flags |= MV_RCVD_IPV6;
	if (date_at != NULL) {
		int zone;

		out->date_raw = mv_str_trim(mv_str_make(date_at, (size_t)(raw.p + raw.len - date_at)));
		if (mv_date_parse(out->date_raw, &out->date, &zone) != 0) {
			out->date = 0;
			out->flags |= MV_RCVD_BAD;
		}
	} else {
		out->flags |= MV_RCVD_BAD;
	}
	(void)arena;
	return 0;
}
