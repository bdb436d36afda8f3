/*
 * The wire parser (dns_wire.c) on answers written by hand: records, TTLs and
 * negative TTLs, CNAME chains, compression pointers good and hostile, names
 * with bytes a name may not have, every malformed field and the bounds; and
 * the cache (dns_cache.c): hits, expiry, LRU eviction, replacing, the size
 * bounds, threads.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dns_build.c"
#include "dns/dns_int.h"
#include "test.h"

static unsigned char buf[65536];

/* An answer to (qname, qtype) with flags (QR, RD, RA set) and rcode; records follow. */
static struct fake_msg answer_start(const char *qname, unsigned qtype, unsigned rcode)
{
	struct fake_msg m = { buf, 0, sizeof(buf), 0, 0 };

	put16(&m, 1);
	put16(&m, 0x8180 | rcode);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 0);
	put16(&m, 0);
	put_name(&m, qname);
	put16(&m, qtype);
	put16(&m, 1);
	return m;
}

static void rr_a(struct fake_msg *m, const char *owner, uint32_t ttl, unsigned last)
{
	struct dns_rr rr = { .type = DNS_T_A, .ttl = ttl, .addr = { 192, 0, 2, (uint8_t)last } };

	put_rr(m, owner, &rr);
	m->ancount++;
}

static void rr_name(struct fake_msg *m, const char *owner, uint16_t type, uint32_t ttl, const char *target)
{
	struct dns_rr rr = { .type = type, .ttl = ttl, .preference = 10, .text = mv_str_cstr(target) };

	put_rr(m, owner, &rr);
	m->ancount++;
}

static void soa(struct fake_msg *m, uint32_t ttl, uint32_t minimum)
{
	size_t at;

	put_name(m, "example.org");
	put16(m, 6);
	put16(m, 1);
	put32(m, ttl);
	at = m->len;
	put16(m, 0);
	put_name(m, "ns.example.org");
	put_name(m, "hostmaster.example.org");
	put32(m, 1);
	put32(m, 2);
	put32(m, 3);
	put32(m, 4);
	put32(m, minimum);
	m->p[at] = (unsigned char)((m->len - at - 2) >> 8);
	m->p[at + 1] = (unsigned char)(m->len - at - 2);
	m->nscount++;
}

/* Parses what m holds (its counts written into the header); the answer is freed by the caller. */
static struct dns_answer *parse(struct fake_msg *m, const char *qname, uint16_t qtype, uint32_t *ttl_r)
{
	struct dns_answer *a = NULL;
	uint32_t ttl = 12345;

	m->p[6] = (unsigned char)(m->ancount >> 8);
	m->p[7] = (unsigned char)m->ancount;
	m->p[9] = (unsigned char)m->nscount;
	CHECK(dns_wire_parse(m->p, m->len, qname, qtype, &a, &ttl) == 0);
	if (ttl_r != NULL)
		*ttl_r = ttl;
	return a;
}

static int parse_rcode(struct fake_msg *m, const char *qname, uint16_t qtype)
{
	struct dns_answer *a = parse(m, qname, qtype, NULL);
	int rcode = a != NULL ? a->rcode : -1;

	free(a);
	return rcode;
}

static void test_wire_records_and_ttls(void)
{
	struct fake_msg m = answer_start("Example.ORG", DNS_T_A, 0);
	struct dns_answer *a;
	uint32_t ttl;

	rr_a(&m, "example.org", 300, 1);
	rr_a(&m, "other.example.org", 5, 3);	/* not the asked name: ignored */
	rr_a(&m, "EXAMPLE.org", 200, 2);
	a = parse(&m, "example.org", DNS_T_A, &ttl);
	CHECK(a != NULL && a->rcode == DNS_R_OK && a->n_rr == 2);
	if (a != NULL && a->n_rr == 2) {
		CHECK(a->rr[0].addr[3] == 1 && a->rr[1].addr[3] == 2 && a->rr[1].ttl == 200);
		CHECK(a->rr[0].text.p == NULL);
		CHECK_STR(a->canonical, "example.org");
	}
	CHECK_INT(ttl, 200);
	free(a);
	/* A TTL with its top bit set is 0 (RFC 2181 8): not to be kept. */
	m = answer_start("example.org", DNS_T_A, 0);
	rr_a(&m, "example.org", 0x80000000u, 1);
	a = parse(&m, "example.org", DNS_T_A, &ttl);
	CHECK(a != NULL && a->n_rr == 1 && a->rr[0].ttl == 0 && ttl == 0);
	free(a);
	/* Capped at a day. */
	m = answer_start("example.org", DNS_T_A, 0);
	rr_a(&m, "example.org", 999999, 1);
	free(parse(&m, "example.org", DNS_T_A, &ttl));
	CHECK_INT(ttl, 86400);
}

static void test_wire_negative_answers(void)
{
	struct fake_msg m = answer_start("nx.example.org", DNS_T_A, 3);
	struct dns_answer *a;
	uint32_t ttl;

	soa(&m, 120, 60);
	a = parse(&m, "nx.example.org", DNS_T_A, &ttl);
	CHECK(a != NULL && a->rcode == DNS_R_NXDOMAIN && a->n_rr == 0);
	CHECK_INT(ttl, 60);
	free(a);
	/* NODATA: the SOA TTL when it is the smaller, at most an hour; 5 minutes without a SOA. */
	m = answer_start("example.org", DNS_T_MX, 0);
	soa(&m, 30, 600);
	a = parse(&m, "example.org", DNS_T_MX, &ttl);
	CHECK(a != NULL && a->rcode == DNS_R_OK && a->n_rr == 0 && ttl == 30);
	free(a);
	m = answer_start("example.org", DNS_T_MX, 0);
	soa(&m, 86400, 86400);
	free(parse(&m, "example.org", DNS_T_MX, &ttl));
	CHECK_INT(ttl, 3600);
	m = answer_start("example.org", DNS_T_MX, 0);
	free(parse(&m, "example.org", DNS_T_MX, &ttl));
	CHECK_INT(ttl, 300);
}

static void test_wire_cname_chains(void)
{
	struct fake_msg m = answer_start("www.example.org", DNS_T_A, 0);
	struct dns_answer *a;
	uint32_t ttl;
	char name[32], target[32];
	int i;

	rr_name(&m, "www.example.org", DNS_T_CNAME, 50, "alias.example.org");
	rr_a(&m, "www.example.org", 300, 66);	/* beside a CNAME (RFC 1034 3.6.2 forbids it): the records win */
	rr_name(&m, "alias.example.org", DNS_T_CNAME, 300, "Host.Example.org");
	rr_a(&m, "host.example.org", 300, 7);
	a = parse(&m, "www.example.org", DNS_T_A, &ttl);
	CHECK(a != NULL && a->n_rr == 1);
	if (a != NULL && a->n_rr == 1) {
		CHECK_INT(a->rr[0].addr[3], 66);
	}
	free(a);
	/* Only CNAMEs at the name: followed to the end, the least TTL of the chain. */
	m = answer_start("www.example.org", DNS_T_A, 0);
	rr_name(&m, "www.example.org", DNS_T_CNAME, 50, "alias.example.org");
	rr_name(&m, "alias.example.org", DNS_T_CNAME, 300, "Host.Example.org");
	rr_a(&m, "host.example.org", 300, 7);
	a = parse(&m, "www.example.org", DNS_T_A, &ttl);
	CHECK(a != NULL && a->n_rr == 1 && a->rr[0].addr[3] == 7);
	if (a != NULL)
		CHECK_STR(a->canonical, "host.example.org");
	CHECK_INT(ttl, 50);
	free(a);
	/* Asked for the CNAME itself (the answer above is to another question). */
	CHECK_INT(parse_rcode(&m, "www.example.org", DNS_T_CNAME), DNS_R_TEMPFAIL);
	m = answer_start("www.example.org", DNS_T_CNAME, 0);
	rr_name(&m, "www.example.org", DNS_T_CNAME, 50, "alias.example.org");
	a = parse(&m, "www.example.org", DNS_T_CNAME, NULL);
	CHECK(a != NULL && a->n_rr == 1);
	if (a != NULL && a->n_rr == 1)
		CHECK_STR(a->rr[0].text, "alias.example.org");
	free(a);
	/* A chain into NXDOMAIN. */
	m = answer_start("www.example.org", DNS_T_A, 3);
	rr_name(&m, "www.example.org", DNS_T_CNAME, 50, "gone.example.org");
	a = parse(&m, "www.example.org", DNS_T_A, NULL);
	CHECK(a != NULL && a->rcode == DNS_R_NXDOMAIN);
	if (a != NULL)
		CHECK_STR(a->canonical, "gone.example.org");
	free(a);
	/* Loops and chains longer than 8. */
	m = answer_start("l1.example.org", DNS_T_A, 0);
	rr_name(&m, "l1.example.org", DNS_T_CNAME, 50, "l2.example.org");
	rr_name(&m, "l2.example.org", DNS_T_CNAME, 50, "l1.example.org");
	CHECK_INT(parse_rcode(&m, "l1.example.org", DNS_T_A), DNS_R_TEMPFAIL);
	m = answer_start("c0.example.org", DNS_T_A, 0);
	for (i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "c%d.example.org", i);
		snprintf(target, sizeof(target), "c%d.example.org", i + 1);
		rr_name(&m, name, DNS_T_CNAME, 50, target);
	}
	rr_a(&m, "c9.example.org", 300, 9);
	CHECK_INT(parse_rcode(&m, "c0.example.org", DNS_T_A), DNS_R_TEMPFAIL);
	m.p[12 + 2] = '1';	/* the question's "c0" becomes "c1": 8 CNAMEs */
	CHECK_INT(parse_rcode(&m, "c1.example.org", DNS_T_A), DNS_R_OK);
}

static void test_wire_txt_mx_ptr(void)
{
	struct fake_msg m = answer_start("example.org", DNS_T_TXT, 0);
	static const unsigned char txt[] = { 0, 16, 0, 1, 0, 0, 0, 60, 0, 11, 2, 'a', 'b', 0, 6, 'c', 0, 'd', 0xff, '"', 0 };
	struct dns_answer *a;

	put_name(&m, "example.org");
	put(&m, txt, sizeof(txt));
	m.ancount++;
	a = parse(&m, "example.org", DNS_T_TXT, NULL);
	CHECK(a != NULL && a->n_rr == 1);
	if (a != NULL && a->n_rr == 1) {
		/* Three strings (the last empty) joined, bytes kept as they are. */
		CHECK_INT(a->rr[0].n_strings, 3);
		CHECK_INT(a->rr[0].text.len, 8);
		CHECK(memcmp(a->rr[0].text.p, "abc\0d\xff\"", 8) == 0 && a->rr[0].text.p[8] == '\0');
	}
	free(a);
	/* A string that runs past its record. */
	m = answer_start("example.org", DNS_T_TXT, 0);
	put_name(&m, "example.org");
	put16(&m, DNS_T_TXT);
	put16(&m, 1);
	put32(&m, 60);
	put16(&m, 3);
	put(&m, "\x05" "ab", 3);
	m.ancount++;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_TXT), DNS_R_TEMPFAIL);
	/* MX: preference and target; the null MX (RFC 7505) is an empty target. */
	m = answer_start("example.org", DNS_T_MX, 0);
	rr_name(&m, "example.org", DNS_T_MX, 60, "MX1.example.org");
	rr_name(&m, "example.org", DNS_T_MX, 60, "");
	a = parse(&m, "example.org", DNS_T_MX, NULL);
	CHECK(a != NULL && a->n_rr == 2);
	if (a != NULL && a->n_rr == 2) {
		CHECK_INT(a->rr[0].preference, 10);
		CHECK_STR(a->rr[0].text, "mx1.example.org");
		CHECK_STR(a->rr[1].text, "");
	}
	free(a);
	/* A name with bytes names may not have: escaped, so it never equals an asked name. */
	m = answer_start("1.2.0.192.in-addr.arpa", DNS_T_PTR, 0);
	put_name(&m, "1.2.0.192.in-addr.arpa");
	put16(&m, DNS_T_PTR);
	put16(&m, 1);
	put32(&m, 60);
	put16(&m, 10);
	put(&m, "\x04" "A b." "\x03" "o\\g", 10);	/* with the root's 0 */
	m.ancount++;
	a = parse(&m, "1.2.0.192.in-addr.arpa", DNS_T_PTR, NULL);
	CHECK(a != NULL && a->n_rr == 1);
	if (a != NULL && a->n_rr == 1)
		CHECK_STR(a->rr[0].text, "a\\032b\\046.o\\092g");
	free(a);
}

static void test_wire_compression(void)
{
	struct fake_msg m = answer_start("example.org", DNS_T_A, 0);
	static const unsigned char rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1 };
	struct dns_answer *a;
	size_t at;

	/* The owner a pointer to the question's name; an MX target partly compressed. */
	put(&m, rr, sizeof(rr));
	m.ancount++;
	a = parse(&m, "example.org", DNS_T_A, NULL);
	CHECK(a != NULL && a->n_rr == 1);
	free(a);
	m = answer_start("example.org", DNS_T_MX, 0);
	put(&m, "\xc0\x0c\0\x0f\0\x01\0\0\0\x3c\0\x07\0\x0a\x02mx\xc0\x0c", 19);
	m.ancount++;
	a = parse(&m, "example.org", DNS_T_MX, NULL);
	CHECK(a != NULL && a->n_rr == 1);
	if (a != NULL && a->n_rr == 1)
		CHECK_STR(a->rr[0].text, "mx.example.org");
	free(a);
	/* A pointer forward, to itself, past the end; a label past the end; a bad label type. */
	m = answer_start("example.org", DNS_T_A, 0);
	at = m.len;
	put(&m, rr, sizeof(rr));
	m.ancount++;
	m.p[at + 1] = (unsigned char)(at + 2);
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	m.p[at + 1] = (unsigned char)at;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	m.p[at] = 0xc1;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	m.p[at] = 0x80;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	m.p[at] = 63;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
}

static void test_wire_malformed(void)
{
	struct fake_msg m;
	struct dns_answer *a = NULL;
	uint32_t ttl;
	size_t len, i;

	m = answer_start("example.org", DNS_T_A, 0);
	rr_a(&m, "example.org", 60, 1);
	len = m.len;
	m.p[7] = 1;
	/* Cut anywhere: TEMPFAIL, never a read past the end (ASan watches). */
	for (i = 0; i < len; i++) {
		unsigned char *copy = malloc(i + 1);

		memcpy(copy, buf, i);
		CHECK(dns_wire_parse(copy, i, "example.org", DNS_T_A, &a, &ttl) == 0);
		CHECK(a != NULL && a->rcode == DNS_R_TEMPFAIL && ttl == 0);
		free(a);
		free(copy);
	}
	/* Not a response; truncated; SERVFAIL, REFUSED; two questions; another name or type. */
	buf[2] &= 0x7f;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	buf[2] |= 0x80 | 0x02;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	buf[2] &= (unsigned char)~0x02;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_OK);
	buf[3] = 0x82;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	buf[3] = 0x85;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	buf[3] = 0x80;
	buf[5] = 2;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	buf[5] = 1;
	CHECK_INT(parse_rcode(&m, "example.com", DNS_T_A), DNS_R_TEMPFAIL);
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_AAAA), DNS_R_TEMPFAIL);
	/* An A record of 5 bytes; more records counted than there are. */
	m = answer_start("example.org", DNS_T_A, 0);
	put(&m, "\xc0\x0c\0\x01\0\x01\0\0\0\x3c\0\x05\1\2\3\4\5", 17);
	m.ancount++;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	m = answer_start("example.org", DNS_T_A, 0);
	rr_a(&m, "example.org", 60, 1);
	m.ancount++;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	/* A name of 256 bytes. */
	m = answer_start("example.org", DNS_T_A, 0);
	for (i = 0; i < 4; i++)
		put(&m, "\x3f" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 64);
	put(&m, "\x00\0\x01\0\x01\0\0\0\x3c\0\x04\1\2\3\4", 15);
	m.ancount++;
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	/* More than 1024 records of the asked type. */
	m = answer_start("example.org", DNS_T_A, 0);
	for (i = 0; i < 1025; i++) {
		static const unsigned char rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1 };

		put(&m, rr, sizeof(rr));
		m.ancount++;
	}
	CHECK_INT(parse_rcode(&m, "example.org", DNS_T_A), DNS_R_TEMPFAIL);
	m.ancount--;
	m.len -= 16;
	a = parse(&m, "example.org", DNS_T_A, NULL);
	CHECK(a != NULL && a->n_rr == 1024);
	free(a);
}

struct test_answer {
	struct dns_rr rr;
	struct dns_answer a;
};

/* One A record (192.0.2.last) or one TXT record, at example.org. */
static const struct dns_answer *make_answer(struct test_answer *t, unsigned last, const char *text)
{
	memset(&t->rr, 0, sizeof(t->rr));
	t->rr.type = text != NULL ? DNS_T_TXT : DNS_T_A;
	t->rr.addr[3] = (uint8_t)last;
	t->rr.text = text != NULL ? mv_str_cstr(text) : MV_STR_NULL;
	t->a = (struct dns_answer){ DNS_R_OK, &t->rr, 1, MV_STR_LIT("example.org") };
	return &t->a;
}

static void test_cache_hits_expiry_and_lru(void)
{
	struct dns_cache *cache = dns_cache_new(3);
	struct test_answer t;
	const struct dns_answer *got;
	void *tbuf = NULL;
	size_t tsize = 0;

	CHECK(dns_cache_put(cache, "a.org", DNS_T_A, make_answer(&t, 1, NULL), 10, 1000));
	CHECK(dns_cache_put(cache, "a.org", DNS_T_TXT, make_answer(&t, 0, "text"), 10, 1000));
	CHECK(!dns_cache_put(cache, "b.org", DNS_T_A, make_answer(&t, 2, NULL), 0, 1000));	/* TTL 0: not kept */
	CHECK(dns_cache_get(cache, "a.org", DNS_T_A, 1000, &tbuf, &tsize, &got));
	CHECK(got->n_rr == 1 && got->rr[0].addr[3] == 1);
	CHECK_STR(got->canonical, "example.org");
	CHECK(dns_cache_get(cache, "a.org", DNS_T_TXT, 10999, &tbuf, &tsize, &got));
	CHECK_STR(got->rr[0].text, "text");
	CHECK(!dns_cache_get(cache, "a.org", DNS_T_MX, 1000, &tbuf, &tsize, &got));
	CHECK(!dns_cache_get(cache, "b.org", DNS_T_A, 1000, &tbuf, &tsize, &got));
	/* Expired at its TTL, and dropped when found so. */
	CHECK(!dns_cache_get(cache, "a.org", DNS_T_A, 11000, &tbuf, &tsize, &got));
	CHECK_INT(dns_cache_count(cache), 1);
	/* Replacing; then the least recently used goes first. */
	CHECK(dns_cache_put(cache, "a.org", DNS_T_TXT, make_answer(&t, 0, "new"), 10, 2000));
	CHECK(dns_cache_get(cache, "a.org", DNS_T_TXT, 2000, &tbuf, &tsize, &got));
	CHECK_STR(got->rr[0].text, "new");
	CHECK(dns_cache_put(cache, "b.org", DNS_T_A, make_answer(&t, 2, NULL), 10, 2000));
	CHECK(dns_cache_put(cache, "c.org", DNS_T_A, make_answer(&t, 3, NULL), 10, 2000));
	CHECK(dns_cache_get(cache, "a.org", DNS_T_TXT, 2000, &tbuf, &tsize, &got));
	CHECK(dns_cache_put(cache, "d.org", DNS_T_A, make_answer(&t, 4, NULL), 10, 2000));
	CHECK_INT(dns_cache_count(cache), 3);
	CHECK(!dns_cache_get(cache, "b.org", DNS_T_A, 2000, &tbuf, &tsize, &got));
	CHECK(dns_cache_get(cache, "a.org", DNS_T_TXT, 2000, &tbuf, &tsize, &got));
	CHECK(dns_cache_get(cache, "c.org", DNS_T_A, 2000, &tbuf, &tsize, &got));
	CHECK(dns_cache_get(cache, "d.org", DNS_T_A, 2000, &tbuf, &tsize, &got));
	free(tbuf);
	dns_cache_free(&cache);
	/* 0: no cache. */
	CHECK(dns_cache_new(0) == NULL);
	CHECK(!dns_cache_put(NULL, "a.org", DNS_T_A, make_answer(&t, 1, NULL), 10, 0));
}

static void test_cache_bounds(void)
{
	struct dns_cache *cache = dns_cache_new(2000);
	char name[32], *big = malloc(70000);
	struct test_answer t;
	const struct dns_answer *got;
	void *tbuf = NULL;
	size_t tsize = 0;
	unsigned i;

	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "n%u.example", i);
		CHECK(dns_cache_put(cache, name, DNS_T_A, make_answer(&t, i & 0xff, NULL), 60, 0));
	}
	CHECK(dns_cache_count(cache) <= 2000 && dns_cache_count(cache) > 1500);
	CHECK(dns_cache_get(cache, "n4999.example", DNS_T_A, 0, &tbuf, &tsize, &got));
	/* An answer over 64 KiB is not kept. */
	memset(big, 'x', 70000 - 1);
	big[70000 - 1] = '\0';
	CHECK(!dns_cache_put(cache, "big.example", DNS_T_TXT, make_answer(&t, 0, big), 60, 0));
	big[60000] = '\0';
	CHECK(dns_cache_put(cache, "big.example", DNS_T_TXT, make_answer(&t, 0, big), 60, 0));
	CHECK(dns_cache_get(cache, "big.example", DNS_T_TXT, 0, &tbuf, &tsize, &got));
	CHECK(got->rr[0].text.len == 60000);
	free(big);
	free(tbuf);
	dns_cache_free(&cache);
}

static struct dns_cache *shared;

static void *cache_worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg, i;
	struct test_answer t;
	const struct dns_answer *got;
	void *tbuf = NULL;
	size_t tsize = 0;
	char name[32];

	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		snprintf(name, sizeof(name), "n%u.example", (seed >> 8) % 3000);
		if (dns_cache_get(shared, name, DNS_T_A, i, &tbuf, &tsize, &got)) {
			if (got->n_rr != 1 || got->rr[0].addr[3] != ((seed >> 8) % 3000 & 0xff))
				abort();
		} else {
			(void)dns_cache_put(shared, name, DNS_T_A, make_answer(&t, (seed >> 8) % 3000 & 0xff, NULL), 1, i);
		}
	}
	free(tbuf);
	return NULL;
}

static void test_cache_threads(void)
{
	pthread_t t[4];
	uintptr_t i;

	shared = dns_cache_new(2048);
	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, cache_worker, (void *)(i + 1)) == 0);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK(dns_cache_count(shared) <= 2048);
	dns_cache_free(&shared);
}

int main(void)
{
	RUN(test_wire_records_and_ttls);
	RUN(test_wire_negative_answers);
	RUN(test_wire_cname_chains);
	RUN(test_wire_txt_mx_ptr);
	RUN(test_wire_compression);
	RUN(test_wire_malformed);
	RUN(test_cache_hits_expiry_and_lru);
	RUN(test_cache_bounds);
	RUN(test_cache_threads);
	return test_summary();
}
