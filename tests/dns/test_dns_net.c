/*
 * Network lookups through c-ares on the loop, against the fake server of
 * fake_dns.c: every record type and the same answers as the zone gives
 * directly, the lookups of one message in flight together, a server that
 * never answers (the retries, then TIMEOUT), the scan's deadline first, IDs
 * that lie, late answers, truncation and TCP, SERVFAIL and malformed
 * answers, CNAME loops, the cache (hits, TTL, negative answers, off), an
 * unreachable server, a task freed with its lookups in flight, and threads
 * sharing one resolver.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fake_dns.c"
#include "lookup_check.c"
#include "net_scan.c"
#include "engine/task_int.h"
#include "test.h"

static struct fake_dns *server;
static struct dns_zone *server_zone;

static const char zone_text[] =
	"$ORIGIN test.\n"
	"$TTL 300\n"
	"a        A     192.0.2.1\n"
	"a        AAAA  2001:db8::1\n"
	"a        MX    10 mx.test.\n"
	"a        MX    20 mx2.test.\n"
	"a        TXT   \"v=spf1 \" \"ip4:192.0.2.0/24 \" \"-all\"\n"
	"www      CNAME alias\n"
	"alias    CNAME a\n"
	"short 1  A     192.0.2.9\n"
	"l1       CNAME l2\n"
	"l2       CNAME l1\n"
	"c0 CNAME c1\nc1 CNAME c2\nc2 CNAME c3\nc3 CNAME c4\nc4 CNAME c5\nc5 CNAME c6\nc6 CNAME c7\nc7 CNAME c8\n"
	"c8 CNAME c9\nc9 A 192.0.2.99\n"
	"*        A     192.0.2.200\n"
	"$ORIGIN 2.0.192.in-addr.arpa.\n"
	"1        PTR   a.test.\n";

static void test_net_answers_as_the_zone_does(void)
{
	static const char lookups[] = "A:a.test, AAAA:a.test, MX:a.test, TXT:a.test, PTR:1.2.0.192.in-addr.arpa, "
				      "A:www.test, CNAME:www.test, TXT:www.test, A:x.y.test, MX:c9.test, A:nx.example";
	char text[1024], *error = NULL, *net, *direct, dir[] = "/tmp/mv-dns-net-XXXXXX";
	struct mv_engine *engine;
	const char *path = mkdtemp(dir) != NULL ? write_file(dir, "fake.zone", zone_text) : NULL;

	CHECK(path != NULL);
	if (path == NULL)
		return;
	snprintf(text, sizeof(text), "dns_zone = %s\ntest_lookups = %s\n", path, lookups);
	engine = lookup_engine(text, &error);
	CHECK(engine != NULL);
	free(error);
	direct = engine != NULL ? lookup_scan(engine) : NULL;
	mv_engine_unref(&engine);
	unlink(path);
	rmdir(dir);
	atomic_store(&lookup_runs, 0);
	net = net_scan(lookups, "", NULL);
	CHECK(net != NULL && direct != NULL);
	if (net != NULL && direct != NULL)
		CHECK_STR(mv_str_cstr(net), direct);
	/* The zone's answer is the expected one too; the net one was a wait away: two passes. */
	CHECK(direct != NULL && strstr(direct, "TXT a.test ok 1 v=spf1 ip4:192.0.2.0/24 -all\n") != NULL);
	CHECK(direct != NULL && strstr(direct, "A www.test ok 1 192.0.2.1\n") != NULL);
	CHECK(direct != NULL && strstr(direct, "A nx.example nxdomain 0 -\n") != NULL);
	CHECK_INT(atomic_load(&lookup_runs), 2);
	free(net);
	free(direct);
}

static void test_net_lookups_of_one_message_run_together(void)
{
	char lookups[4096];
	size_t len = 0;
	unsigned i, before = atomic_load(&server->queries);
	double took;
	char *detail;

	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(lookups + len, sizeof(lookups) - len, "%sA:late100-%u.test", i ? ", " : "", i);
	atomic_store(&lookup_runs, 0);
	detail = net_scan(lookups, "dns_max_queries = 40\n", &took);
	CHECK(detail != NULL);
	for (i = 0; detail != NULL && i < 40; i++) {
		char line[64];

		snprintf(line, sizeof(line), "A late100-%u.test ok 1 192.0.2.200\n", i);
		CHECK(strstr(detail, line) != NULL);
	}
	printf("40 lookups answered after 100 ms each: %.3f s, %u queries\n", took,
	       atomic_load(&server->queries) - before);
	CHECK_INT(atomic_load(&lookup_runs), 2);
	CHECK(took >= 0.09 && took < time_bound(1.0));
	free(detail);
}

static void test_net_never_answered_times_out_after_retries(void)
{
	unsigned before = atomic_load(&server->queries);
	double took;
	char *detail = net_scan("A:never.test", "dns_timeout = 100ms\ndns_retries = 2\n", &took);

	CHECK(detail != NULL && strcmp(detail, "A never.test timeout 0 -\n") == 0);
	CHECK_INT(atomic_load(&server->queries) - before, 3);
	printf("never answered, 100 ms x 3 tries: %.3f s\n", took);
	CHECK(took >= 0.29 && took < time_bound(1.0));
	free(detail);
}

static void test_net_deadline_ends_the_wait(void)
{
	double took;
	char *detail = net_scan("A:never.test, A:a.test", "dns_timeout = 5s\nscan_deadline = 200ms\n", &took);

	CHECK(detail != NULL && strcmp(detail, "A never.test timeout 0 -\nA a.test ok 1 192.0.2.1\n") == 0);
	CHECK(took >= 0.19 && took < time_bound(1.0));
	free(detail);
}

static void test_net_lying_and_late_servers(void)
{
	double took;
	char *detail = net_scan("A:wrongid.test, A:wrongfirst.test, A:late50.test, A:late400.test",
				 "dns_timeout = 150ms\ndns_retries = 1\n", &took);

	CHECK_TEXT(detail, "A wrongid.test timeout 0 -\n"
			   "A wrongfirst.test ok 1 192.0.2.200\n"
			   "A late50.test ok 1 192.0.2.200\n"
			   "A late400.test timeout 0 -\n");
	CHECK(took < time_bound(1.0));
	free(detail);
}

static void test_net_truncated_answers_come_over_tcp(void)
{
	char lookups[200], *detail;
	char big[3001], *error = NULL;

	memset(big, 'x', 3000);
	big[3000] = '\0';
	memcpy(big, "v=DKIM1; p=", 11);
	CHECK(dns_zone_add(server_zone, "big.test", DNS_T_TXT, 60, big, &error) == 0);
	CHECK(dns_zone_add(server_zone, "tc.test", DNS_T_TXT, 60, "small, but truncated over UDP", &error) == 0);
	snprintf(lookups, sizeof(lookups), "TXT:big.test, TXT:tc.test, A:tc.test");
	detail = net_scan(lookups, "", NULL);
	CHECK_TEXT(detail, "TXT big.test ok 1 v=DKIM1; p=xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
			   "TXT tc.test ok 1 small, but truncated over UDP\n"
			   "A tc.test ok 0 -\n");
	/* The whole 3000 bytes, in the 12 strings the server sent. */
	CHECK_INT(lookup_len[0], 3000);
	CHECK_INT(lookup_strings[0], 12);
	free(detail);
}

static void test_net_failures_are_clear(void)
{
	double took;
	char *detail = net_scan("A:servfail.test, TXT:badtxt.test, A:garbage.test, A:l1.test, A:c0.test, A:c1.test",
				 "dns_timeout = 100ms\ndns_retries = 0\n", &took);

	CHECK_TEXT(detail, "A servfail.test tempfail 0 -\n"
			   "TXT badtxt.test tempfail 0 -\n"
			   "A garbage.test timeout 0 -\n"
			   "A l1.test tempfail 0 -\n"
			   "A c0.test tempfail 0 -\n"
			   "A c1.test ok 1 192.0.2.99\n");
	CHECK(took < time_bound(1.0));
	free(detail);
}

static void test_net_cache(void)
{
	struct mv_engine *engine = net_engine("A:a.test, A:cached-nx.example, A:short.test, TXT:never.test",
					      "dns_timeout = 50ms\ndns_retries = 0\n");
	unsigned before;
	char *first, *second, *third;

	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	before = atomic_load(&server->queries);
	first = lookup_scan(engine);
	CHECK_INT(atomic_load(&server->queries) - before, 4);
	/* The second message asks again only for what failed (a timeout is not kept). */
	before = atomic_load(&server->queries);
	second = lookup_scan(engine);
	CHECK_INT(atomic_load(&server->queries) - before, 1);
	CHECK(first != NULL && second != NULL && strcmp(first, second) == 0);
	CHECK(second != NULL && strstr(second, "A cached-nx.example nxdomain 0 -\n") != NULL);
	/* short.test has a TTL of 1 s. */
	usleep(1100 * 1000);
	before = atomic_load(&server->queries);
	third = lookup_scan(engine);
	CHECK_INT(atomic_load(&server->queries) - before, 2);
	CHECK(third != NULL && first != NULL && strcmp(first, third) == 0);
	free(first);
	free(second);
	free(third);
	mv_engine_unref(&engine);
	/* No cache: every message asks. */
	engine = net_engine("A:a.test", "dns_cache_size = 0\n");
	before = atomic_load(&server->queries);
	free(lookup_scan(engine));
	free(lookup_scan(engine));
	CHECK_INT(atomic_load(&server->queries) - before, 2);
	mv_engine_unref(&engine);
}

static void test_net_unreachable_server(void)
{
	char extra[200], *error = NULL, *detail;
	struct mv_engine *engine;
	double start, took;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);

	/*
	 * A port nobody listens on: the kernel refuses each query, but c-ares
	 * shares one socket and a refusal may be read by another query's send,
	 * so one may wait for its timeout before its retry is refused.
	 */
	bind(s, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(s, (struct sockaddr *)&sa, &len);
	close(s);
	snprintf(extra, sizeof(extra),
		 "dns_servers = 127.0.0.1:%u\ndns_timeout = 200ms\ndns_retries = 1\ntest_lookups = A:a.test, MX:a.test\n",
		 ntohs(sa.sin_port));
	engine = lookup_engine(extra, &error);
	CHECK(engine != NULL);
	free(error);
	if (engine == NULL)
		return;
	start = now_s();
	detail = lookup_scan(engine);
	took = now_s() - start;
	CHECK(detail != NULL && strcmp(detail, "A a.test tempfail 0 -\nMX a.test tempfail 0 -\n") == 0);
	CHECK(took < time_bound(1.0));
	free(detail);
	mv_engine_unref(&engine);
}

/* A task freed while its lookups are in flight: nothing is called back, the channel ends. */
static void test_net_task_freed_while_waiting(void)
{
	struct mv_engine *engine = net_engine("A:late200-a.test, A:late200-b.test", "");
	struct mv_loop *loop = mv_loop_new();
	struct mv_msg *msg = NULL;
	struct mv_report report;
	struct mv_task *task;

	CHECK(engine != NULL && loop != NULL);
	if (engine == NULL || loop == NULL)
		return;
	CHECK(mv_msg_parse(lookup_message, sizeof(lookup_message) - 1, mv_engine_limits(engine), &msg) == 0);
	task = mv_task_new(engine, msg, NULL, &report);
	CHECK_INT(mv_task_run(task, loop, NULL, NULL), MV_AGAIN);
	CHECK_INT(dns_net_channels(engine->dns), 1);
	mv_loop_run_once(loop, 10);
	mv_task_free(&task);
	CHECK_INT(dns_net_channels(engine->dns), 0);
	CHECK(!mv_loop_busy(loop));
	mv_msg_free(&msg);
	mv_loop_free(&loop);
	mv_engine_unref(&engine);
}

struct net_worker {
	pthread_t thread;
	struct mv_engine *engine;
	unsigned ok;
};

static void *net_worker_main(void *arg)
{
	struct net_worker *w = arg;
	unsigned i;

	for (i = 0; i < 100; i++) {
		char *detail = lookup_scan(w->engine);

		w->ok += detail != NULL && strstr(detail, "tempfail") == NULL && strstr(detail, "timeout") == NULL;
		free(detail);
	}
	return NULL;
}

static void test_net_threads_share_the_resolver(void)
{
	struct mv_engine *engine = net_engine("A:a.test, MX:a.test, A:t1.test, A:t2.test, TXT:a.test, A:nx.example",
					      "dns_cache_size = 3\n");
	struct net_worker w[4];
	unsigned i, ok = 0;

	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	for (i = 0; i < 4; i++) {
		w[i] = (struct net_worker){ .engine = engine };
		CHECK(pthread_create(&w[i].thread, NULL, net_worker_main, &w[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(w[i].thread, NULL);
		ok += w[i].ok;
	}
	CHECK_INT(ok, 400);
	mv_engine_unref(&engine);
}

int main(void)
{
	char *error = NULL;

	server_zone = dns_zone_new();
	CHECK(dns_zone_load_text(server_zone, "fake.zone", zone_text, strlen(zone_text), &error) == 0);
	free(error);
	server = fake_dns_start(server_zone);
	CHECK(server != NULL);
	if (server == NULL)
		return test_summary();
	net_port = server->port;
	RUN(test_net_answers_as_the_zone_does);
	RUN(test_net_lookups_of_one_message_run_together);
	RUN(test_net_never_answered_times_out_after_retries);
	RUN(test_net_deadline_ends_the_wait);
	RUN(test_net_lying_and_late_servers);
	RUN(test_net_truncated_answers_come_over_tcp);
	RUN(test_net_failures_are_clear);
	RUN(test_net_cache);
	RUN(test_net_unreachable_server);
	RUN(test_net_task_freed_while_waiting);
	RUN(test_net_threads_share_the_resolver);
	fake_dns_stop(&server);
	dns_zone_free(&server_zone);
	return test_summary();
}
