/*
 * What a message's names and domains say about brands (brands.h): lookups
 * in the maps brands_file.c builds.  Names and text are compared as words
 * (name.h), so "PayPal" is in "PayPal Service" but not in "PayPalooza".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ident/brands.h"

#define NAME_WORDS 32		/* words of a display name looked at */
#define TEXT_WORDS 512		/* words of a text looked at */

int brands_domain(const struct brands *b, mv_str domain, enum brand_domain_kind *kind_r)
{
	const char *p = domain.p, *end = domain.p + domain.len;
	uint32_t v;

	while (p < end) {
		const char *dot;

		if (strmap_get(&b->by_domain, p, (size_t)(end - p), &v)) {
			*kind_r = (enum brand_domain_kind)(v & 1);
			return (int)(v >> 1);
		}
		dot = memchr(p, '.', (size_t)(end - p));
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	return -1;
}

/* d is e, or a name under e; d in any case (a d= as written), e in lower case. */
static bool under(mv_str d, const char *e)
{
	size_t n = strlen(e);

	return d.len >= n && strncasecmp(d.p + d.len - n, e, n) == 0 && (d.len == n || d.p[d.len - n - 1] == '.');
}

bool brands_signs_for(const struct brands *b, uint32_t brand, mv_str d)
{
	const struct brand *br = &b->brand[brand];
	size_t i;

	while (d.len != 0 && d.p[d.len - 1] == '.')
		d.len--;
	for (i = 0; i < br->n_domains; i++) {
		if (under(d, br->domains[i]))
			return true;
	}
	for (i = 0; i < br->n_signers; i++) {
		if (under(d, br->signers[i]))
			return true;
	}
	return false;
}

/* Words that say what kind of mail it is, not who sends it (match forms: lower case). */
static const char *const service_words[] = {
	"account", "accounts", "admin", "administrator", "alert", "alerts", "and", "app", "apps", "bank",
	"banking", "beveiliging", "billing", "business", "care", "center", "centre", "client", "clients",
	"com", "communications", "community", "compte", "corp", "corporation", "customer", "customers",
	"de", "department", "dept", "desk", "direct", "en", "et", "for", "from", "group", "help", "helpdesk",
	"id", "inc", "info", "information", "klantenservice", "konto", "kundendienst", "kundenservice", "la",
	"le", "les", "llc", "ltd", "mail", "member", "members", "message", "messages", "net", "no", "noreply",
	"notice", "notices", "notification", "notifications", "of", "official", "online", "pay", "payment",
	"payments", "plc", "privacy", "protection", "reply", "rewards", "secure", "security", "service",
	"services", "sicherheit", "signin", "store", "support", "system", "team", "the", "uk", "update",
	"updates", "us", "verification", "verify", "web", "www", "your",
};

static int word_cmp(const void *key, const void *elem)
{
	const struct ident_word *w = key;
	const char *s = *(const char *const *)elem;
	size_t n = strlen(s), k = w->len < n ? w->len : n;
	int c = memcmp(w->p, s, k);

	return c != 0 ? c : (w->len > n) - (w->len < n);
}

bool brands_only_service_words(const struct ident_word *words, unsigned n_words, unsigned from, unsigned n)
{
	unsigned i;

	for (i = 0; i < n_words; i++) {
		if (i >= from && i < from + n)
			continue;
		if (bsearch(&words[i], service_words, sizeof(service_words) / sizeof(service_words[0]),
			    sizeof(service_words[0]), word_cmp) == NULL)
			return false;
	}
	return true;
}

/* Whether the phrase's words follow at words[i] (compared without ASCII case). */
static bool phrase_at(const struct brand_phrase *p, const struct ident_word *words, unsigned n, unsigned i)
{
	unsigned k;

	if (i + p->n_words > n)
		return false;
	for (k = 0; k < p->n_words; k++) {
		if (!ident_word_eq(words[i + k], p->words[k].p, p->words[k].len))
			return false;
	}
	return true;
}

/* The word lower-cased (ASCII) into buf, for a map key; false when it is too long to be a key. */
static bool lower_key(struct ident_word w, char *buf, size_t cap)
{
	if (w.len >= cap)
		return false;
	mv_ascii_lower_copy(buf, w.p, w.len);
	return true;
}

/* The first phrase of list (indexed by its first word in map and first[]) in words; its brand, or -1. */
static int find_phrase(const struct strmap *map, const uint32_t first[128], const struct brand_phrase *list,
		       const struct ident_word *words, unsigned n, bool names, const struct brand_phrase **phrase_r)
{
	char key[64];
	unsigned i, slot;

	for (i = 0; i < n; i++) {
		size_t pos = 0;
		uint32_t k, bit = brands_first_bit(words[i].p, words[i].len, &slot);

		if (!(first[slot] & bit) || !lower_key(words[i], key, sizeof(key)))
			continue;
		while (strmap_next(map, key, words[i].len, &pos, &k)) {
			const struct brand_phrase *p = &list[k];

			if (!phrase_at(p, words, n, i))
				continue;
			if (names && p->alone && !brands_only_service_words(words, n, i, p->n_words))
				continue;
			*phrase_r = p;
			return (int)p->brand;
		}
	}
	return -1;
}

int brands_named(const struct brands *b, mv_str match, const struct brand_phrase **phrase_r)
{
	struct ident_word words[NAME_WORDS];
	unsigned n = ident_words(match, words, NAME_WORDS);

	return find_phrase(&b->by_name_word, b->name_first, b->name, words, n, true, phrase_r);
}

int brands_in_text(const struct brands *b, mv_str text, const struct brand_phrase **phrase_r)
{
	struct ident_word words[TEXT_WORDS];
	unsigned n;

	if (b->n_sigs == 0)
		return -1;
	n = ident_words(text, words, TEXT_WORDS);
	return find_phrase(&b->by_sig_word, b->sig_first, b->sig, words, n, false, phrase_r);
}
