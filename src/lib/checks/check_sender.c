/*
 * Who really sent the message: the organization the evidence names (DKIM,
 * SPF, the first untrusted client and the servers beyond it, Return-Path,
 * Message-ID, List-*, Feedback-ID, tracking links, providers' header marks),
 * the bulk-mail provider that delivered it, and whether it was sent on the
 * From domain's behalf.  Fills report->sender; src/lib/sender does the work
 * and docs/internals/sender.md gives the rules and the scores' reasons.
 * Runs after the authentication checks (it reads their results) and after
 * content (the links).  Only inbound mail is judged.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "mailvet/msg.h"
#include "sender/sender.h"
#include "util/data_files.h"
#include "util/file_read.h"

enum { SYM_SENT_ON_BEHALF, SYM_SENT_ON_BEHALF_UNSIGNED, SYM_SENT_VIA_PROVIDER };

static const struct check_symbol symbols[] = {
	[SYM_SENT_ON_BEHALF] = { "SENT_ON_BEHALF", "sender", 0.0,
		"another organization sent the message for the From domain (a bulk-mail provider, a mailing list, a "
		"relay): a fact, scored by the symbols below" },
	[SYM_SENT_ON_BEHALF_UNSIGNED] = { "SENT_ON_BEHALF_UNSIGNED", "sender", 1.0,
		"sent on the From domain's behalf by another organization, and no valid DKIM signature of any domain "
		"stands behind it (not a mailing list's resending)" },
	[SYM_SENT_VIA_PROVIDER] = { "SENT_VIA_PROVIDER", "sender", 0.0,
		"a bulk-mail provider delivered the From domain's own mail: signed by it, or sent from servers its SPF "
		"allows" },
};

static const char *const after[] = { "spf", "dkim", "dmarc", "content", "links", "brand", NULL };

static const struct mv_setting_def settings[] = {
	{ "providers_file", MV_SETTING_STRING, "", 0, 0, NULL,
	  "the bulk-mail providers file (the format of data/providers.conf); empty: the built-in list" },
};

static int sender_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	const char *file = mv_config_string(cfg, "providers_file");
	struct providers *p = NULL;
	char *path;
	unsigned line;
	int rc;

	if (file[0] == '\0') {
		mv_str text = data_file_text("providers.conf");

		rc = providers_parse("providers.conf (built in)", text.p, text.len, &p, error_r);
	} else {
		path = util_path_beside(mv_config_where(cfg, "providers_file", &line), file);
		if (path == NULL)
			return -1;
		rc = providers_load(path, &p, error_r);
		free(path);
	}
	if (rc < 0)
		return -1;
	*state_r = p;
	return 0;
}

static void sender_deinit(void *state)
{
	struct providers *p = state;

	providers_free(&p);
}

/* The From domain as the claim check left it in report->sender, or the From address's own. */
static mv_str from_domain(struct mv_task *task, struct mv_sender *sd)
{
	const struct mv_addr *from;

	if (sd->claimed.len == 0 && (from = mv_msg_from(task_msg(task))) != NULL) {
		sd->claimed = from->domain;
		if (sd->claimed_name.len == 0)
			sd->claimed_name = from->name;
	}
	return sd->claimed;
}

/* The ranked evidence into the report (views; the kinds' names are constants). */
static int fill(struct mv_task *task, const struct sender_facts *f, const struct sender_verdict *v,
		const struct providers *p)
{
	struct mv_sender *sd = &task_report(task)->sender;
	unsigned i;

	sd->org = v->org;
	sd->provider = sender_provider_name(v, p);
	sd->on_behalf = v->on_behalf;
	sd->summary = sender_summary(task_arena(task), f, v, p);
	if (sd->summary.p == NULL)
		return MV_NOMEM;
	if (f->n == 0)
		return MV_OK;
	sd->evidence = mv_arena_calloc(task_arena(task), f->n, sizeof(*sd->evidence));
	if (sd->evidence == NULL)
		return MV_NOMEM;
	for (i = 0; i < f->n; i++) {
		sd->evidence[i].kind = sender_kind_name(f->item[i].kind);
		sd->evidence[i].domain = f->item[i].domain;
		sd->evidence[i].value = f->item[i].value;
	}
	sd->n_evidence = f->n;
	return MV_OK;
}

static int report(struct mv_task *task, const struct sender_verdict *v, const struct mv_sender *sd)
{
	int w = check_snippet_len(sd->summary, 400);

	if (v->on_behalf) {
		if (task_symbol(task, SYM_SENT_ON_BEHALF, "%.*s", w, sd->summary.p) < 0)
			return MV_NOMEM;
		if (!v->signed_any && !v->mailing_list &&
		    task_symbol(task, SYM_SENT_ON_BEHALF_UNSIGNED,
				"%.*s sent it for %.*s, and no valid DKIM signature of any domain stands behind it",
				check_snippet_len(sd->org, 100), sd->org.p, check_snippet_len(sd->claimed, 100),
				sd->claimed.p) < 0)
			return MV_NOMEM;
	} else if (v->provider >= 0 || v->structure.len != 0) {
		if ((v->signed_by_from || v->spf_aligned) &&
		    task_symbol(task, SYM_SENT_VIA_PROVIDER, "%.*s", w, sd->summary.p) < 0)
			return MV_NOMEM;
	}
	return MV_OK;
}

static int sender_run(struct mv_task *task, void *state)
{
	const struct providers *p = state;
	struct mv_report *r = task_report(task);
	struct sender_facts facts;
	struct sender_verdict verdict;
	mv_str from;
	char *lower;
	int rc;

	if (task_envelope(task)->direction != MV_DIRECTION_INBOUND)
		return MV_OK;
	from = from_domain(task, &r->sender);
	if (from.len > 255)
		from = MV_STR_NULL;
	if (from.len != 0) {
		lower = mv_arena_strndup(task_arena(task), from.p, from.len);
		if (lower == NULL)
			return MV_NOMEM;
		mv_ascii_lower_copy(lower, lower, from.len);
		from = mv_str_make(lower, from.len);
	}
	if (sender_gather(&facts, task_msg(task), r, p, from) < 0)
		return MV_NOMEM;
	sender_decide(&facts, &verdict);
	rc = fill(task, &facts, &verdict, p);
	return rc != MV_OK ? rc : report(task, &verdict, &r->sender);
}

const struct check_def check_sender = {
	.name = "sender",
	.description = "who really sent the message: its organization from the strongest evidence, the bulk-mail "
		       "provider that delivered it, and whether it was sent on the From domain's behalf",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS,
	.stage = MV_STAGE_BODY,
	.after = after,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = sender_init,
	.deinit = sender_deinit,
	.run = sender_run,
};
