/*
 * libcurl's multi socket interface on an mv_loop: curl tells which sockets
 * to watch (CURLMOPT_SOCKETFUNCTION) and when to wake it
 * (CURLMOPT_TIMERFUNCTION); the loop's callbacks hand the events back with
 * curl_multi_socket_action().  Each request is one easy handle, reused for
 * every hop: Location is read from CURLINFO_REDIRECT_URL (curl makes it
 * absolute) and requested anew by us, not by curl, so each hop is recorded
 * and checked against the loop and the bounds.  The batch is freed from a
 * loop callback or a cancel, never from inside libcurl.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "links/links.h"
#include "links/links_follow.h"

#define MAX_SOCKETS 64		/* sockets of one batch watched at once */

struct links_follow {
	struct mv_loop *loop;
	CURLM *multi;
	struct mv_timer *timer;
	mv_arena *arena;
	struct links_follow_settings set;
	unsigned refs;		/* the maker's, and one per live request */
	int fds[MAX_SOCKETS];	/* watched sockets, so the end can unwatch them all */
	unsigned n_fds;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static bool curl_ready;

static void curl_init_once(void)
{
	curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

const char *links_follow_end_text(enum links_follow_end end)
{
	switch (end) {
	case LINKS_FOLLOW_REACHED:
		return "reached";
	case LINKS_FOLLOW_LOOP:
		return "a redirect loop";
	case LINKS_FOLLOW_HOPS:
		return "too many redirects";
	case LINKS_FOLLOW_TIMEOUT:
		return "no answer in time";
	case LINKS_FOLLOW_TOO_BIG:
		return "headers too large";
	case LINKS_FOLLOW_REFUSED:
		return "an address not on the Internet, refused";
	case LINKS_FOLLOW_FAILED:
		break;
	}
	return "no answer";
}

static void batch_free(struct links_follow *f)
{
	unsigned i;

	for (i = 0; i < f->n_fds; i++)
		(void)mv_loop_watch(f->loop, f->fds[i], 0, NULL, NULL);
	f->n_fds = 0;
	if (f->timer != NULL)
		mv_loop_timer_cancel(f->loop, f->timer);
	f->timer = NULL;
	curl_multi_cleanup(f->multi);
	free(f);
}

static void unref(struct links_follow *f)
{
	if (--f->refs == 0)
		batch_free(f);
}

static void forget_fd(struct links_follow *f, int fd)
{
	unsigned i;

	for (i = 0; i < f->n_fds; i++) {
		if (f->fds[i] == fd) {
			f->fds[i] = f->fds[--f->n_fds];
			return;
		}
	}
}

/* Ends a request: its handle goes, the batch loses its reference (and may end). */
static void request_end(struct links_follow_req *req)
{
	struct links_follow *f = req->batch;

	curl_multi_remove_handle(f->multi, req->easy);
	curl_easy_cleanup(req->easy);
	req->easy = NULL;
	req->batch = NULL;
}

static bool known(const struct links_follow_req *req, mv_str url)
{
	unsigned i;

	for (i = 0; i < req->n_hops; i++) {
		if (req->hops[i].len == url.len && memcmp(req->hops[i].p, url.p, url.len) == 0)
			return true;
	}
	return false;
}

static bool http_url(const char *u)
{
	return strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0;
}

/* Sets the handle to request `url` (NUL-terminated, arena) within what is left of the time. */
static bool aim(struct links_follow_req *req, const char *url)
{
	uint64_t now = mv_loop_now(req->batch->loop);
	long left = req->deadline > now ? (long)(req->deadline - now) : 0;

	if (left <= 0)
		return false;
	req->header_bytes = 0;
	return curl_easy_setopt(req->easy, CURLOPT_URL, url) == CURLE_OK &&
	       curl_easy_setopt(req->easy, CURLOPT_TIMEOUT_MS, left) == CURLE_OK &&
	       curl_easy_setopt(req->easy, CURLOPT_CONNECTTIMEOUT_MS, left) == CURLE_OK;
}

/*
 * One hop answered (or failed): follow its Location, or end the request.
 * True when the request goes on.
 */
static bool hop_done(struct links_follow_req *req, CURLcode result)
{
	struct links_follow *f = req->batch;
	char *location = NULL;
	char *copy;
	long code = 0;

	if (result != CURLE_OK) {
		req->end = req->too_big ? LINKS_FOLLOW_TOO_BIG : req->refused ? LINKS_FOLLOW_REFUSED
			: result == CURLE_OPERATION_TIMEDOUT ? LINKS_FOLLOW_TIMEOUT : LINKS_FOLLOW_FAILED;
		return false;
	}
	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &code);
	req->status = code;
	if (!(code == 301 || code == 302 || code == 303 || code == 307 || code == 308) ||
	    curl_easy_getinfo(req->easy, CURLINFO_REDIRECT_URL, &location) != CURLE_OK || location == NULL) {
		req->end = LINKS_FOLLOW_REACHED;
		return false;
	}
	copy = mv_arena_strndup(f->arena, location, strlen(location));
	if (copy == NULL) {
		req->end = LINKS_FOLLOW_FAILED;
		return false;
	}
	req->final = mv_str_cstr(copy);
	if (!http_url(copy)) {
		req->end = LINKS_FOLLOW_REACHED;
		return false;
	}
	if (known(req, req->final)) {
		req->end = LINKS_FOLLOW_LOOP;
		return false;
	}
	if (req->n_hops >= f->set.max_hops || req->n_hops >= LINKS_FOLLOW_MAX_HOPS) {
		req->end = LINKS_FOLLOW_HOPS;
		return false;
	}
	curl_multi_remove_handle(f->multi, req->easy);
	if (!aim(req, copy)) {
		req->end = LINKS_FOLLOW_TIMEOUT;
		return false;
	}
	req->hops[req->n_hops++] = req->final;
	if (curl_multi_add_handle(f->multi, req->easy) != CURLM_OK) {
		req->end = LINKS_FOLLOW_FAILED;
		return false;
	}
	return true;
}

/* After curl ran: each transfer that ended goes on to its next hop or ends its request. */
static void collect(struct links_follow *f)
{
	CURLMsg *msg;
	int left;

	f->refs++;	/* the batch outlives this turn even if its last request ends */
	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		struct links_follow_req *req;
		char *priv = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		req = (struct links_follow_req *)(void *)priv;
		if (req == NULL || hop_done(req, msg->data.result))
			continue;
		request_end(req);
		req->done(req);
		unref(f);
	}
	unref(f);
}

static void on_io(void *arg, int fd, unsigned events)
{
	struct links_follow *f = arg;
	int flags = 0, running;

	if (events & (MV_LOOP_READ | MV_LOOP_ERROR))
		flags |= CURL_CSELECT_IN;
	if (events & MV_LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	if (events & MV_LOOP_ERROR)
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(f->multi, fd, flags, &running);
	collect(f);
}

static void on_timer(void *arg)
{
	struct links_follow *f = arg;
	int running;

	f->timer = NULL;
	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	collect(f);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct links_follow *f = userp;
	unsigned events = 0;
	unsigned i;

	(void)easy;
	(void)socketp;
	if (what == CURL_POLL_REMOVE) {
		(void)mv_loop_watch(f->loop, s, 0, NULL, NULL);
		forget_fd(f, s);
		return 0;
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		events |= MV_LOOP_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		events |= MV_LOOP_WRITE;
	for (i = 0; i < f->n_fds && f->fds[i] != s; i++)
		;
	if (i == f->n_fds) {
		if (f->n_fds == MAX_SOCKETS)
			return -1;
		f->fds[f->n_fds++] = s;
	}
	return mv_loop_watch(f->loop, s, events, on_io, f) == 0 ? 0 : -1;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct links_follow *f = userp;

	(void)multi;
	if (f->timer != NULL)
		mv_loop_timer_cancel(f->loop, f->timer);
	f->timer = NULL;
	if (timeout_ms < 0)
		return 0;
	f->timer = mv_loop_timer(f->loop, (uint64_t)timeout_ms, on_timer, f);
	return f->timer != NULL ? 0 : -1;
}

static size_t header_cb(char *p, size_t size, size_t n, void *userp)
{
	struct links_follow_req *req = userp;

	(void)p;
	req->header_bytes += size * n;
	if (req->header_bytes > req->batch->set.max_bytes) {
		req->too_big = true;
		return 0;	/* curl ends the transfer with an error */
	}
	return size * n;
}

static size_t discard_cb(char *p, size_t size, size_t n, void *userp)
{
	(void)p;
	(void)userp;
	return size * n;
}

/* Connections only to the Internet's addresses, unless private ones are allowed. */
static curl_socket_t open_cb(void *userp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct links_follow_req *req = userp;
	uint8_t ip[16];

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (a->family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)&a->addr;

		memset(ip, 0, 10);
		ip[10] = ip[11] = 0xff;
		memcpy(ip + 12, &in->sin_addr, 4);
	} else if (a->family == AF_INET6) {
		memcpy(ip, &((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr, 16);
	} else {
		req->refused = true;
		return CURL_SOCKET_BAD;
	}
	if (!req->batch->set.private_addresses && !links_ip_global_bytes(ip)) {
		req->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

struct links_follow *links_follow_new(struct mv_loop *loop, const struct links_follow_settings *set, mv_arena *arena)
{
	struct links_follow *f;

	(void)pthread_once(&curl_once, curl_init_once);
	if (!curl_ready || loop == NULL)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->multi = curl_multi_init();
	if (f->multi == NULL) {
		free(f);
		return NULL;
	}
	f->loop = loop;
	f->arena = arena;
	f->set = *set;
	f->refs = 1;
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	return f;
}

static bool setup(CURL *easy, struct links_follow_req *req)
{
	return curl_easy_setopt(easy, CURLOPT_PRIVATE, req) == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_NOBODY, 1L) == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_PROXY, "") == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_USERAGENT, "mailvet (link check)") == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, header_cb) == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_HEADERDATA, req) == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard_cb) == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_cb) == CURLE_OK &&
	       curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, req) == CURLE_OK;
}

int links_follow_add(struct links_follow *f, struct links_follow_req *req)
{
	uint64_t timeout = req->timeout_ms != 0 && req->timeout_ms < f->set.timeout_ms ? req->timeout_ms
											: f->set.timeout_ms;
	char *url;

	req->n_hops = 0;
	req->final = req->url;
	req->end = LINKS_FOLLOW_FAILED;
	req->status = 0;
	req->too_big = req->refused = false;
	req->batch = NULL;
	url = mv_arena_strndup(f->arena, req->url.p, req->url.len);
	if (url == NULL || !http_url(url))
		return -1;
	req->easy = curl_easy_init();
	if (req->easy == NULL)
		return -1;
	req->batch = f;
	req->deadline = mv_loop_now(f->loop) + timeout;
	if (!setup(req->easy, req) || !aim(req, url) || curl_multi_add_handle(f->multi, req->easy) != CURLM_OK) {
		curl_easy_cleanup(req->easy);
		req->easy = NULL;
		req->batch = NULL;
		return -1;
	}
	req->hops[req->n_hops++] = req->url;
	f->refs++;
	return 0;
}

void links_follow_cancel(struct links_follow_req *req)
{
	struct links_follow *f = req->batch;

	if (f == NULL)
		return;
	req->end = LINKS_FOLLOW_TIMEOUT;
	request_end(req);
	unref(f);
}

void links_follow_release(struct links_follow *f)
{
	if (f != NULL)
		unref(f);
}
