/*
 * check_host() over an in-memory zone: hostile records (include loops and
 * floods, void lookup floods, long and many records) end in permerror
 * within the limits, with the number of questions asked bounded; exp= is
 * looked up only for a fail; and an evaluation interrupted by pending
 * lookups (MV_AGAIN), re-run until done, ends as the synchronous one.
 */
#include <time.h>

#include "auth/spf.h"
#include "dns/dns_int.h"
#include "mailvet/status.h"
#include "test.h"

struct fake_dns {
	struct dns_zone *zone;
	mv_arena *arena;
	unsigned queries;
	bool async;		/* the first ask of each question is pending (MV_AGAIN) */
	char asked[512][80];	/* "TYPE name" of each distinct question, for async and the logs */
	unsigned n_asked;
};

static bool asked(const struct fake_dns *d, unsigned type, const char *name)
{
	char key[80];
	unsigned i;

	snprintf(key, sizeof(key), "%u %s", type, name);
	for (i = 0; i < d->n_asked; i++) {
		if (strcmp(d->asked[i], key) == 0)
			return true;
	}
	return false;
}

/* Whether the question was asked before; it is remembered from now on. */
static bool seen(struct fake_dns *d, const char *name, unsigned type)
{
	if (asked(d, type, name))
		return true;
	if (d->n_asked < sizeof(d->asked) / sizeof(d->asked[0]))
		snprintf(d->asked[d->n_asked++], sizeof(d->asked[0]), "%u %s", type, name);
	return false;
}

static int fake_lookup(void *arg, const char *name, unsigned type, const struct dns_answer **answer_r)
{
	struct fake_dns *d = arg;
	struct dns_answer *a = mv_arena_calloc(d->arena, 1, sizeof(*a));
	char norm[256];
	bool again = !seen(d, name, type) && d->async;

	d->queries++;
	if (a == NULL)
		return MV_NOMEM;
	if (again)
		return MV_AGAIN;
	if (!dns_name_normalize(mv_str_cstr(name), norm))
		a->rcode = DNS_R_BADNAME;
	else
		dns_zone_lookup(d->zone, norm, (uint16_t)type, a);
	*answer_r = a;
	return MV_OK;
}

static void add(struct dns_zone *zone, const char *name, uint16_t type, const char *rdata)
{
	char *error = NULL;

	if (dns_zone_add(zone, name, type, 300, rdata, &error) < 0) {
		fprintf(stderr, "zone: %s\n", error);
		CHECK(0);
	}
	free(error);
}

static void add_txt(struct dns_zone *zone, const char *name, const char *text)
{
	struct dns_rr rr;
	char *error = NULL;

	memset(&rr, 0, sizeof(rr));
	rr.type = DNS_T_TXT;
	rr.text = mv_str_cstr(text);
	rr.n_strings = 1;
	CHECK(dns_zone_add_rr(zone, name, &rr, &error) == 0);
	free(error);
}

static struct fake_dns *fake_new(void)
{
	struct fake_dns *d = calloc(1, sizeof(*d));

	d->zone = dns_zone_new();
	d->arena = mv_arena_new(0);
	return d;
}

static void fake_free(struct fake_dns *d)
{
	dns_zone_free(&d->zone);
	mv_arena_free(&d->arena);
	free(d);
}

/* check_host(ip, domain of sender, sender) with the fake DNS; re-run while pending. */
static enum mv_auth_result check(struct fake_dns *d, const char *ip, const char *sender, struct spf_outcome *out)
{
	struct spf_query q;
	const char *at = strrchr(sender, '@');
	unsigned passes = 0;
	int r;

	CHECK_INT(spf_query_init(&q, mv_str_cstr(ip), mv_str_cstr(sender), MV_STR_LIT("mx.example.net"), d->arena),
		  0);
	q.dns = fake_lookup;
	q.dns_arg = d;
	d->queries = 0;
	d->n_asked = 0;
	do {
		r = spf_check_host(&q, mv_str_cstr(at != NULL ? at + 1 : sender), out);
		passes++;
	} while (r == MV_AGAIN && passes < 1000);
	CHECK_INT(r, MV_OK);
	return out->result;
}

static void test_eval_include_loop_is_permerror(void)
{
	struct fake_dns *d = fake_new();
	struct spf_outcome out;

	add_txt(d->zone, "a.example", "v=spf1 include:b.example -all");
	add_txt(d->zone, "b.example", "v=spf1 include:a.example -all");
	CHECK_INT(check(d, "192.0.2.1", "x@a.example", &out), MV_AUTH_PERMERROR);
	CHECK(strstr(out.problem, "more than 10") != NULL);
	CHECK(d->queries <= 11);
	/* A redirect loop likewise. */
	add_txt(d->zone, "r.example", "v=spf1 redirect=r.example");
	CHECK_INT(check(d, "192.0.2.1", "x@r.example", &out), MV_AUTH_PERMERROR);
	CHECK(d->queries <= 11);
	fake_free(d);
}

static void test_eval_hundred_includes(void)
{
	struct fake_dns *d = fake_new();
	struct spf_outcome out;
	char rec[4096], name[64];
	size_t len;
	int i;

	/* 100 includes in one record, then a chain 100 deep: both stop at the 11th. */
	len = (size_t)snprintf(rec, sizeof(rec), "v=spf1");
	for (i = 1; i <= 100; i++) {
		len += (size_t)snprintf(rec + len, sizeof(rec) - len, " include:i%d.example", i);
		snprintf(name, sizeof(name), "i%d.example", i);
		add_txt(d->zone, name, "v=spf1 -all");
	}
	snprintf(rec + len, sizeof(rec) - len, " -all");
	add_txt(d->zone, "wide.example", rec);
	CHECK_INT(check(d, "192.0.2.1", "x@wide.example", &out), MV_AUTH_PERMERROR);
	CHECK(d->queries <= 11);
	for (i = 1; i < 100; i++) {
		char text[64];

		snprintf(name, sizeof(name), "c%d.example", i);
		snprintf(text, sizeof(text), "v=spf1 include:c%d.example -all", i + 1);
		add_txt(d->zone, name, text);
	}
	CHECK_INT(check(d, "192.0.2.1", "x@c1.example", &out), MV_AUTH_PERMERROR);
	CHECK(d->queries <= 11);
	/* Ten are allowed. */
	add_txt(d->zone, "ten.example", "v=spf1 include:i1.example include:i2.example include:i3.example "
					 "include:i4.example include:i5.example include:i6.example include:i7.example "
					 "include:i8.example include:i9.example include:i10.example ip4:192.0.2.1 -all");
	CHECK_INT(check(d, "192.0.2.1", "x@ten.example", &out), MV_AUTH_PASS);
	CHECK_INT(out.lookups, 10);
	fake_free(d);
}

static void test_eval_void_lookup_flood(void)
{
	struct fake_dns *d = fake_new();
	struct spf_outcome out;

	add_txt(d->zone, "v.example", "v=spf1 a:n1.example a:n2.example mx:n3.example exists:n4.example "
				      "a:n5.example a:n6.example a:n7.example a:n8.example -all");
	CHECK_INT(check(d, "192.0.2.1", "x@v.example", &out), MV_AUTH_PERMERROR);
	CHECK(strstr(out.problem, "void") != NULL);
	CHECK_INT(out.voids, 3);
	CHECK(d->queries <= 4);
	/* Two are allowed. */
	add_txt(d->zone, "v2.example", "v=spf1 a:n1.example a:n2.example -all");
	CHECK_INT(check(d, "192.0.2.1", "x@v2.example", &out), MV_AUTH_FAIL);
	fake_free(d);
}

static void test_eval_long_and_many_records(void)
{
	struct fake_dns *d = fake_new();
	struct spf_outcome out;
	static char rec[10240];
	size_t len = 6;
	int i;

	memcpy(rec, "v=spf1", 6);
	for (i = 0; len + 30 < sizeof(rec); i++)
		len += (size_t)snprintf(rec + len, sizeof(rec) - len, " ip4:10.%d.%d.0/24", i / 256 % 256, i % 256);
	memcpy(rec + len, " -all", 6);
	add_txt(d->zone, "long.example", rec);
	CHECK_INT(check(d, "192.0.2.1", "x@long.example", &out), MV_AUTH_FAIL);
	CHECK_INT(check(d, "10.1.4.5", "x@long.example", &out), MV_AUTH_PASS);
	/* The same with a syntax error at the very end: the whole record is a permerror. */
	memcpy(rec + len, " -all x", 8);
	add_txt(d->zone, "longbad.example", rec);
	CHECK_INT(check(d, "10.1.4.5", "x@longbad.example", &out), MV_AUTH_PERMERROR);
	/* Many SPF records at one name: a permerror (4.5); other TXT records do not count. */
	for (i = 0; i < 50; i++) {
		char text[64];

		snprintf(text, sizeof(text), "v=spf1 ip4:192.0.2.%d -all", i);
		add_txt(d->zone, "many.example", text);
		add_txt(d->zone, "one.example", text + 7);
	}
	add_txt(d->zone, "one.example", "v=spf1 +all");
	CHECK_INT(check(d, "192.0.2.1", "x@many.example", &out), MV_AUTH_PERMERROR);
	CHECK(strstr(out.problem, "50 SPF records") != NULL);
	CHECK_INT(check(d, "192.0.2.1", "x@one.example", &out), MV_AUTH_PASS);
	fake_free(d);
}

static void test_eval_mx_and_ptr_name_limits(void)
{
	struct fake_dns *d = fake_new();
	struct spf_outcome out;
	char rdata[64], name[64];
	int i;

	for (i = 0; i < 11; i++) {
		snprintf(rdata, sizeof(rdata), "%d mx%d.example", i, i);
		add(d->zone, "m11.example", DNS_T_MX, rdata);
		if (i < 10)
			add(d->zone, "m10.example", DNS_T_MX, rdata);
		snprintf(name, sizeof(name), "mx%d.example", i);
		add(d->zone, name, DNS_T_A, "192.0.2.99");
		snprintf(name, sizeof(name), "h%d.p.example", i);
		add(d->zone, "1.2.0.192.in-addr.arpa", DNS_T_PTR, name);
		add(d->zone, name, DNS_T_A, i == 10 ? "192.0.2.1" : "192.0.2.200");
	}
	add(d->zone, "mx9.example", DNS_T_A, "192.0.2.1");
	add_txt(d->zone, "m11.example", "v=spf1 mx -all");
	add_txt(d->zone, "m10.example", "v=spf1 mx -all");
	/* 4.6.4: more than 10 MX names is a permerror; ten are looked at. */
	CHECK_INT(check(d, "192.0.2.1", "x@m11.example", &out), MV_AUTH_PERMERROR);
	CHECK_INT(check(d, "192.0.2.1", "x@m10.example", &out), MV_AUTH_PASS);
	CHECK(d->queries <= 1 + 1 + 10);
	/* Past 10 PTR names the rest are ignored: the 11th would have validated. */
	add_txt(d->zone, "p.example", "v=spf1 ptr -all");
	CHECK_INT(check(d, "192.0.2.1", "x@p.example", &out), MV_AUTH_FAIL);
	CHECK(d->queries <= 1 + 1 + 10);
	fake_free(d);
}

static void test_eval_exp_only_on_fail(void)
{
	struct fake_dns *d = fake_new();
	struct spf_outcome out;

	add_txt(d->zone, "f.example", "v=spf1 ip4:192.0.2.9 ~ip4:192.0.2.8 -all exp=why.f.example");
	add_txt(d->zone, "why.f.example", "%{i} may not send for %{d} (%{l}, %{c}, %{p})");
	add(d->zone, "1.2.0.192.in-addr.arpa", DNS_T_PTR, "host.f.example");
	add(d->zone, "host.f.example", DNS_T_A, "192.0.2.1");
	CHECK_INT(check(d, "192.0.2.1", "joe@f.example", &out), MV_AUTH_FAIL);
	CHECK_STR(mv_str_cstr(out.explanation), "192.0.2.1 may not send for f.example (joe, 192.0.2.1, host.f.example)");
	CHECK(asked(d, DNS_T_TXT, "why.f.example"));
	CHECK_INT(check(d, "192.0.2.8", "joe@f.example", &out), MV_AUTH_SOFTFAIL);
	CHECK_STR(mv_str_cstr(out.explanation), "");
	CHECK(!asked(d, DNS_T_TXT, "why.f.example"));
	CHECK_INT(check(d, "192.0.2.9", "joe@f.example", &out), MV_AUTH_PASS);
	CHECK(!asked(d, DNS_T_TXT, "why.f.example"));
	fake_free(d);
}

/* 4.6.4: a %{p} costs one of the 10 (its PTR query), once, but not in exp=, which is evaluated after. */
static void test_eval_p_macro_counts_once(void)
{
	struct fake_dns *d = fake_new();
	struct spf_outcome out;

	add(d->zone, "h.example", DNS_T_A, "198.51.100.1");
	add(d->zone, "1.2.0.192.in-addr.arpa", DNS_T_PTR, "mx.p.example");
	add(d->zone, "mx.p.example", DNS_T_A, "192.0.2.1");
	add(d->zone, "mx.p.example.ok.example", DNS_T_A, "127.0.0.2");
	add_txt(d->zone, "p8.example", "v=spf1 a:h.example a:h.example a:h.example a:h.example a:h.example "
				       "a:h.example a:h.example exists:%{p}.no.example "
				       "exists:%{p}.ok.example -all");
	add_txt(d->zone, "p9.example", "v=spf1 a:h.example a:h.example a:h.example a:h.example a:h.example "
				       "a:h.example a:h.example a:h.example a:h.example exists:%{p}.ok.example -all");
	add_txt(d->zone, "pexp.example", "v=spf1 a:h.example a:h.example a:h.example a:h.example a:h.example "
					 "a:h.example a:h.example a:h.example a:h.example a:h.example -all "
					 "exp=%{p}.why.example");
	add_txt(d->zone, "mx.p.example.why.example", "from %{p}");
	CHECK_INT(check(d, "192.0.2.1", "x@p8.example", &out), MV_AUTH_PASS);
	CHECK_INT(out.lookups, 10);	/* 7 a, 2 exists, one %{p} */
	CHECK_INT(check(d, "192.0.2.1", "x@p9.example", &out), MV_AUTH_PERMERROR);
	CHECK_INT(check(d, "192.0.2.1", "x@pexp.example", &out), MV_AUTH_FAIL);
	CHECK_STR(mv_str_cstr(out.explanation), "from mx.p.example");
	fake_free(d);
}

static void test_eval_dns_errors(void)
{
	struct fake_dns *d = fake_new();
	struct spf_outcome out;

	dns_zone_add_failure(d->zone, "t.example", DNS_R_TIMEOUT);
	dns_zone_add_failure(d->zone, "s.example", DNS_R_TEMPFAIL);
	add_txt(d->zone, "a.example", "v=spf1 a:s.example -all");
	add_txt(d->zone, "p.example", "v=spf1 ptr:s.example ?all");
	add(d->zone, "1.2.0.192.in-addr.arpa", DNS_T_PTR, "s.example");
	CHECK_INT(check(d, "192.0.2.1", "x@t.example", &out), MV_AUTH_TEMPERROR);
	CHECK_INT(check(d, "192.0.2.1", "x@a.example", &out), MV_AUTH_TEMPERROR);
	/* 5.5: a DNS error in ptr only skips the name. */
	CHECK_INT(check(d, "192.0.2.1", "x@p.example", &out), MV_AUTH_NEUTRAL);
	/* 4.3: no record, no such domain, not a domain. */
	CHECK_INT(check(d, "192.0.2.1", "x@nowhere.example", &out), MV_AUTH_NONE);
	CHECK_INT(check(d, "192.0.2.1", "x@localhost", &out), MV_AUTH_NONE);
	CHECK_INT(check(d, "192.0.2.1", "x@[192.0.2.1]", &out), MV_AUTH_NONE);
	CHECK_INT(check(d, "192.0.2.1", "x@a..example", &out), MV_AUTH_NONE);
	fake_free(d);
}

/* Pending lookups end the pass; the evaluation re-run from the start gives the synchronous result. */
static void test_eval_rerun_after_pending_lookups(void)
{
	struct fake_dns *d = fake_new();
	struct spf_outcome sync_out, async_out;
	static const char *const senders[] = { "x@top.example", "x@m.example", "x@fail.example" };
	size_t i;

	add_txt(d->zone, "top.example", "v=spf1 a:n.example mx:m.example include:inc.example -all");
	add_txt(d->zone, "inc.example", "v=spf1 exists:%{ir}.%{v}.dnsbl.example ptr:p.example ~all");
	add(d->zone, "m.example", DNS_T_MX, "10 mx1.m.example");
	add(d->zone, "m.example", DNS_T_MX, "20 mx2.m.example");
	add(d->zone, "mx1.m.example", DNS_T_A, "198.51.100.1");
	add(d->zone, "mx2.m.example", DNS_T_A, "198.51.100.2");
	add_txt(d->zone, "m.example", "v=spf1 mx/24 -all");
	add(d->zone, "1.2.0.192.in-addr.arpa", DNS_T_PTR, "h.p.example");
	add(d->zone, "h.p.example", DNS_T_A, "192.0.2.1");
	add_txt(d->zone, "fail.example", "v=spf1 redirect=top.example exp=e.example");
	for (i = 0; i < sizeof(senders) / sizeof(senders[0]); i++) {
		d->async = false;
		check(d, "192.0.2.1", senders[i], &sync_out);
		d->async = true;
		check(d, "192.0.2.1", senders[i], &async_out);
		CHECK_INT(async_out.result, sync_out.result);
		CHECK_STR(mv_str_cstr(async_out.problem), sync_out.problem);
		CHECK_INT(async_out.lookups, sync_out.lookups);
	}
	d->async = false;
	CHECK_INT(check(d, "192.0.2.1", "x@top.example", &sync_out), MV_AUTH_PASS);
	CHECK_INT(check(d, "192.0.2.2", "x@top.example", &sync_out), MV_AUTH_PERMERROR);
	CHECK_INT(check(d, "198.51.100.77", "x@m.example", &sync_out), MV_AUTH_PASS);
	fake_free(d);
}

/* Every hostile shape above, again, well inside a scan's deadline. */
static void test_eval_hostile_is_fast(void)
{
	struct timespec t0, t1;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 10; i++) {
		test_eval_include_loop_is_permerror();
		test_eval_hundred_includes();
		test_eval_void_lookup_flood();
		test_eval_long_and_many_records();
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 < time_bound(2.0));
}

int main(void)
{
	RUN(test_eval_include_loop_is_permerror);
	RUN(test_eval_hundred_includes);
	RUN(test_eval_void_lookup_flood);
	RUN(test_eval_long_and_many_records);
	RUN(test_eval_mx_and_ptr_name_limits);
	RUN(test_eval_exp_only_on_fail);
	RUN(test_eval_p_macro_counts_once);
	RUN(test_eval_dns_errors);
	RUN(test_eval_rerun_after_pending_lookups);
	RUN(test_eval_hostile_is_fast);
	return test_summary();
}
