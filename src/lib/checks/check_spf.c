/*
 * SPF (RFC 7208) of inbound mail: whether the client may send for the MAIL
 * FROM domain, and for its HELO name.  A bounce's null MAIL FROM is checked
 * as postmaster@HELO (2.4), and then the HELO identity is the result; so is
 * it when MAIL FROM is not known at all.  The HELO identity is checked
 * besides when it is a domain name (2.3), into auth.spf.helo_result.  The
 * parser, macros and check_host() are in src/lib/auth/spf_*.c; this file is
 * the glue.  Both evaluations run in each pass, so their lookups go out
 * together, and the results are written only by the pass that completes.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/spf.h"
#include "engine/check.h"
#include "envelope/envelope_int.h"

enum { SYM_PASS, SYM_FAIL, SYM_SOFTFAIL, SYM_NEUTRAL, SYM_NONE, SYM_TEMPERROR, SYM_PERMERROR };

static const struct check_symbol symbols[] = {
	[SYM_PASS] = { "SPF_PASS", "auth", -0.5,
		"SPF pass: the client may send for the sender's domain (proves the path, not good intent: a small credit)" },
	[SYM_FAIL] = { "SPF_FAIL", "auth", 3.0,
		"SPF fail: the sender's domain says this client may not send for it (-all), a strong sign of forgery" },
	[SYM_SOFTFAIL] = { "SPF_SOFTFAIL", "auth", 1.5,
		"SPF softfail: the sender's domain says this client is probably not one of its own (~all)" },
	[SYM_NEUTRAL] = { "SPF_NEUTRAL", "auth", 0.0,
		"SPF neutral: the sender's domain makes no assertion about this client (?all), as if it had no record" },
	[SYM_NONE] = { "SPF_NONE", "auth", 0.5,
		"SPF none: the sender's domain publishes no SPF record (or is not a domain), so nothing can be verified" },
	[SYM_TEMPERROR] = { "SPF_TEMPERROR", "auth", 0.0,
		"SPF temperror: a DNS failure stopped the check; it says nothing about the message" },
	[SYM_PERMERROR] = { "SPF_PERMERROR", "auth", 1.0,
		"SPF permerror: the sender's domain has a broken SPF record (syntax, over 10 lookups): poorly kept" },
};

static const struct mv_setting_def settings[] = {
	{ "spf_void_lookup_limit", MV_SETTING_UINT, "2", 0, 20, NULL,
	  "SPF lookups that may find nothing (no such name, no records) before the check is a permerror (RFC 7208 "
	  "4.6.4)" },
};

struct spf_settings {
	unsigned max_void;
};

/* One message's queries, made on the first pass and kept in the check's slot. */
struct spf_task {
	struct spf_query mail, helo;
	mv_str mail_domain, helo_domain;
	bool check_mail;	/* MAIL FROM has a sender of its own */
	bool check_helo;	/* HELO: the main identity, or a domain name to check besides */
};

static int task_dns_fn(void *arg, const char *name, unsigned type, const struct dns_answer **answer_r)
{
	return task_dns(arg, name, type, answer_r);
}

static int spf_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct spf_settings *s = malloc(sizeof(*s));

	if (s == NULL)
		return -1;
	s->max_void = (unsigned)mv_config_uint(cfg, "spf_void_lookup_limit");
	*state_r = s;
	return 0;
}

static int query_init(struct mv_task *task, const struct spf_settings *set, struct spf_query *q, mv_str sender)
{
	const struct mv_envelope *env = task_envelope(task);

	if (spf_query_init(q, env->conn.client_ip, sender, env->conn.helo, task_arena(task)) < 0)
		return -1;
	q->dns = task_dns_fn;
	q->dns_arg = task;
	q->time = env->txn.time;
	q->max_void = set->max_void;
	return 0;
}

/* The queries of this message; *st_r stays NULL when there is nothing to check. */
static int prepare(struct mv_task *task, const struct spf_settings *set, struct spf_task **st_r)
{
	const struct mv_envelope *env = task_envelope(task);
	mv_str helo = env->conn.helo;
	uint8_t ip[16];
	struct spf_task *st;

	*st_r = NULL;
	if (env->direction != MV_DIRECTION_INBOUND || !net_parse_ip(env->conn.client_ip, ip))
		return MV_OK;
	if (!(env->txn.has_mail_from && env->txn.mail_from.len != 0) && helo.len == 0)
		return MV_OK;
	st = mv_arena_calloc(task_arena(task), 1, sizeof(*st));
	if (st == NULL)
		return MV_NOMEM;
	st->check_mail = env->txn.has_mail_from && env->txn.mail_from.len != 0;
	st->check_helo = !st->check_mail || spf_domain_valid(helo);
	if (st->check_mail) {
		if (query_init(task, set, &st->mail, env->txn.mail_from) < 0)
			return MV_NOMEM;
		st->mail_domain = st->mail.sender_domain;
	}
	if (st->check_helo) {
		/* 2.3: the HELO identity is checked as postmaster@HELO. */
		if (query_init(task, set, &st->helo, helo) < 0)
			return MV_NOMEM;
		st->helo_domain = helo;
	}
	*st_r = st;
	return MV_OK;
}

static int report(struct mv_task *task, const struct spf_task *st, const struct spf_outcome *main,
		  const struct spf_outcome *helo_out)
{
	static const unsigned symbol_of[] = {
		[MV_AUTH_NONE] = SYM_NONE, [MV_AUTH_PASS] = SYM_PASS, [MV_AUTH_FAIL] = SYM_FAIL,
		[MV_AUTH_SOFTFAIL] = SYM_SOFTFAIL, [MV_AUTH_NEUTRAL] = SYM_NEUTRAL,
		[MV_AUTH_TEMPERROR] = SYM_TEMPERROR, [MV_AUTH_PERMERROR] = SYM_PERMERROR,
	};
	struct mv_auth *auth = &task_report(task)->auth;
	struct mv_auth_spf *spf = &auth->spf;
	mv_arena *arena = task_arena(task);
	mv_str domain = st->check_mail ? st->mail_domain : st->helo_domain;
	const char *why = main->result == MV_AUTH_FAIL ? main->explanation : main->problem;

	auth->checked = true;
	auth->source = MV_AUTH_SOURCE_CHECKED;
	spf->result = main->result;
	spf->identity = st->check_mail ? MV_STR_LIT("mailfrom") : MV_STR_LIT("helo");
	spf->domain.p = mv_arena_strndup(arena, domain.p, domain.len);
	spf->domain.len = domain.len;
	spf->explanation.p = mv_arena_strndup(arena, why, strlen(why));
	spf->explanation.len = strlen(why);
	spf->helo_result = helo_out != NULL ? helo_out->result : MV_AUTH_NONE;
	if (spf->domain.p == NULL || spf->explanation.p == NULL)
		return MV_NOMEM;
	if (main->result >= sizeof(symbol_of) / sizeof(symbol_of[0]))
		return MV_OK;
	return task_symbol(task, symbol_of[main->result], "%.*s %.*s%s%s", (int)spf->identity.len, spf->identity.p,
			   check_snippet_len(domain, 100), domain.p, why[0] != '\0' ? ": " : "", why) < 0
		       ? MV_NOMEM
		       : MV_OK;
}

static int spf_run(struct mv_task *task, void *state)
{
	struct spf_task **slot = (struct spf_task **)task_check_slot(task);
	struct spf_outcome mail_out, helo_out;
	int r_mail = MV_OK, r_helo = MV_OK, r;

	if (*slot == NULL && ((r = prepare(task, state, slot)) != MV_OK || *slot == NULL))
		return r;
	if ((*slot)->check_mail)
		r_mail = spf_check_host(&(*slot)->mail, (*slot)->mail_domain, &mail_out);
	if ((*slot)->check_helo)
		r_helo = spf_check_host(&(*slot)->helo, (*slot)->helo_domain, &helo_out);
	if (r_mail == MV_AGAIN || r_helo == MV_AGAIN)
		return MV_AGAIN;
	return report(task, *slot, (*slot)->check_mail ? &mail_out : &helo_out,
		      (*slot)->check_helo ? &helo_out : NULL);
}

const struct check_def check_spf = {
	.name = "spf",
	.description = "SPF (RFC 7208) of the MAIL FROM domain (postmaster@HELO for a bounce) and of the HELO name",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_ENVELOPE | MV_NEED_DNS,
	.stage = MV_STAGE_MAIL,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = spf_init,
	.deinit = free,
	.run = spf_run,
};
