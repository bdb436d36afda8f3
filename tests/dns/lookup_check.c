/*
 * Test-only (included by the DNS tests): a check that looks up every
 * "TYPE:NAME" of the setting test_lookups in one pass and, once all have
 * answered, reports T_DNS with one line per lookup: "TYPE NAME RCODE N FIRST"
 * (FIRST: the first record's address or text); the whole text (a detail is
 * cut short) is kept for lookup_scan(), and the first record's text length
 * and number of strings in lookup_len[] and lookup_strings[].  lookup_runs
 * counts its passes, so a test sees that the lookups of one message ran
 * together.
 */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/dns.h"
#include "engine/engine_int.h"
#include "mailvet/scan.h"
#include "test.h"

static atomic_uint lookup_runs;
static _Thread_local char *lookup_last;	/* the last T_DNS text of this thread's scans */
static _Thread_local size_t lookup_len[64];
static _Thread_local unsigned lookup_strings[64];

struct lookup_item {
	unsigned type;
	char name[300];
};

struct lookup_set {
	struct lookup_item *items;
	size_t n;
};

static const struct {
	const char *name;
	unsigned type;
} lookup_types[] = {
	{ "A", DNS_T_A }, { "AAAA", DNS_T_AAAA }, { "MX", DNS_T_MX },
	{ "TXT", DNS_T_TXT }, { "PTR", DNS_T_PTR }, { "CNAME", DNS_T_CNAME },
};

static const char *lookup_type_name(unsigned type)
{
	size_t i;

	for (i = 0; i < sizeof(lookup_types) / sizeof(lookup_types[0]); i++) {
		if (lookup_types[i].type == type)
			return lookup_types[i].name;
	}
	return "?";
}

static int lookup_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	size_t n, i, k;
	const char *const *items = mv_config_list(cfg, "test_lookups", &n);
	struct lookup_set *set = calloc(1, sizeof(*set));

	if (set == NULL || (set->items = calloc(n + 1, sizeof(*set->items))) == NULL) {
		free(set);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *colon = strchr(items[i], ':');

		for (k = 0; colon != NULL && k < sizeof(lookup_types) / sizeof(lookup_types[0]); k++) {
			if (strlen(lookup_types[k].name) == (size_t)(colon - items[i]) &&
			    strncasecmp(items[i], lookup_types[k].name, (size_t)(colon - items[i])) == 0)
				set->items[i].type = lookup_types[k].type;
		}
		snprintf(set->items[i].name, sizeof(set->items[i].name), "%s", colon != NULL ? colon + 1 : items[i]);
	}
	set->n = n;
	*state_r = set;
	return 0;
}

static void lookup_deinit(void *state)
{
	struct lookup_set *set = state;

	free(set->items);
	free(set);
}

static void lookup_describe(char *out, size_t size, const struct lookup_item *item, const struct dns_answer *a)
{
	char first[64] = "-";

	if (a->n_rr != 0 && (a->rr[0].type == DNS_T_A || a->rr[0].type == DNS_T_AAAA))
		inet_ntop(a->rr[0].type == DNS_T_A ? AF_INET : AF_INET6, a->rr[0].addr, first, sizeof(first));
	else if (a->n_rr != 0)
		snprintf(first, sizeof(first), "%.40s", a->rr[0].text.p);
	snprintf(out, size, "%s %s %s %u %s\n", lookup_type_name(item->type), item->name, dns_rcode_name(a->rcode),
		 a->n_rr, first);
}

static int lookup_run(struct mv_task *task, void *state)
{
	const struct lookup_set *set = state;
	size_t i, len = 0, size = 64 + set->n * 400;
	char *detail = mv_arena_alloc(task_arena(task), size);
	bool waiting = false;

	atomic_fetch_add(&lookup_runs, 1);
	if (detail == NULL)
		return MV_NOMEM;
	detail[0] = '\0';
	for (i = 0; i < set->n; i++) {
		const struct dns_answer *a;
		int rc = task_dns(task, set->items[i].name, set->items[i].type, &a);

		if (rc == MV_AGAIN) {
			waiting = true;
			continue;
		}
		if (rc != MV_OK)
			return rc;
		lookup_describe(detail + len, size - len, &set->items[i], a);
		if (i < 64) {
			lookup_len[i] = a->n_rr != 0 ? a->rr[0].text.len : 0;
			lookup_strings[i] = a->n_rr != 0 ? a->rr[0].n_strings : 0;
		}
		len += strlen(detail + len);
	}
	if (waiting)
		return MV_AGAIN;
	free(lookup_last);
	lookup_last = strdup(detail);
	return task_symbol(task, 0, "%s", detail) < 0 ? MV_NOMEM : MV_OK;
}

static const struct mv_setting_def lookup_settings[] = {
	{ "test_lookups", MV_SETTING_LIST, "", 0, 0, NULL, "TYPE:NAME items the test check looks up" },
};

static const struct check_symbol lookup_symbols[] = { { "T_DNS", "test", 0.0, "the lookups' answers" } };

static const struct check_def check_lookup = {
	.name = "lookup", .description = "test", .symbols = lookup_symbols, .n_symbols = 1,
	.needs = MV_NEED_DNS, .stage = MV_STAGE_CONNECT, .settings = lookup_settings, .n_settings = 1,
	.init = lookup_init, .deinit = lookup_deinit, .run = lookup_run,
};

static const char lookup_message[] = "From: a@example.org\nSubject: s\nDate: Mon, 7 Dec 2026 10:00:00 +0000\n"
				     "Message-ID: <x@example.org>\n\nbody\n";

static struct mv_engine *lookup_engine(const char *text, char **error_r)
{
	/* Built-in checks that look names up (dmarc) would add lookups the tests count. */
	static const char quiet[] = "disabled_checks = dmarc\n";
	const struct check_def *checks[] = { &check_lookup };
	struct mv_config *cfg = engine_config_new_with(checks, 1);
	struct mv_engine *engine = NULL;

	*error_r = NULL;
	if (mv_config_read_text(cfg, "quiet.conf", quiet, sizeof(quiet) - 1, error_r) == 0 &&
	    mv_config_read_text(cfg, "test.conf", text, strlen(text), error_r) == 0) {
		mv_config_finish(cfg);
		(void)engine_new_with(cfg, checks, 1, &engine, error_r);
	}
	mv_config_unref(&cfg);
	return engine;
}

/* A text that must be the expected one (NULL is a failure). */
static void check_text(const char *got, const char *expected, const char *file, int line)
{
	test_checks++;
	if (got == NULL || strcmp(got, expected) != 0) {
		test_failures++;
		fprintf(stderr, "%s:%d: CHECK_TEXT failed\n  got:\n%s\n  expected:\n%s\n", file, line,
			got != NULL ? got : "(nothing)", expected);
	}
}
#define CHECK_TEXT(got, expected) check_text(got, expected, __FILE__, __LINE__)

/* Scans the test message; the text of its T_DNS (malloc()ed), or NULL when it was not reported. */
static char *lookup_scan(struct mv_engine *engine)
{
	struct mv_msg *msg = NULL;
	struct mv_report report;
	char *out = NULL;

	if (mv_msg_parse(lookup_message, sizeof(lookup_message) - 1, mv_engine_limits(engine), &msg) < 0)
		return NULL;
	free(lookup_last);
	lookup_last = NULL;
	if (mv_scan(engine, msg, NULL, &report) == MV_OK && mv_report_symbol(&report, "T_DNS") != NULL) {
		out = lookup_last;
		lookup_last = NULL;
	}
	mv_msg_free(&msg);
	return out;
}

/* Writes text to dir/name; the path (static). */
static const char *write_file(const char *dir, const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}
