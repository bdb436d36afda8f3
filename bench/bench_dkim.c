/*
 * bench-dkim: the CPU cost of one DKIM signature, stage by stage, over
 * messages signed with one key (bench/bench-checks.sh signs them at bench
 * time).  Each stage runs over every message, REPEAT times, on
 * CLOCK_PROCESS_CPUTIME_ID:
 *   verify     the signature checked over the signed header fields, the key
 *              already loaded: the public-key operation `openssl speed`
 *              measures, plus hashing the header data
 *   key        the key record parsed and loaded into OpenSSL (a scan does it
 *              for every signature: no key is kept between messages)
 *   body       the body hash
 *   signature  what the dkim check does for one signature apart from its DNS
 *              lookup: the field parsed, the key read and loaded, the body
 *              hashed, the header fields selected and the signature verified
 * Every signature must verify: one that does not is an error (exit 1).
 *
 * Usage: bench-dkim -k KEY_RECORD [-r REPEAT] [-l LISTFILE] [PATH...]
 * Prints key=value pairs, times in µs per signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/dkim.h"

#include "bench_load.h"

struct signed_msg {
	struct mv_msg *msg;
	const struct mv_header *field;	/* the topmost DKIM-Signature */
	struct dkim_sig sig;
	const struct mv_header **selected;
	int n_selected;
};

static struct signed_msg *msgs;
static mv_str key_record;
static mv_arena *scratch;		/* what a stage allocates per signature, reset after each */

__attribute__((noreturn)) static void fail(const char *path, const char *what)
{
	fprintf(stderr, "bench-dkim: %s: %s\n", path, what);
	exit(1);
}

static EVP_PKEY *load_key(unsigned *bits_r)
{
	struct dkim_key key;
	const char *error;
	EVP_PKEY *pkey;

	if (dkim_key_parse(scratch, key_record, &key, &error) < 0 || (pkey = dkim_pkey_load(&key, bits_r, &error)) == NULL)
		fail("-k", error);
	return pkey;
}

static void prepare(size_t k)
{
	struct signed_msg *m = &msgs[k];
	const char *error;

	if (mv_msg_parse(bench_items[k].data, bench_items[k].len, NULL, &m->msg) < 0)
		fail(bench_items[k].path, "cannot parse");
	m->field = mv_part_header(m->msg->root, "DKIM-Signature");
	if (m->field == NULL)
		fail(bench_items[k].path, "no DKIM-Signature field");
	if (dkim_sig_parse(m->msg->arena, m->field->value, &m->sig, &error) < 0)
		fail(bench_items[k].path, error);
	m->n_selected = dkim_select_headers(m->msg->arena, m->msg->root, &m->sig, &m->selected);
	if (m->n_selected < 0)
		fail(bench_items[k].path, "out of memory");
}

static int body_matches(const struct dkim_sig *sig, const struct mv_msg *msg)
{
	unsigned char digest[64];
	size_t len;

	return dkim_body_hash(sig, msg->root->body, digest, &len) == 0 && len == sig->bh_len &&
	       memcmp(digest, sig->bh, len) == 0;
}

/* The whole of one signature, as check_dkim.c does it once the key's answer is there. */
static int one_signature(const struct signed_msg *m)
{
	const struct mv_header **selected;
	struct dkim_sig sig;
	const char *error;
	EVP_PKEY *pkey;
	unsigned bits;
	int n, ok;

	if (dkim_sig_parse(scratch, m->field->value, &sig, &error) < 0)
		return 0;
	pkey = load_key(&bits);
	n = dkim_select_headers(scratch, m->msg->root, &sig, &selected);
	ok = body_matches(&sig, m->msg) && n >= 0 && dkim_verify_headers(&sig, pkey, m->field, selected, n) == 1;
	EVP_PKEY_free(pkey);
	return ok;
}

enum stage { VERIFY, KEY, BODY, SIGNATURE, N_STAGES };
static const char *const stage_names[N_STAGES] = { "verify", "key", "body", "signature" };

/* Runs one stage over every message, repeat times: µs of CPU per signature. */
static double run_stage(enum stage stage, EVP_PKEY *pkey, int repeat)
{
	double cpu0 = bench_now(CLOCK_PROCESS_CPUTIME_ID);
	unsigned bits;
	size_t k;
	int r, ok = 1;

	for (r = 0; r < repeat; r++) {
		for (k = 0; k < bench_n_items; k++) {
			const struct signed_msg *m = &msgs[k];

			switch (stage) {
			case VERIFY:
				ok = dkim_verify_headers(&m->sig, pkey, m->field, m->selected, m->n_selected) == 1;
				break;
			case KEY:
				EVP_PKEY_free(load_key(&bits));
				break;
			case BODY:
				ok = body_matches(&m->sig, m->msg);
				break;
			default:
				ok = one_signature(m);
				break;
			}
			if (!ok)
				fail(bench_items[k].path, "the signature does not verify");
			mv_arena_reset(scratch);
		}
	}
	return (bench_now(CLOCK_PROCESS_CPUTIME_ID) - cpu0) * 1e6 / ((double)bench_n_items * repeat);
}

int main(int argc, char **argv)
{
	double us[N_STAGES];
	EVP_PKEY *pkey;
	unsigned bits;
	int repeat = 1, i;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-k") == 0 && i + 1 < argc)
			key_record = mv_str_cstr(argv[++i]);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
			bench_load_list(argv[++i]);
		else
			bench_load(argv[i]);
	}
	if (key_record.p == NULL || bench_n_items == 0 || repeat < 1) {
		fprintf(stderr, "usage: bench-dkim -k KEY_RECORD [-r REPEAT] [-l LISTFILE] [PATH...]\n");
		return 2;
	}
	scratch = mv_arena_new(0);
	msgs = calloc(bench_n_items, sizeof(*msgs));
	if (scratch == NULL || msgs == NULL)
		return 1;
	for (k = 0; k < bench_n_items; k++)
		prepare(k);
	pkey = load_key(&bits);
	for (i = 0; i < N_STAGES; i++)
		us[i] = run_stage((enum stage)i, pkey, repeat);
	printf("alg=%.*s bits=%u signatures=%zu repeat=%d", (int)msgs[0].sig.algorithm.len, msgs[0].sig.algorithm.p,
	       bits, bench_n_items, repeat);
	for (i = 0; i < N_STAGES; i++)
		printf(" %s_us=%.2f", stage_names[i], us[i]);
	printf(" verify_per_s=%.0f\n", 1e6 / us[VERIFY]);
	EVP_PKEY_free(pkey);
	for (k = 0; k < bench_n_items; k++)
		mv_msg_free(&msgs[k].msg);
	mv_arena_free(&scratch);
	return 0;
}
