/*
 * libFuzzer target: the master-file reader (dns_zone_load_text) on any text,
 * then lookups of names it may hold, each of every kept type.  A read either
 * fails with a "t.zone:LINE: " or "t.zone: " message or leaves a zone whose
 * answers are consistent: records of the asked type (or none), a canonical
 * name that is a normalized name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ask(const struct dns_zone *zone, const char *name)
{
	static const uint16_t types[] = { DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT, DNS_T_PTR, DNS_T_CNAME };
	size_t i;
	unsigned k;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct dns_answer a;
		char norm[256];

		dns_zone_lookup(zone, name, types[i], &a);
		if (a.rcode < DNS_R_OK || a.rcode > DNS_R_BADNAME || (a.rcode != DNS_R_OK && a.n_rr != 0))
			abort();
		if (!dns_name_normalize(a.canonical, norm) || strcmp(norm, a.canonical.p) != 0)
			abort();
		for (k = 0; k < a.n_rr; k++) {
			if (a.rr[k].type != types[i] || (types[i] == DNS_T_TXT && a.rr[k].text.p == NULL))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "example.org", "a.example.org", "www.example.org", "x.y.example.org",
					     "test", "1.2.0.192.in-addr.arpa", "mx.example.org", "a.test" };
	struct dns_zone *zone = dns_zone_new();
	char *error = NULL;
	size_t i;

	if (zone == NULL)
		return 0;
	if (dns_zone_load_text(zone, "t.zone", (const char *)data, size, &error) < 0) {
		if (error == NULL || strncmp(error, "t.zone", 6) != 0)
			abort();
		free(error);
	} else {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			ask(zone, names[i]);
	}
	dns_zone_free(&zone);
	return 0;
}
