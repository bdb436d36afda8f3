/*
 * What a message's names and domains say about brands (brands.h): lookups
 * in the maps brands_file.c builds.  Names and text are compared as words
 * (name.h), so "PayPal" is in "PayPal Service" but not in "PayPalooza".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ident/brands.h"
#include "util/simd.h"

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

/*
 * The first phrase of list (indexed by its first word in map and first[])
 * that starts at one of words[0 .. starts) and fits in words; its brand, or -1.
 */
static int find_phrase(const struct strmap *map, const uint32_t first[128], const struct brand_phrase *list,
		       const struct ident_word *words, unsigned n, unsigned starts, bool names,
		       const struct brand_phrase **phrase_r)
{
	char key[64];
	unsigned i, slot;

	for (i = 0; i < n && i < starts; i++) {
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

	return find_phrase(&b->by_name_word, b->name_first, b->name, words, n, n, true, phrase_r);
}

static bool ascii_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A phrase of the text starting at the word that starts at p: the word's
 * first byte and length are checked against sig_first before any
 * tokenizing; then the words from p (as many as a phrase has) are matched.
 */
static int phrase_from(const struct brands *b, const char *p, const char *end, const struct brand_phrase **phrase_r)
{
	struct ident_word words[BRAND_PHRASE_WORDS];
	const char *e = p;
	char key[64];
	unsigned slot, n;
	uint32_t bit, k;

	while (e < end && ascii_word_byte((unsigned char)*e))
		e++;
	/* A word that runs on in non-ASCII letters is longer: ICU says where it ends. */
	if (e == end || (unsigned char)*e < 0x80) {
		bit = brands_first_bit(p, (size_t)(e - p), &slot);
		if (!(b->sig_first[slot] & bit) ||
		    !lower_key((struct ident_word){ p, (unsigned)(e - p) }, key, sizeof(key)) ||
		    !strmap_get(&b->by_sig_word, key, (size_t)(e - p), &k))
			return -1;
	}
	n = ident_words(mv_str_make(p, (size_t)(end - p)), words, BRAND_PHRASE_WORDS);
	return find_phrase(&b->by_sig_word, b->sig_first, b->sig, words, n, 1, false, phrase_r);
}

/*
 * Phrases of a text start at words; words start at an ASCII letter or digit
 * after any other byte, found 16 bytes at a time, and most are turned down
 * by sig_first before anything is tokenized.  (After a non-ASCII letter a
 * start may be found inside a word: "éOne Microsoft Way" matches.)
 */
int brands_in_text(const struct brands *b, mv_str text, const struct brand_phrase **phrase_r)
{
	const char *p = text.p, *end = text.p + text.len;
	unsigned prev = 0;	/* the byte before p is an ASCII letter or digit */
	int k;

	if (b->n_sigs == 0)
		return -1;
	if (b->sig_first[0] != 0) {
		/* A phrase that starts with a non-ASCII letter: the words as ICU sees them. */
		struct ident_word words[TEXT_WORDS];
		unsigned n = ident_words(text, words, TEXT_WORDS);

		return find_phrase(&b->by_sig_word, b->sig_first, b->sig, words, n, n, false, phrase_r);
	}
#ifdef SIMD_SSE2
	/* Word starts 16 bytes at a time: ASCII letters and digits after anything else. */
	for (; end - p >= 16; p += 16) {
		simd_v v = simd_load(p);
		simd_v alnum = simd_or(simd_in(v, '0', '9'), simd_or(simd_in(v, 'a', 'z'), simd_in(v, 'A', 'Z')));
		unsigned m = simd_mask(alnum);
		unsigned starts = m & ~((m << 1) | prev);

		prev = (m >> 15) & 1;
		for (; starts != 0; starts &= starts - 1) {
			const char *w = p + __builtin_ctz(starts);

			if (b->sig_start[(unsigned char)*w] && (k = phrase_from(b, w, end, phrase_r)) >= 0)
				return k;
		}
	}
#endif
	for (; p < end; p++) {
		unsigned w = ascii_word_byte((unsigned char)*p);

		if (w && !prev && b->sig_start[(unsigned char)*p] && (k = phrase_from(b, p, end, phrase_r)) >= 0)
			return k;
		prev = w;
	}
	return -1;
}
