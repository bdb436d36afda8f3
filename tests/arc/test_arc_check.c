/*
 * The arc check through mv_scan(), on chains this test seals with keys it
 * generates, their key records in an in-memory zone: pass with 1 to 50 sets
 * (RSA and ed25519), what breaks a chain (a changed body, header or earlier
 * set, cv=, h= in a seal, keys that are missing, revoked or short, the
 * clock), what leaves it undecided (DNS failures, a cut header section),
 * outbound mail, and hostile chains (too many sets, huge fields) in bounded
 * time.  tests/arc/test_arc_suite.c runs the ValiMail suite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/arc.h"
#include "dns/dns.h"
#include "mailvet/scan.h"
#include "offline_engine.h"
#include "sign.h"
#include "test.h"

#define NOW 1700000000

static EVP_PKEY *rsa512, *rsa2048, *ed;
static struct mv_engine *engine;

static const char plain[] =
	"From: Alice <alice@example.org>\r\n"
	"To: list@lists.example.net\r\n"
	"Subject: lunch  at noon\r\n"
	"Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
	"\r\n"
	"Hello all,\r\n"
	"  see you  at noon. \r\n";

/* The ARC instance of a field of the message, 0 when it is not an ARC field. */
static unsigned instance_of(const struct mv_header *h, bool *aar_r)
{
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const struct dkim_tag *i;
	const char *error;
	unsigned inst = 0;
	int n;

	*aar_r = mv_str_eq_ci(h->name, "ARC-Authentication-Results");
	if (*aar_r)
		return sscanf(h->value.p, " i=%u;", &inst) == 1 ? inst : 0;
	if (!mv_str_eq_ci(h->name, "ARC-Seal") && !mv_str_eq_ci(h->name, "ARC-Message-Signature"))
		return 0;
	n = dkim_tags_parse(h->value, tags, &error);
	i = n > 0 ? dkim_tag_find(tags, n, "i") : NULL;
	return i != NULL && dkim_arc_instance(i->value, &inst) ? inst : 0;
}

/* The seal's header data (RFC 8617 5.1.1) for AS(n), the topmost field of text. */
static void seal_data(const char *text, unsigned n, struct buf *data)
{
	const struct mv_header *aar[ARC_MAX_INSTANCES + 1] = { 0 }, *ams[ARC_MAX_INSTANCES + 1] = { 0 };
	const struct mv_header *as[ARC_MAX_INSTANCES + 1] = { 0 };
	struct dkim_tag tags[DKIM_MAX_TAGS];
	const struct dkim_tag *b;
	struct mv_msg *msg = NULL;
	const char *error;
	unsigned i, j;
	int n_tags;

	CHECK(mv_msg_parse(text, strlen(text), NULL, &msg) == 0);
	for (i = 0; i < msg->root->n_headers; i++) {
		const struct mv_header *h = &msg->root->headers[i];
		bool is_aar;
		unsigned inst = instance_of(h, &is_aar);

		if (inst == 0)
			continue;
		if (is_aar)
			aar[inst] = h;
		else if (mv_str_eq_ci(h->name, "ARC-Seal"))
			as[inst] = as[inst] != NULL ? as[inst] : h;
		else
			ams[inst] = ams[inst] != NULL ? ams[inst] : h;
	}
	/* The tag list, not the seal parser: the test also seals what a verifier must refuse. */
	n_tags = dkim_tags_parse(as[n]->value, tags, &error);
	b = dkim_tag_find(tags, n_tags, "b");
	CHECK(b != NULL);
	for (j = 1; j <= n; j++) {
		dkim_canon_header(DKIM_CANON_RELAXED, aar[j], NULL, NULL, true, buf_sink, data);
		dkim_canon_header(DKIM_CANON_RELAXED, ams[j], NULL, NULL, true, buf_sink, data);
		if (j < n)
			dkim_canon_header(DKIM_CANON_RELAXED, as[j], NULL, NULL, true, buf_sink, data);
	}
	dkim_canon_header(DKIM_CANON_RELAXED, as[n], b->after_eq, b->value.p + b->value.len, false, buf_sink, data);
	mv_msg_free(&msg);
}

/* The AMS of set n for text: "ARC-Message-Signature: TAGS; bh=...;\r\n\tb=...\r\n" (malloc()ed). */
static char *sign_ams(const char *text, const char *tags, EVP_PKEY *key)
{
	struct mv_msg *msg = NULL;
	struct dkim_sig sig;
	const char *error = "";
	unsigned char bh[64];
	size_t bh_len = 0;
	char head[2048], *t, *bh64, *b64sig, *out;

	snprintf(head, sizeof(head), "ARC-Message-Signature: %s; bh=AAAA; b=AAAA\r\n", tags);
	t = concat3(head, text, "");
	CHECK(mv_msg_parse(t, strlen(t), NULL, &msg) == 0);
	/* h= with ARC-Seal does not parse: such an AMS gets the body hash of a good one. */
	if (dkim_sig_parse_kind(msg->arena, msg->root->headers[0].value, DKIM_SIG_ARC_AMS, &sig, &error) < 0)
		dkim_sig_parse_kind(msg->arena, mv_str_cstr("i=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=rsa; "
							    "h=from; bh=AAAA; b=AAAA"), DKIM_SIG_ARC_AMS, &sig, &error);
	CHECK(dkim_body_hash(&sig, msg->root->body, bh, &bh_len) == 0);
	mv_msg_free(&msg);
	free(t);
	bh64 = b64(bh, bh_len);
	snprintf(head, sizeof(head), "ARC-Message-Signature: %s; bh=%s;\r\n\tb=", tags, bh64);
	t = concat3(head, "AAAA\r\n", text);
	CHECK(mv_msg_parse(t, strlen(t), NULL, &msg) == 0);
	dkim_sig_parse_kind(msg->arena, msg->root->headers[0].value, DKIM_SIG_ARC_AMS, &sig, &error);
	b64sig = sign_fields(msg, &sig, &msg->root->headers[0], key);
	out = concat3(head, b64sig, "\r\n");
	mv_msg_free(&msg);
	free(t);
	free(bh64);
	free(b64sig);
	return out;
}

struct set_opts {
	const char *cv;			/* NULL: what its place asks */
	const char *selector;		/* of both signatures; NULL: "rsa", or "ed" for ed25519 */
	const char *ams_tags;		/* more AMS tags ("; x=1"), or NULL */
	const char *as_tags;		/* more AS tags, or NULL */
	EVP_PKEY *key;			/* NULL: rsa2048 */
};

/* Adds ARC set n on top of text: AAR, AMS and AS, sealed.  Frees text; returns the new one. */
static char *seal(char *text, unsigned n, const struct set_opts *o)
{
	EVP_PKEY *key = o != NULL && o->key != NULL ? o->key : rsa2048;
	bool is_ed = EVP_PKEY_is_a(key, "ED25519");
	const char *alg = is_ed ? "ed25519-sha256" : "rsa-sha256";
	const char *sel = o != NULL && o->selector != NULL ? o->selector : is_ed ? "ed" : "rsa";
	const char *cv = o != NULL && o->cv != NULL ? o->cv : n == 1 ? "none" : "pass";
	char aar[200], tags[1024], head[1024], *ams, *t, *sig, *out;
	struct buf data = { NULL, 0, 0 };

	snprintf(aar, sizeof(aar), "ARC-Authentication-Results: i=%u; relay%u.example;\r\n\tspf=pass smtp.mailfrom=example.org\r\n",
		 n, n);
	t = concat3(aar, text, "");
	snprintf(tags, sizeof(tags), "i=%u; a=%s; c=relaxed/relaxed; d=example.org; s=%s; t=%d;\r\n\th=from:to:subject:date%s",
		 n, alg, sel, NOW - 100, o != NULL && o->ams_tags != NULL ? o->ams_tags : "");
	ams = sign_ams(t, tags, key);
	free(t);
	snprintf(head, sizeof(head), "ARC-Seal: i=%u; a=%s; cv=%s; d=example.org; s=%s; t=%d%s;\r\n\tb=", n, alg, cv, sel,
		 NOW - 100, o != NULL && o->as_tags != NULL ? o->as_tags : "");
	t = malloc(strlen(head) + strlen(ams) + strlen(aar) + strlen(text) + 10);
	sprintf(t, "%sAAAA\r\n%s%s%s", head, ams, aar, text);
	seal_data(t, n, &data);
	sig = sign_data(key, false, &data);
	out = malloc(strlen(head) + strlen(sig) + strlen(ams) + strlen(aar) + strlen(text) + 10);
	sprintf(out, "%s%s\r\n%s%s%s", head, sig, ams, aar, text);
	free(t);
	free(sig);
	free(ams);
	free(data.p);
	free(text);
	return out;
}

/* A chain of n sets, all sealed the same way. */
static char *chain(unsigned n, const struct set_opts *o)
{
	char *text = strdup(plain);
	unsigned i;

	for (i = 1; i <= n; i++)
		text = seal(text, i, o);
	return text;
}

/* Replaces the first `from` with `to` (frees text). */
static char *replace(char *text, const char *from, const char *to)
{
	char *at = strstr(text, from), *out;

	CHECK(at != NULL);
	if (at == NULL)
		return text;
	*at = '\0';
	out = concat3(text, to, at + strlen(from));
	free(text);
	return out;
}

static void add_key(struct dns_zone *zone, const char *name, const char *prefix, EVP_PKEY *key)
{
	char *p = key != NULL ? key_p(key) : strdup(""), *rec = concat3(prefix, p, ""), *error = NULL;

	CHECK(dns_zone_add(zone, name, DNS_T_TXT, 300, rec, &error) == 0);
	free(error);
	free(rec);
	free(p);
}

static struct mv_engine *make_engine(const char *settings)
{
	struct dns_zone *zone = dns_zone_new();

	add_key(zone, "rsa._domainkey.example.org", "v=DKIM1; k=rsa; p=", rsa2048);
	add_key(zone, "ed._domainkey.example.org", "v=DKIM1; k=ed25519; p=", ed);
	add_key(zone, "short._domainkey.example.org", "v=DKIM1; p=", rsa512);
	add_key(zone, "revoked._domainkey.example.org", "v=DKIM1; p=", NULL);
	add_key(zone, "edtype._domainkey.example.org", "v=DKIM1; k=ed25519; p=", rsa2048);
	dns_zone_add_failure(zone, "down._domainkey.example.org", DNS_R_TEMPFAIL);
	dns_zone_add_failure(zone, "slow._domainkey.example.org", DNS_R_TIMEOUT);
	return zone_engine(settings, zone, 200);
}

struct scan_opts {
	const struct mv_limits *limits;
	int64_t time;			/* 0: NOW */
	bool outbound;
};

/*
 * Scans text (then frees it) and describes the outcome:
 * "result/instances (reason) | SYMBOL: detail".
 */
static const char *scan_o(char *text, const struct scan_opts *o)
{
	static char out[4096];
	struct mv_msg *msg = NULL;
	struct mv_envelope env;
	struct mv_report report;
	const struct mv_auth_arc *arc;
	size_t len;
	unsigned i;

	memset(&env, 0, sizeof(env));
	env.txn.time = o != NULL && o->time != 0 ? o->time : NOW;
	env.conn.authenticated = o != NULL && o->outbound;
	CHECK(mv_msg_parse(text, strlen(text), o != NULL && o->limits != NULL ? o->limits : mv_engine_limits(engine),
			   &msg) == 0);
	CHECK_INT(mv_scan(engine, msg, &env, &report), MV_OK);
	arc = &report.auth.arc;
	len = (size_t)snprintf(out, sizeof(out), "%s/%u", mv_auth_result_name(arc->result), arc->instances);
	if (arc->reason.len != 0)
		len += (size_t)snprintf(out + len, sizeof(out) - len, " (%.*s)", (int)arc->reason.len, arc->reason.p);
	for (i = 0; i < report.n_symbols && len < sizeof(out) - 300; i++) {
		const struct mv_symbol *s = &report.symbols[i];

		if (strncmp(s->name, "ARC_", 4) == 0)
			len += (size_t)snprintf(out + len, sizeof(out) - len, " | %s: %.*s", s->name,
						(int)s->detail.len, s->detail.p);
	}
	mv_msg_free(&msg);
	free(text);
	return out;
}

static const char *scan(char *text)
{
	return scan_o(text, NULL);
}

#define CHECK_SCAN(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	test_checks++; \
	if (strcmp(g_, w_) != 0) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: got:      %s\n%*s  expected: %s\n", __FILE__, __LINE__, g_, \
			(int)strlen(__FILE__) + 4, "", w_); \
	} \
} while (0)

static void test_pass(void)
{
	struct set_opts edo = { .key = ed };

	CHECK_SCAN(scan(chain(1, NULL)), "pass/1 | ARC_PASS: 1 ARC set, sealed last by example.org");
	CHECK_SCAN(scan(chain(3, NULL)), "pass/3 | ARC_PASS: 3 ARC sets, sealed last by example.org");
	CHECK_SCAN(scan(chain(2, &edo)), "pass/2 | ARC_PASS: 2 ARC sets, sealed last by example.org");
	/* ed25519 over RSA, and the reverse. */
	CHECK_SCAN(scan(seal(chain(1, NULL), 2, &edo)), "pass/2 | ARC_PASS: 2 ARC sets, sealed last by example.org");
	CHECK_SCAN(scan(seal(chain(1, &edo), 2, NULL)), "pass/2 | ARC_PASS: 2 ARC sets, sealed last by example.org");
	/* Stored with LF line ends, the chain still verifies. */
	{
		char *text = chain(2, NULL), *w = text, *p;

		for (p = text; *p != '\0'; p++) {
			if (!(p[0] == '\r' && p[1] == '\n'))
				*w++ = *p;
		}
		*w = '\0';
		CHECK_SCAN(scan(text), "pass/2 | ARC_PASS: 2 ARC sets, sealed last by example.org");
	}
}

static void test_none_and_outbound(void)
{
	struct scan_opts out = { .outbound = true };

	CHECK_SCAN(scan(strdup(plain)), "none/0 | ARC_NONE: no ARC header fields");
	CHECK_SCAN(scan_o(chain(1, NULL), &out), "none/0");
	CHECK_SCAN(scan_o(strdup(plain), &out), "none/0");
}

static void test_changes(void)
{
	/* A change before the newest set is what ARC is for: AMS(1) breaks, the chain holds. */
	CHECK_SCAN(scan(seal(replace(chain(1, NULL), "see you", "meet you"), 2, NULL)),
		   "pass/2 | ARC_PASS: 2 ARC sets, sealed last by example.org");
	CHECK_SCAN(scan(replace(chain(2, NULL), "see you", "meet you")),
		   "fail/2 (ARC-Message-Signature i=2 (d=example.org s=rsa): body hash mismatch) | "
		   "ARC_FAIL: ARC-Message-Signature i=2 (d=example.org s=rsa): body hash mismatch");
	CHECK_SCAN(scan(replace(chain(2, NULL), "Subject: lunch", "Subject: dinner")),
		   "fail/2 (ARC-Message-Signature i=2 (d=example.org s=rsa): signature does not verify) | "
		   "ARC_FAIL: ARC-Message-Signature i=2 (d=example.org s=rsa): signature does not verify");
	/* An earlier set changed: the newer seals cover it. */
	CHECK_SCAN(scan(replace(chain(3, NULL), "relay1.example", "relay9.example")),
		   "fail/3 (ARC-Seal i=3 (d=example.org s=rsa): signature does not verify) | "
		   "ARC_FAIL: ARC-Seal i=3 (d=example.org s=rsa): signature does not verify");
	/* A set removed from the top leaves a sound shorter chain; from the middle, a gap. */
	{
		char *two = chain(2, NULL), *three = chain(3, NULL);
		char *cut = strstr(three, "ARC-Seal: i=2");

		CHECK_SCAN(scan(strdup(strstr(three, "ARC-Seal: i=2"))),
			   "pass/2 | ARC_PASS: 2 ARC sets, sealed last by example.org");
		*cut = '\0';
		CHECK_SCAN(scan(concat3(three, strstr(two, "ARC-Seal: i=1"), "")),
			   "fail/3 (ARC set i=2 has no ARC-Authentication-Results) | "
			   "ARC_FAIL: ARC set i=2 has no ARC-Authentication-Results");
		free(two);
		free(three);
	}
}

static void test_structure(void)
{
	struct set_opts none = { .cv = "none" }, fail = { .cv = "fail" }, pass = { .cv = "pass" };
	struct set_opts h = { .as_tags = "; h=from" }, ams_h = { .ams_tags = ":arc-seal" };

	CHECK_SCAN(scan(seal(chain(1, NULL), 2, &none)),
		   "fail/2 (ARC-Seal i=2 has cv=none, not pass) | ARC_FAIL: ARC-Seal i=2 has cv=none, not pass");
	CHECK_SCAN(scan(seal(chain(1, NULL), 2, &fail)),
		   "fail/2 (ARC-Seal i=2 has cv=fail) | ARC_FAIL: ARC-Seal i=2 has cv=fail");
	CHECK_SCAN(scan(chain(1, &pass)),
		   "fail/1 (ARC-Seal i=1 has cv=pass, not none) | ARC_FAIL: ARC-Seal i=1 has cv=pass, not none");
	/* A sealer that saw a failed chain says so, and a later one cannot make it pass again. */
	CHECK_SCAN(scan(seal(seal(chain(1, NULL), 2, &fail), 3, NULL)),
		   "fail/3 (ARC-Seal i=2 has cv=fail, not pass) | ARC_FAIL: ARC-Seal i=2 has cv=fail, not pass");
	CHECK_SCAN(scan(chain(1, &h)), "fail/1 (ARC-Seal i=1: an ARC-Seal has no h= tag) | "
		   "ARC_FAIL: ARC-Seal i=1: an ARC-Seal has no h= tag");
	CHECK_SCAN(scan(chain(1, &ams_h)), "fail/1 (ARC-Message-Signature i=1: h= includes ARC-Seal) | "
		   "ARC_FAIL: ARC-Message-Signature i=1: h= includes ARC-Seal");
	/* Only the instance of an AAR is read: "i=1;" first. */
	CHECK_SCAN(scan(replace(chain(1, NULL), "ARC-Authentication-Results: i=1;", "ARC-Authentication-Results: i = 1 ;")),
		   "fail/1 (ARC-Seal i=1 (d=example.org s=rsa): signature does not verify) | "
		   "ARC_FAIL: ARC-Seal i=1 (d=example.org s=rsa): signature does not verify");
	CHECK_SCAN(scan(replace(chain(1, NULL), "ARC-Authentication-Results: i=1;", "ARC-Authentication-Results: x; i=1;")),
		   "fail/1 (an ARC-Authentication-Results does not start with a valid i=) | "
		   "ARC_FAIL: an ARC-Authentication-Results does not start with a valid i=");
	/* Only ARC fields are counted: a lone AAR is a broken chain, not none. */
	CHECK_SCAN(scan(concat3("ARC-Authentication-Results: i=1; a.example; none\r\n", plain, "")),
		   "fail/1 (ARC set i=1 has no ARC-Message-Signature) | ARC_FAIL: ARC set i=1 has no ARC-Message-Signature");
}

static void test_keys(void)
{
	struct set_opts down = { .selector = "down" }, slow = { .selector = "slow" }, na = { .selector = "na" };
	struct set_opts revoked = { .selector = "revoked" }, shortk = { .selector = "short", .key = rsa512 };
	struct set_opts edtype = { .selector = "edtype" };

	CHECK_SCAN(scan(chain(1, &na)), "fail/1 (ARC-Message-Signature i=1 (d=example.org s=na): no key record (NXDOMAIN)) | "
		   "ARC_FAIL: ARC-Message-Signature i=1 (d=example.org s=na): no key record (NXDOMAIN)");
	CHECK_SCAN(scan(chain(1, &revoked)), "fail/1 (ARC-Message-Signature i=1 (d=example.org s=revoked): key revoked) | "
		   "ARC_FAIL: ARC-Message-Signature i=1 (d=example.org s=revoked): key revoked");
	CHECK_SCAN(scan(chain(1, &shortk)),
		   "fail/1 (ARC-Message-Signature i=1 (d=example.org s=short): RSA key shorter than dkim_min_rsa_bits) | "
		   "ARC_FAIL: ARC-Message-Signature i=1 (d=example.org s=short): RSA key shorter than dkim_min_rsa_bits");
	CHECK_SCAN(scan(chain(1, &edtype)),
		   "fail/1 (ARC-Message-Signature i=1 (d=example.org s=edtype): the key's type (k=) does not match the algorithm (a=)) | "
		   "ARC_FAIL: ARC-Message-Signature i=1 (d=example.org s=edtype): the key's type (k=) does not match the algorithm (a=)");
	CHECK_SCAN(scan(chain(1, &down)),
		   "temperror/1 (ARC-Message-Signature i=1 (d=example.org s=down): key lookup failed (DNS temporary failure)) | "
		   "ARC_TEMPERROR: ARC-Message-Signature i=1 (d=example.org s=down): key lookup failed (DNS temporary failure)");
	CHECK_SCAN(scan(seal(chain(1, &slow), 2, NULL)),
		   "temperror/2 (ARC-Seal i=1 (d=example.org s=slow): key lookup timed out) | "
		   "ARC_TEMPERROR: ARC-Seal i=1 (d=example.org s=slow): key lookup timed out");
	/* A failure anywhere decides, whatever could not be fetched. */
	CHECK_SCAN(scan(replace(seal(chain(1, &down), 2, NULL), "see you", "meet you")),
		   "fail/2 (ARC-Message-Signature i=2 (d=example.org s=rsa): body hash mismatch) | "
		   "ARC_FAIL: ARC-Message-Signature i=2 (d=example.org s=rsa): body hash mismatch");
	CHECK_SCAN(scan(replace(seal(chain(1, NULL), 2, &down), "relay1.example", "relay9.example")),
		   "fail/2 (ARC-Seal i=1 (d=example.org s=rsa): signature does not verify) | "
		   "ARC_FAIL: ARC-Seal i=1 (d=example.org s=rsa): signature does not verify");
}

static void test_time(void)
{
	struct set_opts expired = { .ams_tags = "; x=1700000100" }, future = { .as_tags = "; x=1800000000" };
	struct scan_opts late = { .time = NOW + 1001 }, early = { .time = NOW - 1001 }, skew = { .time = NOW - 500 };

	/* x= is NOW + 100: a scan more than dkim_clock_skew (15 minutes) after it finds it expired. */
	CHECK_SCAN(scan_o(chain(1, &expired), &skew), "pass/1 | ARC_PASS: 1 ARC set, sealed last by example.org");
	CHECK_SCAN(scan_o(chain(1, &expired), &late), "fail/1 (ARC-Message-Signature i=1: expired (x=)) | "
		   "ARC_FAIL: ARC-Message-Signature i=1: expired (x=)");
	CHECK_SCAN(scan(chain(1, &future)), "pass/1 | ARC_PASS: 1 ARC set, sealed last by example.org");
	/* The sets were made at NOW - 100; a scan 900 s before that is past the 15 minutes of dkim_clock_skew. */
	CHECK_SCAN(scan_o(chain(1, NULL), &early), "fail/1 (ARC-Message-Signature i=1: dated in the future (t=)) | "
		   "ARC_FAIL: ARC-Message-Signature i=1: dated in the future (t=)");
	CHECK_SCAN(scan_o(chain(1, NULL), &skew), "pass/1 | ARC_PASS: 1 ARC set, sealed last by example.org");
}

static void test_cut(void)
{
	struct mv_limits limits = { 0 };
	struct scan_opts o = { .limits = &limits };
	char *text;

	limits.max_headers = 4;
	CHECK_SCAN(scan_o(chain(1, NULL), &o),
		   "neutral/1 (the header section was cut by max_headers or max_header_bytes: not verifiable) | "
		   "ARC_NONE: the header section was cut by max_headers or max_header_bytes: not verifiable");
	/* The cut hides set 1 of 3: not a broken chain, but not a verified one either. */
	limits.max_headers = 8;
	CHECK_SCAN(scan_o(chain(3, NULL), &o),
		   "neutral/3 (the header section was cut by max_headers or max_header_bytes: not verifiable) | "
		   "ARC_NONE: the header section was cut by max_headers or max_header_bytes: not verifiable");
	/* What is wrong in the fields read stands: the newest sealer's cv=fail, too many sets (below). */
	text = seal(chain(2, NULL), 3, &(struct set_opts){ .cv = "fail" });
	CHECK_SCAN(scan_o(text, &o), "fail/3 (ARC-Seal i=3 has cv=fail) | ARC_FAIL: ARC-Seal i=3 has cv=fail");
	limits.max_headers = 0;
	text = chain(1, NULL);
	limits.max_message_bytes = strlen(text) - 3;
	CHECK_SCAN(scan_o(text, &o), "neutral/1 (the message was cut at max_message_bytes: not verifiable) | "
		   "ARC_NONE: the message was cut at max_message_bytes: not verifiable");
	/* A cut body leaves the structure's verdict: the AS(1) below is not complete whatever the body. */
	text = replace(chain(1, NULL), "ARC-Seal: ", "X-Old-Seal: ");
	limits.max_message_bytes = strlen(text) - 3;
	CHECK_SCAN(scan_o(text, &o), "fail/1 (ARC set i=1 has no ARC-Seal) | ARC_FAIL: ARC set i=1 has no ARC-Seal");
}

static void test_hostile(void)
{
	struct set_opts edo = { .key = ed };
	char *text, *big, *p;
	size_t i, n;
	clock_t t0;
	double secs;

	/* The longest chain RFC 8617 allows, and one set more. */
	text = chain(ARC_MAX_INSTANCES, &edo);
	t0 = clock();
	CHECK_SCAN(scan(strdup(text)), "pass/50 | ARC_PASS: 50 ARC sets, sealed last by example.org");
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("a chain of 50 ed25519 sets verifies in %.1f ms\n", secs * 1000);
	CHECK(secs < time_bound(1.0));
	free(text);
	text = chain(ARC_MAX_INSTANCES, NULL);
	t0 = clock();
	CHECK_SCAN(scan(strdup(text)), "pass/50 | ARC_PASS: 50 ARC sets, sealed last by example.org");
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("a chain of 50 RSA-2048 sets verifies in %.1f ms\n", secs * 1000);
	CHECK(secs < time_bound(1.0));
	CHECK_SCAN(scan(concat3("ARC-Seal: i=51; a=rsa-sha256; cv=pass; d=example.org; s=rsa; b=AAAA\r\n", text, "")),
		   "fail/0 (an ARC-Seal has no valid instance: i= is not an instance number from 1 to 50) | "
		   "ARC_FAIL: an ARC-Seal has no valid instance: i= is not an instance number from 1 to 50");
	free(text);
	/* 10,000 ARC fields: the count stops at 151. */
	n = 10000;
	big = malloc(n * 50 + sizeof(plain));
	for (p = big, i = 0; i < n; i++) {
		static const char *const name[] = { "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results" };

		p += sprintf(p, "%s: i=%zu; a=b\r\n", name[i % 3], i / 3 % 50 + 1);
	}
	strcpy(p, plain);
	CHECK_SCAN(scan(big), "fail/50 (more than 50 ARC sets) | ARC_FAIL: more than 50 ARC sets");
	/* A field over 64 KiB, and fields of 512 KiB in all. */
	big = malloc(70000 + sizeof(plain) + 100);
	p = big + sprintf(big, "ARC-Authentication-Results: i=1; a.example; x=");
	memset(p, 'a', 66000);
	strcpy(p + 66000, "\r\n");
	strcat(big, plain);
	CHECK_SCAN(scan(big), "fail/0 (an ARC field is longer than 64 KiB) | ARC_FAIL: an ARC field is longer than 64 KiB");
	big = malloc(10 * 60100 + sizeof(plain));
	for (p = big, i = 0; i < 10; i++) {
		p += sprintf(p, "ARC-Authentication-Results: i=%zu; a.example; x=", i + 1);
		memset(p, 'a', 60000);
		p += 60000;
		p += sprintf(p, "\r\n");
	}
	strcpy(p, plain);
	CHECK_SCAN(scan(big), "fail/8 (the ARC fields are longer than 512 KiB in all) | "
		   "ARC_FAIL: the ARC fields are longer than 512 KiB in all");
}

int main(void)
{
	rsa512 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)512);
	rsa2048 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (rsa512 == NULL || rsa2048 == NULL || ed == NULL) {
		fprintf(stderr, "key generation failed\n");
		return 1;
	}
	engine = make_engine("max_header_bytes = 2M\n");
	CHECK(engine != NULL);
	if (engine == NULL)
		return test_summary();
	RUN(test_pass);
	RUN(test_none_and_outbound);
	RUN(test_changes);
	RUN(test_structure);
	RUN(test_keys);
	RUN(test_time);
	RUN(test_cut);
	RUN(test_hostile);
	mv_engine_unref(&engine);
	EVP_PKEY_free(rsa512);
	EVP_PKEY_free(rsa2048);
	EVP_PKEY_free(ed);
	return test_summary();
}
