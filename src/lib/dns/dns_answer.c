/*
 * An answer in one block, so that the cache, the zone and the task arena copy
 * it with one allocation: the struct, the records, then every string with its
 * NUL.  Records and strings are laid out in the same order as the source.
 */
#include <string.h>

#include "dns/dns_int.h"

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

size_t dns_answer_size(const struct dns_answer *answer)
{
	size_t size = align8(sizeof(*answer)) + answer->n_rr * sizeof(struct dns_rr) + answer->canonical.len + 1;
	unsigned i;

	for (i = 0; i < answer->n_rr; i++)
		size += answer->rr[i].text.len + 1;
	return size;
}

static mv_str put_text(char **w, mv_str s)
{
	char *p = *w;

	if (s.len != 0)
		memcpy(p, s.p, s.len);
	p[s.len] = '\0';
	*w = p + s.len + 1;
	return mv_str_make(p, s.len);
}

struct dns_answer *dns_answer_pack(const struct dns_answer *answer, void *mem)
{
	struct dns_answer *out = mem;
	struct dns_rr *rr = (struct dns_rr *)(void *)((char *)mem + align8(sizeof(*answer)));
	char *w = (char *)(rr + answer->n_rr);
	unsigned i;

	out->rcode = answer->rcode;
	out->n_rr = answer->n_rr;
	out->rr = answer->n_rr != 0 ? rr : NULL;
	for (i = 0; i < answer->n_rr; i++) {
		rr[i] = answer->rr[i];
		rr[i].text = answer->rr[i].text.p != NULL ? put_text(&w, answer->rr[i].text) : MV_STR_NULL;
		if (answer->rr[i].text.p == NULL)
			*w++ = '\0';
	}
	out->canonical = put_text(&w, answer->canonical);
	return out;
}

const struct dns_answer *dns_answer_static(int rcode)
{
	static const struct dns_answer answers[] = {
		{ DNS_R_OK, NULL, 0, { "", 0 } },
		{ DNS_R_NXDOMAIN, NULL, 0, { "", 0 } },
		{ DNS_R_TEMPFAIL, NULL, 0, { "", 0 } },
		{ DNS_R_TIMEOUT, NULL, 0, { "", 0 } },
		{ DNS_R_LIMIT, NULL, 0, { "", 0 } },
		{ DNS_R_BADNAME, NULL, 0, { "", 0 } },
	};

	return &answers[rcode >= 0 && rcode <= DNS_R_BADNAME ? rcode : DNS_R_TEMPFAIL];
}
