/* The network side of the resolver (c-ares on the loop): not yet; every lookup is a temporary failure. */
#include "dns/dns_int.h"

int dns_net_lookup(struct dns_resolver *resolver, const struct dns_net_settings *set, struct dns_cache *cache,
		   struct mv_loop *loop, const char *name, uint16_t type, dns_done_fn *done, void *arg,
		   const struct dns_answer **answer_r, struct dns_lookup **handle_r)
{
	*answer_r = dns_answer_static(DNS_R_TEMPFAIL);
	*handle_r = NULL;
	return 1;
}

void dns_net_cancel(struct dns_lookup *lookup)
{
}

unsigned dns_net_channels(const struct dns_resolver *resolver)
{
	return 0;
}
