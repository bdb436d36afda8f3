/*
 * ARC chain validation (RFC 8617 5.2), the parts without DNS.  The fields are
 * found in the top-level header section in any order; each instance must
 * have exactly one of each kind, the instances must run from 1 to N without
 * gaps, the seals say cv=none at 1 and cv=pass above, and the newest seal
 * must not say cv=fail.  The ARC-Authentication-Results field is read only
 * as far as its instance ("i=N;" first, 4.1.1): its results are the
 * sealer's word, not ours.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth/arc.h"
#include "util/arena_fmt.h"

enum arc_kind { KIND_AAR, KIND_AMS, KIND_AS };

static const char *const kind_names[] = { "ARC-Authentication-Results", "ARC-Message-Signature", "ARC-Seal" };

static bool is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *skip_fws(const char *p, const char *end)
{
	while (p < end && is_fws(*p))
		p++;
	return p;
}

/* The instance of an ARC-Authentication-Results value: "i=" instance ";" before anything else. */
static bool aar_instance(mv_str value, unsigned *instance_r)
{
	const char *p = value.p, *end = value.p + value.len, *num;

	p = skip_fws(p, end);
	if (p == end || (*p != 'i' && *p != 'I'))
		return false;
	p = skip_fws(p + 1, end);
	if (p == end || *p != '=')
		return false;
	num = p = skip_fws(p + 1, end);
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (!dkim_arc_instance(mv_str_make(num, (size_t)(p - num)), instance_r))
		return false;
	p = skip_fws(p, end);
	return p < end && *p == ';';
}

/* The instance of an AMS or AS: its tag list's i=. */
static bool sig_instance(mv_str value, unsigned *instance_r, const char **error_r)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const struct dkim_tag *i;
	int n = dkim_tags_parse(value, tags, error_r);

	if (n < 0)
		return false;
	i = dkim_tag_find(tags, n, "i");
	*error_r = i == NULL ? "no i= tag" : "i= is not an instance number from 1 to 50";
	return i != NULL && dkim_arc_instance(i->value, instance_r);
}

static int kind_of(const struct mv_header *h)
{
	int k;

	for (k = KIND_AAR; k <= KIND_AS; k++) {
		if (mv_str_eq_ci(h->name, kind_names[k]))
			return k;
	}
	return -1;
}

/* A reason with numbers in it, in the arena; a plain one when the arena is exhausted. */
static const char *reason_fmt(mv_arena *arena, const char *fallback, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *reason_fmt(mv_arena *arena, const char *fallback, const char *fmt, ...)
{
	va_list ap;
	mv_str s;

	va_start(ap, fmt);
	s = arena_vfmt(arena, 256, fmt, ap);
	va_end(ap);
	return s.p != NULL ? s.p : fallback;
}

/* Step 1 and the placing of each field by instance.  NULL, or why the chain fails. */
static const char *collect(mv_arena *arena, const struct mv_part *root, struct arc_chain *chain, unsigned *fields_r)
{
	size_t total = 0;
	unsigned i, fields = 0;

	for (i = 0; i < root->n_headers; i++) {
		const struct mv_header *h = &root->headers[i];
		int kind = kind_of(h);
		const struct mv_header **slot;
		const char *error = "";
		unsigned inst;
		size_t len;

		if (kind < 0)
			continue;
		if (++fields > 3 * ARC_MAX_INSTANCES)
			return "more than 50 ARC sets";
		len = (size_t)(h->value.p + h->value.len - h->name.p);
		total += len;
		if (len > ARC_MAX_FIELD_BYTES || total > ARC_MAX_TOTAL_BYTES)
			return len > ARC_MAX_FIELD_BYTES ? "an ARC field is longer than 64 KiB" :
				"the ARC fields are longer than 512 KiB in all";
		if (kind == KIND_AAR ? !aar_instance(h->value, &inst) : !sig_instance(h->value, &inst, &error))
			return kind == KIND_AAR ? "an ARC-Authentication-Results does not start with a valid i=" :
				reason_fmt(arena, "an ARC field has no valid i=", "an %s has no valid instance: %s",
					   kind_names[kind], error);
		slot = kind == KIND_AAR ? &chain->set[inst].aar : kind == KIND_AMS ? &chain->set[inst].ams :
			&chain->set[inst].as;
		if (*slot != NULL)
			return reason_fmt(arena, "an ARC field given twice", "two %s fields with i=%u", kind_names[kind],
					  inst);
		*slot = h;
		if (inst > chain->n)
			chain->n = inst;
	}
	*fields_r = fields;
	return NULL;
}

/* Step 3: every set complete from 1 to N, each seal parsed with the cv= its place asks. */
static const char *structure(mv_arena *arena, struct arc_chain *chain)
{
	unsigned i;

	for (i = 1; i <= chain->n; i++) {
		const struct arc_set *s = &chain->set[i];
		struct dkim_sig *seal = &chain->seal[i];
		const char *error;

		chain->incomplete = s->aar == NULL || s->ams == NULL || s->as == NULL;
		if (chain->incomplete)
			return reason_fmt(arena, "an ARC set is incomplete", "ARC set i=%u has no %s", i,
					  s->aar == NULL ? kind_names[KIND_AAR] :
					  s->ams == NULL ? kind_names[KIND_AMS] : kind_names[KIND_AS]);
		if (dkim_sig_parse_kind(arena, s->as->value, DKIM_SIG_ARC_SEAL, seal, &error) < 0)
			return reason_fmt(arena, "an ARC-Seal does not parse", "ARC-Seal i=%u: %s", i, error);
		if (!mv_str_eq_ci(seal->cv, i == 1 ? "none" : "pass"))
			return reason_fmt(arena, "an ARC-Seal has the wrong cv=", "ARC-Seal i=%u has cv=%.*s, not %s", i,
					  (int)seal->cv.len, seal->cv.p, i == 1 ? "none" : "pass");
	}
	return NULL;
}

/* What the clock and RFC 8301 refuse, for a parsed signature; NULL when nothing. */
static const char *refused(const struct dkim_sig *sig, int64_t now, int64_t skew)
{
	if (sig->alg == DKIM_ALG_RSA_SHA1)
		return "rsa-sha1 is not accepted (RFC 8301)";
	if (now != 0 && sig->has_x && sig->x < now - skew)
		return "expired (x=)";
	if (now != 0 && sig->has_t && sig->t > now + skew)
		return "dated in the future (t=)";
	return NULL;
}

enum arc_prepared arc_prepare(mv_arena *arena, const struct mv_part *root, int64_t now, int64_t skew,
			      struct arc_chain *chain, const char **reason_r)
{
	struct dkim_sig last;
	const char *error;
	unsigned fields = 0, i;

	memset(chain, 0, sizeof(*chain));
	*reason_r = collect(arena, root, chain, &fields);
	if (*reason_r == NULL && fields == 0)
		return ARC_PREPARED_NONE;
	/* Step 2 before the structure: a chain its newest sealer called failed stays failed. */
	if (chain->n != 0 && chain->set[chain->n].as != NULL &&
	    dkim_sig_parse_kind(arena, chain->set[chain->n].as->value, DKIM_SIG_ARC_SEAL, &last, &error) == 0 &&
	    mv_str_eq_ci(last.cv, "fail")) {
		*reason_r = reason_fmt(arena, "the newest ARC-Seal has cv=fail", "ARC-Seal i=%u has cv=fail", chain->n);
		return ARC_PREPARED_FAIL;
	}
	if (*reason_r == NULL)
		*reason_r = structure(arena, chain);
	if (*reason_r == NULL &&
	    dkim_sig_parse_kind(arena, chain->set[chain->n].ams->value, DKIM_SIG_ARC_AMS, &chain->ams, &error) < 0)
		*reason_r = reason_fmt(arena, "the newest ARC-Message-Signature does not parse",
				       "ARC-Message-Signature i=%u: %s", chain->n, error);
	if (*reason_r == NULL && (error = refused(&chain->ams, now, skew)) != NULL)
		*reason_r = reason_fmt(arena, error, "ARC-Message-Signature i=%u: %s", chain->n, error);
	for (i = chain->n; *reason_r == NULL && i >= 1; i--) {
		if ((error = refused(&chain->seal[i], now, skew)) != NULL)
			*reason_r = reason_fmt(arena, error, "ARC-Seal i=%u: %s", i, error);
	}
	if (*reason_r != NULL)
		return mv_arena_exhausted(arena) ? ARC_PREPARED_NOMEM : ARC_PREPARED_FAIL;
	return ARC_PREPARED_VERIFY;
}

int arc_verify_ams(mv_arena *arena, const struct mv_part *root, const struct arc_chain *chain, EVP_PKEY *pkey,
		   const char **reason_r)
{
	const struct dkim_sig *ams = &chain->ams;
	const struct mv_header **sel;
	unsigned char bh[64];
	size_t bh_len = 0;
	int rc, n;

	rc = dkim_body_hash(ams, root->body, bh, &bh_len);
	if (rc != 0) {
		*reason_r = rc > 0 ? "l= is longer than the body" : "crypto library failure";
		return rc > 0 ? 0 : -1;
	}
	if (bh_len != ams->bh_len || memcmp(bh, ams->bh, bh_len) != 0) {
		*reason_r = "body hash mismatch";
		return 0;
	}
	n = dkim_select_headers(arena, root, ams, &sel);
	if (n < 0) {
		*reason_r = "out of memory";
		return -1;
	}
	rc = dkim_verify_headers(ams, pkey, chain->set[chain->n].ams, sel, n);
	*reason_r = rc == 0 ? "signature does not verify" : rc < 0 ? "crypto library failure" : NULL;
	return rc;
}

int arc_verify_seal(const struct arc_chain *chain, unsigned i, EVP_PKEY *pkey)
{
	const struct mv_header *sel[3 * ARC_MAX_INSTANCES];
	unsigned j, n = 0;

	for (j = 1; j <= i; j++) {
		sel[n++] = chain->set[j].aar;
		sel[n++] = chain->set[j].ams;
		if (j < i)
			sel[n++] = chain->set[j].as;
	}
	return dkim_verify_headers(&chain->seal[i], pkey, chain->set[i].as, sel, (int)n);
}
