/* The helo check, through mv_scan() with the envelope given as the milter or scan options would. */
#include <stdlib.h>
#include <string.h>

#include "mailvet/scan.h"
#include "offline_engine.h"
#include "test.h"

static const char message[] = "From: a@example.com\nSubject: s\n\nbody\n";
static struct mv_engine *engine;

/* Which HELO_ symbol the scan reports for this HELO from this client ("" for none). */
static const char *helo_symbol(const char *helo, const char *client_ip, const char *sasl_user)
{
	static char name[64];
	struct mv_envelope env;
	struct mv_report report;
	struct mv_msg *msg = NULL;
	unsigned i;

	memset(&env, 0, sizeof(env));
	env.conn.helo = mv_str_cstr(helo);
	env.conn.client_ip = mv_str_cstr(client_ip);
	env.conn.sasl_user = mv_str_cstr(sasl_user);
	name[0] = '\0';
	if (mv_msg_parse(message, sizeof(message) - 1, NULL, &msg) < 0)
		return "parse failed";
	(void)mv_scan(engine, msg, &env, &report);
	for (i = 0; i < report.n_symbols; i++) {
		if (strncmp(report.symbols[i].name, "HELO_", 5) == 0)
			snprintf(name, sizeof(name), "%s", report.symbols[i].name);
	}
	mv_msg_free(&msg);
	return name;
}

#define CHECK_HELO(helo, ip, user, expected) CHECK_STR(mv_str_cstr(helo_symbol(helo, ip, user)), expected)

static void test_helo_names(void)
{
	CHECK_HELO("mail.example.com", "203.0.113.5", "", "");
	CHECK_HELO("203.0.113.5", "203.0.113.5", "", "HELO_BARE_IP");
	CHECK_HELO("2001:db8::5", "2001:db8::5", "", "HELO_BARE_IP");
	CHECK_HELO("[203.0.113.5]", "203.0.113.5", "", "");
	CHECK_HELO("[203.0.113.6]", "203.0.113.5", "", "HELO_LITERAL_MISMATCH");
	CHECK_HELO("[IPv6:2001:db8::5]", "2001:db8:0::5", "", "");
	CHECK_HELO("[IPv6:2001:db8::6]", "2001:db8::5", "", "HELO_LITERAL_MISMATCH");
	CHECK_HELO("localhost", "203.0.113.5", "", "HELO_LOCALHOST");
	CHECK_HELO("LOCALHOST.localdomain", "203.0.113.5", "", "HELO_LOCALHOST");
	CHECK_HELO("desktop", "203.0.113.5", "", "HELO_NOT_FQDN");
	CHECK_HELO("mail.example.com.", "203.0.113.5", "", "HELO_NOT_FQDN");
}

static void test_helo_of_our_own_clients_is_not_judged(void)
{
	/* SASL-authenticated, or from local_networks (127.0.0.0/8 by default): outbound. */
	CHECK_HELO("desktop", "203.0.113.5", "alice", "");
	CHECK_HELO("localhost", "127.0.0.1", "", "");
}

int main(void)
{
	engine = offline_engine("");
	CHECK(engine != NULL);
	if (engine == NULL)
		return test_summary();
	RUN(test_helo_names);
	RUN(test_helo_of_our_own_clients_is_not_judged);
	mv_engine_unref(&engine);
	return test_summary();
}
