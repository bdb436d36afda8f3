/*
 * libFuzzer target for mailvet's S/MIME glue: finding signed entities in a
 * message, the canonical bytes of a multipart/signed first part, the DER of
 * the signature part, the verification steps around OpenSSL's CMS, the
 * certificate's addresses and their comparison with From.  The first byte
 * picks the input's kind: 'D' a detached SignedData over a fixed content,
 * 'O' an opaque SignedData, anything else a whole message.  The seeds
 * (fuzz/corpus/smime) were signed by the CA below, so every step is reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/smime.h"

/* The CA the seeds' certificates chain to (made by tests/smime/make_smime.sh). */
static const char ca_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBpjCCAUygAwIBAgIUGn7baeKJy0+MrWOiG0vXy00UiaMwCgYIKoZIzj0EAwIw\n"
	"MTEVMBMGA1UECgwMbWFpbHZldCB0ZXN0MRgwFgYDVQQDDA9tYWlsdmV0IHRlc3Qg\n"
	"Q0EwHhcNMjYxMjA3MjEwMzMwWhcNMzYxMjA0MjEwMzMwWjAxMRUwEwYDVQQKDAxt\n"
	"YWlsdmV0IHRlc3QxGDAWBgNVBAMMD21haWx2ZXQgdGVzdCBDQTBZMBMGByqGSM49\n"
	"AgEGCCqGSM49AwEHA0IABPTEGwAD+MSPbp6sNnqDMqe+U1iNZirsJv/hTj4cU8YL\n"
	"dSQ+tzfsGmHBnc3RcYMPWaF5ISVw12/u5Ek21ln/sVWjQjBAMA8GA1UdEwEB/wQF\n"
	"MAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBRAIlH8OFmVV98yB53rX53M\n"
	"g4PaHTAKBggqhkjOPQQDAgNIADBFAiByzf2yDQioRYprgmgR3vbnOSchvVFCsujE\n"
	"ix3qQv3CpwIhAN/B/Cd4MdY/epFhBqFzWlIXvlOW+DcdYkc3xYsuhKp5\n"
	"-----END CERTIFICATE-----\n";

/* What the detached seeds signed, and when they were made (an hour after; the CA lasts ten years). */
static const char content[] = "Content-Type: text/plain; charset=us-ascii\r\n\r\nHello Bob,\r\n\r\n"
			      "the invoice is attached.\r\n";
#define SCAN_TIME ((int64_t)1796681011)

static X509_STORE *test_store(void)
{
	static X509_STORE *store;
	char path[] = "/tmp/fuzz-smime-XXXXXX", *error = NULL;
	int fd;

	if (store != NULL)
		return store;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, ca_pem, sizeof(ca_pem) - 1) != (ssize_t)(sizeof(ca_pem) - 1))
		abort();
	close(fd);
	store = smime_store_load(path, &error);
	unlink(path);
	if (store == NULL)
		abort();
	return store;
}

/* Every result is one of the five, with a reason, and pass only with a signer. */
static void check_result(const struct smime_result *r, bool found)
{
	if (r->result != MV_AUTH_NONE && r->result != MV_AUTH_PASS && r->result != MV_AUTH_UNTRUSTED &&
	    r->result != MV_AUTH_FAIL && r->result != MV_AUTH_SIGNER_MISMATCH)
		abort();
	if (found && r->reason.p == NULL)
		abort();
	if (r->result == MV_AUTH_PASS && r->signer.len == 0)
		abort();
	if (r->signer.len != 0 && memchr(r->signer.p, '\0', r->signer.len) != NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_limits limits = { .max_headers = 64, .max_mime_depth = 8, .max_parts = 64,
				    .max_decoded_bytes = 1 << 16 };
	struct mv_addr from = { .address = MV_STR_LIT("alice@example.org"), .local = MV_STR_LIT("alice"),
				.domain = MV_STR_LIT("example.org") };
	struct smime_result r;
	struct mv_msg *msg;
	mv_arena *arena;
	mv_str in;
	int n;

	if (size == 0)
		return 0;
	in = mv_str_make((const char *)data + 1, size - 1);
	if (data[0] == 'D' || data[0] == 'O') {
		arena = mv_arena_new(1 << 20);
		if (arena == NULL)
			return 0;
		if (smime_verify(arena, test_store(), in, data[0] == 'D' ? MV_STR_LIT(content) : MV_STR_NULL, &from,
				 SCAN_TIME, &r) == 0)
			check_result(&r, true);
		mv_arena_free(&arena);
		return 0;
	}
	if (mv_msg_parse(in.p, in.len, &limits, &msg) < 0)
		return 0;
	n = smime_message(msg, test_store(), SCAN_TIME, &r);
	if (n >= 0)
		check_result(&r, n > 0);
	mv_msg_free(&msg);
	return 0;
}
