/*
 * Authentication-Results (RFC 8601 2.2): a small tokenizer over the field
 * (comments anywhere, quoted strings, words ended by white space, ';', '='
 * and '('), a reader of resinfo sets, and the writer of our own value.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/authres.h"
#include "hdr/hdr_lex.h"

struct ar_cursor {
	const char *p, *end;
	mv_str comment;		/* the last comment skipped */
};

static void skip_cfws(struct ar_cursor *c)
{
	while (c->p < c->end) {
		if (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n') {
			c->p++;
		} else if (*c->p == '(') {
			bool bad = false;
			const char *start = c->p, *next = hdr_skip_comment(c->p, c->end, &bad);

			if (next <= start)
				next = c->end;
			c->comment = mv_str_make(start + 1, (size_t)(next - start) - (next[-1] == ')' ? 2 : 1));
			c->p = next;
		} else {
			break;
		}
	}
}

/* A value: a quoted string (inner text, escapes kept) or a word. */
static mv_str next_word(struct ar_cursor *c)
{
	const char *start;

	skip_cfws(c);
	start = c->p;
	if (c->p < c->end && *c->p == '"') {
		bool bad = false;
		const char *next = hdr_skip_quoted(c->p + 1, c->end, '"', &bad);

		c->p = next;
		return mv_str_make(start + 1, (size_t)(next - start) - (bad ? 1 : 2));
	}
	while (c->p < c->end && !strchr(" \t\r\n;=(\"", *c->p))
		c->p++;
	return mv_str_make(start, (size_t)(c->p - start));
}

static bool take(struct ar_cursor *c, char ch)
{
	skip_cfws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* Skips to the next ';' (a resinfo we cannot read). */
static void skip_to_semicolon(struct ar_cursor *c)
{
	while (c->p < c->end && *c->p != ';') {
		if (*c->p == '(' || *c->p == '"') {
			const char *before = c->p;

			skip_cfws(c);
			if (c->p == before)
				(void)next_word(c);
			if (c->p == before)
				c->p++;
		} else {
			c->p++;
		}
	}
}

/* "ptype.property=value" after a resinfo's result; false when the next word is not one. */
static bool read_prop(struct ar_cursor *c, struct authres_result *r)
{
	struct ar_cursor save = *c;
	mv_str word = next_word(c), value;
	const char *dot;

	dot = word.len != 0 ? memchr(word.p, '.', word.len) : NULL;
	if (word.len == 0 || !take(c, '=')) {
		*c = save;
		return false;
	}
	value = next_word(c);
	if (word.len == 6 && strncasecmp(word.p, "reason", 6) == 0) {
		r->reason = value;
		return true;
	}
	if (dot == NULL) {
		*c = save;
		return false;
	}
	if (r->n_props < AUTHRES_MAX_PROPS) {
		struct authres_prop *p = &r->props[r->n_props++];

		p->ptype = mv_str_make(word.p, (size_t)(dot - word.p));
		p->property = mv_str_make(dot + 1, word.len - (size_t)(dot + 1 - word.p));
		p->value = value;
	}
	return true;
}

bool authres_parse(mv_str raw, struct authres *out)
{
	struct ar_cursor c = { raw.p, raw.p + raw.len, MV_STR_NULL };

	memset(out, 0, sizeof(*out));
	out->authserv_id = next_word(&c);
	if (out->authserv_id.len == 0)
		return false;
	/* An optional version number after the authserv-id. */
	skip_cfws(&c);
	if (c.p < c.end && *c.p >= '0' && *c.p <= '9')
		(void)next_word(&c);
	while (take(&c, ';')) {
		struct authres_result r;
		mv_str method, slash;

		memset(&r, 0, sizeof(r));
		method = next_word(&c);
		if (method.len == 4 && strncasecmp(method.p, "none", 4) == 0 && !take(&c, '=')) {
			out->none = true;
			continue;
		}
		slash = method.len != 0 ? mv_str_make(memchr(method.p, '/', method.len), 0) : MV_STR_NULL;
		if (slash.p != NULL)
			method.len = (size_t)(slash.p - method.p);
		if (method.len == 0 || !take(&c, '=')) {
			skip_to_semicolon(&c);
			continue;
		}
		r.method = method;
		c.comment = MV_STR_NULL;
		r.result = next_word(&c);
		skip_cfws(&c);
		r.comment = c.comment;
		while (c.p < c.end && *c.p != ';' && read_prop(&c, &r))
			;
		skip_to_semicolon(&c);
		if (r.result.len != 0 && out->n_results < AUTHRES_MAX_RESULTS)
			out->results[out->n_results++] = r;
	}
	return true;
}

enum mv_auth_result authres_result_value(mv_str word)
{
	static const struct {
		const char *word;
		enum mv_auth_result result;
	} words[] = {
		{ "pass", MV_AUTH_PASS }, { "fail", MV_AUTH_FAIL }, { "softfail", MV_AUTH_SOFTFAIL },
		{ "neutral", MV_AUTH_NEUTRAL }, { "temperror", MV_AUTH_TEMPERROR }, { "permerror", MV_AUTH_PERMERROR },
		{ "policy", MV_AUTH_POLICY }, { "none", MV_AUTH_NONE }, { "hardfail", MV_AUTH_FAIL },
		{ "invalid", MV_AUTH_FAIL }, { "error", MV_AUTH_TEMPERROR },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (mv_str_eq_ci(word, words[i].word))
			return words[i].result;
	}
	return MV_AUTH_NONE;
}

mv_str authres_prop(const struct authres_result *r, const char *ptype, const char *property)
{
	unsigned i;

	for (i = 0; i < r->n_props; i++) {
		if (mv_str_eq_ci(r->props[i].ptype, ptype) && mv_str_eq_ci(r->props[i].property, property))
			return r->props[i].value;
	}
	return MV_STR_NULL;
}

/* A property value as RFC 8601 allows it bare, or quoted. */
static void put_value(mv_buf *b, mv_str v)
{
	size_t i;
	bool plain = v.len != 0;

	for (i = 0; i < v.len && plain; i++) {
		unsigned char ch = (unsigned char)v.p[i];

		plain = ch > ' ' && ch < 0x7f && !strchr("()<>,;:\\\"[]", ch);
	}
	if (plain) {
		mv_buf_append(b, v.p, v.len);
		return;
	}
	mv_buf_putc(b, '"');
	for (i = 0; i < v.len; i++) {
		if (v.p[i] == '"' || v.p[i] == '\\')
			mv_buf_putc(b, '\\');
		if ((unsigned char)v.p[i] >= ' ')
			mv_buf_putc(b, v.p[i]);
	}
	mv_buf_putc(b, '"');
}

static void put_result(mv_buf *b, const char *method, enum mv_auth_result result)
{
	mv_buf_append(b, ";\n\t", 3);
	mv_buf_append(b, method, strlen(method));
	mv_buf_putc(b, '=');
	/* RFC 8601 2.7: S/MIME's results are pass, fail, ...; untrusted and a mismatch are "policy" there. */
	if (result == MV_AUTH_UNTRUSTED || result == MV_AUTH_SIGNER_MISMATCH)
		result = MV_AUTH_POLICY;
	mv_buf_append(b, mv_auth_result_name(result), strlen(mv_auth_result_name(result)));
}

static void put_prop(mv_buf *b, const char *name, mv_str v)
{
	if (v.len == 0)
		return;
	mv_buf_putc(b, ' ');
	mv_buf_append(b, name, strlen(name));
	mv_buf_putc(b, '=');
	put_value(b, v);
}

char *authres_build(mv_arena *arena, const char *authserv_id, const struct mv_auth *auth)
{
	mv_buf b;
	mv_str out;
	unsigned i;

	mv_buf_init(&b, arena, (size_t)1 << 20);
	put_value(&b, mv_str_cstr(authserv_id));
	if (auth->spf.domain.len != 0) {
		put_result(&b, "spf", auth->spf.result);
		put_prop(&b, mv_str_eq(auth->spf.identity, "helo") ? "smtp.helo" : "smtp.mailfrom", auth->spf.domain);
	}
	for (i = 0; i < auth->n_dkim; i++) {
		put_result(&b, "dkim", auth->dkim[i].result);
		if (auth->dkim[i].reason.len != 0 && auth->dkim[i].result != MV_AUTH_PASS) {
			mv_buf_append(&b, " reason=", 8);
			put_value(&b, auth->dkim[i].reason);
		}
		put_prop(&b, "header.d", auth->dkim[i].domain);
		put_prop(&b, "header.s", auth->dkim[i].selector);
		put_prop(&b, "header.a", auth->dkim[i].algorithm);
	}
	if (auth->n_dkim == 0 && auth->checked)
		put_result(&b, "dkim", MV_AUTH_NONE);
	if (auth->dmarc.domain.len != 0) {
		put_result(&b, "dmarc", auth->dmarc.result);
		if (auth->dmarc.policy.len != 0) {
			mv_buf_append(&b, " (p=", 4);
			mv_buf_append(&b, auth->dmarc.policy.p, auth->dmarc.policy.len);
			mv_buf_append(&b, " dis=", 5);
			mv_buf_append(&b, auth->dmarc.disposition.len != 0 ? auth->dmarc.disposition.p : "none",
				      auth->dmarc.disposition.len != 0 ? auth->dmarc.disposition.len : 4);
			mv_buf_putc(&b, ')');
		}
		put_prop(&b, "header.from", auth->dmarc.domain);
	}
	/* RFC 8617 registers none, pass and fail for arc: a temporary error or a cut message says nothing. */
	if (auth->arc.result == MV_AUTH_PASS || auth->arc.result == MV_AUTH_FAIL)
		put_result(&b, "arc", auth->arc.result);
	if (auth->smime.result != MV_AUTH_NONE) {
		put_result(&b, "smime", auth->smime.result);
		put_prop(&b, "body.smime-identifier", auth->smime.signer);
	}
	if (!auth->checked)
		mv_buf_append(&b, "; none", 6);
	out = mv_buf_finish(&b);
	return b.truncated ? NULL : mv_arena_strndup(arena, out.p, out.len);
}
