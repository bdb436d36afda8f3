/*
 * The BIND master-file reader (RFC 1035 5.1, and BIND's $TTL and TTL units):
 * entries of "[owner] [ttl] [class] type rdata", an owner at the start of the
 * line or the previous one's, parentheses joining lines, ';' comments,
 * quoted strings with \X and \DDD escapes.  A, AAAA, MX, TXT, PTR and CNAME
 * are kept; other known types are skipped; $INCLUDE and $GENERATE are not
 * supported.  Every error names the file and the line and stops the read.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/dns_int.h"
#include "util/file_read.h"

#define TOKEN_MAX 65536
#define TXT_MAX 65535		/* the most rdata one record holds */

enum tok_kind { TOK_WORD, TOK_QUOTED, TOK_EOL, TOK_EOF, TOK_ERROR };

struct zreader {
	struct dns_zone *zone;
	const char *start, *p, *end, *file;
	unsigned line, paren, paren_line;
	char *error;
	/* the current token */
	enum tok_kind kind;
	char *tok;
	size_t len;
	unsigned tok_line;
	bool bol;		/* it starts a line */
	/* the state the entries carry */
	char origin[256], owner[256];
	bool have_origin, have_owner, have_default_ttl, have_last_ttl;
	uint32_t default_ttl, last_ttl;
};

static void __attribute__((format(printf, 3, 4))) zerror(struct zreader *r, unsigned line, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (r->error != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (line != 0 ? asprintf(&r->error, "%s:%u: %s", r->file, line, text) < 0
		      : asprintf(&r->error, "%s: %s", r->file, text) < 0)
		r->error = NULL;
	if (r->error == NULL)
		r->error = strdup("out of memory");
}

/* A token for an error message: printable, at most 40 bytes. */
static const char *shown(const struct zreader *r, char out[48])
{
	size_t i;

	for (i = 0; i < r->len && i < 40; i++)
		out[i] = r->tok[i] >= 0x20 && r->tok[i] < 0x7f ? r->tok[i] : '?';
	out[i] = '\0';
	if (r->len > 40)
		strcpy(out + 40, "...");
	return out;
}

static bool is_delim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"';
}

/*
 * The escape after a backslash at p (left bytes remain): \DDD is a byte in
 * decimal, \X is X.  The bytes it takes (3 or 1), or -1 when \DDD is past 255.
 */
static int unescape(const char *p, size_t left, unsigned char *c_r)
{
	if (left >= 3 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9') {
		unsigned v = (unsigned)(p[0] - '0') * 100 + (unsigned)(p[1] - '0') * 10 + (unsigned)(p[2] - '0');

		*c_r = (unsigned char)v;
		return v > 255 ? -1 : 3;
	}
	*c_r = (unsigned char)p[0];
	return 1;
}

static enum tok_kind quoted(struct zreader *r)
{
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p++;

		if (c == '\n' || c == '\0') {
			zerror(r, r->line, c == '\n' ? "a quoted string does not end on its line" : "a NUL byte");
			return TOK_ERROR;
		}
		if (c == '\\') {
			int n;

			if (r->p == r->end || *r->p == '\n') {
				zerror(r, r->line, "a backslash at the end of a line");
				return TOK_ERROR;
			}
			n = unescape(r->p, (size_t)(r->end - r->p), &c);
			if (n < 0) {
				zerror(r, r->line, "\\%.3s: not a byte", r->p);
				return TOK_ERROR;
			}
			r->p += n;
		}
		if (r->len == TOKEN_MAX) {
			zerror(r, r->line, "a quoted string longer than %d bytes", TOKEN_MAX);
			return TOK_ERROR;
		}
		r->tok[r->len++] = (char)c;
	}
	if (r->p == r->end) {
		zerror(r, r->tok_line, "a quoted string does not end");
		return TOK_ERROR;
	}
	r->p++;
	return TOK_QUOTED;
}

/* A word keeps its escapes: names and text decode them differently. */
static enum tok_kind word(struct zreader *r)
{
	while (r->p < r->end && !is_delim(*r->p)) {
		if (*r->p == '\0') {
			zerror(r, r->line, "a NUL byte");
			return TOK_ERROR;
		}
		if (r->len + 2 > TOKEN_MAX) {
			zerror(r, r->line, "a word longer than %d bytes", TOKEN_MAX);
			return TOK_ERROR;
		}
		if (*r->p == '\\') {
			if (r->p + 1 == r->end || r->p[1] == '\n' || r->p[1] == '\0') {
				zerror(r, r->line, "a backslash at the end of a line");
				return TOK_ERROR;
			}
			r->tok[r->len++] = *r->p++;
		}
		r->tok[r->len++] = *r->p++;
	}
	return TOK_WORD;
}

static enum tok_kind next(struct zreader *r)
{
	r->len = 0;
	for (;;) {
		if (r->p == r->end) {
			if (r->paren != 0) {
				zerror(r, r->paren_line, "'(' is never closed");
				return r->kind = TOK_ERROR;
			}
			r->tok_line = r->line;
			return r->kind = TOK_EOF;
		}
		switch (*r->p) {
		case ' ':
		case '\t':
		case '\r':
			r->p++;
			continue;
		case ';':
			while (r->p < r->end && *r->p != '\n')
				r->p++;
			continue;
		case '\n':
			r->tok_line = r->line++;
			r->p++;
			if (r->paren == 0)
				return r->kind = TOK_EOL;
			continue;
		case '(':
			if (r->paren++ == 0)
				r->paren_line = r->line;
			r->p++;
			continue;
		case ')':
			if (r->paren == 0) {
				zerror(r, r->line, "')' without '('");
				return r->kind = TOK_ERROR;
			}
			r->paren--;
			r->p++;
			continue;
		}
		r->tok_line = r->line;
		r->bol = r->p == r->start || r->p[-1] == '\n';
		return r->kind = *r->p == '"' ? quoted(r) : word(r);
	}
}

const char *dns_zone_name(const char *text, size_t len, const char *origin, char out[256])
{
	char buf[256 + 256];
	size_t n = 0, i;
	bool absolute = false;

	if (len == 1 && text[0] == '@') {
		if (origin == NULL)
			return "'@' with no $ORIGIN";
		strcpy(out, origin);
		return NULL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (n >= 255)
			return "a name longer than 255 bytes";
		if (c == '.' && i + 1 == len) {
			absolute = true;
			break;
		}
		if (c == '\\') {
			int k = i + 1 < len ? unescape(text + i + 1, len - i - 1, &c) : 0;

			if (k == 0)
				return "a backslash at the end";
			if (k < 0)
				return "an escape that is not a byte";
			i += (size_t)k;
			if (c == '.')
				return "a '.' inside a label is not supported";
		}
		buf[n++] = (char)c;
	}
	if (!absolute) {
		if (origin == NULL)
			return "a relative name with no $ORIGIN";
		if (origin[0] != '\0') {
			buf[n++] = '.';
			memcpy(buf + n, origin, strlen(origin));
			n += strlen(origin);
		}
	}
	if (!dns_name_normalize(mv_str_make(buf, n), out))
		return "not a valid domain name (labels of 1 to 63 printable bytes, 253 in all)";
	return NULL;
}

static bool name_token(struct zreader *r, char out[256], const char *what)
{
	char s[48];
	const char *why;

	if (r->kind != TOK_WORD) {
		zerror(r, r->tok_line, "%s: a name is missing", what);
		return false;
	}
	why = dns_zone_name(r->tok, r->len, r->have_origin ? r->origin : NULL, out);
	if (why != NULL) {
		zerror(r, r->tok_line, "%s '%s': %s", what, shown(r, s), why);
		return false;
	}
	return true;
}

/* BIND's TTLs: seconds, or numbers with units (1h30m, 2d, 1w). */
static bool parse_ttl(const char *s, size_t len, uint32_t *ttl_r)
{
	uint64_t total = 0, v = 0;
	bool digits = false, any = false;
	size_t i;

	if (len == 0 || s[0] < '0' || s[0] > '9')
		return false;
	for (i = 0; i < len; i++) {
		char c = mv_ascii_lower(s[i]);
		unsigned mult;

		if (c >= '0' && c <= '9') {
			v = v * 10 + (unsigned)(c - '0');
			digits = true;
			if (v > 0x7fffffff)
				return false;
			continue;
		}
		mult = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 : c == 'd' ? 86400 : c == 'w' ? 604800 : 0;
		if (mult == 0 || !digits)
			return false;
		total += v * mult;
		v = 0;
		digits = false;
		any = true;
		if (total > 0x7fffffff)
			return false;
	}
	if (digits)
		total += v;
	else if (!any)
		return false;
	if (total > 0x7fffffff)
		return false;
	*ttl_r = (uint32_t)total;
	return true;
}

static bool word_is(const struct zreader *r, const char *w)
{
	return r->kind == TOK_WORD && r->len == strlen(w) && strncasecmp(r->tok, w, r->len) == 0;
}

/* Types that are read and skipped; the six kept are handled by name. */
static const char *const other_types[] = {
	"NS", "MD", "MF", "SOA", "MB", "MG", "MR", "NULL", "WKS", "HINFO", "MINFO", "RP", "AFSDB", "X25", "ISDN",
	"RT", "NSAP", "SIG", "KEY", "PX", "GPOS", "LOC", "NXT", "SRV", "NAPTR", "KX", "CERT", "A6", "DNAME",
	"APL", "DS", "SSHFP", "IPSECKEY", "RRSIG", "NSEC", "DNSKEY", "DHCID", "NSEC3", "NSEC3PARAM", "TLSA",
	"SMIMEA", "HIP", "CDS", "CDNSKEY", "OPENPGPKEY", "CSYNC", "ZONEMD", "SVCB", "HTTPS", "SPF", "NID", "L32",
	"L64", "LP", "EUI48", "EUI64", "URI", "CAA", "AVC", "DOA", "AMTRELAY", NULL,
};

/* The type the token names: a kept one, 0 for one to skip, -1 for no type. */
static int record_type(const struct zreader *r)
{
	static const struct {
		const char *name;
		uint16_t type;
	} kept[] = {
		{ "A", DNS_T_A }, { "AAAA", DNS_T_AAAA }, { "MX", DNS_T_MX },
		{ "TXT", DNS_T_TXT }, { "PTR", DNS_T_PTR }, { "CNAME", DNS_T_CNAME },
	};
	size_t i;

	if (r->kind != TOK_WORD)
		return -1;
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (word_is(r, kept[i].name))
			return kept[i].type;
	}
	for (i = 0; other_types[i] != NULL; i++) {
		if (word_is(r, other_types[i]))
			return 0;
	}
	if (r->len > 4 && strncasecmp(r->tok, "TYPE", 4) == 0 && strspn(r->tok + 4, "0123456789") == r->len - 4)
		return 0;
	return -1;
}

/* A word's escapes decoded in place (TXT data written without quotes). */
static bool decode_word(struct zreader *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->len; i++) {
		char c = r->tok[i];

		if (c == '\\') {
			unsigned char b;
			int k = unescape(r->tok + i + 1, r->len - i - 1, &b);

			if (k < 0) {
				zerror(r, r->tok_line, "\\%.3s: not a byte", r->tok + i + 1);
				return false;
			}
			c = (char)b;
			i += (size_t)k;
		}
		r->tok[n++] = c;
	}
	r->len = n;
	return true;
}

static bool rdata_txt(struct zreader *r, struct dns_rr *rr, char *text)
{
	size_t len = 0;

	rr->n_strings = 0;
	while (r->kind == TOK_WORD || r->kind == TOK_QUOTED) {
		if (r->kind == TOK_WORD && !decode_word(r))
			return false;
		if (r->len > 255) {
			zerror(r, r->tok_line, "a TXT string longer than 255 bytes (split it into several)");
			return false;
		}
		if (len + r->len + rr->n_strings + 1 > TXT_MAX) {
			zerror(r, r->tok_line, "TXT data longer than %d bytes", TXT_MAX);
			return false;
		}
		memcpy(text + len, r->tok, r->len);
		len += r->len;
		rr->n_strings++;
		next(r);
	}
	if (rr->n_strings == 0) {
		zerror(r, r->tok_line, "TXT: a string is missing");
		return false;
	}
	rr->text = mv_str_make(text, len);
	return true;
}

/* The rdata of a kept type, into rr; r is left on the token after it. */
static bool rdata(struct zreader *r, struct dns_rr *rr, char target[256], char *text)
{
	char word[64], s[48];
	unsigned long pref;
	char *end;

	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (r->kind != TOK_WORD || r->len >= sizeof(word))
			goto bad;
		memcpy(word, r->tok, r->len);
		word[r->len] = '\0';
		if (inet_pton(rr->type == DNS_T_A ? AF_INET : AF_INET6, word, rr->addr) != 1)
			goto bad;
		break;
	case DNS_T_MX:
		if (r->kind != TOK_WORD || r->len >= sizeof(word))
			goto bad;
		memcpy(word, r->tok, r->len);
		word[r->len] = '\0';
		pref = strtoul(word, &end, 10);
		if (word[0] < '0' || word[0] > '9' || *end != '\0' || pref > 65535)
			goto bad;
		rr->preference = (uint16_t)pref;
		next(r);
		/* fall through */
	case DNS_T_PTR:
	case DNS_T_CNAME:
		if (!name_token(r, target, rr->type == DNS_T_MX ? "MX" : rr->type == DNS_T_PTR ? "PTR" : "CNAME"))
			return false;
		rr->text = mv_str_cstr(target);
		break;
	case DNS_T_TXT:
		return rdata_txt(r, rr, text);
	}
	next(r);
	return true;
bad:
	if (r->kind == TOK_EOL || r->kind == TOK_EOF)
		zerror(r, r->tok_line, "the record's data is missing");
	else if (r->kind != TOK_ERROR)
		zerror(r, r->tok_line, "'%s' is not %s", shown(r, s),
		       rr->type == DNS_T_A	? "an IPv4 address"
		       : rr->type == DNS_T_AAAA ? "an IPv6 address"
						: "a preference from 0 to 65535");
	return false;
}

static bool end_of_entry(struct zreader *r)
{
	char s[48];

	if (r->kind == TOK_EOL || r->kind == TOK_EOF)
		return true;
	if (r->kind != TOK_ERROR)
		zerror(r, r->tok_line, "unexpected '%s' after the record", shown(r, s));
	return false;
}

static bool directive(struct zreader *r)
{
	char s[48];

	if (word_is(r, "$ORIGIN")) {
		char origin[256];

		next(r);
		if (!name_token(r, origin, "$ORIGIN"))
			return false;
		memcpy(r->origin, origin, sizeof(origin));
		r->have_origin = true;
	} else if (word_is(r, "$TTL")) {
		next(r);
		if (r->kind != TOK_WORD || !parse_ttl(r->tok, r->len, &r->default_ttl)) {
			zerror(r, r->tok_line, "$TTL wants a TTL (seconds, or with units: 1h30m)");
			return false;
		}
		r->have_default_ttl = true;
	} else if (word_is(r, "$INCLUDE") || word_is(r, "$GENERATE")) {
		zerror(r, r->tok_line, "%s is not supported", shown(r, s));
		return false;
	} else {
		zerror(r, r->tok_line, "unknown directive '%s'", shown(r, s));
		return false;
	}
	next(r);
	return end_of_entry(r);
}

static bool record(struct zreader *r, char *text)
{
	struct dns_rr rr;
	char target[256], s[48], *error = NULL;
	bool have_ttl = false, have_class = false;
	unsigned line = r->tok_line;
	int type;

	memset(&rr, 0, sizeof(rr));
	if (r->bol) {
		if (!name_token(r, r->owner, "owner"))
			return false;
		r->have_owner = true;
		next(r);
	} else if (!r->have_owner) {
		zerror(r, r->tok_line, "the first record has no owner name");
		return false;
	}
	for (;;) {
		if (!have_ttl && r->kind == TOK_WORD && parse_ttl(r->tok, r->len, &rr.ttl)) {
			have_ttl = true;
		} else if (!have_class && r->kind == TOK_WORD &&
			   (word_is(r, "IN") || word_is(r, "CH") || word_is(r, "HS") || word_is(r, "CS"))) {
			if (!word_is(r, "IN")) {
				zerror(r, r->tok_line, "class %s is not supported (only IN)", shown(r, s));
				return false;
			}
			have_class = true;
		} else {
			break;
		}
		next(r);
	}
	type = record_type(r);
	if (type < 0) {
		if (r->kind == TOK_EOL || r->kind == TOK_EOF)
			zerror(r, line, "the record's type is missing");
		else if (r->kind != TOK_ERROR)
			zerror(r, r->tok_line, "unknown record type '%s'", shown(r, s));
		return false;
	}
	if (have_ttl) {
		r->last_ttl = rr.ttl;
		r->have_last_ttl = true;
	} else {
		rr.ttl = r->have_default_ttl ? r->default_ttl : r->have_last_ttl ? r->last_ttl : 3600;
	}
	next(r);
	if (type == 0) {
		while (r->kind == TOK_WORD || r->kind == TOK_QUOTED)
			next(r);
		if (!end_of_entry(r))
			return false;
		if (dns_zone_add_name(r->zone, r->owner) < 0) {
			zerror(r, line, "out of memory");
			return false;
		}
		return true;
	}
	rr.type = (uint16_t)type;
	if (!rdata(r, &rr, target, text) || !end_of_entry(r))
		return false;
	if (dns_zone_add_rr(r->zone, r->owner, &rr, &error) < 0) {
		zerror(r, line, "%s", error != NULL ? error : "out of memory");
		free(error);
		return false;
	}
	return true;
}

int dns_zone_load_text(struct dns_zone *zone, const char *file, const char *text, size_t len, char **error_r)
{
	struct zreader r;
	char *txt = NULL;
	bool ok = true;

	*error_r = NULL;
	memset(&r, 0, sizeof(r));
	r.zone = zone;
	r.file = file != NULL ? file : "zone";
	r.start = r.p = text;
	r.end = text + len;
	r.line = 1;
	if (len > DNS_ZONE_MAX_FILE) {
		zerror(&r, 0, "larger than 64 MiB");
		*error_r = r.error;
		return -1;
	}
	r.tok = malloc(TOKEN_MAX);
	txt = malloc(TXT_MAX);
	if (r.tok == NULL || txt == NULL) {
		free(r.tok);
		free(txt);
		*error_r = strdup("out of memory");
		return -1;
	}
	while (ok && next(&r) != TOK_EOF) {
		if (r.kind == TOK_EOL)
			continue;
		if (r.kind == TOK_ERROR)
			ok = false;
		else if (r.kind == TOK_WORD && r.bol && r.tok[0] == '$')
			ok = directive(&r);
		else
			ok = record(&r, txt);
		if (ok && r.kind == TOK_EOF)
			break;
	}
	free(r.tok);
	free(txt);
	if (!ok || r.error != NULL) {
		*error_r = r.error != NULL ? r.error : strdup("out of memory");
		return -1;
	}
	return 0;
}

int dns_zone_load_file(struct dns_zone *zone, const char *path, char **error_r)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (util_file_read(path, DNS_ZONE_MAX_FILE, &text, &len, error_r) < 0) {
		if (*error_r == NULL)
			*error_r = strdup("out of memory");
		return -1;
	}
	rc = dns_zone_load_text(zone, path, text, len, error_r);
	free(text);
	return rc;
}
