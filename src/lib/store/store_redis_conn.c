/*
 * Redis connections: one per thread per store, kept in the thread's own
 * table, so that no lock is taken per call and no reply is ever read by the
 * wrong thread.  A thread closes its connections when it exits, and those of
 * closed stores the next time it uses any store after a close (a reload
 * makes a new engine and store while the old one's threads live on).
 *
 * Writing to a connection the server closed raises SIGPIPE, which would end
 * the process; hiredis writes with write(), so a call blocks the signal in
 * its thread and takes back any it raised (the application's own handling of
 * SIGPIPE is left alone).
 *
 * After a failure (refused, reset, timed out) every thread of the store
 * answers MV_TEMPFAIL at once for a second; then one thread tries again.  A
 * dead Redis thus costs a scan nothing but a symbol, not a timeout per
 * message.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "store/store_redis_int.h"
#include "util/thread_exit.h"

#define RETRY_MS 1000

struct redis_conn {
	uint64_t store_id;
	redisContext *ctx;
	bool short_timeout;	/* the socket's timeout is what was left of a call, not the full one */
};

static _Thread_local struct {
	struct mv_thread_exit hook;
	struct redis_conn *conns;
	unsigned n, cap;
	uint64_t epoch;		/* closes seen by this thread */
} tl;

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *live_ids;	/* stores not closed */
static size_t n_live;
static atomic_uint_fast64_t close_epoch;
static atomic_uint_fast64_t next_id = 1;

int redis_store_register(struct store_redis *s)
{
	uint64_t *ids;

	pthread_mutex_lock(&live_lock);
	ids = realloc(live_ids, (n_live + 1) * sizeof(*ids));
	if (ids != NULL) {
		live_ids = ids;
		s->id = atomic_fetch_add(&next_id, 1);
		live_ids[n_live++] = s->id;
	}
	pthread_mutex_unlock(&live_lock);
	return ids != NULL ? MV_OK : MV_NOMEM;
}

static void conn_drop(struct redis_conn *c)
{
	if (c->ctx != NULL)
		redisFree(c->ctx);
	c->ctx = NULL;
}

/* Closes this thread's connections to stores that are closed. */
static void prune(void)
{
	uint64_t epoch = atomic_load(&close_epoch);
	unsigned i, j, k;

	if (tl.epoch == epoch)
		return;
	tl.epoch = epoch;
	pthread_mutex_lock(&live_lock);
	for (i = j = 0; i < tl.n; i++) {
		for (k = 0; k < n_live && live_ids[k] != tl.conns[i].store_id; k++)
			;
		if (k < n_live)
			tl.conns[j++] = tl.conns[i];
		else
			conn_drop(&tl.conns[i]);
	}
	tl.n = j;
	pthread_mutex_unlock(&live_lock);
}

void redis_store_forget(struct store_redis *s)
{
	size_t k;

	pthread_mutex_lock(&live_lock);
	for (k = 0; k < n_live && live_ids[k] != s->id; k++)
		;
	if (k < n_live)
		live_ids[k] = live_ids[--n_live];
	pthread_mutex_unlock(&live_lock);
	atomic_fetch_add(&close_epoch, 1);
	prune();
}

static void release_thread(struct mv_thread_exit *hook)
{
	unsigned i;

	(void)hook;
	for (i = 0; i < tl.n; i++)
		conn_drop(&tl.conns[i]);
	free(tl.conns);
	tl.conns = NULL;
	tl.n = tl.cap = 0;
}

/* The thread's connection entry for the store (not connected yet the first time); NULL when out of memory. */
static struct redis_conn *thread_conn(struct store_redis *s)
{
	unsigned i;

	prune();
	for (i = 0; i < tl.n; i++) {
		if (tl.conns[i].store_id == s->id)
			return &tl.conns[i];
	}
	tl.hook.release = release_thread;
	if (!mv_thread_exit_register(&tl.hook))
		return NULL;
	if (tl.n == tl.cap) {
		unsigned cap = tl.cap != 0 ? tl.cap * 2 : 4;
		struct redis_conn *conns = realloc(tl.conns, cap * sizeof(*conns));

		if (conns == NULL)
			return NULL;
		tl.conns = conns;
		tl.cap = cap;
	}
	tl.conns[tl.n] = (struct redis_conn){ s->id, NULL, false };
	return &tl.conns[tl.n++];
}

static struct timeval tv_ms(uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	return tv;
}

/* False while the store is in its second of rest after a failure; past it, true for one thread only. */
static bool may_try(struct store_redis *s, uint64_t now)
{
	uint64_t until = atomic_load(&s->down_until);

	if (until == 0)
		return true;
	return now >= until && atomic_compare_exchange_strong(&s->down_until, &until, now + RETRY_MS);
}

static int simple_command(redisContext *ctx, const char *what, int argc, const char **argv)
{
	redisReply *r = redisCommandArgv(ctx, argc, argv, NULL);
	int rc = MV_OK;

	if (r == NULL)
		return MV_TEMPFAIL;
	if (r->type == REDIS_REPLY_ERROR)
		rc = store_fail(MV_TEMPFAIL, "%s: %s", what, r->str);
	freeReplyObject(r);
	return rc;
}

/* Connects, then AUTH and SELECT as the spec says, before the deadline (monotonic ms). */
static int conn_open(struct store_redis *s, struct redis_conn *c, uint64_t deadline)
{
	uint64_t now = store_now_ms();
	struct timeval tv = tv_ms(deadline > now ? deadline - now : 1);
	const char *argv[3];
	char db[16];
	int rc = MV_OK;

	if (s->kind == STORE_KIND_REDIS_UNIX)
		c->ctx = redisConnectUnixWithTimeout(s->path, tv);
	else
		c->ctx = redisConnectWithTimeout(s->host, (int)s->port, tv);
	if (c->ctx == NULL)
		return store_fail(MV_NOMEM, "out of memory");
	if (c->ctx->err != 0) {
		rc = store_fail(MV_TEMPFAIL, "%s: connecting: %s", s->base.name, c->ctx->errstr);
		conn_drop(c);
		return rc;
	}
	now = store_now_ms();
	/* What is left of the call, at least a millisecond; the next call sets the full timeout. */
	redisSetTimeout(c->ctx, tv_ms(deadline > now ? deadline - now : 1));
	c->short_timeout = true;
	if (s->password != NULL) {
		argv[0] = "AUTH";
		argv[1] = s->user != NULL ? s->user : s->password;
		argv[2] = s->password;
		rc = simple_command(c->ctx, "AUTH", s->user != NULL ? 3 : 2, argv);
	}
	if (rc == MV_OK && s->db != 0) {
		snprintf(db, sizeof(db), "%u", s->db);
		argv[0] = "SELECT";
		argv[1] = db;
		rc = simple_command(c->ctx, "SELECT", 2, argv);
	}
	if (rc != MV_OK && c->ctx->err != 0)
		rc = store_fail(MV_TEMPFAIL, "%s: %s", s->base.name, c->ctx->errstr);
	if (rc != MV_OK)
		conn_drop(c);
	return rc;
}

/* One round trip: every command out, every reply in.  MV_TEMPFAIL with the context's error on I/O failure. */
static int exchange(redisContext *ctx, const struct redis_cmd *cmds, unsigned n, redisReply **reply_r, bool *io_r)
{
	unsigned i;
	void *r = NULL;

	*io_r = false;
	*reply_r = NULL;
	for (i = 0; i < n; i++) {
		const char *argv[6];

		memcpy(argv, cmds[i].argv, sizeof(argv));
		if (redisAppendCommandArgv(ctx, cmds[i].argc, argv, cmds[i].argvlen) != REDIS_OK) {
			*io_r = true;
			return MV_TEMPFAIL;
		}
	}
	for (i = 0; i < n; i++) {
		if (redisGetReply(ctx, &r) != REDIS_OK) {
			*io_r = true;
			return MV_TEMPFAIL;
		}
		if (i + 1 == n)
			break;
		/* MULTI's +OK and the +QUEUED of what follows; an error here aborts the transaction. */
		if (((redisReply *)r)->type == REDIS_REPLY_ERROR) {
			int rc = store_fail(MV_TEMPFAIL, "%s: %s", cmds[i].argv[0], ((redisReply *)r)->str);

			freeReplyObject(r);
			for (i++; i < n && redisGetReply(ctx, &r) == REDIS_OK; i++)
				freeReplyObject(r);
			return rc;
		}
		freeReplyObject(r);
	}
	*reply_r = r;
	if (((redisReply *)r)->type == REDIS_REPLY_ERROR) {
		int rc = store_fail(MV_TEMPFAIL, "%s: %s", cmds[n - 1].argv[0], ((redisReply *)r)->str);

		freeReplyObject(r);
		*reply_r = NULL;
		return rc;
	}
	return MV_OK;
}

struct sigpipe_guard {
	sigset_t old;
	bool pending_before;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	g->pending_before = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void sigpipe_restore(struct sigpipe_guard *g)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (!g->pending_before && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1)
		(void)sigtimedwait(&set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* The call's tries, before the deadline: a stale connection is made again once. */
static int call_guarded(struct store_redis *s, struct redis_conn *c, const struct redis_cmd *cmds, unsigned n,
			redisReply **reply_r, uint64_t deadline)
{
	int attempt, rc = MV_TEMPFAIL;

	for (attempt = 0; attempt < 2; attempt++) {
		bool fresh = c->ctx == NULL, io, timed_out;

		if (fresh) {
			rc = conn_open(s, c, deadline);
			if (rc != MV_OK)
				break;
		} else if (c->short_timeout) {
			redisSetTimeout(c->ctx, tv_ms(s->timeout_ms));
			c->short_timeout = false;
		}
		rc = exchange(c->ctx, cmds, n, reply_r, &io);
		if (!io)
			break;
		/* hiredis reports a socket timeout as an I/O error with errno EAGAIN. */
		timed_out = c->ctx->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
		if (timed_out)
			rc = store_fail(MV_TEMPFAIL, "%s: no answer within %u ms", s->base.name, s->timeout_ms);
		else
			rc = store_fail(MV_TEMPFAIL, "%s: %s", s->base.name, c->ctx->errstr);
		conn_drop(c);
		/* A connection the server closed (it restarted) is made again once; a timeout is not retried. */
		if (fresh || timed_out || store_now_ms() >= deadline)
			break;
	}
	return rc;
}

int redis_call(struct store_redis *s, const struct redis_cmd *cmds, unsigned n, redisReply **reply_r)
{
	uint64_t start = store_now_ms();
	struct sigpipe_guard guard;
	struct redis_conn *c;
	int rc;

	*reply_r = NULL;
	if (!may_try(s, start))
		return store_fail(MV_TEMPFAIL, "%s: unavailable (it failed less than a second ago)", s->base.name);
	c = thread_conn(s);
	if (c == NULL)
		return store_fail(MV_NOMEM, "out of memory");
	sigpipe_block(&guard);
	rc = call_guarded(s, c, cmds, n, reply_r, start + s->timeout_ms);
	sigpipe_restore(&guard);
	if (rc == MV_TEMPFAIL && c->ctx == NULL)
		atomic_store(&s->down_until, store_now_ms() + RETRY_MS);
	else if (atomic_load_explicit(&s->down_until, memory_order_relaxed) != 0)
		atomic_store(&s->down_until, 0);
	return rc;
}
