/*
 * The DKIM key record (RFC 6376 3.6.1; k=ed25519 from RFC 8463): the TXT
 * record at selector._domainkey.domain.  v= must come first and say DKIM1
 * when present; k= (rsa by default), h= (the hashes the key may be used with),
 * s= (the services: "*" or "email" must be among them) and t= (flags: y for
 * testing, s for strict identity) are checked here; unknown tags and unknown
 * words inside lists are ignored, as 3.6.1 asks.  An empty p= is a revoked
 * key.  The key bytes are decoded, not interpreted: dkim_verify.c loads them.
 */
#include <string.h>
#include <strings.h>

#include "auth/dkim.h"
#include "dns/dns.h"

static void hash_word(mv_str w, void *arg)
{
	struct dkim_key *key = arg;

	if (mv_str_eq_ci(w, "sha256"))
		key->sha256_ok = true;
	else if (mv_str_eq_ci(w, "sha1"))
		key->sha1_ok = true;
}

static void service_word(mv_str w, void *arg)
{
	bool *email = arg;

	if (mv_str_eq(w, "*") || mv_str_eq_ci(w, "email"))
		*email = true;
}

static void flag_word(mv_str w, void *arg)
{
	struct dkim_key *key = arg;

	if (mv_str_eq_ci(w, "y"))
		key->testing = true;
	else if (mv_str_eq_ci(w, "s"))
		key->strict = true;
}

int dkim_key_parse(mv_arena *arena, mv_str record, struct dkim_key *key, const char **error_r)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const struct dkim_tag *v, *k, *h, *s, *t, *p;
	bool email = false;
	long len;
	int n;

	memset(key, 0, sizeof(*key));
	n = dkim_tags_parse(record, tags, error_r);
	if (n < 0)
		return -1;
	v = dkim_tag_find(tags, n, "v");
	if (v != NULL && (v != &tags[0] || !mv_str_eq(v->value, "DKIM1"))) {
		*error_r = v != &tags[0] ? "key v= is not the first tag" : "key v= is not DKIM1";
		return -1;
	}
	k = dkim_tag_find(tags, n, "k");
	if (k == NULL || mv_str_eq_ci(k->value, "rsa")) {
		key->type = DKIM_KEY_RSA;
	} else if (mv_str_eq_ci(k->value, "ed25519")) {
		key->type = DKIM_KEY_ED25519;
	} else {
		*error_r = "unsupported key type k=";
		return -1;
	}
	h = dkim_tag_find(tags, n, "h");
	if (h != NULL)
		dkim_list_each(h->value, hash_word, key);
	else
		key->sha1_ok = key->sha256_ok = true;
	s = dkim_tag_find(tags, n, "s");
	if (s != NULL) {
		dkim_list_each(s->value, service_word, &email);
		if (!email) {
			*error_r = "key is not for e-mail (s=)";
			return -1;
		}
	}
	t = dkim_tag_find(tags, n, "t");
	if (t != NULL)
		dkim_list_each(t->value, flag_word, key);
	p = dkim_tag_find(tags, n, "p");
	if (p == NULL) {
		*error_r = "key record has no p=";
		return -1;
	}
	if (p->value.len == 0) {
		*error_r = "key revoked";
		return -1;
	}
	key->p = mv_arena_alloc(arena, DKIM_MAX_KEY_BYTES);
	if (key->p == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	len = dkim_base64_decode(p->value, key->p, DKIM_MAX_KEY_BYTES);
	if (len <= 0) {
		*error_r = "key p= is not valid base64, or too long";
		return -1;
	}
	key->p_len = (size_t)len;
	return 0;
}

/* The first key record of the answer that parses (RFC 6376 3.6.2.2 leaves the choice to us). */
enum mv_auth_result dkim_key_read(mv_arena *arena, const struct dns_answer *a, struct dkim_key *key,
				  const char **reason_r)
{
	unsigned i;

	switch (a->rcode) {
	case DNS_R_OK:
		break;
	case DNS_R_NXDOMAIN:
		*reason_r = "no key record (NXDOMAIN)";
		return MV_AUTH_PERMERROR;
	case DNS_R_BADNAME:
		*reason_r = "the key's name is not a valid domain name";
		return MV_AUTH_PERMERROR;
	case DNS_R_LIMIT:
		*reason_r = "key not looked up: dns_max_queries spent";
		return MV_AUTH_TEMPERROR;
	case DNS_R_TIMEOUT:
		*reason_r = "key lookup timed out";
		return MV_AUTH_TEMPERROR;
	default:
		*reason_r = "key lookup failed (DNS temporary failure)";
		return MV_AUTH_TEMPERROR;
	}
	*reason_r = "no key record";
	for (i = 0; i < a->n_rr; i++) {
		const char *error;

		if (dkim_key_parse(arena, a->rr[i].text, key, &error) == 0)
			return MV_AUTH_PASS;
		if (i == 0)
			*reason_r = error;
	}
	return MV_AUTH_PERMERROR;
}

/* The key's own restrictions on this signature (RFC 6376 3.6.1). */
const char *dkim_key_refuses(const struct dkim_key *key, const struct dkim_sig *sig)
{
	if (key->type != dkim_alg_key_type(sig->alg))
		return "the key's type (k=) does not match the algorithm (a=)";
	if (!(dkim_alg_hash(sig->alg) == DKIM_HASH_SHA1 ? key->sha1_ok : key->sha256_ok))
		return "the key's h= does not allow the signature's hash";
	if (key->strict && (sig->auid_domain.len != sig->domain.len ||
			    strncasecmp(sig->auid_domain.p, sig->domain.p, sig->domain.len) != 0))
		return "the key has t=s but i= is in a subdomain of d=";
	return NULL;
}
