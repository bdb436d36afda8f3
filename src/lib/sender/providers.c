/*
 * The providers file: the bulk-mail providers mailvet names, with their
 * domains by role, their header marks and Feedback-ID sender ids
 * (data/providers.conf describes the format).  Parsed once per engine; any
 * error refuses the whole file and names its line.  Domains go in an
 * open-addressing table: a host is looked up, then each parent of it, so a
 * lookup costs one probe a label.  The table's contents come from the file,
 * not from mail, so an unseeded hash is enough: a sender chooses only what is
 * looked up, which cannot lengthen the table's clusters.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sender/sender.h"
#include "util/file_read.h"

#define NAME_MAX_LEN 100	/* a provider's name */
#define DOMAIN_MAX_LEN 253
#define FIELD_MAX_LEN 76	/* a header field name (RFC 5322 2.1.1's line length, less the colon) */
#define PREFIX_MAX_LEN 200
#define FEEDBACK_MAX_LEN 100

struct provider {
	char *name;
	char *domain;		/* the first it lists */
	unsigned line;
};

struct domain_entry {
	char *name;
	size_t len;
	unsigned provider;
	unsigned roles;		/* enum provider_role */
	unsigned line;
};

struct mark {
	char *name;		/* without the '*' of a prefix mark */
	size_t len;
	bool prefix;
	char *value;		/* NULL: any value */
	size_t value_len;
	unsigned provider;
};

struct feedback {
	char *id;
	size_t len;
	unsigned provider;
};

struct providers {
	struct provider *prov;
	unsigned n_prov, cap_prov;
	struct domain_entry *dom;
	unsigned n_dom, cap_dom;
	unsigned *slot;		/* index + 1 into dom; 0: empty */
	unsigned n_slots;	/* a power of two, at least twice n_dom */
	unsigned max_labels;	/* of the longest domain listed: a host's labels before those are never looked up */
	struct mark *mark;	/* in file order */
	unsigned n_mark, cap_mark;
	/*
	 * The marks for lookups: exact names by length, then the prefixes;
	 * order[exact_at[n] .. exact_at[n + 1]) are the exact marks of length n.
	 */
	unsigned *order;
	unsigned exact_at[FIELD_MAX_LEN + 2];
	bool first[256];	/* the first bytes of the marks' names, both cases: most fields are turned away by it */
	struct feedback *fb;
	unsigned n_fb, cap_fb;
};

/* The parser's state: where it is, for errors. */
struct reader {
	struct providers *p;
	const char *file;
	unsigned line;
	char *error;
	int current;		/* the provider being read, or -1 */
};

static bool fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct reader *r, const char *fmt, ...)
{
	char text[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (asprintf(&r->error, "%s:%u: %s", r->file, r->line, text) < 0)
		r->error = NULL;
	return false;
}

/* Room for one more element in *items (capacity *cap), up to max; false when full or out of memory. */
static bool grow(void **items, unsigned *cap, unsigned n, size_t size, unsigned max)
{
	unsigned want;
	void *q;

	if (n < *cap)
		return true;
	if (n >= max)
		return false;
	want = *cap != 0 ? *cap * 2 : 16;
	if (want > max)
		want = max;
	q = realloc(*items, (size_t)want * size);
	if (q == NULL)
		return false;
	*items = q;
	*cap = want;
	return true;
}

/*
 * FNV-1a over a name from its last byte to its first: walking a host name
 * backwards gives the hash of each of its suffixes on the way, so a lookup
 * of every parent costs one pass.
 */
#define HASH_BASIS 2166136261u
#define HASH_STEP(h, c) (((h) ^ (unsigned char)(c)) * 16777619u)

static uint32_t hash_back(const char *name, size_t len)
{
	uint32_t h = HASH_BASIS;

	while (len-- > 0)
		h = HASH_STEP(h, name[len]);
	return h;
}

/* The slot of name (of that hash) in the table: its entry's, or the empty one where it would go. */
static unsigned *find_slot_hashed(const struct providers *p, const char *name, size_t len, uint32_t hash)
{
	unsigned mask = p->n_slots - 1, i = hash & mask;

	for (;; i = (i + 1) & mask) {
		unsigned *s = &p->slot[i];
		const struct domain_entry *d;

		if (*s == 0)
			return s;
		d = &p->dom[*s - 1];
		if (d->len == len && memcmp(d->name, name, len) == 0)
			return s;
	}
}

static unsigned *find_slot(const struct providers *p, const char *name, size_t len)
{
	return find_slot_hashed(p, name, len, hash_back(name, len));
}

/* Keeps the table at most half full. */
static bool rehash(struct providers *p)
{
	unsigned n = p->n_slots != 0 ? p->n_slots : 64, i;

	while (n < 2 * (p->n_dom + 1))
		n *= 2;
	if (n == p->n_slots)
		return true;
	free(p->slot);
	p->slot = calloc(n, sizeof(*p->slot));
	if (p->slot == NULL)
		return false;
	p->n_slots = n;
	for (i = 0; i < p->n_dom; i++)
		*find_slot(p, p->dom[i].name, p->dom[i].len) = i + 1;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The next word of *s (split at white space and commas), advancing *s; empty at the end. */
static mv_str next_word(mv_str *s)
{
	size_t i = 0, start;

	while (i < s->len && (is_space(s->p[i]) || s->p[i] == ','))
		i++;
	start = i;
	while (i < s->len && !is_space(s->p[i]) && s->p[i] != ',')
		i++;
	*s = mv_str_make(s->p + i, s->len - i);
	return mv_str_make(s->p - (i - start), i - start);
}

/* A domain name as the file may write it: lower-cased into out, a trailing dot dropped; NULL when valid, else why. */
static const char *domain_check(mv_str w, char out[DOMAIN_MAX_LEN + 1], size_t *len_r, unsigned *labels_r)
{
	size_t i, label = 0, labels = 1;

	if (w.len != 0 && w.p[w.len - 1] == '.')
		w.len--;
	if (w.len == 0 || w.len > DOMAIN_MAX_LEN)
		return "a domain name has 1 to 253 characters";
	for (i = 0; i < w.len; i++) {
		char c = mv_ascii_lower(w.p[i]);

		if (c == '.') {
			if (label == 0 || w.p[i - 1] == '-')
				return "a label is empty or ends in '-'";
			labels++;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (c == '-' && label != 0)) {
			if (++label > 63)
				return "a label is longer than 63 characters";
		} else {
			return "not a domain name (letters, digits, '-', '_' and dots)";
		}
		out[i] = c;
	}
	if (label == 0 || w.p[w.len - 1] == '-')
		return "a label is empty or ends in '-'";
	if (labels < 2)
		return "a top-level domain alone names no organization";
	out[w.len] = '\0';
	*len_r = w.len;
	*labels_r = (unsigned)labels;
	return NULL;
}

static bool add_domain(struct reader *r, mv_str w, unsigned roles)
{
	struct providers *p = r->p;
	char name[DOMAIN_MAX_LEN + 1];
	const char *why;
	struct domain_entry *d;
	unsigned *slot, labels;
	size_t len;

	why = domain_check(w, name, &len, &labels);
	if (why != NULL)
		return fail(r, "'%.*s': %s", w.len > 80 ? 80 : (int)w.len, w.p, why);
	slot = find_slot(p, name, len);
	if (*slot != 0) {
		d = &p->dom[*slot - 1];
		if (d->provider != (unsigned)r->current)
			return fail(r, "%s is already %s's (line %u): a domain belongs to one provider", name,
				    p->prov[d->provider].name, d->line);
		d->roles |= roles;
		return true;
	}
	if (!grow((void **)&p->dom, &p->cap_dom, p->n_dom, sizeof(*p->dom), PROVIDERS_MAX_DOMAINS))
		return fail(r, "more than %u domains, or out of memory", PROVIDERS_MAX_DOMAINS);
	d = &p->dom[p->n_dom];
	d->name = strdup(name);
	if (d->name == NULL)
		return fail(r, "out of memory");
	d->len = len;
	d->provider = (unsigned)r->current;
	d->roles = roles;
	d->line = r->line;
	p->n_dom++;
	if (labels > p->max_labels)
		p->max_labels = labels;
	if (p->prov[r->current].domain == NULL)
		p->prov[r->current].domain = d->name;
	if (2 * (p->n_dom + 1) > p->n_slots) {
		if (!rehash(p))
			return fail(r, "out of memory");
	} else {
		*find_slot(p, d->name, d->len) = p->n_dom;
	}
	return true;
}

static bool domains(struct reader *r, mv_str args, unsigned roles)
{
	mv_str w;
	bool any = false;

	while ((w = next_word(&args)).len != 0) {
		if (!add_domain(r, w, roles))
			return false;
		any = true;
	}
	return any || fail(r, "no domain after the keyword");
}

/* Printable ASCII or UTF-8, no control character. */
static bool printable(mv_str s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return false;
	}
	return true;
}

static bool new_provider(struct reader *r, mv_str name)
{
	struct providers *p = r->p;
	unsigned i;

	if (name.len == 0 || name.len > NAME_MAX_LEN)
		return fail(r, "a provider's name has 1 to %d characters", NAME_MAX_LEN);
	for (i = 0; i < p->n_prov; i++) {
		if (strlen(p->prov[i].name) == name.len && strncasecmp(p->prov[i].name, name.p, name.len) == 0)
			return fail(r, "provider %s is already named on line %u", p->prov[i].name, p->prov[i].line);
	}
	if (!grow((void **)&p->prov, &p->cap_prov, p->n_prov, sizeof(*p->prov), PROVIDERS_MAX_PROVIDERS))
		return fail(r, "more than %u providers, or out of memory", PROVIDERS_MAX_PROVIDERS);
	p->prov[p->n_prov].name = strndup(name.p, name.len);
	p->prov[p->n_prov].domain = NULL;
	p->prov[p->n_prov].line = r->line;
	if (p->prov[p->n_prov].name == NULL)
		return fail(r, "out of memory");
	r->current = (int)p->n_prov++;
	return true;
}

/* "NAME" or "NAME: PREFIX"; NAME may end in '*'. */
static bool header_mark(struct reader *r, mv_str args)
{
	struct providers *p = r->p;
	const char *colon = memchr(args.p, ':', args.len);
	mv_str name = mv_str_trim(mv_str_make(args.p, colon != NULL ? (size_t)(colon - args.p) : args.len));
	mv_str value = colon != NULL ? mv_str_trim(mv_str_make(colon + 1, args.len - (size_t)(colon + 1 - args.p)))
				     : MV_STR_NULL;
	struct mark *m;
	size_t i;
	bool prefix = false;

	if (name.len == 0 || name.len > FIELD_MAX_LEN)
		return fail(r, "a header field name has 1 to %d characters", FIELD_MAX_LEN);
	for (i = 0; i < name.len; i++) {
		unsigned char c = (unsigned char)name.p[i];

		if (c == '*' && i == name.len - 1 && i != 0) {
			prefix = true;
			name.len--;
		} else if (c < 33 || c > 126 || c == '*') {
			return fail(r, "'%.*s' is not a header field name (printable ASCII; '*' only at its end)",
				    (int)name.len, name.p);
		}
	}
	if (colon != NULL && (value.len == 0 || value.len > PREFIX_MAX_LEN))
		return fail(r, "the value after ':' has 1 to %d characters", PREFIX_MAX_LEN);
	if (!grow((void **)&p->mark, &p->cap_mark, p->n_mark, sizeof(*p->mark), PROVIDERS_MAX_MARKS))
		return fail(r, "more than %u header marks and Feedback-IDs, or out of memory", PROVIDERS_MAX_MARKS);
	m = &p->mark[p->n_mark];
	memset(m, 0, sizeof(*m));
	m->name = strndup(name.p, name.len);
	m->value = colon != NULL ? strndup(value.p, value.len) : NULL;
	if (m->name == NULL || (colon != NULL && m->value == NULL)) {
		free(m->name);
		free(m->value);
		return fail(r, "out of memory");
	}
	m->len = name.len;
	m->prefix = prefix;
	m->value_len = value.len;
	m->provider = (unsigned)r->current;
	p->n_mark++;
	return true;
}

/* The lookup order of the marks: exact names counted out by length (file order kept within one), then prefixes. */
static bool index_marks(struct providers *p)
{
	unsigned count[FIELD_MAX_LEN + 2] = { 0 }, i, n, at = 0;

	p->order = malloc((p->n_mark + 1) * sizeof(*p->order));
	if (p->order == NULL)
		return false;
	for (i = 0; i < p->n_mark; i++) {
		unsigned char c = (unsigned char)mv_ascii_lower(p->mark[i].name[0]);

		p->first[c] = true;
		p->first[c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c] = true;
		if (!p->mark[i].prefix)
			count[p->mark[i].len]++;
	}
	for (n = 0; n <= FIELD_MAX_LEN; n++) {
		p->exact_at[n] = at;
		at += count[n];
		count[n] = p->exact_at[n];
	}
	p->exact_at[FIELD_MAX_LEN + 1] = at;
	for (i = 0; i < p->n_mark; i++) {
		if (!p->mark[i].prefix)
			p->order[count[p->mark[i].len]++] = i;
		else
			p->order[at++] = i;
	}
	return true;
}

static bool feedback_ids(struct reader *r, mv_str args)
{
	struct providers *p = r->p;
	mv_str w;
	bool any = false;

	while ((w = next_word(&args)).len != 0) {
		if (w.len > FEEDBACK_MAX_LEN || memchr(w.p, ':', w.len) != NULL)
			return fail(r, "a Feedback-ID sender id has 1 to %d characters and no ':'", FEEDBACK_MAX_LEN);
		if (!grow((void **)&p->fb, &p->cap_fb, p->n_fb, sizeof(*p->fb), PROVIDERS_MAX_MARKS))
			return fail(r, "more than %u Feedback-IDs, or out of memory", PROVIDERS_MAX_MARKS);
		p->fb[p->n_fb].id = strndup(w.p, w.len);
		if (p->fb[p->n_fb].id == NULL)
			return fail(r, "out of memory");
		p->fb[p->n_fb].len = w.len;
		p->fb[p->n_fb].provider = (unsigned)r->current;
		p->n_fb++;
		any = true;
	}
	return any || fail(r, "no sender id after 'feedback'");
}

/* The provider just read lists a domain (every report names a provider by one). */
static bool provider_done(struct reader *r)
{
	const struct provider *pv;

	if (r->current < 0)
		return true;
	pv = &r->p->prov[r->current];
	if (pv->domain != NULL)
		return true;
	r->line = pv->line;
	return fail(r, "provider %s lists no domain", pv->name);
}

static const struct {
	const char *word;
	unsigned roles;
} domain_keywords[] = {
	{ "domain", PROVIDER_ANY },	   { "sending", PROVIDER_SENDING }, { "bounce", PROVIDER_BOUNCE },
	{ "tracking", PROVIDER_TRACKING }, { "dkim", PROVIDER_DKIM },	    { "message-id", PROVIDER_MSGID },
};

static bool statement(struct reader *r, mv_str line)
{
	mv_str rest = line, keyword = next_word(&rest);
	size_t i;

	rest = mv_str_trim(rest);
	if (mv_str_eq(keyword, "provider"))
		return provider_done(r) && new_provider(r, rest);
	for (i = 0; i < sizeof(domain_keywords) / sizeof(domain_keywords[0]); i++) {
		if (!mv_str_eq(keyword, domain_keywords[i].word))
			continue;
		if (r->current < 0)
			return fail(r, "'%s' before any 'provider' line", domain_keywords[i].word);
		return domains(r, rest, domain_keywords[i].roles);
	}
	if (mv_str_eq(keyword, "header") || mv_str_eq(keyword, "feedback")) {
		if (r->current < 0)
			return fail(r, "'%.*s' before any 'provider' line", (int)keyword.len, keyword.p);
		return keyword.p[0] == 'h' ? header_mark(r, rest) : feedback_ids(r, rest);
	}
	return fail(r, "unknown statement '%.*s' (provider, domain, sending, bounce, tracking, dkim, message-id, "
		    "header, feedback)", keyword.len > 40 ? 40 : (int)keyword.len, keyword.p);
}

int providers_parse(const char *file, const char *text, size_t len, struct providers **providers_r, char **error_r)
{
	struct reader r = { NULL, file != NULL ? file : "providers", 0, NULL, -1 };
	const char *p = text, *end = text + len;
	bool ok = true;

	*providers_r = NULL;
	*error_r = NULL;
	r.p = calloc(1, sizeof(*r.p));
	if (r.p == NULL || !rehash(r.p))
		goto nomem;
	if (len > PROVIDERS_MAX_FILE) {
		ok = fail(&r, "larger than %u bytes", PROVIDERS_MAX_FILE);
		p = end;
	}
	while (ok && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		mv_str line = mv_str_make(p, nl != NULL ? (size_t)(nl - p) : (size_t)(end - p));

		r.line++;
		p += line.len + (nl != NULL);
		if (line.len > PROVIDERS_MAX_LINE) {
			ok = fail(&r, "a line longer than %u bytes", PROVIDERS_MAX_LINE);
			break;
		}
		if (line.len != 0 && line.p[line.len - 1] == '\r')
			line.len--;
		if (memchr(line.p, '\0', line.len) != NULL || !printable(line)) {
			ok = fail(&r, "a control character");
			break;
		}
		line = mv_str_trim(line);
		if (line.len == 0 || line.p[0] == '#')
			continue;
		ok = statement(&r, line);
	}
	if (ok)
		ok = provider_done(&r);
	if (ok && !index_marks(r.p))
		goto nomem;
	if (!ok) {
		providers_free(&r.p);
		if (r.error == NULL)
			goto nomem;
		*error_r = r.error;
		return -1;
	}
	*providers_r = r.p;
	return 0;
nomem:
	providers_free(&r.p);
	*error_r = NULL;
	return -1;
}

int providers_load(const char *path, struct providers **providers_r, char **error_r)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*providers_r = NULL;
	if (util_file_read(path, PROVIDERS_MAX_FILE, &text, &len, error_r) < 0)
		return -1;
	rc = providers_parse(path, text, len, providers_r, error_r);
	free(text);
	return rc;
}

void providers_free(struct providers **providers)
{
	struct providers *p = *providers;
	unsigned i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_prov; i++)
		free(p->prov[i].name);
	for (i = 0; i < p->n_dom; i++)
		free(p->dom[i].name);
	for (i = 0; i < p->n_mark; i++) {
		free(p->mark[i].name);
		free(p->mark[i].value);
	}
	for (i = 0; i < p->n_fb; i++)
		free(p->fb[i].id);
	free(p->prov);
	free(p->dom);
	free(p->slot);
	free(p->mark);
	free(p->order);
	free(p->fb);
	free(p);
	*providers = NULL;
}

unsigned providers_count(const struct providers *p)
{
	return p != NULL ? p->n_prov : 0;
}

const char *providers_name(const struct providers *p, unsigned i)
{
	return p != NULL && i < p->n_prov ? p->prov[i].name : "";
}

mv_str providers_domain(const struct providers *p, unsigned i)
{
	return p != NULL && i < p->n_prov ? mv_str_cstr(p->prov[i].domain) : MV_STR_NULL;
}

int providers_by_host(const struct providers *p, mv_str host, unsigned roles)
{
	uint32_t h = HASH_BASIS;
	unsigned labels = 1;
	size_t i;
	int found = -1;

	if (p == NULL || p->n_dom == 0 || host.len == 0 || host.len > DOMAIN_MAX_LEN)
		return -1;
	/*
	 * Backwards, each suffix that starts a label is looked up once it has
	 * two labels (a top-level domain alone is never listed), up to as many
	 * as the longest domain listed; the longest suffix listed wins.
	 */
	for (i = host.len; i-- > 0;) {
		h = HASH_STEP(h, host.p[i]);
		if (i != 0 && host.p[i - 1] != '.')
			continue;
		if (labels >= 2) {
			unsigned idx = *find_slot_hashed(p, host.p + i, host.len - i, h);

			if (idx != 0 && (p->dom[idx - 1].roles & roles) != 0)
				found = (int)p->dom[idx - 1].provider;
		}
		if (++labels > p->max_labels || i == 0)
			break;
		/* The dot before the label, and on to the next. */
		h = HASH_STEP(h, '.');
		i--;
	}
	return found;
}

/* The value starts with the prefix, ASCII case-insensitively, after its leading white space. */
static bool value_starts(mv_str value, const char *prefix, size_t n)
{
	value = mv_str_trim(value);
	return value.len >= n && strncasecmp(value.p, prefix, n) == 0;
}

/* The mark is the field's: its name, or a prefix of it, and its value prefix when it has one. */
static bool mark_matches(const struct mark *m, mv_str name, mv_str value)
{
	if (name.len < m->len || mv_ascii_lower(name.p[0]) != mv_ascii_lower(m->name[0]) ||
	    mv_ascii_lower(name.p[m->len - 1]) != mv_ascii_lower(m->name[m->len - 1]))
		return false;
	return strncasecmp(name.p, m->name, m->len) == 0 &&
	       (m->value == NULL || value_starts(value, m->value, m->value_len));
}

int providers_by_header(const struct providers *p, mv_str name, mv_str value)
{
	unsigned k;

	if (p == NULL || name.len == 0 || !p->first[(unsigned char)name.p[0]])
		return -1;
	/* Exact names: only the marks of the field name's length. */
	if (name.len <= FIELD_MAX_LEN) {
		for (k = p->exact_at[name.len]; k < p->exact_at[name.len + 1]; k++) {
			if (mark_matches(&p->mark[p->order[k]], name, value))
				return (int)p->mark[p->order[k]].provider;
		}
	}
	for (k = p->exact_at[FIELD_MAX_LEN + 1]; k < p->n_mark; k++) {
		if (mark_matches(&p->mark[p->order[k]], name, value))
			return (int)p->mark[p->order[k]].provider;
	}
	return -1;
}

int providers_by_feedback(const struct providers *p, mv_str sender_id)
{
	unsigned i;

	if (p == NULL)
		return -1;
	for (i = 0; i < p->n_fb; i++) {
		if (p->fb[i].len == sender_id.len && strncasecmp(p->fb[i].id, sender_id.p, sender_id.len) == 0)
			return (int)p->fb[i].provider;
	}
	return -1;
}
