/*
 * Resolving a message's envelope.  What the caller gives (the milter's SMTP
 * session, scan options) wins.  The rest comes from the message, but only as
 * far as our own relays vouch for it: the Received fields are read from the
 * top down to the first one written by a relay in trusted_relays, then on
 * down while the client of that hop is itself trusted.  The last field so
 * reached is the trust boundary: its client address, HELO and reverse name
 * are what our relay saw.  Fields below it are the sender's own claims and
 * are never used as facts.  Return-Path, written at delivery, gives MAIL FROM.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine/engine_int.h"
#include "envelope/envelope_int.h"

const char *mv_stage_name(enum mv_stage stage)
{
	static const char *const names[] = { "connect", "helo", "mail", "rcpt", "headers", "body" };

	return (unsigned)stage < sizeof(names) / sizeof(names[0]) ? names[stage] : "body";
}

const char *mv_direction_name(enum mv_direction direction)
{
	switch (direction) {
	case MV_DIRECTION_INBOUND:
		break;
	case MV_DIRECTION_OUTBOUND:
		return "outbound";
	case MV_DIRECTION_INTERNAL:
		return "internal";
	}
	return "inbound";
}

const char *mv_envelope_source_name(enum mv_envelope_source source)
{
	switch (source) {
	case MV_ENVELOPE_NONE:
		break;
	case MV_ENVELOPE_OPTIONS:
		return "options";
	case MV_ENVELOPE_RECEIVED:
		return "received";
	}
	return "none";
}

/* "FILE:LINE: NAME: 'ITEM' is not an address or network" */
static char *setting_error(const struct mv_config *cfg, const char *name, const char *item)
{
	const char *file;
	unsigned line;

	engine_setting_where(cfg, name, &file, &line);
	return engine_error(file, line, "%s: '%s' is not an address or network (192.0.2.0/24, 2001:db8::/32)", name,
			    item);
}

int envelope_policy_init(struct envelope_policy *policy, const struct mv_config *cfg, char **error_r)
{
	const char *const *items;
	size_t n, i;

	memset(policy, 0, sizeof(*policy));
	items = mv_config_list(cfg, "trusted_relays", &n);
	policy->trusted_names = calloc(n + 1, sizeof(*policy->trusted_names));
	if (policy->trusted_names == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		int rc = netlist_add(&policy->trusted_nets, items[i]);
		char *name, *p;

		if (rc < 0) {
			*error_r = setting_error(cfg, "trusted_relays", items[i]);
			return -1;
		}
		if (rc > 0)
			continue;
		name = strdup(items[i]);
		if (name == NULL)
			return -1;
		for (p = name; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		if (p > name && p[-1] == '.')
			p[-1] = '\0';
		policy->trusted_names[policy->n_trusted_names++] = name;
	}
	items = mv_config_list(cfg, "local_networks", &n);
	for (i = 0; i < n; i++) {
		if (netlist_add(&policy->local_nets, items[i]) <= 0) {
			*error_r = setting_error(cfg, "local_networks", items[i]);
			return -1;
		}
	}
	policy->local_domains = mv_config_list(cfg, "local_domains", &policy->n_local_domains);
	return 0;
}

void envelope_policy_deinit(struct envelope_policy *policy)
{
	size_t i;

	for (i = 0; i < policy->n_trusted_names; i++)
		free(policy->trusted_names[i]);
	free(policy->trusted_names);
	netlist_free(&policy->trusted_nets);
	netlist_free(&policy->local_nets);
	memset(policy, 0, sizeof(*policy));
}

/* name equals domain, or ends in "." domain; case-insensitive, a trailing dot on name ignored. */
static bool name_in_domain(mv_str name, const char *domain, bool subdomains_only)
{
	size_t dlen = strlen(domain);

	if (name.len != 0 && name.p[name.len - 1] == '.')
		name.len--;
	if (!subdomains_only && name.len == dlen && strncasecmp(name.p, domain, dlen) == 0)
		return true;
	return name.len > dlen && name.p[name.len - dlen - 1] == '.' &&
	       strncasecmp(name.p + name.len - dlen, domain, dlen) == 0;
}

static bool name_equal(mv_str name, const char *t)
{
	size_t n = strlen(t);

	if (name.len != 0 && name.p[name.len - 1] == '.')
		name.len--;
	return name.len == n && strncasecmp(name.p, t, n) == 0;
}

bool envelope_name_trusted(const struct envelope_policy *policy, mv_str name)
{
	size_t i;

	if (name.len == 0)
		return false;
	for (i = 0; i < policy->n_trusted_names; i++) {
		const char *t = policy->trusted_names[i];

		if (t[0] == '.' ? name_in_domain(name, t + 1, true) : name_equal(name, t))
			return true;
	}
	return false;
}

/* The hop's writer ("by") is one of our relays. */
static bool written_by_trusted(const struct envelope_policy *policy, const struct mv_received *hop)
{
	mv_str by = hop->by;

	if (by.len >= 2 && by.p[0] == '[' && by.p[by.len - 1] == ']')
		by = mv_str_make(by.p + 1, by.len - 2);
	return envelope_name_trusted(policy, by) || netlist_match(&policy->trusted_nets, by);
}

static bool is_loopback(mv_str ip)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };
	uint8_t a[16];

	return net_parse_ip(ip, a) && ((a[10] == 0xff && a[11] == 0xff && a[12] == 127 && memcmp(a, v6_loopback, 10) == 0) ||
				       memcmp(a, v6_loopback, 16) == 0);
}

/*
 * The hop's client is one of our relays, so the hop below was written by it:
 * by address; a loopback client (a content filter reinjecting) is the relay
 * itself; or by the reverse name our relay wrote for it (Postfix writes only
 * forward-confirmed names).
 */
static bool client_trusted(const struct envelope_policy *policy, const struct mv_received *hop)
{
	if (hop->flags & MV_RCVD_LOCAL)
		return false;
	return netlist_match(&policy->trusted_nets, hop->ip) || is_loopback(hop->ip) ||
	       envelope_name_trusted(policy, hop->from);
}

/* The index of the trust boundary hop, or -1; *trusted_r: how many hops from the top our relays wrote. */
static int find_boundary(const struct envelope_policy *policy, const struct mv_report *report, unsigned *trusted_r)
{
	unsigned k, j;

	*trusted_r = 0;
	if (policy->n_trusted_names == 0 && policy->trusted_nets.n == 0)
		return -1;
	for (k = 0; k < report->n_received; k++) {
		if (written_by_trusted(policy, &report->received[k]) ||
		    (k > 0 && client_trusted(policy, &report->received[k - 1])))
			break;
	}
	if (k == report->n_received)
		return -1;
	for (j = k; j + 1 < report->n_received && client_trusted(policy, &report->received[j]); j++)
		;
	*trusted_r = j + 1;
	return (int)j;
}

/* The n-th Received field's raw value. */
static mv_str received_raw(const struct mv_msg *msg, unsigned n)
{
	const struct mv_header *h = mv_part_header(msg->root, "Received");

	while (h != NULL && n-- > 0)
		h = mv_part_header_next(msg->root, h);
	return h != NULL ? h->value : MV_STR_NULL;
}

/* "(Authenticated sender: user)", as Postfix writes it when smtpd_sasl_authenticated_header is on. */
static mv_str authenticated_sender(mv_str raw)
{
	static const char tag[] = "authenticated sender:";
	size_t i, n = sizeof(tag) - 1;

	for (i = 0; i + n <= raw.len; i++) {
		if (strncasecmp(raw.p + i, tag, n) == 0) {
			size_t s = i + n, e;

			while (s < raw.len && (raw.p[s] == ' ' || raw.p[s] == '\t'))
				s++;
			for (e = s; e < raw.len && raw.p[e] != ')' && !isspace((unsigned char)raw.p[e]); e++)
				;
			return mv_str_make(raw.p + s, e - s);
		}
	}
	return MV_STR_NULL;
}

/* Return-Path: <addr> or <>; false when absent or unreadable. */
static bool return_path(const struct mv_msg *msg, mv_str *addr_r)
{
	const struct mv_header *h = mv_part_header(msg->root, "Return-Path");
	mv_str v;
	const char *lt, *gt;

	if (h == NULL)
		return false;
	v = mv_str_trim(h->value);
	lt = memchr(v.p, '<', v.len);
	gt = lt != NULL ? memchr(lt, '>', v.len - (size_t)(lt - v.p)) : NULL;
	if (lt != NULL && gt != NULL) {
		*addr_r = mv_str_trim(mv_str_make(lt + 1, (size_t)(gt - lt - 1)));
		return true;
	}
	if (v.len == 0 || memchr(v.p, ' ', v.len) != NULL)
		return false;
	*addr_r = v;
	return true;
}

bool envelope_address_local(const struct envelope_policy *policy, mv_str addr)
{
	const char *at = addr.len != 0 ? memrchr(addr.p, '@', addr.len) : NULL;
	mv_str domain;
	size_t i;

	if (at == NULL)
		return false;
	domain = mv_str_make(at + 1, addr.len - (size_t)(at + 1 - addr.p));
	for (i = 0; i < policy->n_local_domains; i++) {
		const char *d = policy->local_domains[i];

		if (d[0] == '.' ? name_in_domain(domain, d + 1, true)
				: domain.len == strlen(d) && strncasecmp(domain.p, d, domain.len) == 0)
			return true;
	}
	return false;
}

static enum mv_direction direction_of(const struct envelope_policy *policy, const struct mv_envelope *env)
{
	unsigned i;

	if (!(env->conn.authenticated || env->conn.sasl_user.len != 0 ||
	      netlist_match(&policy->local_nets, env->conn.client_ip)))
		return MV_DIRECTION_INBOUND;
	if (env->txn.n_rcpt == 0)
		return MV_DIRECTION_OUTBOUND;
	for (i = 0; i < env->txn.n_rcpt; i++) {
		if (!envelope_address_local(policy, env->txn.rcpt[i]))
			return MV_DIRECTION_OUTBOUND;
	}
	return MV_DIRECTION_INTERNAL;
}

static void fill_from_boundary(struct mv_envelope *env, const struct mv_msg *msg, const struct mv_received *hop,
			       unsigned index)
{
	struct mv_conn *c = &env->conn;

	if (c->client_ip.len == 0 && hop->ip.len != 0) {
		c->client_ip = hop->ip;
		if (env->source == MV_ENVELOPE_NONE)
			env->source = MV_ENVELOPE_RECEIVED;
	}
	if (c->client_name.len == 0 && c->client_name_state == MV_CLIENT_NAME_UNKNOWN) {
		if (hop->from.len == 7 && strncasecmp(hop->from.p, "unknown", 7) == 0)
			c->client_name_state = MV_CLIENT_NAME_NONE;
		else
			c->client_name = hop->from;
	}
	if (c->helo.len == 0)
		c->helo = hop->helo;
	if (!c->tls)
		c->tls = (hop->flags & MV_RCVD_TLS) != 0;
	if (!c->authenticated && c->sasl_user.len == 0 && (hop->flags & MV_RCVD_AUTH)) {
		c->authenticated = true;
		c->sasl_user = authenticated_sender(received_raw(msg, index));
	}
	if (env->txn.queue_id.len == 0)
		env->txn.queue_id = hop->id;
	if (env->txn.time == 0)
		env->txn.time = hop->date;
}

int envelope_resolve(const struct envelope_policy *policy, struct mv_msg *msg, struct mv_report *report,
		     const struct mv_envelope *given)
{
	struct mv_envelope *env = &report->envelope;
	unsigned trusted;
	int boundary;

	memset(env, 0, sizeof(*env));
	if (given != NULL) {
		*env = *given;
		env->source = given->conn.client_ip.len != 0 || given->conn.helo.len != 0 ||
					      given->conn.sasl_user.len != 0 || given->conn.authenticated
				      ? MV_ENVELOPE_OPTIONS
				      : MV_ENVELOPE_NONE;
		if (given->txn.n_rcpt != 0) {
			env->txn.rcpt = mv_arena_calloc(msg->arena, given->txn.n_rcpt, sizeof(*env->txn.rcpt));
			if (env->txn.rcpt == NULL)
				return -1;
			memcpy(env->txn.rcpt, given->txn.rcpt, given->txn.n_rcpt * sizeof(*env->txn.rcpt));
		}
	}
	boundary = find_boundary(policy, report, &trusted);
	report->trusted_hops = trusted;
	if (boundary >= 0) {
		const struct mv_received *hop = &report->received[boundary];

		fill_from_boundary(env, msg, hop, (unsigned)boundary);
		if (env->txn.n_rcpt == 0 && hop->for_.len != 0) {
			env->txn.rcpt = mv_arena_calloc(msg->arena, 1, sizeof(*env->txn.rcpt));
			if (env->txn.rcpt == NULL)
				return -1;
			env->txn.rcpt[0] = hop->for_;
			env->txn.n_rcpt = 1;
		}
	}
	if (!env->txn.has_mail_from && return_path(msg, &env->txn.mail_from))
		env->txn.has_mail_from = true;
	if (env->txn.time == 0)
		env->txn.time = (int64_t)time(NULL);
	env->direction = direction_of(policy, env);
	return 0;
}
