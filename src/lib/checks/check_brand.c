/*
 * Impersonation: who a message claims to be, and whether that brand stands
 * behind it.  Fills report->sender.claimed (the From domain as a mail client
 * shows it), .claimed_name (the display name, normalized) and .brand; then,
 * for inbound mail, reports a brand claimed without the authentication the
 * brand's mail carries (BRAND_UNSIGNED), a display name that names a brand,
 * one of our people or our domain while the address is elsewhere
 * (DISPLAY_NAME_SPOOF), and domains that look like a brand's or ours
 * (LOOKALIKE_DOMAIN).  Runs after the authentication checks and reads their
 * results from report->auth.  The brands file, the look-alike tables (with
 * every protected domain's skeleton) and the brands' S/MIME trust anchors
 * are made once per engine in init; src/lib/ident has the algorithms.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "auth/smime.h"
#include "engine/check.h"
#include "engine/engine_int.h"
#include "ident/claim.h"
#include "ident/local.h"
#include "ident/lookalike.h"
#include "util/data_files.h"

enum { SYM_BRAND_UNSIGNED, SYM_DISPLAY_NAME_SPOOF, SYM_LOOKALIKE_DOMAIN };

static const struct check_symbol symbols[] = {
	[SYM_BRAND_UNSIGNED] = { "BRAND_UNSIGNED", "impersonation", 5.5,
		"the message claims a brand (From domain, display name, Reply-To or footer) without the "
		"authentication all that brand's mail carries (brands file, or its DMARC policy)" },
	[SYM_DISPLAY_NAME_SPOOF] = { "DISPLAY_NAME_SPOOF", "impersonation", 4.5,
		"the display name names a brand, one of our people or our domain, or holds an address, while the "
		"From address is elsewhere" },
	[SYM_LOOKALIKE_DOMAIN] = { "LOOKALIKE_DOMAIN", "impersonation", 5.0,
		"a From, Reply-To, envelope sender or link domain looks like a brand's or one of ours (look-alike "
		"characters, a typo, or the brand's name in front of another domain)" },
};

static const char *const after[] = { "content", "links", "spf", "dkim", "arc", "dmarc", "smime", "authres", "bounce",
				      NULL };

static const struct mv_setting_def settings[] = {
	{ "brands_file", MV_SETTING_STRING, "", 0, 0, NULL,
	  "a brands file to use instead of the built-in list (docs/internals/brand.md); empty: the built-in one" },
	{ "local_names", MV_SETTING_LIST, "", 0, 0, NULL,
	  "display names of our own people that mail from outside must not carry (CEO fraud); words joined by "
	  "dots (John.Smith), or a map file of one name a line" },
	{ "brand_enforce", MV_SETTING_BOOL, "yes", 0, 0, NULL,
	  "mail From a brand's domain without what the brand's mail carries, or From a look-alike of a brand's "
	  "or a local domain, is at least quarantined" },
};

#define LOCAL_TAG UINT32_MAX	/* look-alike target: a local domain */
#define MAX_HOSTS 64		/* distinct link hosts checked for look-alikes */

struct brand_state {
	struct brands *brands;
	struct lookalikes *lookalikes;
	X509_STORE **ca;		/* per brand with smime_ca: its anchors */
	struct ident_local local;
	bool enforce;
	/* The smime_ca_file anchors, for brands that name their CA by subject: read when first needed. */
	pthread_mutex_t lock;
	X509_STORE *anchors;
	char *anchors_path;
	bool anchors_tried;
};

static void brand_deinit(void *state)
{
	struct brand_state *st = state;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; st->ca != NULL && i < st->brands->n; i++)
		X509_STORE_free(st->ca[i]);
	free(st->ca);
	brands_free(&st->brands);
	lookalikes_free(&st->lookalikes);
	ident_local_deinit(&st->local);
	X509_STORE_free(st->anchors);
	free(st->anchors_path);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

/* The brands file the configuration names, or the built-in one. */
static int load_brands(const struct mv_config *cfg, struct brand_state *st, char **error_r)
{
	const char *path = mv_config_string(cfg, "brands_file");
	char *text = NULL, *dir = NULL, *slash;
	unsigned line;
	size_t len = 0, want;
	long size;
	int rc;
	FILE *f;

	if (path[0] == '\0')
		return brands_parse("brands.conf (built in)", NULL, data_file_text("brands.conf"), &st->brands,
				    error_r);
	f = fopen(path, "r");
	if (f == NULL) {
		const char *file = mv_config_where(cfg, "brands_file", &line);

		*error_r = engine_error(file, line, "brands_file %s: %s", path, strerror(errno));
		return -1;
	}
	/* One byte more than the parser takes, so that a larger file is refused rather than cut. */
	size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	want = size >= 0 && (size_t)size < BRANDS_MAX_BYTES ? (size_t)size + 1 : BRANDS_MAX_BYTES + 1;
	if (size >= 0 && fseek(f, 0, SEEK_SET) == 0)
		text = malloc(want);
	if (text != NULL)
		len = fread(text, 1, want, f);
	fclose(f);
	if (text == NULL) {
		if (size < 0) {
			const char *file = mv_config_where(cfg, "brands_file", &line);

			*error_r = engine_error(file, line, "brands_file %s: cannot be read", path);
		}
		return -1;
	}
	dir = strdup(path);
	slash = dir != NULL ? strrchr(dir, '/') : NULL;
	if (slash != NULL)
		slash[slash == dir] = '\0';	/* "/brands.conf" is in "/" */
	rc = dir == NULL ? -1 : brands_parse(path, slash != NULL ? dir : ".", mv_str_make(text, len), &st->brands,
					     error_r);
	free(dir);
	free(text);
	return rc;
}

/* Every brand's domains and mailboxes, and the local domains, to protect; signers are exempt. */
static int load_lookalikes(struct brand_state *st)
{
	const struct brands *b = st->brands;
	size_t i, k;
	int rc = 0;

	st->lookalikes = lookalikes_new();
	if (st->lookalikes == NULL)
		return -1;
	for (i = 0; i < b->n && rc >= 0; i++) {
		const struct brand *br = &b->brand[i];

		for (k = 0; k < br->n_domains && rc >= 0; k++)
			rc = lookalikes_add(st->lookalikes, br->domains[k], (uint32_t)i, false);
		for (k = 0; k < br->n_mailboxes && rc >= 0; k++)
			rc = lookalikes_add(st->lookalikes, br->mailboxes[k], (uint32_t)i, false);
		for (k = 0; k < br->n_signers && rc >= 0; k++)
			rc = lookalikes_add(st->lookalikes, br->signers[k], (uint32_t)i, true);
	}
	for (i = 0; i < st->local.n_domains && rc >= 0; i++)
		rc = lookalikes_add(st->lookalikes, st->local.domains[i], LOCAL_TAG, false);
	return rc < 0 ? -1 : 0;
}

/* The CA files brands name, read now: a mistake in one stops the start with the brands file's line. */
static int load_cas(struct brand_state *st, char **error_r)
{
	const struct brands *b = st->brands;
	size_t i;

	st->ca = calloc(b->n + 1, sizeof(*st->ca));
	if (st->ca == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		char *why = NULL;

		if (b->brand[i].smime_ca == NULL)
			continue;
		st->ca[i] = smime_store_load(b->brand[i].smime_ca, &why);
		if (st->ca[i] == NULL) {
			*error_r = engine_error(b->file, b->brand[i].smime_line, "smime_ca %s: %s",
						b->brand[i].smime_ca, why != NULL ? why : "out of memory");
			free(why);
			return -1;
		}
	}
	return 0;
}

static int load_local(const struct mv_config *cfg, struct brand_state *st, char **error_r)
{
	const char *const *names, *const *domains, *bad = NULL;
	size_t n_names, n_domains;
	unsigned line;
	int rc;

	names = mv_config_list(cfg, "local_names", &n_names);
	domains = mv_config_list(cfg, "local_domains", &n_domains);
	rc = ident_local_init(&st->local, names, n_names, domains, n_domains, &bad);
	if (rc > 0) {
		const char *file = mv_config_where(cfg, "local_names", &line);

		*error_r = engine_error(file, line, "local_names: \"%s\" has no letters or digits", bad);
	}
	return rc != 0 ? -1 : 0;
}

static int brand_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct brand_state *st = calloc(1, sizeof(*st));
	const char *ca_file = mv_config_string(cfg, "smime_ca_file");

	*state_r = st;
	if (st == NULL)
		return -1;
	pthread_mutex_init(&st->lock, NULL);
	st->enforce = mv_config_bool(cfg, "brand_enforce");
	st->anchors_path = strdup(ca_file != NULL ? ca_file : "");
	if (st->anchors_path == NULL || load_brands(cfg, st, error_r) < 0 || load_local(cfg, st, error_r) < 0 ||
	    load_lookalikes(st) < 0 || load_cas(st, error_r) < 0) {
		brand_deinit(st);
		*state_r = NULL;
		return -1;
	}
	return 0;
}

/* The smime_ca_file anchors (for smime_ca_subject), read at the first call; NULL when unreadable. */
static X509_STORE *anchors(struct brand_state *st)
{
	X509_STORE *store;
	char *why = NULL;

	pthread_mutex_lock(&st->lock);
	if (!st->anchors_tried) {
		st->anchors_tried = true;
		st->anchors = smime_store_load(st->anchors_path, &why);
		free(why);
	}
	store = st->anchors;
	pthread_mutex_unlock(&st->lock);
	return store;
}

/* The same subject: RFC 2253 strings compared without case and without the spaces after commas. */
static bool same_subject(mv_str a, const char *b)
{
	size_t i = 0, j = 0, n = strlen(b);

	while (i < a.len && j < n) {
		if (a.p[i] == ' ' && i > 0 && a.p[i - 1] == ',') {
			i++;
			continue;
		}
		if (b[j] == ' ' && j > 0 && b[j - 1] == ',') {
			j++;
			continue;
		}
		if (mv_ascii_lower(a.p[i]) != mv_ascii_lower(b[j]))
			return false;
		i++;
		j++;
	}
	return i == a.len && j == n;
}

/*
 * Whether the message's S/MIME signature is the brand's: it verifies and
 * chains to the brand's CA (its file, or the anchor of that subject among
 * smime_ca_file's); with no CA named, the smime check's pass by an address
 * of the brand's domains.  Verifies again only for a brand that names its
 * CA, and only when the smime check found a signature.
 */
static int smime_is_brands(struct mv_task *task, struct brand_state *st, uint32_t brand, bool *pass_r)
{
	const struct brand *br = &st->brands->brand[brand];
	const struct mv_auth_smime *sm = &task_report(task)->auth.smime;
	X509_STORE *store = st->ca[brand];
	struct smime_result r;
	enum brand_domain_kind kind;

	*pass_r = false;
	if (sm->result == MV_AUTH_NONE || !(br->require & BRAND_REQ_SMIME))
		return MV_OK;
	if (br->smime_ca == NULL && br->smime_ca_subject == NULL) {
		const char *at = sm->signer.len != 0 ? memchr(sm->signer.p, '@', sm->signer.len) : NULL;
		mv_str d = at != NULL ? mv_str_make(at + 1, sm->signer.len - (size_t)(at + 1 - sm->signer.p))
				      : MV_STR_NULL;

		*pass_r = sm->result == MV_AUTH_PASS && brands_domain(st->brands, d, &kind) == (int)brand &&
			  kind == BRAND_DOMAIN_OWN;
		return MV_OK;
	}
	if (store == NULL)
		store = anchors(st);
	if (store == NULL)
		return MV_OK;
	if (smime_message(task_msg(task), store, task_envelope(task)->txn.time, &r) < 0)
		return MV_NOMEM;
	*pass_r = r.result == MV_AUTH_PASS &&
		  (br->smime_ca_subject == NULL || same_subject(r.anchor, br->smime_ca_subject));
	return MV_OK;
}

/* A domain from a message as a lower-case A-label (a view, or into buf); empty when it is none. */
static mv_str domain_ascii(mv_str d, char buf[256])
{
	return lookalike_domain_ascii(d.p, d.len, buf) ? mv_str_cstr(buf) : MV_STR_NULL;
}

/*
 * The first footer phrase of a brand at the end of the message's text: its
 * first text/plain part, else its first text part (HTML); one part, since
 * alternatives say the same.
 */
static int footer_brand(struct mv_msg *msg, const struct brands *b, const struct brand_phrase **p_r)
{
	char buf[CLAIM_TAIL_BYTES];
	struct mv_part *text = NULL;
	unsigned i;

	if (b->n_sigs == 0 || claim_reply_or_forward(mv_msg_subject(msg)))
		return -1;
	for (i = 0; i < msg->n_parts; i++) {
		struct mv_part *part = msg->parts[i];

		if (part->children != NULL || !mv_part_is_text(part) || mv_part_is_attachment(part))
			continue;
		if (text == NULL || mv_str_eq_ci(part->ctype.subtype, "plain"))
			text = part;
		if (mv_str_eq_ci(text->ctype.subtype, "plain"))
			break;
	}
	return text != NULL ? brands_in_text(b, claim_footer_text(mv_part_text(msg, text), buf), p_r) : -1;
}

/* The brands the message claims, strongest claim first within each brand. */
static void collect_claims(struct mv_task *task, const struct brand_state *st, mv_str from_domain, mv_str match,
			   struct claims *cl)
{
	const struct brands *b = st->brands;
	struct mv_msg *msg = task_msg(task);
	const struct mv_header *h;
	const struct brand_phrase *p;
	enum brand_domain_kind kind;
	int k;

	k = from_domain.len != 0 ? brands_domain(b, from_domain, &kind) : -1;
	if (k >= 0 && kind == BRAND_DOMAIN_OWN)
		claims_add(cl, (uint32_t)k, CLAIM_FROM, from_domain);
	k = match.len != 0 ? brands_named(b, match, &p) : -1;
	if (k >= 0)
		claims_add(cl, (uint32_t)k, CLAIM_NAME, task_report(task)->sender.claimed_name);
	for (h = mv_part_header(msg->root, "Reply-To"); h != NULL; h = mv_part_header_next(msg->root, h)) {
		struct mv_addr *list;
		int n = mv_addr_parse_list(task_arena(task), h->value, 4, &list), i;

		for (i = 0; i < n; i++) {
			char buf[256];
			mv_str d = domain_ascii(list[i].domain, buf);

			k = d.len != 0 ? brands_domain(b, d, &kind) : -1;
			if (k >= 0 && kind == BRAND_DOMAIN_OWN) {
				char *copy = mv_arena_strndup(task_arena(task), d.p, d.len);

				claims_add(cl, (uint32_t)k, CLAIM_REPLY_TO, copy != NULL ? mv_str_cstr(copy) : d);
			}
		}
	}
	k = footer_brand(msg, b, &p);
	if (k >= 0)
		claims_add(cl, (uint32_t)k, CLAIM_TEXT, mv_str_cstr(p->text));
}

/* The DMARC policy of the From domain, when it asks receivers to act on failures: the domain stands behind its mail. */
static bool dmarc_protected(const struct mv_auth_dmarc *d)
{
	return !d->testing && d->result != MV_AUTH_NONE &&
	       (mv_str_eq(d->policy, "quarantine") || mv_str_eq(d->policy, "reject"));
}

#define ENFORCED "; quarantined whatever the score (brand_enforce)"

/* BRAND_UNSIGNED for each brand claimed without its authentication; *from_r: one was claimed by the From domain. */
static int report_unsigned(struct mv_task *task, struct brand_state *st, const struct claims *cl, bool enforce,
			   bool *from_r)
{
	const struct brands *b = st->brands;
	unsigned i;

	*from_r = false;
	for (i = 0; i < cl->n; i++) {
		const struct claim *c = &cl->c[i];
		const struct brand *br = &b->brand[c->brand];
		char missing_text[300], option[200];
		unsigned missing;
		bool smime_pass;
		int rc = smime_is_brands(task, st, c->brand, &smime_pass);

		if (rc != MV_OK)
			return rc;
		missing = claim_missing(b, c->brand, &task_report(task)->auth, smime_pass);
		if (missing == 0)
			continue;
		claim_missing_text(b, c->brand, missing, missing_text, sizeof(missing_text));
		if (task_symbol(task, SYM_BRAND_UNSIGNED, "claims %s by its %s (%s%.*s%s), but has %s%s", br->name,
				claim_by_name(c->by), c->by == CLAIM_FROM || c->by == CLAIM_REPLY_TO ? "" : "\"",
				check_snippet_len(c->evidence, 100), c->evidence.p,
				c->by == CLAIM_FROM || c->by == CLAIM_REPLY_TO ? "" : "\"", missing_text,
				enforce && c->by == CLAIM_FROM ? ENFORCED : "") < 0)
			return MV_NOMEM;
		snprintf(option, sizeof(option), "%s: %s", br->name, claim_by_name(c->by));
		if (task_symbol_option(task, SYM_BRAND_UNSIGNED, mv_str_cstr(option)) < 0)
			return MV_NOMEM;
		*from_r = *from_r || c->by == CLAIM_FROM;
	}
	return MV_OK;
}

static bool same_registrable(mv_str a, mv_str b)
{
	mv_str x = mv_url_registrable_domain(a), y = mv_url_registrable_domain(b);

	return x.len == y.len && (x.len == 0 || memcmp(x.p, y.p, x.len) == 0);
}

static int report_spoof(struct mv_task *task, const struct brand_state *st, const struct mv_addr *from,
			mv_str from_domain, mv_str display, mv_str match)
{
	const struct brand_phrase *p;
	const struct local_name *ln;
	struct ident_word w[32];
	enum brand_domain_kind kind;
	const char *ld;
	char buf[256];
	mv_str named;
	bool only;
	int k, wn = check_snippet_len(display, 120), wa = check_snippet_len(from->address, 120);
	unsigned n;

	if (from->address.len == 0 || from_domain.len == 0)
		return MV_OK;
	named = (from->flags & MV_ADDR_NAME_HAS_ADDR) ? domain_ascii(ident_name_address(from->name, &only), buf)
							: MV_STR_NULL;
	k = brands_named(st->brands, match, &p);
	if (k >= 0 && !(brands_domain(st->brands, from_domain, &kind) == k && kind == BRAND_DOMAIN_OWN)) {
		if (named.len != 0 && brands_domain(st->brands, named, &kind) == k)
			return task_symbol(task, SYM_DISPLAY_NAME_SPOOF,
					   "the display name \"%.*s\" is an address of %s, but the address is %.*s", wn,
					   display.p, st->brands->brand[k].name, wa, from->address.p) < 0 ? MV_NOMEM
												  : MV_OK;
		return task_symbol(task, SYM_DISPLAY_NAME_SPOOF,
				   "the display name \"%.*s\" names %s, but the address is %.*s", wn, display.p,
				   st->brands->brand[k].name, wa, from->address.p) < 0 ? MV_NOMEM : MV_OK;
	}
	if (ident_local_domain(&st->local, from_domain))
		return MV_OK;
	n = ident_words(match, w, 32);
	ln = ident_local_name_in(&st->local, w, n);
	if (ln != NULL)
		return task_symbol(task, SYM_DISPLAY_NAME_SPOOF,
				   "the display name \"%.*s\" is that of %s, one of our people; the address is %.*s",
				   wn, display.p, ln->text, wa, from->address.p) < 0 ? MV_NOMEM : MV_OK;
	ld = ident_local_domain_in(&st->local, match);
	if (ld != NULL)
		return task_symbol(task, SYM_DISPLAY_NAME_SPOOF,
				   "the display name \"%.*s\" names our domain %s, but the address is %.*s", wn,
				   display.p, ld, wa, from->address.p) < 0 ? MV_NOMEM : MV_OK;
	/*
	 * An address in the name: a reader takes it for the sender's when it is
	 * a brand's or ours, or when it is all the name says.  Forwarding
	 * services and lists that rewrite From write "bob@x.example [list]".
	 */
	if (named.len == 0 || same_registrable(named, from_domain) ||
	    !(only || brands_domain(st->brands, named, &kind) >= 0 || ident_local_domain(&st->local, named)))
		return MV_OK;
	return task_symbol(task, SYM_DISPLAY_NAME_SPOOF,
			   "the display name \"%.*s\" holds an address at %.*s, but the address is %.*s", wn, display.p,
			   (int)named.len, named.p, wa, from->address.p) < 0 ? MV_NOMEM : MV_OK;
}

/* Look-alike checks: at most MAX_HOSTS distinct hosts a message. */
struct seen_hosts {
	mv_str host[MAX_HOSTS];
	unsigned n;
	bool enforce;		/* a From look-alike is quarantined */
	bool from_hit;
};

/* Checks one host (A-label) once; reports a look-alike with where it was found. */
static int lookalike_one(struct mv_task *task, const struct brand_state *st, struct seen_hosts *seen,
			 const char *where, mv_str host, mv_str shown)
{
	struct lookalike_match m;
	char option[400];
	unsigned i;
	int wh;

	if (host.len == 0)
		return MV_OK;
	for (i = 0; i < seen->n; i++) {
		if (seen->host[i].len == host.len && memcmp(seen->host[i].p, host.p, host.len) == 0)
			return MV_OK;
	}
	if (seen->n == MAX_HOSTS)
		return MV_OK;
	seen->host[seen->n++] = host;
	if (!lookalikes_check(st->lookalikes, host, &m))
		return MV_OK;
	if (shown.len == 0 || (shown.len == host.len && memcmp(shown.p, host.p, host.len) == 0))
		shown = MV_STR_NULL;
	wh = check_snippet_len(host, 120);
	snprintf(option, sizeof(option), "%s: %.*s%s%.*s%s looks like %s (%s)", where, wh, host.p,
		 shown.len ? " (" : "", check_snippet_len(shown, 120), shown.len ? shown.p : "", shown.len ? ")" : "",
		 m.target, m.why);
	if (task_symbol(task, SYM_LOOKALIKE_DOMAIN, "%s %s%s", where, option + strlen(where) + 2,
			seen->enforce && strcmp(where, "From domain") == 0 ? ENFORCED : "") < 0 ||
	    task_symbol_option(task, SYM_LOOKALIKE_DOMAIN, mv_str_cstr(option)) < 0)
		return MV_NOMEM;
	if (strcmp(where, "From domain") == 0)
		seen->from_hit = true;
	return MV_OK;
}

/* The Unicode form of an A-label host for the detail, in the arena (or an empty view). */
static mv_str unicode_form(mv_arena *arena, mv_str host)
{
	char tmp[256], *u = NULL, *copy;

	if (host.len < 4 || host.len >= sizeof(tmp) || memmem(host.p, host.len, "xn--", 4) == NULL)
		return MV_STR_NULL;
	memcpy(tmp, host.p, host.len);
	tmp[host.len] = '\0';
	if (idn2_to_unicode_8z8z(tmp, &u, 0) != IDN2_OK)
		return MV_STR_NULL;
	copy = mv_arena_strndup(arena, u, strlen(u));
	idn2_free(u);
	return copy != NULL ? mv_str_cstr(copy) : MV_STR_NULL;
}

static int report_lookalikes(struct mv_task *task, const struct brand_state *st, mv_str from_domain, bool *from_r)
{
	const struct mv_report *report = task_report(task);
	const struct mv_envelope *env = task_envelope(task);
	struct mv_msg *msg = task_msg(task);
	mv_arena *arena = task_arena(task);
	const struct mv_header *h;
	struct seen_hosts *seen = mv_arena_alloc(arena, sizeof(*seen));
	char buf[256];
	unsigned i;
	int rc;

	if (seen == NULL)
		return MV_NOMEM;
	seen->n = 0;
	seen->enforce = st->enforce;
	seen->from_hit = false;
	rc = lookalike_one(task, st, seen, "From domain", from_domain, unicode_form(arena, from_domain));
	for (h = mv_part_header(msg->root, "Reply-To"); rc == MV_OK && h != NULL;
	     h = mv_part_header_next(msg->root, h)) {
		struct mv_addr *list;
		int n = mv_addr_parse_list(arena, h->value, 4, &list), k;

		for (k = 0; k < n && rc == MV_OK; k++) {
			mv_str d = domain_ascii(list[k].domain, buf);
			char *copy = d.len != 0 ? mv_arena_strndup(arena, d.p, d.len) : NULL;

			if (copy != NULL)
				rc = lookalike_one(task, st, seen, "Reply-To domain", mv_str_cstr(copy),
						   unicode_form(arena, d));
		}
	}
	if (rc == MV_OK && env->txn.mail_from.len != 0) {
		const char *at = memrchr(env->txn.mail_from.p, '@', env->txn.mail_from.len);
		mv_str d = at != NULL ? domain_ascii(mv_str_make(at + 1, env->txn.mail_from.len -
						     (size_t)(at + 1 - env->txn.mail_from.p)), buf) : MV_STR_NULL;
		char *copy = d.len != 0 ? mv_arena_strndup(arena, d.p, d.len) : NULL;

		if (copy != NULL)
			rc = lookalike_one(task, st, seen, "envelope sender domain", mv_str_cstr(copy),
					   unicode_form(arena, d));
	}
	for (i = 0; i < report->n_links && rc == MV_OK; i++) {
		const struct mv_link *l = &report->links[i];

		if ((l->url.flags & (MV_URL_BAD | MV_URL_HOST_IP)) || mv_str_eq(l->url.scheme, "mailto"))
			continue;
		rc = lookalike_one(task, st, seen, "link host", l->url.host, l->url.host_unicode);
		if (rc == MV_OK && l->destination_domain.len != 0)
			rc = lookalike_one(task, st, seen, "link destination", l->destination_domain, MV_STR_NULL);
	}
	*from_r = seen->from_hit;
	return rc;
}

/* The From display name (a group's name when a group is all there is) and its domain as an A-label. */
static int fill_sender(struct mv_task *task, const struct mv_addr *from, mv_str *match_r, mv_str *domain_r)
{
	struct mv_sender *sender = &task_report(task)->sender;
	mv_arena *arena = task_arena(task);
	mv_str name = from->name.len == 0 && (from->flags & MV_ADDR_IN_GROUP) ? from->group : from->name, display;
	char buf[256], *copy;

	if (ident_name_normalize(arena, name, &display, match_r) < 0)
		return MV_NOMEM;
	sender->claimed = from->domain;
	sender->claimed_name = display;
	*domain_r = domain_ascii(from->domain, buf);
	if (domain_r->len != 0) {
		copy = mv_arena_strndup(arena, domain_r->p, domain_r->len);
		if (copy == NULL)
			return MV_NOMEM;
		*domain_r = mv_str_make(copy, domain_r->len);
	}
	return MV_OK;
}

static int brand_run(struct mv_task *task, void *state)
{
	struct brand_state *st = state;
	struct mv_report *report = task_report(task);
	const struct mv_addr *from = mv_msg_from(task_msg(task));
	struct claims claims = { .n = 0 };
	mv_str match, from_domain, display;
	bool from_unsigned = false, from_lookalike = false, enforce_from;
	int rc;

	if (from == NULL)
		return MV_OK;
	rc = fill_sender(task, from, &match, &from_domain);
	if (rc != MV_OK || task_envelope(task)->direction != MV_DIRECTION_INBOUND)
		return rc;
	/*
	 * A bounce proven ours (our BATV tag, or a message the store says we
	 * sent) is signed by the server that returns it, whose name ("Microsoft
	 * Outlook" on Exchange's) claims nothing.
	 */
	if (mv_report_symbol(report, "BOUNCE_VALID") != NULL)
		return MV_OK;
	display = report->sender.claimed_name;
	collect_claims(task, st, from_domain, match, &claims);
	if (claims.n != 0) {
		const char *name = st->brands->brand[claims.c[0].brand].name;
		char *copy = mv_arena_strndup(task_arena(task), name, strlen(name));

		if (copy == NULL)
			return MV_NOMEM;
		report->sender.brand = mv_str_cstr(copy);
	} else if (dmarc_protected(&report->auth.dmarc)) {
		const struct mv_auth_dmarc *d = &report->auth.dmarc;

		/*
		 * No brand of the file: the From domain stands behind its mail by its
		 * DMARC policy.  A failure is the dmarc check's to report and enforce
		 * (DMARC_QUARANTINE, DMARC_REJECT, dmarc_enforce), not counted twice.
		 */
		report->sender.brand = d->org_domain.len != 0 ? d->org_domain : d->domain;
	}
	/*
	 * A mailing list (List-Id) passes on a post from a brand's employee with
	 * its signature broken by the list's changes: the score tells, without
	 * the forced quarantine.
	 */
	enforce_from = st->enforce && mv_part_header(task_msg(task)->root, "List-Id") == NULL;
	rc = report_unsigned(task, st, &claims, enforce_from, &from_unsigned);
	if (rc == MV_OK)
		rc = report_spoof(task, st, from, from_domain, display, match);
	if (rc == MV_OK)
		rc = report_lookalikes(task, st, from_domain, &from_lookalike);
	if (rc == MV_OK && ((enforce_from && from_unsigned) || (st->enforce && from_lookalike)))
		task_require_action(task, MV_ACTION_QUARANTINE);
	return rc;
}

const struct check_def check_brand = {
	.name = "brand",
	.description = "impersonation: a brand claimed without its authentication, display names that name a brand "
		       "or our people, look-alike domains",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS,
	.stage = MV_STAGE_BODY,
	.after = after,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = brand_init,
	.deinit = brand_deinit,
	.run = brand_run,
};
