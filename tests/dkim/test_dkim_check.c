/*
 * The dkim check through mv_scan(), on messages this test signs with keys it
 * generates (OpenSSL), their key records in an in-memory zone: results and
 * reasons in report.auth.dkim[], symbols and options, key record flags,
 * RFC 8301 key sizes, time, DNS failures, limits, and hostile signatures
 * (10,000 h= names, 100 signatures, l= past the body, garbage base64, huge
 * key records) in bounded time.  tests/dkim/t_dkim_dkimpy.sh checks the
 * verdicts against an independent implementation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "auth/dkim.h"
#include "dns/dns.h"
#include "engine/engine_int.h"
#include "mailvet/scan.h"
#include "sign.h"
#include "test.h"

#define NOW 1700000000

static EVP_PKEY *rsa512, *rsa1024, *rsa2048, *ed;
static char *rec512, *rec1024, *rec2048, *rec_ed;	/* their p= values */

static const char plain[] =
	"From: Alice <alice@example.org>\r\n"
	"To: bob@example.net\r\n"
	"Subject: lunch  at noon\r\n"
	"Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
	"Message-ID: <1@example.org>\r\n"
	"\r\n"
	"Hello Bob,\r\n"
	"  see you  at noon. \r\n"
	"\r\n";

static void add_txt(struct dns_zone *zone, const char *name, const char *prefix, const char *p)
{
	char *text = concat3(prefix, p, "");
	char *error = NULL;

	CHECK(dns_zone_add(zone, name, DNS_T_TXT, 300, text, &error) == 0);
	free(error);
	free(text);
}

static struct dns_zone *test_zone(void)
{
	struct dns_zone *zone = dns_zone_new();

	add_txt(zone, "s2048._domainkey.example.org", "v=DKIM1; k=rsa; p=", rec2048);
	add_txt(zone, "s1024._domainkey.example.org", "v=DKIM1; p=", rec1024);
	add_txt(zone, "s512._domainkey.example.org", "p=", rec512);
	add_txt(zone, "ed._domainkey.example.org", "v=DKIM1; k=ed25519; p=", rec_ed);
	add_txt(zone, "testing._domainkey.example.org", "v=DKIM1; t=y; p=", rec2048);
	add_txt(zone, "strict._domainkey.example.org", "v=DKIM1; t=s; p=", rec2048);
	add_txt(zone, "sha1only._domainkey.example.org", "v=DKIM1; h=sha1; p=", rec2048);
	add_txt(zone, "edtype._domainkey.example.org", "v=DKIM1; k=ed25519; p=", rec2048);
	add_txt(zone, "revoked._domainkey.example.org", "v=DKIM1; p=", "");
	add_txt(zone, "twice._domainkey.example.org", "v=spf1 -all", "");
	add_txt(zone, "twice._domainkey.example.org", "v=DKIM1; p=", rec2048);
	add_txt(zone, "bad._domainkey.example.org", "v=DKIM1; p=", "MIIB!!!");
	dns_zone_add_failure(zone, "down._domainkey.example.org", DNS_R_TEMPFAIL);
	dns_zone_add_failure(zone, "slow._domainkey.example.org", DNS_R_TIMEOUT);
	return zone;
}

static struct mv_engine *make_engine(const char *settings, struct dns_zone *zone)
{
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *engine = NULL;
	struct dns_resolver *resolver = NULL;
	char *error = NULL;

	if (mv_config_read_text(cfg, "test.conf", settings, strlen(settings), &error) < 0)
		fprintf(stderr, "%s\n", error);
	mv_config_finish(cfg);
	CHECK(mv_engine_new(cfg, &engine, &error) == 0);
	mv_config_unref(&cfg);
	CHECK(dns_resolver_from_zone(zone, 50, &resolver) == 0);
	engine_replace_resolver(engine, resolver);
	return engine;
}

/*
 * Scans text and describes the outcome: each signature's "result (reason)",
 * then the DKIM symbols with their options, e.g.
 * "pass | DKIM_VALID[example.org:s2048]".
 */
static const char *scan_with(struct mv_engine *engine, const char *text, const struct mv_limits *limits)
{
	static char out[8192];
	struct mv_msg *msg = NULL;
	struct mv_envelope env;
	struct mv_report report;
	size_t len = 0;
	unsigned i, k;

	memset(&env, 0, sizeof(env));
	env.txn.time = NOW;
	CHECK(mv_msg_parse(text, strlen(text), limits != NULL ? limits : mv_engine_limits(engine), &msg) == 0);
	CHECK_INT(mv_scan(engine, msg, &env, &report), MV_OK);
	/* A signed message is checked; an unsigned one leaves report->auth to the other methods. */
	if (mv_part_header(msg->root, "DKIM-Signature") != NULL)
		CHECK(report.auth.checked);
	else
		CHECK(report.auth.n_dkim == 0 && report.auth.dkim == NULL);
	for (i = 0; i < report.auth.n_dkim && len < sizeof(out) - 200; i++) {
		const struct mv_auth_dkim *r = &report.auth.dkim[i];

		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? ", " : "",
					mv_auth_result_name(r->result));
		if (r->reason.len != 0)
			len += (size_t)snprintf(out + len, sizeof(out) - len, " (%.*s)", (int)r->reason.len,
						r->reason.p);
	}
	for (i = 0; i < report.n_symbols && len < sizeof(out) - 200; i++) {
		const struct mv_symbol *s = &report.symbols[i];

		if (strncmp(s->name, "DKIM_", 5) != 0)
			continue;
		len += (size_t)snprintf(out + len, sizeof(out) - len, " | %s", s->name);
		for (k = 0; k < s->n_options && k < 3; k++)
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%.*s", k ? "," : "[",
						(int)s->options[k].len, s->options[k].p);
		if (s->n_options != 0)
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%s]", s->n_options > 3 ? ",..." : "");
	}
	out[len] = '\0';
	mv_msg_free(&msg);
	return out;
}

static struct mv_engine *engine;

static const char *scan(const char *text)
{
	return scan_with(engine, text, NULL);
}

/* Signs plain with the tags and scans it. */
static const char *sign_scan(const char *tags, EVP_PKEY *key)
{
	static char out[8192];
	char *text = sign_message(plain, tags, key);

	snprintf(out, sizeof(out), "%s", scan(text));
	free(text);
	return out;
}

#define CHECK_SCAN(got, expected) CHECK_STR(mv_str_cstr(got), expected)

static void test_pass_and_key_sizes(void)
{
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s2048; h=from:to:subject", rsa2048),
		   "pass | DKIM_VALID[example.org:s2048]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=s1024; h=from:subject:date", rsa1024),
		   "pass | DKIM_WEAK[example.org:s1024] | DKIM_VALID[example.org:s1024]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=s512; h=from", rsa512),
		   "policy (RSA key of 512 bits, under dkim_min_rsa_bits (1024)) | DKIM_WEAK[example.org:s512]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha1; c=simple/relaxed; d=example.org; s=s2048; h=from", rsa2048),
		   "policy (rsa-sha1 is not accepted (RFC 8301)) | DKIM_WEAK[example.org:s2048]");
	CHECK_SCAN(sign_scan("v=1; a=ed25519-sha256; c=relaxed/simple; d=example.org; s=ed; h=from:to:from:to", ed),
		   "pass | DKIM_VALID[example.org:ed]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=twice; h=from", rsa2048),
		   "pass | DKIM_VALID[example.org:twice]");
}

static void test_report_fields(void)
{
	char *text = sign_message(plain, "v=1; a=rsa-sha256; d=Example.ORG; s=s1024; h=from; i=alice@example.org", rsa1024);
	struct mv_msg *msg = NULL;
	struct mv_envelope env;
	struct mv_report report;

	memset(&env, 0, sizeof(env));
	env.txn.time = NOW;
	CHECK(mv_msg_parse(text, strlen(text), NULL, &msg) == 0);
	CHECK_INT(mv_scan(engine, msg, &env, &report), MV_OK);
	CHECK_INT(report.auth.n_dkim, 1);
	if (report.auth.n_dkim == 1) {
		const struct mv_auth_dkim *r = &report.auth.dkim[0];

		CHECK_INT(r->result, MV_AUTH_PASS);
		CHECK_STR(r->domain, "Example.ORG");
		CHECK_STR(r->selector, "s1024");
		CHECK_STR(r->algorithm, "rsa-sha256");
		CHECK_INT(r->key_bits, 1024);
		CHECK(r->weak && !r->testing && !r->aligned);
	}
	mv_msg_free(&msg);
	free(text);
}

/* Replaces the first `from` in a copy of text with `to`. */
static char *tamper(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	CHECK(at != NULL);
	snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

static const char *tamper_scan(const char *tags, EVP_PKEY *key, const char *from, const char *to)
{
	static char out[8192];
	char *text = sign_message(plain, tags, key), *bad = tamper(text, from, to);

	snprintf(out, sizeof(out), "%s", scan(bad));
	free(bad);
	free(text);
	return out;
}

static void test_tampering(void)
{
	const char *tags = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s2048; h=from:to:subject";

	CHECK_SCAN(tamper_scan(tags, rsa2048, "see you", "see You"),
		   "fail (body hash mismatch) | DKIM_INVALID[example.org:s2048]");
	CHECK_SCAN(tamper_scan(tags, rsa2048, "lunch", "Lunch"),
		   "fail (signature does not verify) | DKIM_INVALID[example.org:s2048]");
	/* Relaxed canonicalization forgives white space changes; simple does not. */
	CHECK_SCAN(tamper_scan(tags, rsa2048, "lunch  at", "lunch \t at"), "pass | DKIM_VALID[example.org:s2048]");
	CHECK_SCAN(tamper_scan("v=1; a=rsa-sha256; c=simple/simple; d=example.org; s=s2048; h=from:to:subject",
			       rsa2048, "lunch  at", "lunch at"),
		   "fail (signature does not verify) | DKIM_INVALID[example.org:s2048]");
	/* An unsigned field added is fine; a second Subject above the signed one too (bottom-up)... */
	CHECK_SCAN(tamper_scan(tags, rsa2048, "To: ", "X-Added: 1\r\nTo: "), "pass | DKIM_VALID[example.org:s2048]");
	CHECK_SCAN(tamper_scan(tags, rsa2048, "To: ", "Subject: other\r\nTo: "),
		   "pass | DKIM_VALID[example.org:s2048]");
	/* ...but not below it, nor when Subject was over-signed. */
	CHECK_SCAN(tamper_scan(tags, rsa2048, "Date: ", "Subject: other\r\nDate: "),
		   "fail (signature does not verify) | DKIM_INVALID[example.org:s2048]");
	CHECK_SCAN(tamper_scan("v=1; a=rsa-sha256; d=example.org; s=s2048; h=from:subject:subject", rsa2048, "To: ",
			       "Subject: other\r\nTo: "),
		   "fail (signature does not verify) | DKIM_INVALID[example.org:s2048]");
	/* A From the signature does not cover (RFC 6376 8.15). */
	CHECK_SCAN(tamper_scan(tags, rsa2048, "To: ", "From: mallory@example.com\r\nTo: "),
		   "fail (a From field is not covered by the signature) | DKIM_INVALID[example.org:s2048]");
	/* Reordering signed fields changes nothing; the body of l= only what it covers. */
	CHECK_SCAN(tamper_scan(tags, rsa2048, "To: bob@example.net\r\nSubject: lunch  at noon\r\n",
			       "Subject: lunch  at noon\r\nTo: bob@example.net\r\n"),
		   "pass | DKIM_VALID[example.org:s2048]");
	CHECK_SCAN(tamper_scan("v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; l=12", rsa2048, "noon.", "nine."),
		   "pass | DKIM_VALID[example.org:s2048]");
	CHECK_SCAN(tamper_scan("v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; l=12", rsa2048, "Hello", "Jello"),
		   "fail (body hash mismatch) | DKIM_INVALID[example.org:s2048]");
}

static void test_key_records(void)
{
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=none; h=from", rsa2048),
		   "permerror (no key record (NXDOMAIN)) | DKIM_PERMERROR[example.org:none]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=revoked; h=from", rsa2048),
		   "permerror (key revoked) | DKIM_PERMERROR[example.org:revoked]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=sha1only; h=from", rsa2048),
		   "permerror (the key's h= does not allow the signature's hash) | DKIM_PERMERROR[example.org:sha1only]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=edtype; h=from", rsa2048),
		   "permerror (the key's type (k=) does not match the algorithm (a=)) | DKIM_PERMERROR[example.org:edtype]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=bad; h=from", rsa2048),
		   "permerror (key p= is not valid base64, or too long) | DKIM_PERMERROR[example.org:bad]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=strict; h=from; i=@example.org", rsa2048),
		   "pass | DKIM_VALID[example.org:strict]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=strict; h=from; i=@mail.example.org", rsa2048),
		   "permerror (the key has t=s but i= is in a subdomain of d=) | DKIM_PERMERROR[example.org:strict]");
	CHECK_SCAN(sign_scan("v=1; a=ed25519-sha256; d=example.org; s=s2048; h=from", ed),
		   "permerror (the key's type (k=) does not match the algorithm (a=)) | DKIM_PERMERROR[example.org:s2048]");
	/* t=y: a pass is a pass; a failure counts as no signature (RFC 6376 3.6.1). */
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=testing; h=from", rsa2048),
		   "pass | DKIM_VALID[example.org:testing]");
	CHECK_SCAN(tamper_scan("v=1; a=rsa-sha256; d=example.org; s=testing; h=from", rsa2048, "Hello", "Jello"),
		   "fail (body hash mismatch)");
}

static void test_dns_failures(void)
{
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=down; h=from", rsa2048),
		   "temperror (key lookup failed (DNS temporary failure)) | DKIM_TEMPERROR[example.org:down]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=slow; h=from", rsa2048),
		   "temperror (key lookup timed out) | DKIM_TEMPERROR[example.org:slow]");
}

static void test_time(void)
{
	char tags[200];

	snprintf(tags, sizeof(tags), "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; t=%d; x=%d", NOW - 100,
		 NOW + 100);
	CHECK_SCAN(sign_scan(tags, rsa2048), "pass | DKIM_VALID[example.org:s2048]");
	snprintf(tags, sizeof(tags), "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; t=%d; x=%d", NOW - 7200,
		 NOW - 3600);
	CHECK_SCAN(sign_scan(tags, rsa2048), "permerror (signature expired (x=)) | DKIM_PERMERROR[example.org:s2048]");
	/* Within dkim_clock_skew (15 minutes) of the scan time either way. */
	snprintf(tags, sizeof(tags), "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; t=%d; x=%d", NOW - 7200,
		 NOW - 600);
	CHECK_SCAN(sign_scan(tags, rsa2048), "pass | DKIM_VALID[example.org:s2048]");
	snprintf(tags, sizeof(tags), "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; t=%d", NOW + 600);
	CHECK_SCAN(sign_scan(tags, rsa2048), "pass | DKIM_VALID[example.org:s2048]");
	snprintf(tags, sizeof(tags), "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; t=%d", NOW + 3600);
	CHECK_SCAN(sign_scan(tags, rsa2048),
		   "permerror (signature dated in the future (t=)) | DKIM_PERMERROR[example.org:s2048]");
}

static void test_no_signature_and_broken_ones(void)
{
	CHECK_SCAN(scan(plain), " | DKIM_NONE");
	CHECK_SCAN(scan("DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s2048; h=to; bh=QUJD; b=QUJD\r\n"
			"From: a@example.org\r\n\r\nbody\r\n"),
		   "permerror (h= does not include From) | DKIM_PERMERROR[example.org:s2048]");
	CHECK_SCAN(scan("DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; bh=QUJD; b=!!garbage!!\r\n"
			"From: a@example.org\r\n\r\nbody\r\n"),
		   "permerror (b= is not valid base64, or too long) | DKIM_PERMERROR[example.org:s2048]");
	CHECK_SCAN(scan("DKIM-Signature: garbage\r\nFrom: a@example.org\r\n\r\nbody\r\n"),
		   "permerror (tag without '=' in tag list) | DKIM_PERMERROR");
}

static void test_header_section_cut(void)
{
	char *text = sign_message(plain, "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from", rsa2048);
	struct mv_limits limits = { 0 };

	limits.max_headers = 3;
	CHECK_SCAN(scan_with(engine, text, &limits),
		   "neutral (the header section was cut by max_headers or max_header_bytes: not verifiable) | "
		   "DKIM_PERMERROR[example.org:s2048]");
	limits.max_headers = 0;
	limits.max_header_bytes = 400;
	CHECK_SCAN(scan_with(engine, text, &limits),
		   "neutral (the header section was cut by max_headers or max_header_bytes: not verifiable) | "
		   "DKIM_PERMERROR[example.org:s2048]");
	limits.max_header_bytes = 0;
	limits.max_message_bytes = strlen(text) - 3;
	CHECK_SCAN(scan_with(engine, text, &limits),
		   "neutral (the message was cut at max_message_bytes: not verifiable) | DKIM_PERMERROR[example.org:s2048]");
	free(text);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_hostile_many_signatures(void)
{
	char *one = sign_message(plain, "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from", rsa2048);
	size_t sig_len = (size_t)(strstr(one, "From: ") - one), len = 0;
	char *text = malloc(sig_len * 100 + sizeof(plain));
	const char *got;
	double t0;
	int i;

	/* 100 copies of a valid signature: the top 10 verified (one key lookup), the rest neutral. */
	for (i = 0; i < 100; i++, len += sig_len)
		memcpy(text + len, one, sig_len);
	memcpy(text + len, plain, sizeof(plain));
	t0 = now_seconds();
	got = scan(text);
	CHECK(now_seconds() - t0 < time_bound(1.0));
	{
		static const char want[] = "pass, pass, pass, pass, pass, pass, pass, pass, pass, pass, neutral (not "
					   "verified: more signatures than dkim_max_signatures), neutral";

		CHECK(strncmp(got, want, sizeof(want) - 1) == 0);
	}
	CHECK(strstr(got, "| DKIM_VALID[example.org:s2048,example.org:s2048,example.org:s2048,...] | "
			  "DKIM_PERMERROR[example.org:s2048,") != NULL);
	free(text);
	free(one);
}

static void test_hostile_h_names(void)
{
	size_t cap = 10000 * 12 + 512, len;
	char *tags = malloc(cap), *text;
	const char *got;
	double t0;
	int i;

	/* 10,000 names: refused outright. */
	len = (size_t)snprintf(tags, cap, "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from");
	for (i = 1; i < 10000; i++)
		len += (size_t)snprintf(tags + len, cap - len, ":x-h%d", i);
	snprintf(tags + len, cap - len, "; bh=QUJD; b=QUJD");
	text = concat3("DKIM-Signature: ", tags, "\r\nFrom: a@example.org\r\n\r\nbody\r\n");
	t0 = now_seconds();
	CHECK_SCAN(scan(text), "permerror (h= lists too many fields) | DKIM_PERMERROR[example.org:s2048]");
	CHECK(now_seconds() - t0 < time_bound(0.5));
	free(text);
	/* 1,000 distinct names (the most taken), none present but From: verifies, quickly. */
	len = (size_t)snprintf(tags, cap, "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from");
	for (i = 1; i < DKIM_MAX_H_NAMES; i++)
		len += (size_t)snprintf(tags + len, cap - len, ":x-h%d", i);
	text = sign_message(plain, tags, rsa2048);
	t0 = now_seconds();
	got = scan(text);
	CHECK(now_seconds() - t0 < time_bound(0.5));
	CHECK_SCAN(got, "pass | DKIM_VALID[example.org:s2048]");
	free(text);
	free(tags);
}

static void test_hostile_length_and_keys(void)
{
	struct mv_engine *e2;
	struct dns_zone *zone = dns_zone_new();
	char *huge = malloc(70000), *text;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params;
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *big = NULL;
	BIGNUM *n = BN_new(), *e = BN_new();
	char *bigp;

	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; l=100000", rsa2048),
		   "permerror (l= is longer than the body) | DKIM_PERMERROR[example.org:s2048]");
	CHECK_SCAN(sign_scan("v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; l=99999999999999999999999999999999",
			     rsa2048),
		   "permerror (l= is longer than the body) | DKIM_PERMERROR[example.org:s2048]");
	/* A 60,000-byte key record, and an RSA key of 9,000 bits (a modulus is all it takes). */
	memcpy(huge, "v=DKIM1; p=", 11);
	memset(huge + 11, 'A', 60000);
	huge[60011] = '\0';
	add_txt(zone, "huge._domainkey.example.org", huge, "");
	BN_set_bit(n, 8999);
	BN_set_bit(n, 0);
	BN_set_word(e, 65537);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
	params = OSSL_PARAM_BLD_to_param(bld);
	CHECK(EVP_PKEY_fromdata_init(pctx) == 1 && EVP_PKEY_fromdata(pctx, &big, EVP_PKEY_PUBLIC_KEY, params) == 1);
	bigp = key_p(big);
	add_txt(zone, "big._domainkey.example.org", "p=", bigp);
	e2 = make_engine("", zone);
	text = sign_message(plain, "v=1; a=rsa-sha256; d=example.org; s=huge; h=from", rsa2048);
	CHECK_SCAN(scan_with(e2, text, NULL),
		   "permerror (key p= is not valid base64, or too long) | DKIM_PERMERROR[example.org:huge]");
	free(text);
	text = sign_message(plain, "v=1; a=rsa-sha256; d=example.org; s=big; h=from", rsa2048);
	CHECK_SCAN(scan_with(e2, text, NULL), "permerror (RSA key longer than 8192 bits) | DKIM_PERMERROR[example.org:big]");
	free(text);
	mv_engine_unref(&e2);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(big);
	BN_free(n);
	BN_free(e);
	free(bigp);
	free(huge);
}

static void test_settings(void)
{
	struct mv_engine *e2 = make_engine("dkim_min_rsa_bits = 2048\ndkim_weak_rsa_bits = 4096\n"
					   "dkim_max_signatures = 1\ndkim_clock_skew = 0\n", test_zone());
	char *text = sign_message(plain, "v=1; a=rsa-sha256; d=example.org; s=s1024; h=from", rsa1024);
	char *two = concat3(text, "", "");
	char tags[200];

	CHECK_SCAN(scan_with(e2, text, NULL),
		   "policy (RSA key of 1024 bits, under dkim_min_rsa_bits (2048)) | DKIM_WEAK[example.org:s1024]");
	free(text);
	free(two);
	text = sign_message(plain, "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from", rsa2048);
	two = sign_message(text, "v=1; a=ed25519-sha256; d=example.org; s=ed; h=from", ed);
	CHECK_SCAN(scan_with(e2, two, NULL),
		   "pass, neutral (not verified: more signatures than dkim_max_signatures) | DKIM_VALID[example.org:ed] | "
		   "DKIM_PERMERROR[example.org:s2048]");
	free(two);
	free(text);
	snprintf(tags, sizeof(tags), "v=1; a=rsa-sha256; d=example.org; s=s2048; h=from; t=%d", NOW + 60);
	text = sign_message(plain, tags, rsa2048);
	CHECK_SCAN(scan_with(e2, text, NULL),
		   "permerror (signature dated in the future (t=)) | DKIM_PERMERROR[example.org:s2048]");
	free(text);
	mv_engine_unref(&e2);
}

int main(void)
{
	rsa512 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)512);
	rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	rsa2048 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (rsa512 == NULL || rsa1024 == NULL || rsa2048 == NULL || ed == NULL) {
		fprintf(stderr, "key generation failed\n");
		return 1;
	}
	rec512 = key_p(rsa512);
	rec1024 = key_p(rsa1024);
	rec2048 = key_p(rsa2048);
	rec_ed = key_p(ed);
	engine = make_engine("", test_zone());
	RUN(test_pass_and_key_sizes);
	RUN(test_report_fields);
	RUN(test_tampering);
	RUN(test_key_records);
	RUN(test_dns_failures);
	RUN(test_time);
	RUN(test_no_signature_and_broken_ones);
	RUN(test_header_section_cut);
	RUN(test_hostile_many_signatures);
	RUN(test_hostile_h_names);
	RUN(test_hostile_length_and_keys);
	RUN(test_settings);
	mv_engine_unref(&engine);
	EVP_PKEY_free(rsa512);
	EVP_PKEY_free(rsa1024);
	EVP_PKEY_free(rsa2048);
	EVP_PKEY_free(ed);
	free(rec512);
	free(rec1024);
	free(rec2048);
	free(rec_ed);
	return test_summary();
}
