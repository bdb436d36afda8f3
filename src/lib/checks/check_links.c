/*
 * Where each link really goes, and what in that should worry the reader.
 * Every link the content check found gets its destination (links/ unwraps
 * redirectors, gateways and trackers offline; with links_follow, --follow,
 * opaque trackers and shorteners are asked over HTTP), then the links are
 * judged: a text showing one site over a link to another, redirects,
 * destinations a tracker hides, IP addresses, executable downloads, userinfo
 * disguises, shorteners, and forms posting elsewhere than the From domain.
 *
 * Runs after dmarc: a newsletter signed (DKIM, aligned) by its own From
 * domain owns its trackers, so redirects, hidden destinations and shorteners
 * are ordinary there and not reported; in mail without that signature they
 * are reported, as evidence for the checks that weigh a claimed brand.
 * Per link nothing is allocated unless it is unwrapped (arena only); the rule
 * file is read once per engine.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/check.h"
#include "links/links.h"
#include "links/links_follow.h"
#include "util/data_files.h"

enum {
	SYM_LINK_TEXT_MISMATCH,
	SYM_LINK_REDIRECT,
	SYM_LINK_HIDDEN_DESTINATION,
	SYM_LINK_IP_LITERAL,
	SYM_LINK_EXECUTABLE,
	SYM_LINK_USERINFO,
	SYM_LINK_SHORTENER,
	SYM_FORM_ELSEWHERE,
	SYM_COUNT,
};

static const struct check_symbol symbols[] = {
	[SYM_LINK_TEXT_MISMATCH] = { "LINK_TEXT_MISMATCH", "links", 2.5,
		"a link's text shows a URL or host of one site, and the link goes to another" },
	[SYM_LINK_REDIRECT] = { "LINK_REDIRECT", "links", 0.5,
		"a link goes through a redirector to another site, in mail its From domain did not sign" },
	[SYM_LINK_HIDDEN_DESTINATION] = { "LINK_HIDDEN_DESTINATION", "links", 0.5,
		"a click-tracker hides where a link goes, in mail its From domain did not sign" },
	[SYM_LINK_IP_LITERAL] = { "LINK_IP_LITERAL", "links", 1.5,
		"a link goes to an Internet address written as numbers instead of a name" },
	[SYM_LINK_EXECUTABLE] = { "LINK_EXECUTABLE", "links", 2.0,
		"a link downloads a program, script, shortcut or disk image (.exe, .js, .lnk, .iso, ...)" },
	[SYM_LINK_USERINFO] = { "LINK_USERINFO", "links", 3.0,
		"a web link puts a name before '@' in front of its real host (brand.com@evil.example)" },
	[SYM_LINK_SHORTENER] = { "LINK_SHORTENER", "links", 0.5,
		"a link goes through a URL shortener, in mail its From domain did not sign" },
	[SYM_FORM_ELSEWHERE] = { "FORM_ELSEWHERE", "links", 1.5,
		"an HTML form sends what is typed in to another domain than the From domain's" },
};

_Static_assert(sizeof(symbols) / sizeof(symbols[0]) == SYM_COUNT, "a symbol per enum value");

static const char *const after[] = { "content", "dmarc", NULL };

static const struct mv_setting_def settings[] = {
	{ "redirectors_file", MV_SETTING_STRING, "", 0, 0, NULL,
	  "a rule file of redirectors, gateways, click-trackers and shorteners that replaces the built-in one" },
	{ "links_follow", MV_SETTING_BOOL, "no", 0, 0, NULL,
	  "ask opaque trackers and shorteners where they lead, with HTTP HEAD requests (a click the sender can see)" },
	{ "links_follow_max_hops", MV_SETTING_UINT, "5", 1, 20, NULL,
	  "HTTP requests per followed link at most (each Location is a hop)" },
	{ "links_follow_timeout", MV_SETTING_TIME, "3s", 100, 60000, NULL,
	  "time to follow one link, all its hops together" },
	{ "links_follow_max_bytes", MV_SETTING_UINT, "16K", 1024, 1048576, NULL,
	  "bytes of response headers per hop at most: a larger answer ends the link's following" },
	{ "links_follow_max_links", MV_SETTING_UINT, "10", 1, 100, NULL,
	  "links followed per message at most" },
	{ "links_follow_private", MV_SETTING_BOOL, "no", 0, 0, NULL,
	  "follow links to loopback, private and other non-Internet addresses too (for tests)" },
};

#define RULES_FILE_MAX (4u << 20)
#define MAX_OPTIONS 8		/* links named per symbol */
#define OPTION_MAX 200		/* bytes of a link's URL in an option */

/* The engine's: the rules and the settings, read once. */
struct links_state {
	struct links_rules *rules;
	struct links_follow_settings follow;
};

static int read_rules_file(const char *path, char **text_r, size_t *len_r, char **error_r)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len;

	if (f == NULL || (text = malloc(RULES_FILE_MAX + 1)) == NULL) {
		int e = errno;

		if (f != NULL)
			fclose(f);
		if (asprintf(error_r, "redirectors_file: cannot read %s: %s", path, strerror(e)) < 0)
			*error_r = NULL;
		return -1;
	}
	len = fread(text, 1, RULES_FILE_MAX + 1, f);
	if (ferror(f) || len > RULES_FILE_MAX) {
		if (asprintf(error_r, "redirectors_file: %s: %s", path, ferror(f) ? "read error" : "larger than 4 MiB") < 0)
			*error_r = NULL;
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	*text_r = text;
	*len_r = len;
	return 0;
}

static int links_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct links_state *s = calloc(1, sizeof(*s));
	const char *path = mv_config_string(cfg, "redirectors_file");
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (s == NULL)
		return -1;
	if (path[0] != '\0') {
		if (read_rules_file(path, &text, &len, error_r) < 0) {
			free(s);
			return -1;
		}
		rc = links_rules_load(path, mv_str_make(text, len), &s->rules, error_r);
		free(text);
	} else {
		rc = links_rules_load("redirectors.conf", data_file_text("redirectors.conf"), &s->rules, error_r);
	}
	if (rc < 0) {
		free(s);
		return -1;
	}
	s->follow.enabled = mv_config_bool(cfg, "links_follow");
	s->follow.max_hops = (unsigned)mv_config_uint(cfg, "links_follow_max_hops");
	s->follow.timeout_ms = mv_config_time_ms(cfg, "links_follow_timeout");
	s->follow.max_bytes = (size_t)mv_config_uint(cfg, "links_follow_max_bytes");
	s->follow.max_links = (unsigned)mv_config_uint(cfg, "links_follow_max_links");
	s->follow.private_addresses = mv_config_bool(cfg, "links_follow_private");
	*state_r = s;
	return 0;
}

static void links_deinit(void *state)
{
	struct links_state *s = state;

	if (s == NULL)
		return;
	links_rules_free(&s->rules);
	free(s);
}

/* What the check keeps of a link between its runs (arena). */
struct link_note {
	const struct mv_url *dest;	/* where it goes: the link's own URL, or the unwrapped one */
	mv_str opaque;			/* the tracker or shortener hiding the destination */
	bool away;			/* a redirector (not a mail gateway) leads to another domain */
	const char *follow_end;		/* why following it over HTTP found no destination, or NULL */
};

struct follow_wait;

/* One message's state (arena, in the task's slot while links are followed). */
struct links_msg {
	struct link_note *notes;	/* one per link */
	mv_str shown;			/* the host the first mismatching text shows */
	mv_str shown_hidden;		/* the same, for a link whose tracker hides its destination */
	struct follow_wait *waits;	/* the links followed over HTTP */
	unsigned n_waits;
};

static bool same(mv_str a, mv_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static bool same_ci(mv_str a, mv_str b)
{
	return a.len == b.len && (a.len == 0 || strncasecmp(a.p, b.p, a.len) == 0);
}

static bool is_web(const struct mv_url *u)
{
	return mv_str_eq(u->scheme, "http") || mv_str_eq(u->scheme, "https");
}

/* The destination of every link, from the unwrapper; a link that repeats the one before takes its answer. */
static int fill_links(struct mv_task *task, const struct links_state *s, struct links_msg *m)
{
	struct mv_report *report = task_report(task);
	mv_arena *arena = task_arena(task);
	unsigned i;

	for (i = 0; i < report->n_links; i++) {
		struct mv_link *link = &report->links[i];
		struct link_note *note = &m->notes[i];
		struct links_result r;

		note->dest = &link->url;
		if (link->url.flags & MV_URL_BAD) {
			link->destination = link->href;
			continue;
		}
		if (i > 0 && same(link->url.normalized, link[-1].url.normalized) && !(link[-1].url.flags & MV_URL_BAD)) {
			link->destination = link[-1].destination;
			link->destination_domain = link[-1].destination_domain;
			link->redirects = link[-1].redirects;
			link->n_redirects = link[-1].n_redirects;
			link->flags = link[-1].flags;
			*note = note[-1];
			if (note->dest == &link[-1].url)
				note->dest = &link->url;
			continue;
		}
		if (links_unwrap(s->rules, arena, &link->url, &r) < 0)
			return -1;
		link->flags = r.flags;
		link->destination_domain = r.domain;
		note->opaque = r.opaque;
		note->away = r.away;
		if (r.n_hops == 0) {
			link->destination = link->url.normalized;
			continue;
		}
		link->redirects = mv_arena_alloc(arena, r.n_hops * sizeof(*link->redirects));
		if (link->redirects == NULL)
			return -1;
		memcpy(link->redirects, r.hops, r.n_hops * sizeof(*link->redirects));
		link->n_redirects = r.n_hops;
		note->dest = r.dest;
		link->destination = r.dest->normalized;
	}
	return 0;
}

/* ---- following opaque links over HTTP (links_follow) ---- */

struct follow_wait {
	struct task_wait wait;
	struct links_follow_req req;
	unsigned link;
};

static struct follow_wait *wait_of_req(struct links_follow_req *req)
{
	return (struct follow_wait *)(void *)((char *)req - offsetof(struct follow_wait, req));
}

static void follow_done(struct links_follow_req *req)
{
	task_wait_done(&wait_of_req(req)->wait, MV_OK);
}

static void follow_cancel(struct task_wait *wait)
{
	links_follow_cancel(&((struct follow_wait *)(void *)wait)->req);
}

/* A link to ask: a tracker or shortener hides where it goes; each URL once. */
static bool to_follow(const struct mv_report *report, const struct links_msg *m, unsigned i)
{
	const struct mv_link *link = &report->links[i];
	unsigned k;

	if (!(link->flags & (MV_LINKF_HIDDEN | MV_LINKF_SHORTENER)) || !is_web(m->notes[i].dest))
		return false;
	for (k = 0; k < m->n_waits; k++) {
		if (same(report->links[m->waits[k].link].destination, link->destination))
			return false;
	}
	return true;
}

/*
 * Starts the requests: MV_AGAIN when any started (run() is called again when
 * they have ended), MV_OK when there is nothing to follow or it cannot be done
 * (the links are then judged as the offline unwrapping left them).
 */
static int follow_start(struct mv_task *task, const struct links_state *s, struct links_msg *m)
{
	struct mv_report *report = task_report(task);
	uint64_t left = task_time_left(task);
	struct links_follow *batch;
	unsigned i, n = 0, max = s->follow.max_links;

	for (i = 0; i < report->n_links; i++)
		n += (report->links[i].flags & (MV_LINKF_HIDDEN | MV_LINKF_SHORTENER)) != 0;
	if (n == 0 || left == 0)
		return MV_OK;
	m->waits = mv_arena_calloc(task_arena(task), n < max ? n : max, sizeof(*m->waits));
	if (m->waits == NULL)
		return MV_NOMEM;
	batch = links_follow_new(task_loop(task), &s->follow, task_arena(task));
	if (batch == NULL)
		return MV_OK;
	for (i = 0; i < report->n_links && m->n_waits < max; i++) {
		struct follow_wait *w = &m->waits[m->n_waits];

		if (!to_follow(report, m, i))
			continue;
		w->link = i;
		w->req.url = report->links[i].destination;
		w->req.timeout_ms = left;
		w->req.done = follow_done;
		if (links_follow_add(batch, &w->req) < 0)
			continue;
		m->n_waits++;
		/* after the request: a deadline already passed cancels it at once */
		task_wait_start(task, &w->wait, follow_cancel);
	}
	links_follow_release(batch);
	return m->n_waits != 0 ? MV_AGAIN : MV_OK;
}

/* A followed link's destination: where the last hop led, unwrapped offline again. */
static int follow_apply(struct mv_task *task, const struct links_state *s, struct links_msg *m, const struct follow_wait *w)
{
	struct mv_report *report = task_report(task);
	mv_arena *arena = task_arena(task);
	struct mv_link *first = &report->links[w->link];
	mv_str link_dest = first->destination;
	struct links_result r;
	struct mv_url *final;
	mv_str *hops;
	unsigned n, i, k;

	if (w->wait.status != MV_OK || w->req.end != LINKS_FOLLOW_REACHED) {
		const char *why = links_follow_end_text(w->wait.status == MV_OK ? w->req.end : LINKS_FOLLOW_TIMEOUT);

		for (i = w->link; i < report->n_links; i++) {
			if (same(report->links[i].destination, link_dest))
				m->notes[i].follow_end = why;
		}
		return 0;
	}
	final = mv_arena_alloc(arena, sizeof(*final));
	if (final == NULL)
		return -1;
	if (mv_url_parse(arena, w->req.final, MV_STR_NULL, final) < 0)
		return mv_arena_exhausted(arena) ? -1 : 0;
	if (links_unwrap(s->rules, arena, final, &r) < 0)
		return -1;
	/*
	 * The offline hops, the URLs requested (the opaque link first; the last
	 * one only when it redirected on), then the final URL's own wrappers.
	 */
	k = w->req.n_hops;
	if (same(w->req.hops[k - 1], w->req.final))
		k--;
	n = first->n_redirects + k + r.n_hops;
	hops = mv_arena_alloc(arena, (n + 1) * sizeof(*hops));
	if (hops == NULL)
		return -1;
	if (first->n_redirects != 0)
		memcpy(hops, first->redirects, first->n_redirects * sizeof(*hops));
	memcpy(hops + first->n_redirects, w->req.hops, k * sizeof(*hops));
	memcpy(hops + first->n_redirects + k, r.hops, r.n_hops * sizeof(*hops));
	for (i = w->link; i < report->n_links; i++) {
		struct mv_link *link = &report->links[i];
		struct link_note *note = &m->notes[i];

		if (!same(link->destination, link_dest))
			continue;
		link->redirects = hops;
		link->n_redirects = n;
		link->flags = (link->flags & ~MV_LINKF_HIDDEN) | MV_LINKF_FOLLOWED | (r.flags & ~MV_LINKF_HIDDEN);
		link->destination = r.dest->normalized;
		link->destination_domain = r.domain;
		note->dest = r.dest;
		note->opaque = (r.flags & (MV_LINKF_HIDDEN | MV_LINKF_SHORTENER)) ? r.opaque : MV_STR_NULL;
		note->away = !same_ci(link->url.domain, r.domain);
	}
	return 0;
}

static int follow_finish(struct mv_task *task, const struct links_state *s, struct links_msg *m)
{
	unsigned k;

	for (k = 0; k < m->n_waits; k++) {
		if (follow_apply(task, s, m, &m->waits[k]) < 0)
			return MV_NOMEM;
	}
	return MV_OK;
}

/* ---- judging ---- */

struct finding {
	unsigned count;
	bool shows;			/* link[0]'s text shows another site (hidden destinations) */
	unsigned n;
	unsigned link[MAX_OPTIONS];	/* the first links found, each URL once */
};

/* Counts link i; returns the place of its URL among the links named, or -1 when there is no room. */
static int found(struct finding *f, const struct mv_report *report, unsigned i)
{
	unsigned k;

	f->count++;
	for (k = 0; k < f->n; k++) {
		if (same(report->links[f->link[k]].url.normalized, report->links[i].url.normalized))
			return (int)k;
	}
	if (f->n == MAX_OPTIONS)
		return -1;
	f->link[f->n] = i;
	return (int)f->n++;
}

/* What the judgement needs of the message itself. */
struct verdict {
	mv_str from_domain;	/* the From address's registrable domain; empty when none */
	bool signed_aligned;	/* a DKIM signature of the From domain's organization passed */
};

static mv_str from_registrable(struct mv_task *task)
{
	const struct mv_header *from = mv_part_header(task_msg(task)->root, "From");
	struct mv_addr *list;
	int k, i;

	if (from == NULL)
		return MV_STR_NULL;
	k = mv_addr_parse_list(task_arena(task), from->value, 4, &list);
	for (i = 0; i < k; i++) {
		if (list[i].domain.len != 0)
			return mv_url_registrable_domain(list[i].domain);
	}
	return MV_STR_NULL;
}

/* DMARC's alignment when the dmarc check judged it, else relaxed alignment (same organization). */
static bool signed_aligned(const struct mv_report *report, mv_str from_domain)
{
	unsigned i;

	for (i = 0; i < report->auth.n_dkim; i++) {
		const struct mv_auth_dkim *d = &report->auth.dkim[i];
		mv_str dom = d->domain;

		if (d->result != MV_AUTH_PASS)
			continue;
		if (d->aligned)
			return true;
		if (dom.len != 0 && dom.p[dom.len - 1] == '.')
			dom.len--;
		if (from_domain.len != 0 && same_ci(mv_url_registrable_domain(dom), from_domain))
			return true;
	}
	return false;
}

/* The link is one the reader follows by clicking: not an image, a script, a style sheet, nor in hidden HTML. */
static bool clicked(const struct mv_link *link)
{
	return !link->hidden && (link->source == MV_LINK_TEXT || link->source == MV_LINK_HTML_ANCHOR);
}

/* The text shows a URL or host of another registrable domain than the destination's. */
static bool text_mismatch(mv_arena *arena, const struct mv_link *link, struct mv_url *shown_r)
{
	if (link->source != MV_LINK_HTML_ANCHOR || link->hidden || link->destination_domain.len == 0 ||
	    !links_text_url(arena, link->text, shown_r))
		return false;
	/* the text is the link itself: the reader sees where it goes, wrappers and all */
	if (same_ci(shown_r->normalized, link->url.normalized))
		return false;
	return !same_ci(mv_url_registrable_domain(shown_r->host), link->destination_domain);
}

/*
 * A web link with a name before '@': "paypal.com@evil.example/", "12345@host".
 * "user:password@host" is a login (a technical text's example), not a
 * disguise, unless its user part looks like a host name.
 */
static bool disguise(const struct mv_url *u)
{
	const char *colon;

	if (!is_web(u) || !(u->flags & MV_URL_USERINFO) || u->userinfo.len == 0)
		return false;
	colon = memchr(u->userinfo.p, ':', u->userinfo.len);
	return colon == NULL || memchr(u->userinfo.p, '.', (size_t)(colon - u->userinfo.p)) != NULL;
}

static mv_str ip_host(const struct mv_link *link, const struct mv_url *dest)
{
	if ((dest->flags & MV_URL_HOST_IP) && links_ip_global(dest->host))
		return dest->host;
	if ((link->url.flags & MV_URL_HOST_IP) && links_ip_global(link->url.host))
		return link->url.host;
	return MV_STR_NULL;
}

static int snip(mv_str s)
{
	return check_snippet_len(s, 120);
}

#define S(x) snip(x), (x).p

/* "; and N more links" after a detail, when there are more. */
static const char *more(const struct finding *f, char buf[48])
{
	if (f->count <= 1)
		return "";
	snprintf(buf, 48, " (and %u more link%s)", f->count - 1, f->count == 2 ? "" : "s");
	return buf;
}

static int report_finding(struct mv_task *task, unsigned sym, const struct finding *f, const struct links_msg *m,
			  const struct verdict *v)
{
	const struct mv_report *report = task_report(task);
	const struct mv_link *link;
	const struct link_note *note;
	char tail[48];
	unsigned k;
	int rc = 0;

	if (f->count == 0)
		return 0;
	link = &report->links[f->link[0]];
	note = &m->notes[f->link[0]];
	switch (sym) {
	case SYM_LINK_TEXT_MISMATCH:
		if (same(note->dest->host, link->destination_domain))
			rc = task_symbol(task, sym, "a link shows %.*s but goes to %.*s%s", S(m->shown),
					 S(link->destination_domain), more(f, tail));
		else
			rc = task_symbol(task, sym, "a link shows %.*s but goes to %.*s (%.*s)%s", S(m->shown),
					 S(link->destination_domain), S(note->dest->host), more(f, tail));
		break;
	case SYM_LINK_REDIRECT:
		rc = task_symbol(task, sym, "a link goes through %.*s to %.*s%s", S(link->url.host), S(note->dest->host),
				 more(f, tail));
		break;
	case SYM_LINK_HIDDEN_DESTINATION:
		if (f->shows)
			rc = task_symbol(task, sym, "a link shows %.*s, but where it goes is hidden behind %.*s's tracker%s%s%s%s",
					 S(m->shown_hidden), S(note->opaque),
					 note->follow_end != NULL ? " (following it over HTTP: " : "",
					 note->follow_end != NULL ? note->follow_end : "", note->follow_end != NULL ? ")" : "",
					 more(f, tail));
		else
			rc = task_symbol(task, sym, "the destination of a link is hidden behind %.*s's tracker%s%s%s%s", S(note->opaque),
				 note->follow_end != NULL ? " (following it over HTTP: " : "",
				 note->follow_end != NULL ? note->follow_end : "", note->follow_end != NULL ? ")" : "",
				 more(f, tail));
		break;
	case SYM_LINK_IP_LITERAL: {
		mv_str ip = ip_host(link, note->dest);

		rc = task_symbol(task, sym, "a link goes to the address %.*s%s instead of a name%s", S(ip),
				 (link->url.flags & MV_URL_HOST_IP_OBFUSCATED) ? " (written in a disguised form)" : "",
				 more(f, tail));
		break;
	}
	case SYM_LINK_EXECUTABLE:
		rc = task_symbol(task, sym, "a link downloads a .%s file from %.*s%s", links_executable(note->dest->path),
				 S(note->dest->host), more(f, tail));
		break;
	case SYM_LINK_USERINFO:
		rc = task_symbol(task, sym, "a link shows \"%.*s%s@\" before its real host %.*s%s",
				 check_snippet_len(link->url.userinfo, 60), link->url.userinfo.p,
				 link->url.userinfo.len > 60 ? "..." : "", S(link->url.host), more(f, tail));
		break;
	case SYM_LINK_SHORTENER:
		if (link->flags & MV_LINKF_FOLLOWED)
			rc = task_symbol(task, sym, "a link goes through the shortener %.*s to %.*s%s", S(link->url.host),
					 S(note->dest->host), more(f, tail));
		else
			rc = task_symbol(task, sym, "a link goes through the shortener %.*s, which hides where it leads%s",
					 S(note->opaque), more(f, tail));
		break;
	case SYM_FORM_ELSEWHERE:
		rc = task_symbol(task, sym, "a form sends what is typed in to %.*s, not to the From domain %.*s%s",
				 S(note->dest->host), S(v->from_domain), more(f, tail));
		break;
	}
	for (k = 0; rc == 0 && k < f->n; k++) {
		mv_str u = report->links[f->link[k]].url.normalized;

		rc = task_symbol_option(task, sym, mv_str_make(u.p, (size_t)check_snippet_len(u, OPTION_MAX)));
	}
	return rc < 0 ? MV_NOMEM : MV_OK;
}

/* Whether the findings that only a signature of the From domain excuses need the From domain at all. */
static bool needs_verdict(const struct mv_report *report)
{
	unsigned i;

	for (i = 0; i < report->n_links; i++) {
		if ((report->links[i].flags & (MV_LINKF_REDIRECT | MV_LINKF_HIDDEN | MV_LINKF_SHORTENER)) ||
		    report->links[i].source == MV_LINK_HTML_FORM)
			return true;
	}
	return false;
}

static int judge(struct mv_task *task, struct links_msg *m)
{
	struct mv_report *report = task_report(task);
	mv_arena *arena = task_arena(task);
	struct finding f[SYM_COUNT];
	struct verdict v = { MV_STR_NULL, false };
	unsigned i, sym;

	memset(f, 0, sizeof(f));
	if (needs_verdict(report)) {
		mv_str dmarc = report->auth.dmarc.domain;

		if (dmarc.len != 0 && dmarc.p[dmarc.len - 1] == '.')
			dmarc.len--;
		/* the dmarc check read the From domain already (as an A-label), when it judged the message */
		v.from_domain = dmarc.len != 0 ? mv_url_registrable_domain(dmarc) : from_registrable(task);
		v.signed_aligned = signed_aligned(report, v.from_domain);
	}
	for (i = 0; i < report->n_links; i++) {
		struct mv_link *link = &report->links[i];
		const struct link_note *note = &m->notes[i];
		const struct mv_url *dest = note->dest;
		bool opaque = note->opaque.len != 0;
		struct mv_url shown;

		if (link->url.flags & MV_URL_BAD)
			continue;
		/*
		 * Behind a tracker or shortener the real destination is unknown: the
		 * link is marked (the text's domain is not the tracker's), and the
		 * hidden destination is what is reported, naming the host shown.
		 */
		if (text_mismatch(arena, link, &shown)) {
			link->mismatch = true;
			if (!opaque) {
				if (f[SYM_LINK_TEXT_MISMATCH].count == 0)
					m->shown = shown.host;
				found(&f[SYM_LINK_TEXT_MISMATCH], report, i);
			}
		}
		if (link->source == MV_LINK_HTML_FORM && !link->hidden) {
			if (link->post && is_web(dest) && v.from_domain.len != 0 &&
			    !same_ci(link->destination_domain, v.from_domain))
				found(&f[SYM_FORM_ELSEWHERE], report, i);
		} else if (!clicked(link)) {
			continue;
		}
		if (disguise(&link->url))
			found(&f[SYM_LINK_USERINFO], report, i);
		if (ip_host(link, dest).len != 0)
			found(&f[SYM_LINK_IP_LITERAL], report, i);
		if (link->source == MV_LINK_HTML_FORM)
			continue;
		if (is_web(dest) && links_executable(dest->path) != NULL)
			found(&f[SYM_LINK_EXECUTABLE], report, i);
		if (v.signed_aligned)
			continue;
		if ((link->flags & MV_LINKF_REDIRECT) && note->away)
			found(&f[SYM_LINK_REDIRECT], report, i);
		if ((link->flags & MV_LINKF_HIDDEN) &&
		    !same_ci(mv_url_registrable_domain(note->opaque), v.from_domain)) {
			struct finding *h = &f[SYM_LINK_HIDDEN_DESTINATION];
			int k = found(h, report, i);

			/* the detail tells of the first link whose text shows another site */
			if (link->mismatch && !h->shows && k >= 0) {
				h->link[k] = h->link[0];
				h->link[0] = i;
				h->shows = true;
				m->shown_hidden = shown.host;
			}
		}
		if (link->flags & MV_LINKF_SHORTENER)
			found(&f[SYM_LINK_SHORTENER], report, i);
	}
	for (sym = 0; sym < SYM_COUNT; sym++) {
		if (report_finding(task, sym, &f[sym], m, &v) != MV_OK)
			return MV_NOMEM;
	}
	return MV_OK;
}

static int links_run(struct mv_task *task, void *state)
{
	struct links_state *s = state;
	struct mv_report *report = task_report(task);
	void **slot = task_check_slot(task);
	struct links_msg *m = *slot;
	int rc;

	if (report->n_links == 0)
		return MV_OK;
	if (m == NULL) {
		m = mv_arena_calloc(task_arena(task), 1, sizeof(*m));
		if (m == NULL || (m->notes = mv_arena_calloc(task_arena(task), report->n_links, sizeof(*m->notes))) == NULL)
			return MV_NOMEM;
		if (fill_links(task, s, m) < 0)
			return MV_NOMEM;
		if (s->follow.enabled) {
			*slot = m;
			rc = follow_start(task, s, m);
			if (rc != MV_OK)
				return rc;
		}
	} else {
		rc = follow_finish(task, s, m);
		if (rc != MV_OK)
			return rc;
	}
	return judge(task, m);
}

const struct check_def check_links = {
	.name = "links",
	.description = "where each link really goes: redirectors, trackers and shorteners unwrapped; texts that show "
		       "another site, IP addresses, downloads of programs, forms posting elsewhere",
	.symbols = symbols,
	.n_symbols = SYM_COUNT,
	.needs = MV_NEED_TEXT | MV_NEED_HTML,
	.stage = MV_STAGE_BODY,
	.after = after,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = links_init,
	.deinit = links_deinit,
	.run = links_run,
};
