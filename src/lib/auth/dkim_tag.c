/*
 * Tag lists (RFC 6376 3.2), the syntax of DKIM-Signature values and key
 * records: "tag=value" specs separated by ';', a trailing ';' allowed, folding
 * white space around names, '=' and values.  Strict, as 3.2 asks: a tag given
 * twice makes the whole list invalid, and so does an empty spec ("a=1;;b=2").
 * Values are views, not copied; base64 values are decoded by the caller with
 * dkim_base64_decode(), which skips the folding inside them.
 */
#include <string.h>

#include "auth/dkim.h"

static bool is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum_(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/*
 * VALCHAR is %x21-3A / %x3C-7E; bytes from 0x80 are let through for the
 * UTF-8 of internationalized mail (RFC 8616), FWS for values made of several
 * words.  Anything else (controls, DEL) is an error.
 */
static bool is_value_byte(unsigned char c)
{
	return (c >= 0x21 && c != 0x7f) || is_fws((char)c);
}

static const char *skip_fws(const char *p, const char *end)
{
	while (p < end && is_fws(*p))
		p++;
	return p;
}

int dkim_tags_parse(mv_str text, struct dkim_tag *tags, const char **error_r)
{
	const char *p = text.p, *end = text.p + text.len;
	int n = 0, i;

	p = skip_fws(p, end);
	while (p < end) {
		const char *name = p, *v, *ve;

		if (!is_alpha(*p)) {
			*error_r = *p == ';' ? "empty tag in tag list" : "bad tag name in tag list";
			return -1;
		}
		while (p < end && is_alnum_(*p))
			p++;
		if (n == DKIM_MAX_TAGS) {
			*error_r = "too many tags in tag list";
			return -1;
		}
		tags[n].name = mv_str_make(name, (size_t)(p - name));
		p = skip_fws(p, end);
		if (p == end || *p != '=') {
			*error_r = "tag without '=' in tag list";
			return -1;
		}
		tags[n].after_eq = ++p;
		v = p = skip_fws(p, end);
		while (p < end && *p != ';') {
			if (!is_value_byte((unsigned char)*p)) {
				*error_r = "control character in tag value";
				return -1;
			}
			p++;
		}
		ve = p;
		while (ve > v && is_fws(ve[-1]))
			ve--;
		tags[n].value = mv_str_make(v, (size_t)(ve - v));
		for (i = 0; i < n; i++) {
			if (tags[i].name.len == tags[n].name.len &&
			    memcmp(tags[i].name.p, tags[n].name.p, tags[n].name.len) == 0) {
				*error_r = "tag given twice in tag list";
				return -1;
			}
		}
		n++;
		if (p < end)
			p = skip_fws(p + 1, end);	/* past ';': the end here is the trailing ';' */
	}
	return n;
}

const struct dkim_tag *dkim_tag_find(const struct dkim_tag *tags, int n, const char *name)
{
	size_t len = strlen(name);
	int i;

	for (i = 0; i < n; i++) {
		if (tags[i].name.len == len && memcmp(tags[i].name.p, name, len) == 0)
			return &tags[i];
	}
	return NULL;
}

long dkim_base64_decode(mv_str in, unsigned char *out, size_t max)
{
	uint32_t acc = 0;
	size_t i, len = 0, chars = 0, pad = 0;

	for (i = 0; i < in.len; i++) {
		char c = in.p[i];
		int v;

		if (is_fws(c))
			continue;
		if (c == '=') {
			pad++;
			chars++;
			continue;
		}
		v = mv_base64_value(c);
		if (v < 0 || pad != 0)
			return -1;	/* not base64, or data after the padding */
		acc = acc << 6 | (uint32_t)v;
		if (++chars % 4 == 0) {
			if (len + 3 > max)
				return -1;
			out[len++] = (unsigned char)(acc >> 16);
			out[len++] = (unsigned char)(acc >> 8);
			out[len++] = (unsigned char)acc;
			acc = 0;
		}
	}
	if (chars % 4 != 0 || pad > 2)
		return -1;
	if (pad != 0) {
		size_t keep = 3 - pad;

		/* The last group held 4 - pad characters: acc has their 6 bits each. */
		acc <<= 6 * pad;
		if (len + keep > max)
			return -1;
		out[len++] = (unsigned char)(acc >> 16);
		if (keep == 2)
			out[len++] = (unsigned char)(acc >> 8);
	}
	return (long)len;
}

void dkim_list_each(mv_str list, void (*fn)(mv_str word, void *arg), void *arg)
{
	const char *p = list.p, *end = list.p + list.len;

	while (p <= end) {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		const char *e = colon != NULL ? colon : end;

		fn(mv_str_trim(mv_str_make(p, (size_t)(e - p))), arg);
		p = e + 1;
	}
}
