/*
 * libFuzzer target: the wire parser (dns_wire_parse) on any bytes as the
 * answer to example.org, of the type the first byte picks.  It must not read
 * past the input, loop or blow up; an answer is OK or NXDOMAIN with records of
 * the asked type only, or TEMPFAIL with none and a TTL of 0; the TTL is at
 * most a day; packing it again gives the same block.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT, DNS_T_PTR, DNS_T_CNAME, 99 };
	struct dns_answer *a = NULL, *again;
	uint16_t type;
	uint32_t ttl;
	unsigned i;

	if (size < 1)
		return 0;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	if (dns_wire_parse(data + 1, size - 1, "example.org", type, &a, &ttl) < 0)
		return 0;
	if (a->rcode == DNS_R_TEMPFAIL ? a->n_rr != 0 || ttl != 0
				       : (a->rcode != DNS_R_OK && a->rcode != DNS_R_NXDOMAIN) || ttl > DNS_TTL_MAX)
		abort();
	for (i = 0; i < a->n_rr; i++) {
		if (a->rr[i].type != type || (a->rr[i].text.p != NULL && a->rr[i].text.p[a->rr[i].text.len] != '\0'))
			abort();
	}
	again = malloc(dns_answer_size(a));
	if (again != NULL) {
		dns_answer_pack(a, again);
		if (dns_answer_size(again) != dns_answer_size(a) || again->n_rr != a->n_rr ||
		    again->canonical.len != a->canonical.len || memcmp(again->canonical.p, a->canonical.p, a->canonical.len))
			abort();
	}
	free(again);
	free(a);
	return 0;
}
