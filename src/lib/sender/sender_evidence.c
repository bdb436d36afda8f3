/*
 * The list of evidence: adding a piece (reduced to the organization it
 * names, merged with the same kind's piece for the same organization) and
 * ranking the list strongest first.  The list is bounded (SENDER_MAX_ITEMS):
 * past it further pieces are dropped, the strongest kinds having been added
 * first.
 */
#include <string.h>

#include "mailvet/url.h"
#include "sender/sender.h"

const char *sender_kind_name(enum sender_kind kind)
{
	static const char *const names[SENDER_KIND_COUNT] = {
		[SENDER_DKIM] = "dkim",
		[SENDER_SPF] = "spf",
		[SENDER_RDNS] = "rdns",
		[SENDER_HELO] = "helo",
		[SENDER_RECEIVED] = "received",
		[SENDER_RETURN_PATH] = "return_path",
		[SENDER_MESSAGE_ID] = "message_id",
		[SENDER_LIST_ID] = "list_id",
		[SENDER_LIST_UNSUBSCRIBE] = "list_unsubscribe",
		[SENDER_FEEDBACK_ID] = "feedback_id",
		[SENDER_LINK] = "link",
		[SENDER_PROVIDER_HEADER] = "provider_header",
	};

	return (unsigned)kind < SENDER_KIND_COUNT ? names[kind] : "";
}

/* Names that are never an organization's: they are a machine's own or a private network's. */
static bool private_suffix(const char *name, size_t len)
{
	const char *dot = memrchr(name, '.', len), *tld = dot != NULL ? dot + 1 : name;
	size_t n = len - (size_t)(tld - name);

	if (len >= 10 && memcmp(name, "localhost.", 10) == 0)
		return true;
	switch (n) {
	case 3:
		return memcmp(tld, "lan", 3) == 0;
	case 4:
		return memcmp(tld, "home", 4) == 0;
	case 5:
		return memcmp(tld, "local", 5) == 0;
	case 7:
		return memcmp(tld, "invalid", 7) == 0;
	case 8:
		return memcmp(tld, "internal", 8) == 0;
	case 9:
		return memcmp(tld, "localhost", 9) == 0;
	case 11:
		return memcmp(tld, "localdomain", 11) == 0;
	default:
		return false;
	}
}

/* Each byte a host name may have, lower-cased, with 0x80 set for a letter, '-' or '_'; 0 for any other byte. */
static const unsigned char host_byte[256] = {
	['-'] = '-' | 0x80, ['.'] = '.', ['_'] = '_' | 0x80,
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
#define L(c) [c] = c | 0x80, [c - ('a' - 'A')] = c | 0x80
	L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'), L('j'), L('k'), L('l'), L('m'),
	L('n'), L('o'), L('p'), L('q'), L('r'), L('s'), L('t'), L('u'), L('v'), L('w'), L('x'), L('y'), L('z'),
#undef L
};

/*
 * host as a lower-case name that can name an organization, into buf: a
 * trailing dot dropped; false for an address (bracketed, or all digits and
 * dots, or with a ':'), a single label, a private name or bytes no host name
 * has.
 */
static bool host_name(mv_str host, char buf[256], size_t *len_r)
{
	unsigned seen = 0;
	size_t i;

	host = mv_str_trim(host);
	if (host.len != 0 && host.p[host.len - 1] == '.')
		host.len--;
	if (host.len == 0 || host.len > 253)
		return false;
	for (i = 0; i < host.len; i++) {
		unsigned char c = host_byte[(unsigned char)host.p[i]];

		if (c == 0)
			return false;
		seen |= c;
		buf[i] = (char)(c & 0x7F);
	}
	buf[host.len] = '\0';
	/* A letter somewhere (not an IPv4 address), a dot, and not a private name. */
	if (!(seen & 0x80) || memchr(buf, '.', host.len) == NULL || buf[0] == '.' || private_suffix(buf, host.len))
		return false;
	*len_r = host.len;
	return true;
}

static bool same(mv_str a, mv_str b)
{
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

/* The existing item of that kind naming domain, or NULL. */
static struct sender_item *find(struct sender_facts *f, enum sender_kind kind, mv_str domain)
{
	unsigned i;

	for (i = 0; i < f->n; i++) {
		if (f->item[i].kind == kind && same(f->item[i].domain, domain))
			return &f->item[i];
	}
	return NULL;
}

int sender_add(struct sender_facts *f, mv_arena *arena, const struct providers *p, enum sender_kind kind, mv_str host,
	       mv_str value, unsigned roles)
{
	char buf[256];
	struct sender_item *it;
	mv_str domain;
	size_t len;
	char *copy;

	if (!host_name(host, buf, &len))
		return 0;
	domain = mv_url_registrable_domain(mv_str_make(buf, len));
	it = find(f, kind, domain);
	if (it != NULL) {
		it->count++;
		if (it->provider < 0 && roles != 0)
			it->provider = providers_by_host(p, mv_str_make(buf, len), roles);
		return 1;
	}
	if (f->n == SENDER_MAX_ITEMS)
		return 1;
	copy = mv_arena_strndup(arena, buf, len);
	if (copy == NULL)
		return -1;
	it = &f->item[f->n++];
	it->kind = kind;
	it->domain = mv_str_make(copy + (domain.p - buf), domain.len);
	it->value = value.len != 0 ? value : mv_str_make(copy, len);
	it->provider = roles != 0 ? providers_by_host(p, mv_str_make(copy, len), roles) : -1;
	it->count = 1;
	return 1;
}

mv_str sender_org_of(mv_arena *arena, mv_str host)
{
	char buf[256];
	mv_str domain;
	size_t len;
	char *copy;

	if (!host_name(host, buf, &len))
		return MV_STR_NULL;
	domain = mv_url_registrable_domain(mv_str_make(buf, len));
	copy = mv_arena_strndup(arena, domain.p, domain.len);
	return copy != NULL ? mv_str_make(copy, domain.len) : MV_STR_NULL;
}

int sender_add_provider(struct sender_facts *f, const struct providers *p, enum sender_kind kind, int provider,
			mv_str value)
{
	mv_str domain = provider >= 0 ? providers_domain(p, (unsigned)provider) : MV_STR_NULL;
	struct sender_item *it = find(f, kind, domain);

	if (it != NULL) {
		it->count++;
		return 0;
	}
	if (f->n == SENDER_MAX_ITEMS)
		return 0;
	it = &f->item[f->n++];
	it->kind = kind;
	it->domain = domain;
	it->value = value;
	it->provider = provider;
	it->count = 1;
	return 0;
}

void sender_rank(struct sender_facts *f)
{
	unsigned i, j;

	/* Insertion sort: stable, and the list is short. */
	for (i = 1; i < f->n; i++) {
		struct sender_item t = f->item[i];

		for (j = i; j > 0 && f->item[j - 1].kind > t.kind; j--)
			f->item[j] = f->item[j - 1];
		f->item[j] = t;
	}
}
