/*
 * BATV tags: a vector made with Python's hmac (the Exim hash source), the
 * round trip, every way a tag fails (bad hex, impossible days, expiry as of
 * the scan time, an unknown key, a tag copied onto another address), key
 * rotation, and the key file's errors with their FILE:LINE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailvet/batv.h"
#include "test.h"

#define DAY 86400
/* 2026-03-01T00:00:00Z: day 20513 since the epoch, 513 modulo 1000. */
#define T0 ((int64_t)1772323200)

static const char keytext[] = "# test keys\n1 0123456789abcdef0123\n\n";

static struct mv_batv_keys *keys_of(const char *text)
{
	struct mv_batv_keys *keys = NULL;
	char *error = NULL;

	if (mv_batv_keys_parse("keys", text, strlen(text), &keys, &error) < 0) {
		fprintf(stderr, "keys: %s\n", error);
		free(error);
	}
	return keys;
}

static enum mv_batv_status verify(struct mv_batv_keys *keys, const char *address, int64_t now,
				  struct mv_batv_result *r)
{
	return mv_batv_verify(keys, mv_str_cstr(address), now, 7, r);
}

static void test_vector(void)
{
	struct mv_batv_keys *keys = keys_of(keytext);
	struct mv_batv_result r;
	char out[128];

	CHECK(keys != NULL);
	if (keys == NULL)
		return;
	/* python3: hmac.new(b"0123456789abcdef0123", b"1520alice@example.org", sha1).hexdigest()[:6] */
	CHECK_INT(mv_batv_sign(keys, MV_STR_LIT("alice@example.org"), T0, 7, out, sizeof(out)), 33);
	CHECK(strcmp(out, "prvs=1520c6c727=alice@example.org") == 0);
	CHECK_INT(verify(keys, out, T0, &r), MV_BATV_VALID);
	CHECK_STR(r.address, "alice@example.org");
	CHECK_INT(r.key, 1);
	CHECK_INT(r.days, 7);
	/* The domain's case does not matter, nor the hex digits'. */
	CHECK_INT(verify(keys, "prvs=1520c6c727=alice@EXAMPLE.ORG", T0, &r), MV_BATV_VALID);
	CHECK_INT(verify(keys, "PRVS=1520C6C727=alice@example.org", T0, &r), MV_BATV_VALID);
	/* The local part's case does. */
	CHECK_INT(verify(keys, "prvs=1520c6c727=Alice@example.org", T0, &r), MV_BATV_BAD_SIGNATURE);
	mv_batv_keys_free(&keys);
	CHECK(keys == NULL);
}

static void test_expiry(void)
{
	struct mv_batv_keys *keys = keys_of(keytext);
	struct mv_batv_result r;
	char out[128], ahead[128];

	if (keys == NULL)
		return;
	(void)mv_batv_sign(keys, MV_STR_LIT("alice@example.org"), T0, 7, out, sizeof(out));
	CHECK_INT(verify(keys, out, T0 + 3 * DAY + 5000, &r), MV_BATV_VALID);
	CHECK_INT(r.days, 4);
	CHECK_INT(verify(keys, out, T0 + 7 * DAY + DAY - 1, &r), MV_BATV_VALID);
	CHECK_INT(verify(keys, out, T0 + 8 * DAY, &r), MV_BATV_EXPIRED);
	CHECK_INT(r.days, 1);
	CHECK_INT(verify(keys, out, T0 + 300 * DAY, &r), MV_BATV_EXPIRED);
	CHECK_INT(r.days, 293);
	/* Mail from before the tag was made: seen as a day too far ahead. */
	CHECK_INT(verify(keys, out, T0 - 30 * DAY, &r), MV_BATV_BAD_DAY);
	CHECK_INT(r.days, 37);
	/* Signed with our key for 100 days, checked with a lifetime of 7: no tag of ours says that. */
	(void)mv_batv_sign(keys, MV_STR_LIT("alice@example.org"), T0, 100, ahead, sizeof(ahead));
	CHECK_INT(verify(keys, ahead, T0, &r), MV_BATV_BAD_DAY);
	CHECK_INT(r.days, 100);
	/* Across the wrap of the 1000-day cycle: made on day 997, expiring on day 4. */
	(void)mv_batv_sign(keys, MV_STR_LIT("alice@example.org"), T0 + 484 * DAY, 7, out, sizeof(out));
	CHECK(strncmp(out, "prvs=1004", 9) == 0);
	CHECK_INT(verify(keys, out, T0 + 484 * DAY, &r), MV_BATV_VALID);
	CHECK_INT(verify(keys, out, T0 + 491 * DAY, &r), MV_BATV_VALID);
	CHECK_INT(verify(keys, out, T0 + 492 * DAY, &r), MV_BATV_EXPIRED);
	mv_batv_keys_free(&keys);
}

static void test_malformed(void)
{
	static const struct {
		const char *address;
		enum mv_batv_status status;
	} cases[] = {
		{ "alice@example.org", MV_BATV_UNTAGGED },
		{ "prvsalice@example.org", MV_BATV_UNTAGGED },
		{ "no-at-sign", MV_BATV_UNTAGGED },
		{ "prvs=1520zzzzzz=alice@example.org", MV_BATV_MALFORMED },	/* bad hex */
		{ "prvs=1520c6c72=alice@example.org", MV_BATV_MALFORMED },	/* five hex digits */
		{ "prvs=15x0c6c727=alice@example.org", MV_BATV_MALFORMED },	/* a day that is not digits */
		{ "prvs=x520c6c727=alice@example.org", MV_BATV_MALFORMED },	/* a key that is not a digit */
		{ "prvs=1520c6c727-alice@example.org", MV_BATV_MALFORMED },
		{ "prvs=1520c6c727=@example.org", MV_BATV_MALFORMED },	/* nothing after the tag */
		{ "prvs=@example.org", MV_BATV_MALFORMED },
		{ "prvs=1520c6c727=alice@", MV_BATV_UNTAGGED },			/* no domain: not an address */
		{ "prvs=5520c6c727=alice@example.org", MV_BATV_UNKNOWN_KEY },
		{ "prvs=1520c6c727=bob@example.org", MV_BATV_BAD_SIGNATURE },	/* alice's tag copied onto bob */
		{ "prvs=1521c6c727=alice@example.org", MV_BATV_BAD_SIGNATURE },	/* the day changed */
		{ "prvs=1520c6c727=alice@example.net", MV_BATV_BAD_SIGNATURE },
	};
	struct mv_batv_keys *keys = keys_of(keytext);
	struct mv_batv_result r;
	size_t i;

	if (keys == NULL)
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum mv_batv_status got = verify(keys, cases[i].address, T0, &r);

		if (got != cases[i].status)
			fprintf(stderr, "%s: %s\n", cases[i].address, mv_batv_status_name(got));
		CHECK_INT(got, cases[i].status);
	}
	CHECK_INT(verify(keys, "prvs=1520c6c727=bob@example.org", T0, &r), MV_BATV_BAD_SIGNATURE);
	CHECK_STR(r.address, "bob@example.org");
	CHECK_INT(verify(keys, "alice@example.org", T0, &r), MV_BATV_UNTAGGED);
	CHECK_STR(r.address, "alice@example.org");
	mv_batv_keys_free(&keys);
}

static void test_sign_refuses(void)
{
	struct mv_batv_keys *keys = keys_of(keytext);
	char out[256], small[20];
	char local[60];

	if (keys == NULL)
		return;
	CHECK_INT(mv_batv_sign(keys, MV_STR_LIT("prvs=1520c6c727=alice@example.org"), T0, 7, out, sizeof(out)), 0);
	CHECK_INT(mv_batv_sign(keys, MV_STR_LIT("alice"), T0, 7, out, sizeof(out)), 0);
	CHECK_INT(mv_batv_sign(keys, MV_STR_LIT("@example.org"), T0, 7, out, sizeof(out)), 0);
	memset(local, 'a', 49);
	memcpy(local + 49, "@x.example", 11);
	CHECK_INT(mv_batv_sign(keys, mv_str_cstr(local), T0, 7, out, sizeof(out)), 0);	/* 49 + 16 > 64 */
	CHECK(mv_batv_sign(keys, mv_str_cstr(local + 1), T0, 7, out, sizeof(out)) > 0);	/* 48 + 16 = 64 */
	CHECK_INT(mv_batv_sign(keys, MV_STR_LIT("alice@example.org"), T0, 7, small, sizeof(small)), -1);
	mv_batv_keys_free(&keys);
}

/* The highest number signs; every key verifies, so a key rotates without losing bounces. */
static void test_rotation(void)
{
	struct mv_batv_keys *old = keys_of("1 0123456789abcdef0123\n");
	struct mv_batv_keys *both = keys_of("2 fedcba9876543210fedc\n1 0123456789abcdef0123\n");
	struct mv_batv_result r;
	char a[128], b[128];

	if (old == NULL || both == NULL)
		return;
	CHECK_INT(mv_batv_keys_signer(both), 2);
	(void)mv_batv_sign(old, MV_STR_LIT("alice@example.org"), T0, 7, a, sizeof(a));
	(void)mv_batv_sign(both, MV_STR_LIT("alice@example.org"), T0, 7, b, sizeof(b));
	CHECK(strncmp(b, "prvs=2", 6) == 0);
	CHECK_INT(mv_batv_verify(both, mv_str_cstr(a), T0, 7, &r), MV_BATV_VALID);
	CHECK_INT(mv_batv_verify(both, mv_str_cstr(b), T0, 7, &r), MV_BATV_VALID);
	CHECK_INT(mv_batv_verify(old, mv_str_cstr(b), T0, 7, &r), MV_BATV_UNKNOWN_KEY);
	mv_batv_keys_free(&old);
	mv_batv_keys_free(&both);
}

static void test_key_file_errors(void)
{
	static const struct {
		const char *text;
		const char *error;	/* NULL: loads */
	} cases[] = {
		{ "1 0123456789abcdef0123\n", NULL },
		{ "  # comment\n\n9\t0123456789abcdef0123   # the new key\r\n", NULL },
		{ "", "keys: no keys (one \"NUMBER SECRET\" a line)" },
		{ "# only a comment\n", "keys: no keys (one \"NUMBER SECRET\" a line)" },
		{ "1 0123456789abcdef0123\n10 0123456789abcdef0123\n", "keys:2: a key is NUMBER SECRET, NUMBER one digit from 0 to 9" },
		{ "x 0123456789abcdef0123\n", "keys:1: a key is NUMBER SECRET, NUMBER one digit from 0 to 9" },
		{ "1\n", "keys:1: a key is NUMBER SECRET, NUMBER one digit from 0 to 9" },
		{ "\n\n1 short\n", "keys:3: the secret must have 16 to 1024 bytes (openssl rand -hex 32 makes one)" },
		{ "1 0123456789 abcdef0123\n", "keys:1: the secret has white space in it" },
		{ "1 0123456789abcdef0123\n1 0123456789abcdef0124\n", "keys:2: this key number is given twice" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mv_batv_keys *keys = NULL;
		char *error = NULL;
		int rc = mv_batv_keys_parse("keys", cases[i].text, strlen(cases[i].text), &keys, &error);

		CHECK_INT(rc, cases[i].error == NULL ? 0 : -1);
		CHECK((keys != NULL) == (cases[i].error == NULL));
		if (cases[i].error != NULL && (error == NULL || strcmp(error, cases[i].error) != 0))
			fprintf(stderr, "case %zu: got \"%s\"\n", i, error ? error : "(none)");
		CHECK(cases[i].error == NULL || (error != NULL && strcmp(error, cases[i].error) == 0));
		free(error);
		mv_batv_keys_free(&keys);
	}
	{
		struct mv_batv_keys *keys = NULL;
		char *error = NULL;

		CHECK_INT(mv_batv_keys_load("data/no-such-batv-keys", &keys, &error), -1);
		CHECK(error != NULL && strcmp(error, "data/no-such-batv-keys: No such file or directory") == 0);
		free(error);
	}
}

int main(void)
{
	RUN(test_vector);
	RUN(test_expiry);
	RUN(test_malformed);
	RUN(test_sign_refuses);
	RUN(test_rotation);
	RUN(test_key_file_errors);
	return test_summary();
}
