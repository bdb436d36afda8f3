/*
 * ARC (RFC 8617): the Authenticated Received Chain of inbound mail validated
 * as 5.2 says; the result (none, pass, fail, or temperror when a key could
 * not be fetched, neutral when a limit cut the message) goes into
 * report->auth.arc with the number of sets and the reason.
 *
 * auth/arc.c judges what needs no key; then the first pass starts every key
 * lookup (AMS(N) and each seal) at once and the pass that finds all the
 * answers verifies, newest first as 5.2 orders: AMS(N), then AS(N) down to
 * AS(1).  A failure anywhere fails the chain; a key that could not be
 * fetched leaves it undecided (temperror) unless something else fails.  The
 * DKIM settings dkim_min_rsa_bits and dkim_clock_skew apply: the keys and
 * signatures are DKIM's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/arc.h"
#include "dns/dns.h"
#include "engine/check.h"

enum { SYM_ARC_PASS, SYM_ARC_FAIL, SYM_ARC_TEMPERROR, SYM_ARC_NONE };

static const struct check_symbol symbols[] = {
	[SYM_ARC_PASS] = { "ARC_PASS", "auth", -0.1,
		"the ARC chain verified (RFC 8617): every seal and the newest message signature; "
		"it says who handled the message, not that they are honest" },
	[SYM_ARC_FAIL] = { "ARC_FAIL", "auth", 0.5,
		"the ARC chain is broken: a seal or the newest message signature does not verify, or the sets are malformed" },
	[SYM_ARC_TEMPERROR] = { "ARC_TEMPERROR", "auth", 0.0,
		"an ARC key could not be fetched (DNS failure or timeout): the chain is not judged" },
	[SYM_ARC_NONE] = { "ARC_NONE", "auth", 0.0,
		"the message has no ARC chain, or one that was not verified because a limit cut the message" },
};

struct arc_conf {
	unsigned min_rsa_bits;
	int64_t clock_skew;		/* seconds */
};

static int arc_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct arc_conf *conf = calloc(1, sizeof(*conf));

	(void)error_r;
	if (conf == NULL)
		return -1;
	conf->min_rsa_bits = (unsigned)mv_config_uint(cfg, "dkim_min_rsa_bits");
	conf->clock_skew = (int64_t)(mv_config_time_ms(cfg, "dkim_clock_skew") / 1000);
	*state_r = conf;
	return 0;
}

struct arc_run {
	enum arc_prepared prepared;
	const char *reason;
	const char *unverifiable;	/* why a limit leaves the chain neutral, or NULL */
	struct arc_chain chain;
	char *key_name[ARC_MAX_INSTANCES + 1];		/* [0]: AMS(N); [i]: AS(i) (arena) */
};

static bool needs_keys(const struct arc_run *run)
{
	return run->prepared == ARC_PREPARED_VERIFY && run->unverifiable == NULL;
}

static const struct dkim_sig *sig_of(const struct arc_run *run, unsigned k)
{
	return k == 0 ? &run->chain.ams : &run->chain.seal[k];
}

static struct arc_run *prepare(struct mv_task *task, const struct arc_conf *conf)
{
	struct mv_msg *msg = task_msg(task);
	struct arc_run *run;
	unsigned k;

	run = mv_arena_calloc(msg->arena, 1, sizeof(*run));
	if (run == NULL)
		return NULL;
	run->prepared = arc_prepare(msg->arena, msg->root, task_envelope(task)->txn.time, conf->clock_skew,
				    &run->chain, &run->reason);
	if (run->prepared == ARC_PREPARED_NOMEM)
		return NULL;
	/*
	 * What is signed may be in what was not read: never pass, and no fail
	 * either.  Below a cut header section fields may be missing, so a chain
	 * that lacks one is not judged; what is wrong in the fields read (too
	 * many, twice, malformed, cv=) still fails.
	 */
	if (msg->root->problems & (MV_PROB_HEADER_COUNT | MV_PROB_HEADER_BYTES) &&
	    (run->prepared == ARC_PREPARED_VERIFY || run->chain.incomplete)) {
		run->unverifiable = "the header section was cut by max_headers or max_header_bytes: not verifiable";
		return run;
	}
	if (msg->problems & MV_PROB_MESSAGE_SIZE && run->prepared == ARC_PREPARED_VERIFY) {
		run->unverifiable = "the message was cut at max_message_bytes: not verifiable";
		return run;
	}
	for (k = 0; needs_keys(run) && k <= run->chain.n; k++) {
		const struct dkim_sig *sig = sig_of(run, k);
		char name[520];
		int len = snprintf(name, sizeof(name), "%.*s._domainkey.%.*s", (int)sig->selector.len, sig->selector.p,
				   (int)sig->domain.len, sig->domain.p);

		run->key_name[k] = mv_arena_strndup(msg->arena, name, (size_t)len);
		if (run->key_name[k] == NULL)
			return NULL;
	}
	return run;
}

/* One signature against its key: PASS, FAIL or TEMPERROR with *reason_r; -1 when out of memory. */
static int verify_one(struct mv_task *task, const struct arc_conf *conf, const struct arc_run *run, unsigned k,
		      const char **reason_r)
{
	struct mv_msg *msg = task_msg(task);
	const struct dkim_sig *sig = sig_of(run, k);
	const struct dns_answer *answer;
	enum mv_auth_result result;
	struct dkim_key key;
	unsigned bits = 0;
	EVP_PKEY *pkey;
	int rc;

	if (task_dns(task, run->key_name[k], DNS_T_TXT, &answer) != MV_OK) {
		*reason_r = "key lookup failed";
		return MV_AUTH_TEMPERROR;
	}
	result = dkim_key_read(msg->arena, answer, &key, reason_r);
	if (result == MV_AUTH_PASS && (*reason_r = dkim_key_refuses(&key, sig)) != NULL)
		return MV_AUTH_FAIL;
	if (result != MV_AUTH_PASS)
		return result == MV_AUTH_TEMPERROR ? MV_AUTH_TEMPERROR : MV_AUTH_FAIL;
	pkey = dkim_pkey_load(&key, &bits, reason_r);
	if (pkey == NULL)
		return MV_AUTH_FAIL;
	if (key.type == DKIM_KEY_RSA && bits < conf->min_rsa_bits) {
		EVP_PKEY_free(pkey);
		*reason_r = "RSA key shorter than dkim_min_rsa_bits";
		return MV_AUTH_FAIL;
	}
	rc = k == 0 ? arc_verify_ams(msg->arena, msg->root, &run->chain, pkey, reason_r) :
		arc_verify_seal(&run->chain, k, pkey);
	EVP_PKEY_free(pkey);
	if (rc < 0 && mv_arena_exhausted(msg->arena))
		return -1;
	if (rc == 0 && k != 0)
		*reason_r = "signature does not verify";
	else if (rc < 0)
		*reason_r = "crypto library failure";
	return rc == 1 ? MV_AUTH_PASS : rc == 0 ? MV_AUTH_FAIL : MV_AUTH_TEMPERROR;
}

/* RFC 8617 5.2 steps 4 and 6: AMS(N), then AS(N) down to AS(1); the first failure decides. */
static int verify_chain(struct mv_task *task, const struct arc_conf *conf, const struct arc_run *run,
			struct mv_auth_arc *arc)
{
	mv_arena *arena = task_arena(task);
	const char *first_temp = NULL;
	unsigned order;

	for (order = 0; order <= run->chain.n; order++) {
		/* order 0 is AMS(N) (k = 0), then the seals from N down. */
		unsigned k = order == 0 ? 0 : run->chain.n + 1 - order;
		const char *reason = NULL;
		const struct dkim_sig *sig = sig_of(run, k);
		int r = verify_one(task, conf, run, k, &reason);
		char buf[300];
		char *p;

		if (r < 0)
			return MV_NOMEM;
		if (r == MV_AUTH_PASS)
			continue;
		if (r == MV_AUTH_TEMPERROR && first_temp != NULL)
			continue;
		snprintf(buf, sizeof(buf), "%s i=%u (d=%.*s s=%.*s): %s", k == 0 ? "ARC-Message-Signature" : "ARC-Seal",
			 k == 0 ? run->chain.n : k, check_snippet_len(sig->domain, 100), sig->domain.p,
			 check_snippet_len(sig->selector, 60), sig->selector.p, reason);
		p = mv_arena_strndup(arena, buf, strlen(buf));
		if (p == NULL)
			return MV_NOMEM;
		if (r == MV_AUTH_FAIL) {
			arc->result = MV_AUTH_FAIL;
			arc->reason = mv_str_cstr(p);
			return MV_OK;
		}
		first_temp = p;
	}
	arc->result = first_temp != NULL ? MV_AUTH_TEMPERROR : MV_AUTH_PASS;
	arc->reason = mv_str_cstr(first_temp != NULL ? first_temp : "");
	return MV_OK;
}

static int finish(struct mv_task *task, const struct arc_conf *conf, const struct arc_run *run)
{
	struct mv_auth *auth = &task_report(task)->auth;
	struct mv_auth_arc *arc = &auth->arc;
	unsigned sym;
	int rc;

	auth->checked = true;
	arc->instances = run->chain.n;
	if (run->unverifiable != NULL) {
		arc->result = MV_AUTH_NEUTRAL;
		arc->reason = mv_str_cstr(run->unverifiable);
	} else if (run->prepared == ARC_PREPARED_FAIL) {
		arc->result = MV_AUTH_FAIL;
		arc->reason = mv_str_cstr(run->reason);
	} else if (run->prepared == ARC_PREPARED_VERIFY) {
		rc = verify_chain(task, conf, run, arc);
		if (rc != MV_OK)
			return rc;
	}
	sym = arc->result == MV_AUTH_PASS ? SYM_ARC_PASS : arc->result == MV_AUTH_FAIL ? SYM_ARC_FAIL :
		arc->result == MV_AUTH_TEMPERROR ? SYM_ARC_TEMPERROR : SYM_ARC_NONE;
	if (arc->result == MV_AUTH_PASS)
		rc = task_symbol(task, sym, "%u ARC set%s, sealed last by %.*s", arc->instances,
				 arc->instances == 1 ? "" : "s", check_snippet_len(run->chain.seal[run->chain.n].domain, 100),
				 run->chain.seal[run->chain.n].domain.p);
	else
		rc = task_symbol(task, sym, "%.*s", (int)arc->reason.len, arc->reason.p);
	return rc < 0 ? MV_NOMEM : MV_OK;
}

static int arc_run(struct mv_task *task, void *state)
{
	const struct arc_conf *conf = state;
	struct arc_run **slot = (struct arc_run **)task_check_slot(task);
	const struct mv_part *root = task_msg(task)->root;
	bool waiting = false;
	unsigned k;

	if (task_envelope(task)->direction != MV_DIRECTION_INBOUND)
		return MV_OK;
	if (*slot == NULL && mv_part_header_count(root, "ARC-Seal") == 0 &&
	    mv_part_header_count(root, "ARC-Message-Signature") == 0 &&
	    mv_part_header_count(root, "ARC-Authentication-Results") == 0)
		/* Nothing to record in report->auth, as for an unsigned message: only the symbol. */
		return task_symbol(task, SYM_ARC_NONE, "no ARC header fields") < 0 ? MV_NOMEM : MV_OK;
	if (*slot == NULL && (*slot = prepare(task, conf)) == NULL)
		return MV_NOMEM;
	/* Every key of the chain in one pass: the lookups run together. */
	for (k = 0; needs_keys(*slot) && k <= (*slot)->chain.n; k++) {
		const struct dns_answer *answer;
		int rc = task_dns(task, (*slot)->key_name[k], DNS_T_TXT, &answer);

		if (rc == MV_AGAIN)
			waiting = true;
		else if (rc != MV_OK)
			return rc;
	}
	return waiting ? MV_AGAIN : finish(task, conf, *slot);
}

const struct check_def check_arc = {
	.name = "arc",
	.description = "the ARC chain (RFC 8617) of inbound mail: every seal and the newest message signature verified",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS | MV_NEED_DNS,
	.stage = MV_STAGE_BODY,
	.init = arc_init,
	.deinit = free,
	.run = arc_run,
};
