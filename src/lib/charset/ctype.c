/*
 * Content-Type and Content-Disposition (RFC 2045 5.1, RFC 2183) with RFC
 * 2231 parameter continuations and charset/language, and the breakage real
 * mail has: comments (RFC 822), missing ';' or '/', parameters without '=',
 * unterminated quotes, unquoted values with spaces, RFC 2047 words in values,
 * duplicates (the first wins), sections out of order or missing.  Limits: at
 * most max_params names (0 = 64), RAW_MAX name=value pairs read, sections
 * 0..SECTION_MAX-1; the rest is dropped and marked bad.  One pass over the
 * input, all memory from the arena.
 */
#include <string.h>

#include "charset/charset_int.h"

#define DEFAULT_MAX_PARAMS 64u
#define RAW_MAX 1024u
#define SECTION_MAX 256
#define NAME_MAX_LEN 128

struct raw_param {
	mv_str name;		/* base name, before any '*' */
	int section;		/* -1: not a continuation */
	bool ext;		/* trailing '*': charset'lang'%XX form */
	mv_str value;		/* unquoted, unescaped, in the scratch area */
	int group;		/* index of its distinct name, -1: over max_params */
};

struct parser {
	const char *p;
	size_t n, i;
	char *scratch;		/* values; never longer than the input */
	size_t used;
	bool bad;
};

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips white space and (nested) comments; no recursion, just a depth count. */
static void skip_cfws(struct parser *ps)
{
	unsigned depth;

	while (ps->i < ps->n) {
		if (is_wsp(ps->p[ps->i])) {
			ps->i++;
			continue;
		}
		if (ps->p[ps->i] != '(')
			return;
		depth = 0;
		while (ps->i < ps->n) {
			char c = ps->p[ps->i++];

			if (c == '\\' && ps->i < ps->n) {
				ps->i++;
			} else if (c == '(') {
				depth++;
			} else if (c == ')') {
				if (--depth == 0)
					break;
			}
		}
		if (depth != 0)
			ps->bad = true;	/* unterminated comment */
	}
}

static bool is_delim(char c, bool slash)
{
	return is_wsp(c) || c == ';' || c == '=' || c == '"' || c == '(' || c == ')' ||
		(slash && c == '/') || (unsigned char)c < 0x20;
}

static mv_str token(struct parser *ps, bool slash)
{
	size_t s = ps->i;

	while (ps->i < ps->n && !is_delim(ps->p[ps->i], slash))
		ps->i++;
	return mv_str_make(ps->p + s, ps->i - s);
}

/* Is there "token =" at j?  (A parameter whose ';' is missing.) */
static bool looks_like_param(const struct parser *ps, size_t j)
{
	size_t s = j;

	while (j < ps->n && !is_delim(ps->p[j], false))
		j++;
	if (j == s)
		return false;
	while (j < ps->n && (ps->p[j] == ' ' || ps->p[j] == '\t'))
		j++;
	return j < ps->n && ps->p[j] == '=';
}

/* Skips to the next ';' outside quotes. */
static void skip_garbage(struct parser *ps)
{
	bool quoted = false;

	ps->bad = true;
	for (; ps->i < ps->n; ps->i++) {
		char c = ps->p[ps->i];

		if (quoted && c == '\\')
			ps->i++;
		else if (c == '"')
			quoted = !quoted;
		else if (c == ';' && !quoted)
			return;
	}
	if (ps->i > ps->n)
		ps->i = ps->n;
}

static mv_str quoted_value(struct parser *ps)
{
	char *w = ps->scratch + ps->used;
	size_t len = 0;

	ps->i++;	/* the opening quote */
	while (ps->i < ps->n && ps->p[ps->i] != '"') {
		char c = ps->p[ps->i++];

		if (c == '\\' && ps->i < ps->n)
			c = ps->p[ps->i++];
		else if (c == '\r' || c == '\n')
			continue;	/* unfolding */
		w[len++] = c;
	}
	if (ps->i < ps->n)
		ps->i++;
	else
		ps->bad = true;	/* unterminated: take the rest */
	ps->used += len;
	return mv_str_make(w, len);
}

/* A token value, leniently: up to ';', comments dropped, inner white space kept as one space. */
static mv_str plain_value(struct parser *ps)
{
	char *w = ps->scratch + ps->used;
	size_t len = 0;
	bool gap = false;

	while (ps->i < ps->n && ps->p[ps->i] != ';') {
		char c = ps->p[ps->i];

		if (is_wsp(c) || c == '(') {
			skip_cfws(ps);
			gap = true;
			continue;
		}
		if (gap && len != 0) {
			if (looks_like_param(ps, ps->i))
				break;
			w[len++] = ' ';
			ps->bad = true;
		}
		gap = false;
		w[len++] = c;
		ps->i++;
	}
	ps->used += len;
	return mv_str_make(w, len);
}

/* "name", "name*", "name*N", "name*N*" (RFC 2231 3 and 4). */
static bool split_name(mv_str tok, struct raw_param *rp)
{
	size_t k, star = tok.len;
	long idx = -1;

	for (k = 0; k < tok.len; k++) {
		if (tok.p[k] == '*') {
			star = k;
			break;
		}
	}
	if (star > NAME_MAX_LEN)
		return false;
	rp->name = mv_str_make(tok.p, star);
	rp->section = -1;
	rp->ext = false;
	if (star == tok.len)
		return star != 0;
	k = star + 1;
	if (k == tok.len) {
		rp->ext = true;		/* "name*" */
		return star != 0;
	}
	if (tok.p[k] >= '0' && tok.p[k] <= '9') {
		idx = 0;
		while (k < tok.len && tok.p[k] >= '0' && tok.p[k] <= '9') {
			if (idx < 100000)
				idx = idx * 10 + (tok.p[k] - '0');
			k++;
		}
	}
	if (k < tok.len && tok.p[k] == '*') {
		rp->ext = true;
		k++;
	}
	if (k != tok.len || star == 0 || idx < 0)
		return false;
	rp->section = idx > 100000 ? 100000 : (int)idx;
	return true;
}

static bool name_eq(mv_str a, mv_str b)
{
	size_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++) {
		if (mv_ascii_lower(a.p[i]) != mv_ascii_lower(b.p[i]))
			return false;
	}
	return true;
}

static char *lower_dup(mv_arena *arena, mv_str s)
{
	char *d = mv_arena_strndup(arena, s.p, s.len);

	if (d != NULL)
		mv_ascii_lower_copy(d, d, s.len);
	return d;
}

/* The lower-cased type and subtype, copied into the arena; -1 when it is full. */
static int set_type(mv_arena *arena, struct mv_ctype *ct, mv_str type, mv_str subtype)
{
	ct->type.p = lower_dup(arena, type);
	ct->type.len = type.len;
	ct->subtype.p = lower_dup(arena, subtype);
	ct->subtype.len = subtype.len;
	return ct->type.p == NULL || ct->subtype.p == NULL ? -1 : 0;
}

/* RFC 2231 4: %XX, leniently (a bad escape stays as written). */
static void pct_decode(mv_str v, mv_buf *b)
{
	size_t k;
	int h, l;

	for (k = 0; k < v.len; k++) {
		if (v.p[k] == '%' && k + 2 < v.len) {
			h = mv_hex_value((unsigned char)v.p[k + 1]);
			l = mv_hex_value((unsigned char)v.p[k + 2]);
			if (h >= 0 && l >= 0) {
				(void)mv_buf_putc(b, (char)(h << 4 | l));
				k += 2;
				continue;
			}
		}
		(void)mv_buf_putc(b, v.p[k]);
	}
}

/* Splits "charset'lang'rest"; false (and the whole value) when malformed. */
static bool split_charset(mv_str v, mv_str *cs_r, mv_str *rest_r)
{
	const char *a = memchr(v.p, '\'', v.len), *b;

	*cs_r = MV_STR_NULL;
	*rest_r = v;
	if (a == NULL)
		return false;
	b = memchr(a + 1, '\'', v.len - (size_t)(a + 1 - v.p));
	if (b == NULL)
		return false;
	*cs_r = mv_str_make(v.p, (size_t)(a - v.p));
	*rest_r = mv_str_make(b + 1, v.len - (size_t)(b + 1 - v.p));
	return true;
}

/* Converts raw value bytes to UTF-8: by charset, or RFC 2047 words, or guessed. */
static int value_convert(mv_arena *arena, mv_str cs, mv_str bytes, bool have_cs, mv_str *out_r)
{
	mv_buf b;

	/* Most values are plain ASCII words: a NUL-terminated copy is all they need. */
	if (!have_cs && charset_ascii_prefix(bytes.p, bytes.len) == bytes.len &&
	    (bytes.len < 2 || memmem(bytes.p, bytes.len, "=?", 2) == NULL)) {
		out_r->p = mv_arena_strndup(arena, bytes.p, bytes.len);
		out_r->len = bytes.len;
		return out_r->p != NULL ? 0 : -1;
	}
	mv_buf_init(&b, arena, bytes.len * 4 + 16);
	if (have_cs && mv_str_trim(cs).len != 0)
		(void)mv_charset_to_utf8(cs, bytes, &b);
	else if (mv_str_find_ci(bytes, "=?") != NULL)
		(void)mv_rfc2047_decode(bytes, &b);
	else
		(void)charset_guess_to_utf8(bytes, &b);
	if (b.truncated)
		return -1;
	*out_r = mv_buf_finish(&b);
	return 0;
}

/* The RFC 2231 value of one name: "name*" or the sections in order. */
static int assemble_ext(mv_arena *arena, const struct raw_param *raw, const int *slot, int top,
			int whole, bool *bad, mv_str *out_r)
{
	mv_buf b;
	mv_str cs = MV_STR_NULL, v;
	bool have_cs = false;
	size_t total = 0;
	int k;

	for (k = 0; k <= top; k++)
		total += slot[k] >= 0 ? raw[slot[k]].value.len : 0;
	if (whole >= 0)
		total = raw[whole].value.len;
	mv_buf_init(&b, arena, total + 16);
	if (whole >= 0) {
		have_cs = split_charset(raw[whole].value, &cs, &v);
		if (!have_cs)
			*bad = true;
		pct_decode(v, &b);
	} else {
		for (k = 0; k <= top; k++) {
			if (slot[k] < 0) {
				*bad = true;	/* a missing section: join what is there */
				continue;
			}
			v = raw[slot[k]].value;
			if (raw[slot[k]].ext) {
				if (k == 0) {
					have_cs = split_charset(v, &cs, &v);
					if (!have_cs)
						*bad = true;
				}
				pct_decode(v, &b);
			} else {
				(void)mv_buf_append(&b, v.p, v.len);
			}
		}
	}
	if (b.truncated)
		return -1;
	return value_convert(arena, cs, mv_str_make(b.p != NULL ? b.p : "", b.len), have_cs, out_r);
}

static int assemble(mv_arena *arena, const struct raw_param *raw, unsigned n_raw, unsigned first,
		    int group, bool *bad, struct mv_param *pr)
{
	int slot[SECTION_MAX], top = -1, whole = -1, plain = -1;
	mv_str ext_val, plain_val = mv_str_make("", 0);
	unsigned k;

	for (k = first; k < n_raw; k++) {
		const struct raw_param *r = &raw[k];

		if (r->group != group)
			continue;
		if (r->section < 0) {
			int *which = r->ext ? &whole : &plain;

			if (*which >= 0)
				*bad = true;	/* duplicate: the first wins */
			else
				*which = (int)k;
		} else if (r->section >= SECTION_MAX) {
			*bad = true;
		} else {
			/* Slots up to top are initialised as top grows: most names have no sections. */
			while (top < r->section)
				slot[++top] = -1;
			if (slot[r->section] >= 0)
				*bad = true;
			else
				slot[r->section] = (int)k;
		}
	}
	pr->name.p = lower_dup(arena, raw[first].name);
	pr->name.len = raw[first].name.len;
	if (pr->name.p == NULL)
		return -1;
	if (plain >= 0 && value_convert(arena, MV_STR_NULL, raw[plain].value, false, &plain_val) < 0)
		return -1;
	if (top < 0 && whole < 0) {
		pr->value = plain_val;
		return 0;
	}
	if (assemble_ext(arena, raw, slot, top, whole, bad, &ext_val) < 0)
		return -1;
	/* Both forms present (sent for old readers): RFC 2231 wins; disagreeing is suspicious. */
	if (plain >= 0 && (plain_val.len != ext_val.len || memcmp(plain_val.p, ext_val.p, ext_val.len) != 0))
		*bad = true;
	if (whole >= 0 && top >= 0)
		*bad = true;
	pr->value = ext_val;
	return 0;
}

/* Reads the name=value pairs after the type. */
static int read_params(mv_arena *arena, struct parser *ps, struct raw_param **raw_r, unsigned *n_raw_r)
{
	struct raw_param *raw = NULL, rp;
	unsigned n_raw = 0, cap = 0;
	bool expect_sep = true;
	mv_str tok;

	for (;;) {
		skip_cfws(ps);
		if (ps->i >= ps->n)
			break;
		if (ps->p[ps->i] == ';') {
			ps->i++;
			expect_sep = false;
			continue;
		}
		if (expect_sep) {
			ps->bad = true;
			if (!looks_like_param(ps, ps->i)) {
				skip_garbage(ps);
				continue;
			}
		}
		expect_sep = true;
		tok = token(ps, false);
		skip_cfws(ps);
		if (tok.len == 0 || ps->i >= ps->n || ps->p[ps->i] != '=') {
			skip_garbage(ps);	/* no name, or no '=' */
			continue;
		}
		ps->i++;
		skip_cfws(ps);
		if (ps->i < ps->n && ps->p[ps->i] == '"')
			rp.value = quoted_value(ps);
		else
			rp.value = plain_value(ps);
		if (!split_name(tok, &rp)) {
			ps->bad = true;
			continue;
		}
		if (n_raw >= RAW_MAX) {
			ps->bad = true;
			continue;
		}
		if (n_raw == cap) {
			unsigned ncap = cap == 0 ? 8 : cap * 2;

			raw = mv_arena_realloc(arena, raw, cap * sizeof(*raw), ncap * sizeof(*raw));
			if (raw == NULL)
				return -1;
			cap = ncap;
		}
		raw[n_raw++] = rp;
	}
	*raw_r = raw;
	*n_raw_r = n_raw;
	return 0;
}

/*
 * The common shape, in one pass with no scratch copy: type["/"subtype], then
 * ";" name=value pairs with token or plain quoted values, distinct names, and
 * only white space and folding between the pieces.  Anything else (comments,
 * RFC 2231 names, escapes or line breaks in quotes, 8-bit or "=?" in values,
 * a missing ';', duplicates, too many parameters) returns 1, and the general
 * parser takes the field from the start.  The results are those of the
 * general parser for the fields taken here (a test compares the two).
 */
#define SIMPLE_MAX_PARAMS 8

/* is_wsp() and is_delim() as a table for the fast path: one load per byte. */
enum { C_DELIM = 1, C_SLASH = 2, C_WSP = 4 };

#define C_CTL C_DELIM
static const unsigned char simple_class[256] = {
	C_CTL, C_CTL, C_CTL, C_CTL, C_CTL, C_CTL, C_CTL, C_CTL,
	C_CTL, C_CTL | C_WSP, C_CTL | C_WSP, C_CTL, C_CTL, C_CTL | C_WSP, C_CTL, C_CTL,
	C_CTL, C_CTL, C_CTL, C_CTL, C_CTL, C_CTL, C_CTL, C_CTL,
	C_CTL, C_CTL, C_CTL, C_CTL, C_CTL, C_CTL, C_CTL, C_CTL,
	[' '] = C_DELIM | C_WSP, [';'] = C_DELIM, ['='] = C_DELIM, ['"'] = C_DELIM,
	['('] = C_DELIM, [')'] = C_DELIM, ['/'] = C_SLASH,
};
#undef C_CTL

struct simple_param {
	mv_str name, value;
};

static size_t skip_wsp(const char *p, size_t n, size_t i)
{
	while (i < n && (simple_class[(unsigned char)p[i]] & C_WSP) != 0)
		i++;
	return i;
}

static size_t token_end(const char *p, size_t n, size_t i, bool slash)
{
	unsigned stop = slash ? C_DELIM | C_SLASH : C_DELIM;

	while (i < n && (simple_class[(unsigned char)p[i]] & stop) == 0)
		i++;
	return i;
}

/*
 * End of a value the general parser would copy as it is, from i: a token, or
 * the inside of a quoted string (quoted: i is after the opening quote, the
 * result at the closing one).  Values must be ASCII without an RFC 2047 word
 * ("=?" cannot occur in a token: '=' ends it), and quoted ones without
 * escapes or line breaks.  Returns n + 1 when the value is not like that.
 */
static size_t simple_value_end(const char *p, size_t n, size_t i, bool quoted)
{
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x80)
			return n + 1;
		if (!quoted) {
			if (simple_class[c] & C_DELIM)
				return i;
		} else if (c == '"') {
			return i;
		} else if (c == '\\' || c == '\r' || c == '\n' || (c == '=' && i + 1 < n && p[i + 1] == '?')) {
			return n + 1;
		}
	}
	return quoted ? n + 1 : i;	/* an unterminated quote is for the general parser */
}

/* Splits the field; 1 when it is not of the simple shape. */
static int simple_split(mv_str raw, mv_str *type_r, mv_str *subtype_r, struct simple_param *params, unsigned *n_r)
{
	const char *p = raw.p;
	size_t n = raw.len, i, e;
	unsigned k = 0, j;

	i = skip_wsp(p, n, 0);
	e = token_end(p, n, i, true);
	if (e == i)
		return 1;
	*type_r = mv_str_make(p + i, e - i);
	*subtype_r = MV_STR_NULL;
	i = skip_wsp(p, n, e);
	if (i < n && p[i] == '/') {
		i = skip_wsp(p, n, i + 1);
		e = token_end(p, n, i, true);
		if (e == i)
			return 1;
		*subtype_r = mv_str_make(p + i, e - i);
		i = skip_wsp(p, n, e);
	}
	while (i < n) {
		struct simple_param *sp = &params[k];

		if (p[i] != ';')
			return 1;
		i = skip_wsp(p, n, i + 1);
		if (i == n || p[i] == ';')
			continue;
		e = token_end(p, n, i, false);
		if (e == i || e - i > NAME_MAX_LEN || memchr(p + i, '*', e - i) != NULL || k == SIMPLE_MAX_PARAMS)
			return 1;	/* RFC 2231 names, and the limits, are for the general parser */
		sp->name = mv_str_make(p + i, e - i);
		i = skip_wsp(p, n, e);
		if (i == n || p[i] != '=')
			return 1;
		i = skip_wsp(p, n, i + 1);
		if (i < n && p[i] == '"') {
			e = simple_value_end(p, n, i + 1, true);
			if (e > n)
				return 1;
			sp->value = mv_str_make(p + i + 1, e - i - 1);
			e++;	/* the closing quote */
		} else {
			e = simple_value_end(p, n, i, false);
			if (e > n)
				return 1;
			sp->value = mv_str_make(p + i, e - i);
		}
		for (j = 0; j < k; j++) {
			if (name_eq(params[j].name, sp->name))
				return 1;
		}
		k++;
		i = skip_wsp(p, n, e);
	}
	*n_r = k;
	return 0;
}

/* Returns 0, -1 (arena exhausted) or 1 (not the simple shape: nothing was allocated). */
static int ctype_parse_simple(mv_arena *arena, mv_str raw, unsigned max_params, struct mv_ctype *ct)
{
	struct simple_param params[SIMPLE_MAX_PARAMS];
	mv_str type, subtype;
	unsigned n_params = 0, k;

	if (simple_split(raw, &type, &subtype, params, &n_params) != 0 || n_params > max_params)
		return 1;
	memset(ct, 0, sizeof(*ct));
	if (set_type(arena, ct, type, subtype) < 0)
		return -1;
	if (n_params == 0)
		return 0;
	ct->params = mv_arena_calloc(arena, n_params, sizeof(*ct->params));
	if (ct->params == NULL)
		return -1;
	for (k = 0; k < n_params; k++) {
		struct mv_param *pr = &ct->params[k];

		pr->name.p = lower_dup(arena, params[k].name);
		pr->name.len = params[k].name.len;
		pr->value.p = mv_arena_strndup(arena, params[k].value.p, params[k].value.len);
		pr->value.len = params[k].value.len;
		if (pr->name.p == NULL || pr->value.p == NULL)
			return -1;
		ct->n_params++;
	}
	return 0;
}

int mv_ctype_parse(mv_arena *arena, mv_str raw_field, unsigned max_params, struct mv_ctype *ct)
{
	int rc = ctype_parse_simple(arena, raw_field, max_params != 0 ? max_params : DEFAULT_MAX_PARAMS, ct);

	return rc <= 0 ? rc : ctype_parse_general(arena, raw_field, max_params, ct);
}

int ctype_parse_general(mv_arena *arena, mv_str raw_field, unsigned max_params, struct mv_ctype *ct)
{
	struct parser ps = { raw_field.p, raw_field.len, 0, NULL, 0, false };
	struct raw_param *raw;
	unsigned n_raw, k, g, n_names = 0, *firsts = NULL;
	mv_str type, subtype = MV_STR_NULL;

	memset(ct, 0, sizeof(*ct));
	ct->type = ct->subtype = mv_str_make("", 0);
	if (max_params == 0)
		max_params = DEFAULT_MAX_PARAMS;
	ps.scratch = mv_arena_alloc(arena, raw_field.len + 1);
	if (ps.scratch == NULL)
		return -1;
	skip_cfws(&ps);
	type = token(&ps, true);
	skip_cfws(&ps);
	if (ps.i < ps.n && ps.p[ps.i] == '/') {
		ps.i++;
		skip_cfws(&ps);
		subtype = token(&ps, true);
		if (subtype.len == 0)
			ps.bad = true;
	}
	if (type.len == 0)
		ps.bad = true;
	if (set_type(arena, ct, type, subtype) < 0)
		return -1;
	if (read_params(arena, &ps, &raw, &n_raw) < 0)
		return -1;
	/* Distinct names in order of first appearance; each name is compared
	 * with at most max_params others, so this stays linear in n_raw. */
	if (n_raw != 0) {
		firsts = mv_arena_calloc(arena, n_raw < max_params ? n_raw : max_params, sizeof(*firsts));
		if (firsts == NULL)
			return -1;
	}
	for (k = 0; k < n_raw; k++) {
		for (g = 0; g < n_names && !name_eq(raw[firsts[g]].name, raw[k].name); g++)
			;
		if (g == n_names && n_names < max_params)
			firsts[n_names++] = k;
		raw[k].group = g < n_names ? (int)g : -1;
		if (raw[k].group < 0)
			ps.bad = true;
	}
	if (n_names != 0) {
		ct->params = mv_arena_calloc(arena, n_names, sizeof(*ct->params));
		if (ct->params == NULL)
			return -1;
	}
	for (g = 0; g < n_names; g++) {
		if (assemble(arena, raw, n_raw, firsts[g], (int)g, &ps.bad, &ct->params[g]) < 0)
			return -1;
		ct->n_params++;
	}
	ct->bad = ps.bad;
	return 0;
}

mv_str mv_ctype_param(const struct mv_ctype *ct, const char *name)
{
	unsigned k;

	for (k = 0; k < ct->n_params; k++) {
		if (mv_str_eq_ci(ct->params[k].name, name))
			return ct->params[k].value;
	}
	return MV_STR_NULL;
}
