/*
 * DMARC: the policy record parser on the whole input, the From domain
 * conversion on it too, then the evaluation over a DNS made of the input:
 * the first line is the Author Domain, line i+1 the TXT record at _dmarc of
 * its i-th name up the tree ("!" fails for now, empty: no record).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/dmarc.h"
#include "dns/dns.h"
#include "mailvet/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_dns {
	mv_str author;
	mv_str lines[16];
	unsigned n_lines;
	struct dns_rr rr;
	struct dns_answer answer;
};

static int fuzz_lookup(void *ctx, const char *name, unsigned type, const struct dns_answer **answer_r)
{
	struct fuzz_dns *f = ctx;
	size_t n = strlen(name), i;
	unsigned level = 0;

	memset(&f->answer, 0, sizeof(f->answer));
	f->answer.rr = &f->rr;
	f->answer.rcode = DNS_R_NXDOMAIN;
	*answer_r = &f->answer;
	if (type != DNS_T_TXT || n < 7 || memcmp(name, "_dmarc.", 7) != 0)
		return MV_OK;
	name += 7;
	n -= 7;
	/* Which name up the author's tree this is: count the labels dropped. */
	for (i = 0; i + n <= f->author.len; i++) {
		if (i + n == f->author.len && memcmp(f->author.p + i, name, n) == 0)
			break;
		if (f->author.p[i] == '.')
			level++;
	}
	if (i + n > f->author.len || level >= f->n_lines || f->lines[level].len == 0)
		return MV_OK;
	if (f->lines[level].len == 1 && f->lines[level].p[0] == '!') {
		f->answer.rcode = DNS_R_TEMPFAIL;
		return MV_OK;
	}
	f->answer.rcode = DNS_R_OK;
	f->rr.type = DNS_T_TXT;
	f->rr.text = f->lines[level];
	f->answer.n_rr = 1;
	return MV_OK;
}

static void check_record(const struct dmarc_record *r)
{
	if (r->p > DMARC_POLICY_INVALID || r->sp > DMARC_POLICY_INVALID || r->np > DMARC_POLICY_INVALID ||
	    r->psd > DMARC_PSD_N || r->pct > 100)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mv_str in = mv_str_make((const char *)data, size);
	struct dmarc_identifier dkim[2];
	struct dmarc_input input;
	struct dmarc_outcome out;
	struct dmarc_record rec;
	struct fuzz_dns f;
	char author[256], org[256];
	const char *p = in.p, *end = in.p + in.len;

	if (dmarc_record_parse(in, &rec))
		check_record(&rec);
	if (dmarc_domain_ascii(in, author) && !dmarc_domain_valid(mv_str_cstr(author)))
		__builtin_trap();

	memset(&f, 0, sizeof(f));
	while (p < end && f.n_lines < 17) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		mv_str line = mv_str_make(p, nl != NULL ? (size_t)(nl - p) : (size_t)(end - p));

		if (f.author.p == NULL)
			f.author = line;
		else
			f.lines[f.n_lines++] = line;
		p += line.len + 1;
		if (f.n_lines == 16)
			break;
	}
	if (f.author.p == NULL || !dmarc_domain_ascii(f.author, author))
		return 0;
	f.author = mv_str_cstr(author);
	memset(&input, 0, sizeof(input));
	input.author = f.author;
	input.sample = (uint32_t)(size % 100);
	input.max_walks = 4;
	/* Identifiers around the author: its parent (SPF), itself and a sibling (DKIM). */
	{
		const char *dot = strchr(author, '.');

		input.spf.domain = dot != NULL ? mv_str_cstr(dot + 1) : f.author;
		input.spf.pass = true;
		dkim[0] = (struct dmarc_identifier){ .domain = f.author, .pass = (size & 1) != 0 };
		dkim[1] = (struct dmarc_identifier){ .domain = MV_STR_LIT("x.example"), .pass = true };
		input.dkim = dkim;
		input.n_dkim = 2;
	}
	if (dmarc_eval(fuzz_lookup, &f, &input, &out) != MV_OK)
		__builtin_trap();	/* every answer is at hand: one run decides */
	if (out.result == DMARC_RESULT_FAIL && out.disposition > out.policy)
		__builtin_trap();
	if (out.result == DMARC_RESULT_PASS && !out.spf_aligned && !out.dkim_aligned)
		__builtin_trap();
	(void)dmarc_org_domain(fuzz_lookup, &f, f.author, org, NULL);
	return 0;
}
