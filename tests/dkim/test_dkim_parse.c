/* DKIM tag lists, base64, the DKIM-Signature parser and the key record parser. */
#include <stdio.h>
#include <string.h>

#include "auth/dkim.h"
#include "test.h"

static mv_arena *arena;

/* The error of a tag list, "" when it parses; *n_r the tag count. */
static const char *tags_error(const char *text, int *n_r)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const char *error = "";
	int n = dkim_tags_parse(mv_str_cstr(text), tags, &error);

	if (n_r != NULL)
		*n_r = n;
	return n < 0 ? error : "";
}

static void test_tag_list_syntax(void)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const char *error;
	int n;

	n = dkim_tags_parse(mv_str_cstr(" a = 1 ;\r\n\tb=two words ; c= ;"), tags, &error);
	CHECK_INT(n, 3);
	CHECK_STR(tags[0].name, "a");
	CHECK_STR(tags[0].value, "1");
	CHECK_STR(tags[1].value, "two words");
	CHECK_STR(tags[2].name, "c");
	CHECK_STR(tags[2].value, "");
	CHECK(dkim_tag_find(tags, n, "b") == &tags[1]);
	CHECK(dkim_tag_find(tags, n, "B") == NULL);	/* tag names are case-sensitive */
	CHECK_STR(mv_str_cstr(tags_error("", &n)), "");
	CHECK_INT(n, 0);
	CHECK_STR(mv_str_cstr(tags_error("a=1;", &n)), "");
	CHECK_INT(n, 1);
	CHECK_STR(mv_str_cstr(tags_error("a=1; ; ", &n)), "empty tag in tag list");
	CHECK_STR(mv_str_cstr(tags_error("a=1;;b=2", NULL)), "empty tag in tag list");
	CHECK_STR(mv_str_cstr(tags_error("a=1; a=2", NULL)), "tag given twice in tag list");
	CHECK_STR(mv_str_cstr(tags_error("a", NULL)), "tag without '=' in tag list");
	CHECK_STR(mv_str_cstr(tags_error("a 1=2", NULL)), "tag without '=' in tag list");
	CHECK_STR(mv_str_cstr(tags_error("1a=2", NULL)), "bad tag name in tag list");
	CHECK_STR(mv_str_cstr(tags_error("_a=2", NULL)), "bad tag name in tag list");
	CHECK_STR(mv_str_cstr(tags_error("a_1=2", NULL)), "");
	CHECK_STR(mv_str_cstr(tags_error("a=x\001y", NULL)), "control character in tag value");
	CHECK_STR(mv_str_cstr(tags_error("a=\xc3\xa9", NULL)), "");	/* UTF-8 (RFC 8616) */
}

static void test_tag_list_bound(void)
{
	char text[DKIM_MAX_TAGS * 8 + 16];
	size_t off = 0;
	int i;

	for (i = 0; i < DKIM_MAX_TAGS; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "t%d=%d;", i, i);
	CHECK_STR(mv_str_cstr(tags_error(text, NULL)), "");
	snprintf(text + off, sizeof(text) - off, "u=1");
	CHECK_STR(mv_str_cstr(tags_error(text, NULL)), "too many tags in tag list");
}

static long b64(const char *in, unsigned char *out, size_t max)
{
	return dkim_base64_decode(mv_str_cstr(in), out, max);
}

static void test_base64(void)
{
	unsigned char out[32];

	CHECK_INT(b64("", out, sizeof(out)), 0);
	CHECK_INT(b64("QUJD", out, sizeof(out)), 3);
	CHECK(memcmp(out, "ABC", 3) == 0);
	CHECK_INT(b64(" QU\r\n JD\tRA = =", out, sizeof(out)), 4);
	CHECK(memcmp(out, "ABCD", 4) == 0);
	CHECK_INT(b64("QUJDRA==", out, sizeof(out)), 4);
	CHECK_INT(b64("QUJDREU=", out, sizeof(out)), 5);
	CHECK(memcmp(out, "ABCDE", 5) == 0);
	CHECK_INT(b64("QUJDRA", out, sizeof(out)), -1);		/* padding missing */
	CHECK_INT(b64("QUJDRA=", out, sizeof(out)), -1);
	CHECK_INT(b64("QUJD====", out, sizeof(out)), -1);
	CHECK_INT(b64("QQ==QQ==", out, sizeof(out)), -1);	/* data after padding */
	CHECK_INT(b64("QU*D", out, sizeof(out)), -1);
	CHECK_INT(b64("QUJDQUJD", out, 5), -1);			/* longer than max */
	CHECK_INT(b64("QUJDQUJD", out, 6), 6);
}

#define GOOD_SIG "v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel;\r\n" \
	"\th=From : To:subject; bh=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;\r\n\tb=QUJD\r\n\t REVG"

static const char *sig_error(const char *text, struct dkim_sig *sig)
{
	const char *error = "";

	return dkim_sig_parse(arena, mv_str_cstr(text), sig, &error) < 0 ? error : "";
}

static void test_signature(void)
{
	struct dkim_sig sig;
	const char *text = GOOD_SIG;

	CHECK_STR(mv_str_cstr(sig_error(text, &sig)), "");
	CHECK_STR(sig.domain, "example.com");
	CHECK_STR(sig.selector, "sel");
	CHECK_STR(sig.algorithm, "rsa-sha256");
	CHECK_STR(sig.auid_domain, "example.com");
	CHECK_INT(sig.alg, DKIM_ALG_RSA_SHA256);
	CHECK_INT(sig.header_canon, DKIM_CANON_RELAXED);
	CHECK_INT(sig.body_canon, DKIM_CANON_SIMPLE);
	CHECK_INT(sig.n_h, 3);
	CHECK_STR(sig.h[0], "From");
	CHECK_STR(sig.h[1], "To");
	CHECK_STR(sig.h[2], "subject");
	CHECK_INT(sig.bh_len, 32);
	CHECK_INT(sig.b_len, 6);
	CHECK(memcmp(sig.b, "ABCDEF", 6) == 0);
	/* The cut is what the field is hashed without: from after "b=" to the end of the value. */
	CHECK_STR(mv_str_make(sig.b_cut, (size_t)(sig.b_cut_end - sig.b_cut)), "QUJD\r\n\t REVG");
	CHECK(!sig.has_l && !sig.has_t && !sig.has_x);
}

static void test_signature_defaults_and_options(void)
{
	struct dkim_sig sig;

	CHECK_STR(mv_str_cstr(sig_error("v=1; a=ed25519-sha256; d=Example.COM; s=a.b; h=from; bh=QUJD; b=QUJD; "
					"i=joe@Mail.example.com; l=10; t=100; x=200; q=dns/txt; z=ignored", &sig)), "");
	CHECK_INT(sig.alg, DKIM_ALG_ED25519_SHA256);
	CHECK_INT(sig.header_canon, DKIM_CANON_SIMPLE);
	CHECK_INT(sig.body_canon, DKIM_CANON_SIMPLE);
	CHECK_STR(sig.auid, "joe@Mail.example.com");
	CHECK_STR(sig.auid_domain, "Mail.example.com");
	CHECK(sig.has_l && sig.l == 10 && sig.t == 100 && sig.x == 200);
	/* i= is dkim-quoted-printable (RFC 6376 2.11, 3.5). */
	CHECK_STR(mv_str_cstr(sig_error("v=1; a=rsa-sha256; d=x.org; s=s; h=from; bh=QUJD; b=QUJD; i=jo=3Be=40x=2Eorg",
					&sig)), "");
	CHECK_STR(sig.auid, "jo;e@x.org");
	CHECK_STR(sig.auid_domain, "x.org");
	CHECK_STR(mv_str_cstr(sig_error("v=1; a=rsa-sha1; c=relaxed; d=x.org; s=s; h=from; bh=QUJD; b=QUJD", &sig)), "");
	CHECK_INT(sig.alg, DKIM_ALG_RSA_SHA1);
	CHECK_INT(sig.header_canon, DKIM_CANON_RELAXED);
	CHECK_INT(sig.body_canon, DKIM_CANON_SIMPLE);
	/* l= is up to 76 digits; past 2^64 it saturates (longer than any body). */
	CHECK_STR(mv_str_cstr(sig_error("v=1; a=rsa-sha256; d=x.org; s=s; h=from; bh=QUJD; b=QUJD; "
					"l=99999999999999999999999999", &sig)), "");
	CHECK(sig.l == UINT64_MAX);
}

static void test_signature_errors(void)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "a=rsa-sha256; d=x.org; s=s; h=from; bh=QUJD; b=QUJD", "missing v= tag" },
		{ "v=1; d=x.org; s=s; h=from; bh=QUJD; b=QUJD", "missing a= tag" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; bh=QUJD", "missing b= tag" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; b=QUJD", "missing bh= tag" },
		{ "v=1; a=rsa-sha256; s=s; h=from; bh=QUJD; b=QUJD", "missing d= tag" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; bh=QUJD; b=QUJD", "missing h= tag" },
		{ "v=1; a=rsa-sha256; d=x.org; h=from; bh=QUJD; b=QUJD", "missing s= tag" },
		{ "v=2; a=rsa-sha256; d=x.org; s=s; h=from; bh=QUJD; b=QUJD", "v= is not 1" },
		{ "v=1; a=rsa-md5; d=x.org; s=s; h=from; bh=QUJD; b=QUJD", "unsupported algorithm a=" },
		{ "v=1; a=rsa-sha256; c=future; d=x.org; s=s; h=from; bh=QUJD; b=QUJD",
		  "unsupported canonicalization c=" },
		{ "v=1; a=rsa-sha256; c=simple/; d=x.org; s=s; h=from; bh=QUJD; b=QUJD",
		  "unsupported canonicalization c=" },
		{ "v=1; a=rsa-sha256; q=http; d=x.org; s=s; h=from; bh=QUJD; b=QUJD", "unsupported query method q=" },
		{ "v=1; a=rsa-sha256; d=x..org; s=s; h=from; bh=QUJD; b=QUJD", "d= is not a domain name" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s s; h=from; bh=QUJD; b=QUJD", "s= is not a valid selector" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=to:subject; bh=QUJD; b=QUJD", "h= does not include From" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from::to; bh=QUJD; b=QUJD",
		  "h= has an empty or malformed field name" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; i=joe; bh=QUJD; b=QUJD", "i= has no '@'" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; i=@y.org; bh=QUJD; b=QUJD", "i= is not in the d= domain" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; i=@bx.org; bh=QUJD; b=QUJD", "i= is not in the d= domain" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; i=joe=4@x.org; bh=QUJD; b=QUJD",
		  "i= is not valid quoted-printable" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; i=joe=40y.org; bh=QUJD; b=QUJD", "i= is not in the d= domain" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; l=1x; bh=QUJD; b=QUJD", "l= is not a number" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; t=-1; bh=QUJD; b=QUJD", "t= is not a number" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; x=; bh=QUJD; b=QUJD", "x= is not a number" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; t=5; x=5; bh=QUJD; b=QUJD", "x= is not after t=" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; bh=; b=QUJD", "bh= is empty" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; bh=QU!D; b=QUJD", "bh= is not valid base64" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; bh=QUJD; b=", "b= is empty" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; bh=QUJD; b=QUJ", "b= is not valid base64, or too long" },
		{ "v=1; a=rsa-sha256; d=x.org; s=s; h=from; bh=QUJD; b=QUJD; b=QUJD", "tag given twice in tag list" },
	};
	struct dkim_sig sig;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = sig_error(cases[i].text, &sig);

		if (strcmp(got, cases[i].error) != 0)
			fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
		CHECK_STR(mv_str_cstr(got), cases[i].error);
	}
	/* d= and s= are there for the report even when the signature is broken. */
	sig_error("v=2; a=rsa-sha256; d=x.org; s=sel; h=from; bh=QUJD; b=QUJD", &sig);
	CHECK_STR(sig.domain, "x.org");
	CHECK_STR(sig.selector, "sel");
}

static void test_signature_h_bound(void)
{
	static char text[DKIM_MAX_H_NAMES * 5 + 200];
	struct dkim_sig sig;
	size_t off;
	int i;

	off = (size_t)snprintf(text, sizeof(text), "v=1; a=rsa-sha256; d=x.org; s=s; bh=QUJD; b=QUJD; h=from");
	for (i = 1; i < DKIM_MAX_H_NAMES; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, ":to");
	CHECK_STR(mv_str_cstr(sig_error(text, &sig)), "");
	CHECK_INT(sig.n_h, DKIM_MAX_H_NAMES);
	snprintf(text + off, sizeof(text) - off, ":cc");
	CHECK_STR(mv_str_cstr(sig_error(text, &sig)), "h= lists too many fields");
}

static const char *key_error(const char *text, struct dkim_key *key)
{
	const char *error = "";

	return dkim_key_parse(arena, mv_str_cstr(text), key, &error) < 0 ? error : "";
}

static void test_key_record(void)
{
	struct dkim_key key;

	CHECK_STR(mv_str_cstr(key_error("v=DKIM1; p=QUJD", &key)), "");
	CHECK_INT(key.type, DKIM_KEY_RSA);
	CHECK(key.sha1_ok && key.sha256_ok && !key.testing && !key.strict);
	CHECK_INT(key.p_len, 3);
	CHECK_STR(mv_str_cstr(key_error("k=ed25519; h=sha256; t=y:s:x; s=email:web; n=notes; p=QUJD", &key)), "");
	CHECK_INT(key.type, DKIM_KEY_ED25519);
	CHECK(!key.sha1_ok && key.sha256_ok && key.testing && key.strict);
	CHECK_STR(mv_str_cstr(key_error("h=md5 : sha1; s=*; p=QUJD", &key)), "");
	CHECK(key.sha1_ok && !key.sha256_ok);
	CHECK_STR(mv_str_cstr(key_error("p=QUJD; v=DKIM1", &key)), "key v= is not the first tag");
	CHECK_STR(mv_str_cstr(key_error("v=DKIM3; p=QUJD", &key)), "key v= is not DKIM1");
	CHECK_STR(mv_str_cstr(key_error("k=dsa; p=QUJD", &key)), "unsupported key type k=");
	CHECK_STR(mv_str_cstr(key_error("s=chat; p=QUJD", &key)), "key is not for e-mail (s=)");
	CHECK_STR(mv_str_cstr(key_error("v=DKIM1; k=rsa", &key)), "key record has no p=");
	CHECK_STR(mv_str_cstr(key_error("k=rsa; t=y; p=", &key)), "key revoked");
	CHECK_STR(mv_str_cstr(key_error("k=rsa; p= ", &key)), "key revoked");
	CHECK_STR(mv_str_cstr(key_error("p=QUJ", &key)), "key p= is not valid base64, or too long");
	CHECK_STR(mv_str_cstr(key_error("k=rsa; t; p=QUJD", &key)), "tag without '=' in tag list");
}

static void test_key_record_huge(void)
{
	static char text[DKIM_MAX_KEY_BYTES * 2 + 16];
	struct dkim_key key;
	size_t i;

	memcpy(text, "p=", 2);
	for (i = 2; i < sizeof(text) - 1; i++)
		text[i] = 'A';
	text[sizeof(text) - 1] = '\0';
	/* Trim to a multiple of 4 characters: valid base64, but longer than any key we take. */
	text[2 + (sizeof(text) - 3) / 4 * 4] = '\0';
	CHECK_STR(mv_str_cstr(key_error(text, &key)), "key p= is not valid base64, or too long");
}

static void test_domain_syntax(void)
{
	CHECK(dkim_domain_valid(mv_str_cstr("example.com")));
	CHECK(dkim_domain_valid(mv_str_cstr("s_1-x.example")));
	CHECK(!dkim_domain_valid(mv_str_cstr("")));
	CHECK(!dkim_domain_valid(mv_str_cstr(".example")));
	CHECK(!dkim_domain_valid(mv_str_cstr("example.")));
	CHECK(!dkim_domain_valid(mv_str_cstr("ex ample")));
	CHECK(!dkim_domain_valid(mv_str_cstr("a.\xc3\xa9")));
	CHECK(dkim_domain_valid(mv_str_cstr("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")));
	CHECK(!dkim_domain_valid(mv_str_cstr("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")));
}

int main(void)
{
	arena = mv_arena_new(0);
	RUN(test_tag_list_syntax);
	RUN(test_tag_list_bound);
	RUN(test_base64);
	RUN(test_signature);
	RUN(test_signature_defaults_and_options);
	RUN(test_signature_errors);
	RUN(test_signature_h_bound);
	RUN(test_key_record);
	RUN(test_key_record_huge);
	RUN(test_domain_syntax);
	mv_arena_free(&arena);
	return test_summary();
}
