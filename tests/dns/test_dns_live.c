/*
 * The network path against a real DNS server: Debian's unbound, started here
 * on a free loopback port, authoritative for data/dns/live.zone (auth-zone,
 * no recursion, no network) with 512-byte UDP answers.  The answers must be
 * those the same file gives as dns_zone; a TXT over 512 bytes comes whole
 * over TCP; the lookups of one message are in flight together; a server that
 * never answers (a socket nobody reads) ends in TIMEOUT after the retries or
 * at the scan's deadline, and a second server is asked after it; the cache
 * answers a second message with the server stopped, until a TTL ends.
 * Skipped (77) only when /usr/sbin/unbound is not installed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lookup_check.c"
#include "net_scan.c"
#include "engine/task_int.h"
#include "test.h"

#define UNBOUND "/usr/sbin/unbound"

static char dir[] = "/tmp/mv-dns-live-XXXXXX";
static char zone_path[600];
static pid_t unbound_pid = -1;

/* A loopback port free for both UDP and TCP. */
static unsigned free_port(void)
{
	unsigned i;

	for (i = 0; i < 50; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(sa);
		int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
		bool ok = bind(u, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
			  getsockname(u, (struct sockaddr *)&sa, &len) == 0 &&
			  bind(t, (struct sockaddr *)&sa, sizeof(sa)) == 0;

		close(u);
		close(t);
		if (ok)
			return ntohs(sa.sin_port);
	}
	return 0;
}

/* True once unbound answers a query for a.test over UDP. */
static bool unbound_answers(void)
{
	static const unsigned char query[] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 4, 't', 'e', 's', 't',
					       0, 0, 1, 0, 1 };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)net_port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { 0, 100000 };
	unsigned char answer[512];
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = sendto(s, query, sizeof(query), 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)sizeof(query)
		    ? recv(s, answer, sizeof(answer), 0) : -1;
	close(s);
	return n > 12 && answer[0] == 0x12 && (answer[3] & 0x0f) == 0 && answer[7] != 0;
}

static bool unbound_start(void)
{
	char conf[8192], path[700], log[700], cwd[400];
	int i;

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return false;
	snprintf(zone_path, sizeof(zone_path), "%s/data/dns/live.zone", cwd);
	net_port = free_port();
	snprintf(conf, sizeof(conf),
		 "server:\n"
		 "  interface: 127.0.0.1\n  port: %u\n  do-ip6: no\n  num-threads: 1\n"
		 "  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  directory: \"%s\"\n  pidfile: \"\"\n"
		 "  use-syslog: no\n  logfile: \"\"\n  verbosity: 1\n"
		 "  access-control: 127.0.0.0/8 allow\n"
		 "  module-config: \"iterator\"\n"
		 "  max-udp-size: 512\n  rrset-roundrobin: no\n"
		 "  local-zone: \"test.\" nodefault\n"
		 "  local-data-ptr: \"192.0.2.1 a.test\"\n"
		 "auth-zone:\n  name: \"test.\"\n  zonefile: \"%s\"\n  for-downstream: yes\n  for-upstream: no\n"
		 "remote-control:\n  control-enable: no\n",
		 net_port, dir, zone_path);
	if (write_file(dir, "unbound.conf", conf) == NULL)
		return false;
	snprintf(path, sizeof(path), "%s/unbound.conf", dir);
	snprintf(log, sizeof(log), "%s/unbound.log", dir);
	unbound_pid = fork();
	if (unbound_pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		/* It ends with this test, whatever happens to the test. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(UNBOUND, "unbound", "-d", "-c", path, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && unbound_pid > 0; i++) {
		int status;

		if (unbound_answers())
			return true;
		if (waitpid(unbound_pid, &status, WNOHANG) == unbound_pid) {
			unbound_pid = -1;
			break;
		}
	}
	snprintf(conf, sizeof(conf), "cat %s >&2", log);
	fprintf(stderr, "unbound did not start:\n");
	(void)system(conf);
	return false;
}

static void unbound_stop(void)
{
	if (unbound_pid > 0) {
		kill(unbound_pid, SIGCONT);
		kill(unbound_pid, SIGTERM);
		waitpid(unbound_pid, NULL, 0);
	}
	unbound_pid = -1;
}

static void test_live_answers_as_the_zone_file(void)
{
	static const char lookups[] = "A:a.test, AAAA:a.test, MX:a.test, TXT:a.test, A:www.test, CNAME:www.test, "
				      "MX:www.test, A:x.many.test, TXT:big.test, A:nx.test, AAAA:mx.test, A:ns.test";
	char text[1200], *error = NULL, *live, *direct;
	struct mv_engine *engine;

	snprintf(text, sizeof(text), "dns_zone = %s\ntest_lookups = %s\n", zone_path, lookups);
	engine = lookup_engine(text, &error);
	CHECK(engine != NULL);
	free(error);
	direct = engine != NULL ? lookup_scan(engine) : NULL;
	mv_engine_unref(&engine);
	CHECK_TEXT(direct, "A a.test ok 2 192.0.2.1\n"
			   "AAAA a.test ok 1 2001:db8::1\n"
			   "MX a.test ok 2 mx.test\n"
			   "TXT a.test ok 1 v=spf1 ip4:192.0.2.0/24 -all\n"
			   "A www.test ok 2 192.0.2.1\n"
			   "CNAME www.test ok 1 alias.test\n"
			   "MX www.test ok 2 mx.test\n"
			   "A x.many.test ok 1 192.0.2.7\n"
			   "TXT big.test ok 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
			   "A nx.test nxdomain 0 -\n"
			   "AAAA mx.test ok 0 -\n"
			   "A ns.test ok 1 127.0.0.1\n");
	atomic_store(&lookup_runs, 0);
	live = net_scan(lookups, "", NULL);
	CHECK(direct != NULL);
	if (direct != NULL)
		CHECK_TEXT(live, direct);
	CHECK_INT(atomic_load(&lookup_runs), 2);
	/* The big TXT came whole (over TCP: unbound truncates UDP answers at 512 bytes). */
	CHECK_INT(lookup_len[8], 620);
	CHECK_INT(lookup_strings[8], 3);
	free(live);
	free(direct);
}

static void test_live_ptr(void)
{
	char *detail = net_scan("PTR:1.2.0.192.in-addr.arpa", "", NULL);

	CHECK_TEXT(detail, "PTR 1.2.0.192.in-addr.arpa ok 1 a.test\n");
	free(detail);
}

static void test_live_many_lookups_at_once(void)
{
	char lookups[4096], expected[4096];
	size_t len = 0, elen = 0;
	unsigned i;
	double took;
	char *detail;

	for (i = 0; i < 50; i++) {
		len += (size_t)snprintf(lookups + len, sizeof(lookups) - len, "%sA:n%u.many.test", i ? ", " : "", i);
		elen += (size_t)snprintf(expected + elen, sizeof(expected) - elen, "A n%u.many.test ok 1 192.0.2.7\n", i);
	}
	atomic_store(&lookup_runs, 0);
	detail = net_scan(lookups, "", &took);
	CHECK_TEXT(detail, expected);
	CHECK_INT(atomic_load(&lookup_runs), 2);
	printf("50 lookups of one message from unbound: %.3f s\n", took);
	CHECK(took < time_bound(1.0));
	free(detail);
}

/* A UDP socket that is never read: a server that never answers. */
static int silent_socket(unsigned *port_r)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || getsockname(s, (struct sockaddr *)&sa, &len) < 0) {
		close(s);
		return -1;
	}
	*port_r = ntohs(sa.sin_port);
	return s;
}

static void test_live_silent_server(void)
{
	unsigned silent = 0;
	int s = silent_socket(&silent);
	char extra[300], *detail;
	struct mv_engine *engine;
	double start, took;

	CHECK(s >= 0);
	/* dns_timeout x (dns_retries + 1) = 300 ms. */
	snprintf(extra, sizeof(extra), "dns_servers = 127.0.0.1:%u\ndns_timeout = 100ms\ndns_retries = 2\n"
		 "test_lookups = A:a.test, TXT:a.test\n", silent);
	engine = lookup_engine(extra, &detail);
	CHECK(engine != NULL);
	start = now_s();
	detail = engine != NULL ? lookup_scan(engine) : NULL;
	took = now_s() - start;
	CHECK_TEXT(detail, "A a.test timeout 0 -\nTXT a.test timeout 0 -\n");
	CHECK(took >= 0.29 && took < time_bound(1.0));
	free(detail);
	mv_engine_unref(&engine);
	/* The scan's deadline comes first. */
	snprintf(extra, sizeof(extra), "dns_servers = 127.0.0.1:%u\ndns_timeout = 2s\nscan_deadline = 150ms\n"
		 "test_lookups = A:a.test\n", silent);
	engine = lookup_engine(extra, &detail);
	start = now_s();
	detail = engine != NULL ? lookup_scan(engine) : NULL;
	took = now_s() - start;
	CHECK_TEXT(detail, "A a.test timeout 0 -\n");
	CHECK(took >= 0.14 && took < time_bound(1.0));
	free(detail);
	mv_engine_unref(&engine);
	/* A second server is asked when the first is silent. */
	snprintf(extra, sizeof(extra), "dns_servers = 127.0.0.1:%u 127.0.0.1:%u\ndns_timeout = 100ms\ndns_retries = 0\n"
		 "test_lookups = A:a.test\n", silent, net_port);
	engine = lookup_engine(extra, &detail);
	start = now_s();
	detail = engine != NULL ? lookup_scan(engine) : NULL;
	took = now_s() - start;
	CHECK_TEXT(detail, "A a.test ok 2 192.0.2.1\n");
	CHECK(took >= 0.09 && took < time_bound(1.0));
	free(detail);
	mv_engine_unref(&engine);
	close(s);
}

static void test_live_cache(void)
{
	struct mv_engine *engine = net_engine("A:a.test, A:nx.test, A:short.test",
					       "dns_timeout = 100ms\ndns_retries = 0\n");
	char *first, *second, *third;
	double start, took;

	CHECK(engine != NULL);
	if (engine == NULL)
		return;
	first = lookup_scan(engine);
	CHECK_TEXT(first, "A a.test ok 2 192.0.2.1\nA nx.test nxdomain 0 -\nA short.test ok 1 192.0.2.9\n");
	/* With the server stopped, the second message is answered from the cache, at once. */
	kill(unbound_pid, SIGSTOP);
	start = now_s();
	second = lookup_scan(engine);
	took = now_s() - start;
	if (first != NULL)
		CHECK_TEXT(second, first);
	CHECK(took < time_bound(0.09));	/* under the 100 ms a query to the stopped server would wait */
	/* short.test lives 1 s: then it is asked again, and the stopped server does not answer. */
	usleep(1100 * 1000);
	third = lookup_scan(engine);
	CHECK_TEXT(third, "A a.test ok 2 192.0.2.1\nA nx.test nxdomain 0 -\nA short.test timeout 0 -\n");
	kill(unbound_pid, SIGCONT);
	free(first);
	free(second);
	free(third);
	mv_engine_unref(&engine);
}

int main(void)
{
	if (access(UNBOUND, X_OK) != 0) {
		printf("skipped: %s is not installed (Debian package unbound)\n", UNBOUND);
		return 77;
	}
	CHECK(mkdtemp(dir) != NULL);
	if (!unbound_start()) {
		CHECK(!"unbound started");
		unbound_stop();
		return test_summary();
	}
	RUN(test_live_answers_as_the_zone_file);
	RUN(test_live_ptr);
	RUN(test_live_many_lookups_at_once);
	RUN(test_live_silent_server);
	RUN(test_live_cache);
	unbound_stop();
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return test_summary();
}
