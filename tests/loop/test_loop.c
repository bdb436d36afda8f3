#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mailvet/loop.h"
#include "test.h"

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void pair(int sv[2])
{
	int r = socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv);

	CHECK(r == 0);
	if (r != 0)
		exit(2);
}

/* Nothing registered: run() returns at once, run_once() sleeps its whole limit. */
static void test_loop_idle_run_returns(void)
{
	struct mv_loop *loop = mv_loop_new();
	uint64_t t0;

	CHECK(loop != NULL);
	CHECK(!mv_loop_busy(loop));
	CHECK_INT(mv_loop_run(loop), 0);
	t0 = clock_ns();
	CHECK_INT(mv_loop_run_once(loop, 20), 0);
	CHECK(clock_ns() - t0 >= 19000000);
	mv_loop_free(&loop);
	CHECK(loop == NULL);
	mv_loop_free(&loop);
}

struct fired {
	struct mv_loop *loop;
	int order[16];
	int n;
	int early;
};

struct timer_rec {
	struct fired *f;
	int id;
	uint64_t made_ns, delay_ms;
	struct mv_timer *t;
	struct timer_rec *victim;
};

static void rec_fire(void *arg)
{
	struct timer_rec *r = arg;

	if (clock_ns() - r->made_ns < r->delay_ms * 1000000)
		r->f->early++;
	if (r->f->n < 16)
		r->f->order[r->f->n] = r->id;
	r->f->n++;
}

/*
 * Earliest due first, the same delay in creation order, none before its
 * delay, and run() ends when all fired.  The delays are 20 ms apart so that
 * a slow creation (valgrind) does not reorder them.
 */
static void test_loop_timers_fire_in_order_not_early(void)
{
	static const uint64_t delays[] = { 60, 20, 40, 0, 20, 0 };
	static const int want[] = { 3, 5, 1, 4, 2, 0 };
	struct fired f = { 0 };
	struct timer_rec r[6];
	uint64_t t0 = clock_ns();
	int i;

	f.loop = mv_loop_new();
	for (i = 0; i < 6; i++) {
		r[i] = (struct timer_rec){ &f, i, clock_ns(), delays[i], NULL, NULL };
		r[i].t = mv_loop_timer(f.loop, delays[i], rec_fire, &r[i]);
		CHECK(r[i].t != NULL);
	}
	CHECK(mv_loop_busy(f.loop));
	CHECK_INT(mv_loop_run(f.loop), 0);
	CHECK_INT(f.n, 6);
	for (i = 0; i < 6; i++)
		CHECK_INT(f.order[i], want[i]);
	CHECK_INT(f.early, 0);
	CHECK(clock_ns() - t0 >= 60000000);
	CHECK(!mv_loop_busy(f.loop));
	mv_loop_free(&f.loop);
}

static void rec_fire_cancel_victim(void *arg)
{
	struct timer_rec *r = arg;

	rec_fire(r);
	mv_loop_timer_cancel(r->f->loop, r->victim->t);
	/* Its own timer is firing: a cancel of it does nothing. */
	mv_loop_timer_cancel(r->f->loop, r->t);
}

/* A timer cancelled by another one due in the same turn does not fire; nor does one cancelled before. */
static void test_loop_timer_cancel_in_same_turn(void)
{
	struct fired f = { 0 };
	struct timer_rec a = { &f, 1, 0, 10, NULL, NULL }, b = { &f, 2, 0, 10, NULL, NULL },
		c = { &f, 3, 0, 1, NULL, NULL };

	f.loop = mv_loop_new();
	a.made_ns = b.made_ns = c.made_ns = clock_ns();
	a.t = mv_loop_timer(f.loop, 10, rec_fire_cancel_victim, &a);
	b.t = mv_loop_timer(f.loop, 10, rec_fire, &b);
	c.t = mv_loop_timer(f.loop, 1, rec_fire, &c);
	a.victim = &b;
	mv_loop_timer_cancel(f.loop, c.t);
	mv_loop_timer_cancel(f.loop, NULL);
	sleep_ms(30);
	CHECK_INT(mv_loop_run_once(f.loop, 0), 1);
	CHECK_INT(f.n, 1);
	CHECK_INT(f.order[0], 1);
	CHECK(!mv_loop_busy(f.loop));
	CHECK_INT(mv_loop_run_once(f.loop, 30), 0);
	CHECK_INT(f.n, 1);
	mv_loop_free(&f.loop);
}

struct chain {
	struct mv_loop *loop;
	int fired, left;
};

static void chain_fire(void *arg)
{
	struct chain *c = arg;

	c->fired++;
	if (--c->left > 0)
		CHECK(mv_loop_timer(c->loop, 0, chain_fire, c) != NULL);
}

/* A timer made by a timer callback, even with delay 0, waits for the next turn. */
static void test_loop_timer_made_in_callback_waits(void)
{
	struct chain c = { mv_loop_new(), 0, 3 };

	CHECK(mv_loop_timer(c.loop, 0, chain_fire, &c) != NULL);
	CHECK_INT(mv_loop_run_once(c.loop, -1), 1);
	CHECK_INT(mv_loop_run_once(c.loop, -1), 1);
	CHECK_INT(mv_loop_run_once(c.loop, -1), 1);
	CHECK_INT(c.fired, 3);
	CHECK(!mv_loop_busy(c.loop));
	mv_loop_free(&c.loop);
}

enum { STRESS_N = 20000 };

struct stress_timer {
	struct stress *s;
	struct mv_timer *t;
	uint64_t lo, hi;	/* bounds of its due (ms), as the test sees its creation */
	uint64_t made_ns, delay;
	int state;		/* 0 pending, 1 fired, 2 cancelled */
};

struct stress {
	struct mv_loop *loop;
	struct stress_timer t[STRESS_N];
	uint64_t last_lo;
	unsigned seed;
	int bad_state, early, misordered, fired, cancelled;
};

static unsigned stress_rand(struct stress *s)
{
	s->seed = s->seed * 1103515245u + 12345u;
	return s->seed >> 8;
}

static void stress_cancel_one(struct stress *s)
{
	struct stress_timer *v = &s->t[stress_rand(s) % STRESS_N];

	if (v->state != 0)
		return;
	mv_loop_timer_cancel(s->loop, v->t);
	v->state = 2;
	s->cancelled++;
}

/* Each firing cancels a random pending timer: removals from the middle of the heap, between pops. */
static void stress_fire(void *arg)
{
	struct stress_timer *t = arg;
	struct stress *s = t->s;

	if (t->state != 0)
		s->bad_state++;
	t->state = 1;
	s->fired++;
	if (clock_ns() - t->made_ns < t->delay * 1000000)
		s->early++;
	/* Heap order: every timer fired before this one was due no later than this one. */
	if (s->last_lo > t->hi)
		s->misordered++;
	if (t->lo > s->last_lo)
		s->last_lo = t->lo;
	stress_cancel_one(s);
}

static void test_loop_timer_heap_stress(void)
{
	struct stress *s = calloc(1, sizeof(*s));
	int i, n = 0;

	s->loop = mv_loop_new();
	s->seed = 42;
	for (i = 0; i < STRESS_N; i++) {
		struct stress_timer *t = &s->t[i];

		t->s = s;
		t->delay = stress_rand(s) % 40;
		t->made_ns = clock_ns();
		t->t = mv_loop_timer(s->loop, t->delay, stress_fire, t);
		t->lo = (t->made_ns + 999999) / 1000000 + t->delay;
		t->hi = (clock_ns() + 999999) / 1000000 + t->delay;
		CHECK(t->t != NULL);
	}
	for (i = 0; i < STRESS_N / 4; i++)
		stress_cancel_one(s);
	CHECK_INT(mv_loop_run(s->loop), 0);
	for (i = 0; i < STRESS_N; i++)
		n += s->t[i].state != 0;
	CHECK_INT(n, STRESS_N);
	CHECK_INT(s->fired + s->cancelled, STRESS_N);
	CHECK(s->fired > STRESS_N / 4);
	CHECK_INT(s->bad_state, 0);
	CHECK_INT(s->early, 0);
	CHECK_INT(s->misordered, 0);
	mv_loop_free(&s->loop);
	free(s);
}

struct fdrec {
	struct mv_loop *loop;
	int fd, peer;
	unsigned events;
	int calls;
	bool drain;
};

static void fd_record(void *arg, int fd, unsigned events)
{
	struct fdrec *r = arg;
	char buf[64];

	CHECK_INT(fd, r->fd);
	r->events = events;
	r->calls++;
	if (r->drain && (events & MV_LOOP_READ))
		while (read(fd, buf, sizeof(buf)) > 0)
			;
}

/* Read readiness when data arrives, write readiness at once, changing and stopping the events. */
static void test_loop_fd_read_write(void)
{
	struct fdrec r = { mv_loop_new(), -1, -1, 0, 0, true };
	int sv[2];

	pair(sv);
	r.fd = sv[0];
	CHECK_INT(mv_loop_watch(r.loop, sv[0], MV_LOOP_READ, fd_record, &r), 0);
	CHECK(mv_loop_busy(r.loop));
	CHECK_INT(mv_loop_run_once(r.loop, 0), 0);
	CHECK_INT(write(sv[1], "x", 1), 1);
	CHECK_INT(mv_loop_run_once(r.loop, 1000), 1);
	CHECK_INT(r.events, MV_LOOP_READ);
	/* Drained: level-triggered, nothing more. */
	CHECK_INT(mv_loop_run_once(r.loop, 0), 0);
	CHECK_INT(mv_loop_watch(r.loop, sv[0], MV_LOOP_READ | MV_LOOP_WRITE, fd_record, &r), 0);
	CHECK_INT(mv_loop_run_once(r.loop, 1000), 1);
	CHECK_INT(r.events, MV_LOOP_WRITE);
	CHECK_INT(write(sv[1], "y", 1), 1);
	CHECK_INT(mv_loop_run_once(r.loop, 1000), 1);
	CHECK_INT(r.events, MV_LOOP_READ | MV_LOOP_WRITE);
	CHECK_INT(mv_loop_watch(r.loop, sv[0], MV_LOOP_READ, fd_record, &r), 0);
	CHECK_INT(mv_loop_run_once(r.loop, 0), 0);
	CHECK_INT(r.calls, 3);
	CHECK_INT(mv_loop_watch(r.loop, sv[0], 0, NULL, NULL), 0);
	CHECK(!mv_loop_busy(r.loop));
	CHECK_INT(mv_loop_run(r.loop), 0);
	close(sv[0]);
	close(sv[1]);
	mv_loop_free(&r.loop);
}

/* The peer's close is reported as an error with the watched direction; the read sees the end. */
static void test_loop_fd_hangup(void)
{
	struct fdrec r = { mv_loop_new(), -1, -1, 0, 0, false };
	char c;
	int sv[2];

	pair(sv);
	r.fd = sv[0];
	CHECK_INT(mv_loop_watch(r.loop, sv[0], MV_LOOP_READ, fd_record, &r), 0);
	close(sv[1]);
	CHECK_INT(mv_loop_run_once(r.loop, 1000), 1);
	CHECK(r.events & MV_LOOP_READ);
	CHECK(r.events & MV_LOOP_ERROR);
	CHECK(!(r.events & MV_LOOP_WRITE));
	CHECK_INT(read(sv[0], &c, 1), 0);
	CHECK_INT(mv_loop_watch(r.loop, sv[0], 0, NULL, NULL), 0);
	close(sv[0]);
	mv_loop_free(&r.loop);
}

struct owner {
	struct mv_loop *loop;
	int fd, peer;
	struct owner **other;	/* the other owner, NULL once it is freed */
	int *calls;
};

static void owner_close(struct owner *o)
{
	CHECK_INT(mv_loop_watch(o->loop, o->fd, 0, NULL, NULL), 0);
	close(o->fd);
	close(o->peer);
	free(o);
}

/* Whichever of the two runs first unwatches, closes and frees the other, both being ready in one batch. */
static void owner_kill_other(void *arg, int fd, unsigned events)
{
	struct owner *o = arg;

	(*o->calls)++;
	if (*o->other != NULL) {
		owner_close(*o->other);
		*o->other = NULL;
	}
}

static void never_called(void *arg, int fd, unsigned events)
{
	CHECK(!"a stale event reached a new watch of a reused fd");
}

static void test_loop_fd_unwatch_other_in_same_batch(void)
{
	struct mv_loop *loop = mv_loop_new();
	struct owner *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	int calls = 0, sa[2], sb[2], sc[2], fa, fb;

	pair(sa);
	pair(sb);
	*a = (struct owner){ loop, sa[0], sa[1], &b, &calls };
	*b = (struct owner){ loop, sb[0], sb[1], &a, &calls };
	fa = sa[0];
	fb = sb[0];
	CHECK_INT(mv_loop_watch(loop, fa, MV_LOOP_READ, owner_kill_other, a), 0);
	CHECK_INT(mv_loop_watch(loop, fb, MV_LOOP_READ, owner_kill_other, b), 0);
	CHECK_INT(write(sa[1], "a", 1), 1);
	CHECK_INT(write(sb[1], "b", 1), 1);
	sleep_ms(5);
	CHECK_INT(mv_loop_run_once(loop, 1000), 1);
	CHECK_INT(calls, 1);
	CHECK((a == NULL) != (b == NULL));
	if (a != NULL)
		owner_close(a);
	if (b != NULL)
		owner_close(b);
	CHECK(!mv_loop_busy(loop));
	/* The numbers are reused; events of the old watches must not reach new ones. */
	pair(sc);
	CHECK(sc[0] == fa || sc[0] == fb);
	CHECK_INT(mv_loop_watch(loop, sc[0], MV_LOOP_READ, never_called, NULL), 0);
	CHECK_INT(mv_loop_run_once(loop, 0), 0);
	CHECK_INT(mv_loop_watch(loop, sc[0], 0, NULL, NULL), 0);
	close(sc[0]);
	close(sc[1]);
	mv_loop_free(&loop);
}

/*
 * The same in one batch, with a new watch made on the freed number before
 * its stale event is dispatched: the generation keeps them apart.
 */
struct reuse {
	struct mv_loop *loop;
	int fd[2], peer[2], calls, newfd, newpeer;
};

static void reuse_fire(void *arg, int fd, unsigned events)
{
	struct reuse *r = arg;
	int other = fd == r->fd[0] ? 1 : 0, sv[2];

	r->calls++;
	if (r->fd[other] < 0)
		return;
	CHECK_INT(mv_loop_watch(r->loop, r->fd[other], 0, NULL, NULL), 0);
	close(r->fd[other]);
	close(r->peer[other]);
	pair(sv);
	CHECK_INT(sv[0], r->fd[other]);
	r->fd[other] = -1;
	r->newfd = sv[0];
	r->newpeer = sv[1];
	CHECK_INT(mv_loop_watch(r->loop, sv[0], MV_LOOP_READ, never_called, NULL), 0);
}

static void test_loop_fd_reused_number_in_same_batch(void)
{
	struct reuse r = { .loop = mv_loop_new(), .newfd = -1 };
	int sv[2], i;

	for (i = 0; i < 2; i++) {
		pair(sv);
		r.fd[i] = sv[0];
		r.peer[i] = sv[1];
		CHECK_INT(write(sv[1], "z", 1), 1);
		CHECK_INT(mv_loop_watch(r.loop, sv[0], MV_LOOP_READ, reuse_fire, &r), 0);
	}
	sleep_ms(5);
	CHECK_INT(mv_loop_run_once(r.loop, 1000), 1);
	CHECK_INT(r.calls, 1);
	for (i = 0; i < 2; i++) {
		if (r.fd[i] >= 0) {
			CHECK_INT(mv_loop_watch(r.loop, r.fd[i], 0, NULL, NULL), 0);
			close(r.fd[i]);
			close(r.peer[i]);
		}
	}
	CHECK_INT(mv_loop_watch(r.loop, r.newfd, 0, NULL, NULL), 0);
	close(r.newfd);
	close(r.newpeer);
	CHECK(!mv_loop_busy(r.loop));
	mv_loop_free(&r.loop);
}

struct narrow {
	struct mv_loop *loop;
	int fd[2], calls;
};

static void narrow_other(void *arg, int fd, unsigned events)
{
	struct narrow *n = arg;
	int other = fd == n->fd[0] ? n->fd[1] : n->fd[0];

	n->calls++;
	CHECK_INT(mv_loop_watch(n->loop, other, MV_LOOP_READ, narrow_other, n), 0);
	CHECK_INT(mv_loop_watch(n->loop, fd, MV_LOOP_READ, narrow_other, n), 0);
}

/* Both writable in one batch; the first callback stops the other's write watch: it gets no stale WRITE. */
static void test_loop_fd_events_changed_in_same_batch(void)
{
	struct narrow n = { .loop = mv_loop_new() };
	int sa[2], sb[2];

	pair(sa);
	pair(sb);
	n.fd[0] = sa[0];
	n.fd[1] = sb[0];
	CHECK_INT(mv_loop_watch(n.loop, sa[0], MV_LOOP_READ | MV_LOOP_WRITE, narrow_other, &n), 0);
	CHECK_INT(mv_loop_watch(n.loop, sb[0], MV_LOOP_READ | MV_LOOP_WRITE, narrow_other, &n), 0);
	CHECK_INT(mv_loop_run_once(n.loop, 1000), 1);
	CHECK_INT(n.calls, 1);
	CHECK_INT(mv_loop_run_once(n.loop, 0), 0);
	CHECK_INT(mv_loop_watch(n.loop, sa[0], 0, NULL, NULL), 0);
	CHECK_INT(mv_loop_watch(n.loop, sb[0], 0, NULL, NULL), 0);
	close(sa[0]);
	close(sa[1]);
	close(sb[0]);
	close(sb[1]);
	mv_loop_free(&n.loop);
}

static void close_self(void *arg, int fd, unsigned events)
{
	struct owner *o = arg;

	(*o->calls)++;
	owner_close(o);
}

/* A callback unwatches and closes its own fd and frees its owner; a closed fd can be unwatched after. */
static void test_loop_fd_close_and_unwatch(void)
{
	struct mv_loop *loop = mv_loop_new();
	struct owner *o = calloc(1, sizeof(*o));
	int calls = 0, sv[2];

	pair(sv);
	*o = (struct owner){ loop, sv[0], sv[1], NULL, &calls };
	CHECK_INT(mv_loop_watch(loop, sv[0], MV_LOOP_WRITE, close_self, o), 0);
	CHECK_INT(mv_loop_run(loop), 0);
	CHECK_INT(calls, 1);
	CHECK(!mv_loop_busy(loop));

	pair(sv);
	CHECK_INT(mv_loop_watch(loop, sv[0], MV_LOOP_READ, never_called, NULL), 0);
	close(sv[0]);
	CHECK_INT(mv_loop_watch(loop, sv[0], 0, NULL, NULL), 0);
	CHECK(!mv_loop_busy(loop));
	CHECK_INT(mv_loop_run(loop), 0);
	close(sv[1]);
	mv_loop_free(&loop);
}

static void test_loop_watch_errors(void)
{
	struct mv_loop *loop = mv_loop_new();
	FILE *f = tmpfile();
	int sv[2];

	errno = 0;
	CHECK_INT(mv_loop_watch(loop, -1, MV_LOOP_READ, never_called, NULL), -1);
	CHECK_INT(errno, EBADF);
	CHECK(f != NULL);
	errno = 0;
	CHECK_INT(mv_loop_watch(loop, fileno(f), MV_LOOP_READ, never_called, NULL), -1);
	CHECK_INT(errno, EPERM);
	fclose(f);
	pair(sv);
	close(sv[1]);
	close(sv[0]);
	CHECK_INT(mv_loop_watch(loop, sv[0], MV_LOOP_READ, never_called, NULL), -1);
	CHECK_INT(errno, EBADF);
	CHECK(!mv_loop_busy(loop));
	/* Watching a fd beyond the table's first size grows it. */
	pair(sv);
	{
		int hi = fcntl(sv[0], F_DUPFD_CLOEXEC, 700);

		CHECK(hi >= 700);
		CHECK_INT(mv_loop_watch(loop, hi, MV_LOOP_WRITE, fd_record, NULL), 0);
		CHECK(mv_loop_busy(loop));
		CHECK_INT(mv_loop_watch(loop, hi, 0, NULL, NULL), 0);
		close(hi);
	}
	close(sv[0]);
	close(sv[1]);
	CHECK(!mv_loop_busy(loop));
	mv_loop_free(&loop);
}

struct calls {
	struct mv_loop *loop;
	int order[16];
	int n;
	int rearm;		/* how many more times self_defer defers itself */
};

struct call {
	struct calls *c;
	int id;
	struct call *then;	/* deferred by this call */
};

static void call_record(void *arg)
{
	struct call *k = arg;

	if (k->c->n < 16)
		k->c->order[k->c->n] = k->id;
	k->c->n++;
	if (k->then != NULL) {
		CHECK_INT(mv_loop_defer(k->c->loop, call_record, k->then), 0);
		/* Never from inside the caller. */
		CHECK_INT(k->c->n, 1);
	}
}

/* Deferred calls run in order; one deferred while they run waits for the next turn. */
static void test_loop_defer_order_and_next_turn(void)
{
	struct calls c = { .loop = mv_loop_new() };
	struct call k4 = { &c, 4, NULL }, k1 = { &c, 1, &k4 }, k2 = { &c, 2, NULL }, k3 = { &c, 3, NULL };

	CHECK_INT(mv_loop_defer(c.loop, call_record, &k1), 0);
	CHECK_INT(mv_loop_defer(c.loop, call_record, &k2), 0);
	CHECK_INT(mv_loop_defer(c.loop, call_record, &k3), 0);
	CHECK_INT(c.n, 0);
	CHECK(mv_loop_busy(c.loop));
	CHECK_INT(mv_loop_run_once(c.loop, -1), 3);
	CHECK_INT(c.n, 3);
	CHECK(mv_loop_busy(c.loop));
	CHECK_INT(mv_loop_run_once(c.loop, -1), 1);
	CHECK_INT(c.n, 4);
	CHECK_INT(c.order[0], 1);
	CHECK_INT(c.order[1], 2);
	CHECK_INT(c.order[2], 3);
	CHECK_INT(c.order[3], 4);
	CHECK(!mv_loop_busy(c.loop));
	mv_loop_free(&c.loop);
}

struct starve {
	struct mv_loop *loop;
	long deferred;
	bool timer, fd, quit;
	int fdnum;
};

static void starve_again(void *arg)
{
	struct starve *s = arg;

	s->deferred++;
	if (!s->quit)
		CHECK_INT(mv_loop_defer(s->loop, starve_again, s), 0);
}

static void starve_timer(void *arg)
{
	((struct starve *)arg)->timer = true;
}

static void starve_fd(void *arg, int fd, unsigned events)
{
	struct starve *s = arg;

	s->fd = true;
	CHECK_INT(mv_loop_watch(s->loop, fd, 0, NULL, NULL), 0);
}

/* A call that keeps deferring itself runs once per turn: timers and descriptors still get theirs. */
static void test_loop_defer_no_starvation(void)
{
	struct starve s = { .loop = mv_loop_new() };
	uint64_t t0 = clock_ns();
	long turns = 0;
	int sv[2];

	pair(sv);
	CHECK_INT(mv_loop_defer(s.loop, starve_again, &s), 0);
	CHECK(mv_loop_timer(s.loop, 20, starve_timer, &s) != NULL);
	CHECK_INT(mv_loop_watch(s.loop, sv[0], MV_LOOP_WRITE, starve_fd, &s), 0);
	while (!(s.timer && s.fd) && clock_ns() - t0 < time_bound(5) * 1e9) {
		CHECK(mv_loop_run_once(s.loop, -1) >= 1);
		turns++;
	}
	CHECK(s.timer);
	CHECK(s.fd);
	CHECK_INT(s.deferred, turns);
	s.quit = true;
	CHECK_INT(mv_loop_run(s.loop), 0);
	CHECK_INT(s.deferred, turns + 1);
	close(sv[0]);
	close(sv[1]);
	mv_loop_free(&s.loop);
}

struct poster {
	struct mv_loop *loop;
	int n, delay_ms;
	long *counter;
	pthread_t th;
};

static void count_call(void *arg)
{
	(*(long *)arg)++;
}

static void *poster_main(void *arg)
{
	struct poster *p = arg;
	int i;

	if (p->delay_ms != 0)
		sleep_ms((unsigned)p->delay_ms);
	for (i = 0; i < p->n; i++)
		while (mv_loop_post(p->loop, count_call, p->counter) != 0)
			sleep_ms(1);
	return NULL;
}

/* A loop sleeping with nothing to wait for wakes for a call posted by another thread. */
static void test_loop_post_wakes_blocked_loop(void)
{
	long counter = 0;
	struct poster p = { .loop = mv_loop_new(), .n = 1, .delay_ms = 50, .counter = &counter };
	uint64_t t0 = clock_ns();

	CHECK(!mv_loop_busy(p.loop));
	CHECK_INT(pthread_create(&p.th, NULL, poster_main, &p), 0);
	CHECK_INT(mv_loop_run_once(p.loop, -1), 1);
	CHECK_INT(counter, 1);
	CHECK(clock_ns() - t0 >= 40000000);
	CHECK_INT(pthread_join(p.th, NULL), 0);
	CHECK(!mv_loop_busy(p.loop));
	/* A call posted before run() counts as work. */
	CHECK_INT(mv_loop_post(p.loop, count_call, &counter), 0);
	CHECK(mv_loop_busy(p.loop));
	CHECK_INT(mv_loop_run(p.loop), 0);
	CHECK_INT(counter, 2);
	mv_loop_free(&p.loop);
}

/* Many threads posting at once: every call runs exactly once, on the loop's thread. */
static void test_loop_post_many_threads(void)
{
	enum { THREADS = 4, EACH = 20000 };
	struct mv_loop *loop = mv_loop_new();
	struct poster p[THREADS];
	long counter = 0;
	uint64_t t0 = clock_ns();
	int i;

	for (i = 0; i < THREADS; i++) {
		p[i] = (struct poster){ .loop = loop, .n = EACH, .counter = &counter };
		CHECK_INT(pthread_create(&p[i].th, NULL, poster_main, &p[i]), 0);
	}
	while (counter < THREADS * EACH && clock_ns() - t0 < time_bound(10) * 1e9)
		CHECK(mv_loop_run_once(loop, 100) >= 0);
	for (i = 0; i < THREADS; i++)
		CHECK_INT(pthread_join(p[i].th, NULL), 0);
	CHECK_INT(mv_loop_run(loop), 0);
	CHECK_INT(counter, THREADS * EACH);
	CHECK(!mv_loop_busy(loop));
	mv_loop_free(&loop);
}

struct ticker {
	struct mv_loop *loop;
	struct mv_timer *t;
	int fired, stop_at;
};

static void tick(void *arg)
{
	struct ticker *k = arg;

	k->fired++;
	k->t = mv_loop_timer(k->loop, 2, tick, k);
	if (k->fired == k->stop_at)
		mv_loop_stop(k->loop);
}

/* stop() ends run() after the turn, with work still registered; run() goes on where it left. */
static void test_loop_stop(void)
{
	struct ticker k = { mv_loop_new(), NULL, 0, 3 };

	k.t = mv_loop_timer(k.loop, 2, tick, &k);
	CHECK_INT(mv_loop_run(k.loop), 0);
	CHECK_INT(k.fired, 3);
	CHECK(mv_loop_busy(k.loop));
	k.stop_at = 5;
	CHECK_INT(mv_loop_run(k.loop), 0);
	CHECK_INT(k.fired, 5);
	/* Called outside run(), it makes the next run() return at once. */
	mv_loop_stop(k.loop);
	CHECK_INT(mv_loop_run(k.loop), 0);
	CHECK_INT(k.fired, 5);
	mv_loop_timer_cancel(k.loop, k.t);
	CHECK(!mv_loop_busy(k.loop));
	CHECK_INT(mv_loop_run(k.loop), 0);
	mv_loop_free(&k.loop);
}

static void must_not_run(void *arg)
{
	CHECK(!"a dropped call ran");
}

/* Freeing a loop drops its timers, watches and calls without calling them (and leaks nothing). */
static void test_loop_free_drops_pending(void)
{
	struct mv_loop *loop = mv_loop_new();
	int sv[2], i;

	pair(sv);
	for (i = 0; i < 100; i++)
		CHECK(mv_loop_timer(loop, (uint64_t)i, must_not_run, NULL) != NULL);
	CHECK(mv_loop_timer(loop, UINT64_MAX, must_not_run, NULL) != NULL);
	for (i = 0; i < 40; i++)
		CHECK_INT(mv_loop_defer(loop, must_not_run, NULL), 0);
	CHECK_INT(mv_loop_post(loop, must_not_run, NULL), 0);
	CHECK_INT(mv_loop_watch(loop, sv[0], MV_LOOP_WRITE, never_called, NULL), 0);
	mv_loop_free(&loop);
	CHECK(loop == NULL);
	close(sv[0]);
	close(sv[1]);
}

struct inner {
	struct mv_loop *loop;
	int r, e;
	uint64_t now1, now2;
};

static void inner_turn(void *arg)
{
	struct inner *k = arg;

	k->now1 = mv_loop_now(k->loop);
	k->r = mv_loop_run_once(k->loop, 0);
	k->e = errno;
	sleep_ms(3);
	k->now2 = mv_loop_now(k->loop);
}

/* A turn from inside a callback is refused; the clock stands still during a turn. */
static void test_loop_no_turn_in_turn_and_cached_now(void)
{
	struct inner k = { .loop = mv_loop_new() };
	uint64_t before = mv_loop_now(k.loop);

	sleep_ms(2);
	CHECK_INT(mv_loop_defer(k.loop, inner_turn, &k), 0);
	CHECK_INT(mv_loop_run_once(k.loop, 0), 1);
	CHECK_INT(k.r, -1);
	CHECK_INT(k.e, EBUSY);
	CHECK(k.now1 == k.now2);
	CHECK(k.now1 >= before + 2);
	CHECK_INT(mv_loop_run_once(k.loop, 0), 0);
	CHECK(mv_loop_now(k.loop) >= k.now2 + 3);
	mv_loop_free(&k.loop);
}

int main(void)
{
	/* A lost wake-up would block forever: fail instead. */
	alarm(300);
	RUN(test_loop_idle_run_returns);
	RUN(test_loop_timers_fire_in_order_not_early);
	RUN(test_loop_timer_cancel_in_same_turn);
	RUN(test_loop_timer_made_in_callback_waits);
	RUN(test_loop_timer_heap_stress);
	RUN(test_loop_fd_read_write);
	RUN(test_loop_fd_hangup);
	RUN(test_loop_fd_unwatch_other_in_same_batch);
	RUN(test_loop_fd_reused_number_in_same_batch);
	RUN(test_loop_fd_events_changed_in_same_batch);
	RUN(test_loop_fd_close_and_unwatch);
	RUN(test_loop_watch_errors);
	RUN(test_loop_defer_order_and_next_turn);
	RUN(test_loop_defer_no_starvation);
	RUN(test_loop_post_wakes_blocked_loop);
	RUN(test_loop_post_many_threads);
	RUN(test_loop_stop);
	RUN(test_loop_free_drops_pending);
	RUN(test_loop_no_turn_in_turn_and_cached_now);
	return test_summary();
}
