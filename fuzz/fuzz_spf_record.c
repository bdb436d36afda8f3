/*
 * libFuzzer target: SPF records and macros (src/lib/auth/spf_record.c,
 * spf_macro.c), and check_host() over a DNS in which every name holds the
 * input as its TXT record (so include and redirect recurse into it) and an
 * address.  The input is parsed as a record (with "v=spf1 " put in front
 * when it lacks it), each term alone, and expanded as a macro-string in
 * every mode; an expanded domain must be a NUL-terminated name of at most
 * 253 bytes, and an evaluation must end within the lookup limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/spf.h"
#include "dns/dns.h"
#include "mailvet/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_dns {
	mv_str record;
	unsigned asked;
	struct dns_rr txt, addr, mx;
	struct dns_answer answers[6];
};

static int fuzz_lookup(void *arg, const char *name, unsigned type, const struct dns_answer **answer_r)
{
	struct fuzz_dns *d = arg;
	size_t len = strlen(name);

	d->asked++;
	/* A name's last byte picks a shape of answer, so names from macros reach every path. */
	switch (type) {
	case DNS_T_TXT:
		*answer_r = &d->answers[len % 3 == 0 ? 0 : 5];
		break;
	case DNS_T_MX:
		*answer_r = &d->answers[2];
		break;
	case DNS_T_PTR:
		*answer_r = &d->answers[3];
		break;
	default:
		*answer_r = &d->answers[len % 2 == 0 ? 1 : 4];
		break;
	}
	return MV_OK;
}

static void check_expansions(mv_str s)
{
	static const uint8_t ip[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct spf_macro_env env;
	char out[SPF_EXPLAIN_MAX + 1];
	int n;

	memset(&env, 0, sizeof(env));
	env.sender = MV_STR_LIT("strong-bad@email.example.com");
	env.local = MV_STR_LIT("strong-bad");
	env.sender_domain = MV_STR_LIT("email.example.com");
	env.domain = MV_STR_LIT("example.org");
	env.helo = MV_STR_LIT("mx.example.org");
	spf_macro_env_set_ip(&env, ip, false, 1400000000);
	n = spf_macro_expand(s, SPF_MACRO_DOMAIN, &env, out, SPF_DOMAIN_MAX + 3);
	if ((n < 0) != (spf_macro_check(s, SPF_MACRO_DOMAIN, NULL) < 0))
		__builtin_trap();
	if (n >= 0 && (n > SPF_DOMAIN_MAX + 2 || strlen(out) != (size_t)n))
		__builtin_trap();
	n = spf_macro_expand(s, SPF_MACRO_EXPLAIN, &env, out, sizeof(out));
	if (n >= (int)sizeof(out) || (n >= 0 && strlen(out) != (size_t)n))
		__builtin_trap();
	(void)spf_macro_check(s, SPF_MACRO_ANY, NULL);
	(void)spf_domain_end_valid(s);
}

static void evaluate(mv_str record, mv_arena *arena)
{
	struct fuzz_dns d;
	struct spf_query q;
	struct spf_outcome out;

	memset(&d, 0, sizeof(d));
	d.record = record;
	d.txt.type = DNS_T_TXT;
	d.txt.text = record;
	d.txt.n_strings = 1;
	d.addr.type = DNS_T_A;
	memcpy(d.addr.addr, "\xc0\x00\x02\x01", 4);
	d.mx.type = DNS_T_MX;
	d.mx.text = MV_STR_LIT("mx.example.org");
	d.answers[0] = (struct dns_answer){ DNS_R_OK, &d.txt, 1, MV_STR_NULL };
	d.answers[1] = (struct dns_answer){ DNS_R_OK, &d.addr, 1, MV_STR_NULL };
	d.answers[2] = (struct dns_answer){ DNS_R_OK, &d.mx, 1, MV_STR_NULL };
	d.answers[3] = (struct dns_answer){ DNS_R_OK, &d.mx, 1, MV_STR_NULL };
	d.answers[4] = (struct dns_answer){ DNS_R_NXDOMAIN, NULL, 0, MV_STR_NULL };
	d.answers[5] = (struct dns_answer){ DNS_R_TIMEOUT, NULL, 0, MV_STR_NULL };
	if (spf_query_init(&q, MV_STR_LIT("192.0.2.1"), MV_STR_LIT("a.b@example.org"), MV_STR_LIT("mx.example.org"),
			   arena) < 0)
		return;
	q.dns = fuzz_lookup;
	q.dns_arg = &d;
	if (spf_check_host(&q, MV_STR_LIT("example.org"), &out) != MV_OK)
		__builtin_trap();
	/* Each term asks at most 11 questions, %{p} 11 once, exp= one, the record itself one. */
	if (out.lookups > SPF_MAX_LOOKUPS || d.asked > 1 + SPF_MAX_LOOKUPS * 11 + 11 + 1 + 1)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_str in = mv_str_make((const char *)data, size);
	struct spf_record rec;
	struct spf_term term;
	mv_arena *arena;
	char *buf;
	size_t pos = 0;

	if (size > 65536)
		return 0;
	arena = mv_arena_new((size_t)1 << 20);
	buf = malloc(size + 7);
	if (arena == NULL || buf == NULL)
		goto done;
	if (!spf_record_is_spf(in)) {
		memcpy(buf, "v=spf1 ", 7);
		memcpy(buf + 7, data, size);
		in = mv_str_make(buf, size + 7);
	}
	if (spf_record_parse(in, &rec) == 0) {
		while (spf_record_next(&rec, &pos, &term)) {
			if (term.kind > SPF_EXISTS)
				__builtin_trap();
			if (term.domain.len != 0)
				check_expansions(term.domain);
		}
		if (rec.redirect.p != NULL)
			check_expansions(rec.redirect);
	}
	(void)spf_term_parse(mv_str_make((const char *)data, size), &term);
	check_expansions(mv_str_make((const char *)data, size));
	evaluate(in, arena);
done:
	free(buf);
	mv_arena_free(&arena);
	return 0;
}
