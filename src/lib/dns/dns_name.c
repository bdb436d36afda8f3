/*
 * Domain names as the DNS layer keeps them: lower case, no trailing dot,
 * labels of 1 to 63 bytes, 253 bytes in all (255 on the wire).  A name from a
 * message may hold any printable ASCII and the space (a label may be any
 * bytes, RFC 2181 11; SPF macros make spaces, RFC 7208 7.3) but the
 * backslash, which c-ares would read as an escape; anything else is not
 * asked (BADNAME).
 */
#include "dns/dns_int.h"

bool dns_name_normalize(mv_str name, char out[256])
{
	size_t len = name.len, i, label = 0;

	if (len != 0 && name.p[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name.p[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (c < 0x20 || c > 0x7e || c == '\\' || ++label > 63) {
			return false;
		}
		out[i] = mv_ascii_lower((char)c);
	}
	out[len] = '\0';
	return label != 0;
}

const char *dns_rcode_name(int rcode)
{
	static const char *const names[] = {
		[DNS_R_OK] = "ok",
		[DNS_R_NXDOMAIN] = "nxdomain",
		[DNS_R_TEMPFAIL] = "tempfail",
		[DNS_R_TIMEOUT] = "timeout",
		[DNS_R_LIMIT] = "limit",
		[DNS_R_BADNAME] = "badname",
	};

	return rcode >= 0 && rcode <= DNS_R_BADNAME ? names[rcode] : "unknown";
}
