/*
 * DMARC (RFC 9989, and RFC 7489 records): the policy the From domain's owner
 * publishes, met when SPF or DKIM passed for a domain aligned with it.  Runs
 * after the spf and dkim checks and reads their results from report->auth;
 * writes report->auth.dmarc and each DKIM signature's `aligned`.  A fail of
 * a domain asking for reject or quarantine raises the action to that
 * (dmarc_enforce).  Only inbound mail is judged: our own users' mail is
 * signed after the scan.  No report is ever sent.  auth/dmarc_eval.c does
 * the work; this file is the glue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/dmarc.h"
#include "dns/dns.h"
#include "engine/check.h"
#include "mailvet/msg.h"
#include "util/fnv.h"

enum {
	SYM_DMARC_PASS,
	SYM_DMARC_FAIL,
	SYM_DMARC_QUARANTINE,
	SYM_DMARC_REJECT,
	SYM_DMARC_NONE,
	SYM_DMARC_TEMPERROR,
	SYM_DMARC_PERMERROR,
};

static const struct check_symbol symbols[] = {
	[SYM_DMARC_PASS] = { "DMARC_PASS", "auth", -0.5,
		"the From domain's DMARC policy is met: SPF or DKIM passed for a domain aligned with it" },
	[SYM_DMARC_FAIL] = { "DMARC_FAIL", "auth", 1.0,
		"the message fails the DMARC policy of its From domain: no aligned SPF or DKIM pass" },
	[SYM_DMARC_QUARANTINE] = { "DMARC_QUARANTINE", "auth", 2.0,
		"it fails DMARC and the From domain asks to quarantine such mail (the action is at least quarantine)" },
	[SYM_DMARC_REJECT] = { "DMARC_REJECT", "auth", 3.0,
		"it fails DMARC and the From domain asks to reject such mail (the action is reject)" },
	[SYM_DMARC_NONE] = { "DMARC_NONE", "auth", 0.0,
		"DMARC does not apply: the From domain publishes no policy, or there is no From domain" },
	[SYM_DMARC_TEMPERROR] = { "DMARC_TEMPERROR", "auth", 0.0,
		"DMARC could not be checked: a DNS lookup it needs failed for now" },
	[SYM_DMARC_PERMERROR] = { "DMARC_PERMERROR", "auth", 0.5,
		"DMARC cannot be checked: the From field names several domains, or the policy record has no usable policy" },
};

static const char *const after[] = { "spf", "dkim", NULL };

static const struct mv_setting_def settings[] = {
	{ "dmarc_enforce", MV_SETTING_BOOL, "yes", 0, 0, NULL,
	  "a DMARC fail makes the action at least what the From domain asks: quarantine, or reject" },
};

/* Identifiers under the From domain's Organizational Domain walked, at most: a bound on our DNS. */
#define DMARC_MAX_WALKS 8

struct dmarc_settings {
	bool enforce;
};

static int dmarc_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct dmarc_settings *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	s->enforce = mv_config_bool(cfg, "dmarc_enforce");
	*state_r = s;
	return 0;
}

static int lookup(void *ctx, const char *name, unsigned type, const struct dns_answer **answer_r)
{
	return task_dns(ctx, name, type, answer_r);
}

#define WHY_MAX 600

enum author { AUTHOR_OK, AUTHOR_NONE, AUTHOR_SEVERAL, AUTHOR_NOMEM };

/*
 * The Author Domain (RFC 9989 5.3.1): the domain of the From field.  No From
 * field or no domain in it: DMARC does not apply.  Several From fields, or
 * addresses of different domains: it cannot be validated (we do not try each
 * domain, RFC 9989 11.5 leaves that to the receiver).  why_r says which.
 */
static enum author author_domain(struct mv_task *task, char out[256], char why_r[WHY_MAX])
{
	const struct mv_part *root = task_msg(task)->root;
	unsigned n = mv_part_header_count(root, "From");
	struct mv_addr *list;
	char d[256];
	bool found = false;
	int i, k;

	if (n != 1) {
		snprintf(why_r, WHY_MAX, n == 0 ? "the message has no From field" : "the message has %u From fields", n);
		return n == 0 ? AUTHOR_NONE : AUTHOR_SEVERAL;
	}
	k = mv_addr_parse_list(task_arena(task), mv_part_header(root, "From")->value, 0, &list);
	if (k < 0)
		return AUTHOR_NOMEM;
	for (i = 0; i < k; i++) {
		if (list[i].domain.len == 0)
			continue;
		if (!dmarc_domain_ascii(list[i].domain, d)) {
			snprintf(why_r, WHY_MAX, "the From domain %.*s is not a valid domain name",
				 check_snippet_len(list[i].domain, 100), list[i].domain.p);
			return AUTHOR_NONE;
		}
		if (!found) {
			memcpy(out, d, strlen(d) + 1);
			found = true;
		} else if (strcmp(out, d) != 0) {
			snprintf(why_r, WHY_MAX, "the From field names several domains (%s, %s)", out, d);
			return AUTHOR_SEVERAL;
		}
	}
	if (!found)
		snprintf(why_r, WHY_MAX, "the From field has no domain");
	return found ? AUTHOR_OK : AUTHOR_NONE;
}

/* The message's place in a pct= sample, 0..99: a hash of its Message-ID (else of its From field). */
static uint32_t sample_of(struct mv_task *task)
{
	mv_str s = task_report(task)->message_id;

	if (s.len == 0) {
		const struct mv_header *from = mv_part_header(task_msg(task)->root, "From");

		s = from != NULL ? from->value : MV_STR_NULL;
	}
	return util_fnv1a32(s.p, s.len) % 100;
}

/* A domain as the spf and dkim checks stored it, without a trailing dot. */
static mv_str bare(mv_str d)
{
	if (d.len != 0 && d.p[d.len - 1] == '.')
		d.len--;
	return d;
}

/* The identifiers SPF and DKIM authenticated, from report->auth. */
static int fill_input(struct mv_task *task, mv_str author, struct dmarc_input *in)
{
	const struct mv_auth *auth = &task_report(task)->auth;
	unsigned i;

	memset(in, 0, sizeof(*in));
	in->author = author;
	in->sample = sample_of(task);
	in->max_walks = DMARC_MAX_WALKS;
	/* RFC 9989 3.2.4: SPF of the MAIL FROM identity (for a null sender, postmaster@HELO: RFC 7208 2.4). */
	in->spf.pass = auth->spf.result == MV_AUTH_PASS && auth->spf.domain.len != 0;
	in->spf.domain = bare(auth->spf.domain);
	if (auth->n_dkim == 0)
		return MV_OK;
	in->dkim = mv_arena_calloc(task_arena(task), auth->n_dkim, sizeof(*in->dkim));
	if (in->dkim == NULL)
		return MV_NOMEM;
	in->n_dkim = auth->n_dkim;
	for (i = 0; i < auth->n_dkim; i++) {
		in->dkim[i].domain = bare(auth->dkim[i].domain);
		in->dkim[i].pass = auth->dkim[i].result == MV_AUTH_PASS;
	}
	return MV_OK;
}

/* Who asks: the domain that published the record, or the Public Suffix Operator above it. */
static void who(const struct dmarc_outcome *o, char out[300])
{
	snprintf(out, 300, "%s%.*s", o->from_psd ? "the public suffix " : "", (int)o->policy_domain.len,
		 o->policy_domain.p);
}

static const char *asks(enum dmarc_policy p)
{
	return p == DMARC_POLICY_REJECT ? "asks to reject such mail" :
	       p == DMARC_POLICY_QUARANTINE ? "asks to quarantine such mail" : "asks nothing of such mail";
}

/* Why the disposition is milder than the policy, or "". */
static void milder_why(const struct dmarc_outcome *o, char out[200])
{
	out[0] = '\0';
	if (!o->testing || o->policy == DMARC_POLICY_NONE)
		return;
	if (o->record.testing)
		snprintf(out, 200, ", but is testing it (t=y): %s", dmarc_policy_name(o->disposition));
	else
		snprintf(out, 200, ", but for %u%% of mail (pct=), not this message: %s", o->record.pct,
			 dmarc_policy_name(o->disposition));
}

static int report_fail(struct mv_task *task, const struct dmarc_outcome *o, const struct dmarc_settings *set)
{
	char w[300], m[200];
	const char *tag = o->policy_tag != NULL ? o->policy_tag : "p";

	who(o, w);
	milder_why(o, m);
	if (task_symbol(task, SYM_DMARC_FAIL, "fails DMARC; %s %s (%s=%s%s)%s", w, asks(o->policy), tag,
			dmarc_policy_name(o->policy),
			o->policy_tag == NULL ? ", for want of a valid policy" :
			o->policy == DMARC_POLICY_NONE ? ": it only monitors" : "", m) < 0)
		return MV_NOMEM;
	if (o->nonexistent && task_symbol_option(task, SYM_DMARC_FAIL, MV_STR_LIT("nonexistent domain")) < 0)
		return MV_NOMEM;
	if (o->disposition == DMARC_POLICY_REJECT) {
		if (task_symbol(task, SYM_DMARC_REJECT, "%s asks to reject mail that fails DMARC", w) < 0)
			return MV_NOMEM;
		if (set->enforce)
			task_require_action(task, MV_ACTION_REJECT);
	} else if (o->disposition == DMARC_POLICY_QUARANTINE) {
		if (task_symbol(task, SYM_DMARC_QUARANTINE, "%s asks to quarantine mail that fails DMARC%s", w, m) < 0)
			return MV_NOMEM;
		if (set->enforce)
			task_require_action(task, MV_ACTION_QUARANTINE);
	}
	return MV_OK;
}

/* The first aligned signature's d=, for the detail. */
static mv_str aligned_dkim(const struct dmarc_input *in)
{
	unsigned i;

	for (i = 0; i < in->n_dkim; i++)
		if (in->dkim[i].aligned)
			return in->dkim[i].domain;
	return MV_STR_NULL;
}

static int report_outcome(struct mv_task *task, const struct dmarc_input *in, const struct dmarc_outcome *o,
			  const struct dmarc_settings *set)
{
	mv_str d = aligned_dkim(in);
	int rc = 0;

	switch (o->result) {
	case DMARC_RESULT_PASS:
		if (o->spf_aligned && o->dkim_aligned)
			rc = task_symbol(task, SYM_DMARC_PASS, "%s: aligned SPF (%.*s) and DKIM (d=%.*s)", in->author.p,
					 check_snippet_len(in->spf.domain, 100), in->spf.domain.p,
					 check_snippet_len(d, 100), d.p);
		else if (o->spf_aligned)
			rc = task_symbol(task, SYM_DMARC_PASS, "%s: aligned SPF (%.*s)", in->author.p,
					 check_snippet_len(in->spf.domain, 100), in->spf.domain.p);
		else
			rc = task_symbol(task, SYM_DMARC_PASS, "%s: aligned DKIM (d=%.*s)", in->author.p,
					 check_snippet_len(d, 100), d.p);
		break;
	case DMARC_RESULT_FAIL:
		return report_fail(task, o, set);
	case DMARC_RESULT_NONE:
		rc = task_symbol(task, SYM_DMARC_NONE, "%s publishes no DMARC policy", in->author.p);
		break;
	case DMARC_RESULT_TEMPERROR:
		rc = task_symbol(task, SYM_DMARC_TEMPERROR, "%s: %s", in->author.p, o->reason);
		break;
	case DMARC_RESULT_PERMERROR:
		rc = task_symbol(task, SYM_DMARC_PERMERROR, "%s: %s", in->author.p, o->reason);
		break;
	}
	return rc < 0 ? MV_NOMEM : MV_OK;
}

static const enum mv_auth_result result_map[] = {
	[DMARC_RESULT_NONE] = MV_AUTH_NONE,
	[DMARC_RESULT_PASS] = MV_AUTH_PASS,
	[DMARC_RESULT_FAIL] = MV_AUTH_FAIL,
	[DMARC_RESULT_TEMPERROR] = MV_AUTH_TEMPERROR,
	[DMARC_RESULT_PERMERROR] = MV_AUTH_PERMERROR,
};

/* report->auth from the outcome; the strings are views of the arena's author name, or literals. */
static void store_outcome(struct mv_task *task, const struct dmarc_input *in, const struct dmarc_outcome *o)
{
	struct mv_auth *auth = &task_report(task)->auth;
	unsigned i;

	auth->checked = true;
	auth->dmarc.result = result_map[o->result];
	auth->dmarc.domain = in->author;
	auth->dmarc.org_domain = o->org_domain;
	auth->dmarc.policy = mv_str_cstr(dmarc_policy_name(o->policy));
	auth->dmarc.disposition = mv_str_cstr(o->result == DMARC_RESULT_FAIL ? dmarc_policy_name(o->disposition) : "");
	auth->dmarc.spf_aligned = o->spf_aligned;
	auth->dmarc.dkim_aligned = o->dkim_aligned;
	auth->dmarc.testing = o->testing;
	for (i = 0; i < in->n_dkim && i < auth->n_dkim; i++)
		auth->dkim[i].aligned = in->dkim[i].aligned;
}

static int dmarc_run(struct mv_task *task, void *state)
{
	const struct dmarc_settings *set = state;
	struct mv_auth *auth = &task_report(task)->auth;
	char domain[256], why[WHY_MAX];
	struct dmarc_input in;
	struct dmarc_outcome out;
	char *author;
	int rc;

	if (task_envelope(task)->direction != MV_DIRECTION_INBOUND)
		return MV_OK;
	switch (author_domain(task, domain, why)) {
	case AUTHOR_OK:
		break;
	case AUTHOR_NONE:
		auth->checked = true;
		auth->dmarc.result = MV_AUTH_NONE;
		return task_symbol(task, SYM_DMARC_NONE, "%s", why) < 0 ? MV_NOMEM : MV_OK;
	case AUTHOR_SEVERAL:
		auth->checked = true;
		auth->dmarc.result = MV_AUTH_PERMERROR;
		return task_symbol(task, SYM_DMARC_PERMERROR, "%s", why) < 0 ? MV_NOMEM : MV_OK;
	default:
		return MV_NOMEM;
	}
	author = mv_arena_strndup(task_arena(task), domain, strlen(domain));
	if (author == NULL || fill_input(task, mv_str_cstr(author), &in) != MV_OK)
		return MV_NOMEM;
	rc = dmarc_eval(lookup, task, &in, &out);
	if (rc != MV_OK)
		return rc;
	store_outcome(task, &in, &out);
	return report_outcome(task, &in, &out, set);
}

const struct check_def check_dmarc = {
	.name = "dmarc",
	.description = "DMARC: the From domain's policy (RFC 9989), met by an aligned SPF or DKIM pass",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS | MV_NEED_DNS,
	.stage = MV_STAGE_BODY,
	.after = after,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = dmarc_init,
	.deinit = free,
	.run = dmarc_run,
};
