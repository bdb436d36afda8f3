/*
 * SPF records (RFC 7208 4.5, 4.6, 5, 6, 12): which TXT strings are records,
 * and the syntax of their terms.  Strict: any syntax error anywhere in a
 * record makes it a permerror (4.6), including a bad CIDR length, a
 * domain-spec that does not end in a macro or a valid top label (7.1), and
 * a malformed macro in an unknown modifier.  The parser keeps views into
 * the record's text and allocates nothing.
 */
#include <arpa/inet.h>
#include <string.h>

#include "auth/spf.h"

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

bool spf_record_is_spf(mv_str txt)
{
	/* 4.5: "v=spf1" (case-insensitive, as every ABNF string) then a space or the end. */
	return mv_str_prefix_ci(txt, "v=spf1") && (txt.len == 6 || txt.p[6] == ' ');
}

/* ip4-cidr-length = "/" ( "0" / %x31-39 0*1DIGIT ), ip6-cidr-length likewise up to 128: no leading zeros. */
static bool parse_cidr(mv_str digits, unsigned max, unsigned *value_r)
{
	unsigned v = 0;
	size_t i;

	if (digits.len == 0 || digits.len > 3 || (digits.p[0] == '0' && digits.len > 1))
		return false;
	for (i = 0; i < digits.len; i++) {
		if (!is_digit(digits.p[i]))
			return false;
		v = v * 10 + (unsigned)(digits.p[i] - '0');
	}
	*value_r = v;
	return v <= max;
}

static bool all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
	}
	return n > 0;
}

/*
 * Takes a dual-cidr-length ( [ "/" ip4 ] [ "//" ip6 ] ) off the end of *rest.
 * Read from the right, because a domain-spec may itself hold '/' (7.1: any
 * visible character but '%').
 */
static const char *take_dual_cidr(mv_str *rest, struct spf_term *term)
{
	const char *slash = memrchr(rest->p, '/', rest->len);
	size_t after;

	if (slash == NULL)
		return NULL;
	after = (size_t)(rest->p + rest->len - slash - 1);
	if (!all_digits(slash + 1, after))
		return NULL;
	if (slash > rest->p && slash[-1] == '/') {
		if (!parse_cidr(mv_str_make(slash + 1, after), 128, &term->cidr6))
			return "bad IPv6 CIDR length";
		rest->len = (size_t)(slash - 1 - rest->p);
		slash = memrchr(rest->p, '/', rest->len);
		if (slash == NULL)
			return NULL;
		after = (size_t)(rest->p + rest->len - slash - 1);
		if (!all_digits(slash + 1, after))
			return NULL;
	}
	if (!parse_cidr(mv_str_make(slash + 1, after), 32, &term->cidr4))
		return "bad IPv4 CIDR length";
	rest->len = (size_t)(slash - rest->p);
	return NULL;
}

static const char *check_domain_spec(mv_str spec)
{
	if (spec.len == 0)
		return "empty domain-spec";
	if (spf_macro_check(spec, SPF_MACRO_DOMAIN, NULL) < 0)
		return "bad macro";
	if (!spf_domain_end_valid(spec))
		return "the domain-spec does not end in a macro or a valid top label";
	return NULL;
}

/* ":" domain-spec, optional or required. */
static const char *take_domain(mv_str rest, bool required, struct spf_term *term)
{
	if (rest.len == 0)
		return required ? "missing domain-spec" : NULL;
	if (rest.p[0] != ':')
		return "unexpected text after the mechanism";
	term->domain = mv_str_make(rest.p + 1, rest.len - 1);
	return check_domain_spec(term->domain);
}

/* ip4-network = qnum "." qnum "." qnum "." qnum, without leading zeros (12). */
static bool parse_ip4(mv_str s, uint8_t out[4])
{
	size_t i = 0;
	unsigned q;

	for (q = 0; q < 4; q++) {
		size_t start = i;
		unsigned v = 0;

		if (q > 0 && (i >= s.len || s.p[i++] != '.'))
			return false;
		start = i;
		while (i < s.len && is_digit(s.p[i]) && i - start < 4)
			v = v * 10 + (unsigned)(s.p[i++] - '0');
		if (i == start || i - start > 3 || v > 255 || (s.p[start] == '0' && i - start > 1))
			return false;
		out[q] = (uint8_t)v;
	}
	return i == s.len;
}

static const char *take_network(mv_str rest, bool ip6, struct spf_term *term)
{
	const char *slash;
	mv_str net;
	char buf[64];

	if (rest.len < 2 || rest.p[0] != ':')
		return "missing network";
	net = mv_str_make(rest.p + 1, rest.len - 1);
	slash = memchr(net.p, '/', net.len);
	if (slash != NULL) {
		mv_str digits = mv_str_make(slash + 1, (size_t)(net.p + net.len - slash - 1));

		if (!parse_cidr(digits, ip6 ? 128 : 32, ip6 ? &term->cidr6 : &term->cidr4))
			return "bad CIDR length";
		net.len = (size_t)(slash - net.p);
	}
	if (!ip6)
		return parse_ip4(net, term->addr) ? NULL : "bad IPv4 network";
	if (net.len == 0 || net.len >= sizeof(buf))
		return "bad IPv6 network";
	memcpy(buf, net.p, net.len);
	buf[net.len] = '\0';
	return inet_pton(AF_INET6, buf, term->addr) == 1 ? NULL : "bad IPv6 network";
}

static const struct {
	const char *name;
	enum spf_term_kind kind;
} mechanisms[] = {
	{ "all", SPF_ALL }, { "include", SPF_INCLUDE }, { "a", SPF_A }, { "mx", SPF_MX },
	{ "ptr", SPF_PTR }, { "ip4", SPF_IP4 }, { "ip6", SPF_IP6 }, { "exists", SPF_EXISTS },
};

static const char *parse_modifier(mv_str name, mv_str value, struct spf_term *term)
{
	if (mv_str_eq_ci(name, "redirect") || mv_str_eq_ci(name, "exp")) {
		/* Known names are not unknown modifiers with a looser value (6.1, 6.2; the suite agrees). */
		term->kind = mv_str_eq_ci(name, "exp") ? SPF_EXP : SPF_REDIRECT;
		term->domain = value;
		return check_domain_spec(value);
	}
	term->kind = SPF_UNKNOWN_MODIFIER;
	term->domain = value;
	return spf_macro_check(value, SPF_MACRO_ANY, NULL) < 0 ? "bad macro in a modifier" : NULL;
}

const char *spf_term_parse(mv_str t, struct spf_term *term)
{
	mv_str name, rest;
	size_t i, m;

	memset(term, 0, sizeof(*term));
	term->text = t;
	term->qualifier = MV_AUTH_PASS;
	term->cidr4 = 32;
	term->cidr6 = 128;
	for (i = 0; i < t.len; i++) {
		if (t.p[i] <= 0x20 || t.p[i] >= 0x7f)
			return "a byte that is not visible ASCII";
	}
	if (t.len > 0 && is_alpha(t.p[0])) {
		/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ), then "=" makes a modifier. */
		for (i = 1; i < t.len && (is_alpha(t.p[i]) || is_digit(t.p[i]) || strchr("-_.", t.p[i])); i++)
			;
		if (i < t.len && t.p[i] == '=')
			return parse_modifier(mv_str_make(t.p, i), mv_str_make(t.p + i + 1, t.len - i - 1), term);
	}
	i = 0;
	if (t.len > 0 && strchr("+-~?", t.p[0]) != NULL) {
		static const enum mv_auth_result q[] = { MV_AUTH_PASS, MV_AUTH_FAIL, MV_AUTH_SOFTFAIL, MV_AUTH_NEUTRAL };

		term->qualifier = q[strchr("+-~?", t.p[0]) - "+-~?"];
		i = 1;
	}
	name.p = t.p + i;
	while (i < t.len && (is_alpha(t.p[i]) || is_digit(t.p[i])))
		i++;
	name.len = (size_t)(t.p + i - name.p);
	rest = mv_str_make(t.p + i, t.len - i);
	for (m = 0; m < sizeof(mechanisms) / sizeof(mechanisms[0]); m++) {
		if (mv_str_eq_ci(name, mechanisms[m].name))
			break;
	}
	if (m == sizeof(mechanisms) / sizeof(mechanisms[0]) || (rest.len > 0 && rest.p[0] != ':' && rest.p[0] != '/'))
		return "unknown mechanism";
	term->kind = mechanisms[m].kind;
	switch (term->kind) {
	case SPF_ALL:
		return rest.len == 0 ? NULL : "\"all\" takes no argument";
	case SPF_INCLUDE:
	case SPF_EXISTS:
		return take_domain(rest, true, term);
	case SPF_PTR:
		return take_domain(rest, false, term);
	case SPF_A:
	case SPF_MX: {
		const char *error = take_dual_cidr(&rest, term);

		return error != NULL ? error : take_domain(rest, false, term);
	}
	case SPF_IP4:
		return take_network(rest, false, term);
	case SPF_IP6:
		return take_network(rest, true, term);
	default:
		return "unknown mechanism";
	}
}

/* The next term of the text from *pos, skipping spaces; false at the end. */
static bool next_term(mv_str terms, size_t *pos, mv_str *t_r)
{
	size_t i = *pos, start;

	while (i < terms.len && terms.p[i] == ' ')
		i++;
	if (i >= terms.len)
		return false;
	start = i;
	while (i < terms.len && terms.p[i] != ' ')
		i++;
	*t_r = mv_str_make(terms.p + start, i - start);
	*pos = i;
	return true;
}

int spf_record_parse(mv_str txt, struct spf_record *rec)
{
	struct spf_term term;
	size_t pos = 0;
	mv_str t;

	memset(rec, 0, sizeof(*rec));
	if (!spf_record_is_spf(txt)) {
		rec->error = "not an SPF record";
		return -1;
	}
	rec->terms = mv_str_make(txt.p + 6, txt.len - 6);
	while (next_term(rec->terms, &pos, &t)) {
		const char *error = spf_term_parse(t, &term);

		if (error == NULL && term.kind == SPF_REDIRECT) {
			if (rec->redirect.p != NULL)
				error = "redirect= twice";	/* 6: MUST NOT appear more than once */
			rec->redirect = term.domain;
		} else if (error == NULL && term.kind == SPF_EXP) {
			if (rec->exp.p != NULL)
				error = "exp= twice";
			rec->exp = term.domain;
		} else if (error == NULL && term.kind != SPF_UNKNOWN_MODIFIER) {
			rec->n_mechanisms++;
		}
		if (error != NULL) {
			rec->error = error;
			rec->error_term = t;
			return -1;
		}
	}
	return 0;
}

bool spf_record_next(const struct spf_record *rec, size_t *pos, struct spf_term *term_r)
{
	mv_str t;

	while (next_term(rec->terms, pos, &t)) {
		if (spf_term_parse(t, term_r) == NULL && term_r->kind <= SPF_EXISTS)
			return true;
	}
	return false;
}
