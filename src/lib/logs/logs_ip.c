/* Client addresses in binary form, read from the ways logs write them. */
#include <arpa/inet.h>
#include <strings.h>

#include "logs/logs_int.h"

/* Dotted-quad IPv4, the common case, without a copy. */
static bool ipv4(mv_str s, uint8_t out[4])
{
	const char *p = s.p, *end = s.p + s.len;
	unsigned part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		while (p < end && *p >= '0' && *p <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (digits == 0 || v > 255 || (digits > 1 && p[-(int)digits] == '0'))
			return false;
		out[part] = (uint8_t)v;
		if (part < 3 && (p == end || *p++ != '.'))
			return false;
	}
	return p == end;
}

bool logs_ip_parse(mv_str s, struct logs_ip *ip_r)
{
	char text[64];

	memset(ip_r, 0, sizeof(*ip_r));
	if (s.len >= 5 && strncasecmp(s.p, "IPv6:", 5) == 0) {
		s.p += 5;
		s.len -= 5;
	}
	if (s.len == 0 || s.len >= sizeof(text))
		return false;
	if (memchr(s.p, ':', s.len) == NULL) {
		if (!ipv4(s, ip_r->b))
			return false;
		ip_r->family = 4;
		return true;
	}
	memcpy(text, s.p, s.len);
	text[s.len] = '\0';
	if (inet_pton(AF_INET6, text, ip_r->b) != 1)
		return false;
	ip_r->family = 6;
	return true;
}

bool logs_ip_eq(const struct logs_ip *a, const struct logs_ip *b)
{
	return a->family == b->family && memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

bool logs_ip_loopback(const struct logs_ip *ip)
{
	static const uint8_t v6_one[16] = { [15] = 1 };

	if (ip->family == 4)
		return ip->b[0] == 127;
	return ip->family == 6 && memcmp(ip->b, v6_one, 16) == 0;
}

uint64_t logs_ip_hash(uint64_t seed, const struct logs_ip *ip)
{
	return logs_hash(seed ^ ip->family, (const char *)ip->b, ip->family == 4 ? 4 : 16);
}

uint64_t logs_ip_prefix_hash(uint64_t seed, const struct logs_ip *ip)
{
	return logs_hash(seed ^ ((uint64_t)ip->family << 8), (const char *)ip->b, ip->family == 4 ? 3 : 6);
}

const char *logs_ip_text(const struct logs_ip *ip, char *out)
{
	out[0] = '\0';
	if (ip->family == 4)
		inet_ntop(AF_INET, ip->b, out, 48);
	else if (ip->family == 6)
		inet_ntop(AF_INET6, ip->b, out, 48);
	return out;
}

bool logs_bracket_ip(mv_str s, struct logs_ip *ip_r)
{
	const char *open = NULL, *close, *p;

	if (s.p == NULL) {
		memset(ip_r, 0, sizeof(*ip_r));
		return false;
	}
	/* The last '[' of s: a host name cannot hold one, a HELO in parentheses can come before. */
	for (p = s.p + s.len; p > s.p; p--) {
		if (p[-1] == '[') {
			open = p;
			break;
		}
	}
	memset(ip_r, 0, sizeof(*ip_r));
	if (open == NULL)
		return false;
	close = memchr(open, ']', (size_t)(s.p + s.len - open));
	if (close == NULL)
		return false;
	return logs_ip_parse(mv_str_make(open, (size_t)(close - open)), ip_r);
}
