/*
 * SPF macros (RFC 7208 7): checking a macro-string, and expanding it with
 * the envelope's data.  The output is a fixed buffer: a domain keeps only
 * its right end (7.3 truncates a long name from the left anyway), an
 * explanation is cut, so a record full of macros costs no memory.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "auth/spf.h"

/* One piece of a macro-string: literal bytes, or a %{...} macro. */
struct macro_tok {
	mv_str literal;		/* bytes to copy (the expansion of %%, %_, %- too) */
	char letter;		/* 0 for a literal; the macro letter, lower case */
	bool upper;		/* URL-escape the value (7.3) */
	bool reverse;
	unsigned digits;	/* keep this many right-hand parts; 0: all */
	unsigned delims;	/* bit per delimiter character; 0: "." */
};

static const char delimiters[] = ".-+,/_=";

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool letter_allowed(char letter, enum spf_macro_mode mode)
{
	if (strchr("slodipvh", letter) != NULL)
		return true;
	/* 7.3: c, r and t only in "exp" text. */
	return strchr("crt", letter) != NULL && mode != SPF_MACRO_DOMAIN;
}

/* macro-literal = %x21-24 / %x26-7E; SP too in an explain-string. */
static bool literal_allowed(unsigned char c, enum spf_macro_mode mode)
{
	return (c >= 0x21 && c <= 0x7e && c != '%') || (c == ' ' && mode == SPF_MACRO_EXPLAIN);
}

/*
 * Reads the token at s[*pos]: 1 with *tok, 0 at the end, -1 on a syntax
 * error (7.1: a '%' not followed by '{', '%', '-' or '_').
 */
static int next_tok(mv_str s, size_t *pos, enum spf_macro_mode mode, struct macro_tok *tok)
{
	size_t i = *pos, start = i;
	char letter;

	memset(tok, 0, sizeof(*tok));
	if (i >= s.len)
		return 0;
	if (s.p[i] != '%') {
		while (i < s.len && s.p[i] != '%') {
			if (!literal_allowed((unsigned char)s.p[i], mode))
				return -1;
			i++;
		}
		tok->literal = mv_str_make(s.p + start, i - start);
		*pos = i;
		return 1;
	}
	if (++i >= s.len)
		return -1;
	switch (s.p[i]) {
	case '%':
		tok->literal = MV_STR_LIT("%");
		*pos = i + 1;
		return 1;
	case '_':
		tok->literal = MV_STR_LIT(" ");
		*pos = i + 1;
		return 1;
	case '-':
		tok->literal = MV_STR_LIT("%20");
		*pos = i + 1;
		return 1;
	case '{':
		break;
	default:
		return -1;
	}
	if (++i >= s.len || !is_alpha(s.p[i]))
		return -1;
	letter = s.p[i];
	tok->upper = letter >= 'A' && letter <= 'Z';
	tok->letter = mv_ascii_lower(letter);
	if (!letter_allowed(tok->letter, mode))
		return -1;
	i++;
	if (i < s.len && is_digit(s.p[i])) {
		unsigned n = 0;

		/* Past 128 parts there is nothing left to cut: keep the value bounded. */
		for (; i < s.len && is_digit(s.p[i]); i++)
			n = n > 128 ? n : n * 10 + (unsigned)(s.p[i] - '0');
		if (n == 0)
			return -1;	/* 7.3: "If a DIGIT is specified, the value MUST be nonzero." */
		tok->digits = n;
	}
	if (i < s.len && (s.p[i] == 'r' || s.p[i] == 'R')) {
		tok->reverse = true;
		i++;
	}
	for (; i < s.len && s.p[i] != '}'; i++) {
		const char *d = strchr(delimiters, s.p[i]);

		if (d == NULL || s.p[i] == '\0')
			return -1;
		tok->delims |= 1u << (d - delimiters);
	}
	if (i >= s.len)
		return -1;
	*pos = i + 1;
	return 1;
}

int spf_macro_check(mv_str s, enum spf_macro_mode mode, bool *uses_p_r)
{
	struct macro_tok tok;
	size_t pos = 0;
	int r;

	if (uses_p_r != NULL)
		*uses_p_r = false;
	while ((r = next_tok(s, &pos, mode, &tok)) > 0) {
		if (tok.letter == 'p' && uses_p_r != NULL)
			*uses_p_r = true;
	}
	return r;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool toplabel_valid(mv_str l)
{
	bool alpha = false, dash = false;
	size_t i;

	if (l.len == 0 || l.p[0] == '-' || l.p[l.len - 1] == '-')
		return false;
	for (i = 0; i < l.len; i++) {
		if (is_alpha(l.p[i]))
			alpha = true;
		else if (l.p[i] == '-')
			dash = true;
		else if (!is_digit(l.p[i]))
			return false;
	}
	return alpha || dash;
}

bool spf_domain_end_valid(mv_str spec)
{
	struct macro_tok tok;
	size_t pos = 0, last_start = 0;
	bool last_macro = false;
	const char *dot;

	while (pos < spec.len) {
		last_start = pos;
		if (next_tok(spec, &pos, SPF_MACRO_ANY, &tok) <= 0)
			return false;
		last_macro = pos - last_start > 0 && spec.p[last_start] == '%';
	}
	/* domain-end = ( "." toplabel [ "." ] ) / macro-expand; "%%", "%_", "%-" are macro-expands too. */
	if (last_macro)
		return true;
	if (spec.len > 0 && spec.p[spec.len - 1] == '.')
		spec.len--;
	dot = memrchr(spec.p, '.', spec.len);
	if (dot == NULL)
		return false;
	return toplabel_valid(mv_str_make(dot + 1, (size_t)(spec.p + spec.len - dot - 1)));
}

void spf_macro_env_set_ip(struct spf_macro_env *env, const uint8_t ip[16], bool ipv4, int64_t time)
{
	static const char hex[] = "0123456789ABCDEF";
	char *w = env->ip_dotted;
	unsigned i;

	env->ipv4 = ipv4;
	if (ipv4) {
		snprintf(env->ip_dotted, sizeof(env->ip_dotted), "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
		memcpy(env->ip_text, env->ip_dotted, sizeof(env->ip_text));
	} else {
		/* 7.3: "i" is the dot-format of the nibbles, meant for %{ir}.ip6.arpa names. */
		for (i = 0; i < 16; i++) {
			*w++ = hex[ip[i] >> 4];
			*w++ = '.';
			*w++ = hex[ip[i] & 15];
			*w++ = '.';
		}
		w[-1] = '\0';
		if (inet_ntop(AF_INET6, ip, env->ip_text, sizeof(env->ip_text)) == NULL)
			env->ip_text[0] = '\0';
	}
	snprintf(env->time_text, sizeof(env->time_text), "%" PRId64, time);
}

static mv_str macro_value(const struct spf_macro_env *env, char letter)
{
	switch (letter) {
	case 's': return env->sender;
	case 'l': return env->local;
	case 'o': return env->sender_domain;
	case 'd': return env->domain;
	case 'i': return mv_str_cstr(env->ip_dotted);
	case 'p': return env->ptr.p != NULL ? env->ptr : MV_STR_LIT("unknown");
	case 'v': return env->ipv4 ? MV_STR_LIT("in-addr") : MV_STR_LIT("ip6");
	case 'h': return env->helo;
	case 'c': return mv_str_cstr(env->ip_text);
	case 'r': return env->receiver.len != 0 ? env->receiver : MV_STR_LIT("unknown");
	case 't': return mv_str_cstr(env->time_text);
	}
	return MV_STR_NULL;
}

/* The output: a domain keeps its right end when it overflows, an explanation its left. */
struct out {
	char *p;
	size_t len, size;	/* size includes the NUL */
	bool keep_tail;
};

static void put(struct out *o, const char *p, size_t n)
{
	size_t room = o->size - 1;

	if (o->keep_tail) {
		if (n >= room) {
			memcpy(o->p, p + n - room, room);
			o->len = room;
			return;
		}
		if (o->len + n > room) {
			size_t drop = o->len + n - room;

			memmove(o->p, o->p + drop, o->len - drop);
			o->len -= drop;
		}
	} else if (n > room - o->len) {
		n = room - o->len;
	}
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

/* 7.3: unreserved characters (RFC 3986) stay, every other byte becomes %XX. */
static void put_escaped(struct out *o, const char *p, size_t n, bool escape)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	if (!escape) {
		put(o, p, n);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			put(o, p + i, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			put(o, e, 3);
		}
	}
}

static bool is_delim(const struct macro_tok *tok, char c)
{
	const char *d;

	if (tok->delims == 0)
		return c == '.';
	d = c != '\0' ? strchr(delimiters, c) : NULL;
	return d != NULL && (tok->delims & (1u << (d - delimiters))) != 0;
}

/*
 * 7.3: split the value at the delimiters, reverse the parts if asked, keep
 * the right-most `digits` of them and join them with dots.
 */
static void put_macro(struct out *o, const struct macro_tok *tok, mv_str v)
{
	size_t n_parts = 1, keep, skip, i, start, end;

	if (v.len == 0)
		return;
	for (i = 0; i < v.len; i++)
		n_parts += is_delim(tok, v.p[i]);
	keep = tok->digits != 0 && tok->digits < n_parts ? tok->digits : n_parts;
	if (!tok->reverse) {
		/* The last `keep` parts, in order: from after the (n_parts - keep)-th delimiter. */
		for (start = 0, skip = n_parts - keep; skip > 0; start++)
			skip -= is_delim(tok, v.p[start]);
		for (;;) {
			for (end = start; end < v.len && !is_delim(tok, v.p[end]); end++)
				;
			put_escaped(o, v.p + start, end - start, tok->upper);
			if (end >= v.len)
				return;
			put(o, ".", 1);
			start = end + 1;
		}
	}
	/* Reversed: the first `keep` parts of the value, the last of them first. */
	for (end = 0, i = 0; end < v.len; end++) {
		if (is_delim(tok, v.p[end]) && ++i == keep)
			break;
	}
	for (;;) {
		for (start = end; start > 0 && !is_delim(tok, v.p[start - 1]); start--)
			;
		put_escaped(o, v.p + start, end - start, tok->upper);
		if (start == 0)
			return;
		put(o, ".", 1);
		end = start - 1;
	}
}

int spf_macro_expand(mv_str s, enum spf_macro_mode mode, const struct spf_macro_env *env, char *out,
		     size_t size)
{
	struct out o = { out, 0, size, mode == SPF_MACRO_DOMAIN };
	struct macro_tok tok;
	size_t pos = 0;
	int r;

	while ((r = next_tok(s, &pos, mode, &tok)) > 0) {
		if (tok.letter == 0)
			put(&o, tok.literal.p, tok.literal.len);
		else
			put_macro(&o, &tok, macro_value(env, tok.letter));
	}
	out[o.len] = '\0';
	if (r < 0)
		return -1;
	if (mode == SPF_MACRO_DOMAIN) {
		char *dot;

		/* 7.3: a trailing dot is not part of the name; past 253 bytes, labels go from the left. */
		if (o.len > 0 && out[o.len - 1] == '.')
			out[--o.len] = '\0';
		while (o.len > SPF_DOMAIN_MAX && (dot = memchr(out, '.', o.len)) != NULL) {
			o.len -= (size_t)(dot + 1 - out);
			memmove(out, dot + 1, o.len + 1);
		}
	}
	return (int)o.len;
}
