/*
 * Authentication-Results.  Writes the RFC 8601 value of this scan's results
 * (auth.authentication_results, which the milter adds).  And when the checks
 * that need DNS could not get it (temporary errors, or not run: an old mailbox
 * scanned offline), reads the results from the Authentication-Results field
 * that one of our own servers (trusted_authserv_ids) wrote on arrival.  Such a
 * field counts only above the trust boundary, where our relays wrote; without
 * trusted_relays, the topmost one of a trusted server is taken (RFC 8601 5
 * has the MTA remove forged fields that claim its own authserv-id).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/authres.h"
#include "engine/check.h"

enum { SYM_AUTH_TRUSTED_HEADER };

static const struct check_symbol symbols[] = {
	[SYM_AUTH_TRUSTED_HEADER] = { "AUTH_TRUSTED_HEADER", "auth", 0.0,
		"DNS was not available, so the authentication results are those our own server recorded on arrival" },
};

static const struct mv_setting_def settings[] = {
	{ "authserv_id", MV_SETTING_STRING, "", 0, 0, NULL,
	  "the name of this server in the Authentication-Results fields it writes (empty: the host name)" },
	{ "trusted_authserv_ids", MV_SETTING_LIST, "", 0, 0, NULL,
	  "the authserv-ids of our own servers, whose Authentication-Results are believed when DNS is not available" },
};

struct authres_state {
	char authserv_id[256];
	char nothing[300];		/* the value when no method ran: "authserv-id; none" */
	const char *const *trusted;
	size_t n_trusted;
};

static int authres_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct authres_state *st = calloc(1, sizeof(*st));
	const char *id = mv_config_string(cfg, "authserv_id");

	if (st == NULL)
		return -1;
	if (id[0] != '\0')
		snprintf(st->authserv_id, sizeof(st->authserv_id), "%s", id);
	else if (gethostname(st->authserv_id, sizeof(st->authserv_id) - 1) < 0 || st->authserv_id[0] == '\0')
		snprintf(st->authserv_id, sizeof(st->authserv_id), "localhost");
	st->trusted = mv_config_list(cfg, "trusted_authserv_ids", &st->n_trusted);
	{
		mv_arena *arena = mv_arena_new(1 << 16);
		struct mv_auth none;
		char *v;

		memset(&none, 0, sizeof(none));
		v = arena != NULL ? authres_build(arena, st->authserv_id, &none) : NULL;
		snprintf(st->nothing, sizeof(st->nothing), "%s", v != NULL ? v : "");
		mv_arena_free(&arena);
	}
	*state_r = st;
	return 0;
}

/* A DNS-based result that says nothing: not run, or a temporary error. */
static bool unknown(enum mv_auth_result r, mv_str domain)
{
	return r == MV_AUTH_TEMPERROR || (r == MV_AUTH_NONE && domain.len == 0);
}

static bool dns_unavailable(const struct mv_auth *a)
{
	unsigned i;

	if (!unknown(a->spf.result, a->spf.domain) || !unknown(a->dmarc.result, a->dmarc.domain) ||
	    a->arc.result == MV_AUTH_PASS || a->arc.result == MV_AUTH_FAIL)
		return false;
	for (i = 0; i < a->n_dkim; i++) {
		if (a->dkim[i].result != MV_AUTH_TEMPERROR)
			return false;
	}
	return true;
}

static bool trusted_id(const struct authres_state *st, mv_str id)
{
	size_t i;

	for (i = 0; i < st->n_trusted; i++) {
		if (mv_str_eq_ci(id, st->trusted[i]))
			return true;
	}
	return false;
}

/* The index in the root's header list of the boundary Received field; n_headers when there is none. */
static unsigned boundary_index(const struct mv_msg *msg, const struct mv_report *report)
{
	unsigned i, seen = 0;

	if (report->trusted_hops == 0)
		return msg->root->n_headers;
	for (i = 0; i < msg->root->n_headers; i++) {
		if (mv_str_eq_ci(msg->root->headers[i].name, "Received") && ++seen == report->trusted_hops)
			return i;
	}
	return msg->root->n_headers;
}

/* The domain of an address ("user@example.com"), or the whole value. */
static mv_str domain_of(mv_str v)
{
	const char *at = v.len != 0 ? memrchr(v.p, '@', v.len) : NULL;

	return at != NULL ? mv_str_make(at + 1, v.len - (size_t)(at + 1 - v.p)) : v;
}

/* "p=reject" in a comment like "p=reject sp=none dis=reject". */
static mv_str comment_tag(mv_str comment, const char *tag)
{
	size_t n = strlen(tag), i;

	for (i = 0; i + n < comment.len; i++) {
		if ((i == 0 || comment.p[i - 1] == ' ') && strncasecmp(comment.p + i, tag, n) == 0) {
			size_t e = i + n;

			while (e < comment.len && comment.p[e] != ' ' && comment.p[e] != ')')
				e++;
			return mv_str_make(comment.p + i + n, e - i - n);
		}
	}
	return MV_STR_NULL;
}

static int fill_from(struct mv_task *task, const struct authres *ar)
{
	struct mv_auth *a = &task_report(task)->auth;
	unsigned i, n_dkim = 0;

	for (i = 0; i < ar->n_results; i++)
		n_dkim += mv_str_eq_ci(ar->results[i].method, "dkim");
	a->dkim = n_dkim != 0 ? mv_arena_calloc(task_arena(task), n_dkim, sizeof(*a->dkim)) : NULL;
	if (n_dkim != 0 && a->dkim == NULL)
		return MV_NOMEM;
	a->n_dkim = 0;
	for (i = 0; i < ar->n_results; i++) {
		const struct authres_result *r = &ar->results[i];
		enum mv_auth_result result = authres_result_value(r->result);

		if (mv_str_eq_ci(r->method, "spf")) {
			mv_str from = authres_prop(r, "smtp", "mailfrom"), helo = authres_prop(r, "smtp", "helo");

			a->spf.result = result;
			a->spf.identity = from.len != 0 ? MV_STR_LIT("mailfrom") : MV_STR_LIT("helo");
			a->spf.domain = from.len != 0 ? domain_of(from) : helo;
		} else if (mv_str_eq_ci(r->method, "dkim")) {
			struct mv_auth_dkim *d = &a->dkim[a->n_dkim++];
			mv_str dom = authres_prop(r, "header", "d");

			d->result = result;
			d->domain = dom.len != 0 ? dom : domain_of(authres_prop(r, "header", "i"));
			d->selector = authres_prop(r, "header", "s");
			d->algorithm = authres_prop(r, "header", "a");
			d->reason = r->reason;
		} else if (mv_str_eq_ci(r->method, "dmarc")) {
			mv_str policy = authres_prop(r, "policy", "dmarc");

			a->dmarc.result = result;
			a->dmarc.domain = authres_prop(r, "header", "from");
			a->dmarc.policy = policy.len != 0 ? policy : comment_tag(r->comment, "p=");
			a->dmarc.disposition = comment_tag(r->comment, "dis=");
		} else if (mv_str_eq_ci(r->method, "arc")) {
			a->arc.result = result;
		}
	}
	a->source = MV_AUTH_SOURCE_TRUSTED_HEADER;
	a->checked = true;
	return task_symbol(task, SYM_AUTH_TRUSTED_HEADER, "as %.*s recorded on arrival", check_snippet_len(ar->authserv_id, 100),
			   ar->authserv_id.p) < 0 ? MV_NOMEM : MV_OK;
}

static int authres_run(struct mv_task *task, void *state)
{
	const struct authres_state *st = state;
	struct mv_msg *msg = task_msg(task);
	struct mv_report *report = task_report(task);
	char *value;
	unsigned i, end;

	if (st->n_trusted != 0 && dns_unavailable(&report->auth)) {
		end = boundary_index(msg, report);
		for (i = 0; i < end; i++) {
			struct authres *ar;

			if (!mv_str_eq_ci(msg->root->headers[i].name, "Authentication-Results"))
				continue;
			ar = mv_arena_alloc(task_arena(task), sizeof(*ar));
			if (ar == NULL)
				return MV_NOMEM;
			if (authres_parse(msg->root->headers[i].value, ar) && trusted_id(st, ar->authserv_id)) {
				int rc = fill_from(task, ar);

				if (rc != MV_OK)
					return rc;
				break;
			}
		}
	}
	/* The engine outlives the reports made with it: its value for "nothing checked" serves them all. */
	if (!report->auth.checked && st->nothing[0] != '\0') {
		report->auth.authentication_results = mv_str_cstr(st->nothing);
		return MV_OK;
	}
	value = authres_build(task_arena(task), st->authserv_id, &report->auth);
	if (value == NULL)
		return MV_NOMEM;
	report->auth.authentication_results = mv_str_cstr(value);
	return MV_OK;
}

/* Every method first: this one reads their results. */
static const char *const authres_after[] = { "spf", "dkim", "dmarc", "arc", "smime", NULL };

const struct check_def check_authres = {
	.name = "authres",
	.description = "the Authentication-Results value of this scan, and our own servers' results when DNS is not available",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS,
	.stage = MV_STAGE_BODY,
	.after = authres_after,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = authres_init,
	.deinit = free,
	.run = authres_run,
};
