/*
 * Test-only (included by the DNS tests): a DNS server on 127.0.0.1 (UDP and
 * TCP, one port) in a thread of its own, answering from a struct dns_zone,
 * with misbehaviour chosen by the first label of the asked name:
 *   never...      no answer at all
 *   lateN...      the answer after N ms
 *   wrongid...    an answer with another ID only
 *   wrongfirst... an answer with another ID, then the right one 20 ms later
 *   tc...         over UDP always truncated (TC, no records); over TCP the answer
 *   servfail...   SERVFAIL
 *   badtxt...     a TXT whose string runs past its record
 *   garbage...    the right ID and then bytes that are no DNS message
 * An answer longer than the client's EDNS size (512 without EDNS) is sent
 * truncated over UDP, as a server does.  fake_dns.queries counts the queries.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns/dns_int.h"
#include "dns_build.c"

#define FAKE_MAX_CONN 16
#define FAKE_MAX_LATER 256

struct fake_later {
	uint64_t due;
	unsigned char buf[512];
	size_t len;
	struct sockaddr_in to;
};

struct fake_dns {
	pthread_t thread;
	int udp, tcp, wake[2], conns[FAKE_MAX_CONN];
	unsigned port;
	const struct dns_zone *zone;
	atomic_uint queries;
	struct fake_later later[FAKE_MAX_LATER];
	unsigned n_later;
};

static uint64_t fake_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The question of a query: its name (text), type, where it ends, the EDNS size offered (512 without). */
static bool fake_question(const unsigned char *q, size_t len, char name[256], unsigned *type_r, size_t *end_r,
			  unsigned *edns_r)
{
	size_t pos = 12, n = 0;

	if (len < 17)
		return false;
	while (pos < len && q[pos] != 0) {
		unsigned l = q[pos++];

		if (l > 63 || pos + l > len || n + l + 1 > 255)
			return false;
		if (n != 0)
			name[n++] = '.';
		for (; l > 0; l--)
			name[n++] = (char)tolower(q[pos++]);
	}
	name[n] = '\0';
	if (pos + 5 > len)
		return false;
	*type_r = (unsigned)q[pos + 1] << 8 | q[pos + 2];
	*end_r = pos + 5;
	*edns_r = 512;
	/* An OPT record in the additional section: root name, type 41, class = the size. */
	if ((q[10] << 8 | q[11]) != 0 && *end_r + 5 <= len && q[*end_r] == 0 && q[*end_r + 2] == 41)
		*edns_r = (unsigned)q[*end_r + 3] << 8 | q[*end_r + 4];
	return true;
}

/* The answer to a query from the zone (the CNAME chain, then the records, the SOA when there are none). */
static size_t fake_answer(struct fake_dns *fd, const unsigned char *q, size_t qlen, unsigned char *out, size_t cap,
			  bool truncate_udp, unsigned *edns_r)
{
	struct fake_msg m = { out, 0, cap, 0, 0 };
	char name[256], cur[256];
	unsigned type, hops, i, rcode = 0;
	size_t qend;
	struct dns_answer a;

	if (!fake_question(q, qlen, name, &type, &qend, edns_r))
		return 0;
	put(&m, q, qend);
	m.p[2] = 0x84 | (q[2] & 0x01);	/* QR, AA, RD as asked */
	m.p[3] = 0x80;			/* RA */
	memset(m.p + 6, 0, 6);
	if (strncmp(name, "servfail", 8) == 0) {
		m.p[3] |= 2;
		return m.len;
	}
	if (strncmp(name, "tc", 2) == 0 && truncate_udp) {
		m.p[2] |= 0x02;
		return m.len;
	}
	if (strncmp(name, "badtxt", 6) == 0) {
		static const unsigned char bad[] = { 0, 16, 0, 1, 0, 0, 0, 60, 0, 4, 16, 'a', 'b', 'c' };

		put_name(&m, name);
		put(&m, bad, sizeof(bad));
		m.p[7] = 1;
		return m.len;
	}
	if (strncmp(name, "garbage", 7) == 0) {
		m.len = 14;	/* the header, and two bytes of a question that never ends */
		m.p[12] = 63;
		m.p[13] = 'x';
		return m.len;
	}
	snprintf(cur, sizeof(cur), "%s", name);
	for (hops = 0; hops < 12 && type != DNS_T_CNAME; hops++) {
		dns_zone_lookup(fd->zone, cur, DNS_T_CNAME, &a);
		if (a.rcode != DNS_R_OK || a.n_rr != 1 || strcmp(a.canonical.p, cur) != 0)
			break;
		put_rr(&m, cur, &a.rr[0]);
		m.ancount++;
		snprintf(cur, sizeof(cur), "%s", a.rr[0].text.p);
	}
	dns_zone_lookup(fd->zone, cur, (uint16_t)type, &a);
	if (a.rcode == DNS_R_NXDOMAIN)
		rcode = 3;
	for (i = 0; a.rcode == DNS_R_OK && i < a.n_rr; i++, m.ancount++)
		put_rr(&m, cur, &a.rr[i]);
	if (a.n_rr == 0 && a.rcode <= DNS_R_NXDOMAIN) {
		/* SOA: mname, rname, serial, refresh, retry, expire, minimum 60; TTL 120. */
		size_t at;

		put_name(&m, "test");
		put16(&m, 6);
		put16(&m, 1);
		put32(&m, 120);
		at = m.len;
		put16(&m, 0);
		put_name(&m, "ns.test");
		put_name(&m, "hostmaster.test");
		put32(&m, 1);
		put32(&m, 3600);
		put32(&m, 600);
		put32(&m, 86400);
		put32(&m, 60);
		m.p[at] = (unsigned char)((m.len - at - 2) >> 8);
		m.p[at + 1] = (unsigned char)(m.len - at - 2);
		m.nscount = 1;
	} else if (a.rcode > DNS_R_NXDOMAIN) {
		rcode = 2;
	}
	m.p[3] |= (unsigned char)rcode;
	m.p[6] = (unsigned char)(m.ancount >> 8);
	m.p[7] = (unsigned char)m.ancount;
	m.p[9] = (unsigned char)m.nscount;
	return m.len;
}

static void fake_later_add(struct fake_dns *fd, uint64_t due, const unsigned char *buf, size_t len,
			   const struct sockaddr_in *to)
{
	struct fake_later *l;

	if (fd->n_later == FAKE_MAX_LATER || len > sizeof(l->buf))
		return;
	l = &fd->later[fd->n_later++];
	l->due = due;
	memcpy(l->buf, buf, len);
	l->len = len;
	l->to = *to;
}

static void fake_udp(struct fake_dns *fd)
{
	unsigned char q[1500], out[65536];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	ssize_t n = recvfrom(fd->udp, q, sizeof(q), 0, (struct sockaddr *)&from, &fromlen);
	unsigned edns = 512;
	size_t len;
	char name[256];
	unsigned type;
	size_t qend;

	if (n <= 0)
		return;
	atomic_fetch_add(&fd->queries, 1);
	if (!fake_question(q, (size_t)n, name, &type, &qend, &edns) || strncmp(name, "never", 5) == 0)
		return;
	len = fake_answer(fd, q, (size_t)n, out, sizeof(out), true, &edns);
	if (len == 0)
		return;
	if (len > edns) {
		/* Too big for UDP: the header and question, truncated. */
		len = qend;
		out[2] |= 0x02;
		memset(out + 6, 0, 6);
	}
	if (strncmp(name, "late", 4) == 0) {
		fake_later_add(fd, fake_now() + strtoul(name + 4, NULL, 10), out, len, &from);
		return;
	}
	if (strncmp(name, "wrong", 5) == 0) {
		unsigned char wrong[512];

		memcpy(wrong, out, len < sizeof(wrong) ? len : sizeof(wrong));
		wrong[0] ^= 0x55;
		(void)sendto(fd->udp, wrong, len < sizeof(wrong) ? len : sizeof(wrong), 0, (struct sockaddr *)&from,
			     fromlen);
		if (strncmp(name, "wrongfirst", 10) == 0)
			fake_later_add(fd, fake_now() + 20, out, len, &from);
		return;
	}
	(void)sendto(fd->udp, out, len, 0, (struct sockaddr *)&from, fromlen);
}

/* One query on a TCP connection; false when the connection is done. */
static bool fake_tcp(struct fake_dns *fd, int c)
{
	unsigned char lenb[2], q[65536], out[65538];
	unsigned edns;
	size_t qlen, len;

	if (recv(c, lenb, 2, MSG_WAITALL) != 2)
		return false;
	qlen = (size_t)lenb[0] << 8 | lenb[1];
	if (recv(c, q, qlen, MSG_WAITALL) != (ssize_t)qlen)
		return false;
	atomic_fetch_add(&fd->queries, 1);
	len = fake_answer(fd, q, qlen, out + 2, sizeof(out) - 2, false, &edns);
	if (len == 0)
		return true;
	out[0] = (unsigned char)(len >> 8);
	out[1] = (unsigned char)len;
	return send(c, out, len + 2, MSG_NOSIGNAL) == (ssize_t)(len + 2);
}

static void *fake_main(void *arg)
{
	struct fake_dns *fd = arg;

	for (;;) {
		struct pollfd p[3 + FAKE_MAX_CONN];
		uint64_t now = fake_now(), next = now + 1000;
		unsigned i, n = 3;

		for (i = 0; i < fd->n_later;) {
			if (fd->later[i].due <= now) {
				(void)sendto(fd->udp, fd->later[i].buf, fd->later[i].len, 0,
					     (struct sockaddr *)&fd->later[i].to, sizeof(fd->later[i].to));
				fd->later[i] = fd->later[--fd->n_later];
				continue;
			}
			if (fd->later[i].due < next)
				next = fd->later[i].due;
			i++;
		}
		p[0] = (struct pollfd){ fd->udp, POLLIN, 0 };
		p[1] = (struct pollfd){ fd->tcp, POLLIN, 0 };
		p[2] = (struct pollfd){ fd->wake[0], POLLIN, 0 };
		for (i = 0; i < FAKE_MAX_CONN; i++) {
			if (fd->conns[i] >= 0)
				p[n++] = (struct pollfd){ fd->conns[i], POLLIN, 0 };
		}
		if (poll(p, n, (int)(next - now)) < 0 && errno != EINTR)
			break;
		if (p[2].revents != 0)
			break;
		if (p[0].revents & POLLIN)
			fake_udp(fd);
		if (p[1].revents & POLLIN) {
			int c = accept(fd->tcp, NULL, NULL);

			for (i = 0; c >= 0 && i < FAKE_MAX_CONN && fd->conns[i] >= 0; i++)
				;
			if (c >= 0 && i < FAKE_MAX_CONN)
				fd->conns[i] = c;
			else if (c >= 0)
				close(c);
		}
		for (i = 3; i < n; i++) {
			unsigned k;

			if (p[i].revents == 0)
				continue;
			for (k = 0; k < FAKE_MAX_CONN && fd->conns[k] != p[i].fd; k++)
				;
			if (k < FAKE_MAX_CONN && !fake_tcp(fd, fd->conns[k])) {
				close(fd->conns[k]);
				fd->conns[k] = -1;
			}
		}
	}
	return NULL;
}

static struct fake_dns *fake_dns_start(const struct dns_zone *zone)
{
	struct fake_dns *fd = calloc(1, sizeof(*fd));
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	unsigned i;
	int one = 1;

	if (fd == NULL)
		return NULL;
	fd->zone = zone;
	for (i = 0; i < FAKE_MAX_CONN; i++)
		fd->conns[i] = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* One port for both: the UDP socket's, then TCP on it (tried again on a clash). */
	for (i = 0; i < 20; i++) {
		fd->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		fd->tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		sa.sin_port = 0;
		setsockopt(fd->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd->udp, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    getsockname(fd->udp, (struct sockaddr *)&sa, &salen) == 0 &&
		    bind(fd->tcp, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd->tcp, 16) == 0)
			break;
		close(fd->udp);
		close(fd->tcp);
		fd->udp = fd->tcp = -1;
	}
	if (fd->udp < 0 || pipe(fd->wake) < 0) {
		free(fd);
		return NULL;
	}
	fd->port = ntohs(sa.sin_port);
	if (pthread_create(&fd->thread, NULL, fake_main, fd) != 0) {
		free(fd);
		return NULL;
	}
	return fd;
}

static void fake_dns_stop(struct fake_dns **fdp)
{
	struct fake_dns *fd = *fdp;
	unsigned i;

	*fdp = NULL;
	if (fd == NULL)
		return;
	if (write(fd->wake[1], "x", 1) < 0)
		perror("fake_dns_stop");
	pthread_join(fd->thread, NULL);
	close(fd->udp);
	close(fd->tcp);
	close(fd->wake[0]);
	close(fd->wake[1]);
	for (i = 0; i < FAKE_MAX_CONN; i++) {
		if (fd->conns[i] >= 0)
			close(fd->conns[i]);
	}
	free(fd);
}
