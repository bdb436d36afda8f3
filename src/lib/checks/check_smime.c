/*
 * S/MIME signatures: the engine's side of auth/smime.  The trust anchors
 * (smime_ca_file) are read once per engine into an X509_STORE that every
 * thread then only reads (OpenSSL 3 locks its lookups).  The result goes to
 * report->auth.smime and to one symbol.
 *
 * The default is Debian's bundle of public CAs, which issue S/MIME
 * certificates too.  When that default is not installed the store is empty,
 * so a signature is at best untrusted; a file the configuration names must
 * be readable, or the engine is not made.  The default bundle (about 150
 * certificates, some 30 ms to read) is read on the first signed message, so
 * that a command that scans one unsigned message does not wait for it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
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

struct smime_state {
	pthread_mutex_t lock;
	X509_STORE *store;		/* NULL until the first signed message when lazy */
	char path[4096];		/* the default bundle, read when first needed */
	bool lazy;
};

static int smime_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	const char *path = mv_config_string(cfg, "smime_ca_file");
	struct smime_state *st = calloc(1, sizeof(*st));
	const char *file;
	unsigned line;
	char *why = NULL;

	if (st == NULL)
		return -1;
	pthread_mutex_init(&st->lock, NULL);
	*state_r = st;
	if (!mv_config_is_set(cfg, "smime_ca_file")) {
		st->lazy = access(path, R_OK) == 0 && strlen(path) < sizeof(st->path);
		if (st->lazy)
			memcpy(st->path, path, strlen(path) + 1);
		else
			st->store = smime_store_load("", &why);	/* the default is not installed: no anchors */
		return st->lazy || st->store != NULL ? 0 : -1;
	}
	/* A file the administrator named is read now, so that a mistake in it stops the start. */
	st->store = smime_store_load(path, &why);
	if (st->store != NULL)
		return 0;
	file = mv_config_where(cfg, "smime_ca_file", &line);
	*error_r = engine_error(file, line, "smime_ca_file: %s", why != NULL ? why : "out of memory");
	free(why);
	return -1;
}

static void smime_deinit(void *state)
{
	struct smime_state *st = state;

	X509_STORE_free(st->store);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

/* The trust anchors; read at the first call when lazy.  An unreadable default bundle means none. */
static X509_STORE *smime_store(struct smime_state *st)
{
	X509_STORE *store;
	char *why = NULL;

	pthread_mutex_lock(&st->lock);
	if (st->store == NULL && st->lazy) {
		st->store = smime_store_load(st->path, &why);
		if (st->store == NULL)
			st->store = smime_store_load("", &why);
		free(why);
	}
	store = st->store;
	pthread_mutex_unlock(&st->lock);
	return store;
}

/* Whether any part is signed S/MIME: multipart/signed or application/(x-)pkcs7-mime. */
static bool has_signed_part(const struct mv_msg *msg)
{
	unsigned i;

	for (i = 0; i < msg->n_parts; i++) {
		const struct mv_ctype *ct = &msg->parts[i]->ctype;

		if ((mv_str_eq_ci(ct->type, "multipart") && mv_str_eq_ci(ct->subtype, "signed")) ||
		    (mv_str_eq_ci(ct->type, "application") &&
		     (mv_str_eq_ci(ct->subtype, "pkcs7-mime") || mv_str_eq_ci(ct->subtype, "x-pkcs7-mime"))))
			return true;
	}
	return false;
}

static int smime_run(struct mv_task *task, void *state)
{
	struct mv_auth_smime *auth = &task_report(task)->auth.smime;
	struct smime_result r;
	int w, rc;

	X509_STORE *store;

	if (!has_signed_part(task_msg(task)))
		return MV_OK;
	store = smime_store(state);
	if (store == NULL)
		return MV_NOMEM;
	if (smime_message(task_msg(task), store, task_envelope(task)->txn.time, &r) < 0)
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
