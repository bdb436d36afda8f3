/*
 * Reading the brands file (brands.h; the format is in docs/internals/brand.md).
 * One directive a line; words split at white space, "double quotes" around a
 * word with spaces (\" and \\ inside); '#' outside quotes starts a comment.
 * Every mistake stops the reading with FILE:LINE and what is wrong, so that
 * an engine is never made from a file read halfway.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident/brands.h"
#include "ident/lookalike.h"

#define WORDS_MAX 256

struct reader {
	struct brands *b;
	const char *dir;
	unsigned line;
	long cur;		/* the brand being read, -1 before the first */
	size_t cap, names_cap, sigs_cap;
	struct strmap by_name;	/* brand names, for duplicates */
	char **error_r;
};

static int fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	char text[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (asprintf(r->error_r, "%s:%u: %s", r->b->file, r->line, text) < 0)
		*r->error_r = NULL;
	return -1;
}

static int nomem(struct reader *r)
{
	*r->error_r = NULL;
	return -1;
}

/*
 * Splits a line into words, unquoted into buf (the line's length + 1 bytes
 * suffice); returns the number, or -1 after fail().
 */
static int split(struct reader *r, const char *s, const char *e, char *buf, char **words)
{
	int n = 0;

	while (s < e) {
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s == e || *s == '#')
			break;
		if (n == WORDS_MAX)
			return fail(r, "more than %d words on a line", WORDS_MAX);
		words[n++] = buf;
		if (*s == '"') {
			for (s++; s < e && *s != '"'; s++) {
				if (*s == '\\' && s + 1 < e)
					s++;
				*buf++ = *s;
			}
			if (s == e)
				return fail(r, "a quoted word is not closed");
			s++;
			if (s < e && *s != ' ' && *s != '\t' && *s != '\r' && *s != '#')
				return fail(r, "a quoted word must be followed by white space");
		} else {
			while (s < e && *s != ' ' && *s != '\t' && *s != '\r') {
				if (*s == '"')
					return fail(r, "a quote inside a word");
				*buf++ = *s++;
			}
		}
		*buf++ = '\0';
	}
	return n;
}

static struct brand *current(struct reader *r)
{
	return &r->b->brand[r->cur];
}

static int push_string(char ***list, size_t *n, const char *s)
{
	char **l = realloc(*list, (*n + 1) * sizeof(*l));

	if (l == NULL)
		return -1;
	*list = l;
	l[*n] = strdup(s);
	if (l[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

static int new_brand(struct reader *r, char **words, int n)
{
	struct brands *b = r->b;
	struct brand *br;
	uint32_t first;

	if (n != 2)
		return fail(r, "'brand' takes one name (quote a name with spaces)");
	if (strmap_get(&r->by_name, words[1], strlen(words[1]), &first))
		return fail(r, "brand \"%s\" is defined twice (first at line %u)", words[1], b->brand[first].line);
	if (b->n == BRANDS_MAX)
		return fail(r, "more than %d brands", BRANDS_MAX);
	if (b->n == r->cap) {
		size_t cap = r->cap != 0 ? r->cap * 2 : 32;
		struct brand *nb = realloc(b->brand, cap * sizeof(*nb));

		if (nb == NULL)
			return nomem(r);
		b->brand = nb;
		r->cap = cap;
	}
	br = &b->brand[b->n];
	memset(br, 0, sizeof(*br));
	br->name = strdup(words[1]);
	br->line = r->line;
	br->require = BRAND_REQ_DKIM;
	if (br->name == NULL || strmap_add(&r->by_name, br->name, strlen(br->name), (uint32_t)b->n) < 0)
		return nomem(r);
	r->cur = (long)b->n++;
	return 0;
}

/* A domain word: lower-case A-label, under a public suffix; `what` names it in errors. */
static int domain_word(struct reader *r, const char *word, const char *what, char out[256])
{
	if (!lookalike_domain_ascii(word, strlen(word), out))
		return fail(r, "%s \"%s\" is not a domain name", what, word);
	if (!lookalike_under_suffix(out))
		return fail(r, "%s \"%s\" is a public suffix, not a domain someone owns", what, word);
	return 0;
}

static int add_domains(struct reader *r, char **words, int n, enum brand_domain_kind kind)
{
	struct brand *br = current(r);
	int i;

	if (n < 2)
		return fail(r, "'%s' needs at least one domain", words[0]);
	for (i = 1; i < n; i++) {
		char ***list = kind == BRAND_DOMAIN_OWN ? &br->domains : &br->mailboxes;
		size_t *count = kind == BRAND_DOMAIN_OWN ? &br->n_domains : &br->n_mailboxes;
		const char *key;
		char d[256];
		uint32_t v;

		if (domain_word(r, words[i], "domain", d) < 0)
			return -1;
		if (strmap_get(&r->b->by_domain, d, strlen(d), &v))
			return fail(r, "domain %s is listed twice (brand \"%s\")", d, r->b->brand[v >> 1].name);
		if (push_string(list, count, d) < 0)
			return nomem(r);
		key = (*list)[*count - 1];
		if (strmap_add(&r->b->by_domain, key, strlen(key), (uint32_t)r->cur << 1 | kind) < 0)
			return nomem(r);
	}
	return 0;
}

static int add_signers(struct reader *r, char **words, int n)
{
	struct brand *br = current(r);
	int i;

	if (n < 2)
		return fail(r, "'signers' needs at least one DKIM domain");
	for (i = 1; i < n; i++) {
		char d[256];

		if (domain_word(r, words[i], "signer", d) < 0)
			return -1;
		if (push_string(&br->signers, &br->n_signers, d) < 0)
			return nomem(r);
	}
	return 0;
}

static int add_phrases(struct reader *r, char **words, int n, bool sig, bool alone)
{
	struct brands *b = r->b;
	int i;

	if (n < 2)
		return fail(r, "'%s' needs at least one phrase", words[0]);
	for (i = 1; i < n; i++) {
		struct brand_phrase **list = sig ? &b->sig : &b->name;
		size_t *count = sig ? &b->n_sigs : &b->n_names, *cap = sig ? &r->sigs_cap : &r->names_cap;
		struct ident_word tmp[BRAND_PHRASE_WORDS + 1];
		struct brand_phrase *p;
		char *display;

		if (*count == *cap) {
			size_t c = *cap != 0 ? *cap * 2 : 64;
			struct brand_phrase *np = realloc(*list, c * sizeof(*np));

			if (np == NULL)
				return nomem(r);
			*list = np;
			*cap = c;
		}
		p = &(*list)[*count];
		memset(p, 0, sizeof(*p));
		if (ident_name_normalize_heap(mv_str_cstr(words[i]), &display, &p->match) < 0) {
			free(p->match);
			return nomem(r);
		}
		free(display);
		p->text = strdup(words[i]);
		(*count)++;	/* freed with the others from here on */
		if (p->text == NULL)
			return nomem(r);
		p->n_words = ident_words(mv_str_cstr(p->match), tmp, BRAND_PHRASE_WORDS + 1);
		if (p->n_words == 0)
			return fail(r, "\"%s\" has no letters or digits", words[i]);
		if (p->n_words > BRAND_PHRASE_WORDS)
			return fail(r, "\"%s\" has more than %d words", words[i], BRAND_PHRASE_WORDS);
		memcpy(p->words, tmp, p->n_words * sizeof(tmp[0]));
		p->brand = (uint32_t)r->cur;
		p->alone = alone;
	}
	return 0;
}

static int set_require(struct reader *r, char **words, int n)
{
	struct brand *br = current(r);
	int i;

	if (n < 2)
		return fail(r, "'require' needs dkim, smime or dmarc");
	br->require = 0;
	for (i = 1; i < n; i++) {
		if (strcmp(words[i], "dkim") == 0)
			br->require |= BRAND_REQ_DKIM;
		else if (strcmp(words[i], "smime") == 0)
			br->require |= BRAND_REQ_SMIME;
		else if (strcmp(words[i], "dmarc") == 0)
			br->require |= BRAND_REQ_DMARC;
		else
			return fail(r, "'require': \"%s\" is not dkim, smime or dmarc", words[i]);
	}
	return 0;
}

static int set_smime(struct reader *r, char **words, int n, bool subject)
{
	struct brand *br = current(r);

	if (n != 2)
		return fail(r, "'%s' takes one %s", words[0], subject ? "subject (quoted)" : "file");
	if (br->smime_ca != NULL || br->smime_ca_subject != NULL)
		return fail(r, "brand \"%s\" already has its S/MIME CA (line %u)", br->name, br->smime_line);
	br->smime_line = r->line;
	if (subject) {
		br->smime_ca_subject = strdup(words[1]);
		return br->smime_ca_subject != NULL ? 0 : nomem(r);
	}
	if (words[1][0] == '/') {
		br->smime_ca = strdup(words[1]);
	} else if (r->dir == NULL) {
		return fail(r, "smime_ca \"%s\": a relative path, and this file is not in a directory", words[1]);
	} else if (asprintf(&br->smime_ca, "%s/%s", r->dir, words[1]) < 0) {
		br->smime_ca = NULL;
	}
	return br->smime_ca != NULL ? 0 : nomem(r);
}

static int directive(struct reader *r, char **words, int n)
{
	const char *d = words[0];

	if (strcmp(d, "brand") == 0)
		return new_brand(r, words, n);
	if (r->cur < 0)
		return fail(r, "'%s' before the first 'brand' line", d);
	if (strcmp(d, "domains") == 0)
		return add_domains(r, words, n, BRAND_DOMAIN_OWN);
	if (strcmp(d, "mailboxes") == 0)
		return add_domains(r, words, n, BRAND_DOMAIN_MAILBOX);
	if (strcmp(d, "names") == 0 || strcmp(d, "alone") == 0)
		return add_phrases(r, words, n, false, d[0] == 'a');
	if (strcmp(d, "signature") == 0)
		return add_phrases(r, words, n, true, false);
	if (strcmp(d, "require") == 0)
		return set_require(r, words, n);
	if (strcmp(d, "signers") == 0)
		return add_signers(r, words, n);
	if (strcmp(d, "smime_ca") == 0 || strcmp(d, "smime_ca_subject") == 0)
		return set_smime(r, words, n, d[8] == '_');
	return fail(r, "unknown directive \"%s\" (brand, domains, mailboxes, names, alone, signature, require, "
		       "signers, smime_ca, smime_ca_subject)", d);
}

/* What every brand must have, checked when the next one starts and at the end. */
static int brand_done(struct reader *r)
{
	const struct brand *br;
	unsigned line = r->line;
	int rc = 0;

	if (r->cur < 0)
		return 0;
	br = current(r);
	if (br->n_domains == 0) {
		r->line = br->line;
		rc = fail(r, "brand \"%s\" lists no domains", br->name);
		r->line = line;
	}
	return rc;
}

static int index_phrases(struct strmap *map, uint32_t first[128], const struct brand_phrase *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned slot;
		uint32_t bit = brands_first_bit(p[i].words[0].p, p[i].words[0].len, &slot);

		first[slot] |= bit;
		if (strmap_add(map, p[i].words[0].p, p[i].words[0].len, (uint32_t)i) < 0)
			return -1;
	}
	return 0;
}

static int read_lines(struct reader *r, mv_str text)
{
	const char *p = text.p, *end = text.p + text.len;
	char *buf = malloc(BRANDS_LINE_MAX + 1), **words = malloc(WORDS_MAX * sizeof(*words));
	int rc = 0;

	if (buf == NULL || words == NULL)
		rc = nomem(r);
	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl != NULL ? nl : end;
		int n;

		r->line++;
		if ((size_t)(e - p) > BRANDS_LINE_MAX)
			rc = fail(r, "a line longer than %d bytes", BRANDS_LINE_MAX);
		else if (memchr(p, '\0', (size_t)(e - p)) != NULL)
			rc = fail(r, "a NUL byte");
		else if ((n = split(r, p, e, buf, words)) < 0)
			rc = -1;
		else if (n > 0 && strcmp(words[0], "brand") == 0 && brand_done(r) < 0)
			rc = -1;
		else if (n > 0)
			rc = directive(r, words, n);
		p = e + (nl != NULL);
	}
	if (rc == 0)
		rc = brand_done(r);
	free(buf);
	free(words);
	return rc;
}

int brands_parse(const char *file, const char *dir, mv_str text, struct brands **brands_r, char **error_r)
{
	struct reader r = { .dir = dir, .cur = -1, .error_r = error_r };
	size_t i;
	int rc;

	*brands_r = NULL;
	*error_r = NULL;
	r.b = calloc(1, sizeof(*r.b));
	if (r.b == NULL || (r.b->file = strdup(file)) == NULL) {
		free(r.b);
		return -1;
	}
	if (text.len > BRANDS_MAX_BYTES)
		rc = fail(&r, "larger than %zu MB", BRANDS_MAX_BYTES >> 20);
	else
		rc = read_lines(&r, text);
	if (rc == 0 && (index_phrases(&r.b->by_name_word, r.b->name_first, r.b->name, r.b->n_names) < 0 ||
			index_phrases(&r.b->by_sig_word, r.b->sig_first, r.b->sig, r.b->n_sigs) < 0))
		rc = nomem(&r);
	for (i = 0; rc == 0 && i < r.b->n_sigs; i++) {
		unsigned char c = (unsigned char)r.b->sig[i].words[0].p[0];

		r.b->sig_start[c] = 1;
		if (c >= 'a' && c <= 'z')
			r.b->sig_start[c - 32] = 1;
	}
	strmap_free(&r.by_name);
	if (rc < 0) {
		brands_free(&r.b);
		return -1;
	}
	*brands_r = r.b;
	return 0;
}

static void free_strings(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void free_phrases(struct brand_phrase *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].text);
		free(p[i].match);
	}
	free(p);
}

void brands_free(struct brands **bp)
{
	struct brands *b = *bp;
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		struct brand *br = &b->brand[i];

		free(br->name);
		free_strings(br->domains, br->n_domains);
		free_strings(br->mailboxes, br->n_mailboxes);
		free_strings(br->signers, br->n_signers);
		free(br->smime_ca);
		free(br->smime_ca_subject);
	}
	free(b->brand);
	free_phrases(b->name, b->n_names);
	free_phrases(b->sig, b->n_sigs);
	strmap_free(&b->by_domain);
	strmap_free(&b->by_name_word);
	strmap_free(&b->by_sig_word);
	free(b->file);
	free(b);
	*bp = NULL;
}
