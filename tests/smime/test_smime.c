/*
 * The smime check through mv_scan(), on messages signed by the openssl
 * command with certificates it makes for this run (smime/make_smime.sh):
 * valid, untrusted, invalid, signer mismatch, the scan time against the
 * certificate's validity, broken signatures, and where signatures are looked
 * for.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailvet/scan.h"
#include "mailvet/status.h"
#include "test.h"

static char dir[] = "/tmp/mv-smime-XXXXXX";
static struct mv_engine *engine;	/* smime_ca_file = the test CA */
static int64_t scan_time;

static char *read_all(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf != NULL)
			buf[n] = '\0';
		*len_r = (size_t)n;
	}
	fclose(f);
	return buf;
}

static char *material(const char *name, size_t *len_r)
{
	char path[128];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = read_all(path, &len);
	if (text == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	if (len_r != NULL)
		*len_r = len;
	return text;
}

/* An engine whose configuration is `text`; NULL with the error in *error_r (free it). */
static struct mv_engine *engine_from(const char *text, char **error_r)
{
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *e = NULL;

	*error_r = NULL;
	/* S/MIME alone: the checks that look names up are off, so no scan asks the network. */
	if (cfg != NULL && mv_config_read_text(cfg, "test.conf", text, strlen(text), error_r) == 0 &&
	    mv_config_set(cfg, "disabled_checks = spf, dmarc", error_r) == 0) {
		mv_config_finish(cfg);
		(void)mv_engine_new(cfg, &e, error_r);
	}
	mv_config_unref(&cfg);
	return e;
}

/* What a scan of text[0..len) at time `now` found. */
struct outcome {
	enum mv_auth_result result;
	char signer[256];
	char reason[512];
	char symbol[64];	/* the SMIME_ symbol reported, "" for none */
	bool checked;
};

static struct outcome scan_limited(struct mv_engine *e, const char *text, size_t len, int64_t now,
				   const struct mv_limits *limits)
{
	struct outcome o;
	struct mv_envelope env;
	struct mv_report report;
	struct mv_msg *msg = NULL;
	unsigned i;

	memset(&o, 0, sizeof(o));
	memset(&env, 0, sizeof(env));
	env.txn.time = now;
	if (mv_msg_parse(text, len, limits, &msg) < 0 || mv_scan(e, msg, &env, &report) != MV_OK) {
		snprintf(o.reason, sizeof(o.reason), "scan failed");
		mv_msg_free(&msg);
		return o;
	}
	o.result = report.auth.smime.result;
	o.checked = report.auth.checked;
	snprintf(o.signer, sizeof(o.signer), "%.*s", (int)report.auth.smime.signer.len, report.auth.smime.signer.p);
	snprintf(o.reason, sizeof(o.reason), "%.*s", (int)report.auth.smime.reason.len, report.auth.smime.reason.p);
	for (i = 0; i < report.n_symbols; i++) {
		if (strncmp(report.symbols[i].name, "SMIME_", 6) == 0) {
			CHECK(o.symbol[0] == '\0');	/* one per message */
			snprintf(o.symbol, sizeof(o.symbol), "%s", report.symbols[i].name);
		}
	}
	mv_msg_free(&msg);
	return o;
}

static struct outcome scan_text_with(struct mv_engine *e, const char *text, size_t len, int64_t now)
{
	return scan_limited(e, text, len, now, NULL);
}

static struct outcome scan_file_at(const char *name, int64_t now)
{
	size_t len;
	char *text = material(name, &len);
	struct outcome o = scan_text_with(engine, text, len, now);

	free(text);
	return o;
}

static struct outcome scan_file(const char *name)
{
	return scan_file_at(name, scan_time);
}

#define CHECK_OUTCOME(o, res, sym, signer_) do { \
	CHECK_STR(mv_str_cstr(mv_auth_result_name((o).result)), mv_auth_result_name(res)); \
	CHECK_STR(mv_str_cstr((o).symbol), sym); \
	CHECK_STR(mv_str_cstr((o).signer), signer_); \
} while (0)
#define CHECK_REASON(o, words) do { \
	CHECK(strstr((o).reason, words) != NULL); \
	if (strstr((o).reason, words) == NULL) \
		fprintf(stderr, "  reason: \"%s\", expected to contain \"%s\"\n", (o).reason, words); \
} while (0)

/* What each message made by make_smime.sh must give at the scan time; reason: words it contains. */
static const struct {
	const char *file;
	enum mv_auth_result result;
	const char *symbol, *signer, *reason;
} file_cases[] = {
	{ "valid.eml", MV_AUTH_PASS, "SMIME_VALID", "alice@example.org", "chains to a trust anchor" },
	/* Stored with LF: the signed part is put back in CRLF form before it is hashed. */
	{ "valid-lf.eml", MV_AUTH_PASS, "SMIME_VALID", "alice@example.org", "" },
	{ "opaque.eml", MV_AUTH_PASS, "SMIME_VALID", "alice@example.org", "" },
	{ "opaque-x.eml", MV_AUTH_PASS, "SMIME_VALID", "alice@example.org", "" },
	/* BER with indefinite lengths, as streaming signers write it. */
	{ "streamed.eml", MV_AUTH_PASS, "SMIME_VALID", "alice@example.org", "" },
	/* Each digest algorithm listed is a pass over the content: at most four. */
	{ "digests-4.eml", MV_AUTH_PASS, "SMIME_VALID", "alice@example.org", "" },
	{ "digests-5.eml", MV_AUTH_FAIL, "SMIME_INVALID", "", "lists 5 digest algorithms and 1 signers" },
	/* No subjectAltName: the subject's emailAddress. */
	{ "subject-email.eml", MV_AUTH_PASS, "SMIME_VALID", "carol@example.org", "" },
	/* A self-signed look-alike. */
	{ "untrusted.eml", MV_AUTH_UNTRUSTED, "SMIME_UNTRUSTED", "alice@example.org", "self-signed certificate" },
	/* Issued by the CA, but for TLS servers: not for S/MIME signing. */
	{ "server.eml", MV_AUTH_UNTRUSTED, "SMIME_UNTRUSTED", "alice@example.org", "unsuitable certificate purpose" },
	{ "invalid.eml", MV_AUTH_FAIL, "SMIME_INVALID", "", "altered" },
	/* The signed part's header section is signed too. */
	{ "invalid-header.eml", MV_AUTH_FAIL, "SMIME_INVALID", "", "altered" },
	{ "mismatch.eml", MV_AUTH_SIGNER_MISMATCH, "SMIME_SIGNER_MISMATCH", "bob@example.org",
	  "the From address is alice@example.org" },
	/* Without the signer's certificate nothing can be said. */
	{ "nocerts.eml", MV_AUTH_NONE, "", "", "cannot be verified" },
	/* Broken signatures: random bytes, DER cut short, none at all. */
	{ "garbage.eml", MV_AUTH_FAIL, "SMIME_INVALID", "", "cannot be read" },
	{ "truncated.eml", MV_AUTH_FAIL, "SMIME_INVALID", "", "" },
	{ "sigless.eml", MV_AUTH_FAIL, "SMIME_INVALID", "", "empty" },
	/* OpenSSL 3.0 leaked the content's BIO for this one (ASan builds see it). */
	{ "unknown-digest.eml", MV_AUTH_FAIL, "SMIME_INVALID", "", "does not verify" },
	/* A list that adds a footer part keeps the signed part intact. */
	{ "listed.eml", MV_AUTH_PASS, "SMIME_VALID", "alice@example.org", "" },
	/* An attached message's signature vouches for its own From, not the sender's. */
	{ "forwarded.eml", MV_AUTH_NONE, "", "", "" },
};

static void test_signed_messages(void)
{
	size_t i;

	for (i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		struct outcome o = scan_file(file_cases[i].file);
		int before = test_failures;

		CHECK_OUTCOME(o, file_cases[i].result, file_cases[i].symbol, file_cases[i].signer);
		CHECK_REASON(o, file_cases[i].reason);
		CHECK(o.checked == (file_cases[i].result != MV_AUTH_NONE || file_cases[i].reason[0] != '\0'));
		if (test_failures != before)
			fprintf(stderr, "  in %s\n", file_cases[i].file);
	}
}

static void test_certificate_validity_at_the_scan_time(void)
{
	struct outcome o = scan_file("short.eml");

	/* Valid for one day from its making; judged at the scan time, not the clock's. */
	CHECK_OUTCOME(o, MV_AUTH_PASS, "SMIME_VALID", "alice@example.org");
	o = scan_file_at("short.eml", scan_time + 3 * 86400);
	CHECK_OUTCOME(o, MV_AUTH_UNTRUSTED, "SMIME_UNTRUSTED", "alice@example.org");
	CHECK_REASON(o, "expired");
	o = scan_file_at("short.eml", scan_time - 2 * 86400);
	CHECK_OUTCOME(o, MV_AUTH_UNTRUSTED, "SMIME_UNTRUSTED", "alice@example.org");
	CHECK_REASON(o, "not yet valid");
	/* The CA's own validity counts as well: ten years. */
	o = scan_file_at("valid.eml", scan_time + 11 * 365 * 86400LL);
	CHECK_OUTCOME(o, MV_AUTH_UNTRUSTED, "SMIME_UNTRUSTED", "alice@example.org");
}

/* text with the first `from` replaced by `to` (malloc()ed). */
static char *replace(const char *text, const char *from, const char *to, size_t *len_r)
{
	const char *at = strstr(text, from);
	size_t len = strlen(text) - strlen(from) + strlen(to);
	char *out = malloc(len + 1);

	CHECK(at != NULL);
	if (at == NULL || out == NULL) {
		free(out);
		exit(1);
	}
	memcpy(out, text, (size_t)(at - text));
	memcpy(out + (at - text), to, strlen(to));
	strcpy(out + (at - text) + strlen(to), at + strlen(from));
	*len_r = len;
	return out;
}

static struct outcome scan_valid_with_from(const char *from_line)
{
	size_t len;
	char *text = material("valid.eml", NULL);
	char *changed = replace(text, "From: alice@example.org\r\n", from_line, &len);
	struct outcome o = scan_text_with(engine, changed, len, scan_time);

	free(changed);
	free(text);
	return o;
}

static void test_signer_against_the_from_address(void)
{
	/* The From field is outside the signed part: changing it leaves the signature intact. */
	CHECK_OUTCOME(scan_valid_with_from("From: Alice <alice@EXAMPLE.Org.>\r\n"), MV_AUTH_PASS, "SMIME_VALID",
		      "alice@example.org");
	CHECK_OUTCOME(scan_valid_with_from("From: Alice@example.org\r\n"), MV_AUTH_SIGNER_MISMATCH,
		      "SMIME_SIGNER_MISMATCH", "alice@example.org");
	CHECK_OUTCOME(scan_valid_with_from("From: alice@example.org.evil.test\r\n"), MV_AUTH_SIGNER_MISMATCH,
		      "SMIME_SIGNER_MISMATCH", "alice@example.org");
	CHECK_REASON(scan_valid_with_from("X-From: alice@example.org\r\n"), "no From address");
}

/* A multipart/mixed message From alice with the signed entity of valid.eml n times, the k-th altered (0: none). */
static char *signed_entities(unsigned n, unsigned k, size_t *len_r)
{
	char *text = material("valid.eml", NULL), *altered = NULL;
	const char *entity = strstr(text, "Content-Type: multipart/signed");
	size_t cap = 1024 + (n + 1) * strlen(text), len, alen;
	char *out = malloc(cap);
	unsigned i;

	CHECK(entity != NULL && out != NULL);
	altered = replace(entity, "invoice is attached", "invoice is attacked", &alen);
	len = (size_t)snprintf(out, cap, "From: alice@example.org\r\nMIME-Version: 1.0\r\n"
				       "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n");
	for (i = 1; i <= n; i++)
		len += (size_t)snprintf(out + len, cap - len, "--outer\r\n%s\r\n", i == k ? altered : entity);
	len += (size_t)snprintf(out + len, cap - len, "--outer--\r\n");
	free(altered);
	free(text);
	*len_r = len;
	return out;
}

static void test_worst_signature_is_the_messages(void)
{
	size_t len;
	char *text;

	/* The worst signature is the message's. */
	text = signed_entities(2, 2, &len);
	CHECK_OUTCOME(scan_text_with(engine, text, len, scan_time), MV_AUTH_FAIL, "SMIME_INVALID", "");
	free(text);
}

static void test_at_most_four_signatures_are_verified(void)
{
	size_t len;
	char *text = signed_entities(5, 4, &len);

	CHECK_OUTCOME(scan_text_with(engine, text, len, scan_time), MV_AUTH_FAIL, "SMIME_INVALID", "");
	free(text);
	text = signed_entities(5, 5, &len);
	CHECK_OUTCOME(scan_text_with(engine, text, len, scan_time), MV_AUTH_PASS, "SMIME_VALID", "alice@example.org");
	free(text);
}

static void test_signed_bytes_are_bounded_by_max_decoded_bytes(void)
{
	/* valid.eml signs 86 bytes. */
	struct mv_limits limits = { .max_decoded_bytes = 100 };
	size_t len;
	char *text = material("valid.eml", &len);
	struct outcome o = scan_limited(engine, text, len, scan_time, &limits);

	CHECK_OUTCOME(o, MV_AUTH_PASS, "SMIME_VALID", "alice@example.org");
	limits.max_decoded_bytes = 80;
	o = scan_limited(engine, text, len, scan_time, &limits);
	CHECK_OUTCOME(o, MV_AUTH_NONE, "", "");
	CHECK_REASON(o, "passes max_decoded_bytes");
	free(text);
	/* For all signatures together: the second altered one is not looked at. */
	limits.max_decoded_bytes = 100;
	text = signed_entities(2, 2, &len);
	CHECK_OUTCOME(scan_limited(engine, text, len, scan_time, &limits), MV_AUTH_PASS, "SMIME_VALID",
		      "alice@example.org");
	free(text);
}

static void test_unsigned_message(void)
{
	static const char text[] = "From: alice@example.org\r\nSubject: hi\r\n\r\nhello\r\n";
	struct outcome o = scan_text_with(engine, text, sizeof(text) - 1, scan_time);

	CHECK_OUTCOME(o, MV_AUTH_NONE, "", "");
	CHECK(!o.checked);
}

static void test_no_trust_anchors(void)
{
	char *error, *text;
	struct mv_engine *e = engine_from("smime_ca_file =\n", &error);
	struct outcome o;
	size_t len;

	CHECK(e != NULL);
	if (e == NULL)
		return;
	text = material("valid.eml", &len);
	o = scan_text_with(e, text, len, scan_time);
	CHECK_OUTCOME(o, MV_AUTH_UNTRUSTED, "SMIME_UNTRUSTED", "alice@example.org");
	CHECK_REASON(o, "unable to get local issuer certificate");
	free(text);
	mv_engine_unref(&e);
}

static void test_ca_file_errors(void)
{
	char conf[256], *error;
	struct mv_engine *e;

	snprintf(conf, sizeof(conf), "# S/MIME\nsmime_ca_file = %s/missing.pem\n", dir);
	e = engine_from(conf, &error);
	CHECK(e == NULL);
	CHECK(error != NULL && strncmp(error, "test.conf:2: smime_ca_file: cannot read", 39) == 0);
	CHECK(error != NULL && strstr(error, "No such file") != NULL);
	free(error);
	snprintf(conf, sizeof(conf), "smime_ca_file = %s/content.txt\n", dir);
	e = engine_from(conf, &error);
	CHECK(e == NULL);
	CHECK(error != NULL && strstr(error, "test.conf:1: smime_ca_file: cannot read certificates") != NULL);
	free(error);
}

int main(void)
{
	char cmd[256], conf[256], *error;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(cmd, sizeof(cmd), "bash smime/make_smime.sh %s", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "smime/make_smime.sh failed: see %s/openssl.log\n", dir);
		return 1;
	}
	scan_time = (int64_t)time(NULL);
	snprintf(conf, sizeof(conf), "smime_ca_file = %s/ca.pem\n", dir);
	engine = engine_from(conf, &error);
	if (engine == NULL) {
		fprintf(stderr, "engine: %s\n", error != NULL ? error : "out of memory");
		return 1;
	}
	RUN(test_signed_messages);
	RUN(test_certificate_validity_at_the_scan_time);
	RUN(test_signer_against_the_from_address);
	RUN(test_worst_signature_is_the_messages);
	RUN(test_at_most_four_signatures_are_verified);
	RUN(test_signed_bytes_are_bounded_by_max_decoded_bytes);
	RUN(test_unsigned_message);
	RUN(test_no_trust_anchors);
	RUN(test_ca_file_errors);
	mv_engine_unref(&engine);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (test_failures == 0 && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return test_summary();
}
