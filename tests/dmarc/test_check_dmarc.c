/*
 * The dmarc check through mv_scan(): the cases of rspamd and SpamAssassin
 * rebuilt on a local zone (tests/data/dmarc/cases.tsv, dmarc.zone), then our
 * own on a zone of this file: alignment, p/sp/np, t=y, a PSD's policy, the
 * action floor, DNS failures, From fields DMARC cannot use, IDN, outbound
 * mail, and what report->auth holds.  A test check ("t_auth", ordered before
 * the built-in ones) writes the SPF and DKIM results each case wants, so
 * these tests do not depend on the spf and dkim checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "auth_stub.h"
#include "corpus.h"
#include "dns/dns.h"

static char zone_path[600];

/* An engine whose DNS is the zone file with `failing` (if not NULL) answering TEMPFAIL. */
static struct mv_engine *engine_failing(const char *zone_file, const char *failing)
{
	struct mv_engine *engine = engine_from("");
	struct dns_zone *zone = dns_zone_new();
	struct dns_resolver *resolver = NULL;
	char *error = NULL;

	CHECK(engine != NULL && zone != NULL);
	if (engine == NULL || zone == NULL) {
		dns_zone_free(&zone);
		return engine;
	}
	CHECK(dns_zone_load_file(zone, zone_file, &error) == 0);
	free(error);
	if (failing != NULL)
		CHECK(dns_zone_add_failure(zone, failing, DNS_R_TEMPFAIL) == 0);
	CHECK(dns_resolver_from_zone(zone, 50, &resolver) == 0);
	engine_replace_resolver(engine, resolver);
	return engine;
}

static const char *detail_of(const struct mv_report *report, const char *name)
{
	static char out[600];
	const struct mv_symbol *s = mv_report_symbol(report, name);

	snprintf(out, sizeof(out), "%.*s", s != NULL ? (int)s->detail.len : 0, s != NULL ? s->detail.p : "");
	return out;
}

/* One row of cases.tsv; the engines are the zone's and the zone's with the row's failing name. */
static void run_case(struct mv_engine *engine, char **col, unsigned line)
{
	char path[700];
	struct mv_engine *failing = NULL;
	struct mv_report report;
	struct mv_msg *msg;
	size_t len = 0;
	char *text;
	int before = test_failures;

	snprintf(path, sizeof(path), "data/dmarc/messages/%s", col[0]);
	text = corpus_read(path, &len);
	CHECK(text != NULL);
	if (text == NULL)
		return;
	if (strcmp(col[3], "-") != 0)
		engine = failing = engine_failing(zone_path, col[3]);
	msg = scan_text(engine, text, len, col[1], col[2], NULL, &report);
	CHECK(msg != NULL);
	if (msg != NULL) {
		CHECK_STR(mv_str_cstr(mv_auth_result_name(report.auth.dmarc.result)), col[4]);
		CHECK_STR(mv_str_cstr(dmarc_symbols(&report)), col[5]);
		if (strcmp(col[6], "-") != 0)
			CHECK_STR(mv_str_cstr(mv_action_name(report.action)), col[6]);
		CHECK_STR(report.auth.dmarc.disposition, strcmp(col[7], "-") == 0 ? "" : col[7]);
		if (test_failures != before)
			fprintf(stderr, "  cases.tsv line %u: %s (%s): got %s, %s, action %s; %s\n", line, col[0],
				col[9], mv_auth_result_name(report.auth.dmarc.result), dmarc_symbols(&report),
				mv_action_name(report.action), report.n_symbols != 0 ? detail_of(&report, "DMARC_FAIL") : "");
	}
	mv_msg_free(&msg);
	mv_engine_unref(&failing);
	free(text);
}

static void test_dmarc_upstream_cases_on_a_local_zone(void)
{
	char conf[700], line[2000];
	FILE *f = fopen("data/dmarc/cases.tsv", "r");
	struct mv_engine *engine;
	unsigned n = 0, lineno = 0;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	snprintf(conf, sizeof(conf), "dns_zone = %s\n", zone_path);
	engine = engine_from(conf);
	CHECK(engine != NULL);
	while (engine != NULL && fgets(line, sizeof(line), f) != NULL) {
		char *col[10], *save = NULL, *p = line;
		unsigned k = 0;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		while (k < 10 && (col[k] = strtok_r(p, "\t", &save)) != NULL) {
			p = NULL;
			k++;
		}
		CHECK_INT(k, 10);
		if (k == 10)
			run_case(engine, col, lineno);
		n++;
	}
	fclose(f);
	CHECK_INT(n, 26);
	mv_engine_unref(&engine);
}

/* Our own zone. */
static const char own_zone[] =
	"$ORIGIN example.\n"
	"$TTL 300\n"
	"_dmarc.strict\t\tTXT\t\"v=DMARC1; p=reject; adkim=s; aspf=s\"\n"
	"_dmarc.relaxed\t\tTXT\t\"v=DMARC1; p=quarantine\"\n"
	"_dmarc.testing\t\tTXT\t\"v=DMARC1; p=reject; t=y\"\n"
	"_dmarc.np\t\tTXT\t\"v=DMARC1; p=none; sp=quarantine; np=reject\"\n"
	"real.np\t\t\tA\t192.0.2.1\n"
	"; a public suffix: its policy covers the names under it that have none\n"
	"_dmarc.bank\t\tTXT\t\"v=DMARC1; p=none; sp=reject; psd=y\"\n"
	"_dmarc.giant.bank\tTXT\t\"v=DMARC1; p=quarantine\"\n"
	"_dmarc.xn--bcher-kva\tTXT\t\"v=DMARC1; p=reject\"\n"
	"_dmarc.several\t\tTXT\t\"v=DMARC1; p=reject\"\n"
	"_dmarc.several\t\tTXT\t\"v=DMARC1; p=none\"\n";

static char own_zone_path[] = "/tmp/mv-dmarc-XXXXXX/own.zone";
static struct mv_engine *own;

/* Scans a message whose header is `from` ("From: ..." lines) with no envelope. */
static struct mv_msg *scan_from(struct mv_engine *engine, const char *from, const char *spf, const char *dkim,
				struct mv_report *report)
{
	char text[1000];
	int n = snprintf(text, sizeof(text),
			 "%sTo: b@example.org\nSubject: s\nMessage-ID: <1@x.example>\n"
			 "Date: Mon, 7 Dec 2026 10:00:00 +0000\n\nbody\n", from);

	return scan_text(engine, text, (size_t)n, spf, dkim, NULL, report);
}

static void test_dmarc_alignment_and_auth_fields(void)
{
	struct mv_report r;
	struct mv_msg *msg;

	/* Relaxed: d= of the Organizational Domain aligns with a subdomain's From. */
	msg = scan_from(own, "From: a@mail.relaxed.example\n", "pass:other.example",
			"pass:relaxed.example,fail:mail.relaxed.example,pass:other.example", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_PASS");
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_PASS")), "mail.relaxed.example: aligned DKIM (d=relaxed.example)");
	CHECK_INT(r.auth.dmarc.result, MV_AUTH_PASS);
	CHECK_STR(r.auth.dmarc.domain, "mail.relaxed.example");
	CHECK_STR(r.auth.dmarc.org_domain, "relaxed.example");
	CHECK_STR(r.auth.dmarc.policy, "quarantine");
	CHECK_STR(r.auth.dmarc.disposition, "");
	CHECK(r.auth.dmarc.dkim_aligned && !r.auth.dmarc.spf_aligned && !r.auth.dmarc.testing);
	CHECK(r.auth.n_dkim == 3 && r.auth.dkim[0].aligned && !r.auth.dkim[1].aligned && !r.auth.dkim[2].aligned);
	CHECK(r.auth.checked);
	mv_msg_free(&msg);
	/* Strict: only the From domain itself. */
	msg = scan_from(own, "From: a@strict.example\n", "pass:mail.strict.example", "pass:strict.example", &r);
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_PASS")), "strict.example: aligned DKIM (d=strict.example)");
	CHECK(r.auth.dmarc.dkim_aligned && !r.auth.dmarc.spf_aligned);
	mv_msg_free(&msg);
	msg = scan_from(own, "From: a@strict.example\n", "pass:mail.strict.example", "pass:mail.strict.example", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_FAIL,DMARC_REJECT");
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_FAIL")), "fails DMARC; strict.example asks to reject such mail (p=reject)");
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_REJECT")), "strict.example asks to reject mail that fails DMARC");
	CHECK_INT(r.action, MV_ACTION_REJECT);
	CHECK_STR(r.auth.dmarc.disposition, "reject");
	CHECK(!r.auth.dkim[0].aligned);
	mv_msg_free(&msg);
	/* SPF and DKIM both aligned (a trailing dot in a domain the checks stored is no matter). */
	msg = scan_from(own, "From: a@relaxed.example\n", "pass:bounce.relaxed.example", "pass:relaxed.example.", &r);
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_PASS")),
		  "relaxed.example: aligned SPF (bounce.relaxed.example) and DKIM (d=relaxed.example)");
	mv_msg_free(&msg);
}

static void test_dmarc_policies(void)
{
	struct mv_report r;
	struct mv_msg *msg;

	/* t=y: one step milder, and the detail says why. */
	msg = scan_from(own, "From: a@testing.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_FAIL,DMARC_QUARANTINE");
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_FAIL")),
		  "fails DMARC; testing.example asks to reject such mail (p=reject), but is testing it (t=y): quarantine");
	CHECK_INT(r.action, MV_ACTION_QUARANTINE);
	CHECK(r.auth.dmarc.testing);
	CHECK_STR(r.auth.dmarc.policy, "reject");
	CHECK_STR(r.auth.dmarc.disposition, "quarantine");
	mv_msg_free(&msg);
	/* np= for a name that does not exist, sp= for one that does. */
	msg = scan_from(own, "From: a@ghost.np.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_FAIL")), "fails DMARC; np.example asks to reject such mail (np=reject)");
	CHECK_INT(r.action, MV_ACTION_REJECT);
	mv_msg_free(&msg);
	msg = scan_from(own, "From: a@real.np.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_FAIL")),
		  "fails DMARC; np.example asks to quarantine such mail (sp=quarantine)");
	mv_msg_free(&msg);
	/* p=none asks nothing: no floor, no disposition symbol. */
	msg = scan_from(own, "From: a@np.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_FAIL");
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_FAIL")),
		  "fails DMARC; np.example asks nothing of such mail (p=none: it only monitors)");
	CHECK_INT(r.action, MV_ACTION_ACCEPT);
	mv_msg_free(&msg);
}

static void test_dmarc_tree_walk_and_psd(void)
{
	struct mv_report r;
	struct mv_msg *msg;

	/* No record at shop.bank.example: the PSD's (psd=y) applies, and shop.bank.example is its own organization. */
	msg = scan_from(own, "From: a@www.shop.bank.example\n", "-", "pass:shop.bank.example", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_PASS");
	CHECK_STR(r.auth.dmarc.org_domain, "shop.bank.example");
	mv_msg_free(&msg);
	msg = scan_from(own, "From: a@www.shop.bank.example\n", "pass:giant.bank.example", "pass:bank.example", &r);
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_FAIL")),
		  "fails DMARC; the public suffix bank.example asks to reject such mail (sp=reject)");
	CHECK_STR(r.auth.dmarc.org_domain, "shop.bank.example");
	CHECK_INT(r.action, MV_ACTION_REJECT);
	mv_msg_free(&msg);
	/* An organization under the PSD with its own record: that one, found at the Organizational Domain. */
	msg = scan_from(own, "From: a@mail.giant.bank.example\n", "-", "pass:other.bank.example", &r);
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_FAIL")),
		  "fails DMARC; giant.bank.example asks to quarantine such mail (p=quarantine)");
	CHECK_STR(r.auth.dmarc.org_domain, "giant.bank.example");
	mv_msg_free(&msg);
	/* Two DMARC records at one name: both discarded, so no policy. */
	msg = scan_from(own, "From: a@several.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_NONE");
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_NONE")), "several.example publishes no DMARC policy");
	mv_msg_free(&msg);
}

static void test_dmarc_action_floor(void)
{
	char conf[800];
	struct mv_engine *engine;
	struct mv_report r;
	struct mv_msg *msg;

	/* Even at score 0 a p=reject fail is rejected, and a p=quarantine fail quarantined. */
	snprintf(conf, sizeof(conf),
		 "dns_zone = %s\nscore DMARC_FAIL = 0\nscore DMARC_REJECT = 0\nscore DMARC_QUARANTINE = 0\n",
		 own_zone_path);
	engine = engine_from(conf);
	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	msg = scan_from(engine, "From: a@strict.example\n", "-", "-", &r);
	CHECK(r.score < 5.0);
	CHECK_INT(r.action, MV_ACTION_REJECT);
	mv_msg_free(&msg);
	msg = scan_from(engine, "From: a@relaxed.example\n", "-", "-", &r);
	CHECK_INT(r.action, MV_ACTION_QUARANTINE);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
	/* dmarc_enforce = no: the score alone decides. */
	snprintf(conf, sizeof(conf), "dns_zone = %s\ndmarc_enforce = no\n", own_zone_path);
	engine = engine_from(conf);
	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	msg = scan_from(engine, "From: a@strict.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_FAIL,DMARC_REJECT");
	CHECK_INT(r.action, MV_ACTION_ACCEPT);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_dmarc_temperror(void)
{
	struct mv_engine *engine = engine_failing(own_zone_path, "_dmarc.relaxed.example");
	struct mv_report r;
	struct mv_msg *msg;

	if (engine == NULL)
		return;
	msg = scan_from(engine, "From: a@relaxed.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_TEMPERROR");
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_TEMPERROR")),
		  "relaxed.example: the DNS did not answer for the From domain's DMARC record");
	CHECK_INT(r.auth.dmarc.result, MV_AUTH_TEMPERROR);
	CHECK_INT(r.action, MV_ACTION_ACCEPT);
	mv_msg_free(&msg);
	/* A subdomain: the walk meets the failure one level up. */
	msg = scan_from(engine, "From: a@www.relaxed.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_TEMPERROR");
	mv_msg_free(&msg);
	/* A failure the answer does not need: strict.example has its record, no identifier to walk. */
	msg = scan_from(engine, "From: a@strict.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_FAIL,DMARC_REJECT");
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
	/* The top-level domain failing: relaxed alignment of a subdomain cannot be decided. */
	engine = engine_failing(own_zone_path, "_dmarc.example");
	if (engine == NULL)
		return;
	msg = scan_from(engine, "From: a@relaxed.example\n", "pass:mail.relaxed.example", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_TEMPERROR");
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_TEMPERROR")),
		  "relaxed.example: the DNS did not answer during the tree walk for alignment");
	mv_msg_free(&msg);
	msg = scan_from(engine, "From: a@relaxed.example\n", "pass:mail.relaxed.example", "pass:relaxed.example", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_PASS");
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_dmarc_from_fields(void)
{
	struct mv_report r;
	struct mv_msg *msg;

	msg = scan_from(own, "From: a@strict.example\nFrom: b@relaxed.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_PERMERROR");
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_PERMERROR")), "the message has 2 From fields");
	CHECK_INT(r.auth.dmarc.result, MV_AUTH_PERMERROR);
	mv_msg_free(&msg);
	msg = scan_from(own, "From: a@strict.example, b@Relaxed.Example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_PERMERROR")),
		  "the From field names several domains (strict.example, relaxed.example)");
	mv_msg_free(&msg);
	/* Several addresses of one domain are one Author Domain. */
	msg = scan_from(own, "From: a@strict.example, \"B\" <b@STRICT.example.>\n", "-", "pass:strict.example", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_PASS");
	mv_msg_free(&msg);
	msg = scan_from(own, "Subject: no from\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_NONE")), "the message has no From field");
	CHECK_INT(r.auth.dmarc.result, MV_AUTH_NONE);
	mv_msg_free(&msg);
	msg = scan_from(own, "From: undisclosed-recipients:;\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(detail_of(&r, "DMARC_NONE")), "the From field has no domain");
	mv_msg_free(&msg);
	msg = scan_from(own, "From: a@exa mple..com\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_NONE");
	mv_msg_free(&msg);
	/* A U-label domain (RFC 6532) is looked up as its A-label (RFC 9989 5.3.1). */
	msg = scan_from(own, "From: a@b\xc3\xbc" "cher.example\n", "-", "-", &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_FAIL,DMARC_REJECT");
	CHECK_STR(r.auth.dmarc.domain, "xn--bcher-kva.example");
	mv_msg_free(&msg);
}

static void test_dmarc_outbound_is_not_judged(void)
{
	struct mv_envelope env;
	struct mv_report r;
	struct mv_msg *msg;
	static const char text[] = "From: a@strict.example\nSubject: s\n\nbody\n";

	memset(&env, 0, sizeof(env));
	env.conn.client_ip = MV_STR_LIT("192.0.2.7");
	env.conn.sasl_user = MV_STR_LIT("a");
	env.conn.authenticated = true;
	msg = scan_text(own, text, sizeof(text) - 1, "-", "-", &env, &r);
	CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "");
	CHECK(!r.auth.checked);
	mv_msg_free(&msg);
}

int main(void)
{
	char cwd[400], conf[800];
	char *slash;
	FILE *f;

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(zone_path, sizeof(zone_path), "%s/data/dmarc/dmarc.zone", cwd);
	slash = strrchr(own_zone_path, '/');
	*slash = '\0';
	CHECK(mkdtemp(own_zone_path) != NULL);
	*slash = '/';
	f = fopen(own_zone_path, "w");
	CHECK(f != NULL && fputs(own_zone, f) >= 0 && fclose(f) == 0);
	snprintf(conf, sizeof(conf), "dns_zone = %s\n", own_zone_path);
	own = engine_from(conf);
	CHECK(own != NULL);
	if (own == NULL)
		return test_summary();
	RUN(test_dmarc_upstream_cases_on_a_local_zone);
	RUN(test_dmarc_alignment_and_auth_fields);
	RUN(test_dmarc_policies);
	RUN(test_dmarc_tree_walk_and_psd);
	RUN(test_dmarc_action_floor);
	RUN(test_dmarc_temperror);
	RUN(test_dmarc_from_fields);
	RUN(test_dmarc_outbound_is_not_judged);
	mv_engine_unref(&own);
	unlink(own_zone_path);
	*strrchr(own_zone_path, '/') = '\0';
	rmdir(own_zone_path);
	return test_summary();
}
