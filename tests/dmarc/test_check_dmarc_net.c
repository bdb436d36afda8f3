/*
 * The dmarc check over real DNS: a server on 127.0.0.1 (tests/dns/fake_dns.c)
 * answers through c-ares, so every lookup is a wait and the check is run
 * again from the start once its lookups have answered.  The result must be
 * what a zone answering at once gives, with each name asked once.
 */
#include "test.h"
#include "auth_stub.h"
#include "../dns/fake_dns.c"

static struct fake_dns *server;

static void test_dmarc_over_the_network(void)
{
	static const char text[] = "From: a@www.relaxed.example\nSubject: s\nMessage-ID: <1@x.example>\n\nbody\n";
	static const char zone_text[] = "_dmarc.relaxed.example. TXT \"v=DMARC1; p=reject; sp=quarantine\"\n";
	struct dns_zone *zone = dns_zone_new();
	char conf[200], *error = NULL;
	struct mv_engine *engine;
	struct mv_report r;
	struct mv_msg *msg;
	unsigned before;

	CHECK(zone != NULL);
	if (zone == NULL)
		return;
	CHECK(dns_zone_load_text(zone, "net.zone", zone_text, sizeof(zone_text) - 1, &error) == 0);
	free(error);
	server = fake_dns_start(zone);
	CHECK(server != NULL);
	if (server == NULL) {
		dns_zone_free(&zone);
		return;
	}
	snprintf(conf, sizeof(conf), "dns_servers = 127.0.0.1:%u\ndns_timeout = 2s\n", server->port);
	engine = engine_from(conf);
	CHECK(engine != NULL);
	if (engine != NULL) {
		/* The walk of www.relaxed.example (3 names), then the SPF domain's (1 more). */
		before = atomic_load(&server->queries);
		msg = scan_text(engine, text, sizeof(text) - 1, "pass:mail.relaxed.example", "-", NULL, &r);
		CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_PASS");
		CHECK_STR(r.auth.dmarc.org_domain, "relaxed.example");
		CHECK(r.auth.dmarc.spf_aligned);
		CHECK_INT(atomic_load(&server->queries) - before, 4);
		mv_msg_free(&msg);
		/* A fail: sp=quarantine for the subdomain, the action raised to it. */
		msg = scan_text(engine, text, sizeof(text) - 1, "-", "pass:other.example", NULL, &r);
		CHECK_STR(mv_str_cstr(dmarc_symbols(&r)), "DMARC_FAIL,DMARC_QUARANTINE");
		CHECK_INT(r.action, MV_ACTION_QUARANTINE);
		mv_msg_free(&msg);
	}
	mv_engine_unref(&engine);
	fake_dns_stop(&server);
	dns_zone_free(&zone);
}

int main(void)
{
	RUN(test_dmarc_over_the_network);
	return test_summary();
}
