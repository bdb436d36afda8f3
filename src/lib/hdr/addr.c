/*
 * RFC 5322 3.4 address lists with the obsolete syntax of 4.4 and the common
 * breakage: groups, comments anywhere (the first comment names an address
 * that has no phrase), quoted local parts, encoded-word display names
 * (decoded by mv_rfc2047_decode), routes, missing angle brackets, bare
 * local parts, empty list elements and trailing junk.  One pass over the
 * input plus one re-lex of each phrase, so the work is linear.
 */
#include "mailvet/charset.h"
#include "mailvet/hdr.h"
#include "mailvet/limits.h"

#include "hdr/hdr_lex.h"

#define ADDR_DEFAULT_MAX 1000u

struct addr_parser {
	mv_arena *arena;
	struct hdr_lex lx;
	struct mv_addr *list;
	unsigned n, cap, max;
	mv_str group;
	bool in_group;
	bool nomem;
};

/* Decodes an unstructured text (display name, comment) to trimmed UTF-8. */
static mv_str decode_text(struct addr_parser *ap, mv_str raw)
{
	mv_buf out;

	if (raw.len == 0)
		return mv_str_make("", 0);
	mv_buf_init(&out, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
	if (mv_rfc2047_decode(raw, &out) == MV_CHARSET_TRUNCATED &&
	    mv_arena_exhausted(ap->arena))
		ap->nomem = true;
	return mv_buf_finish(&out);
}

/*
 * The words of a phrase between two lexer positions, joined by one space
 * where CFWS separated them, quoted strings unquoted, then decoded.
 */
static mv_str phrase_text(struct addr_parser *ap, const struct hdr_lex *from, const char *stop)
{
	struct hdr_lex lx = *from;
	struct hdr_tok tok;
	mv_buf raw;
	bool first = true;

	mv_buf_init(&raw, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
	for (;;) {
		hdr_lex_next(&lx, &tok);
		if (tok.type == HDR_TOK_END || tok.text.p >= stop)
			break;
		if (!first && tok.space_before)
			(void)mv_buf_putc(&raw, ' ');
		first = false;
		if (tok.type == HDR_TOK_QSTR)
			(void)hdr_append_unquoted(&raw, hdr_tok_inner(&tok));
		else
			(void)mv_buf_append(&raw, tok.text.p, tok.text.len);	/* words, or junk as written */
	}
	if (raw.truncated && mv_arena_exhausted(ap->arena))
		ap->nomem = true;
	return decode_text(ap, mv_buf_finish(&raw));
}

static mv_str comment_text(struct addr_parser *ap, mv_str inner)
{
	mv_buf raw;

	mv_buf_init(&raw, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
	(void)hdr_append_unquoted(&raw, inner);
	return decode_text(ap, mv_buf_finish(&raw));
}

/* A dot-atom (RFC 5322 3.2.3) needs no quotes as a local part. */
static bool is_dot_atom(mv_str s)
{
	size_t i;

	if (s.len == 0 || s.p[0] == '.' || s.p[s.len - 1] == '.')
		return false;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] == '.') {
			if (s.p[i - 1] == '.')
				return false;
		} else if (!hdr_is(s.p[i], HDR_C_ATEXT)) {
			return false;
		}
	}
	return true;
}

/* True when a display name contains something shaped like local@domain.tld. */
static bool name_has_addr(mv_str name)
{
	size_t i, j;

	for (i = 1; i + 1 < name.len; i++) {
		if (name.p[i] != '@' || !hdr_is(name.p[i - 1], HDR_C_ATEXT))
			continue;
		for (j = i + 1; j < name.len && (hdr_is(name.p[j], HDR_C_ATEXT) ||
		    name.p[j] == '.' || name.p[j] == '[' || name.p[j] == ']'); j++) {
			if (name.p[j] == '.' && j > i + 1 && j + 1 < name.len &&
			    hdr_is(name.p[j + 1], HDR_C_ATEXT))
				return true;
		}
	}
	return false;
}

/*
 * Moves the lexer back to `save` (to leave a token for the caller) but keeps
 * what was learnt on the way: the element's first comment and damage.
 */
static void lex_restore(struct hdr_lex *lx, const struct hdr_lex *save)
{
	mv_str comment = lx->first_comment;
	bool bad = lx->bad;

	*lx = *save;
	lx->first_comment = comment;
	lx->bad = bad;
}

static void init_addr(struct addr_parser *ap, struct mv_addr *a);

static struct mv_addr *new_addr(struct addr_parser *ap)
{
	struct mv_addr *a;

	if (ap->n == ap->cap) {
		unsigned cap = ap->cap == 0 ? 4 : ap->cap * 2;
		struct mv_addr *l;

		if (cap > ap->max)
			cap = ap->max;
		l = mv_arena_realloc(ap->arena, ap->list, ap->cap * sizeof(*l), cap * sizeof(*l));
		if (l == NULL) {
			ap->nomem = true;
			return NULL;
		}
		ap->list = l;
		ap->cap = cap;
	}
	a = &ap->list[ap->n++];
	init_addr(ap, a);
	return a;
}

static void init_addr(struct addr_parser *ap, struct mv_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->name = mv_str_make("", 0);
	a->address = a->name;
	a->local = a->name;
	a->domain = a->name;
	a->group = a->name;
	if (ap->in_group) {
		a->flags |= MV_ADDR_IN_GROUP;
		a->group = ap->group;
	}
}

/*
 * Reads local-part words from the lexer up to the first other token or the
 * one at `stop`, unquoting quoted strings; obs-local-part CFWS is dropped.
 */
static void local_words(struct hdr_lex *lx, const char *stop, mv_buf *out, unsigned *flags)
{
	struct hdr_tok tok;

	for (;;) {
		struct hdr_lex save = *lx;

		hdr_lex_next(lx, &tok);
		if ((tok.type != HDR_TOK_ATOM && tok.type != HDR_TOK_QSTR) || tok.text.p >= stop) {
			lex_restore(lx, &save);
			return;
		}
		if (tok.type == HDR_TOK_QSTR) {
			*flags |= MV_ADDR_QUOTED_LOCAL;
			(void)hdr_append_unquoted(out, hdr_tok_inner(&tok));
		} else {
			(void)mv_buf_append(out, tok.text.p, tok.text.len);
		}
	}
}

/* Reads a domain after '@': atoms joined across CFWS by dots, or a literal. */
static void domain_words(struct hdr_lex *lx, mv_buf *out, unsigned *flags)
{
	struct hdr_tok tok;
	bool first = true, want = true;

	for (;;) {
		struct hdr_lex save = *lx;

		hdr_lex_next(lx, &tok);
		if (tok.type == HDR_TOK_DLIT && first) {
			struct hdr_lex in;
			struct hdr_tok t;

			/* Literal: keep brackets, drop folding and white space. */
			(void)mv_buf_putc(out, '[');
			hdr_lex_init(&in, hdr_tok_inner(&tok));
			for (hdr_lex_next(&in, &t); t.type != HDR_TOK_END; hdr_lex_next(&in, &t))
				(void)mv_buf_append(out, t.text.p, t.text.len);
			(void)mv_buf_putc(out, ']');
			return;
		}
		if (tok.type != HDR_TOK_ATOM ||
		    (!want && tok.space_before && tok.text.p[0] != '.')) {
			lex_restore(lx, &save);
			break;
		}
		(void)mv_buf_append(out, tok.text.p, tok.text.len);
		want = tok.text.p[tok.text.len - 1] == '.';
		first = false;
	}
	if (first)
		*flags |= MV_ADDR_BAD;
}

/*
 * Builds address/local/domain from the parsed pieces: the local part is
 * quoted again only when it is not a dot-atom; the domain is lower-cased
 * with its trailing dots dropped.
 */
static void set_address(struct addr_parser *ap, struct mv_addr *a, mv_str local, mv_str domain, bool has_at)
{
	mv_buf b;
	size_t i, llen;

	while (domain.len != 0 && domain.p[domain.len - 1] == '.')
		domain.len--;
	mv_buf_init(&b, ap->arena, (size_t)-2);
	if (local.len == 0 || is_dot_atom(local)) {
		(void)mv_buf_append(&b, local.p, local.len);
	} else {
		(void)mv_buf_putc(&b, '"');
		for (i = 0; i < local.len; i++) {
			if (local.p[i] == '"' || local.p[i] == '\\')
				(void)mv_buf_putc(&b, '\\');
			(void)mv_buf_putc(&b, local.p[i]);
		}
		(void)mv_buf_putc(&b, '"');
	}
	llen = b.len;
	if (domain.len != 0) {
		(void)mv_buf_putc(&b, '@');
		for (i = 0; i < domain.len; i++)
			(void)mv_buf_putc(&b, mv_ascii_lower(domain.p[i]));
	} else {
		a->flags |= MV_ADDR_NO_DOMAIN;
		if (has_at)
			a->flags |= MV_ADDR_BAD;
	}
	if (b.truncated) {
		ap->nomem = true;
		return;
	}
	a->address = mv_buf_finish(&b);
	a->local = mv_str_make(a->address.p, llen);
	if (domain.len != 0)
		a->domain = mv_str_make(a->address.p + llen + 1, a->address.len - llen - 1);
	else
		a->domain = mv_str_make(a->address.p + a->address.len, 0);
}

/* Skips to the end of the element: ',' or, inside a group, ';'.  Anything skipped is junk. */
static bool skip_to_delim(struct addr_parser *ap)
{
	struct hdr_tok tok;
	bool junk = false;

	for (;;) {
		struct hdr_lex save = ap->lx;

		hdr_lex_next(&ap->lx, &tok);
		if (tok.type == HDR_TOK_END ||
		    (tok.type == HDR_TOK_SPECIAL && (tok.c == ',' || (tok.c == ';' && ap->in_group)))) {
			lex_restore(&ap->lx, &save);
			return junk;
		}
		junk = true;
	}
}

/* After '<': [route ':'] local ['@' domain] '>'. */
static void parse_angle(struct addr_parser *ap, struct mv_addr *a)
{
	struct hdr_tok tok;
	struct hdr_lex save;
	mv_buf local, domain;
	bool has_at = false;

	mv_buf_init(&local, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
	mv_buf_init(&domain, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
	hdr_lex_peek(&ap->lx, &tok);
	if (tok.type == HDR_TOK_SPECIAL && tok.c == '@') {
		/* RFC 5322 4.4 obs-route "@a,@b:" is read and dropped. */
		a->flags |= MV_ADDR_ROUTE;
		for (;;) {
			save = ap->lx;
			hdr_lex_next(&ap->lx, &tok);
			if (tok.type == HDR_TOK_END || (tok.type == HDR_TOK_SPECIAL &&
			    (tok.c == '>' || tok.c == ';' || tok.c == '<'))) {
				lex_restore(&ap->lx, &save);
				a->flags |= MV_ADDR_BAD;
				break;
			}
			if (tok.type == HDR_TOK_SPECIAL && tok.c == ':')
				break;
		}
	}
	/* The local part runs to '@' or '>' (or whatever ends it). */
	local_words(&ap->lx, ap->lx.end, &local, &a->flags);
	hdr_lex_peek(&ap->lx, &tok);
	if (tok.type == HDR_TOK_SPECIAL && tok.c == '@') {
		hdr_lex_next(&ap->lx, &tok);
		has_at = true;
		domain_words(&ap->lx, &domain, &a->flags);
	}
	if (local.len == 0 && !has_at) {
		/* "<>", the null path: no address, not an error. */
		a->flags |= MV_ADDR_NO_DOMAIN;
	} else {
		if (local.len == 0)
			a->flags |= MV_ADDR_BAD;
		set_address(ap, a, mv_buf_finish(&local), mv_buf_finish(&domain), has_at);
	}
	save = ap->lx;
	hdr_lex_next(&ap->lx, &tok);
	if (tok.type != HDR_TOK_SPECIAL || tok.c != '>') {
		lex_restore(&ap->lx, &save);
		a->flags |= MV_ADDR_BAD;	/* missing '>' */
	}
	if (skip_to_delim(ap))
		a->flags |= MV_ADDR_BAD;
}

static void finish_name(struct addr_parser *ap, struct mv_addr *a)
{
	if (a->name.len == 0 && ap->lx.first_comment.p != NULL)
		a->name = comment_text(ap, ap->lx.first_comment);
	if (name_has_addr(a->name))
		a->flags |= MV_ADDR_NAME_HAS_ADDR;
}

/*
 * One list element.  The phrase words are scanned first; what stops them
 * decides the form: '<' angle-addr, '@' bare addr-spec, ':' group start,
 * ',' ';' or the end a bare local part or a name without an address.
 */
static void parse_element(struct addr_parser *ap)
{
	struct hdr_lex start, run_start, before_stop;
	struct hdr_tok tok, prev = { 0 };
	unsigned n_words = 0, n_runs = 0;
	struct mv_addr *a;

	hdr_lex_mark(&ap->lx);
	start = ap->lx;
	run_start = start;
	for (;;) {
		struct hdr_lex save = ap->lx;

		hdr_lex_next(&ap->lx, &tok);
		before_stop = save;
		if (tok.type != HDR_TOK_ATOM && tok.type != HDR_TOK_QSTR)
			break;
		/* A new run starts after CFWS unless a dot joins the words (obs-local-part). */
		if (n_words == 0 || (tok.space_before && tok.text.p[0] != '.' &&
		    !(prev.type == HDR_TOK_ATOM && prev.text.p[prev.text.len - 1] == '.'))) {
			run_start = save;
			n_runs++;
		}
		prev = tok;
		n_words++;
	}
	if (tok.type == HDR_TOK_SPECIAL && tok.c == ':' && !ap->in_group) {
		ap->group = phrase_text(ap, &start, tok.text.p);
		ap->in_group = true;
		return;
	}
	if (n_words == 0 && (tok.type == HDR_TOK_END ||
	    (tok.type == HDR_TOK_SPECIAL && (tok.c == ',' || tok.c == ';')))) {
		lex_restore(&ap->lx, &before_stop);	/* an empty element; the caller eats the delimiter */
		return;
	}
	a = new_addr(ap);
	if (a == NULL)
		return;
	if (tok.type == HDR_TOK_SPECIAL && tok.c == '<') {
		a->name = phrase_text(ap, &start, tok.text.p);
		parse_angle(ap, a);
	} else if (tok.type == HDR_TOK_SPECIAL && tok.c == '@' && n_words != 0) {
		mv_buf local, domain;
		struct hdr_lex lx = run_start;

		/* Words before the local part's run: a name without brackets. */
		if (n_runs > 1) {
			a->name = phrase_text(ap, &start, run_start.p);
			a->flags |= MV_ADDR_BAD;
		}
		mv_buf_init(&local, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
		mv_buf_init(&domain, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
		local_words(&lx, tok.text.p, &local, &a->flags);
		domain_words(&ap->lx, &domain, &a->flags);
		hdr_lex_peek(&ap->lx, &tok);
		if (tok.type == HDR_TOK_SPECIAL && tok.c == '<') {
			/*
			 * "security@bank.example <x@evil.example>": the unquoted
			 * address is a display name; the angle-addr is the address.
			 */
			hdr_lex_next(&ap->lx, &tok);
			init_addr(ap, a);
			a->flags |= MV_ADDR_BAD;
			a->name = phrase_text(ap, &start, tok.text.p);
			parse_angle(ap, a);
		} else {
			set_address(ap, a, mv_buf_finish(&local), mv_buf_finish(&domain), true);
			if (skip_to_delim(ap))
				a->flags |= MV_ADDR_BAD;
		}
	} else if (tok.type == HDR_TOK_END || (tok.type == HDR_TOK_SPECIAL &&
		   (tok.c == ',' || (tok.c == ';' && ap->in_group)))) {
		lex_restore(&ap->lx, &before_stop);
		if (n_words == 1 && prev.type == HDR_TOK_ATOM) {
			/* "To: root": a local part alone. */
			set_address(ap, a, prev.text, MV_STR_NULL, false);
		} else {
			a->name = phrase_text(ap, &start, tok.text.p);
			a->flags |= MV_ADDR_BAD;
		}
		(void)skip_to_delim(ap);
	} else {
		a->name = phrase_text(ap, &start, tok.text.p);
		a->flags |= MV_ADDR_BAD;
		if (!(tok.type == HDR_TOK_SPECIAL && tok.c == '@'))
			lex_restore(&ap->lx, &before_stop);
		if (tok.type == HDR_TOK_SPECIAL && tok.c == '@') {
			mv_buf domain;

			/* "@domain" with no local part. */
			mv_buf_init(&domain, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
			domain_words(&ap->lx, &domain, &a->flags);
			set_address(ap, a, mv_str_make("", 0), mv_buf_finish(&domain), true);
		}
		(void)skip_to_delim(ap);
	}
	finish_name(ap, a);
	if (ap->lx.bad)
		a->flags |= MV_ADDR_BAD;
}

int mv_addr_parse_list(mv_arena *arena, mv_str raw, unsigned max_addrs, struct mv_addr **list_r)
{
	struct addr_parser ap;
	struct hdr_tok tok;

	memset(&ap, 0, sizeof(ap));
	ap.arena = arena;
	ap.max = max_addrs != 0 ? max_addrs : ADDR_DEFAULT_MAX;
	ap.group = mv_str_make("", 0);
	*list_r = NULL;
	hdr_lex_init(&ap.lx, raw);
	while (ap.n < ap.max && !ap.nomem) {
		const char *before = ap.lx.p;
		bool was_group = ap.in_group;

		parse_element(&ap);
		hdr_lex_peek(&ap.lx, &tok);
		if (tok.type == HDR_TOK_END)
			break;
		if (tok.type == HDR_TOK_SPECIAL && (tok.c == ',' || tok.c == ';')) {
			hdr_lex_next(&ap.lx, &tok);
			if (tok.c == ';' && ap.in_group) {
				ap.in_group = false;
				ap.group = mv_str_make("", 0);
			}
		} else if (ap.lx.p == before || was_group == ap.in_group) {
			/* No delimiter after an element (only a group start has none). */
			hdr_lex_next(&ap.lx, &tok);
		}
	}
	if (ap.nomem)
		return -1;
	*list_r = ap.list;
	return (int)ap.n;
}
