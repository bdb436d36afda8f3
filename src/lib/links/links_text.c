/*
 * What a link shows and what it leads to, for the links check's judgement:
 * the host a link's text shows the reader, executable downloads, and IP
 * addresses the Internet routes to.
 */
#include <string.h>
#include <strings.h>

#include "envelope/envelope_int.h"
#include "links/links.h"
#include "url/url_int.h"

#define TEXT_MAX 2000	/* a longer text is prose, not a URL */

static bool wrapper(unsigned char c)
{
	return c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '"' || c == '\'';
}

static bool trailing(unsigned char c)
{
	return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?';
}

/* Drops white space (with U+00A0), brackets and quotes around, and sentence punctuation after. */
static mv_str trim_text(mv_str t)
{
	for (;;) {
		t = mv_str_trim(t);
		if (t.len >= 2 && (unsigned char)t.p[0] == 0xc2 && (unsigned char)t.p[1] == 0xa0)
			t = mv_str_make(t.p + 2, t.len - 2);
		else if (t.len >= 2 && (unsigned char)t.p[t.len - 2] == 0xc2 && (unsigned char)t.p[t.len - 1] == 0xa0)
			t.len -= 2;
		else if (t.len != 0 && wrapper((unsigned char)t.p[0]))
			t = mv_str_make(t.p + 1, t.len - 1);
		else if (t.len != 0 && (wrapper((unsigned char)t.p[t.len - 1]) || trailing((unsigned char)t.p[t.len - 1])))
			t.len--;
		else
			return t;
	}
}

/* "a.b.tld" before any '/', '?', '#' or ':': labels, a dot, no '@' (an address shows no host). */
static bool host_like(mv_str t)
{
	size_t i, dots = 0, last = 0;

	for (i = 0; i < t.len; i++) {
		unsigned char c = (unsigned char)t.p[i];

		if (c == '/' || c == '?' || c == '#' || c == ':')
			break;
		if (c == '.') {
			if (i == last)
				return false;
			dots++;
			last = i + 1;
		} else if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c < 0x80) {
			return false;
		}
	}
	return dots != 0 && i > last;
}

bool links_text_url(mv_arena *arena, mv_str text, struct mv_url *url_r)
{
	mv_str t = trim_text(text);
	char *buf;
	size_t i;
	bool scheme;

	if (t.len < 4 || t.len > TEXT_MAX)
		return false;
	for (i = 0; i < t.len; i++) {
		unsigned char c = (unsigned char)t.p[i];

		if (c <= 0x20 || (c == 0xc2 && i + 1 < t.len && (unsigned char)t.p[i + 1] == 0xa0))
			return false;
	}
	scheme = mv_str_prefix_ci(t, "http://") || mv_str_prefix_ci(t, "https://") || mv_str_prefix_ci(t, "ftp://");
	if (!scheme) {
		if (!host_like(t))
			return false;
		/* In the arena, not on the stack: the parsed URL's views may point into it. */
		buf = mv_arena_alloc(arena, t.len + 8);
		if (buf == NULL)
			return false;
		memcpy(buf, "http://", 7);
		memcpy(buf + 7, t.p, t.len);
		buf[7 + t.len] = '\0';
		t = mv_str_make(buf, 7 + t.len);
	}
	if (mv_url_parse(arena, t, MV_STR_NULL, url_r) < 0 || url_r->host.len == 0)
		return false;
	return scheme || (url_r->flags & MV_URL_HOST_IP) || url_suffix_known(url_r->host);
}

/*
 * Programs, scripts, installers, shortcuts and disk images: what a click runs
 * or mounts.  Each name of up to 4 letters is zero-padded to 4 bytes and
 * compared as one word: most links end in .html, .gif, .php...
 */
static const char executables[][5] = {
	"exe", "scr", "js", "jse", "vbs", "vbe", "wsf", "wsh", "bat", "cmd", "msi", "msix", "appx",
	"jar", "ps1", "hta", "lnk", "iso", "img", "vhd", "vhdx", "pif", "cpl", "reg", "apk",
};
static const char long_executable[] = "appinstaller";

const char *links_executable(mv_str path)
{
	const char *slash, *dot;
	char ext[4] = { 0 };
	uint32_t w, x;
	size_t n, i;

	if (path.len < 3)
		return NULL;
	/* the extension of the last segment */
	slash = memrchr(path.p, '/', path.len);
	slash = slash != NULL ? slash + 1 : path.p;
	dot = memrchr(slash, '.', (size_t)(path.p + path.len - slash));
	if (dot == NULL)
		return NULL;
	n = (size_t)(path.p + path.len - dot - 1);
	if (n == sizeof(long_executable) - 1)
		return strncasecmp(dot + 1, long_executable, n) == 0 ? long_executable : NULL;
	if (n < 2 || n > 4)
		return NULL;
	mv_ascii_lower_copy(ext, dot + 1, n);
	memcpy(&w, ext, 4);
	for (i = 0; i < sizeof(executables) / sizeof(executables[0]); i++) {
		memcpy(&x, executables[i], 4);
		if (x == w)
			return executables[i];
	}
	return NULL;
}

/* IPv4 (as IPv4-mapped IPv6) and IPv6 ranges that are not the public Internet (RFC 6890 and the like). */
static const struct {
	uint8_t prefix[16];
	unsigned bits;
} special[] = {
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0 }, 96 + 8 },		/* 0.0.0.0/8 */
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10 }, 96 + 8 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 100, 64 }, 96 + 10 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127 }, 96 + 8 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 169, 254 }, 96 + 16 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 172, 16 }, 96 + 12 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 0 }, 96 + 24 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2 }, 96 + 24 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168 }, 96 + 16 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18 }, 96 + 15 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100 }, 96 + 24 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113 }, 96 + 24 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 224 }, 96 + 3 },		/* 224/4 and 240/4 */
	{ { 0 }, 127 },								/* :: and ::1 */
	{ { 0xfe, 0x80 }, 10 },
	{ { 0xfc }, 7 },
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32 },
	{ { 0xff }, 8 },
};

bool links_ip_global_bytes(const uint8_t a[16])
{
	size_t i;

	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		unsigned bits = special[i].bits, full = bits / 8, rest = bits % 8;

		if (memcmp(a, special[i].prefix, full) == 0 &&
		    (rest == 0 || ((a[full] ^ special[i].prefix[full]) & (0xff00u >> rest)) == 0))
			return false;
	}
	return true;
}

bool links_ip_global(mv_str host)
{
	uint8_t a[16];

	return net_parse_ip(host, a) && links_ip_global_bytes(a);
}
