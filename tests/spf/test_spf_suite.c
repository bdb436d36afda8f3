/*
 * The RFC 7208 test suite (openspf/pyspf) and pyspf's extra tests, through
 * the whole scan: per scenario an in-memory zone with its records, an
 * engine that answers from it, and per test a scan of a small message with
 * the test's HELO, client and MAIL FROM; report->auth.spf must give one of
 * the test's results, and the explanation where the test names one
 * ("DEFAULT": none).  The cases not run are listed below with the reason;
 * docs/internals/spf.md quotes the RFC text for each.  The input is the
 * line format of tests/spf/spf_suite_convert.py (tests/data/spf/SUITE.txt).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_int.h"
#include "engine/engine_int.h"
#include "mailvet/auth.h"
#include "mailvet/scan.h"
#include "test.h"

/* Cases whose expected result is not RFC 7208's (docs/internals/spf.md: "Exclusions"). */
static const struct {
	const char *suite, *id, *why;
} excluded[] = {
	{ "pyspf-extra-tests", "default-modifier",
	  "pyspf's lax mode honours an obsolete default= modifier; RFC 7208 6 ignores unknown modifiers" },
	{ "pyspf-extra-tests", "default-modifier-harsh",
	  "pyspf's harsh mode answers 'ambiguous', which is not an RFC 7208 result" },
};

static const char message[] = "From: a@example.com\nSubject: spf\n\nbody\n";

/* Decodes a percent-encoded field in place; returns its length. */
static size_t decode(char *s)
{
	char *w = s, *p = s;

	for (; *p != '\0'; p++) {
		if (p[0] == '%' && mv_hex_value(p[1]) >= 0 && mv_hex_value(p[2]) >= 0) {
			*w++ = (char)(mv_hex_value(p[1]) * 16 + mv_hex_value(p[2]));
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = mv_ascii_lower(*s);
}

static int type_of(const char *word)
{
	static const struct {
		const char *name;
		int type;
	} types[] = { { "A", DNS_T_A }, { "AAAA", DNS_T_AAAA }, { "MX", DNS_T_MX }, { "PTR", DNS_T_PTR },
		      { "CNAME", DNS_T_CNAME }, { "TXT", DNS_T_TXT } };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(word, types[i].name) == 0)
			return types[i].type;
	}
	return -1;
}

/* One "zone NAME TYPE DATA..." line (its words after "zone"); 0, or -1 when it cannot be added. */
static int zone_line(struct dns_zone *zone, char **w, int n)
{
	struct dns_rr rr;
	char *error = NULL, text[4096];
	int type, rc, i;
	size_t len = 0;

	if (n < 2)
		return -1;
	decode(w[0]);
	lower(w[0]);
	if (strcmp(w[1], "TIMEOUT") == 0)
		return dns_zone_add_failure(zone, w[0], DNS_R_TIMEOUT);
	type = type_of(w[1]);
	memset(&rr, 0, sizeof(rr));
	rr.type = (uint16_t)type;
	rr.ttl = 3600;
	if (type == DNS_T_TXT) {
		/* Built here rather than by dns_zone_add_txt(): the suite has NUL bytes in records. */
		for (i = 2; i < n; i++) {
			size_t l;

			if (strncmp(w[i], "s=", 2) != 0 || (l = decode(w[i] + 2)) > sizeof(text) - len)
				return -1;
			memcpy(text + len, w[i] + 2, l);
			len += l;
		}
		rr.text = mv_str_make(text, len);
		rr.n_strings = (unsigned)(n - 2);
	} else if (type == DNS_T_MX && n == 4 && strcmp(w[3], ".") == 0) {
		rr.preference = (uint16_t)atoi(w[2]);	/* the null MX (RFC 7505): no host */
		rr.text = MV_STR_LIT("");
	} else if (type > 0 && n >= 3) {
		char data[600];

		decode(w[2]);
		if (n == 4)
			decode(w[3]);
		snprintf(data, sizeof(data), "%s%s%s", w[2], n == 4 ? " " : "", n == 4 ? w[3] : "");
		rc = dns_zone_add(zone, w[0], (uint16_t)type, 3600, data, &error);
		if (rc < 0)
			fprintf(stderr, "zone: %s\n", error);
		free(error);
		return rc;
	} else {
		return -1;
	}
	rc = dns_zone_add_rr(zone, w[0], &rr, &error);
	free(error);
	return rc;
}

static bool is_excluded(const char *suite, const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++) {
		if (strcmp(excluded[i].suite, suite) == 0 && strcmp(excluded[i].id, id) == 0)
			return true;
	}
	return false;
}

static struct mv_engine *engine_for(struct dns_zone *zone)
{
	static const char conf[] = "local_networks =\ndns_max_queries = 1000\n";
	struct mv_config *cfg = mv_engine_config_new();
	struct dns_resolver *resolver;
	struct mv_engine *engine = NULL;
	char *error = NULL;

	if (cfg == NULL || mv_config_read_text(cfg, "spf-suite.conf", conf, strlen(conf), &error) < 0) {
		fprintf(stderr, "config: %s\n", error != NULL ? error : "out of memory");
		free(error);
		mv_config_unref(&cfg);
		dns_zone_free(&zone);
		return NULL;
	}
	mv_config_finish(cfg);
	if (mv_engine_new(cfg, &engine, &error) < 0) {
		fprintf(stderr, "engine: %s\n", error);
		free(error);
		mv_config_unref(&cfg);
		dns_zone_free(&zone);
		return NULL;
	}
	mv_config_unref(&cfg);
	if (dns_resolver_from_zone(zone, 1000, &resolver) < 0) {
		mv_engine_unref(&engine);
		return NULL;
	}
	engine_replace_resolver(engine, resolver);
	return engine;
}

/* Runs one "test ID key=value..." line; true when the result (and explanation) is as expected. */
static bool run_test(struct mv_engine *engine, const char *suite, char **w, int n)
{
	const char *helo = "", *host = "", *mailfrom = "", *results = "", *explanation = NULL;
	struct mv_envelope env;
	struct mv_report report;
	struct mv_msg *msg = NULL;
	const struct mv_auth_spf *spf;
	const char *got;
	char list[128], *tok, *save;
	bool ok = false;
	int i;

	for (i = 1; i < n; i++) {
		char *eq = strchr(w[i], '=');

		if (eq == NULL)
			continue;
		*eq = '\0';
		decode(eq + 1);
		if (strcmp(w[i], "helo") == 0)
			helo = eq + 1;
		else if (strcmp(w[i], "host") == 0)
			host = eq + 1;
		else if (strcmp(w[i], "mailfrom") == 0)
			mailfrom = eq + 1;
		else if (strcmp(w[i], "result") == 0)
			results = eq + 1;
		else if (strcmp(w[i], "explanation") == 0)
			explanation = eq + 1;
	}
	memset(&env, 0, sizeof(env));
	env.conn.client_ip = mv_str_cstr(host);
	env.conn.helo = mv_str_cstr(helo);
	env.txn.has_mail_from = true;
	env.txn.mail_from = mv_str_cstr(mailfrom);
	env.txn.time = 1400000000;
	if (mv_msg_parse(message, sizeof(message) - 1, mv_engine_limits(engine), &msg) < 0)
		return false;
	if (mv_scan(engine, msg, &env, &report) != MV_OK) {
		mv_msg_free(&msg);
		return false;
	}
	spf = &report.auth.spf;
	got = mv_auth_result_name(spf->result);
	snprintf(list, sizeof(list), "%s", results);
	for (tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
		ok |= strcmp(tok, got) == 0;
	if (ok && explanation != NULL) {
		mv_str want = strcmp(explanation, "DEFAULT") == 0 ? MV_STR_LIT("") : mv_str_cstr(explanation);

		ok = spf->explanation.len == want.len && memcmp(spf->explanation.p, want.p, want.len) == 0;
	}
	if (!ok)
		fprintf(stderr, "FAIL %s %s: got %s \"%.*s\", expected %s%s%s\n", suite, w[0], got,
			(int)spf->explanation.len, spf->explanation.p, results, explanation != NULL ? " " : "",
			explanation != NULL ? explanation : "");
	mv_msg_free(&msg);
	return ok;
}

/* Runs one converted suite; adds its tests to the harness's counts. */
static void run_suite(const char *suite)
{
	char path[256], line[8192], *w[64];
	struct dns_zone *zone = NULL;
	struct mv_engine *engine = NULL;
	unsigned passed = 0, failed = 0, skipped = 0;
	FILE *f;

	snprintf(path, sizeof(path), "data/spf/%s.txt", suite);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *save, *tok;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (tok = strtok_r(line, " ", &save); tok != NULL && n < 64; tok = strtok_r(NULL, " ", &save))
			w[n++] = tok;
		if (n == 0 || w[0][0] == '#')
			continue;
		if (strcmp(w[0], "scenario") == 0) {
			mv_engine_unref(&engine);
			dns_zone_free(&zone);
			zone = dns_zone_new();
			CHECK(zone != NULL);
		} else if (strcmp(w[0], "zone") == 0) {
			if (zone == NULL || zone_line(zone, w + 1, n - 1) < 0) {
				fprintf(stderr, "%s: cannot add: zone %s %s\n", suite, n > 1 ? w[1] : "", n > 2 ? w[2] : "");
				CHECK(0);
			}
		} else if (strcmp(w[0], "test") == 0 && n >= 2) {
			decode(w[1]);
			if (is_excluded(suite, w[1])) {
				skipped++;
				continue;
			}
			if (engine == NULL && zone != NULL) {
				engine = engine_for(zone);
				zone = NULL;
			}
			test_cases++;
			if (engine != NULL && run_test(engine, suite, w + 1, n - 1)) {
				passed++;
			} else {
				failed++;
				test_cases_failed++;
				test_failures++;
			}
		}
	}
	fclose(f);
	mv_engine_unref(&engine);
	dns_zone_free(&zone);
	printf("%s: %u of %u tests pass, %u excluded\n", suite, passed, passed + failed, skipped);
	CHECK(passed + failed > 0);
}

int main(void)
{
	run_suite("rfc7208-tests");
	run_suite("pyspf-extra-tests");
	return test_summary();
}
