/*
 * The resolver: made once per engine from the "dns" settings and shared by
 * its threads.  With dns_zone it answers from the zone alone, at once and
 * with no network.  Otherwise from the cache, then from the servers
 * (dns_servers, or /etc/resolv.conf's nameservers) through c-ares on the
 * caller's loop (dns_ares.c).  A resolver whose network cannot be set up is
 * still made: every lookup then answers TEMPFAIL, so the scan goes on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_int.h"
#include "util/file_read.h"
#include "util/thread_exit.h"

#define MAX_SERVERS 8

struct dns_resolver {
	struct dns_zone *zone;
	const char *failure;		/* why the network cannot be used, or NULL */
	struct dns_server servers[MAX_SERVERS];
	struct dns_net_settings net;
	struct dns_cache *cache;
	unsigned max_queries;
};

static const struct mv_setting_def dns_settings[] = {
	{ "dns_servers", MV_SETTING_LIST, "", 0, 0, NULL,
	  "the DNS servers to ask (IP, IP:PORT, [IPv6]:PORT), at most 8; empty: the nameservers of /etc/resolv.conf" },
	{ "dns_zone", MV_SETTING_STRING, "", 0, 0, NULL,
	  "a BIND master file that answers every lookup, with no network (NXDOMAIN for names not in it)" },
	{ "dns_timeout", MV_SETTING_TIME, "2s", 10, 60000, NULL,
	  "how long one try of a DNS query waits for its answer" },
	{ "dns_retries", MV_SETTING_UINT, "2", 0, 10, NULL,
	  "how many times a DNS query that got no answer is sent again" },
	{ "dns_max_queries", MV_SETTING_UINT, "300", 0, 10000, NULL,
	  "the most DNS lookups one message may make; past them a lookup is not made" },
	{ "dns_cache_size", MV_SETTING_UINT, "100000", 0, 10000000, NULL,
	  "the most DNS answers the cache keeps (0: no cache)" },
};

const struct mv_setting_table dns_setting_table = {
	"dns", dns_settings, sizeof(dns_settings) / sizeof(dns_settings[0]),
};

bool dns_server_parse(const char *text, struct dns_server *server_r)
{
	char host[64];
	const char *port = NULL, *end;
	size_t len = strlen(text);
	bool bracketed = text[0] == '[';
	unsigned long p = 53;

	memset(server_r, 0, sizeof(*server_r));
	if (bracketed) {
		end = strchr(text, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return false;
		len = (size_t)(end - text - 1);
		text++;
		port = end[1] == ':' ? end + 2 : NULL;
	} else if ((end = strchr(text, ':')) != NULL && strchr(end + 1, ':') == NULL) {
		len = (size_t)(end - text);	/* one colon: IPv4:PORT */
		port = end + 1;
	}
	if (len == 0 || len >= sizeof(host))
		return false;
	memcpy(host, text, len);
	host[len] = '\0';
	if (port != NULL) {
		char *e;

		if (port[0] < '0' || port[0] > '9')
			return false;
		p = strtoul(port, &e, 10);
		if (*e != '\0' || p == 0 || p > 65535)
			return false;
	}
	server_r->port = (uint16_t)p;
	if (!bracketed && inet_pton(AF_INET, host, server_r->addr) == 1) {
		server_r->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, host, server_r->addr) == 1) {
		server_r->family = AF_INET6;
		return true;
	}
	return false;
}

/* resolv.conf's "nameserver ADDR" lines (a scoped address, fe80::1%eth0, is skipped). */
static unsigned read_resolv_conf(const char *path, struct dns_server *servers, unsigned max)
{
	FILE *f = fopen(path, "re");
	char line[512];
	unsigned n = 0;

	if (f == NULL)
		return 0;
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		char addr[64];

		if (sscanf(line, " nameserver %63s", addr) != 1 || strchr(addr, '%') != NULL)
			continue;
		if (strchr(addr, ':') != NULL ? inet_pton(AF_INET6, addr, servers[n].addr) == 1
					      : inet_pton(AF_INET, addr, servers[n].addr) == 1) {
			servers[n].family = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
			servers[n].port = 53;
			n++;
		}
	}
	fclose(f);
	return n;
}

static char *__attribute__((format(printf, 3, 4))) where_error(const struct mv_config *cfg, const char *name,
								const char *fmt, ...)
{
	unsigned line = 0;
	const char *file = mv_config_where(cfg, name, &line);
	char text[600], *out = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (file == NULL)
		file = "configuration";
	if ((line != 0 ? asprintf(&out, "%s:%u: %s", file, line, text) : asprintf(&out, "%s: %s", file, text)) < 0)
		out = NULL;
	return out;
}

static int setup_network(struct dns_resolver *r, const struct mv_config *cfg, char **error_r)
{
	size_t n, i;
	const char *const *items = mv_config_list(cfg, "dns_servers", &n);

	if (n > MAX_SERVERS) {
		*error_r = where_error(cfg, "dns_servers", "dns_servers: at most %d servers", MAX_SERVERS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!dns_server_parse(items[i], &r->servers[i])) {
			*error_r = where_error(cfg, "dns_servers",
					       "dns_servers: '%s' is not a server (IP, IP:PORT or [IPv6]:PORT)",
					       items[i]);
			return -1;
		}
	}
	r->net.n_servers = (unsigned)n;
	if (n == 0) {
		r->net.n_servers = read_resolv_conf("/etc/resolv.conf", r->servers, MAX_SERVERS);
		if (r->net.n_servers == 0)
			r->failure = "no nameserver in /etc/resolv.conf and no dns_servers";
	}
	r->net.servers = r->servers;
	r->net.timeout_ms = (unsigned)mv_config_time_ms(cfg, "dns_timeout");
	r->net.retries = (unsigned)mv_config_uint(cfg, "dns_retries");
	r->cache = dns_cache_new((size_t)mv_config_uint(cfg, "dns_cache_size"));
	return 0;
}

int dns_resolver_new(const struct mv_config *cfg, struct dns_resolver **resolver_r, char **error_r)
{
	struct dns_resolver *r = calloc(1, sizeof(*r));
	const char *zone = mv_config_string(cfg, "dns_zone");

	*resolver_r = NULL;
	*error_r = NULL;
	if (r == NULL)
		goto nomem;
	r->max_queries = (unsigned)mv_config_uint(cfg, "dns_max_queries");
	if (zone[0] != '\0') {
		char *path = mv_config_file_setting(cfg, "dns_zone"), *why = NULL;

		r->zone = dns_zone_new();
		if (path == NULL || r->zone == NULL) {
			free(path);
			goto nomem;
		}
		if (dns_zone_load_file(r->zone, path, &why) < 0) {
			*error_r = why;
			free(path);
			dns_resolver_free(&r);
			return -1;
		}
		free(path);
	} else if (setup_network(r, cfg, error_r) < 0) {
		dns_resolver_free(&r);
		return -1;
	}
	*resolver_r = r;
	return 0;
nomem:
	dns_resolver_free(&r);
	*error_r = strdup("out of memory");
	return -1;
}

int dns_resolver_from_zone(struct dns_zone *zone, unsigned max_queries, struct dns_resolver **resolver_r)
{
	struct dns_resolver *r = calloc(1, sizeof(*r));

	*resolver_r = r;
	if (r == NULL) {
		dns_zone_free(&zone);
		return -1;
	}
	r->zone = zone;
	r->max_queries = max_queries;
	return 0;
}

void dns_resolver_free(struct dns_resolver **resolverp)
{
	struct dns_resolver *r = *resolverp;

	*resolverp = NULL;
	if (r == NULL)
		return;
	dns_zone_free(&r->zone);
	dns_cache_free(&r->cache);
	free(r);
}

unsigned dns_resolver_max_queries(const struct dns_resolver *resolver)
{
	return resolver->max_queries;
}

/* The answer dns_lookup_start() gives at once: valid until the thread's next call. */
static _Thread_local struct {
	struct mv_thread_exit hook;
	struct dns_answer zone_answer;
	void *buf;
	size_t size;
} sync_answer;

static void sync_answer_release(struct mv_thread_exit *hook)
{
	(void)hook;
	free(sync_answer.buf);
	sync_answer.buf = NULL;
	sync_answer.size = 0;
}

/* Answers from the cache, into the thread's buffer. */
static bool cache_get(struct dns_resolver *resolver, const char *name, uint16_t type,
		      const struct dns_answer **answer_r)
{
	if (resolver->cache == NULL)
		return false;
	if (sync_answer.buf == NULL) {
		sync_answer.hook.release = sync_answer_release;
		if (!mv_thread_exit_register(&sync_answer.hook))
			return false;
	}
	return dns_cache_get(resolver->cache, name, type, dns_now_ms(), &sync_answer.buf, &sync_answer.size, answer_r);
}

int dns_lookup_start(struct dns_resolver *resolver, struct mv_loop *loop, const char *name, uint16_t type,
		     dns_done_fn *done, void *arg, const struct dns_answer **answer_r, struct dns_lookup **handle_r)
{
	*handle_r = NULL;
	if (resolver->zone != NULL) {
		dns_zone_lookup(resolver->zone, name, type, &sync_answer.zone_answer);
		*answer_r = &sync_answer.zone_answer;
		return 1;
	}
	if (resolver->failure != NULL || loop == NULL) {
		*answer_r = dns_answer_static(DNS_R_TEMPFAIL);
		return 1;
	}
	if (cache_get(resolver, name, type, answer_r))
		return 1;
	return dns_net_lookup(resolver, &resolver->net, resolver->cache, loop, name, type, done, arg, answer_r,
			      handle_r);
}

void dns_cancel(struct dns_lookup *handle)
{
	if (handle != NULL)
		dns_net_cancel(handle);
}
