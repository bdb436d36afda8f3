/*
 * libFuzzer target for ARC validation without DNS; the first byte picks what
 * the rest is:
 *   0  an ARC-Message-Signature value (DKIM's parser in its AMS form)
 *   1  an ARC-Seal value (its seal form: i=, cv=, no h=)
 *   2+ a message: its ARC sets collected and checked (arc_prepare); when the
 *      chain is sound by its structure, the properties that promises are
 *      checked, and AMS(N) and every seal are verified against a fixed key
 *      of their kind (they fail, but canonicalize and hash all they cover)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/arc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *rsa, *ed;

static void fuzz_field(mv_str value, enum dkim_sig_kind kind)
{
	mv_arena *arena = mv_arena_new((size_t)16 << 20);
	struct dkim_sig sig;
	const char *error = NULL;

	if (arena == NULL)
		return;
	if (dkim_sig_parse_kind(arena, value, kind, &sig, &error) == 0) {
		/* What the parser promises of an ARC field it accepts. */
		if (sig.instance < 1 || sig.instance > ARC_MAX_INSTANCES || sig.domain.len == 0 ||
		    sig.b_len == 0 || (kind == DKIM_SIG_ARC_SEAL && (sig.cv.len == 0 || sig.n_h != 0)) ||
		    (kind == DKIM_SIG_ARC_AMS && sig.bh_len == 0))
			abort();
	} else if (error == NULL) {
		abort();
	}
	mv_arena_free(&arena);
}

static EVP_PKEY *key_for(const struct dkim_sig *sig)
{
	return dkim_alg_key_type(sig->alg) == DKIM_KEY_ED25519 ? ed : rsa;
}

static void fuzz_message(const uint8_t *data, size_t size)
{
	struct mv_limits limits = { .max_headers = 400 };
	struct mv_msg *msg;
	struct arc_chain *chain = malloc(sizeof(*chain));
	const char *reason = NULL;
	enum arc_prepared rc;
	unsigned i;

	if (chain == NULL)
		return;
	if (mv_msg_parse((const char *)data, size, &limits, &msg) < 0) {
		free(chain);
		return;
	}
	rc = arc_prepare(msg->arena, msg->root, 1700000000, 900, chain, &reason);
	if ((rc == ARC_PREPARED_FAIL && reason == NULL) || (rc == ARC_PREPARED_VERIFY && reason != NULL))
		abort();
	if (rc == ARC_PREPARED_NONE) {
		for (i = 0; i < msg->root->n_headers; i++) {
			if (mv_str_eq_ci(msg->root->headers[i].name, "ARC-Seal"))
				abort();
		}
	}
	if (rc == ARC_PREPARED_VERIFY) {
		if (chain->n < 1 || chain->n > ARC_MAX_INSTANCES || chain->ams.instance != chain->n)
			abort();
		for (i = 1; i <= chain->n; i++) {
			const struct arc_set *s = &chain->set[i];

			if (s->aar == NULL || s->ams == NULL || s->as == NULL || chain->seal[i].instance != i ||
			    !mv_str_eq_ci(chain->seal[i].cv, i == 1 ? "none" : "pass"))
				abort();
		}
		arc_verify_ams(msg->arena, msg->root, chain, key_for(&chain->ams), &reason);
		for (i = chain->n; i >= 1; i--)
			arc_verify_seal(chain, i, key_for(&chain->seal[i]));
	}
	mv_msg_free(&msg);
	free(chain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (rsa == NULL) {
		rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
		ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		if (rsa == NULL || ed == NULL)
			abort();
	}
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_field(mv_str_make((const char *)data + 1, size - 1), DKIM_SIG_ARC_AMS);
		break;
	case 1:
		fuzz_field(mv_str_make((const char *)data + 1, size - 1), DKIM_SIG_ARC_SEAL);
		break;
	default:
		fuzz_message(data + 1, size - 1);
		break;
	}
	return 0;
}
