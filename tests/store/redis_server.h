/*
 * A real redis-server for the tests: Debian's, started here on 127.0.0.1 at
 * a free port and on a unix socket in a directory of its own, with nothing
 * saved to disk; stopped (or killed, paused) by its PID.  It dies with the
 * test, whatever happens to the test.
 */
#ifndef MAILVET_TEST_REDIS_SERVER_H
#define MAILVET_TEST_REDIS_SERVER_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REDIS_SERVER "/usr/bin/redis-server"

struct redis_server {
	pid_t pid;
	unsigned port;
	char dir[64];
	char sock[128];
	char tcp_spec[64], unix_spec[160];
};

static inline bool redis_installed(void)
{
	return access(REDIS_SERVER, X_OK) == 0;
}

/* A loopback TCP port nobody listens on. */
static inline unsigned redis_free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int t = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port = 0;

	if (bind(t, (struct sockaddr *)&sa, sizeof(sa)) == 0 && getsockname(t, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(t);
	return port;
}

/* True once the server answers PING on its socket. */
static inline bool redis_answers(const struct redis_server *r)
{
	struct timeval tv = { 0, 100000 };
	redisContext *c = redisConnectUnixWithTimeout(r->sock, tv);
	redisReply *reply = c != NULL && c->err == 0 ? redisCommand(c, "PING") : NULL;
	bool ok = reply != NULL && reply->type == REDIS_REPLY_STATUS;

	if (reply != NULL)
		freeReplyObject(reply);
	if (c != NULL)
		redisFree(c);
	return ok;
}

/* Starts the server on r->port and r->sock (chosen by redis_start the first time). */
static inline bool redis_run(struct redis_server *r)
{
	char port[16], log[128];
	int i;

	snprintf(port, sizeof(port), "%u", r->port);
	snprintf(log, sizeof(log), "%s/redis.log", r->dir);
	r->pid = fork();
	if (r->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(REDIS_SERVER, "redis-server", "--bind", "127.0.0.1", "--port", port, "--unixsocket", r->sock,
		      "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", r->dir, "--daemonize", "no",
		      "--logfile", log, "--protected-mode", "no", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200 && r->pid > 0; i++) {
		struct timespec ts = { 0, 20000000 };
		int status;

		if (redis_answers(r))
			return true;
		if (waitpid(r->pid, &status, WNOHANG) == r->pid) {
			r->pid = -1;
			break;
		}
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "redis-server did not start (see %s)\n", log);
	return false;
}

static inline bool redis_start(struct redis_server *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/mv-redis-XXXXXX");
	if (mkdtemp(r->dir) == NULL)
		return false;
	snprintf(r->sock, sizeof(r->sock), "%s/redis.sock", r->dir);
	r->port = redis_free_port();
	snprintf(r->tcp_spec, sizeof(r->tcp_spec), "redis://127.0.0.1:%u/0", r->port);
	snprintf(r->unix_spec, sizeof(r->unix_spec), "redis+unix:%s?db=1", r->sock);
	return r->port != 0 && redis_run(r);
}

/* For main(): 0 when the server runs; else the exit status (77, skipped, when it is not installed). */
static inline int redis_test_start(struct redis_server *r)
{
	if (!redis_installed()) {
		printf("redis-server is not installed: skipped\n");
		return 77;
	}
	return redis_start(r) ? 0 : 1;
}

/* Ends the server: SIGTERM, or SIGKILL for one that must vanish at once. */
static inline void redis_stop_with(struct redis_server *r, int sig)
{
	if (r->pid > 0) {
		kill(r->pid, SIGCONT);
		kill(r->pid, sig);
		waitpid(r->pid, NULL, 0);
	}
	r->pid = -1;
}

static inline void redis_stop(struct redis_server *r)
{
	redis_stop_with(r, SIGTERM);
}

/* Stops the server and removes its directory. */
static inline void redis_cleanup(struct redis_server *r)
{
	char cmd[128];

	redis_stop(r);
	if (r->dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", r->dir);
		(void)system(cmd);
	}
}

#endif
