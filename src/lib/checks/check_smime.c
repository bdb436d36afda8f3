/*
 * S/MIME signatures: the engine's side of auth/smime.  The trust anchors
 * (smime_ca_file) are read once per engine into an X509_STORE that every
 * thread then only reads (OpenSSL 3 locks its lookups).  The result goes to
 * report->auth.smime and to one symbol.
 *
 * The default is Debian's bundle of public CAs, which issue S/MIME
 * certificates too.  When that default is not installed the store is empty,
 * so a signature is at best untrusted; a file the configuration names must
 * be readable, or the engine is not made.
 */
#include <stdlib.h>
#include <unistd.h>

#include "auth/smime.h"
#include "engine/check.h"
#include "engine/engine_int.h"

#define DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

enum { SYM_SMIME_VALID, SYM_SMIME_UNTRUSTED, SYM_SMIME_INVALID, SYM_SMIME_SIGNER_MISMATCH };

static const struct check_symbol symbols[] = {
	[SYM_SMIME_VALID] = { "SMIME_VALID", "auth", -1.0,
		"an S/MIME signature by the From address that verifies, from a certificate that chains to a trust anchor" },
	/* A self-signed look-alike of a known sender is a cheap forgery: worth a few points. */
	[SYM_SMIME_UNTRUSTED] = { "SMIME_UNTRUSTED", "auth", 2.0,
		"an intact S/MIME signature from a certificate that does not chain to a trust anchor (self-signed, expired)" },
	[SYM_SMIME_INVALID] = { "SMIME_INVALID", "auth", 2.5,
		"an S/MIME signature that does not verify: the signed content was altered, or the signature is broken" },
	[SYM_SMIME_SIGNER_MISMATCH] = { "SMIME_SIGNER_MISMATCH", "auth", 1.5,
		"a valid S/MIME signature whose certificate is not the From address's" },
};

static const struct mv_setting_def settings[] = {
	{ "smime_ca_file", MV_SETTING_STRING, DEFAULT_CA_FILE, 0, 0, NULL,
	  "PEM file of the certificates S/MIME signers must chain to; empty: none, a signature is at best untrusted" },
};

static int smime_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	const char *path = mv_config_string(cfg, "smime_ca_file");
	const char *file;
	unsigned line;
	char *why;

	if (!mv_config_is_set(cfg, "smime_ca_file") && access(path, F_OK) != 0)
		path = "";
	*state_r = smime_store_load(path, &why);
	if (*state_r != NULL)
		return 0;
	file = mv_config_where(cfg, "smime_ca_file", &line);
	*error_r = engine_error(file, line, "smime_ca_file: %s", why != NULL ? why : "out of memory");
	free(why);
	return -1;
}

static void smime_deinit(void *state)
{
	X509_STORE_free(state);
}

static int smime_run(struct mv_task *task, void *state)
{
	struct mv_auth_smime *auth = &task_report(task)->auth.smime;
	struct smime_result r;
	int w, rc;

	if (smime_message(task_msg(task), state, task_envelope(task)->txn.time, &r) < 0)
		return MV_NOMEM;
	if (r.reason.p == NULL)
		return MV_OK;	/* not signed */
	task_report(task)->auth.checked = true;
	auth->result = r.result;
	auth->signer = r.signer;
	auth->reason = r.reason;
	w = check_snippet_len(r.signer, 200);
	switch (r.result) {
	case MV_AUTH_PASS:
		rc = task_symbol(task, SYM_SMIME_VALID, "signed by %.*s", w, r.signer.p);
		break;
	case MV_AUTH_UNTRUSTED:
		rc = task_symbol(task, SYM_SMIME_UNTRUSTED, "%.*s: %.*s", w, r.signer.p, (int)r.reason.len, r.reason.p);
		break;
	case MV_AUTH_FAIL:
		rc = task_symbol(task, SYM_SMIME_INVALID, "%.*s", (int)r.reason.len, r.reason.p);
		break;
	case MV_AUTH_SIGNER_MISMATCH:
		rc = task_symbol(task, SYM_SMIME_SIGNER_MISMATCH, "%.*s", (int)r.reason.len, r.reason.p);
		break;
	default:
		rc = 0;	/* found but not verified: the reason says why */
		break;
	}
	return rc < 0 ? MV_NOMEM : MV_OK;
}

const struct check_def check_smime = {
	.name = "smime",
	.description = "S/MIME signatures: intact, from a certificate that chains to a trust anchor, by the From address",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.stage = MV_STAGE_BODY,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = smime_init,
	.deinit = smime_deinit,
	.run = smime_run,
};
