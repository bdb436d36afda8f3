/*
 * The cryptographic path on published vectors, without DNS: RFC 6376 A.2
 * (rsa-sha256, simple/simple, the App. C key), RFC 8463 A.3 (ed25519-sha256 and
 * rsa-sha256, relaxed/relaxed) and their mutations from tests/data/dkim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/dkim.h"
#include "test.h"

#define DATA "data/dkim/dkim_verifier/"

static char *read_file(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len)
		exit(1);
	fclose(f);
	buf[len] = '\0';
	*len_r = (size_t)len;
	return buf;
}

/* The TXT record for name from the vectors' dns-txt-records.tsv, or NULL. */
static char *key_record(const char *name)
{
	static char line[4096];
	FILE *f = fopen(DATA "dns-txt-records.tsv", "r");
	size_t n = strlen(name);

	if (f == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, n) == 0 && line[n] == '\t') {
			fclose(f);
			line[strcspn(line, "\r\n")] = '\0';
			return line + n + 1;
		}
	}
	fclose(f);
	return NULL;
}

/*
 * Verifies signature number `which` of the file with the vectors' keys: "pass",
 * or what failed ("body hash mismatch", "signature mismatch", a parser's error).
 */
static const char *verify(const char *file, unsigned which, unsigned *bits_r)
{
	static char result[128];
	struct mv_msg *msg = NULL;
	const struct mv_header *field, **sel;
	struct dkim_sig sig;
	struct dkim_key key;
	EVP_PKEY *pkey;
	const char *error = "";
	char name[300], *record;
	unsigned char bh[64];
	size_t len, bh_len;
	char *text = read_file(file, &len);
	int n, rc;

	CHECK(mv_msg_parse(text, len, NULL, &msg) == 0);
	field = mv_part_header(msg->root, "DKIM-Signature");
	while (field != NULL && which-- > 0)
		field = mv_part_header_next(msg->root, field);
	snprintf(result, sizeof(result), "no signature");
	if (field == NULL)
		goto done;
	if (dkim_sig_parse(msg->arena, field->value, &sig, &error) < 0)
		goto error;
	snprintf(name, sizeof(name), "%.*s._domainkey.%.*s", (int)sig.selector.len, sig.selector.p,
		 (int)sig.domain.len, sig.domain.p);
	record = key_record(name);
	CHECK(record != NULL);
	if (record == NULL || dkim_key_parse(msg->arena, mv_str_cstr(record), &key, &error) < 0)
		goto error;
	if (key.type != dkim_alg_key_type(sig.alg)) {
		error = "key type mismatch";
		goto error;
	}
	if ((pkey = dkim_pkey_load(&key, bits_r, &error)) == NULL)
		goto error;
	CHECK(dkim_body_hash(&sig, msg->root->body, bh, &bh_len) == 0);
	n = dkim_select_headers(msg->arena, msg->root, &sig, &sel);
	rc = dkim_verify_headers(&sig, pkey, field, sel, n);
	EVP_PKEY_free(pkey);
	if (bh_len != sig.bh_len || memcmp(bh, sig.bh, bh_len) != 0)
		error = "body hash mismatch";
	else
		error = rc == 1 ? "pass" : rc == 0 ? "signature mismatch" : "openssl failed";
error:
	snprintf(result, sizeof(result), "%s", error);
done:
	mv_msg_free(&msg);
	free(text);
	return result;
}

static void test_rfc6376_a2(void)
{
	unsigned bits = 0;

	CHECK_STR(mv_str_cstr(verify(DATA "data/rfc6376-A.2.eml", 0, &bits)), "pass");
	CHECK_INT(bits, 1024);
	CHECK_STR(mv_str_cstr(verify(DATA "data/rfc6376-A.2-body_modified.eml", 0, &bits)), "body hash mismatch");
	CHECK_STR(mv_str_cstr(verify(DATA "data/rfc6376-A.2-header_subject_modified.eml", 0, &bits)),
		  "signature mismatch");
	CHECK_STR(mv_str_cstr(verify(DATA "data/rfc6376-A.2-ill_formed-missing_v.eml", 0, &bits)), "missing v= tag");
	CHECK_STR(mv_str_cstr(verify(DATA "data/rfc6376-A.2-ill_formed-list_id.eml", 0, &bits)), "pass");
}

static void test_rfc8463_a3(void)
{
	unsigned bits = 0;

	CHECK_STR(mv_str_cstr(verify(DATA "data/rfc8463-A.3.eml", 0, &bits)), "pass");
	CHECK_INT(bits, 256);
	CHECK_STR(mv_str_cstr(verify(DATA "data/rfc8463-A.3.eml", 1, &bits)), "pass");
	CHECK_INT(bits, 1024);
	CHECK_STR(mv_str_cstr(verify(DATA "data/rfc8463-A.3-key_algo_mismatch.eml", 0, &bits)), "key type mismatch");
}

static void test_real_messages(void)
{
	static const char *const files[] = {
		"Fastmail from Amazon - Verify your new Amazon account.eml",
		"Fastmail from CNN - Thanks for subscribing to 5 Things.eml",
		"Fastmail from Fastmail - How to keep your email private.eml",
	};
	char path[512];
	unsigned bits = 0;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), DATA "data/original/%s", files[i]);
		CHECK_STR(mv_str_cstr(verify(path, 0, &bits)), "pass");
	}
}

static void test_key_loading(void)
{
	struct dkim_key key;
	unsigned char junk[40] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	unsigned bits = 0;
	const char *error = "";

	memset(&key, 0, sizeof(key));
	key.type = DKIM_KEY_RSA;
	key.p = junk;
	key.p_len = sizeof(junk);
	CHECK(dkim_pkey_load(&key, &bits, &error) == NULL);
	CHECK_STR(mv_str_cstr(error), "key p= is not an RSA public key");
	key.type = DKIM_KEY_ED25519;
	CHECK(dkim_pkey_load(&key, &bits, &error) == NULL);
	CHECK_STR(mv_str_cstr(error), "ed25519 key p= is not 32 bytes");
	key.p_len = 32;
	EVP_PKEY_free(dkim_pkey_load(&key, &bits, &error));
	CHECK_INT(bits, 256);
}

int main(void)
{
	RUN(test_rfc6376_a2);
	RUN(test_rfc8463_a3);
	RUN(test_real_messages);
	RUN(test_key_loading);
	return test_summary();
}
