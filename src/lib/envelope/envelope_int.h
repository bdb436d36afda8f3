/* The envelope's policy (who is trusted, what is local) and how a message's envelope is resolved. */
#ifndef MV_ENVELOPE_INT_H
#define MV_ENVELOPE_INT_H

#include <stdint.h>

#include "mailvet/config.h"
#include "mailvet/envelope.h"
#include "mailvet/scan.h"

/* Address networks: IPv4 is kept as IPv4-mapped IPv6, so one compare serves both. */
struct net_entry {
	uint8_t addr[16];
	uint8_t bits;		/* prefix length, over the 128 bits */
};

struct netlist {
	struct net_entry *items;
	size_t n;
};

/*
 * Adds "192.0.2.0/24", "2001:db8::/32", "[::1]/128", "10.1.2.3" to the list;
 * returns 1 when added, 0 when the text is not an address or network (a host
 * name, for the caller to keep), -1 when out of memory or the prefix is bad.
 */
int netlist_add(struct netlist *list, const char *text);
void netlist_free(struct netlist *list);
bool netlist_match(const struct netlist *list, mv_str ip);
/* Parses an IPv4 or IPv6 address (no brackets) into 16 bytes, IPv4 mapped; false when it is not one. */
bool net_parse_ip(mv_str text, uint8_t out[16]);

struct envelope_policy {
	struct netlist trusted_nets;
	char **trusted_names;		/* lower case; ".example.org" matches names under it */
	size_t n_trusted_names;
	struct netlist local_nets;
	const char *const *local_domains;	/* the configuration's list */
	size_t n_local_domains;
};

int envelope_policy_init(struct envelope_policy *policy, const struct mv_config *cfg, char **error_r);
void envelope_policy_deinit(struct envelope_policy *policy);

/*
 * Fills report->envelope from `given` (may be NULL) and, for what it leaves
 * out, from the Received field written by the trust boundary and from
 * Return-Path; then the direction.  report->received must be collected.
 */
int envelope_resolve(const struct envelope_policy *policy, struct mv_msg *msg, struct mv_report *report,
		     const struct mv_envelope *given);

/* True when the address's domain is one of local_domains (".example.org": any domain under it). */
bool envelope_address_local(const struct envelope_policy *policy, mv_str addr);

/* True when the host name matches a trusted name (exact, or under a ".domain" entry). */
bool envelope_name_trusted(const struct envelope_policy *policy, mv_str name);

#endif
