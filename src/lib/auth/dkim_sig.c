/*
 * The DKIM-Signature field (RFC 6376 3.5), read strictly: every required tag
 * (v, a, b, bh, d, h, s), v=1, an algorithm and canonicalization we know, a
 * From field among h= (5.4), i= inside d= (6.1.1), base64 that is base64,
 * numbers that are numbers.  Whatever fails makes the signature a permerror
 * with the reason in plain words.  d=, s= and a= are read before anything is
 * judged, so a broken signature can still be named in the report.
 */
#include <string.h>
#include <strings.h>

#include "auth/dkim.h"

enum dkim_hash dkim_alg_hash(enum dkim_alg alg)
{
	return alg == DKIM_ALG_RSA_SHA1 ? DKIM_HASH_SHA1 : DKIM_HASH_SHA256;
}

enum dkim_key_type dkim_alg_key_type(enum dkim_alg alg)
{
	return alg == DKIM_ALG_ED25519_SHA256 ? DKIM_KEY_ED25519 : DKIM_KEY_RSA;
}

static bool is_label_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool dkim_domain_valid(mv_str name)
{
	size_t i, label = 0;

	if (name.len == 0 || name.len > 253)
		return false;
	for (i = 0; i < name.len; i++) {
		if (name.p[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (!is_label_byte(name.p[i]) || ++label > 63) {
			return false;
		}
	}
	return label != 0;
}

/* Decimal digits (at most `max_digits`), saturating at UINT64_MAX; false when not a number. */
static bool parse_decimal(mv_str s, size_t max_digits, uint64_t *value_r)
{
	uint64_t v = 0;
	size_t i;

	if (s.len == 0 || s.len > max_digits)
		return false;
	for (i = 0; i < s.len; i++) {
		unsigned d = (unsigned)(s.p[i] - '0');

		if (d > 9)
			return false;
		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*value_r = v;
	return true;
}

static bool parse_time(mv_str s, int64_t *time_r)
{
	uint64_t v;

	/* RFC 6376 3.5: at least 40 bits must be accepted; 19 digits cannot overflow on the way. */
	if (!parse_decimal(s, 19, &v))
		return false;
	*time_r = v > INT64_MAX ? INT64_MAX : (int64_t)v;
	return true;
}

static int parse_alg(mv_str a, enum dkim_alg *alg_r)
{
	if (mv_str_eq_ci(a, "rsa-sha256"))
		*alg_r = DKIM_ALG_RSA_SHA256;
	else if (mv_str_eq_ci(a, "ed25519-sha256"))
		*alg_r = DKIM_ALG_ED25519_SHA256;
	else if (mv_str_eq_ci(a, "rsa-sha1"))
		*alg_r = DKIM_ALG_RSA_SHA1;
	else
		return -1;
	return 0;
}

static int parse_canon_word(mv_str w, enum dkim_canon *canon_r)
{
	if (mv_str_eq_ci(w, "simple"))
		*canon_r = DKIM_CANON_SIMPLE;
	else if (mv_str_eq_ci(w, "relaxed"))
		*canon_r = DKIM_CANON_RELAXED;
	else
		return -1;
	return 0;
}

/* c=header[/body]; the body's is simple when only one is given (RFC 6376 3.5). */
static int parse_canon(mv_str c, struct dkim_sig *sig)
{
	const char *slash = memchr(c.p, '/', c.len);

	sig->body_canon = DKIM_CANON_SIMPLE;
	if (slash == NULL)
		return parse_canon_word(c, &sig->header_canon);
	if (parse_canon_word(mv_str_make(c.p, (size_t)(slash - c.p)), &sig->header_canon) < 0)
		return -1;
	return parse_canon_word(mv_str_make(slash + 1, (size_t)(c.p + c.len - slash - 1)), &sig->body_canon);
}

/* q= is a colon-separated list of methods; dns/txt is the only one defined. */
static void query_method(mv_str word, void *arg)
{
	bool *dns_txt = arg;

	*dns_txt |= mv_str_eq_ci(word, "dns/txt");
}

/* A field name as h= may list it: printable ASCII but the colon (RFC 5322 2.2). */
static bool field_name_valid(mv_str name)
{
	size_t i;

	if (name.len == 0)
		return false;
	for (i = 0; i < name.len; i++) {
		if (name.p[i] < 0x21 || name.p[i] > 0x7e)
			return false;
	}
	return true;
}

/* Collects the h= names; `bad` when one is malformed, `from` and `seal` when From or ARC-Seal is among them. */
struct h_names {
	struct dkim_sig *sig;
	bool allow_empty;
	bool bad, from, seal;
};

static void h_name(mv_str name, void *arg)
{
	struct h_names *hn = arg;

	if (name.len == 0 && hn->allow_empty)
		return;		/* an AMS's empty name selects nothing */
	hn->bad |= !field_name_valid(name);
	hn->from |= mv_str_eq_ci(name, "from");
	hn->seal |= mv_str_eq_ci(name, "arc-seal");
	hn->sig->h[hn->sig->n_h++] = name;
}

static int parse_h(mv_arena *arena, mv_str h, enum dkim_sig_kind kind, struct dkim_sig *sig, const char **error_r)
{
	struct h_names hn = { sig, kind == DKIM_SIG_ARC_AMS, false, false, false };
	size_t n = 1, i;

	for (i = 0; i < h.len; i++)
		n += h.p[i] == ':';
	if (n > DKIM_MAX_H_NAMES) {
		*error_r = "h= lists too many fields";
		return -1;
	}
	sig->h = mv_arena_alloc(arena, n * sizeof(*sig->h));
	if (sig->h == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	dkim_list_each(h, h_name, &hn);
	if (hn.bad) {
		*error_r = "h= has an empty or malformed field name";
		return -1;
	}
	if (kind == DKIM_SIG_ARC_AMS) {
		/* RFC 8617 4.1.2: seals are not in what the AMS signs; From is not required. */
		if (hn.seal) {
			*error_r = "h= includes ARC-Seal";
			return -1;
		}
		return 0;
	}
	if (!hn.from) {
		/* RFC 6376 5.4 and 6.1.1: the From field MUST be signed. */
		*error_r = "h= does not include From";
		return -1;
	}
	return 0;
}

/*
 * dkim-quoted-printable (RFC 6376 2.11): "=XX" for a byte, folding white
 * space ignored.  Returns the decoded length (never more than the input), or
 * -1 for a '=' without two hex digits after it.
 */
static long dqp_decode(mv_str in, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < in.len; i++) {
		char c = in.p[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			int hi = i + 2 < in.len ? mv_hex_value(in.p[i + 1]) : -1;
			int lo = hi >= 0 ? mv_hex_value(in.p[i + 2]) : -1;

			if (lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		out[n++] = c;
	}
	return (long)n;
}

/*
 * i= is dkim-quoted-printable of [local-part] "@" domain, and its domain is
 * d= or below it (RFC 6376 3.5, 6.1.1).
 */
static int parse_auid(mv_arena *arena, mv_str i, struct dkim_sig *sig, const char **error_r)
{
	char *text = mv_arena_alloc(arena, i.len + 1);
	const char *at;
	long len;
	mv_str dom;

	if (text == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	len = dqp_decode(i, text);
	if (len < 0) {
		*error_r = "i= is not valid quoted-printable";
		return -1;
	}
	at = memrchr(text, '@', (size_t)len);
	if (at == NULL) {
		*error_r = "i= has no '@'";
		return -1;
	}
	sig->auid = mv_str_make(text, (size_t)len);
	dom = mv_str_make(at + 1, (size_t)(text + len - at - 1));
	sig->auid_domain = dom;
	if (dom.len < sig->domain.len ||
	    strncasecmp(dom.p + dom.len - sig->domain.len, sig->domain.p, sig->domain.len) != 0 ||
	    (dom.len > sig->domain.len && dom.p[dom.len - sig->domain.len - 1] != '.')) {
		*error_r = "i= is not in the d= domain";
		return -1;
	}
	return 0;
}

/* bh= is NULL for an ARC-Seal, which signs no body. */
static int parse_base64_tags(mv_arena *arena, const struct dkim_tag *b, const struct dkim_tag *bh,
			     struct dkim_sig *sig, const char **error_r)
{
	long n;

	if (bh != NULL) {
		n = dkim_base64_decode(bh->value, sig->bh, sizeof(sig->bh));
		if (n <= 0) {
			*error_r = n == 0 ? "bh= is empty" : "bh= is not valid base64";
			return -1;
		}
		sig->bh_len = (size_t)n;
	}
	sig->b = mv_arena_alloc(arena, DKIM_MAX_SIG_BYTES);
	if (sig->b == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	n = dkim_base64_decode(b->value, sig->b, DKIM_MAX_SIG_BYTES);
	if (n <= 0) {
		*error_r = n == 0 ? "b= is empty" : "b= is not valid base64, or too long";
		return -1;
	}
	sig->b_len = (size_t)n;
	sig->b_cut = b->after_eq;
	sig->b_cut_end = b->value.p + b->value.len;
	return 0;
}

static int parse_numbers(const struct dkim_tag *tags, int n, struct dkim_sig *sig, const char **error_r)
{
	const struct dkim_tag *l = dkim_tag_find(tags, n, "l");
	const struct dkim_tag *t = dkim_tag_find(tags, n, "t");
	const struct dkim_tag *x = dkim_tag_find(tags, n, "x");

	/* l= has at most 76 digits (RFC 6376 3.5); a value past 2^64 saturates, and is longer than any body. */
	if (l != NULL && !(sig->has_l = parse_decimal(l->value, 76, &sig->l))) {
		*error_r = "l= is not a number";
		return -1;
	}
	if (t != NULL && !(sig->has_t = parse_time(t->value, &sig->t))) {
		*error_r = "t= is not a number";
		return -1;
	}
	if (x != NULL && !(sig->has_x = parse_time(x->value, &sig->x))) {
		*error_r = "x= is not a number";
		return -1;
	}
	if (sig->has_t && sig->has_x && sig->x <= sig->t) {
		*error_r = "x= is not after t=";
		return -1;
	}
	return 0;
}

bool dkim_arc_instance(mv_str text, unsigned *instance_r)
{
	uint64_t v;

	if (!parse_decimal(text, 2, &v) || v < 1 || v > DKIM_ARC_MAX_INSTANCE)
		return false;
	*instance_r = (unsigned)v;
	return true;
}

/* The tags a kind must have (RFC 6376 3.5, RFC 8617 4.1.2, 4.1.3), in the order their absence is told. */
#define REQ(t) { t, "missing " t "= tag" }
static const struct {
	const char *name, *error;
} required_tags[][8] = {
	[DKIM_SIG_DKIM] = { REQ("v"), REQ("a"), REQ("b"), REQ("bh"), REQ("d"), REQ("h"), REQ("s") },
	[DKIM_SIG_ARC_AMS] = { REQ("i"), REQ("a"), REQ("b"), REQ("bh"), REQ("d"), REQ("h"), REQ("s") },
	[DKIM_SIG_ARC_SEAL] = { REQ("i"), REQ("a"), REQ("b"), REQ("cv"), REQ("d"), REQ("s") },
};
#undef REQ

static const char *missing_tag(const struct dkim_tag *tags, int n, enum dkim_sig_kind kind)
{
	unsigned i;

	for (i = 0; required_tags[kind][i].name != NULL; i++) {
		if (dkim_tag_find(tags, n, required_tags[kind][i].name) == NULL)
			return required_tags[kind][i].error;
	}
	return NULL;
}

/* What only the ARC kinds have: i= the instance, the seal's cv= and its missing h=. */
static int parse_arc_tags(const struct dkim_tag *tags, int n, enum dkim_sig_kind kind, struct dkim_sig *sig,
			  const char **error_r)
{
	if (!dkim_arc_instance(dkim_tag_find(tags, n, "i")->value, &sig->instance)) {
		*error_r = "i= is not an instance number from 1 to 50";
		return -1;
	}
	if (kind != DKIM_SIG_ARC_SEAL)
		return 0;
	sig->cv = dkim_tag_find(tags, n, "cv")->value;
	if (!mv_str_eq_ci(sig->cv, "none") && !mv_str_eq_ci(sig->cv, "pass") && !mv_str_eq_ci(sig->cv, "fail")) {
		*error_r = "cv= is not none, pass or fail";
		return -1;
	}
	if (dkim_tag_find(tags, n, "h") != NULL) {
		/* RFC 8617 4.1.3: a seal covers the ARC sets, never chosen fields. */
		*error_r = "an ARC-Seal has no h= tag";
		return -1;
	}
	sig->header_canon = DKIM_CANON_RELAXED;
	return 0;
}

int dkim_sig_parse(mv_arena *arena, mv_str value, struct dkim_sig *sig, const char **error_r)
{
	return dkim_sig_parse_kind(arena, value, DKIM_SIG_DKIM, sig, error_r);
}

int dkim_sig_parse_kind(mv_arena *arena, mv_str value, enum dkim_sig_kind kind, struct dkim_sig *sig,
			const char **error_r)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const struct dkim_tag *v, *a, *b, *bh, *d, *h, *s, *c, *q, *i;
	const char *missing;
	bool dns_txt = true;
	int n;

	memset(sig, 0, sizeof(*sig));
	n = dkim_tags_parse(value, tags, error_r);
	if (n < 0)
		return -1;
	d = dkim_tag_find(tags, n, "d");
	s = dkim_tag_find(tags, n, "s");
	a = dkim_tag_find(tags, n, "a");
	if (d != NULL)
		sig->domain = sig->auid_domain = d->value;
	if (s != NULL)
		sig->selector = s->value;
	if (a != NULL)
		sig->algorithm = a->value;
	missing = missing_tag(tags, n, kind);
	if (missing != NULL) {
		*error_r = missing;
		return -1;
	}
	v = dkim_tag_find(tags, n, "v");
	b = dkim_tag_find(tags, n, "b");
	bh = kind != DKIM_SIG_ARC_SEAL ? dkim_tag_find(tags, n, "bh") : NULL;
	h = dkim_tag_find(tags, n, "h");
	/* RFC 8617 4.1.2, 4.1.3: ARC fields have no version; one written is ignored. */
	if (kind == DKIM_SIG_DKIM && !mv_str_eq(v->value, "1")) {
		*error_r = "v= is not 1";
		return -1;
	}
	if (parse_alg(a->value, &sig->alg) < 0) {
		*error_r = "unsupported algorithm a=";
		return -1;
	}
	c = dkim_tag_find(tags, n, "c");
	if (c != NULL && kind != DKIM_SIG_ARC_SEAL && parse_canon(c->value, sig) < 0) {
		*error_r = "unsupported canonicalization c=";
		return -1;
	}
	q = dkim_tag_find(tags, n, "q");
	if (q != NULL) {
		dns_txt = false;
		dkim_list_each(q->value, query_method, &dns_txt);
	}
	if (!dns_txt) {
		*error_r = "unsupported query method q=";
		return -1;
	}
	if (!dkim_domain_valid(sig->domain)) {
		*error_r = "d= is not a domain name";
		return -1;
	}
	if (!dkim_domain_valid(sig->selector)) {
		*error_r = "s= is not a valid selector";
		return -1;
	}
	if (kind != DKIM_SIG_DKIM) {
		if (parse_arc_tags(tags, n, kind, sig, error_r) < 0)
			return -1;
	} else {
		i = dkim_tag_find(tags, n, "i");
		if (i != NULL && parse_auid(arena, i->value, sig, error_r) < 0)
			return -1;
	}
	if ((h != NULL && kind != DKIM_SIG_ARC_SEAL && parse_h(arena, h->value, kind, sig, error_r) < 0) ||
	    parse_numbers(tags, n, sig, error_r) < 0)
		return -1;
	return parse_base64_tags(arena, b, bh, sig, error_r);
}
