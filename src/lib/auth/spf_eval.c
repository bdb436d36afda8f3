/*
 * check_host() of RFC 7208 over a DNS lookup function (task_dns() in a
 * scan).  The evaluation is re-run from the start whenever a lookup was
 * pending (MV_AGAIN), and finds the earlier answers in the message's memo,
 * so it keeps no state between calls and every counter is recomputed.
 *
 * Limits (4.6.4): at most 10 terms that query DNS (include, a, mx, ptr,
 * exists, redirect, and the PTR query of a %{p} outside exp=) in the whole
 * evaluation, includes and redirects counted together, so loops and floods
 * end in permerror after at most 10 records; at most `max_void` void lookups; at most 10 MX names per mx
 * (more is a permerror) and 10 PTR names per ptr or %{p} (the rest is
 * ignored).  So one evaluation asks at most about 230 questions, and
 * recursion is at most 11 deep.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/spf.h"
#include "dns/dns.h"
#include "envelope/envelope_int.h"
#include "mailvet/status.h"

#define NAME_SIZE 256

/* How a term or a step ended; an error's result and problem are in the outcome. */
enum { EV_NOMATCH, EV_MATCH, EV_AGAIN, EV_ERROR };
#define EV_OK EV_NOMATCH	/* a step that does not match anything went well */

struct eval {
	const struct spf_query *q;
	struct spf_outcome *out;
	struct spf_macro_env env;	/* all but d and p, which depend on the record */
	unsigned lookups, voids;
	const char *none_reason;
	bool in_exp;			/* expanding the explanation, after the evaluation */
	/* %{p}: the client's validated names (7.3), found once per evaluation. */
	bool ptr_done;
	unsigned n_ptr;
	char ptr_names[SPF_MAX_NAMES][NAME_SIZE];
};

/* The exp= of the record that decided the result, for a fail (6.2). */
struct exp_ref {
	mv_str spec;
	char domain[NAME_SIZE];
};

static int fail(struct eval *ev, enum mv_auth_result result, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Ends the evaluation with result; the first problem is the one reported. */
static int fail(struct eval *ev, enum mv_auth_result result, const char *fmt, ...)
{
	va_list ap;

	ev->out->result = result;
	va_start(ap, fmt);
	vsnprintf(ev->out->problem, sizeof(ev->out->problem), fmt, ap);
	va_end(ap);
	return EV_ERROR;
}

static bool dns_error(const struct dns_answer *a)
{
	return a->rcode == DNS_R_TEMPFAIL || a->rcode == DNS_R_TIMEOUT || a->rcode == DNS_R_LIMIT;
}

/* 4.6.4: a positive answer with no records, or a name error. */
static bool dns_void(const struct dns_answer *a)
{
	return a->rcode == DNS_R_NXDOMAIN || (a->rcode == DNS_R_OK && a->n_rr == 0);
}

static int lookup(struct eval *ev, const char *name, unsigned type, const struct dns_answer **a_r)
{
	int r = ev->q->dns(ev->q->dns_arg, name, type, a_r);

	if (r == MV_AGAIN)
		return EV_AGAIN;
	if (r != MV_OK)
		return fail(ev, MV_AUTH_TEMPERROR, "DNS lookup of %s failed: %s", name, mv_strerror(r));
	return EV_NOMATCH;
}

static int count_lookup(struct eval *ev, const struct spf_term *t)
{
	if (++ev->lookups > SPF_MAX_LOOKUPS)
		return fail(ev, MV_AUTH_PERMERROR, "more than %d DNS-querying terms (at %.*s)", SPF_MAX_LOOKUPS,
			    (int)t->text.len, t->text.p);
	return EV_NOMATCH;
}

static int count_void(struct eval *ev, const char *name)
{
	if (++ev->voids > ev->q->max_void)
		return fail(ev, MV_AUTH_PERMERROR, "more than %u void lookups (at %s)", ev->q->max_void, name);
	return EV_NOMATCH;
}

/* A name DNS can be asked about: 1..253 bytes, labels of 1..63, no control bytes. */
static bool name_valid(const char *name)
{
	size_t label = 0, i;

	for (i = 0; name[i] != '\0'; i++) {
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return false;
		if (name[i] != '.')
			label++;
		else if (label == 0 || label > 63)
			return false;
		else
			label = 0;
	}
	return i > 0 && i <= SPF_DOMAIN_MAX && label > 0 && label <= 63;
}

bool spf_domain_valid(mv_str d)
{
	size_t i, label = 0, labels = 1;

	if (d.len > 0 && d.p[d.len - 1] == '.')
		d.len--;
	if (d.len == 0 || d.len > SPF_DOMAIN_MAX || d.p[0] == '[')
		return false;
	for (i = 0; i < d.len; i++) {
		unsigned char c = (unsigned char)d.p[i];

		if (c <= 0x20 || c >= 0x7f)
			return false;
		if (c != '.') {
			if (++label > 63)
				return false;
		} else if (label == 0) {
			return false;
		} else {
			label = 0;
			labels++;
		}
	}
	return label > 0 && labels >= 2;
}

static void reverse_name(const struct spf_query *q, char out[NAME_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	char *w = out;
	int i;

	if (q->ipv4) {
		snprintf(out, NAME_SIZE, "%u.%u.%u.%u.in-addr.arpa", q->ip[15], q->ip[14], q->ip[13], q->ip[12]);
		return;
	}
	for (i = 15; i >= 0; i--) {
		*w++ = hex[q->ip[i] & 15];
		*w++ = '.';
		*w++ = hex[q->ip[i] >> 4];
		*w++ = '.';
	}
	memcpy(w, "ip6.arpa", sizeof("ip6.arpa"));
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

/* Whether the record's address (A or AAAA) is in the client's network of `bits`. */
static bool rr_matches(const struct spf_query *q, const struct dns_rr *rr, unsigned bits)
{
	return q->ipv4 ? prefix_match(q->ip + 12, rr->addr, bits) : prefix_match(q->ip, rr->addr, bits);
}

static unsigned addr_type(const struct spf_query *q)
{
	return q->ipv4 ? DNS_T_A : DNS_T_AAAA;
}

/* name equals domain, or ends in "." domain; ASCII case-insensitive (5.5). */
static bool name_under(mv_str name, const char *domain)
{
	size_t n = strlen(domain);

	if (name.len < n || strncasecmp(name.p + name.len - n, domain, n) != 0)
		return false;
	return name.len == n || name.p[name.len - n - 1] == '.';
}

static bool copy_name(mv_str s, char out[NAME_SIZE])
{
	if (s.len == 0 || s.len >= NAME_SIZE || memchr(s.p, '\0', s.len) != NULL)
		return false;
	memcpy(out, s.p, s.len);
	out[s.len] = '\0';
	return true;
}

/*
 * The client's validated names (5.5): the first 10 PTR names whose A or
 * AAAA records include the client; with `only_under`, only the names under
 * that domain are validated (the ptr mechanism needs no others).  DNS
 * errors leave names out.  *n_r names are written to names.  A void PTR
 * lookup counts when the ptr mechanism asks (4.6.4), not for %{p}.
 */
static int validated_names(struct eval *ev, const char *only_under, char names[][NAME_SIZE], unsigned *n_r)
{
	const struct dns_answer *a, *b;
	char rev[NAME_SIZE];
	bool pending = false;
	unsigned i, j;
	int r;

	*n_r = 0;
	reverse_name(ev->q, rev);
	if ((r = lookup(ev, rev, DNS_T_PTR, &a)) != EV_NOMATCH)
		return r;
	if (dns_error(a))
		return EV_NOMATCH;
	if (dns_void(a))
		return only_under != NULL ? count_void(ev, rev) : EV_OK;
	for (i = 0; i < a->n_rr && i < SPF_MAX_NAMES; i++) {
		char *name = names[*n_r];

		if (!copy_name(a->rr[i].text, name) || !name_valid(name))
			continue;
		if (only_under != NULL && !name_under(a->rr[i].text, only_under))
			continue;
		r = lookup(ev, name, addr_type(ev->q), &b);
		if (r == EV_AGAIN) {
			pending = true;
			continue;
		}
		if (r != EV_NOMATCH)
			return r;
		for (j = 0; j < b->n_rr && b->rcode == DNS_R_OK; j++) {
			if (rr_matches(ev->q, &b->rr[j], ev->q->ipv4 ? 32 : 128)) {
				(*n_r)++;
				break;
			}
		}
	}
	return pending ? EV_AGAIN : EV_NOMATCH;
}

/* 7.3 %{p}: the domain itself if validated, else a name under it, else any; "unknown" when none. */
static int ptr_macro(struct eval *ev, const char *domain, mv_str *p_r)
{
	unsigned i;
	int r;

	if (!ev->ptr_done) {
		/* 4.6.4: its PTR query counts among the 10, but not for exp=, which comes after. */
		if (!ev->in_exp && ++ev->lookups > SPF_MAX_LOOKUPS)
			return fail(ev, MV_AUTH_PERMERROR, "more than %d DNS-querying terms (at %%{p})", SPF_MAX_LOOKUPS);
		if ((r = validated_names(ev, NULL, ev->ptr_names, &ev->n_ptr)) != EV_OK)
			return r;
		ev->ptr_done = true;
	}
	*p_r = MV_STR_LIT("unknown");
	for (i = 0; i < ev->n_ptr; i++) {
		if (strcasecmp(ev->ptr_names[i], domain) == 0) {
			*p_r = mv_str_cstr(ev->ptr_names[i]);
			return EV_NOMATCH;
		}
	}
	for (i = 0; i < ev->n_ptr; i++) {
		if (name_under(mv_str_cstr(ev->ptr_names[i]), domain)) {
			*p_r = mv_str_cstr(ev->ptr_names[i]);
			return EV_NOMATCH;
		}
	}
	if (ev->n_ptr > 0)
		*p_r = mv_str_cstr(ev->ptr_names[0]);
	return EV_NOMATCH;
}

/* Expands s in `mode` with d = domain into out (size NAME_SIZE or more). */
static int expand(struct eval *ev, mv_str s, enum spf_macro_mode mode, const char *domain, char *out, size_t size)
{
	struct spf_macro_env env = ev->env;
	bool uses_p;
	int r;

	env.domain = mv_str_cstr(domain);
	if (spf_macro_check(s, mode, &uses_p) < 0) {
		out[0] = '\0';
		return EV_NOMATCH;
	}
	if (uses_p && (r = ptr_macro(ev, domain, &env.ptr)) != EV_NOMATCH)
		return r;
	if (spf_macro_expand(s, mode, &env, out, size) < 0)
		out[0] = '\0';
	return EV_NOMATCH;
}

/* The target-name of a term (4.8): its domain-spec expanded, or <domain>; "" when not a usable name. */
static int target_name(struct eval *ev, mv_str spec, const char *domain, char out[NAME_SIZE])
{
	int r;

	if (spec.len == 0) {
		snprintf(out, NAME_SIZE, "%s", domain);
		return EV_NOMATCH;
	}
	if ((r = expand(ev, spec, SPF_MACRO_DOMAIN, domain, out, NAME_SIZE)) != EV_NOMATCH)
		return r;
	if (!name_valid(out))
		out[0] = '\0';
	return EV_NOMATCH;
}

/* a (5.3), and the addresses of one MX name (5.4). */
static int match_addresses(struct eval *ev, const char *name, const struct spf_term *t, bool count)
{
	unsigned bits = ev->q->ipv4 ? t->cidr4 : t->cidr6, i;
	const struct dns_answer *a;
	int r;

	if ((r = lookup(ev, name, addr_type(ev->q), &a)) != EV_NOMATCH)
		return r;
	if (dns_error(a))
		return fail(ev, MV_AUTH_TEMPERROR, "DNS %s looking up %s", dns_rcode_name(a->rcode), name);
	if (count && dns_void(a))
		return count_void(ev, name);
	for (i = 0; i < a->n_rr && a->rcode == DNS_R_OK; i++) {
		if (rr_matches(ev->q, &a->rr[i], bits))
			return EV_MATCH;
	}
	return EV_NOMATCH;
}

static int match_mx(struct eval *ev, const char *name, const struct spf_term *t)
{
	const struct dns_answer *a;
	char host[NAME_SIZE];
	bool pending = false;
	unsigned i;
	int r;

	if ((r = lookup(ev, name, DNS_T_MX, &a)) != EV_NOMATCH)
		return r;
	if (dns_error(a))
		return fail(ev, MV_AUTH_TEMPERROR, "DNS %s looking up MX of %s", dns_rcode_name(a->rcode), name);
	if (dns_void(a))
		return count_void(ev, name);
	if (a->n_rr > SPF_MAX_NAMES)
		return fail(ev, MV_AUTH_PERMERROR, "%s has %u MX names, more than %d (at %.*s)", name, a->n_rr,
			    SPF_MAX_NAMES, (int)t->text.len, t->text.p);
	/* All lookups are started in one pass; the first decisive answer in record order wins. */
	for (i = 0; i < a->n_rr; i++) {
		if (!copy_name(a->rr[i].text, host) || !name_valid(host))
			continue;	/* a null MX (RFC 7505) names no host */
		r = match_addresses(ev, host, t, false);
		if (r == EV_AGAIN)
			pending = true;
		else if (!pending && r != EV_NOMATCH)
			return r;
	}
	return pending ? EV_AGAIN : EV_NOMATCH;
}

static int match_ptr(struct eval *ev, const char *target)
{
	char names[SPF_MAX_NAMES][NAME_SIZE];
	unsigned n;
	int r;

	/* 5.5: only names under the target can match, so only they are validated. */
	if ((r = validated_names(ev, target, names, &n)) != EV_NOMATCH)
		return r;
	return n > 0 ? EV_MATCH : EV_NOMATCH;
}

static int check_host(struct eval *ev, const char *domain, unsigned depth, enum mv_auth_result *result_r,
		      struct exp_ref *exp);

static int match_include(struct eval *ev, const char *target, unsigned depth)
{
	enum mv_auth_result result;
	int r;

	if (target[0] == '\0')
		return fail(ev, MV_AUTH_PERMERROR, "include of a name that is not valid");
	if ((r = check_host(ev, target, depth + 1, &result, NULL)) != EV_NOMATCH)
		return r;
	/* 5.2: pass matches; fail, softfail, neutral do not; none is a permerror. */
	switch (result) {
	case MV_AUTH_PASS:
		return EV_MATCH;
	case MV_AUTH_NONE:
		return fail(ev, MV_AUTH_PERMERROR, "include:%s has no SPF record", target);
	default:
		return EV_NOMATCH;
	}
}

static int eval_mechanism(struct eval *ev, const struct spf_term *t, const char *domain, unsigned depth)
{
	const struct dns_answer *a;
	char target[NAME_SIZE];
	int r;

	switch (t->kind) {
	case SPF_ALL:
		return EV_MATCH;
	case SPF_IP4:
		return ev->q->ipv4 && prefix_match(ev->q->ip + 12, t->addr, t->cidr4) ? EV_MATCH : EV_NOMATCH;
	case SPF_IP6:
		return !ev->q->ipv4 && prefix_match(ev->q->ip, t->addr, t->cidr6) ? EV_MATCH : EV_NOMATCH;
	default:
		break;
	}
	if ((r = count_lookup(ev, t)) != EV_NOMATCH)
		return r;
	if ((r = target_name(ev, t->domain, domain, target)) != EV_NOMATCH)
		return r;
	if (t->kind == SPF_INCLUDE)
		return match_include(ev, target, depth);
	if (target[0] == '\0')
		return EV_NOMATCH;	/* not a name DNS can hold: nothing there to match (4.3 by analogy) */
	switch (t->kind) {
	case SPF_A:
		return match_addresses(ev, target, t, true);
	case SPF_MX:
		return match_mx(ev, target, t);
	case SPF_PTR:
		return match_ptr(ev, target);
	case SPF_EXISTS:
		/* 5.7: an A query whatever the client's family. */
		if ((r = lookup(ev, target, DNS_T_A, &a)) != EV_NOMATCH)
			return r;
		if (dns_error(a))
			return fail(ev, MV_AUTH_TEMPERROR, "DNS %s looking up %s", dns_rcode_name(a->rcode), target);
		if (dns_void(a))
			return count_void(ev, target);
		return a->n_rr > 0 ? EV_MATCH : EV_NOMATCH;
	default:
		return EV_NOMATCH;
	}
}

/* The one SPF record at domain (4.4, 4.5); EV_MATCH with *txt_r, EV_NOMATCH for none. */
static int find_record(struct eval *ev, const char *domain, mv_str *txt_r)
{
	const struct dns_answer *a;
	unsigned i, n = 0;
	int r;

	if (!spf_domain_valid(mv_str_cstr(domain))) {
		ev->none_reason = "not a valid domain name";
		return EV_NOMATCH;
	}
	if ((r = lookup(ev, domain, DNS_T_TXT, &a)) != EV_NOMATCH)
		return r;
	if (dns_error(a))
		return fail(ev, MV_AUTH_TEMPERROR, "DNS %s looking up the SPF record of %s", dns_rcode_name(a->rcode),
			    domain);
	for (i = 0; i < a->n_rr && a->rcode == DNS_R_OK; i++) {
		if (spf_record_is_spf(a->rr[i].text)) {
			*txt_r = a->rr[i].text;
			n++;
		}
	}
	if (n > 1)
		return fail(ev, MV_AUTH_PERMERROR, "%s has %u SPF records", domain, n);
	ev->none_reason = "no SPF record";
	return n == 1 ? EV_MATCH : EV_NOMATCH;
}

static int check_host(struct eval *ev, const char *domain, unsigned depth, enum mv_auth_result *result_r,
		      struct exp_ref *exp)
{
	struct spf_record rec;
	struct spf_term term;
	char target[NAME_SIZE];
	size_t pos = 0;
	mv_str txt;
	int r;

	*result_r = MV_AUTH_NONE;
	if (depth > SPF_MAX_LOOKUPS)
		return fail(ev, MV_AUTH_PERMERROR, "records nested too deep");	/* the lookup limit comes first */
	r = find_record(ev, domain, &txt);
	if (r != EV_MATCH)
		return r;
	if (spf_record_parse(txt, &rec) < 0)
		return fail(ev, MV_AUTH_PERMERROR, "the SPF record of %s: %s%s%.*s", domain, rec.error,
			    rec.error_term.len != 0 ? " at " : "", (int)rec.error_term.len, rec.error_term.p);
	while (spf_record_next(&rec, &pos, &term)) {
		r = eval_mechanism(ev, &term, domain, depth);
		if (r != EV_MATCH) {
			if (r != EV_NOMATCH)
				return r;
			continue;
		}
		*result_r = term.qualifier;
		if (exp != NULL) {
			exp->spec = rec.exp;
			snprintf(exp->domain, sizeof(exp->domain), "%s", domain);
		}
		return EV_NOMATCH;
	}
	if (rec.redirect.p == NULL) {
		*result_r = MV_AUTH_NEUTRAL;	/* 4.7 */
		return EV_NOMATCH;
	}
	/* 6.1: the redirect's result is the result, with its own exp=; none there is a permerror. */
	term.text = rec.redirect;
	if ((r = count_lookup(ev, &term)) != EV_NOMATCH)
		return r;
	if ((r = target_name(ev, rec.redirect, domain, target)) != EV_NOMATCH)
		return r;
	if (target[0] == '\0')
		return fail(ev, MV_AUTH_PERMERROR, "redirect of %s to a name that is not valid", domain);
	if ((r = check_host(ev, target, depth + 1, result_r, exp)) != EV_NOMATCH)
		return r;
	if (*result_r == MV_AUTH_NONE)
		return fail(ev, MV_AUTH_PERMERROR, "redirect=%s has no SPF record", target);
	return EV_NOMATCH;
}

/*
 * 6.2: the explanation of a fail.  Any problem (a bad name, a DNS error,
 * not exactly one TXT record, a syntax error in the text) leaves none.
 */
static int explain(struct eval *ev, const struct exp_ref *exp)
{
	const struct dns_answer *a;
	char name[NAME_SIZE];
	mv_str text;
	int r;

	ev->in_exp = true;
	if ((r = target_name(ev, exp->spec, exp->domain, name)) != EV_NOMATCH || name[0] == '\0')
		return r;
	if ((r = lookup(ev, name, DNS_T_TXT, &a)) != EV_NOMATCH)
		return r;
	if (a->rcode != DNS_R_OK || a->n_rr != 1)
		return EV_NOMATCH;
	text = a->rr[0].text;
	return expand(ev, text, SPF_MACRO_EXPLAIN, exp->domain, ev->out->explanation, sizeof(ev->out->explanation));
}

int spf_check_host(const struct spf_query *q, mv_str domain, struct spf_outcome *out)
{
	struct eval ev;
	struct exp_ref exp;
	enum mv_auth_result result;
	char name[NAME_SIZE];
	int r;

	memset(out, 0, sizeof(*out));
	memset(&ev, 0, sizeof(ev));
	memset(&exp, 0, sizeof(exp));
	ev.q = q;
	ev.out = out;
	ev.env.sender = q->sender;
	ev.env.local = q->local;
	ev.env.sender_domain = q->sender_domain;
	ev.env.helo = q->helo;
	ev.env.receiver = q->receiver;
	spf_macro_env_set_ip(&ev.env, q->ip, q->ipv4, q->time);
	ev.none_reason = "not a valid domain name";
	if (domain.len > 0 && domain.p[domain.len - 1] == '.')
		domain.len--;
	if (!spf_domain_valid(domain) || !copy_name(domain, name)) {
		out->result = MV_AUTH_NONE;
		snprintf(out->problem, sizeof(out->problem), "%s", ev.none_reason);
		return MV_OK;
	}
	r = check_host(&ev, name, 0, &result, &exp);
	if (r == EV_AGAIN)
		return MV_AGAIN;
	if (r == EV_NOMATCH) {
		out->result = result;
		if (result == MV_AUTH_NONE)
			snprintf(out->problem, sizeof(out->problem), "%s", ev.none_reason);
		if (result == MV_AUTH_FAIL && exp.spec.p != NULL && explain(&ev, &exp) == EV_AGAIN)
			return MV_AGAIN;
	}
	out->lookups = ev.lookups;
	out->voids = ev.voids;
	return MV_OK;
}

int spf_query_init(struct spf_query *q, mv_str client_ip, mv_str sender, mv_str helo, mv_arena *arena)
{
	const char *at = sender.len != 0 ? memrchr(sender.p, '@', sender.len) : NULL;
	mv_str local = MV_STR_LIT("postmaster"), domain = sender;
	char *s;

	memset(q, 0, sizeof(*q));
	q->max_void = SPF_MAX_VOID;
	q->helo = helo;
	if (!net_parse_ip(client_ip, q->ip))
		return -1;
	q->ipv4 = memcmp(q->ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
	if (at != NULL) {
		domain = mv_str_make(at + 1, (size_t)(sender.p + sender.len - at - 1));
		if (at > sender.p)
			local = mv_str_make(sender.p, (size_t)(at - sender.p));
	}
	/* "local@domain", copied so the query does not depend on the caller's buffer. */
	s = mv_arena_alloc(arena, local.len + domain.len + 2);
	if (s == NULL)
		return -1;
	memcpy(s, local.p, local.len);
	s[local.len] = '@';
	if (domain.len > 0)
		memcpy(s + local.len + 1, domain.p, domain.len);
	s[local.len + 1 + domain.len] = '\0';
	q->sender = mv_str_make(s, local.len + 1 + domain.len);
	q->local = mv_str_make(s, local.len);
	q->sender_domain = mv_str_make(s + local.len + 1, domain.len);
	return 0;
}
