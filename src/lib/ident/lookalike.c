/*
 * Look-alike domains (lookalike.h).  Every protected domain is reduced once
 * to its registrable domain, that domain's first label, and the label's fold:
 * its TR39 skeleton (ICU) lower-cased, with the ASCII swaps folded the same
 * way (0 -> o, 1 -> l, m -> rn, vv -> w, cl -> d, '-' dropped).  Four maps
 * answer a host's questions: is its registrable domain protected or exempt,
 * is one of its labels the first label of a protected domain (the subdomain
 * trick), does its label fold to a protected fold, and which protected
 * labels start with its letter (the typo test, a Damerau distance over a
 * handful of labels).  A host costs a few hash lookups; only Unicode labels
 * (punycode hosts) call ICU and libidn2.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <idn2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "ident/lookalike.h"
#include "ident/strmap.h"
#include "mailvet/url.h"
#include "util/thread_exit.h"

#define LABEL_MAX 63
#define FOLD_MAX (2 * LABEL_MAX + 8)
#define TYPO_MIN 6		/* shortest protected label matched by edit distance */
#define TYPO_TWO 10		/* from this length, two edits */

struct target {
	char *domain;		/* registrable, A-label */
	char *label;		/* its first label, A-label */
	char *fold;
	size_t label_len, fold_len;
	uint32_t tag;
	bool exempt;
};

struct lookalikes {
	struct target *t;
	size_t n, cap;
	struct strmap by_domain, by_label, by_fold;
	uint32_t *bucket[128];	/* targets by the first byte of their label, for the typo test */
	size_t bucket_n[128];
	USpoofChecker *spoof;
	uint64_t id;		/* the set's number for the per-thread cache, never reused */
};

/*
 * A per-thread cache of the hosts that are no look-alike of a set: mail
 * repeats a few hosts (lists, trackers, the big sites), and a miss costs a
 * registrable-domain lookup, a fold and a Damerau distance or two.  Slots
 * are keyed by the set's id and the host; a collision only costs the check
 * again.  Allocated on the thread's first check, freed at its exit.
 */
#define CACHE_SLOTS 512
#define CACHE_HOST 50

struct cache_slot {
	uint64_t set_id;	/* 0: empty */
	uint8_t len;
	char host[CACHE_HOST];
};

struct lookalike_cache {
	struct mv_thread_exit exit;	/* first: release() gets it */
	struct cache_slot *slot;
	uint64_t seed;
};

static void cache_free(struct mv_thread_exit *hook);

static _Thread_local struct lookalike_cache cache = { .exit.release = cache_free };

static void cache_free(struct mv_thread_exit *hook)
{
	struct lookalike_cache *c = (struct lookalike_cache *)hook;

	free(c->slot);
	c->slot = NULL;
}

static _Atomic uint64_t next_set_id = 1;

/* The host's slot, or NULL when it is too long to be kept or the table cannot be had. */
static struct cache_slot *cache_slot(mv_str host)
{
	uint64_t h;
	size_t i;

	if (host.len > CACHE_HOST)
		return NULL;
	if (cache.slot == NULL) {
		if (!mv_thread_exit_register(&cache.exit))
			return NULL;
		cache.slot = calloc(CACHE_SLOTS, sizeof(*cache.slot));
		if (cache.slot == NULL)
			return NULL;
		cache.seed = ((uint64_t)(uintptr_t)cache.slot ^ (uint64_t)time(NULL)) * 0x9e3779b97f4a7c15ULL;
	}
	for (h = cache.seed, i = 0; i < host.len; i++)
		h = (h ^ (unsigned char)host.p[i]) * 0x100000001b3ULL;
	return &cache.slot[(h ^ (h >> 32)) % CACHE_SLOTS];
}

static bool cache_holds(const struct cache_slot *s, uint64_t set_id, mv_str host)
{
	return s != NULL && s->set_id == set_id && s->len == host.len && memcmp(s->host, host.p, host.len) == 0;
}

static void cache_put(struct cache_slot *s, uint64_t set_id, mv_str host)
{
	if (s == NULL)
		return;
	s->set_id = set_id;
	s->len = (uint8_t)host.len;
	memcpy(s->host, host.p, host.len);
}

bool lookalike_domain_ascii(const char *domain, size_t len, char out[256])
{
	char tmp[1024], *ascii = NULL;
	size_t i, label = 0;
	bool plain = true;

	while (len != 0 && domain[len - 1] == '.')
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return false;
	for (i = 0; i < len; i++)
		plain = plain && (unsigned char)domain[i] < 0x80;
	memcpy(tmp, domain, len);
	tmp[len] = '\0';
	if (!plain) {
		if (idn2_to_ascii_8z(tmp, &ascii, IDN2_NONTRANSITIONAL) != IDN2_OK &&
		    idn2_to_ascii_8z(tmp, &ascii, IDN2_TRANSITIONAL) != IDN2_OK)
			return false;
		len = strlen(ascii);
		if (len >= 256) {
			idn2_free(ascii);
			return false;
		}
		memcpy(tmp, ascii, len + 1);
		idn2_free(ascii);
	}
	if (len > 253)
		return false;
	for (i = 0; i < len; i++) {
		char c = mv_ascii_lower(tmp[i]);

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
			if (++label > LABEL_MAX)
				return false;
		} else {
			return false;
		}
		out[i] = c;
	}
	out[len] = '\0';
	return memchr(out, '.', len) != NULL;
}

bool lookalike_under_suffix(const char *domain)
{
	char probe[300];
	mv_str reg;
	size_t n = strlen(domain);

	/* A public suffix d has "x.d" as its registrable domain; a registrable d (or one under it) does not. */
	if (n + 3 > sizeof(probe))
		return false;
	probe[0] = 'x';
	probe[1] = '.';
	memcpy(probe + 2, domain, n + 1);
	reg = mv_url_registrable_domain(mv_str_make(probe, n + 2));
	return reg.len <= n && reg.len != 0;
}

/* The registrable domain of an A-label host: a view into it. */
static mv_str registrable(mv_str host)
{
	mv_str reg = mv_url_registrable_domain(host);

	return reg.len != 0 && reg.len <= host.len ? reg : host;
}

/* The ASCII swaps, folded one way: 0 -> o, 1 -> l, m -> rn, vv -> w, cl -> d, '-' dropped. */
static size_t fold_ascii(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, w = 0;

	for (i = 0; i < n && w + 2 < cap; i++) {
		char c = mv_ascii_lower(s[i]);

		if (c == '-')
			continue;
		if (c == '0') {
			out[w++] = 'o';
		} else if (c == '1') {
			out[w++] = 'l';
		} else if (c == 'm') {
			out[w++] = 'r';
			out[w++] = 'n';
		} else if (c == 'v' && i + 1 < n && mv_ascii_lower(s[i + 1]) == 'v') {
			out[w++] = 'w';
			i++;
		} else if (c == 'c' && i + 1 < n && mv_ascii_lower(s[i + 1]) == 'l') {
			out[w++] = 'd';
			i++;
		} else {
			out[w++] = c;
		}
	}
	out[w] = '\0';
	return w;
}

/* The U-label of an xn-- label (malloc()ed), or NULL. */
static char *u_label(const char *label, size_t n)
{
	char tmp[LABEL_MAX + 1], *u = NULL;

	if (n > LABEL_MAX || n < 4 || memcmp(label, "xn--", 4) != 0)
		return NULL;
	memcpy(tmp, label, n);
	tmp[n] = '\0';
	if (idn2_to_unicode_8z8z(tmp, &u, 0) != IDN2_OK)
		return NULL;
	return u;
}

/* The fold of a Unicode label: its skeleton, lower-cased, then the ASCII swaps. */
static size_t fold_unicode(const USpoofChecker *spoof, const char *u, char *out, size_t cap)
{
	char sk[4 * FOLD_MAX];
	UErrorCode err = U_ZERO_ERROR;
	int32_t n;

	if (spoof == NULL)
		return fold_ascii(u, strlen(u), out, cap);
	n = uspoof_getSkeletonUTF8(spoof, 0, u, -1, sk, (int32_t)sizeof(sk), &err);
	if (U_FAILURE(err) || n < 0 || (size_t)n >= sizeof(sk))
		return fold_ascii(u, strlen(u), out, cap);
	return fold_ascii(sk, (size_t)n, out, cap);
}

struct lookalikes *lookalikes_new(void)
{
	struct lookalikes *set = calloc(1, sizeof(*set));
	UErrorCode err = U_ZERO_ERROR;

	if (set == NULL)
		return NULL;
	set->spoof = uspoof_open(&err);
	if (U_FAILURE(err))
		set->spoof = NULL;
	set->id = next_set_id++;
	return set;
}

void lookalikes_free(struct lookalikes **setp)
{
	struct lookalikes *set = *setp;
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		free(set->t[i].domain);
		free(set->t[i].fold);
	}
	for (i = 0; i < 128; i++)
		free(set->bucket[i]);
	free(set->t);
	strmap_free(&set->by_domain);
	strmap_free(&set->by_label);
	strmap_free(&set->by_fold);
	if (set->spoof != NULL)
		uspoof_close(set->spoof);
	free(set);
	*setp = NULL;
}

static int bucket_add(struct lookalikes *set, uint32_t index)
{
	const struct target *t = &set->t[index];
	unsigned char b = (unsigned char)t->label[0];
	uint32_t *l;

	if (t->label_len < TYPO_MIN || (t->label_len > 4 && memcmp(t->label, "xn--", 4) == 0))
		return 0;	/* too short for the typo test; Unicode labels are matched by skeleton */
	l = realloc(set->bucket[b], (set->bucket_n[b] + 1) * sizeof(*l));
	if (l == NULL)
		return -1;
	l[set->bucket_n[b]++] = index;
	set->bucket[b] = l;
	return 0;
}

int lookalikes_add(struct lookalikes *set, const char *domain, uint32_t tag, bool exempt)
{
	char ascii[256], fold[FOLD_MAX], *u;
	struct target *t;
	mv_str reg;
	uint32_t index, old;
	size_t fl;

	if (!lookalike_domain_ascii(domain, strlen(domain), ascii) || !lookalike_under_suffix(ascii))
		return 1;
	reg = registrable(mv_str_cstr(ascii));
	if (strmap_get(&set->by_domain, reg.p, reg.len, &old)) {
		/* Listed twice (a brand's domain also exempt, or two names of one registrable domain). */
		set->t[old].exempt = set->t[old].exempt && exempt;
		return 0;
	}
	if (set->n == set->cap) {
		size_t cap = set->cap != 0 ? set->cap * 2 : 32;
		struct target *nt = realloc(set->t, cap * sizeof(*nt));

		if (nt == NULL)
			return -1;
		set->t = nt;
		set->cap = cap;
	}
	t = &set->t[set->n];
	memset(t, 0, sizeof(*t));
	t->domain = strndup(reg.p, reg.len);
	if (t->domain == NULL)
		return -1;
	t->label = t->domain;
	t->label_len = strcspn(t->domain, ".");
	u = u_label(t->label, t->label_len);
	fl = u != NULL ? fold_unicode(set->spoof, u, fold, sizeof(fold))
		       : fold_ascii(t->label, t->label_len, fold, sizeof(fold));
	free(u);
	t->fold = strndup(fold, fl);
	if (t->fold == NULL) {
		free(t->domain);
		return -1;
	}
	t->fold_len = fl;
	t->tag = tag;
	t->exempt = exempt;
	index = (uint32_t)set->n++;
	if (strmap_add(&set->by_domain, t->domain, strlen(t->domain), index) < 0 ||
	    strmap_add(&set->by_label, t->label, t->label_len, index) < 0 ||
	    strmap_add(&set->by_fold, t->fold, t->fold_len, index) < 0 || bucket_add(set, index) < 0)
		return -1;
	return 0;
}

/* The protected target at index, or NULL when it is exempt. */
static const struct target *protected_target(const struct lookalikes *set, uint32_t index)
{
	return set->t[index].exempt ? NULL : &set->t[index];
}

static void found(struct lookalike_match *m, enum lookalike_how how, const struct target *t)
{
	m->how = how;
	m->target = t->domain;
	m->tag = t->tag;
}

/*
 * The subdomain trick: a protected domain as whole labels in front of the
 * registrable domain, followed by a dot or a hyphen
 * (microsoft.com.patch-server.example, paypal.com-login.example).
 */
static bool subdomain_trick(const struct lookalikes *set, mv_str host, size_t prefix_len, struct lookalike_match *m)
{
	size_t i = 0;

	while (i < prefix_len) {
		size_t end = i, pos = 0;
		uint32_t index;

		while (end < prefix_len && host.p[end] != '.')
			end++;
		while (strmap_next(&set->by_label, host.p + i, end - i, &pos, &index)) {
			const struct target *t = protected_target(set, index);
			size_t dl = t != NULL ? strlen(t->domain) : 0;

			if (t != NULL && dl < host.len - i && memcmp(host.p + i, t->domain, dl) == 0 &&
			    (host.p[i + dl] == '.' || host.p[i + dl] == '-')) {
				found(m, LOOKALIKE_SUBDOMAIN, t);
				snprintf(m->why, sizeof(m->why), "%s placed in front of another domain", t->domain);
				return true;
			}
		}
		i = end + 1;
	}
	return false;
}

/* Why an ASCII label folds like the target's: the first swap, in plain words. */
static void ascii_why(const char *a, size_t la, const char *b, size_t lb, char *why, size_t cap)
{
	static const struct {
		const char *mine, *theirs;
	} swaps[] = {
		{ "rn", "m" }, { "m", "rn" }, { "vv", "w" }, { "w", "vv" }, { "cl", "d" }, { "d", "cl" },
		{ "0", "o" }, { "o", "0" }, { "1", "l" }, { "l", "1" },
	};
	size_t i = 0, j = 0, k;

	while (i < la && j < lb && a[i] == b[j]) {
		i++;
		j++;
	}
	if (i < la && a[i] == '-') {
		snprintf(why, cap, "a hyphen added");
		return;
	}
	if (j < lb && b[j] == '-') {
		snprintf(why, cap, "the hyphen left out");
		return;
	}
	for (k = 0; k < sizeof(swaps) / sizeof(swaps[0]); k++) {
		size_t x = strlen(swaps[k].mine), y = strlen(swaps[k].theirs);

		if (i + x <= la && j + y <= lb && memcmp(a + i, swaps[k].mine, x) == 0 &&
		    memcmp(b + j, swaps[k].theirs, y) == 0) {
			snprintf(why, cap, "%s for %s", swaps[k].mine, swaps[k].theirs);
			return;
		}
	}
	snprintf(why, cap, "characters that look alike");
}

/* The first two scripts of a Unicode label's letters (Common and Inherited aside); USCRIPT_INVALID_CODE: none. */
static void label_scripts(const char *u, UScriptCode *first_r, UScriptCode *second_r)
{
	int32_t i = 0, n = (int32_t)strlen(u);

	*first_r = *second_r = USCRIPT_INVALID_CODE;
	while (i < n && *second_r == USCRIPT_INVALID_CODE) {
		UErrorCode err = U_ZERO_ERROR;
		UScriptCode sc;
		UChar32 c;

		U8_NEXT((const uint8_t *)u, i, n, c);
		sc = c >= 0 ? uscript_getScript(c, &err) : USCRIPT_INVALID_CODE;
		if (U_FAILURE(err) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED || sc == USCRIPT_INVALID_CODE)
			continue;
		if (*first_r == USCRIPT_INVALID_CODE)
			*first_r = sc;
		else if (sc != *first_r)
			*second_r = sc;
	}
}

/*
 * Why a Unicode label folds like the target's: its first character from
 * another script, and whether the label mixes scripts (TR39's mixed-script
 * confusable: "Latin and Cyrillic mixed").
 */
static void unicode_why(const USpoofChecker *spoof, const char *u, char *why, size_t cap)
{
	int32_t i = 0, n = (int32_t)strlen(u);
	UScriptCode first, second;
	char mixed[80] = "";

	label_scripts(u, &first, &second);
	if (second != USCRIPT_INVALID_CODE)
		snprintf(mixed, sizeof(mixed), "; %s and %s mixed", uscript_getName(first), uscript_getName(second));
	while (i < n) {
		int32_t start = i;
		UChar32 c;
		UErrorCode err = U_ZERO_ERROR;
		char sk[16];
		int32_t k;

		U8_NEXT((const uint8_t *)u, i, n, c);
		if (c < 0x80)
			continue;
		k = spoof != NULL ? uspoof_getSkeletonUTF8(spoof, 0, u + start, i - start, sk, sizeof(sk), &err) : 0;
		if (U_SUCCESS(err) && k == 1 && (unsigned char)sk[0] < 0x80) {
			UScriptCode script = uscript_getScript(c, &err);

			snprintf(why, cap, "%s %.*s (U+%04X) for %c%s",
				 U_SUCCESS(err) ? uscript_getName(script) : "Unicode", (int)(i - start), u + start,
				 (unsigned)c, mv_ascii_lower(sk[0]), mixed);
			return;
		}
	}
	snprintf(why, cap, "Unicode characters that look like its letters%s", mixed);
}

/*
 * Optimal string alignment distance of a and b, or max + 1 when over max
 * (both at most LABEL_MAX).  For a distance of 1, *op_r says which edit and
 * *at_r where in a: 's'ubstituted, 'i'nserted in a, 'd'eleted from a,
 * 't'ransposed.
 */
static unsigned edit_distance(const char *a, size_t la, const char *b, size_t lb, unsigned max, char *op_r,
			      size_t *at_r)
{
	unsigned d[LABEL_MAX + 1][LABEL_MAX + 1];
	size_t i, j;

	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		unsigned row_min = max + 1;

		for (j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < row_min)
				row_min = v;
		}
		if (row_min > max)
			return max + 1;
	}
	if (d[la][lb] == 1) {
		for (i = 0; i < la && i < lb && a[i] == b[i]; i++)
			;
		*at_r = i;
		if (la == lb)
			*op_r = i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] ? 't' : 's';
		else
			*op_r = la > lb ? 'i' : 'd';
	}
	return d[la][lb];
}

static void typo_why(const char *a, size_t la, const char *b, char op, size_t at, unsigned dist, char *why,
		     size_t cap)
{
	if (dist != 1)
		snprintf(why, cap, "%u letters changed", dist);
	else if (op == 't')
		snprintf(why, cap, "two letters swapped (%c%c for %c%c)", a[at], a[at + 1], b[at], b[at + 1]);
	else if (op == 's')
		snprintf(why, cap, "%c for %c", a[at], b[at]);
	else if (op == 'i')
		snprintf(why, cap, "a letter added (%c)", at < la ? a[at] : '?');
	else
		snprintf(why, cap, "a letter left out (%c)", b[at]);
}

/* The typo test: a protected label of TYPO_MIN letters or more, a small edit away. */
static bool typo(const struct lookalikes *set, const char *label, size_t n, struct lookalike_match *m)
{
	unsigned char first = (unsigned char)label[0];
	size_t i, k;

	if (first >= 128 || n > LABEL_MAX || (n > 4 && memcmp(label, "xn--", 4) == 0))
		return false;
	for (k = 0; k < set->bucket_n[first]; k++) {
		const struct target *t = protected_target(set, set->bucket[first][k]);
		unsigned max, dist;
		size_t shorter, at = 0;
		char op = 0;

		if (t == NULL)
			continue;
		max = t->label_len >= TYPO_TWO ? 2 : 1;
		if (n + max < t->label_len || t->label_len + max < n)
			continue;
		shorter = n < t->label_len ? n : t->label_len;
		if (memcmp(label, t->label, shorter) == 0)
			continue;	/* one starts with the whole other: another name, or the same */
		for (i = 0; i < n && (unsigned char)label[i] < 0x80; i++)
			;
		if (i < n)
			continue;
		dist = edit_distance(label, n, t->label, t->label_len, max, &op, &at);
		if (dist == 0 || dist > max)
			continue;
		found(m, LOOKALIKE_TYPO, t);
		typo_why(label, n, t->label, op, at, dist, m->why, sizeof(m->why));
		return true;
	}
	return false;
}

/*
 * A look-alike joined to other words ("micr0soft-security", "secure-paypa1"):
 * each hyphenated part of four letters or more alone, by the swaps of
 * fold_ascii only (an edit-distance test on every part would find too many
 * ordinary words).  A part that is a brand's label itself is another name.
 */
static bool part_lookalike(const struct lookalikes *set, const char *label, size_t n, struct lookalike_match *m)
{
	char fold[FOLD_MAX];
	size_t start = 0, end, fl, pos;
	uint32_t index;

	if (memchr(label, '-', n) == NULL || (n > 4 && memcmp(label, "xn--", 4) == 0))
		return false;
	for (; start < n; start = end + 1) {
		for (end = start; end < n && label[end] != '-'; end++)
			;
		if (end - start < 4 || strmap_get(&set->by_label, label + start, end - start, NULL))
			continue;
		fl = fold_ascii(label + start, end - start, fold, sizeof(fold));
		pos = 0;
		while (fl != 0 && strmap_next(&set->by_fold, fold, fl, &pos, &index)) {
			const struct target *t = protected_target(set, index);

			if (t == NULL || (t->label_len > 4 && memcmp(t->label, "xn--", 4) == 0))
				continue;
			found(m, LOOKALIKE_CONFUSABLE, t);
			ascii_why(label + start, end - start, t->label, t->label_len, m->why, sizeof(m->why));
			return true;
		}
	}
	return false;
}

/* lookalikes_check() without the cache. */
static bool check_host(const struct lookalikes *set, mv_str host, struct lookalike_match *m)
{
	char fold[FOLD_MAX], *u;
	mv_str reg;
	size_t label_len, fl, pos = 0;
	uint32_t index;
	bool hit = false;

	reg = registrable(host);
	if (strmap_get(&set->by_domain, reg.p, reg.len, NULL))
		return false;	/* the real one, or exempt */
	if (reg.len < host.len && subdomain_trick(set, host, host.len - reg.len - 1, m))
		return true;
	label_len = 0;
	while (label_len < reg.len && reg.p[label_len] != '.')
		label_len++;
	if (label_len == 0 || label_len > LABEL_MAX)
		return false;
	if (strmap_get(&set->by_label, reg.p, label_len, NULL))
		return false;	/* the same name under another suffix */
	u = u_label(reg.p, label_len);
	fl = u != NULL ? fold_unicode(set->spoof, u, fold, sizeof(fold))
		       : fold_ascii(reg.p, label_len, fold, sizeof(fold));
	while (!hit && fl != 0 && strmap_next(&set->by_fold, fold, fl, &pos, &index)) {
		const struct target *t = protected_target(set, index);

		if (t == NULL)
			continue;
		found(m, LOOKALIKE_CONFUSABLE, t);
		if (u != NULL)
			unicode_why(set->spoof, u, m->why, sizeof(m->why));
		else if (t->label_len > 4 && memcmp(t->label, "xn--", 4) == 0)
			snprintf(m->why, sizeof(m->why), "ASCII letters for its Unicode ones");
		else
			ascii_why(reg.p, label_len, t->label, t->label_len, m->why, sizeof(m->why));
		hit = true;
	}
	free(u);
	if (hit)
		return true;
	return typo(set, reg.p, label_len, m) || part_lookalike(set, reg.p, label_len, m);
}

bool lookalikes_check(const struct lookalikes *set, mv_str host, struct lookalike_match *m)
{
	struct cache_slot *slot;

	memset(m, 0, sizeof(*m));
	while (host.len != 0 && host.p[host.len - 1] == '.')
		host.len--;
	if (set == NULL || set->n == 0 || host.len == 0 || host.len > 253)
		return false;
	slot = cache_slot(host);
	if (cache_holds(slot, set->id, host))
		return false;
	if (check_host(set, host, m))
		return true;
	cache_put(slot, set->id, host);
	return false;
}
