/*
 * The delayed lookup service of delay_service.h: a server thread with a
 * due-time heap and poll(), and a client on mv_loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "delay_service.h"

#define DELAY_REQUEST_LEN 9
#define DELAY_FLAG_NEVER 1
/* Socket buffers for bursts of thousands of datagrams (the kernel may cap them: then resends help). */
#define DELAY_SOCKBUF (4 << 20)

static uint64_t delay_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int delay_udp_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), size = DELAY_SOCKBUF;

	if (fd >= 0) {
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	}
	return fd;
}

static struct sockaddr_in delay_loopback(unsigned port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

/* Server */

struct delay_answer {
	uint64_t due_ns;
	uint32_t id;
	struct sockaddr_in to;
};

struct delay_server {
	int fd, stop_pipe[2];
	unsigned port;
	pthread_t thread;
	unsigned long answered;		/* __atomic: read by other threads */
	struct delay_answer *heap;	/* min-heap by due_ns */
	size_t n, cap;
};

static bool answer_before(const struct delay_answer *a, const struct delay_answer *b)
{
	return a->due_ns < b->due_ns;
}

static int server_push(struct delay_server *s, const struct delay_answer *a)
{
	size_t i;

	if (s->n == s->cap) {
		size_t cap = s->cap != 0 ? s->cap * 2 : 1024;
		struct delay_answer *h = realloc(s->heap, cap * sizeof(*h));

		if (h == NULL)
			return -1;
		s->heap = h;
		s->cap = cap;
	}
	for (i = s->n++; i > 0 && answer_before(a, &s->heap[(i - 1) / 2]); i = (i - 1) / 2)
		s->heap[i] = s->heap[(i - 1) / 2];
	s->heap[i] = *a;
	return 0;
}

static void server_pop(struct delay_server *s)
{
	struct delay_answer last = s->heap[--s->n];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < s->n) {
		if (c + 1 < s->n && answer_before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!answer_before(&s->heap[c], &last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->n != 0)
		s->heap[i] = last;
}

/* Takes the requests that have arrived, a bounded number so that due answers are not held up. */
static void server_receive(struct delay_server *s)
{
	unsigned char req[64];
	int i;

	for (i = 0; i < 1024; i++) {
		struct delay_answer a;
		socklen_t len = sizeof(a.to);
		uint32_t delay;
		ssize_t r = recvfrom(s->fd, req, sizeof(req), 0, (struct sockaddr *)&a.to, &len);

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r != DELAY_REQUEST_LEN || (req[8] & DELAY_FLAG_NEVER))
			continue;
		memcpy(&a.id, req, 4);
		memcpy(&delay, req + 4, 4);
		a.due_ns = delay_clock_ns() + (uint64_t)ntohl(delay) * 1000000;
		/* Out of memory: the request is dropped, as a datagram may be; the client resends. */
		(void)server_push(s, &a);
	}
}

/* Sends the answers that are due; false when the socket is full (wait for POLLOUT). */
static bool server_answer(struct delay_server *s)
{
	uint64_t now = delay_clock_ns();

	while (s->n != 0 && s->heap[0].due_ns <= now) {
		const struct delay_answer *a = &s->heap[0];

		/* Counted first: whoever has the answer sees it counted. */
		__atomic_add_fetch(&s->answered, 1, __ATOMIC_RELAXED);
		if (sendto(s->fd, &a->id, 4, 0, (const struct sockaddr *)&a->to, sizeof(a->to)) < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK)) {
			__atomic_sub_fetch(&s->answered, 1, __ATOMIC_RELAXED);
			return false;
		}
		server_pop(s);
	}
	return true;
}

static int server_wait_ms(const struct delay_server *s)
{
	uint64_t now, due;

	if (s->n == 0)
		return -1;
	now = delay_clock_ns();
	due = s->heap[0].due_ns;
	/* Rounded up: waking before the due time would only spin. */
	return due <= now ? 0 : (int)((due - now + 999999) / 1000000);
}

static void *server_main(void *arg)
{
	struct delay_server *s = arg;
	bool writable = true;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = s->fd, .events = POLLIN | (writable ? 0 : POLLOUT) },
			{ .fd = s->stop_pipe[0], .events = POLLIN },
		};

		if (poll(p, 2, writable ? server_wait_ms(s) : -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents != 0)
			break;
		if (p[0].revents & POLLIN)
			server_receive(s);
		writable = server_answer(s);
	}
	return NULL;
}

struct delay_server *delay_server_start(void)
{
	struct delay_server *s = calloc(1, sizeof(*s));
	struct sockaddr_in sin = delay_loopback(0);
	socklen_t len = sizeof(sin);

	if (s == NULL)
		return NULL;
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	s->fd = delay_udp_socket();
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&sin, &len) < 0 || pipe2(s->stop_pipe, O_CLOEXEC) < 0)
		goto fail;
	s->port = ntohs(sin.sin_port);
	if (pthread_create(&s->thread, NULL, server_main, s) != 0)
		goto fail;
	return s;
fail:
	if (s->fd >= 0)
		close(s->fd);
	if (s->stop_pipe[0] >= 0) {
		close(s->stop_pipe[0]);
		close(s->stop_pipe[1]);
	}
	free(s);
	return NULL;
}

unsigned delay_server_port(const struct delay_server *s)
{
	return s->port;
}

unsigned long delay_server_answered(const struct delay_server *s)
{
	return __atomic_load_n(&s->answered, __ATOMIC_RELAXED);
}

void delay_server_stop(struct delay_server **sp)
{
	struct delay_server *s = *sp;

	if (s == NULL)
		return;
	(void)!write(s->stop_pipe[1], "", 1);
	pthread_join(s->thread, NULL);
	close(s->fd);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	free(s->heap);
	free(s);
	*sp = NULL;
}

/* Client */

struct delay_query {
	struct delay_client *c;
	uint32_t id;
	unsigned delay_ms;
	bool never, queued;
	void (*done)(void *arg, int status);
	void *arg;
	struct mv_timer *resend;
	struct delay_query *hnext;		/* hash chain */
	struct delay_query *sprev, *snext;	/* send queue, while queued */
};

struct delay_client {
	struct mv_loop *loop;
	int fd;
	unsigned events;		/* watched on fd */
	uint32_t next_id;
	struct delay_query **table;	/* by id & mask: ids are sequential */
	size_t mask, n;
	struct delay_query *shead, *stail;
	unsigned long resends;
	unsigned resend_ms;
	unsigned fail_block, fail_lose;
	bool in_read, freed;
};

static struct delay_query **client_slot(struct delay_client *c, uint32_t id)
{
	struct delay_query **pp = &c->table[id & c->mask];

	while (*pp != NULL && (*pp)->id != id)
		pp = &(*pp)->hnext;
	return pp;
}

/* Doubles the table at one query a bucket; out of memory, the chains grow instead. */
static void client_table_grow(struct delay_client *c)
{
	size_t size = (c->mask + 1) * 2, i;
	struct delay_query **t = calloc(size, sizeof(*t));

	if (t == NULL)
		return;
	for (i = 0; i <= c->mask; i++) {
		struct delay_query *q = c->table[i], *next;

		for (; q != NULL; q = next) {
			next = q->hnext;
			q->hnext = t[q->id & (size - 1)];
			t[q->id & (size - 1)] = q;
		}
	}
	free(c->table);
	c->table = t;
	c->mask = size - 1;
}

static void client_unqueue(struct delay_client *c, struct delay_query *q)
{
	if (!q->queued)
		return;
	*(q->sprev != NULL ? &q->sprev->snext : &c->shead) = q->snext;
	*(q->snext != NULL ? &q->snext->sprev : &c->stail) = q->sprev;
	q->queued = false;
}

static void client_io(void *arg, int fd, unsigned events);

/* Reads while queries wait, writes while sends wait. */
static int client_watch(struct delay_client *c)
{
	unsigned want = (c->n != 0 ? MV_LOOP_READ : 0) | (c->shead != NULL ? MV_LOOP_WRITE : 0);

	if (want == c->events)
		return 0;
	if (mv_loop_watch(c->loop, c->fd, want, client_io, c) < 0)
		return -1;
	c->events = want;
	return 0;
}

/* Removes q from every structure and frees it. */
static void client_forget(struct delay_client *c, struct delay_query *q)
{
	*client_slot(c, q->id) = q->hnext;
	c->n--;
	client_unqueue(c, q);
	mv_loop_timer_cancel(c->loop, q->resend);
	free(q);
}

/* Sends q's request: false when the socket is full. */
static bool client_send(struct delay_client *c, const struct delay_query *q)
{
	unsigned char req[DELAY_REQUEST_LEN];
	uint32_t id = q->id, delay = htonl(q->delay_ms);

	if (c->fail_block != 0) {
		c->fail_block--;
		return false;
	}
	if (c->fail_lose != 0) {
		c->fail_lose--;
		return true;
	}
	memcpy(req, &id, 4);
	memcpy(req + 4, &delay, 4);
	req[8] = q->never ? DELAY_FLAG_NEVER : 0;
	/* Any other error is a lost datagram: the resend timer covers it. */
	return send(c->fd, req, sizeof(req), MSG_NOSIGNAL) >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
								    errno != ENOBUFS);
}

/* Sends what waits for write readiness, in order. */
static void client_flush(struct delay_client *c)
{
	while (c->shead != NULL && client_send(c, c->shead))
		client_unqueue(c, c->shead);
}

/* Sends q now, or after the ones that already wait. */
static int client_submit(struct delay_client *c, struct delay_query *q)
{
	if (q->queued)
		return 0;
	if (c->shead == NULL && client_send(c, q))
		return client_watch(c);
	q->queued = true;
	q->snext = NULL;
	q->sprev = c->stail;
	*(c->stail != NULL ? &c->stail->snext : &c->shead) = q;
	c->stail = q;
	return client_watch(c);
}

static void client_resend(void *arg)
{
	struct delay_query *q = arg;
	struct delay_client *c = q->c;

	c->resends++;
	q->resend = mv_loop_timer(c->loop, (uint64_t)q->delay_ms + c->resend_ms, client_resend, q);
	client_flush(c);
	(void)client_submit(c, q);
}

static void client_answers(struct delay_client *c)
{
	int i;

	c->in_read = true;
	/* Bounded: level-triggered, the rest comes next turn, after the others' callbacks. */
	for (i = 0; i < 1024; i++) {
		uint32_t id;
		ssize_t r = recv(c->fd, &id, sizeof(id), 0);
		struct delay_query *q;
		void (*done)(void *arg, int status);
		void *done_arg;

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r != sizeof(id))
			continue;
		q = *client_slot(c, id);
		if (q == NULL)
			continue;
		done = q->done;
		done_arg = q->arg;
		client_forget(c, q);
		(void)client_watch(c);
		done(done_arg, 0);
		if (c->freed) {
			free(c);
			return;
		}
	}
	c->in_read = false;
}

static void client_io(void *arg, int fd, unsigned events)
{
	struct delay_client *c = arg;

	if (events & MV_LOOP_WRITE) {
		client_flush(c);
		(void)client_watch(c);
	}
	if (events & MV_LOOP_READ)
		client_answers(c);
}

struct delay_client *delay_client_new(struct mv_loop *loop, unsigned port)
{
	struct delay_client *c = calloc(1, sizeof(*c));
	struct sockaddr_in sin = delay_loopback(port);

	if (c == NULL)
		return NULL;
	c->loop = loop;
	c->resend_ms = DELAY_RESEND_MS;
	c->mask = 63;
	c->table = calloc(c->mask + 1, sizeof(*c->table));
	c->fd = delay_udp_socket();
	/* Connected: only the server's datagrams are read. */
	if (c->table == NULL || c->fd < 0 || connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int e = errno;

		if (c->fd >= 0)
			close(c->fd);
		free(c->table);
		free(c);
		errno = e;
		return NULL;
	}
	return c;
}

int delay_client_ask(struct delay_client *c, unsigned delay_ms, bool never,
		     void (*done)(void *arg, int status), void *arg, struct delay_query **q_r)
{
	struct delay_query *q = calloc(1, sizeof(*q)), **slot;

	if (q == NULL)
		return -1;
	*q = (struct delay_query){ .c = c, .id = c->next_id++, .delay_ms = delay_ms, .never = never,
				   .done = done, .arg = arg };
	if (c->n > c->mask)
		client_table_grow(c);
	slot = client_slot(c, q->id);
	/* 2^32 queries later an id comes round again: skip it while its first holder waits. */
	while (*slot != NULL) {
		q->id = c->next_id++;
		slot = client_slot(c, q->id);
	}
	*slot = q;
	c->n++;
	q->resend = mv_loop_timer(c->loop, (uint64_t)delay_ms + c->resend_ms, client_resend, q);
	if (q->resend == NULL || client_submit(c, q) < 0) {
		int e = errno;

		client_forget(c, q);
		(void)client_watch(c);
		errno = e;
		return -1;
	}
	if (q_r != NULL)
		*q_r = q;
	return 0;
}

void delay_client_cancel(struct delay_client *c, struct delay_query *q)
{
	client_forget(c, q);
	(void)client_watch(c);
}

unsigned long delay_client_pending(const struct delay_client *c)
{
	return c->n;
}

void delay_client_set_resend(struct delay_client *c, unsigned ms)
{
	c->resend_ms = ms;
}

unsigned long delay_client_resends(const struct delay_client *c)
{
	return c->resends;
}

void delay_client_fail_sends(struct delay_client *c, unsigned would_block, unsigned lost)
{
	c->fail_block = would_block;
	c->fail_lose = lost;
}

void delay_client_free(struct delay_client **cp)
{
	struct delay_client *c = *cp;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i <= c->mask; i++)
		while (c->table[i] != NULL)
			client_forget(c, c->table[i]);
	(void)mv_loop_watch(c->loop, c->fd, 0, NULL, NULL);
	close(c->fd);
	free(c->table);
	*cp = NULL;
	/* From a done(): client_answers() frees it when done() returns. */
	if (c->in_read)
		c->freed = true;
	else
		free(c);
}
