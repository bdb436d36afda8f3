/*
 * Test-only (included by the DNS tests): DNS messages written by hand,
 * uncompressed, for the fake server and the wire parser's tests.  Writes past
 * the buffer are dropped.
 */
#include <stdint.h>
#include <string.h>

#include "dns/dns.h"

struct fake_msg {
	unsigned char *p;
	size_t len, cap;
	unsigned ancount, nscount;
};

static void put(struct fake_msg *m, const void *data, size_t len)
{
	if (m->len + len <= m->cap) {
		memcpy(m->p + m->len, data, len);
		m->len += len;
	}
}

static void put16(struct fake_msg *m, unsigned v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	put(m, b, 2);
}

static void put32(struct fake_msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void put_name(struct fake_msg *m, const char *name)
{
	while (*name != '\0') {
		size_t len = strcspn(name, ".");
		unsigned char l = (unsigned char)len;

		put(m, &l, 1);
		put(m, name, len);
		name += len + (name[len] == '.');
	}
	put(m, "", 1);
}

static void put_rr(struct fake_msg *m, const char *owner, const struct dns_rr *rr)
{
	size_t at, i;

	put_name(m, owner);
	put16(m, rr->type);
	put16(m, 1);
	put32(m, rr->ttl);
	at = m->len;
	put16(m, 0);
	switch (rr->type) {
	case DNS_T_A:
		put(m, rr->addr, 4);
		break;
	case DNS_T_AAAA:
		put(m, rr->addr, 16);
		break;
	case DNS_T_MX:
		put16(m, rr->preference);
		/* fall through */
	case DNS_T_PTR:
	case DNS_T_CNAME:
		put_name(m, rr->text.p);
		break;
	case DNS_T_TXT:
		/* Strings of 255 bytes (the zone keeps them joined). */
		for (i = 0; i == 0 || i < rr->text.len; i += 255) {
			size_t n = rr->text.len - i < 255 ? rr->text.len - i : 255;
			unsigned char l = (unsigned char)n;

			put(m, &l, 1);
			put(m, rr->text.p + i, n);
		}
		break;
	}
	m->p[at] = (unsigned char)((m->len - at - 2) >> 8);
	m->p[at + 1] = (unsigned char)(m->len - at - 2);
}
