/*
 * DKIM (RFC 6376): every DKIM-Signature of the top-level header section, up
 * to dkim_max_signatures, verified; each gets a result in report->auth.dkim[]
 * (pass, fail, policy, neutral, temperror, permerror) with the reason in
 * plain words, and its domain and selector as an option of its symbol.
 *
 * The first pass parses the signatures and starts every key lookup
 * (selector._domainkey.domain TXT) at once; the pass that finds all the
 * answers verifies.  What can be judged without the key is judged first: a
 * signature that does not parse, has expired, is dated in the future or does
 * not cover every From field costs no lookup.  When a limit cut the header
 * section (or the message), no signature can be verified: each is neutral,
 * never pass.  Body hashes are shared between signatures that hash the body
 * the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "auth/dkim.h"
#include "dns/dns.h"
#include "engine/check.h"

enum { SYM_DKIM_VALID, SYM_DKIM_INVALID, SYM_DKIM_PERMERROR, SYM_DKIM_TEMPERROR, SYM_DKIM_WEAK, SYM_DKIM_NONE };

static const struct check_symbol symbols[] = {
	[SYM_DKIM_VALID] = { "DKIM_VALID", "auth", -0.5,
		"a DKIM signature verified (RFC 6376)" },
	[SYM_DKIM_INVALID] = { "DKIM_INVALID", "auth", 1.0,
		"a DKIM signature did not verify: the body or a signed header field was changed" },
	[SYM_DKIM_PERMERROR] = { "DKIM_PERMERROR", "auth", 0.1,
		"a DKIM signature cannot be verified: broken, expired, no usable key, or the message cut by a limit" },
	[SYM_DKIM_TEMPERROR] = { "DKIM_TEMPERROR", "auth", 0.0,
		"a DKIM key could not be fetched (DNS failure or timeout)" },
	[SYM_DKIM_WEAK] = { "DKIM_WEAK", "auth", 0.2,
		"a DKIM signature uses rsa-sha1 or a short RSA key (RFC 8301); under dkim_min_rsa_bits it is refused" },
	[SYM_DKIM_NONE] = { "DKIM_NONE", "auth", 0.0,
		"the message has no DKIM signature" },
};

static const struct mv_setting_def settings[] = {
	{ "dkim_max_signatures", MV_SETTING_UINT, "10", 1, 1000, NULL,
	  "DKIM signatures verified per message (the topmost ones); the others are reported neutral" },
	{ "dkim_min_rsa_bits", MV_SETTING_UINT, "1024", 512, 8192, NULL,
	  "RSA keys shorter than this are refused (RFC 8301: 1024)" },
	{ "dkim_weak_rsa_bits", MV_SETTING_UINT, "2048", 512, 8192, NULL,
	  "RSA keys shorter than this are weak (DKIM_WEAK), though accepted" },
	{ "dkim_clock_skew", MV_SETTING_TIME, "15m", 0, 7 * 86400000.0, NULL,
	  "how far a signer's clock may be off: t= this far in the future, x= this far in the past still count" },
};

struct dkim_conf {
	unsigned max_signatures, min_rsa_bits, weak_rsa_bits;
	int64_t clock_skew;		/* seconds */
};

static int dkim_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct dkim_conf *conf = calloc(1, sizeof(*conf));

	if (conf == NULL)
		return -1;
	conf->max_signatures = (unsigned)mv_config_uint(cfg, "dkim_max_signatures");
	conf->min_rsa_bits = (unsigned)mv_config_uint(cfg, "dkim_min_rsa_bits");
	conf->weak_rsa_bits = (unsigned)mv_config_uint(cfg, "dkim_weak_rsa_bits");
	conf->clock_skew = (int64_t)(mv_config_time_ms(cfg, "dkim_clock_skew") / 1000);
	*state_r = conf;
	return 0;
}

/* One signature: parsed on the first pass, judged before or after its key. */
struct sig_job {
	const struct mv_header *field;
	struct dkim_sig sig;
	bool parsed;
	bool need_key;			/* nothing decided before the key: look it up */
	char key_name[520];		/* selector._domainkey.domain */
	enum mv_auth_result result;	/* when decided before the key */
	const char *reason;
};

struct body_hash {
	enum dkim_canon canon;
	enum dkim_hash hash;
	bool has_l;
	uint64_t l;
	int rc;				/* dkim_body_hash() */
	unsigned char digest[64];
	size_t len;
};

struct dkim_run {
	struct sig_job *jobs;
	unsigned n;
	struct body_hash *hashes;	/* at most one per verified signature */
	unsigned n_hashes;
};

/* RFC 6376 8.15: a From field the signature does not cover could be the one a reader sees. */
static bool from_uncovered(const struct mv_part *root, const struct dkim_sig *sig)
{
	unsigned listed = 0, i;

	for (i = 0; i < sig->n_h; i++)
		listed += mv_str_eq_ci(sig->h[i], "from");
	return mv_part_header_count(root, "From") > listed;
}

/* What can be decided without the key; need_key when nothing is. */
static void judge_before_key(struct sig_job *job, const struct mv_msg *msg, const struct dkim_conf *conf,
			     int64_t now, unsigned index)
{
	const struct dkim_sig *sig = &job->sig;

	job->result = MV_AUTH_PERMERROR;
	if (!job->parsed)
		return;
	job->result = MV_AUTH_NEUTRAL;
	if (msg->root->problems & (MV_PROB_HEADER_COUNT | MV_PROB_HEADER_BYTES)) {
		job->reason = "the header section was cut by max_headers or max_header_bytes: not verifiable";
		return;
	}
	if (msg->problems & MV_PROB_MESSAGE_SIZE) {
		job->reason = "the message was cut at max_message_bytes: not verifiable";
		return;
	}
	if (index >= conf->max_signatures) {
		job->reason = "not verified: more signatures than dkim_max_signatures";
		return;
	}
	job->result = MV_AUTH_PERMERROR;
	if (now != 0 && sig->has_x && sig->x < now - conf->clock_skew) {
		job->reason = "signature expired (x=)";
		return;
	}
	if (now != 0 && sig->has_t && sig->t > now + conf->clock_skew) {
		job->reason = "signature dated in the future (t=)";
		return;
	}
	if (from_uncovered(msg->root, sig)) {
		job->result = MV_AUTH_FAIL;
		job->reason = "a From field is not covered by the signature";
		return;
	}
	snprintf(job->key_name, sizeof(job->key_name), "%.*s._domainkey.%.*s", (int)sig->selector.len,
		 sig->selector.p, (int)sig->domain.len, sig->domain.p);
	job->need_key = true;
}

static struct dkim_run *prepare(struct mv_task *task, const struct dkim_conf *conf)
{
	struct mv_msg *msg = task_msg(task);
	const struct mv_header *f;
	struct dkim_run *run = mv_arena_calloc(msg->arena, 1, sizeof(*run));
	int64_t now = task_envelope(task)->txn.time;
	unsigned i = 0;

	if (run == NULL)
		return NULL;
	run->n = mv_part_header_count(msg->root, "DKIM-Signature");
	run->jobs = mv_arena_calloc(msg->arena, run->n + 1, sizeof(*run->jobs));
	run->hashes = mv_arena_calloc(msg->arena, conf->max_signatures, sizeof(*run->hashes));
	if (run->jobs == NULL || run->hashes == NULL)
		return NULL;
	for (f = mv_part_header(msg->root, "DKIM-Signature"); f != NULL && i < run->n;
	     f = mv_part_header_next(msg->root, f), i++) {
		struct sig_job *job = &run->jobs[i];

		job->field = f;
		job->parsed = dkim_sig_parse(msg->arena, f->value, &job->sig, &job->reason) == 0;
		if (!job->parsed && mv_arena_exhausted(msg->arena))
			return NULL;
		judge_before_key(job, msg, conf, now, i);
	}
	return run;
}

/* The body hash for the signature's canonicalization, hash and l=, made once per kind. */
static const struct body_hash *body_hash(struct dkim_run *run, const struct dkim_sig *sig, mv_str body)
{
	struct body_hash *bh;
	unsigned i;

	for (i = 0; i < run->n_hashes; i++) {
		bh = &run->hashes[i];
		if (bh->canon == sig->body_canon && bh->hash == dkim_alg_hash(sig->alg) && bh->has_l == sig->has_l &&
		    bh->l == sig->l)
			return bh;
	}
	bh = &run->hashes[run->n_hashes++];
	bh->canon = sig->body_canon;
	bh->hash = dkim_alg_hash(sig->alg);
	bh->has_l = sig->has_l;
	bh->l = sig->l;
	bh->rc = dkim_body_hash(sig, body, bh->digest, &bh->len);
	return bh;
}

static mv_str arena_copy(mv_arena *arena, mv_str s)
{
	char *p = mv_arena_strndup(arena, s.p != NULL ? s.p : "", s.len);

	return p != NULL ? mv_str_make(p, s.len) : MV_STR_NULL;
}

/* Verifies one signature whose key answer has come.  MV_OK, or MV_NOMEM. */
static int verify_job(struct mv_task *task, const struct dkim_conf *conf, struct dkim_run *run, struct sig_job *job,
		      const struct dns_answer *answer, struct mv_auth_dkim *r)
{
	struct mv_msg *msg = task_msg(task);
	const struct dkim_sig *sig = &job->sig;
	const struct body_hash *bh;
	const struct mv_header **sel;
	struct dkim_key key;
	const char *reason;
	char buf[120];
	EVP_PKEY *pkey;
	int n, rc;

	r->result = dkim_key_read(msg->arena, answer, &key, &reason);
	if (r->result != MV_AUTH_PASS || (reason = dkim_key_refuses(&key, sig)) != NULL) {
		if (r->result == MV_AUTH_PASS)
			r->result = MV_AUTH_PERMERROR;
		r->reason = mv_str_cstr(reason);
		return mv_arena_exhausted(msg->arena) ? MV_NOMEM : MV_OK;
	}
	r->testing = key.testing;
	pkey = dkim_pkey_load(&key, &r->key_bits, &reason);
	if (pkey == NULL) {
		r->result = MV_AUTH_PERMERROR;
		r->reason = mv_str_cstr(reason);
		return MV_OK;
	}
	bh = body_hash(run, sig, msg->root->body);
	n = dkim_select_headers(msg->arena, msg->root, sig, &sel);
	if (bh->rc != 0) {
		r->result = bh->rc > 0 ? MV_AUTH_PERMERROR : MV_AUTH_TEMPERROR;
		r->reason = mv_str_cstr(bh->rc > 0 ? "l= is longer than the body" : "crypto library failure");
	} else if (bh->len != sig->bh_len || memcmp(bh->digest, sig->bh, bh->len) != 0) {
		r->result = MV_AUTH_FAIL;
		r->reason = mv_str_cstr("body hash mismatch");
	} else if (n >= 0 && (rc = dkim_verify_headers(sig, pkey, job->field, sel, n)) != 1) {
		r->result = rc == 0 ? MV_AUTH_FAIL : MV_AUTH_TEMPERROR;
		r->reason = mv_str_cstr(rc == 0 ? "signature does not verify" : "crypto library failure");
	} else if (n >= 0) {
		bool rsa = key.type == DKIM_KEY_RSA;

		r->result = MV_AUTH_PASS;
		r->weak = sig->alg == DKIM_ALG_RSA_SHA1 || (rsa && r->key_bits < conf->weak_rsa_bits);
		if (sig->alg == DKIM_ALG_RSA_SHA1) {
			r->result = MV_AUTH_POLICY;
			r->reason = mv_str_cstr("rsa-sha1 is not accepted (RFC 8301)");
		} else if (rsa && r->key_bits < conf->min_rsa_bits) {
			snprintf(buf, sizeof(buf), "RSA key of %u bits, under dkim_min_rsa_bits (%u)", r->key_bits,
				 conf->min_rsa_bits);
			r->result = MV_AUTH_POLICY;
			r->reason = arena_copy(msg->arena, mv_str_cstr(buf));
		}
	}
	EVP_PKEY_free(pkey);
	return n < 0 ? MV_NOMEM : MV_OK;
}

static int report_symbol(struct mv_task *task, unsigned sym, const struct mv_auth_dkim *r)
{
	char option[300];
	int w = check_snippet_len(r->domain, 100), ws = check_snippet_len(r->selector, 100);
	int len;

	if (r->domain.len == 0 && r->selector.len == 0)
		/* Too broken to have a name: the detail says why, and there is no option to give. */
		return task_symbol(task, sym, "a DKIM-Signature: %.*s", (int)r->reason.len, r->reason.p) < 0 ? -1 : 0;
	if (r->result == MV_AUTH_PASS || r->result == MV_AUTH_POLICY)
		len = task_symbol(task, sym, "d=%.*s s=%.*s %.*s %u bits%s%.*s", w, r->domain.p, ws, r->selector.p,
				  check_snippet_len(r->algorithm, 20), r->algorithm.p, r->key_bits,
				  r->reason.len != 0 ? ": " : "", (int)r->reason.len, r->reason.p);
	else
		len = task_symbol(task, sym, "d=%.*s s=%.*s: %.*s", w, r->domain.p, ws, r->selector.p,
				  (int)r->reason.len, r->reason.p);
	if (len < 0)
		return -1;
	len = snprintf(option, sizeof(option), "%.*s:%.*s", w, r->domain.p, ws, r->selector.p);
	return task_symbol_option(task, sym, mv_str_make(option, (size_t)len));
}

/* The symbols of one signature's result. */
static int report_result(struct mv_task *task, const struct mv_auth_dkim *r)
{
	switch (r->result) {
	case MV_AUTH_PASS:
		if (r->weak && report_symbol(task, SYM_DKIM_WEAK, r) < 0)
			return -1;
		return report_symbol(task, SYM_DKIM_VALID, r);
	case MV_AUTH_POLICY:
		return report_symbol(task, SYM_DKIM_WEAK, r);
	case MV_AUTH_FAIL:
		/* RFC 6376 3.6.1 t=y: a failure in testing mode counts as no signature. */
		return r->testing ? 0 : report_symbol(task, SYM_DKIM_INVALID, r);
	case MV_AUTH_TEMPERROR:
		return report_symbol(task, SYM_DKIM_TEMPERROR, r);
	default:
		return report_symbol(task, SYM_DKIM_PERMERROR, r);
	}
}

static int finish(struct mv_task *task, const struct dkim_conf *conf, struct dkim_run *run)
{
	struct mv_report *report = task_report(task);
	mv_arena *arena = task_arena(task);
	struct mv_auth_dkim *results;
	unsigned i;

	/*
	 * No signature: nothing to record in report->auth (an unsigned message
	 * leaves it unchecked, as with S/MIME), only the symbol.
	 */
	if (run->n == 0)
		return task_symbol(task, SYM_DKIM_NONE, "no DKIM-Signature field%s",
				   task_msg(task)->root->problems & (MV_PROB_HEADER_COUNT | MV_PROB_HEADER_BYTES) ?
				   " among the header fields read (the section was cut by a limit)" : "") < 0 ?
			MV_NOMEM : MV_OK;
	results = mv_arena_calloc(arena, run->n, sizeof(*results));
	if (results == NULL)
		return MV_NOMEM;
	for (i = 0; i < run->n; i++) {
		struct sig_job *job = &run->jobs[i];
		struct mv_auth_dkim *r = &results[i];
		const struct dns_answer *answer = NULL;

		r->domain = arena_copy(arena, job->sig.domain);
		r->selector = arena_copy(arena, job->sig.selector);
		r->algorithm = arena_copy(arena, job->sig.algorithm);
		if (job->need_key && task_dns(task, job->key_name, DNS_T_TXT, &answer) == MV_OK) {
			if (verify_job(task, conf, run, job, answer, r) != MV_OK)
				return MV_NOMEM;
		} else {
			r->result = job->result;
			r->reason = mv_str_cstr(job->reason != NULL ? job->reason : "key lookup failed");
		}
		if (report_result(task, r) < 0)
			return MV_NOMEM;
	}
	report->auth.checked = true;
	report->auth.dkim = results;
	report->auth.n_dkim = run->n;
	return MV_OK;
}

static int dkim_run(struct mv_task *task, void *state)
{
	const struct dkim_conf *conf = state;
	struct dkim_run **slot = (struct dkim_run **)task_check_slot(task);
	bool waiting = false;
	unsigned i;

	if (*slot == NULL && (*slot = prepare(task, conf)) == NULL)
		return MV_NOMEM;
	/* Every lookup of the message in one pass: they run together. */
	for (i = 0; i < (*slot)->n; i++) {
		const struct dns_answer *answer;
		int rc;

		if (!(*slot)->jobs[i].need_key)
			continue;
		rc = task_dns(task, (*slot)->jobs[i].key_name, DNS_T_TXT, &answer);
		if (rc == MV_AGAIN)
			waiting = true;
		else if (rc != MV_OK)
			return rc;
	}
	return waiting ? MV_AGAIN : finish(task, conf, *slot);
}

const struct check_def check_dkim = {
	.name = "dkim",
	.description = "DKIM signatures (RFC 6376, RFC 8463 ed25519, RFC 8301 key sizes) verified against their DNS keys",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS | MV_NEED_DNS,
	.stage = MV_STAGE_BODY,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = dkim_init,
	.deinit = free,
	.run = dkim_run,
};
