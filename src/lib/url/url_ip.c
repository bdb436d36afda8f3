/*
 * IP literals in URL hosts.  IPv4 follows the WHATWG URL Standard's IPv4
 * parser, which is what browsers (and inet_aton) accept: one to four parts,
 * each decimal, octal (leading 0) or hex (0x), the last part filling the
 * remaining bytes ("127.1", "0x7f000001", "2130706433").  IPv6 follows the
 * WHATWG IPv6 parser (RFC 4291 2.2 text forms) and is written back in RFC
 * 5952 form.
 */
#include <string.h>

#include "url/url_int.h"

/* One IPv4 part; -1 when it has a digit invalid for its base.  "0x" alone is 0 (WHATWG). */
static int ipv4_number(const char *p, size_t len, uint64_t *value_r)
{
	unsigned base = 10;
	uint64_t v = 0;
	size_t i;

	if (len >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2, len -= 2;
	} else if (len >= 2 && p[0] == '0') {
		base = 8;
		p += 1, len -= 1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		unsigned d;

		if (base == 16 && url_hex_digit(c))
			d = url_hex_value(c);
		else if (c >= '0' && c <= '9' && c - '0' < (int)base)
			d = c - '0';
		else
			return -1;
		v = v * base + d;
		if (v > 0xffffffffu)
			v = (uint64_t)1 << 32;	/* saturate: too big, but still a number (WHATWG) */
	}
	*value_r = v;
	return 0;
}

/* WHATWG "ends in a number": the last non-empty label is digits or a valid 0x number. */
static bool ends_in_number(const char *p, size_t len)
{
	size_t start;
	uint64_t v;
	size_t i;

	if (len > 0 && p[len - 1] == '.')
		len--;
	start = len;
	while (start > 0 && p[start - 1] != '.')
		start--;
	if (start == len)
		return false;
	for (i = start; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			break;
	}
	if (i == len)
		return true;
	return len - start >= 2 && p[start] == '0' && (p[start + 1] == 'x' || p[start + 1] == 'X') &&
		ipv4_number(p + start, len - start, &v) == 0;
}

int url_ipv4_parse(mv_str host, uint32_t *addr_r)
{
	uint64_t parts[4], addr = 0;
	const char *p = host.p;
	size_t len = host.len, nparts = 0, i;

	if (!ends_in_number(p, len))
		return 0;
	if (p[len - 1] == '.')
		len--;
	i = 0;
	for (;;) {
		size_t start = i;

		while (i < len && p[i] != '.')
			i++;
		if (nparts == 4 || i == start)
			return -1;	/* too many parts, or an empty one ("1..2") */
		if (ipv4_number(p + start, i - start, &parts[nparts]) < 0)
			return -1;
		nparts++;
		if (i == len)
			break;
		i++;
	}
	for (i = 0; i + 1 < nparts; i++) {
		if (parts[i] > 255)
			return -1;
		addr = addr << 8 | parts[i];
	}
	if (parts[nparts - 1] >= ((uint64_t)1 << (8 * (5 - nparts))))
		return -1;
	addr = addr << (8 * (5 - nparts)) | parts[nparts - 1];
	*addr_r = (uint32_t)addr;
	return 1;
}

/* The WHATWG IPv6 parser, including a trailing dotted-quad IPv4 part. */
int url_ipv6_parse(mv_str in, uint16_t pieces_r[8])
{
	const unsigned char *p = (const unsigned char *)in.p;
	size_t len = in.len, i = 0;
	int piece = 0, compress = -1;

	memset(pieces_r, 0, 8 * sizeof(pieces_r[0]));
	if (len > 0 && p[0] == ':') {
		if (len < 2 || p[1] != ':')
			return -1;
		i = 2;
		compress = ++piece;
	}
	while (i < len) {
		unsigned value = 0, n = 0;

		if (piece == 8)
			return -1;
		if (p[i] == ':') {
			if (compress >= 0)
				return -1;
			i++;
			compress = ++piece;
			continue;
		}
		while (n < 4 && i < len && url_hex_digit(p[i])) {
			value = value << 4 | url_hex_value(p[i]);
			i++, n++;
		}
		if (i < len && p[i] == '.') {
			int seen = 0;

			if (n == 0 || piece > 6)
				return -1;
			i -= n;
			while (i < len) {
				int v = -1;

				if (seen > 0) {
					if (p[i] != '.' || seen == 4)
						return -1;
					i++;
				}
				if (i >= len || p[i] < '0' || p[i] > '9')
					return -1;
				while (i < len && p[i] >= '0' && p[i] <= '9') {
					if (v == 0)
						return -1;	/* no leading zeros in the IPv4 part */
					v = (v < 0 ? 0 : v * 10) + (p[i] - '0');
					if (v > 255)
						return -1;
					i++;
				}
				pieces_r[piece] = (uint16_t)(pieces_r[piece] << 8 | v);
				seen++;
				if (seen == 2 || seen == 4)
					piece++;
			}
			if (seen != 4)
				return -1;
			break;
		}
		if (i < len && p[i] == ':') {
			i++;
			if (i >= len)
				return -1;
		} else if (i < len) {
			return -1;
		}
		pieces_r[piece++] = (uint16_t)value;
	}
	if (compress >= 0) {
		int swaps = piece - compress, j = 7;

		while (j != 0 && swaps > 0) {
			uint16_t t = pieces_r[j];

			pieces_r[j] = pieces_r[compress + swaps - 1];
			pieces_r[compress + swaps - 1] = t;
			j--, swaps--;
		}
	} else if (piece != 8) {
		return -1;
	}
	return 0;
}

static size_t put_hex(char *buf, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	int shift;

	for (shift = 12; shift > 0 && (v >> shift) == 0; shift -= 4)
		;
	for (; shift >= 0; shift -= 4)
		buf[n++] = hex[(v >> shift) & 15];
	return n;
}

static size_t put_dec(char *buf, unsigned v)
{
	size_t n = 0;

	if (v >= 100)
		buf[n++] = (char)('0' + v / 100);
	if (v >= 10)
		buf[n++] = (char)('0' + v / 10 % 10);
	buf[n++] = (char)('0' + v % 10);
	return n;
}

/*
 * RFC 5952 4: lower-case hex without leading zeros, the longest run of two or
 * more zero pieces (the first when tied) as "::"; 5: IPv4-mapped addresses as
 * ::ffff:a.b.c.d.
 */
size_t url_ipv6_format(const uint16_t pieces[8], char *buf)
{
	int best = -1, best_len = 1, i, run;
	size_t n = 0;

	if (pieces[0] == 0 && pieces[1] == 0 && pieces[2] == 0 && pieces[3] == 0 &&
	    pieces[4] == 0 && pieces[5] == 0xffff) {
		memcpy(buf, "::ffff:", 7);
		n = 7;
		for (i = 0; i < 4; i++) {
			unsigned byte = (pieces[6 + i / 2] >> (i % 2 == 0 ? 8 : 0)) & 0xff;

			if (i > 0)
				buf[n++] = '.';
			n += put_dec(buf + n, byte);
		}
		buf[n] = '\0';
		return n;
	}
	for (i = 0; i < 8; i += run > 0 ? run : 1) {
		run = 0;
		while (i + run < 8 && pieces[i + run] == 0)
			run++;
		if (run > best_len) {
			best = i;
			best_len = run;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			buf[n++] = ':';
			if (i == 0)
				buf[n++] = ':';
			i += best_len - 1;
			continue;
		}
		n += put_hex(buf + n, pieces[i]);
		if (i < 7)
			buf[n++] = ':';
	}
	buf[n] = '\0';
	return n;
}
