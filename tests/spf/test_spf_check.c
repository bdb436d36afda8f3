/*
 * The spf check through mv_scan(), with its DNS from a zone file named in
 * the configuration (dns_zone): which identity is checked (MAIL FROM,
 * postmaster@HELO for a bounce, HELO besides), what lands in
 * report->auth.spf, which symbol is reported, and that our own users' mail
 * is not checked.
 */
#include <stdlib.h>
#include <unistd.h>

#include "mailvet/auth.h"
#include "mailvet/scan.h"
#include "mailvet/status.h"
#include "test.h"

static const char zone_text[] =
	"$TTL 300\n"
	"example.org.          TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
	"soft.example.org.     TXT \"v=spf1 ip4:192.0.2.0/24 ~all\"\n"
	"broken.example.org.   TXT \"v=spf1 ip4:192.0.2.0/33 -all\"\n"
	"why.example.org.      TXT \"v=spf1 -all exp=exp.example.org\"\n"
	"exp.example.org.      TXT \"%{i} is not one of %{d}'s servers\"\n"
	"mx.example.org.       A   192.0.2.10\n"
	"mx.example.org.       TXT \"v=spf1 a -all\"\n"
	"other.example.net.    TXT \"v=spf1 -all\"\n";

static const char message[] = "From: a@example.org\nSubject: s\n\nbody\n";

static struct mv_engine *engine;

static struct mv_engine *engine_with_zone(const char *path)
{
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *e = NULL;
	char text[512], *error = NULL;

	snprintf(text, sizeof(text), "dns_zone = %s\nlocal_networks = 127.0.0.0/8\n", path);
	if (mv_config_read_text(cfg, "test.conf", text, strlen(text), &error) == 0) {
		mv_config_finish(cfg);
		if (mv_engine_new(cfg, &e, &error) < 0)
			e = NULL;
	}
	if (error != NULL)
		fprintf(stderr, "engine: %s\n", error);
	free(error);
	mv_config_unref(&cfg);
	return e;
}

struct result {
	struct mv_auth_spf spf;
	bool checked;
	char symbol[32];
	char detail[256];
	char explanation[256];
	char domain[256];
};

/* Scans the message from ip with HELO helo and MAIL FROM from (NULL: not known). */
static struct result scan(const char *ip, const char *helo, const char *from, const char *sasl_user)
{
	struct result r;
	struct mv_envelope env;
	struct mv_report report;
	struct mv_msg *msg = NULL;
	unsigned i;

	memset(&r, 0, sizeof(r));
	memset(&env, 0, sizeof(env));
	env.conn.client_ip = mv_str_cstr(ip);
	env.conn.helo = mv_str_cstr(helo);
	env.conn.sasl_user = mv_str_cstr(sasl_user);
	env.txn.has_mail_from = from != NULL;
	env.txn.mail_from = mv_str_cstr(from);
	if (mv_msg_parse(message, sizeof(message) - 1, NULL, &msg) < 0 || mv_scan(engine, msg, &env, &report) != MV_OK) {
		CHECK(0);
		return r;
	}
	r.spf = report.auth.spf;
	r.checked = report.auth.checked;
	snprintf(r.explanation, sizeof(r.explanation), "%.*s", (int)r.spf.explanation.len, r.spf.explanation.p);
	snprintf(r.domain, sizeof(r.domain), "%.*s", (int)r.spf.domain.len, r.spf.domain.p);
	for (i = 0; i < report.n_symbols; i++) {
		if (strncmp(report.symbols[i].name, "SPF_", 4) == 0) {
			snprintf(r.symbol, sizeof(r.symbol), "%s", report.symbols[i].name);
			snprintf(r.detail, sizeof(r.detail), "%.*s", (int)report.symbols[i].detail.len,
				 report.symbols[i].detail.p);
		}
	}
	r.spf.explanation = MV_STR_NULL;
	r.spf.domain = MV_STR_NULL;
	mv_msg_free(&msg);
	return r;
}

static void test_spf_check_mail_from(void)
{
	struct result r = scan("192.0.2.1", "mx.example.org", "alice@example.org", "");

	CHECK(r.checked);
	CHECK_INT(r.spf.result, MV_AUTH_PASS);
	CHECK_STR(r.spf.identity, "mailfrom");
	CHECK_STR(mv_str_cstr(r.domain), "example.org");
	CHECK_STR(mv_str_cstr(r.symbol), "SPF_PASS");
	/* The HELO name is checked besides: mx.example.org is 192.0.2.10, not this client. */
	CHECK_INT(r.spf.helo_result, MV_AUTH_FAIL);
	r = scan("198.51.100.1", "mx.example.org", "alice@example.org", "");
	CHECK_INT(r.spf.result, MV_AUTH_FAIL);
	CHECK_STR(mv_str_cstr(r.symbol), "SPF_FAIL");
	CHECK_STR(mv_str_cstr(r.explanation), "");
	r = scan("198.51.100.1", "mx.example.org", "alice@soft.example.org", "");
	CHECK_STR(mv_str_cstr(r.symbol), "SPF_SOFTFAIL");
	r = scan("198.51.100.1", "x", "alice@nowhere.example.org", "");
	CHECK_STR(mv_str_cstr(r.symbol), "SPF_NONE");
	CHECK_INT(r.spf.helo_result, MV_AUTH_NONE);
}

static void test_spf_check_explanations(void)
{
	struct result r = scan("198.51.100.1", "mx.example.org", "bob@why.example.org", "");

	CHECK_INT(r.spf.result, MV_AUTH_FAIL);
	CHECK_STR(mv_str_cstr(r.explanation), "198.51.100.1 is not one of why.example.org's servers");
	CHECK(strstr(r.detail, "is not one of") != NULL);
	r = scan("192.0.2.1", "mx.example.org", "bob@broken.example.org", "");
	CHECK_STR(mv_str_cstr(r.symbol), "SPF_PERMERROR");
	CHECK(strstr(r.explanation, "ip4:192.0.2.0/33") != NULL);
}

static void test_spf_check_null_sender_is_postmaster_at_helo(void)
{
	struct result r = scan("192.0.2.10", "mx.example.org", "", "");

	CHECK_INT(r.spf.result, MV_AUTH_PASS);
	CHECK_STR(r.spf.identity, "helo");
	CHECK_STR(mv_str_cstr(r.domain), "mx.example.org");
	CHECK_INT(r.spf.helo_result, MV_AUTH_PASS);
	r = scan("192.0.2.11", "mx.example.org", "", "");
	CHECK_STR(mv_str_cstr(r.symbol), "SPF_FAIL");
	/* A bounce from a client whose HELO is an address literal: nothing to check (4.3). */
	r = scan("192.0.2.11", "[192.0.2.11]", "", "");
	CHECK_STR(mv_str_cstr(r.symbol), "SPF_NONE");
	CHECK_STR(r.spf.identity, "helo");
	/* MAIL FROM not known at all: the HELO identity alone. */
	r = scan("192.0.2.10", "mx.example.org", NULL, "");
	CHECK_STR(mv_str_cstr(r.symbol), "SPF_PASS");
	CHECK_STR(r.spf.identity, "helo");
}

static void test_spf_check_not_for_our_users_or_without_client(void)
{
	struct result r = scan("198.51.100.1", "laptop", "alice@example.org", "alice");

	CHECK(!r.checked);
	CHECK_STR(mv_str_cstr(r.symbol), "");
	r = scan("127.0.0.1", "localhost", "alice@example.org", "");
	CHECK_STR(mv_str_cstr(r.symbol), "");
	r = scan("", "mx.example.org", "alice@example.org", "");
	CHECK_STR(mv_str_cstr(r.symbol), "");
}

int main(void)
{
	char path[] = "/tmp/mv-spf-zone-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, zone_text, sizeof(zone_text) - 1) != (ssize_t)(sizeof(zone_text) - 1)) {
		perror("zone");
		return 1;
	}
	close(fd);
	engine = engine_with_zone(path);
	CHECK(engine != NULL);
	if (engine != NULL) {
		RUN(test_spf_check_mail_from);
		RUN(test_spf_check_explanations);
		RUN(test_spf_check_null_sender_is_postmaster_at_helo);
		RUN(test_spf_check_not_for_our_users_or_without_client);
		mv_engine_unref(&engine);
	}
	unlink(path);
	return test_summary();
}
