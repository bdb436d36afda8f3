/*
 * Test-only (included by the dmarc check's tests): "t_auth", a check the
 * engine orders before the built-in ones, writes the SPF and DKIM results a
 * case wants into report->auth, in place of the spf and dkim checks; and an
 * engine with it from configuration text.
 */
#ifndef TESTS_DMARC_AUTH_STUB_H
#define TESTS_DMARC_AUTH_STUB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "mailvet/scan.h"

/* What t_auth writes: "result:domain" for SPF, and a comma-separated list of them for DKIM ("-": none). */
static struct {
	char spf[300];
	char dkim[600];
} auth_in;

static const struct {
	const char *name;
	enum mv_auth_result result;
} results[] = {
	{ "pass", MV_AUTH_PASS }, { "fail", MV_AUTH_FAIL }, { "softfail", MV_AUTH_SOFTFAIL },
	{ "neutral", MV_AUTH_NEUTRAL }, { "none", MV_AUTH_NONE }, { "temperror", MV_AUTH_TEMPERROR },
	{ "permerror", MV_AUTH_PERMERROR },
};

/* Parses "result:domain" of [p, end) into arena memory. */
static bool parse_result(mv_arena *arena, const char *p, size_t len, enum mv_auth_result *result_r, mv_str *domain_r)
{
	const char *colon = memchr(p, ':', len);
	size_t i;

	if (colon == NULL)
		return false;
	for (i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
		if (strlen(results[i].name) == (size_t)(colon - p) && strncmp(results[i].name, p, colon - p) == 0)
			break;
	}
	if (i == sizeof(results) / sizeof(results[0]))
		return false;
	*result_r = results[i].result;
	domain_r->p = mv_arena_strndup(arena, colon + 1, len - (size_t)(colon + 1 - p));
	domain_r->len = domain_r->p != NULL ? strlen(domain_r->p) : 0;
	return domain_r->p != NULL;
}

static int t_auth_run(struct mv_task *task, void *state)
{
	struct mv_auth *auth = &task_report(task)->auth;
	mv_arena *arena = task_arena(task);
	const char *p = auth_in.dkim;

	if (strcmp(auth_in.spf, "-") != 0 &&
	    !parse_result(arena, auth_in.spf, strlen(auth_in.spf), &auth->spf.result, &auth->spf.domain))
		return MV_NOMEM;
	auth->spf.identity = MV_STR_LIT("mailfrom");
	if (strcmp(p, "-") == 0)
		return MV_OK;
	auth->dkim = mv_arena_calloc(arena, 8, sizeof(*auth->dkim));
	while (auth->dkim != NULL && *p != '\0' && auth->n_dkim < 8) {
		size_t n = strcspn(p, ",");

		if (!parse_result(arena, p, n, &auth->dkim[auth->n_dkim].result, &auth->dkim[auth->n_dkim].domain))
			return MV_NOMEM;
		auth->n_dkim++;
		p += n + (p[n] == ',');
	}
	return auth->dkim != NULL ? MV_OK : MV_NOMEM;
}

static const struct check_def check_t_auth = {
	.name = "t_auth", .description = "test: SPF and DKIM results as the case says",
	.stage = MV_STAGE_BODY, .run = t_auth_run,
};

static const struct check_def *const extra_checks[] = { &check_t_auth };

/* An engine over the built-in checks and t_auth, from configuration text; NULL (and a message) on error. */
static struct mv_engine *engine_from(const char *text)
{
	struct mv_config *cfg = engine_config_new_with(extra_checks, 1);
	struct mv_engine *engine = NULL;
	char *error = NULL;

	if (cfg == NULL)
		return NULL;
	/* The stub stands in for the DKIM check, so the real one is off. */
	if (mv_config_set(cfg, "disabled_checks = dkim", &error) == 0 &&
	    mv_config_read_text(cfg, "test.conf", text, strlen(text), &error) == 0) {
		mv_config_finish(cfg);
		(void)engine_new_with(cfg, extra_checks, 1, &engine, &error);
	}
	if (engine == NULL)
		fprintf(stderr, "engine: %s\n", error != NULL ? error : "out of memory");
	free(error);
	mv_config_unref(&cfg);
	return engine;
}

/* Scans `text` (a message) with the SPF and DKIM results given; the message must be freed by the caller. */
static struct mv_msg *scan_text(struct mv_engine *engine, const char *text, size_t len, const char *spf,
				const char *dkim, const struct mv_envelope *env, struct mv_report *report)
{
	struct mv_msg *msg = NULL;

	snprintf(auth_in.spf, sizeof(auth_in.spf), "%s", spf);
	snprintf(auth_in.dkim, sizeof(auth_in.dkim), "%s", dkim);
	if (mv_msg_parse(text, len, mv_engine_limits(engine), &msg) < 0)
		return NULL;
	CHECK_INT(mv_scan(engine, msg, env, report), MV_OK);
	return msg;
}

/* The DMARC symbols of the report, in order, comma-separated. */
static const char *dmarc_symbols(const struct mv_report *report)
{
	static char out[200];
	size_t n = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < report->n_symbols && n < sizeof(out); i++) {
		if (strncmp(report->symbols[i].name, "DMARC_", 6) == 0)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n != 0 ? "," : "",
					      report->symbols[i].name);
	}
	return out;
}

#endif
