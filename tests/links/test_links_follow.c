/*
 * links_follow (--follow) against a local HTTP server (follow_server.py on a
 * loopback port, started here and stopped by its PID): a redirect chain is
 * followed to its end and recorded hop by hop; a loop, too many hops, a slow
 * answer, huge headers and an address that is not on the Internet each end
 * the following with the link still hidden, in bounded time; nothing is
 * asked unless links_follow is set; the requests of a message run together.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mailvet/scan.h"
#include "offline_engine.h"
#include "test.h"

static pid_t server_pid = -1;
static struct mv_engine *follower;	/* following, loopback allowed */
static int port;
static char log_path[] = "/tmp/mv-follow-log-XXXXXX";

/* Starts the server; false (the test is skipped) when python3 cannot run it. */
static bool server_start(void)
{
	int out[2], logfd = mkstemp(log_path);
	char line[32];
	size_t len;
	ssize_t n = 0;

	if (logfd < 0 || pipe(out) < 0)
		return false;
	server_pid = fork();
	if (server_pid < 0)
		return false;
	if (server_pid == 0) {
		dup2(out[1], 1);
		dup2(logfd, 2);
		close(out[0]);
		/* Debian's, not a wrapper that forks: the PID stopped must be the server's */
		execl("/usr/bin/python3", "python3", "links/follow_server.py", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	close(logfd);
	/* the whole line: the server must not find its pipe closed while it writes */
	for (len = 0; len < sizeof(line) - 1 && memchr(line, '\n', len) == NULL; len += (size_t)n) {
		n = read(out[0], line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			break;
	}
	close(out[0]);
	line[len] = '\0';
	port = atoi(line);
	return port > 0;
}

static void server_stop(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	unlink(log_path);
}

/* How many requests the server has logged. */
static int requests(void)
{
	FILE *f = fopen(log_path, "r");
	int n = 0, c;

	if (f == NULL)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct outcome {
	char dest[300];
	char redirects[1000];
	unsigned flags;
	char hidden_detail[300];
	double seconds;
};

/* Scans a message with one link per path (to the server) and describes link `which` and LINK_HIDDEN_DESTINATION. */
static struct outcome scan_paths(struct mv_engine *engine, const char *const *paths, unsigned n, unsigned which)
{
	struct outcome o;
	char text[4000];
	size_t len;
	struct mv_msg *msg = NULL;
	struct mv_report report;
	const struct mv_symbol *hidden;
	double t0;
	unsigned i;

	memset(&o, 0, sizeof(o));
	len = (size_t)snprintf(text, sizeof(text), "From: a@example.com\nSubject: s\nContent-Type: text/html\n\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "<a href=\"http://127.0.0.1:%d%s\">link %u</a>\n",
					port, paths[i], i);
	if (mv_msg_parse(text, len, NULL, &msg) < 0)
		return o;
	t0 = now_s();
	(void)mv_scan(engine, msg, NULL, &report);
	o.seconds = now_s() - t0;
	if (which < report.n_links) {
		const struct mv_link *l = &report.links[which];
		size_t k = 0;

		snprintf(o.dest, sizeof(o.dest), "%.*s", (int)l->destination.len, l->destination.p);
		for (i = 0; i < l->n_redirects && k < sizeof(o.redirects); i++)
			k += (size_t)snprintf(o.redirects + k, sizeof(o.redirects) - k, "%s%.*s", i != 0 ? " " : "",
					      (int)l->redirects[i].len, l->redirects[i].p);
		o.flags = l->flags;
	}
	hidden = mv_report_symbol(&report, "LINK_HIDDEN_DESTINATION");
	if (hidden != NULL)
		snprintf(o.hidden_detail, sizeof(o.hidden_detail), "%.*s", (int)hidden->detail.len, hidden->detail.p);
	mv_msg_free(&msg);
	return o;
}

static struct mv_engine *follow_engine(const char *extra)
{
	char conf[400];

	snprintf(conf, sizeof(conf), "links_follow = yes\nlinks_follow_timeout = 1s\nlinks_follow_max_hops = 5\n%s", extra);
	return offline_engine(conf);
}

/* "http://127.0.0.1:PORT" before each of the space-separated paths. */
static const char *urls(const char *paths)
{
	static char out[1000];
	size_t n = 0;
	const char *p = paths;

	while (*p != '\0' && n < sizeof(out)) {
		size_t k = strcspn(p, " ");

		n += (size_t)snprintf(out + n, sizeof(out) - n, "%shttp://127.0.0.1:%d%.*s", n != 0 ? " " : "", port, (int)k, p);
		p += k + (p[k] == ' ');
	}
	return out;
}

static void test_chain(void)
{
	struct mv_engine *e = follower;
	static const char *const paths[] = { "/click/chain3" };
	struct outcome o = scan_paths(e, paths, 1, 0);
	char want[100];

	snprintf(want, sizeof(want), "http://127.0.0.1:%d/final", port);
	CHECK_STR(mv_str_cstr(o.dest), want);
	CHECK_STR(mv_str_cstr(o.redirects), urls("/click/chain3 /click/chain2 /click/chain1"));
	CHECK_INT(o.flags, MV_LINKF_TRACKER | MV_LINKF_FOLLOWED);
	CHECK_STR(mv_str_cstr(o.hidden_detail), "");
}

static void test_non_web_location(void)
{
	struct mv_engine *e = follower;
	static const char *const paths[] = { "/click/mailto" };
	struct outcome o = scan_paths(e, paths, 1, 0);

	CHECK_STR(mv_str_cstr(o.dest), "mailto:sales@example.org");
	CHECK_STR(mv_str_cstr(o.redirects), urls("/click/mailto"));
	CHECK(o.flags & MV_LINKF_FOLLOWED);
}

/* Each way of ending early leaves the link hidden, and says why. */
static void test_ends(void)
{
	struct mv_engine *e = follower;
	static const struct {
		const char *path, *why;
	} cases[] = {
		{ "/click/loopA", "a redirect loop" },
		{ "/click/chain9", "too many redirects" },
		{ "/click/huge", "headers too large" },
		{ "/click/slow", "no answer in time" },
		{ "/nothing/click/x", NULL },	/* 404: reached, the destination is the link itself */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const paths[] = { cases[i].path };
		struct outcome o = scan_paths(e, paths, 1, 0);
		char want[300];

		if (cases[i].why == NULL) {
			CHECK(o.flags & MV_LINKF_FOLLOWED);
			CHECK_STR(mv_str_cstr(o.redirects), "");
			continue;
		}
		snprintf(want, sizeof(want), "the destination of a link is hidden behind 127.0.0.1's tracker "
			 "(following it over HTTP: %s)", cases[i].why);
		CHECK_STR(mv_str_cstr(o.hidden_detail), want);
		CHECK_INT(o.flags, MV_LINKF_TRACKER | MV_LINKF_HIDDEN);
		CHECK(o.seconds < time_bound(2.5));
	}
}

/* The requests of one message run together: three slow links take one timeout, not three. */
static void test_concurrent(void)
{
	struct mv_engine *e = follower;
	static const char *const paths[] = { "/click/slow", "/click/slow?2", "/click/slow?3", "/click/chain2" };
	struct outcome o = scan_paths(e, paths, 4, 3);

	CHECK(o.flags & MV_LINKF_FOLLOWED);
	CHECK(o.seconds >= 0.9 && o.seconds < time_bound(2.0));
}

/* The scan's deadline ends the following. */
static void test_deadline(void)
{
	struct mv_engine *e = follow_engine("links_follow_private = yes\nlinks_follow_timeout = 10s\nscan_deadline = 500ms\n");
	static const char *const paths[] = { "/click/slow" };
	struct outcome o;

	CHECK(e != NULL);
	if (e == NULL)
		return;
	o = scan_paths(e, paths, 1, 0);
	CHECK(o.seconds >= 0.4 && o.seconds < time_bound(1.5));
	CHECK_INT(o.flags, MV_LINKF_TRACKER | MV_LINKF_HIDDEN);
	CHECK_STR(mv_str_cstr(o.hidden_detail), "the destination of a link is hidden behind 127.0.0.1's tracker "
		  "(following it over HTTP: no answer in time)");
	mv_engine_unref(&e);
}

/* Without links_follow_private, loopback is refused before any connection; without links_follow, nothing is asked. */
static void test_refused_and_off(void)
{
	struct mv_engine *e = follow_engine("");
	static const char *const paths[] = { "/click/chain3" };
	struct outcome o;
	int before = requests();

	CHECK(e != NULL);
	if (e != NULL) {
		o = scan_paths(e, paths, 1, 0);
		CHECK_STR(mv_str_cstr(o.hidden_detail), "the destination of a link is hidden behind 127.0.0.1's tracker "
			  "(following it over HTTP: an address not on the Internet, refused)");
		mv_engine_unref(&e);
	}
	e = offline_engine("");
	CHECK(e != NULL);
	if (e != NULL) {
		o = scan_paths(e, paths, 1, 0);
		CHECK_STR(mv_str_cstr(o.hidden_detail), "the destination of a link is hidden behind 127.0.0.1's tracker");
		mv_engine_unref(&e);
	}
	CHECK_INT(requests(), before);
}

int main(void)
{
	struct mv_engine *e;

	if (!server_start()) {
		printf("skipped: /usr/bin/python3 could not start links/follow_server.py\n");
		server_stop();
		return 77;
	}
	follower = e = follow_engine("links_follow_private = yes\n");
	CHECK(e != NULL);
	if (e != NULL) {
		RUN(test_chain);
		RUN(test_non_web_location);
		RUN(test_ends);
		RUN(test_concurrent);
		mv_engine_unref(&e);
	}
	RUN(test_deadline);
	RUN(test_refused_and_off);
	server_stop();
	return test_summary();
}
