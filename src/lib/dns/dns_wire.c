/*
 * A DNS answer in wire form (RFC 1035 4.1) made into a struct dns_answer: the
 * records of the asked type at the asked name or at the end of its CNAME
 * chain in the answer section, and how long the answer may be cached (the
 * records' and CNAMEs' least TTL; for NXDOMAIN and NODATA the SOA's, RFC
 * 2308 5).  The input is a server's, so everything is bounded: names follow
 * only backward compression pointers, 255 bytes at most; at most 1024
 * records and 256 KiB of text are taken; any inconsistency (a field past the
 * end, an A record that is not 4 bytes, another question) makes the answer
 * TEMPFAIL.  Names are written lower case; a byte that is not printable
 * ASCII, a backslash or a '.' inside a label is written \DDD, so such a name
 * never equals one a check asks for.
 */
#include <stdlib.h>
#include <string.h>

#include "dns/dns_int.h"

#define MAX_RR 1024
#define MAX_TEXT ((size_t)256 << 10)
#define NAME_TEXT_MAX 1024	/* 255 wire bytes, each at most 4 as text */

struct wire {
	const unsigned char *p;
	size_t len;
};

struct wire_rr {
	char owner[NAME_TEXT_MAX];
	uint16_t type, class;
	uint32_t ttl;
	size_t rdata, rdlen;	/* offset and length */
};

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The name at *pos into out (text form); *pos moves past it where it is
 * written (a pointer ends it).  -1 when it is malformed.
 */
static int read_name(const struct wire *w, size_t *pos, char out[NAME_TEXT_MAX])
{
	size_t p = *pos, n = 0, wire_len = 0, limit = w->len;
	bool jumped = false;

	for (;;) {
		unsigned len;

		if (p >= limit)
			return -1;
		len = w->p[p];
		if ((len & 0xc0) == 0xc0) {
			size_t target;

			if (p + 1 >= limit)
				return -1;
			target = (len & 0x3f) << 8 | w->p[p + 1];
			/* Only backward: each jump lands before the last, so there is no loop. */
			if (target >= p)
				return -1;
			if (!jumped)
				*pos = p + 2;
			jumped = true;
			limit = p;
			p = target;
			continue;
		}
		if ((len & 0xc0) != 0)
			return -1;	/* the obsolete extended label types */
		if (len == 0)
			break;
		if (p + 1 + len > limit || (wire_len += len + 1) > 254)
			return -1;
		if (n != 0)
			out[n++] = '.';
		for (p++; len > 0; len--, p++) {
			unsigned char c = w->p[p];

			if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
				out[n++] = mv_ascii_lower((char)c);
			} else {
				out[n++] = '\\';
				out[n++] = (char)('0' + c / 100);
				out[n++] = (char)('0' + c / 10 % 10);
				out[n++] = (char)('0' + c % 10);
			}
		}
	}
	out[n] = '\0';
	if (!jumped)
		*pos = p + 1;
	return 0;
}

/* The resource record at *pos (its owner, fixed fields and where its rdata is); -1 when malformed. */
static int read_rr(const struct wire *w, size_t *pos, struct wire_rr *rr)
{
	if (read_name(w, pos, rr->owner) < 0 || *pos + 10 > w->len)
		return -1;
	rr->type = (uint16_t)get16(w->p + *pos);
	rr->class = (uint16_t)get16(w->p + *pos + 2);
	rr->ttl = get32(w->p + *pos + 4);
	if (rr->ttl > 0x7fffffff)
		rr->ttl = 0;	/* RFC 2181 8 */
	rr->rdlen = get16(w->p + *pos + 8);
	rr->rdata = *pos + 10;
	if (rr->rdata + rr->rdlen > w->len)
		return -1;
	*pos = rr->rdata + rr->rdlen;
	return 0;
}

/* A name that must fill the rest of the rdata exactly. */
static int rdata_name(const struct wire *w, const struct wire_rr *rr, size_t at, char out[NAME_TEXT_MAX])
{
	size_t pos = at;

	return read_name(w, &pos, out) < 0 || pos != rr->rdata + rr->rdlen ? -1 : 0;
}

struct text_buf {
	char *p;
	size_t len, cap;
};

/* Appends bytes; the offset where they start, or -1 (too much text, out of memory). */
static long text_add(struct text_buf *t, const void *data, size_t len)
{
	size_t at = t->len;

	if (t->len + len + 1 > MAX_TEXT)
		return -1;
	if (t->len + len + 1 > t->cap) {
		size_t cap = t->cap != 0 ? t->cap : 1024;
		char *p;

		while (cap < t->len + len + 1)
			cap *= 2;
		p = realloc(t->p, cap);
		if (p == NULL)
			return -1;
		t->p = p;
		t->cap = cap;
	}
	if (len != 0)
		memcpy(t->p + t->len, data, len);
	t->len += len;
	return (long)at;
}

/* One record's data into out; its text goes to t, at *at_r (fixed up at the end).  -1 when malformed. */
static int take_rdata(const struct wire *w, const struct wire_rr *rr, struct dns_rr *out, struct text_buf *t,
		      size_t *at_r)
{
	const unsigned char *d = w->p + rr->rdata;
	char name[NAME_TEXT_MAX];
	size_t i, start = t->len;

	memset(out, 0, sizeof(*out));
	out->type = rr->type;
	out->ttl = rr->ttl;
	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (rr->rdlen != (rr->type == DNS_T_A ? 4u : 16u))
			return -1;
		memcpy(out->addr, d, rr->rdlen);
		return 0;
	case DNS_T_MX:
		if (rr->rdlen < 3)
			return -1;
		out->preference = (uint16_t)get16(d);
		if (rdata_name(w, rr, rr->rdata + 2, name) < 0 || text_add(t, name, strlen(name)) < 0)
			return -1;
		break;
	case DNS_T_PTR:
	case DNS_T_CNAME:
		if (rdata_name(w, rr, rr->rdata, name) < 0 || text_add(t, name, strlen(name)) < 0)
			return -1;
		break;
	case DNS_T_TXT:
		/* The character-strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2); they must fill the rdata. */
		for (i = 0; i < rr->rdlen; i += 1u + d[i]) {
			if (i + 1 + d[i] > rr->rdlen || text_add(t, d + i + 1, d[i]) < 0)
				return -1;
			out->n_strings++;
		}
		break;
	default:
		/* A type this layer does not know: its rdata as it came. */
		if (text_add(t, d, rr->rdlen) < 0)
			return -1;
		break;
	}
	out->text.len = t->len - start;
	*at_r = start;
	return text_add(t, "", 1) < 0 ? -1 : 0;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* RFC 2308 5: a negative answer lives min(SOA TTL, SOA MINIMUM); without a SOA, the default. */
static uint32_t negative_ttl(const struct wire *w, size_t pos, unsigned nscount)
{
	struct wire_rr rr;
	char name[NAME_TEXT_MAX];
	unsigned i;

	for (i = 0; i < nscount; i++) {
		size_t at;

		if (read_rr(w, &pos, &rr) < 0)
			break;
		if (rr.type != 6)
			continue;
		at = rr.rdata;
		if (read_name(w, &at, name) < 0 || read_name(w, &at, name) < 0 || at + 20 != rr.rdata + rr.rdlen)
			break;
		return min32(min32(rr.ttl, get32(w->p + at + 16)), DNS_NEGATIVE_TTL_MAX);
	}
	return DNS_NEGATIVE_TTL_DEFAULT;
}

static int tempfail(struct dns_answer **answer_r, uint32_t *ttl_r, const char *qname)
{
	struct dns_answer a = { DNS_R_TEMPFAIL, NULL, 0, mv_str_cstr(qname) };

	*ttl_r = 0;
	*answer_r = malloc(dns_answer_size(&a));
	if (*answer_r == NULL)
		return -1;
	dns_answer_pack(&a, *answer_r);
	return 0;
}

int dns_wire_parse(const unsigned char *buf, size_t len, const char *qname, uint16_t qtype,
		   struct dns_answer **answer_r, uint32_t *ttl_r)
{
	struct wire w = { buf, len };
	struct wire_rr *rr = NULL;
	struct dns_rr *out = NULL;
	size_t *at = NULL;
	struct text_buf text = { NULL, 0, 0 };
	char cur[NAME_TEXT_MAX], next[NAME_TEXT_MAX];
	unsigned qdcount, ancount, nscount, rcode, n = 0, hops = 0, i;
	size_t pos = 12, answers, authority;
	uint32_t ttl = DNS_TTL_MAX;
	struct dns_answer a;
	int rc = -1;

	*answer_r = NULL;
	*ttl_r = 0;
	/* A response (QR), not truncated (TC: c-ares asked again over TCP; a part of an RRset is not an answer). */
	if (len < 12 || !(buf[2] & 0x80) || (buf[2] & 0x02))
		return tempfail(answer_r, ttl_r, qname);
	rcode = buf[3] & 0x0f;
	qdcount = get16(buf + 4);
	ancount = get16(buf + 6);
	nscount = get16(buf + 8);
	if ((rcode != 0 && rcode != 3) || qdcount != 1 || read_name(&w, &pos, cur) < 0 || pos + 4 > len ||
	    strcmp(cur, qname) != 0 || get16(buf + pos) != qtype || get16(buf + pos + 2) != 1)
		return tempfail(answer_r, ttl_r, qname);
	answers = pos + 4;
	rr = malloc(sizeof(*rr));
	out = malloc(MAX_RR * sizeof(*out));
	at = malloc(MAX_RR * sizeof(*at));
	if (rr == NULL || out == NULL || at == NULL)
		goto out;
	/* The answer section must be well formed as a whole; the authority section follows it. */
	for (pos = answers, i = 0; i < ancount; i++) {
		if (read_rr(&w, &pos, rr) < 0)
			goto fail;
	}
	authority = pos;
	strcpy(cur, qname);
	for (;;) {
		bool cname = false;

		for (pos = answers, i = 0; i < ancount; i++) {
			(void)read_rr(&w, &pos, rr);
			if (rr->class != 1 || strcmp(rr->owner, cur) != 0)
				continue;
			if (rr->type == qtype) {
				if (n == MAX_RR || take_rdata(&w, rr, &out[n], &text, &at[n]) < 0)
					goto fail;
				ttl = min32(ttl, rr->ttl);
				n++;
			} else if (rr->type == DNS_T_CNAME && !cname) {
				if (rdata_name(&w, rr, rr->rdata, next) < 0)
					goto fail;
				cname = true;
				ttl = min32(ttl, rr->ttl);
			}
		}
		if (n != 0 || !cname || qtype == DNS_T_CNAME)
			break;
		/* A loop, or a chain longer than resolvers follow: what they would answer, SERVFAIL. */
		if (++hops > DNS_CNAME_MAX)
			goto fail;
		memcpy(cur, next, sizeof(cur));
	}
	if (n == 0)
		ttl = min32(ttl, negative_ttl(&w, authority, nscount));
	for (i = 0; i < n; i++) {
		if (out[i].type != DNS_T_A && out[i].type != DNS_T_AAAA)
			out[i].text.p = text.p + at[i];
	}
	a.rcode = n == 0 && rcode == 3 ? DNS_R_NXDOMAIN : DNS_R_OK;
	a.n_rr = n;
	a.rr = out;
	a.canonical = mv_str_cstr(cur);
	*answer_r = malloc(dns_answer_size(&a));
	if (*answer_r == NULL)
		goto out;
	dns_answer_pack(&a, *answer_r);
	*ttl_r = ttl;
	rc = 0;
	goto out;
fail:
	rc = tempfail(answer_r, ttl_r, qname);
out:
	free(rr);
	free(out);
	free(at);
	free(text.p);
	return rc;
}
