/*
 * The in-memory zone: a hash table of names, each with its record sets and
 * an optional failure to answer.  Adding a name adds its ancestors as empty
 * nodes (RFC 4592's empty non-terminals), so a lookup tells NODATA from
 * NXDOMAIN and finds a wildcard's closest encloser by walking up.  Everything
 * lives in the zone's arena; the table grows by doubling.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_int.h"
#include "mailvet/arena.h"

struct zone_rrset {
	uint16_t type;
	unsigned n, cap;
	struct dns_rr *rr;
};

struct zone_node {
	const char *name;
	size_t len;
	uint64_t hash;
	int failure;		/* 0, or the rcode every lookup of the name answers */
	unsigned n_sets;
	struct zone_rrset *sets;
	struct zone_node *next;	/* in the bucket */
};

struct dns_zone {
	mv_arena *arena;
	struct zone_node **buckets;
	size_t n_buckets, n_nodes;
	unsigned n_records;
};

static uint64_t name_hash(const char *name, size_t len)
{
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211u;
	return h ^ (h >> 29);
}

struct dns_zone *dns_zone_new(void)
{
	struct dns_zone *zone = calloc(1, sizeof(*zone));

	if (zone == NULL)
		return NULL;
	zone->arena = mv_arena_new(0);
	zone->n_buckets = 64;
	zone->buckets = calloc(zone->n_buckets, sizeof(*zone->buckets));
	if (zone->arena == NULL || zone->buckets == NULL)
		dns_zone_free(&zone);
	return zone;
}

void dns_zone_free(struct dns_zone **zonep)
{
	struct dns_zone *zone = *zonep;

	*zonep = NULL;
	if (zone == NULL)
		return;
	mv_arena_free(&zone->arena);
	free(zone->buckets);
	free(zone);
}

static struct zone_node *find_node(const struct dns_zone *zone, const char *name, size_t len)
{
	uint64_t h = name_hash(name, len);
	struct zone_node *n;

	for (n = zone->buckets[h & (zone->n_buckets - 1)]; n != NULL; n = n->next) {
		if (n->hash == h && n->len == len && memcmp(n->name, name, len) == 0)
			return n;
	}
	return NULL;
}

static int grow(struct dns_zone *zone)
{
	size_t n = zone->n_buckets * 2, i;
	struct zone_node **b = calloc(n, sizeof(*b));

	if (b == NULL)
		return -1;
	for (i = 0; i < zone->n_buckets; i++) {
		struct zone_node *node = zone->buckets[i], *next;

		for (; node != NULL; node = next) {
			next = node->next;
			node->next = b[node->hash & (n - 1)];
			b[node->hash & (n - 1)] = node;
		}
	}
	free(zone->buckets);
	zone->buckets = b;
	zone->n_buckets = n;
	return 0;
}

/* The node of name (made with its ancestors when missing); NULL when out of memory. */
static struct zone_node *get_node(struct dns_zone *zone, const char *name, size_t len)
{
	struct zone_node *node = find_node(zone, name, len);
	const char *dot;

	if (node != NULL)
		return node;
	dot = memchr(name, '.', len);
	if (dot != NULL && get_node(zone, dot + 1, len - (size_t)(dot + 1 - name)) == NULL)
		return NULL;
	if (zone->n_nodes >= zone->n_buckets && grow(zone) < 0)
		return NULL;
	node = mv_arena_calloc(zone->arena, 1, sizeof(*node));
	if (node == NULL || (node->name = mv_arena_strndup(zone->arena, name, len)) == NULL)
		return NULL;
	node->len = len;
	node->hash = name_hash(name, len);
	node->next = zone->buckets[node->hash & (zone->n_buckets - 1)];
	zone->buckets[node->hash & (zone->n_buckets - 1)] = node;
	zone->n_nodes++;
	return node;
}

static struct zone_rrset *find_set(const struct zone_node *node, uint16_t type)
{
	unsigned i;

	for (i = 0; i < node->n_sets; i++) {
		if (node->sets[i].type == type)
			return &node->sets[i];
	}
	return NULL;
}

static char *__attribute__((format(printf, 1, 2))) zone_error(const char *fmt, ...)
{
	char *out = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	va_end(ap);
	return out;
}

int dns_zone_add_rr(struct dns_zone *zone, const char *name, const struct dns_rr *rr, char **error_r)
{
	struct zone_node *node;
	struct zone_rrset *set;
	struct dns_rr *copy;

	*error_r = NULL;
	if (zone->n_records >= DNS_ZONE_MAX_RECORDS) {
		*error_r = zone_error("%s: more than %u records", name, DNS_ZONE_MAX_RECORDS);
		return -1;
	}
	node = get_node(zone, name, strlen(name));
	if (node == NULL)
		goto nomem;
	set = find_set(node, rr->type);
	if (set == NULL) {
		struct zone_rrset *sets = mv_arena_realloc(zone->arena, node->sets, node->n_sets * sizeof(*sets),
							   (node->n_sets + 1) * sizeof(*sets));

		if (sets == NULL)
			goto nomem;
		node->sets = sets;
		set = &sets[node->n_sets++];
		memset(set, 0, sizeof(*set));
		set->type = rr->type;
	}
	if (set->n == set->cap) {
		unsigned cap = set->cap != 0 ? set->cap * 2 : 1;
		struct dns_rr *r = mv_arena_realloc(zone->arena, set->rr, set->cap * sizeof(*r), cap * sizeof(*r));

		if (r == NULL)
			goto nomem;
		set->rr = r;
		set->cap = cap;
	}
	copy = &set->rr[set->n];
	*copy = *rr;
	if (rr->text.p != NULL) {
		char *t = mv_arena_strndup(zone->arena, rr->text.p, rr->text.len);

		if (t == NULL)
			goto nomem;
		copy->text = mv_str_make(t, rr->text.len);
	}
	set->n++;
	zone->n_records++;
	return 0;
nomem:
	*error_r = zone_error("%s: out of memory", name);
	return -1;
}

int dns_zone_add_name(struct dns_zone *zone, const char *name)
{
	return get_node(zone, name, strlen(name)) != NULL ? 0 : -1;
}

/* An absolute name of dns_zone_add(): the trailing dot is optional. */
static bool add_name(const char *text, char out[256])
{
	return dns_name_normalize(mv_str_cstr(text), out);
}

int dns_zone_add(struct dns_zone *zone, const char *name, uint16_t type, uint32_t ttl, const char *rdata,
		 char **error_r)
{
	char owner[256], target[256];
	struct dns_rr rr;
	unsigned long pref;
	char *end;

	*error_r = NULL;
	memset(&rr, 0, sizeof(rr));
	rr.type = type;
	rr.ttl = ttl;
	if (!add_name(name, owner)) {
		*error_r = zone_error("'%s': not a domain name", name);
		return -1;
	}
	switch (type) {
	case DNS_T_A:
		if (inet_pton(AF_INET, rdata, rr.addr) != 1)
			goto bad;
		break;
	case DNS_T_AAAA:
		if (inet_pton(AF_INET6, rdata, rr.addr) != 1)
			goto bad;
		break;
	case DNS_T_MX:
		pref = strtoul(rdata, &end, 10);
		if (end == rdata || pref > 65535 || (*end != ' ' && *end != '\t'))
			goto bad;
		rdata = end + strspn(end, " \t");
		rr.preference = (uint16_t)pref;
		/* fall through */
	case DNS_T_PTR:
	case DNS_T_CNAME:
		if (!add_name(rdata, target))
			goto bad;
		rr.text = mv_str_cstr(target);
		break;
	case DNS_T_TXT:
		rr.text = mv_str_cstr(rdata);
		rr.n_strings = rr.text.len != 0 ? (unsigned)((rr.text.len + 254) / 255) : 1;
		break;
	default:
		*error_r = zone_error("%s: record type %u not supported", owner, type);
		return -1;
	}
	return dns_zone_add_rr(zone, owner, &rr, error_r);
bad:
	*error_r = zone_error("%s: bad data '%s'", owner, rdata);
	return -1;
}

int dns_zone_add_txt(struct dns_zone *zone, const char *name, uint32_t ttl, const char *const *strings,
		     unsigned n_strings)
{
	char owner[256], *text, *error = NULL;
	size_t len = 0, i;
	struct dns_rr rr;
	int rc;

	if (!add_name(name, owner))
		return -1;
	for (i = 0; i < n_strings; i++)
		len += strlen(strings[i]);
	text = malloc(len + 1);
	if (text == NULL)
		return -1;
	for (len = 0, i = 0; i < n_strings; i++) {
		memcpy(text + len, strings[i], strlen(strings[i]));
		len += strlen(strings[i]);
	}
	memset(&rr, 0, sizeof(rr));
	rr.type = DNS_T_TXT;
	rr.ttl = ttl;
	rr.text = mv_str_make(text, len);
	rr.n_strings = n_strings;
	rc = dns_zone_add_rr(zone, owner, &rr, &error);
	free(error);
	free(text);
	return rc;
}

int dns_zone_add_failure(struct dns_zone *zone, const char *name, int rcode)
{
	char owner[256];
	struct zone_node *node;

	if (!add_name(name, owner) || (node = get_node(zone, owner, strlen(owner))) == NULL)
		return -1;
	node->failure = rcode;
	return 0;
}

/* RFC 4592: the closest existing ancestor's "*" child, when name itself does not exist. */
static const struct zone_node *wildcard(const struct dns_zone *zone, const char *name)
{
	const char *p = name;
	char buf[258];

	while ((p = strchr(p, '.')) != NULL) {
		size_t len = strlen(++p);

		if (find_node(zone, p, len) == NULL)
			continue;
		buf[0] = '*';
		buf[1] = '.';
		memcpy(buf + 2, p, len);
		return find_node(zone, buf, len + 2);
	}
	return NULL;
}

void dns_zone_lookup(const struct dns_zone *zone, const char *name, uint16_t type, struct dns_answer *answer_r)
{
	const char *cur = name;
	unsigned hops;

	memset(answer_r, 0, sizeof(*answer_r));
	for (hops = 0;; hops++) {
		const struct zone_node *node = find_node(zone, cur, strlen(cur));
		const struct zone_rrset *set;

		answer_r->canonical = mv_str_cstr(node != NULL ? node->name : cur);
		if (node == NULL)
			node = wildcard(zone, cur);
		if (node == NULL) {
			answer_r->rcode = DNS_R_NXDOMAIN;
			return;
		}
		if (node->failure != 0) {
			answer_r->rcode = node->failure;
			return;
		}
		set = find_set(node, type);
		if (set != NULL) {
			answer_r->rcode = DNS_R_OK;
			answer_r->rr = set->rr;
			answer_r->n_rr = set->n;
			return;
		}
		set = find_set(node, DNS_T_CNAME);
		if (set == NULL) {
			answer_r->rcode = DNS_R_OK;	/* NODATA */
			return;
		}
		if (hops == DNS_CNAME_MAX) {
			/* A loop, or a chain longer than resolvers follow: what they answer, SERVFAIL. */
			answer_r->rcode = DNS_R_TEMPFAIL;
			return;
		}
		cur = set->rr[0].text.p;
	}
}
