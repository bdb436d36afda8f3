/*
 * The encodings redirectors put their destination in: percent-encoding,
 * base64 and base64url, and Proofpoint URL Defense's v2 and v3 forms (as
 * Proofpoint's published decoder, urldecoder.py, reads them).  Each output is
 * no longer than its input, so callers size one buffer by the input.  Broken
 * input is never an error here: an invalid %-escape stays as written, and
 * base64 or Proofpoint text that does not decode makes the caller keep the
 * link as it is.
 */
#include "links/links_int.h"

size_t links_pct_decode(const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int hi, lo;

		if (in[i] == '%' && i + 2 < n && (hi = mv_hex_value((unsigned char)in[i + 1])) >= 0 &&
		    (lo = mv_hex_value((unsigned char)in[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = in[i];
		}
	}
	return o;
}

/* urldefense v2's u= is the URL with '%' written '-' and '/' written '_'. */
size_t links_proofpoint_v2(const char *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = in[i] == '-' ? '%' : in[i] == '_' ? '/' : in[i];
	return links_pct_decode(out, n, out);
}

static int base64url_value(unsigned char c)
{
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return mv_base64_value(c);
}

bool links_base64_decode(const char *in, size_t n, char *out, size_t *out_n_r)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	unsigned bits = 0;

	while (n > 0 && in[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return false;
	for (i = 0; i < n; i++) {
		int v = base64url_value((unsigned char)in[i]);

		if (v < 0)
			return false;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	*out_n_r = o;
	return true;
}

/* The byte length of the UTF-8 character that starts with c; 0 for a byte that cannot start one. */
static size_t utf8_length(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/*
 * Copies `count` characters of the decoded bytes from *at to out + *o; false
 * when they run out or are not UTF-8 (Proofpoint's decoder takes them as a
 * UTF-8 string and counts characters).
 */
static bool take_chars(const char *bytes, size_t n, size_t *at, unsigned count, char *out, size_t *o)
{
	while (count-- > 0) {
		size_t k;

		if (*at >= n)
			return false;
		k = utf8_length((unsigned char)bytes[*at]);
		if (k == 0 || *at + k > n)
			return false;
		memcpy(out + *o, bytes + *at, k);
		*o += k;
		*at += k;
	}
	return true;
}

/* "**X": a run of 2 (X = 'A') to 65 (X = '_') characters. */
static int run_length(unsigned char x)
{
	if (x >= 'A' && x <= 'Z')
		return x - 'A' + 2;
	if (x >= 'a' && x <= 'z')
		return x - 'a' + 28;
	if (x >= '0' && x <= '9')
		return x - '0' + 54;
	if (x == '-')
		return 64;
	if (x == '_')
		return 65;
	return -1;
}

bool links_proofpoint_v3(const char *in, size_t n, char *scratch, char *out, size_t *out_n_r)
{
	const char *end = in + n, *url_end = NULL, *enc, *enc_end, *p;
	char *url, *bytes;
	size_t url_n, bytes_n, at = 0, o = 0, i;

	/* URL: one character at least, up to the first "__;" */
	for (p = in + 1; p + 3 <= end; p++) {
		if (p[0] == '_' && p[1] == '_' && p[2] == ';') {
			url_end = p;
			break;
		}
	}
	if (url_end == NULL)
		return false;
	enc = url_end + 3;
	enc_end = memchr(enc, '!', (size_t)(end - enc));
	if (enc_end == NULL)
		return false;
	/* the decoded URL, then the decoded bytes: together no longer than in */
	url = scratch;
	url_n = links_pct_decode(in, (size_t)(url_end - in), url);
	bytes = scratch + url_n;
	if (!links_base64_decode(enc, (size_t)(enc_end - enc), bytes, &bytes_n))
		return false;
	for (i = 0; i < url_n; i++) {
		int run;

		if (url[i] != '*') {
			out[o++] = url[i];
			continue;
		}
		if (i + 2 < url_n && url[i + 1] == '*') {
			run = run_length((unsigned char)url[i + 2]);
			if (run < 0)
				return false;
			i += 2;
		} else {
			run = 1;
		}
		if (!take_chars(bytes, bytes_n, &at, (unsigned)run, out, &o))
			return false;
	}
	*out_n_r = o;
	return true;
}

bool links_absolute_http(mv_str s)
{
	size_t k;

	if (s.len >= 7 && mv_str_prefix_ci(s, "http:"))
		k = 5;
	else if (s.len >= 8 && mv_str_prefix_ci(s, "https:"))
		k = 6;
	else
		return false;
	return s.len >= k + 3 && (s.p[k] == '/' || s.p[k] == '\\') && (s.p[k + 1] == '/' || s.p[k + 1] == '\\');
}
