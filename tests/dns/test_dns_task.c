/*
 * task_dns() through the engine, answered by a zone: the lookups of one pass
 * all answered (at once, with no waiting), the memo (one entry per type and
 * normalized name), the per-message budget, BADNAME, failures marked in the
 * zone, a zone file named by the configuration (relative to it), and errors
 * in it as configuration errors.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lookup_check.c"
#include "dns/dns_int.h"
#include "test.h"

static char dir[] = "/tmp/mv-dns-task-XXXXXX";

static const char zone_text[] =
	"$ORIGIN example.org.\n"
	"$TTL 300\n"
	"@        A     192.0.2.1\n"
	"@        AAAA  2001:db8::1\n"
	"@        MX    10 mx\n"
	"@        TXT   \"v=spf1 \" \"-all\"\n"
	"mx       A     192.0.2.25\n"
	"www      CNAME @\n"
	"$ORIGIN 2.0.192.in-addr.arpa.\n"
	"1        PTR   example.org.\n";

static void test_task_zone_answers_in_one_pass(void)
{
	char text[600], *error = NULL, *detail;
	struct mv_engine *engine;

	snprintf(text, sizeof(text),
		 "dns_zone = %s\n"
		 "test_lookups = A:example.org, AAAA:Example.ORG., MX:example.org, TXT:example.org,\n"
		 "  PTR:1.2.0.192.in-addr.arpa, A:www.example.org, CNAME:www.example.org, A:nope.example.org,\n"
		 "  TXT:mx.example.org\n",
		 write_file(dir, "t.zone", zone_text));
	engine = lookup_engine(text, &error);
	CHECK(engine != NULL);
	if (engine == NULL) {
		fprintf(stderr, "%s\n", error);
		free(error);
		return;
	}
	atomic_store(&lookup_runs, 0);
	detail = lookup_scan(engine);
	CHECK_TEXT(detail, "A example.org ok 1 192.0.2.1\n"
			   "AAAA Example.ORG. ok 1 2001:db8::1\n"
			   "MX example.org ok 1 mx.example.org\n"
			   "TXT example.org ok 1 v=spf1 -all\n"
			   "PTR 1.2.0.192.in-addr.arpa ok 1 example.org\n"
			   "A www.example.org ok 1 192.0.2.1\n"
			   "CNAME www.example.org ok 1 example.org\n"
			   "A nope.example.org nxdomain 0 -\n"
			   "TXT mx.example.org ok 0 -\n");
	/* A zone answers at once: one pass, no waiting. */
	CHECK_INT(atomic_load(&lookup_runs), 1);
	free(detail);
	mv_engine_unref(&engine);
}

static void test_task_budget_and_badname(void)
{
	char text[600], *error = NULL, *detail;
	struct mv_engine *engine;

	/* Three distinct lookups are made; the fourth and fifth are not; repeats and bad names cost nothing. */
	snprintf(text, sizeof(text),
		 "dns_zone = %s\ndns_max_queries = 3\n"
		 "test_lookups = A:a..example.org, A:example.org, A:EXAMPLE.org., MX:example.org, TXT:example.org,\n"
		 "  AAAA:example.org, A:mx.example.org, A:example.org, TXT:x\\y.org\n",
		 write_file(dir, "t.zone", zone_text));
	engine = lookup_engine(text, &error);
	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	detail = lookup_scan(engine);
	CHECK_TEXT(detail, "A a..example.org badname 0 -\n"
			   "A example.org ok 1 192.0.2.1\n"
			   "A EXAMPLE.org. ok 1 192.0.2.1\n"
			   "MX example.org ok 1 mx.example.org\n"
			   "TXT example.org ok 1 v=spf1 -all\n"
			   "AAAA example.org limit 0 -\n"
			   "A mx.example.org limit 0 -\n"
			   "A example.org ok 1 192.0.2.1\n"
			   "TXT x\\y.org badname 0 -\n");
	free(detail);
	mv_engine_unref(&engine);
}

/* A check that asks the same name twice in other spellings: one memo entry, the same answer. */
static bool memo_same;

static int memo_run(struct mv_task *task, void *state)
{
	const struct dns_answer *a = NULL, *b = NULL, *c = NULL, *d = NULL;

	if (task_dns(task, "example.org", DNS_T_A, &a) != MV_OK || task_dns(task, "EXAMPLE.ORG.", DNS_T_A, &b) != MV_OK ||
	    task_dns(task, "example.org", DNS_T_AAAA, &c) != MV_OK || task_dns(task, "Nope.example.org", DNS_T_A, &d) != MV_OK)
		return MV_OK;
	/* The canonical name of an answer with no records is the asked one, normalized. */
	memo_same = a == b && a != c && a->n_rr == 1 && c->n_rr == 1 && d->rcode == DNS_R_NXDOMAIN &&
		    mv_str_eq(d->canonical, "nope.example.org") && mv_str_eq(a->canonical, "example.org");
	return MV_OK;
}

static const struct check_def check_memo = {
	.name = "memo", .description = "test", .needs = MV_NEED_DNS, .stage = MV_STAGE_CONNECT, .run = memo_run,
};

static void test_task_memo(void)
{
	const struct check_def *checks[] = { &check_memo };
	struct mv_config *cfg = engine_config_new_with(checks, 1);
	struct mv_engine *engine = NULL;
	struct dns_zone *zone = dns_zone_new();
	struct dns_resolver *resolver = NULL;
	struct mv_msg *msg = NULL;
	struct mv_report report;
	char *error = NULL;

	mv_config_finish(cfg);
	CHECK(engine_new_with(cfg, checks, 1, &engine, &error) == 0);
	CHECK(dns_zone_add(zone, "example.org", DNS_T_A, 60, "192.0.2.1", &error) == 0);
	CHECK(dns_zone_add(zone, "example.org", DNS_T_AAAA, 60, "2001:db8::1", &error) == 0);
	CHECK(dns_resolver_from_zone(zone, 10, &resolver) == 0);
	engine_replace_resolver(engine, resolver);
	CHECK(mv_msg_parse(lookup_message, sizeof(lookup_message) - 1, mv_engine_limits(engine), &msg) == 0);
	memo_same = false;
	CHECK_INT(mv_scan(engine, msg, NULL, &report), MV_OK);
	CHECK(memo_same);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
	mv_config_unref(&cfg);
}

static void test_task_failures_and_no_resolver(void)
{
	struct dns_zone *zone = dns_zone_new();
	struct dns_resolver *resolver = NULL;
	struct mv_engine *engine;
	char *error = NULL, *detail;

	engine = lookup_engine("dns_servers = 127.0.0.1:9\ntest_lookups = TXT:down.example, A:slow.example, A:a.b.example, A:b.example\n",
			       &error);
	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	CHECK(dns_zone_add(zone, "a.b.example", DNS_T_A, 60, "192.0.2.1", &error) == 0);
	CHECK(dns_zone_add_failure(zone, "down.example", DNS_R_TEMPFAIL) == 0);
	CHECK(dns_zone_add_failure(zone, "slow.example", DNS_R_TIMEOUT) == 0);
	CHECK(dns_resolver_from_zone(zone, 50, &resolver) == 0);
	engine_replace_resolver(engine, resolver);
	detail = lookup_scan(engine);
	CHECK_TEXT(detail, "TXT down.example tempfail 0 -\n"
			   "A slow.example timeout 0 -\n"
			   "A a.b.example ok 1 192.0.2.1\n"
			   "A b.example ok 0 -\n");
	free(detail);
	/* No resolver at all: every lookup is a temporary failure. */
	engine_replace_resolver(engine, NULL);
	detail = lookup_scan(engine);
	CHECK(detail != NULL && strstr(detail, "TXT down.example tempfail 0 -\nA slow.example tempfail 0 -\n") == detail);
	free(detail);
	mv_engine_unref(&engine);
}

static void test_config_zone_file_errors(void)
{
	struct mv_engine *engine;
	char text[600], *error = NULL;
	const char *path;

	engine = lookup_engine("dns_zone = /nonexistent/t.zone\n", &error);
	CHECK(engine == NULL);
	CHECK(error != NULL && strcmp(error, "/nonexistent/t.zone: cannot read: No such file or directory") == 0);
	free(error);
	path = write_file(dir, "bad.zone", "$ORIGIN example.org.\n@ A 192.0.2.1\n@ MX 10\n");
	snprintf(text, sizeof(text), "dns_zone = %s\n", path);
	engine = lookup_engine(text, &error);
	CHECK(engine == NULL);
	CHECK(error != NULL && strstr(error, "/bad.zone:3: MX: a name is missing") != NULL);
	free(error);
	engine = lookup_engine("dns_servers = 192.0.2.1, 192.0.2.300\n", &error);
	CHECK(engine == NULL);
	CHECK(error != NULL &&
	      strcmp(error, "test.conf:1: dns_servers: '192.0.2.300' is not a server (IP, IP:PORT or [IPv6]:PORT)") == 0);
	free(error);
	engine = lookup_engine("dns_servers = 1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9\n",
			       &error);
	CHECK(engine == NULL);
	CHECK(error != NULL && strcmp(error, "test.conf:1: dns_servers: at most 8 servers") == 0);
	free(error);
}

/* dns_zone = t.zone in a file is read from that file's directory. */
static void test_config_relative_zone(void)
{
	const struct check_def *checks[] = { &check_lookup };
	struct mv_config *cfg = engine_config_new_with(checks, 1);
	struct mv_engine *engine = NULL;
	char conf[512], *error = NULL, *detail;

	write_file(dir, "t.zone", zone_text);
	snprintf(conf, sizeof(conf), "%s", write_file(dir, "mailvet.conf", "dns_zone = t.zone\ntest_lookups = A:mx.example.org\n"));
	CHECK(chdir("/") == 0);
	CHECK(mv_config_read_file(cfg, conf, true, &error) == 0);
	mv_config_finish(cfg);
	CHECK(engine_new_with(cfg, checks, 1, &engine, &error) == 0);
	if (error != NULL)
		fprintf(stderr, "%s\n", error);
	free(error);
	detail = engine != NULL ? lookup_scan(engine) : NULL;
	CHECK(detail != NULL && strcmp(detail, "A mx.example.org ok 1 192.0.2.25\n") == 0);
	free(detail);
	mv_engine_unref(&engine);
	mv_config_unref(&cfg);
}

static void test_server_parse(void)
{
	struct dns_server s;

	CHECK(dns_server_parse("192.0.2.53", &s) && s.family == AF_INET && s.port == 53 && s.addr[3] == 53);
	CHECK(dns_server_parse("192.0.2.53:5353", &s) && s.family == AF_INET && s.port == 5353);
	CHECK(dns_server_parse("2001:db8::53", &s) && s.family == AF_INET6 && s.port == 53 && s.addr[15] == 0x53);
	CHECK(dns_server_parse("[2001:db8::53]:5353", &s) && s.family == AF_INET6 && s.port == 5353);
	CHECK(dns_server_parse("[::1]", &s) && s.family == AF_INET6 && s.port == 53);
	CHECK(!dns_server_parse("[192.0.2.1]:53", &s));
	CHECK(!dns_server_parse("192.0.2.1:0", &s));
	CHECK(!dns_server_parse("192.0.2.1:65536", &s));
	CHECK(!dns_server_parse("192.0.2.1:x", &s));
	CHECK(!dns_server_parse("[::1]x", &s));
	CHECK(!dns_server_parse("ns.example.org", &s));
	CHECK(!dns_server_parse("", &s));
}

int main(void)
{
	CHECK(mkdtemp(dir) != NULL);
	RUN(test_task_zone_answers_in_one_pass);
	RUN(test_task_budget_and_badname);
	RUN(test_task_memo);
	RUN(test_task_failures_and_no_resolver);
	RUN(test_config_zone_file_errors);
	RUN(test_config_relative_zone);
	RUN(test_server_parse);
	unlink(write_file(dir, "t.zone", ""));
	unlink(write_file(dir, "bad.zone", ""));
	unlink(write_file(dir, "mailvet.conf", ""));
	rmdir(dir);
	return test_summary();
}
