/*
 * The redirector rule file (data/redirectors.conf; its header and docs/
 * internals/links.md describe the format): read once per engine, checked line
 * by line (an error names the file and the line; the file is read in lower
 * case, as every name in it is compared without case), and indexed by the
 * registrable domain of each rule's host, so finding a link's rule is one
 * hash of the domain the URL parser already found, then a look at the few
 * rules of that domain.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "links/links_int.h"

#define RULES_MAX_LINE 1000

struct reader {
	const char *file;
	unsigned line;
	char **error_r;
};

static int fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (asprintf(r->error_r, "%s:%u: %s", r->file, r->line, msg) < 0)
		*r->error_r = NULL;
	return -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next white-space separated word of the line, or an empty view at its end. */
static mv_str next_word(char **p, char *end)
{
	char *s = *p, *e;

	while (s < end && is_space(*s))
		s++;
	for (e = s; e < end && !is_space(*e); e++)
		;
	*p = e;
	return mv_str_make(s, (size_t)(e - s));
}

static bool word_is(mv_str w, const char *s)
{
	return mv_str_eq(w, s);
}

/* A host name: labels of letters, digits, '-' and '_', lower-cased already. */
static bool valid_host(mv_str h)
{
	size_t i, label = 0;

	if (h.len == 0 || h.len > 253 || h.p[0] == '.' || h.p[h.len - 1] == '.')
		return false;
	for (i = 0; i < h.len; i++) {
		char c = h.p[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') || ++label > 63)
			return false;
	}
	return true;
}

/*
 * The registrable domain of a rule's host, the key its links are found by;
 * false when the host is or is under a public suffix only (every name below
 * it has its own owner, so no key would find them all).
 */
static bool host_key(mv_str host, mv_str *key_r)
{
	char probe[260];
	mv_str key = mv_url_registrable_domain(host), below;

	snprintf(probe, sizeof(probe), "a.%.*s", (int)host.len, host.p);
	below = mv_url_registrable_domain(mv_str_cstr(probe));
	if (below.len > host.len)
		return false;
	*key_r = key;
	return true;
}

static const char *const kind_names[] = {
	[LINKS_REDIRECT] = "redirect",
	[LINKS_GATEWAY] = "gateway",
	[LINKS_TRACKER] = "tracker",
	[LINKS_SHORTENER] = "shortener",
	[LINKS_IGNORE] = "ignore",
};

static int kind_of(mv_str w)
{
	size_t i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (word_is(w, kind_names[i]))
			return (int)i;
	}
	return -1;
}

static int set_where(struct reader *r, struct links_rule *rule, enum links_where where, mv_str opt)
{
	if (rule->where != LINKS_WHERE_NONE)
		return fail(r, "'%.*s': the rule already says where the destination is", (int)opt.len, opt.p);
	rule->where = (uint8_t)where;
	return 0;
}

static int param_list(struct reader *r, struct links_rule *rule, mv_str opt, mv_str list)
{
	const char *p = list.p, *end = list.p + list.len;

	if (set_where(r, rule, LINKS_WHERE_PARAM, opt) < 0)
		return -1;
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma != NULL ? comma : end;

		if (e == p)
			return fail(r, "'%.*s': an empty parameter name", (int)opt.len, opt.p);
		if (rule->n_params == LINKS_MAX_PARAMS)
			return fail(r, "'%.*s': more than %d parameters", (int)opt.len, opt.p, LINKS_MAX_PARAMS);
		rule->params[rule->n_params++] = mv_str_make(p, (size_t)(e - p));
		p = e + 1;
	}
	return 0;
}

static int option(struct reader *r, struct links_rule *rule, mv_str opt)
{
	const char *eq = memchr(opt.p, '=', opt.len);
	mv_str name = eq != NULL ? mv_str_make(opt.p, (size_t)(eq - opt.p)) : opt;
	mv_str value = eq != NULL ? mv_str_make(eq + 1, opt.len - name.len - 1) : MV_STR_NULL;

	if (eq != NULL && value.len == 0)
		return fail(r, "'%.*s': the option has no value", (int)opt.len, opt.p);
	if (word_is(name, "param") && eq != NULL)
		return param_list(r, rule, opt, value);
	if (word_is(opt, "segment") || word_is(opt, "rest")) {
		if (rule->path.len == 0 || (!rule->path_prefix && rule->path.p[rule->path.len - 1] != '/'))
			return fail(r, "'%.*s' needs a path ending in '/' or '*' before it", (int)opt.len, opt.p);
		return set_where(r, rule, word_is(opt, "segment") ? LINKS_WHERE_SEGMENT : LINKS_WHERE_REST, opt);
	}
	if (word_is(name, "decode") && eq != NULL) {
		if (word_is(value, "proofpoint-v2")) {
			rule->decode = LINKS_DECODE_PROOFPOINT_V2;
			return 0;
		}
		if (word_is(value, "proofpoint-v3")) {
			if (!rule->path_prefix)
				return fail(r, "decode=proofpoint-v3 needs a path prefix before it (/v3/__*)");
			return set_where(r, rule, LINKS_WHERE_PROOFPOINT_V3, opt);
		}
		if (word_is(value, "percent"))
			return 0;
		return fail(r, "decode=%.*s: not percent, proofpoint-v2 or proofpoint-v3", (int)value.len, value.p);
	}
	if (word_is(name, "domain") && eq != NULL) {
		if (rule->domain_param.len != 0)
			return fail(r, "a second domain= option");
		rule->domain_param = value;
		return 0;
	}
	return fail(r, "unknown option '%.*s' (param=, segment, rest, decode=, domain=)", (int)opt.len, opt.p);
}

/* KIND HOST [PATH] [OPTION...] */
static int rule_line(struct reader *r, struct links_rule *rule, int kind, char *p, char *end)
{
	mv_str host = next_word(&p, end), w;

	memset(rule, 0, sizeof(*rule));
	rule->kind = (uint8_t)kind;
	rule->line = r->line;
	rule->next = -1;
	if (host.len == 0)
		return fail(r, "%s: no host", kind_names[kind]);
	if (host.len > 2 && host.p[0] == '*' && host.p[1] == '.') {
		rule->wildcard = true;
		host = mv_str_make(host.p + 2, host.len - 2);
	}
	if (!valid_host(host))
		return fail(r, "'%.*s' is not a host name (or *.NAME)", (int)host.len, host.p);
	if (!host_key(host, &rule->key))
		return fail(r, "'%.*s' is a public suffix: its names have different owners", (int)host.len, host.p);
	rule->host = host;
	w = next_word(&p, end);
	if (w.len != 0 && w.p[0] == '/') {
		if (w.p[w.len - 1] == '*') {
			rule->path_prefix = true;
			w.len--;
		} else if (w.p[w.len - 1] == '/') {
			rule->path_prefix = true;
		}
		rule->path = w;
		w = next_word(&p, end);
	}
	for (; w.len != 0; w = next_word(&p, end)) {
		if (option(r, rule, w) < 0)
			return -1;
	}
	switch (kind) {
	case LINKS_REDIRECT:
		if (rule->where == LINKS_WHERE_NONE)
			return fail(r, "redirect: say where the destination is (param=, segment, rest, decode=proofpoint-v3)");
		break;
	case LINKS_GATEWAY:
	case LINKS_TRACKER:
		break;
	case LINKS_SHORTENER:
	case LINKS_IGNORE:
		if (rule->where != LINKS_WHERE_NONE || rule->domain_param.len != 0 ||
		    rule->decode != LINKS_DECODE_PERCENT)
			return fail(r, "%s takes no options", kind_names[kind]);
		break;
	}
	return 0;
}

/* tracker-words WORD... and fallback-skip NAME...: lists of words, which may span several lines. */
static int words_line(struct reader *r, const char *what, mv_str *list, unsigned *n, char *p, char *end)
{
	mv_str w = next_word(&p, end);

	if (w.len == 0)
		return fail(r, "%s: no words", what);
	for (; w.len != 0; w = next_word(&p, end)) {
		if (*n == LINKS_MAX_WORDS)
			return fail(r, "%s: more than %d words", what, LINKS_MAX_WORDS);
		if (w.p[0] < 'a' || w.p[0] > 'z')
			return fail(r, "%s: '%.*s' does not start with a letter", what, (int)w.len, w.p);
		list[(*n)++] = w;
	}
	return 0;
}

static uint32_t key_hash(mv_str s)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < s.len; i++)
		h = (h ^ (unsigned char)s.p[i]) * 16777619u;
	return h;
}

static bool same(mv_str a, mv_str b)
{
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

/* Chains the rules of one key in file order behind a slot. */
static int index_rules(struct links_rules *rules)
{
	unsigned size = 16, i;

	while (size < rules->n_rules * 2)
		size *= 2;
	rules->slots = malloc(size * sizeof(*rules->slots));
	if (rules->slots == NULL)
		return -1;
	memset(rules->slots, 0xff, size * sizeof(*rules->slots));
	rules->mask = size - 1;
	for (i = 0; i < rules->n_rules; i++) {
		struct links_rule *rule = &rules->rules[i];
		unsigned s = key_hash(rule->key) & rules->mask;

		while (rules->slots[s] >= 0 && !same(rules->rules[rules->slots[s]].key, rule->key))
			s = (s + 1) & rules->mask;
		if (rules->slots[s] < 0) {
			rules->slots[s] = (int)i;
		} else {
			struct links_rule *last = &rules->rules[rules->slots[s]];

			while (last->next >= 0)
				last = &rules->rules[last->next];
			last->next = (int)i;
		}
	}
	return 0;
}

int links_rules_load(const char *file, mv_str text, struct links_rules **rules_r, char **error_r)
{
	struct links_rules *rules = calloc(1, sizeof(*rules));
	struct reader r = { file, 0, error_r };
	char *p, *end, *eol;
	size_t lines = 1, i;

	*rules_r = NULL;
	*error_r = NULL;
	if (rules == NULL)
		return -1;
	for (i = 0; i < text.len; i++)
		lines += text.p[i] == '\n';
	rules->text = malloc(text.len + 1);
	rules->rules = malloc(lines * sizeof(*rules->rules));
	if (rules->text == NULL || rules->rules == NULL)
		goto fail;
	/* every name in the file is compared without case: lower-case them all once */
	mv_ascii_lower_copy(rules->text, text.p, text.len);
	rules->text[text.len] = '\0';
	for (p = rules->text, end = p + text.len; p < end; p = eol + 1) {
		char *hash, *q = p;
		mv_str w;
		int kind;

		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		r.line++;
		if ((size_t)(eol - p) > RULES_MAX_LINE) {
			fail(&r, "the line is longer than %d bytes", RULES_MAX_LINE);
			goto fail;
		}
		if (memchr(p, '\0', (size_t)(eol - p)) != NULL) {
			fail(&r, "a NUL byte");
			goto fail;
		}
		/* a comment starts at a '#' that begins a word */
		for (hash = p; hash < eol; hash++) {
			if (*hash == '#' && (hash == p || is_space(hash[-1])))
				break;
		}
		w = next_word(&q, hash);
		if (w.len == 0)
			continue;
		if (word_is(w, "tracker-words") || word_is(w, "fallback-skip")) {
			bool words = word_is(w, "tracker-words");

			if (words_line(&r, words ? "tracker-words" : "fallback-skip", words ? rules->words : rules->skip,
				       words ? &rules->n_words : &rules->n_skip, q, hash) < 0)
				goto fail;
			continue;
		}
		kind = kind_of(w);
		if (kind < 0) {
			fail(&r, "unknown rule '%.*s' (redirect, gateway, tracker, shortener, ignore, tracker-words, fallback-skip)",
			     (int)w.len, w.p);
			goto fail;
		}
		if (rule_line(&r, &rules->rules[rules->n_rules], kind, q, hash) < 0)
			goto fail;
		rules->n_rules++;
	}
	if (index_rules(rules) < 0)
		goto fail;
	for (i = 0; i < rules->n_words; i++) {
		mv_str w = rules->words[i];
		unsigned c = (unsigned)(unsigned char)w.p[0] - 'a';

		if (w.len < 64)
			rules->word_lengths |= (uint64_t)1 << w.len;
		rules->word_starts |= c < 26 ? 1u << c : 0u;
	}
	*rules_r = rules;
	return 0;
fail:
	links_rules_free(&rules);
	return -1;
}

void links_rules_free(struct links_rules **rules)
{
	if (*rules == NULL)
		return;
	free((*rules)->text);
	free((*rules)->rules);
	free((*rules)->slots);
	free(*rules);
	*rules = NULL;
}

static bool host_matches(const struct links_rule *rule, mv_str host)
{
	if (host.len == rule->host.len)
		return memcmp(host.p, rule->host.p, host.len) == 0;
	return rule->wildcard && host.len > rule->host.len && host.p[host.len - rule->host.len - 1] == '.' &&
	       memcmp(host.p + host.len - rule->host.len, rule->host.p, rule->host.len) == 0;
}

static bool path_matches(const struct links_rule *rule, mv_str path)
{
	if (rule->path.len == 0)
		return true;
	if (path.len < rule->path.len || (!rule->path_prefix && path.len != rule->path.len))
		return false;
	return strncasecmp(path.p, rule->path.p, rule->path.len) == 0;
}

const struct links_rule *links_rule_find(const struct links_rules *rules, const struct mv_url *url)
{
	mv_str key = url->domain;
	unsigned s;
	int i;

	if (rules == NULL || rules->n_rules == 0 || key.len == 0)
		return NULL;
	for (s = key_hash(key) & rules->mask; rules->slots[s] >= 0; s = (s + 1) & rules->mask) {
		if (same(rules->rules[rules->slots[s]].key, key))
			break;
	}
	for (i = rules->slots[s]; i >= 0; i = rules->rules[i].next) {
		const struct links_rule *rule = &rules->rules[i];

		if (host_matches(rule, url->host) && path_matches(rule, url->path))
			return rule;
	}
	return NULL;
}

bool links_tracker_word(const struct links_rules *rules, const char *p, size_t n)
{
	unsigned i, c;

	/* most labels and segments differ in length or first letter from every word */
	if (n >= 64 || !(rules->word_lengths & (uint64_t)1 << n))
		return false;
	c = (unsigned)(unsigned char)mv_ascii_lower(p[0]) - 'a';
	if (c >= 26 || !(rules->word_starts & 1u << c))
		return false;
	for (i = 0; i < rules->n_words; i++) {
		if (rules->words[i].len == n && strncasecmp(rules->words[i].p, p, n) == 0)
			return true;
	}
	return false;
}
