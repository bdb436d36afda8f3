/*
 * The engine: registry, ordering, configured scores, groups and switches,
 * composites, options, needs, and errors that name the file and line.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "mailvet/scan.h"
#include "test.h"

static const char plain_msg[] =
	"From: a@example.org\r\nTo: b@example.net\r\nSubject: hi\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n"
	"Message-ID: <1@example.org>\r\n\r\nhello\r\n";
static const char no_date_msg[] = "From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n";

/* Test checks: "alpha" reports ALPHA with two options; "beta" runs after "gamma"; "needy" needs an envelope. */
static unsigned order_log[8], n_order;

static const struct check_symbol alpha_symbols[] = {
	{ "T_ALPHA", "test", 1.5, "alpha always fires" },
	{ "T_ALPHA_NEG", "test", -2.0, "a negative score" },
};

static int alpha_run(struct mv_task *task, void *state)
{
	order_log[n_order++] = 'a';
	if (task_symbol_option(task, 0, MV_STR_LIT("one")) < 0 || task_symbol_option(task, 0, MV_STR_LIT("two")) < 0)
		return MV_NOMEM;
	return task_symbol(task, 1, "negative") < 0 ? MV_NOMEM : MV_OK;
}

static const struct check_def check_alpha = {
	.name = "alpha", .description = "test", .symbols = alpha_symbols, .n_symbols = 2,
	.stage = MV_STAGE_HEADERS, .run = alpha_run,
};

static const struct check_symbol beta_symbols[] = { { "T_BETA", "test", 1.0, "beta" } };
static const char *const beta_after[] = { "gamma", NULL };

static int beta_run(struct mv_task *task, void *state)
{
	order_log[n_order++] = 'b';
	return task_symbol(task, 0, "beta ran") < 0 ? MV_NOMEM : MV_OK;
}

static const struct check_def check_beta = {
	.name = "beta", .description = "test", .symbols = beta_symbols, .n_symbols = 1,
	.stage = MV_STAGE_BODY, .after = beta_after, .run = beta_run,
};

static const struct check_symbol gamma_symbols[] = { { "T_GAMMA", "test", 0.25, "gamma" } };
static const struct mv_setting_def gamma_settings[] = {
	{ "gamma_fire", MV_SETTING_BOOL, "no", 0, 0, NULL, "whether gamma reports T_GAMMA" },
};

static int gamma_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	bool *fire = malloc(sizeof(*fire));

	if (fire == NULL)
		return -1;
	*fire = mv_config_bool(cfg, "gamma_fire");
	*state_r = fire;
	return 0;
}

static int gamma_run(struct mv_task *task, void *state)
{
	order_log[n_order++] = 'g';
	if (*(bool *)state && task_symbol(task, 0, NULL) < 0)
		return MV_NOMEM;
	return MV_OK;
}

static const struct check_def check_gamma = {
	.name = "gamma", .description = "test", .symbols = gamma_symbols, .n_symbols = 1,
	.stage = MV_STAGE_BODY, .settings = gamma_settings, .n_settings = 1,
	.init = gamma_init, .deinit = free, .run = gamma_run,
};

static const struct check_symbol needy_symbols[] = { { "T_NEEDY", "test", 1.0, "needs an envelope" } };

static int needy_run(struct mv_task *task, void *state)
{
	return task_symbol(task, 0, "client %.*s", (int)task_envelope(task)->conn.client_ip.len,
			   task_envelope(task)->conn.client_ip.p) < 0 ? MV_NOMEM : MV_OK;
}

static const struct check_def check_needy = {
	.name = "needy", .description = "test", .symbols = needy_symbols, .n_symbols = 1,
	.needs = MV_NEED_ENVELOPE, .stage = MV_STAGE_CONNECT, .run = needy_run,
};

static const struct check_def *const extra_checks[] = { &check_alpha, &check_beta, &check_gamma, &check_needy };
#define N_TEST_CHECKS (sizeof(extra_checks) / sizeof(extra_checks[0]))

/* An engine over the built-in and test checks from configuration text; NULL with *error_r on failure. */
static struct mv_engine *engine_from(const char *text, char **error_r)
{
	struct mv_config *cfg = engine_config_new_with(extra_checks, N_TEST_CHECKS);
	struct mv_engine *engine = NULL;

	*error_r = NULL;
	if (cfg == NULL)
		return NULL;
	if (mv_config_read_text(cfg, "test.conf", text, strlen(text), error_r) == 0) {
		mv_config_finish(cfg);
		(void)engine_new_with(cfg, extra_checks, N_TEST_CHECKS, &engine, error_r);
	}
	mv_config_unref(&cfg);
	return engine;
}

/* Scans msg_text; returns the message (free it) and fills report. */
static struct mv_msg *scan(struct mv_engine *engine, const char *msg_text, const struct mv_envelope *env,
			   struct mv_report *report)
{
	struct mv_msg *msg = NULL;

	if (mv_msg_parse(msg_text, strlen(msg_text), mv_engine_limits(engine), &msg) < 0)
		return NULL;
	n_order = 0;
	CHECK_INT(mv_scan(engine, msg, env, report), MV_OK);
	return msg;
}

static void test_engine_registry_has_builtin_and_test_symbols(void)
{
	char *error;
	struct mv_engine *engine = engine_from("", &error);
	size_t i, n;

	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	n = mv_engine_symbol_count(engine);
	CHECK(n >= 30);
	CHECK(engine_symbol_id(engine, "MISSING_DATE", 12) >= 0);
	CHECK(engine_symbol_id(engine, "T_ALPHA", 7) >= 0);
	CHECK(engine_symbol_id(engine, "T_ALPH", 6) < 0);
	CHECK(engine_symbol_id(engine, "NO_SUCH", 7) < 0);
	for (i = 0; i < n; i++) {
		const struct mv_symbol_info *s = mv_engine_symbol(engine, i);

		CHECK(engine_symbol_id(engine, s->name, strlen(s->name)) == (int)i);
		CHECK(s->group != NULL && s->group[0] != '\0');
		CHECK(s->description != NULL && s->description[0] != '\0');
	}
	mv_engine_unref(&engine);
	CHECK(engine == NULL);
}

static void test_engine_orders_checks_after_their_dependencies(void)
{
	char *error;
	struct mv_engine *engine = engine_from("gamma_fire = yes\n", &error);
	struct mv_report report;
	struct mv_msg *msg;
	unsigned i, gamma_at = 99, beta_at = 99;

	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	msg = scan(engine, plain_msg, NULL, &report);
	for (i = 0; i < n_order; i++) {
		if (order_log[i] == 'g')
			gamma_at = i;
		if (order_log[i] == 'b')
			beta_at = i;
	}
	CHECK(gamma_at < beta_at && beta_at != 99);
	CHECK(mv_report_symbol(&report, "T_GAMMA") != NULL);
	/* The structure check names headers and content: it comes after both. */
	{
		int content = -1, structure = -1;

		for (i = 0; i < mv_engine_check_count(engine); i++) {
			if (strcmp(mv_engine_check(engine, i)->name, "structure") == 0)
				structure = (int)i;
			if (strcmp(mv_engine_check(engine, i)->name, "content") == 0)
				content = (int)i;
		}
		CHECK(content >= 0 && structure > content);
	}
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_engine_symbol_options_and_negative_scores(void)
{
	char *error;
	struct mv_engine *engine = engine_from("", &error);
	struct mv_report report;
	struct mv_msg *msg = scan(engine, plain_msg, NULL, &report);
	const struct mv_symbol *alpha = mv_report_symbol(&report, "T_ALPHA");
	const struct mv_symbol *neg = mv_report_symbol(&report, "T_ALPHA_NEG");

	CHECK(alpha != NULL && neg != NULL);
	if (alpha != NULL && neg != NULL) {
		CHECK_INT(alpha->n_options, 2);
		CHECK_STR(alpha->options[0], "one");
		CHECK_STR(alpha->options[1], "two");
		CHECK(neg->score == -2.0);
		CHECK(report.score == 1.5 - 2.0 + 1.0);	/* alpha, negative, beta */
		CHECK_STR(mv_str_cstr(alpha->group), "test");
	}
	CHECK(report.action == MV_ACTION_ACCEPT);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_engine_configured_scores_groups_and_switches(void)
{
	char *error;
	struct mv_engine *engine = engine_from("score T_ALPHA = 7.5\n"
					       "group T_ALPHA = mygroup\n"
					       "disabled_symbols = T_ALPHA_NEG\n"
					       "disabled_checks = beta\n"
					       "tag_score = 6\n",
					       &error);
	struct mv_report report;
	struct mv_msg *msg;

	CHECK(engine != NULL);
	if (engine == NULL) {
		fprintf(stderr, "%s\n", error);
		free(error);
		return;
	}
	msg = scan(engine, plain_msg, NULL, &report);
	CHECK(mv_report_symbol(&report, "T_ALPHA") != NULL && mv_report_symbol(&report, "T_ALPHA")->score == 7.5);
	CHECK_STR(mv_str_cstr(mv_report_symbol(&report, "T_ALPHA")->group), "mygroup");
	CHECK(mv_report_symbol(&report, "T_ALPHA_NEG") == NULL);
	CHECK(mv_report_symbol(&report, "T_BETA") == NULL);
	CHECK(report.score == 7.5);
	CHECK(report.action == MV_ACTION_TAG);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_engine_composites(void)
{
	char *error;
	struct mv_engine *engine = engine_from("composite T_BOTH = T_ALPHA and T_BETA\n"
					       "composite T_EITHER = T_GAMMA | (MISSING_DATE & !T_BETA)\n"
					       "composite T_NONE = not T_ALPHA or T_GAMMA\n"
					       "composite T_CHAIN = T_BOTH && not T_NONE\n"
					       "score T_BOTH = 3\n"
					       "score T_CHAIN = -1\n",
					       &error);
	struct mv_report report;
	struct mv_msg *msg;

	CHECK(engine != NULL);
	if (engine == NULL) {
		fprintf(stderr, "%s\n", error);
		free(error);
		return;
	}
	msg = scan(engine, no_date_msg, NULL, &report);
	CHECK(mv_report_symbol(&report, "MISSING_DATE") != NULL);
	CHECK(mv_report_symbol(&report, "T_BOTH") != NULL);
	CHECK(mv_report_symbol(&report, "T_EITHER") == NULL);	/* beta fired */
	CHECK(mv_report_symbol(&report, "T_NONE") == NULL);
	CHECK(mv_report_symbol(&report, "T_CHAIN") != NULL);
	CHECK(mv_report_symbol(&report, "T_BOTH") != NULL && mv_report_symbol(&report, "T_BOTH")->score == 3.0);
	CHECK_STR(mv_str_cstr(mv_report_symbol(&report, "T_CHAIN")->group), "composite");
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void check_error(const char *text, const char *expected)
{
	char *error = NULL;
	struct mv_engine *engine = engine_from(text, &error);

	CHECK(engine == NULL);
	CHECK(error != NULL && strstr(error, expected) != NULL);
	if (error == NULL || strstr(error, expected) == NULL)
		fprintf(stderr, "  config: %s  error: %s\n  expected: %s\n", text, error ? error : "(none)", expected);
	free(error);
	mv_engine_unref(&engine);
}

static void test_engine_errors_name_file_and_line(void)
{
	check_error("\nscore NO_SUCH = 1\n", "test.conf:2: score NO_SUCH: no symbol is called 'NO_SUCH'");
	check_error("score T_ALPHA = lots\n", "test.conf:1: score T_ALPHA = 'lots': not a number");
	check_error("group T_ALPHA = two words\n", "test.conf:1: group T_ALPHA = 'two words'");
	check_error("composite X = T_ALPHA and\n", "test.conf:1: composite X: the expression ends");
	check_error("composite X = (T_ALPHA\n", "test.conf:1: composite X: a '(' is not closed");
	check_error("composite X = T_ALPHA T_BETA\n", "composite X: unexpected text 'T_BETA'");
	check_error("composite X = T_NOPE\n", "no symbol (or composite above this one) is called 'T_NOPE'");
	check_error("composite X = Y\ncomposite Y = T_ALPHA\n", "test.conf:1: composite X");
	check_error("composite T_ALPHA = T_BETA\n", "a symbol of that name exists already");
	check_error("disabled_symbols = T_ALPHA, NOPE\n", "disabled_symbols: no symbol is called 'NOPE'");
	check_error("disabled_checks = nope\n", "disabled_checks: no check is called 'nope'");
	check_error("tag_score = 20\n", "tag_score <= quarantine_score <= reject_score");
	check_error("trusted_relays = 10.0.0.0/40\n", "trusted_relays: '10.0.0.0/40' is not an address or network");
	check_error("local_networks = mx.example.org\n", "local_networks: 'mx.example.org'");
}

static void test_engine_needs_decide_what_runs(void)
{
	char *error;
	struct mv_engine *engine = engine_from("", &error);
	struct mv_envelope env;
	struct mv_report report;
	struct mv_msg *msg = scan(engine, plain_msg, NULL, &report);

	CHECK(mv_report_symbol(&report, "T_NEEDY") == NULL);
	CHECK(report.envelope.source == MV_ENVELOPE_NONE);
	mv_msg_free(&msg);
	memset(&env, 0, sizeof(env));
	env.conn.client_ip = MV_STR_LIT("192.0.2.7");
	msg = scan(engine, plain_msg, &env, &report);
	CHECK(mv_report_symbol(&report, "T_NEEDY") != NULL);
	if (mv_report_symbol(&report, "T_NEEDY") != NULL)
		CHECK_STR(mv_report_symbol(&report, "T_NEEDY")->detail, "client 192.0.2.7");
	CHECK(report.envelope.source == MV_ENVELOPE_OPTIONS);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_engine_snapshot_outlives_its_config(void)
{
	struct mv_config *cfg = engine_config_new_with(extra_checks, N_TEST_CHECKS);
	struct mv_engine *engine = NULL, *held;
	char *error = NULL;
	struct mv_report report;
	struct mv_msg *msg;

	CHECK(mv_config_read_text(cfg, "a.conf", "score T_ALPHA = 4\n", 18, &error) == 0);
	mv_config_finish(cfg);
	CHECK(engine_new_with(cfg, extra_checks, N_TEST_CHECKS, &engine, &error) == 0);
	mv_config_unref(&cfg);
	held = mv_engine_ref(engine);
	mv_engine_unref(&engine);	/* a reload drops its reference; a scan still holds one */
	msg = scan(held, plain_msg, NULL, &report);
	CHECK(mv_report_symbol(&report, "T_ALPHA") != NULL && mv_report_symbol(&report, "T_ALPHA")->score == 4.0);
	mv_msg_free(&msg);
	mv_engine_unref(&held);
}

static int noop_run(struct mv_task *task, void *state)
{
	return MV_OK;
}

static const char *const after_c2[] = { "c2", NULL };
static const char *const after_c1[] = { "c1", NULL };
static const struct check_def check_c1 = { .name = "c1", .description = "t", .after = after_c2, .run = noop_run };
static const struct check_def check_c2 = { .name = "c2", .description = "t", .after = after_c1, .run = noop_run };

static void test_engine_rejects_a_cycle_of_checks(void)
{
	const struct check_def *cyc[] = { &check_c1, &check_c2 };
	struct mv_config *cfg = engine_config_new_with(cyc, 2);
	struct mv_engine *engine = NULL;
	char *error = NULL;

	mv_config_finish(cfg);
	CHECK(engine_new_with(cfg, cyc, 2, &engine, &error) < 0);
	CHECK(engine == NULL);
	CHECK(error != NULL && strstr(error, "cycle") != NULL);
	free(error);
	mv_config_unref(&cfg);
}

int main(void)
{
	RUN(test_engine_rejects_a_cycle_of_checks);
	RUN(test_engine_registry_has_builtin_and_test_symbols);
	RUN(test_engine_orders_checks_after_their_dependencies);
	RUN(test_engine_symbol_options_and_negative_scores);
	RUN(test_engine_configured_scores_groups_and_switches);
	RUN(test_engine_composites);
	RUN(test_engine_errors_name_file_and_line);
	RUN(test_engine_needs_decide_what_runs);
	RUN(test_engine_snapshot_outlives_its_config);
	return test_summary();
}
