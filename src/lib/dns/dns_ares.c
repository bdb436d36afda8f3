/*
 * The resolver's network side: c-ares on the caller's mv_loop.  Each thread
 * keeps one channel per (resolver, loop) while it has lookups in flight: its
 * sockets are watched through ARES_OPT_SOCK_STATE_CB, and one timer, armed
 * from ares_timeout() after every send and every turn of ares_process_fd(),
 * runs c-ares's timeouts.  A channel is destroyed when its last lookup ends,
 * so none outlives the tasks (and loop) it served; a thread that exits with
 * one still open releases it without touching its loop.
 *
 * A query is one c-ares try per server (tries = 1: c-ares would double the
 * timeout on each try); dns_retries more are sent here after a timeout, so a
 * server that never answers costs dns_timeout * (dns_retries + 1).  c-ares
 * matches answers to queries by ID and question (a wrong ID is ignored), and
 * asks again over TCP when an answer is truncated.  c-ares cannot cancel one
 * query: a cancelled lookup only loses its callback, and its query is ended
 * with the channel.
 */
#include <ares.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_int.h"
#include "util/thread_exit.h"

#define EDNS_SIZE 1232		/* the DNS flag day's: no fragmented UDP */

struct dns_channel {
	const struct dns_resolver *resolver;
	struct mv_loop *loop;
	ares_channel ares;
	struct mv_timer *timer;
	struct dns_cache *cache;
	unsigned live;		/* lookups not cancelled */
	unsigned depth;		/* inside c-ares: no teardown now */
	bool closing;		/* the thread exits: the loop may be gone */
};

struct dns_lookup {
	struct dns_channel *ch;
	dns_done_fn *done;
	void *arg;
	unsigned char *query;
	int query_len;
	unsigned tries_left;
	uint16_t type;
	bool cancelled, starting, failed_at_once;
	char name[256];
};

/* The thread's open channels. */
static _Thread_local struct {
	struct mv_thread_exit hook;
	struct dns_channel **ch;
	unsigned n, cap;
} channels;

static pthread_once_t ares_once = PTHREAD_ONCE_INIT;
static int ares_init_status = -1;

static void ares_global_init(void)
{
	ares_init_status = ares_library_init(ARES_LIB_INIT_ALL);
}

static void rearm(struct dns_channel *ch);
static void teardown(struct dns_channel *ch);

/* After c-ares ran: end the channel when nothing is left, else wait for its next timeout. */
static void after(struct dns_channel *ch)
{
	if (ch->depth != 0)
		return;
	if (ch->live == 0)
		teardown(ch);
	else
		rearm(ch);
}

static void on_io(void *arg, int fd, unsigned events)
{
	struct dns_channel *ch = arg;

	ch->depth++;
	ares_process_fd(ch->ares, events & (MV_LOOP_READ | MV_LOOP_ERROR) ? fd : ARES_SOCKET_BAD,
			events & MV_LOOP_WRITE ? fd : ARES_SOCKET_BAD);
	ch->depth--;
	after(ch);
}

static void on_timer(void *arg)
{
	struct dns_channel *ch = arg;

	ch->timer = NULL;
	ch->depth++;
	ares_process_fd(ch->ares, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	ch->depth--;
	after(ch);
}

static void rearm(struct dns_channel *ch)
{
	struct timeval tv, *t;

	if (ch->timer != NULL) {
		mv_loop_timer_cancel(ch->loop, ch->timer);
		ch->timer = NULL;
	}
	t = ares_timeout(ch->ares, NULL, &tv);
	if (t != NULL)
		ch->timer = mv_loop_timer(ch->loop, (uint64_t)t->tv_sec * 1000u + ((uint64_t)t->tv_usec + 999u) / 1000u,
					  on_timer, ch);
}

/* c-ares opens, changes and (with 0, 0) is about to close a socket. */
static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_channel *ch = data;

	if (!ch->closing)
		(void)mv_loop_watch(ch->loop, fd, (readable ? MV_LOOP_READ : 0u) | (writable ? MV_LOOP_WRITE : 0u),
				    on_io, ch);
}

static void channel_remove(struct dns_channel *ch)
{
	unsigned i;

	for (i = 0; i < channels.n; i++) {
		if (channels.ch[i] == ch) {
			channels.ch[i] = channels.ch[--channels.n];
			return;
		}
	}
}

/* Ends the queries left (cancelled lookups' only) and the channel. */
static void teardown(struct dns_channel *ch)
{
	ch->depth++;
	ares_cancel(ch->ares);
	ares_destroy(ch->ares);
	if (ch->timer != NULL && !ch->closing)
		mv_loop_timer_cancel(ch->loop, ch->timer);
	channel_remove(ch);
	free(ch);
}

static void channels_release(struct mv_thread_exit *hook)
{
	(void)hook;
	while (channels.n != 0) {
		channels.ch[0]->closing = true;
		teardown(channels.ch[0]);
	}
	free(channels.ch);
	channels.ch = NULL;
	channels.cap = 0;
}

static int set_servers(ares_channel ares, const struct dns_net_settings *set)
{
	struct ares_addr_port_node nodes[8];
	unsigned i, n = set->n_servers < 8 ? set->n_servers : 8;

	memset(nodes, 0, sizeof(nodes));
	for (i = 0; i < n; i++) {
		nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
		nodes[i].family = set->servers[i].family;
		if (nodes[i].family == AF_INET)
			memcpy(&nodes[i].addr.addr4, set->servers[i].addr, 4);
		else
			memcpy(&nodes[i].addr.addr6, set->servers[i].addr, 16);
		nodes[i].udp_port = nodes[i].tcp_port = set->servers[i].port;
	}
	return ares_set_servers_ports(ares, n != 0 ? nodes : NULL);
}

static struct dns_channel *channel_get(const struct dns_resolver *resolver, const struct dns_net_settings *set,
				       struct dns_cache *cache, struct mv_loop *loop)
{
	static char no_resolv_conf[] = "/dev/null", lookups[] = "b";
	struct ares_options opts;
	struct dns_channel *ch;
	unsigned i;

	for (i = 0; i < channels.n; i++) {
		if (channels.ch[i]->resolver == resolver && channels.ch[i]->loop == loop)
			return channels.ch[i];
	}
	(void)pthread_once(&ares_once, ares_global_init);
	if (ares_init_status != ARES_SUCCESS)
		return NULL;
	if (channels.n == channels.cap) {
		unsigned cap = channels.cap != 0 ? channels.cap * 2 : 4;
		struct dns_channel **a;

		channels.hook.release = channels_release;
		if (!mv_thread_exit_register(&channels.hook) || (a = realloc(channels.ch, cap * sizeof(*a))) == NULL)
			return NULL;
		channels.ch = a;
		channels.cap = cap;
	}
	ch = calloc(1, sizeof(*ch));
	if (ch == NULL)
		return NULL;
	ch->resolver = resolver;
	ch->loop = loop;
	ch->cache = cache;
	memset(&opts, 0, sizeof(opts));
	/* The servers and options are the resolver's: nothing from resolv.conf, no search list. */
	opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_EDNS;
	opts.timeout = (int)set->timeout_ms;
	opts.tries = 1;
	opts.ednspsz = EDNS_SIZE;
	opts.ndomains = 0;
	opts.lookups = lookups;
	opts.resolvconf_path = no_resolv_conf;
	opts.sock_state_cb = on_sock_state;
	opts.sock_state_cb_data = ch;
	if (ares_init_options(&ch->ares, &opts,
			      ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ |
				      ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS | ARES_OPT_RESOLVCONF | ARES_OPT_NOROTATE |
				      ARES_OPT_SOCK_STATE_CB) != ARES_SUCCESS) {
		free(ch);
		return NULL;
	}
	if (set_servers(ch->ares, set) != ARES_SUCCESS) {
		ares_destroy(ch->ares);
		free(ch);
		return NULL;
	}
	channels.ch[channels.n++] = ch;
	return ch;
}

static void lookup_free(struct dns_lookup *lk)
{
	ares_free_string(lk->query);
	free(lk);
}

static const struct dns_answer *answer_of(struct dns_lookup *lk, int status, const unsigned char *abuf, int alen,
					  struct dns_answer **packed_r)
{
	uint32_t ttl;

	*packed_r = NULL;
	if (status == ARES_ETIMEOUT)
		return dns_answer_static(DNS_R_TIMEOUT);
	if (status != ARES_SUCCESS || abuf == NULL || alen <= 0)
		return dns_answer_static(DNS_R_TEMPFAIL);
	if (dns_wire_parse(abuf, (size_t)alen, lk->name, lk->type, packed_r, &ttl) < 0)
		return dns_answer_static(DNS_R_TEMPFAIL);
	if ((*packed_r)->rcode == DNS_R_OK || (*packed_r)->rcode == DNS_R_NXDOMAIN)
		(void)dns_cache_put(lk->ch->cache, lk->name, lk->type, *packed_r, ttl, dns_now_ms());
	return *packed_r;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_lookup *lk = arg;
	struct dns_channel *ch = lk->ch;
	struct dns_answer *packed;
	const struct dns_answer *answer;

	(void)timeouts;
	if (lk->cancelled || ch->closing) {
		lookup_free(lk);
		return;
	}
	if (lk->starting) {
		/* Failed inside ares_send(): dns_net_lookup() answers at once, done() is not called. */
		lk->failed_at_once = true;
		return;
	}
	if (status == ARES_ETIMEOUT && lk->tries_left > 0) {
		lk->tries_left--;
		ares_send(ch->ares, lk->query, lk->query_len, on_answer, lk);
		return;
	}
	answer = answer_of(lk, status, abuf, alen, &packed);
	ch->live--;
	lk->done(lk->arg, answer);
	free(packed);
	lookup_free(lk);
}

int dns_net_lookup(struct dns_resolver *resolver, const struct dns_net_settings *set, struct dns_cache *cache,
		   struct mv_loop *loop, const char *name, uint16_t type, dns_done_fn *done, void *arg,
		   const struct dns_answer **answer_r, struct dns_lookup **handle_r)
{
	struct dns_channel *ch = channel_get(resolver, set, cache, loop);
	struct dns_lookup *lk;

	*handle_r = NULL;
	*answer_r = dns_answer_static(DNS_R_TEMPFAIL);
	if (ch == NULL)
		return 1;	/* c-ares could not be set up: the scan goes on without DNS */
	lk = calloc(1, sizeof(*lk));
	if (lk == NULL) {
		after(ch);
		return -1;
	}
	lk->ch = ch;
	lk->done = done;
	lk->arg = arg;
	lk->type = type;
	lk->tries_left = set->retries;
	strcpy(lk->name, name);
	if (ares_create_query(name, 1, type, 0, 1, &lk->query, &lk->query_len, EDNS_SIZE) != ARES_SUCCESS) {
		free(lk);
		after(ch);
		return 1;
	}
	ch->live++;
	ch->depth++;
	lk->starting = true;
	ares_send(ch->ares, lk->query, lk->query_len, on_answer, lk);
	lk->starting = false;
	ch->depth--;
	if (lk->failed_at_once) {
		ch->live--;
		lookup_free(lk);
		after(ch);
		return 1;
	}
	after(ch);
	*handle_r = lk;
	return 0;
}

void dns_net_cancel(struct dns_lookup *lk)
{
	struct dns_channel *ch = lk->ch;

	if (lk->cancelled)
		return;
	lk->cancelled = true;
	ch->live--;
	after(ch);
}

unsigned dns_net_channels(const struct dns_resolver *resolver)
{
	unsigned i, n = 0;

	for (i = 0; i < channels.n; i++)
		n += channels.ch[i]->resolver == resolver;
	return n;
}
