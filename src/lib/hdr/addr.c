/*
 * RFC 5322 3.4 address lists with the obsolete syntax of 4.4 and the common
 * breakage: groups, comments anywhere (the first comment names an address
 * that has no phrase), quoted local parts, encoded-word display names
 * (decoded by mv_rfc2047_decode), routes, missing angle brackets, bare
 * local parts, empty list elements and trailing junk.  One pass over the
 * input plus one re-lex of each phrase, so the work is linear.  The single
 * addresses nearly every From field holds are read first by parse_single(),
 * without the token lexer; any other shape goes to the general parser.
 */
#include <string.h>

#include "mailvet/charset.h"
#include "mailvet/hdr.h"
#include "mailvet/limits.h"

#include "hdr/addr_int.h"
#include "hdr/hdr_lex.h"

#define ADDR_DEFAULT_MAX 1000u

struct addr_parser {
	mv_arena *arena;
	struct hdr_lex lx;
	struct mv_addr *list;
	unsigned n, cap, max;
	mv_str group;
	const char *no_join_before;	/* comma_joins_name() fails from anywhere before this */
	bool in_group;
	bool nomem;
};

/* Decodes an unstructured text (display name, comment) to trimmed UTF-8. */
static mv_str decode_text(struct addr_parser *ap, mv_str raw)
{
	mv_buf out;

	if (raw.len == 0)
		return mv_str_make("", 0);
	if (mv_rfc2047_is_plain(raw)) {
		/* Most names: the decoder would only trim the blanks, so copy the trimmed text. */
		mv_str v = mv_str_trim(raw);
		char *copy;

		if (v.len != 0 && v.len <= MV_DEFAULT_MAX_HEADER_VALUE) {
			copy = mv_arena_strndup(ap->arena, v.p, v.len);
			if (copy == NULL) {
				ap->nomem = true;
				return mv_str_make("", 0);
			}
			return mv_str_make(copy, v.len);
		}
	}
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

/* True when hdr_append_unquoted() would change the text: a quoted pair or folding in it. */
static bool needs_unquoting(mv_str inner)
{
	return inner.len != 0 && (memchr(inner.p, '\\', inner.len) != NULL ||
		memchr(inner.p, '\r', inner.len) != NULL || memchr(inner.p, '\n', inner.len) != NULL);
}

static mv_str comment_text(struct addr_parser *ap, mv_str inner)
{
	mv_buf raw;

	if (inner.len <= MV_DEFAULT_MAX_HEADER_VALUE && !needs_unquoting(inner))
		return decode_text(ap, inner);
	mv_buf_init(&raw, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
	(void)hdr_append_unquoted(&raw, inner);
	return decode_text(ap, mv_buf_finish(&raw));
}

/*
 * No '.' at either end and no two in a row: an atom (atext and dots) like
 * that is a dot-atom.  memchr() steps from dot to dot.
 */
static bool dots_fit_dot_atom(mv_str s)
{
	const char *d = s.p, *end = s.p + s.len;

	if (s.len == 0 || s.p[0] == '.' || s.p[s.len - 1] == '.')
		return false;
	/* The last byte is not a dot, so the byte after one is inside s. */
	while ((d = memchr(d, '.', (size_t)(end - d))) != NULL) {
		if (*++d == '.')
			return false;
	}
	return true;
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

	/* "a@@x.example": the doubled '@' is read through. */
	for (hdr_lex_peek(lx, &tok); tok.type == HDR_TOK_SPECIAL && tok.c == '@'; hdr_lex_peek(lx, &tok)) {
		hdr_lex_next(lx, &tok);
		*flags |= MV_ADDR_BAD;
	}
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
 * quoted again only when it is not a dot-atom (local_is_atom: the caller
 * knows it holds only atext and dots); the domain is lower-cased with its
 * trailing dots dropped.  The size is known up front, so the address is
 * written in one allocation.
 */
static void set_address(struct addr_parser *ap, struct mv_addr *a, mv_str local, mv_str domain, bool has_at,
			bool local_is_atom)
{
	bool quote = local.len != 0 && !(local_is_atom ? dots_fit_dot_atom(local) : is_dot_atom(local));
	size_t i, llen = local.len, len;
	char *w;

	/* "x.example." (a trailing dot, as in DNS) is not RFC 5322: read as x.example, but flagged. */
	while (domain.len != 0 && domain.p[domain.len - 1] == '.') {
		domain.len--;
		a->flags |= MV_ADDR_BAD;
	}
	if (domain.len != 0 && domain.p[0] != '[' && !dots_fit_dot_atom(domain))
		a->flags |= MV_ADDR_BAD;	/* an empty label: ".x.example", "x..example" */
	if (quote) {
		llen += 2;
		for (i = 0; i < local.len; i++)
			llen += local.p[i] == '"' || local.p[i] == '\\';
	}
	len = llen + (domain.len != 0 ? 1 + domain.len : 0);
	if (quote && !(a->flags & MV_ADDR_QUOTED_LOCAL))
		a->flags |= MV_ADDR_BAD;	/* "a.@x.example": words that make no dot-atom, and no quotes */
	if (domain.len == 0) {
		a->flags |= MV_ADDR_NO_DOMAIN;
		if (has_at)
			a->flags |= MV_ADDR_BAD;
	}
	w = mv_arena_alloc(ap->arena, len + 1);
	if (w == NULL) {
		ap->nomem = true;
		return;
	}
	if (!quote) {
		if (local.len != 0)
			memcpy(w, local.p, local.len);
	} else {
		size_t k = 0;

		w[k++] = '"';
		for (i = 0; i < local.len; i++) {
			if (local.p[i] == '"' || local.p[i] == '\\')
				w[k++] = '\\';
			w[k++] = local.p[i];
		}
		w[k++] = '"';
	}
	if (domain.len != 0) {
		w[llen] = '@';
		mv_ascii_lower_copy(w + llen + 1, domain.p, domain.len);
	}
	w[len] = '\0';
	a->address = mv_str_make(w, len);
	a->local = mv_str_make(w, llen);
	a->domain = mv_str_make(w + len - domain.len, domain.len);
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
	/* "<<a@x.example>>": clients read through the doubled brackets. */
	for (hdr_lex_peek(&ap->lx, &tok); tok.type == HDR_TOK_SPECIAL && tok.c == '<'; hdr_lex_peek(&ap->lx, &tok)) {
		hdr_lex_next(&ap->lx, &tok);
		a->flags |= MV_ADDR_BAD;
	}
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
	if (tok.type == HDR_TOK_SPECIAL && tok.c == ':' && mv_str_eq_ci(mv_str_make(local.p, local.len), "mailto")) {
		/* "<mailto:a@x.example>", a URL where the address belongs: the address is after the scheme. */
		hdr_lex_next(&ap->lx, &tok);
		a->flags |= MV_ADDR_BAD;
		mv_buf_init(&local, ap->arena, MV_DEFAULT_MAX_HEADER_VALUE);
		local_words(&ap->lx, ap->lx.end, &local, &a->flags);
		hdr_lex_peek(&ap->lx, &tok);
	}
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
		set_address(ap, a, mv_buf_finish(&local), mv_buf_finish(&domain), has_at, false);
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
 * An element with no domain whose first comment is one address and nothing
 * else: "Bob (bob@x.example)", "(bob@x.example)".  The address a reader
 * sees is the comment's; the words before it are the name.  The comment is
 * read by the single-address reader only, so this does not recurse.  True
 * when *a took the comment's address (the comment is then no name).
 */
static bool comment_address(struct addr_parser *ap, struct mv_addr *a)
{
	struct mv_addr *in;
	mv_str c = ap->lx.first_comment;

	if (a->domain.len != 0 || c.p == NULL || needs_unquoting(c) ||
	    hdr_addr_parse_single(ap->arena, c, &in) != 1 || in->domain.len == 0 || in->name.len != 0)
		return false;
	a->address = in->address;
	a->local = in->local;
	a->domain = in->domain;
	a->flags = (a->flags & ~MV_ADDR_NO_DOMAIN) | (in->flags & MV_ADDR_QUOTED_LOCAL) | MV_ADDR_BAD;
	return true;
}

/*
 * "Name, <addr>", "Smith, John <addr>", "=?utf-8?q?Bank?=, Security <addr>":
 * a phrase without an address, a comma, then words and an angle-addr.  Mail
 * clients (GMime among them) show one mailbox whose name runs to the '<',
 * commas included, and phishing writes such fields on purpose so that a
 * strict reader finds a name with no address.  The lexer is after the
 * first comma; each further comma must follow a word ("a,, <b>" stays two
 * elements).  On a match the lexer is left after the '<'.  A failed look
 * ahead is remembered, so a long list of bare names stays linear.
 */
static bool comma_joins_name(struct addr_parser *ap)
{
	struct hdr_lex lx = ap->lx;
	struct hdr_tok tok;
	unsigned words = 0;

	if (lx.p < ap->no_join_before)
		return false;
	for (;;) {
		hdr_lex_next(&lx, &tok);
		if (tok.type == HDR_TOK_ATOM || tok.type == HDR_TOK_QSTR) {
			words++;
		} else if (tok.type == HDR_TOK_SPECIAL && tok.c == ',' && words != 0) {
			words = 0;
		} else if (tok.type == HDR_TOK_SPECIAL && tok.c == '<') {
			ap->lx = lx;
			return true;
		} else {
			ap->no_join_before = lx.p;
			return false;
		}
	}
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
		if (ap->lx.first_comment.p != NULL && (a = new_addr(ap)) != NULL) {
			/* Nothing but comments: one of them may be the address ("(bob@x.example)"). */
			if (!comment_address(ap, a))
				ap->n--;
		}
		return;
	}
	a = new_addr(ap);
	if (a == NULL)
		return;
	if (tok.type == HDR_TOK_SPECIAL && tok.c == '<') {
		a->name = phrase_text(ap, &start, tok.text.p);
		parse_angle(ap, a);
	} else if (tok.type == HDR_TOK_SPECIAL && tok.c == ',' && comma_joins_name(ap)) {
		a->name = phrase_text(ap, &start, ap->lx.p - 1);
		a->flags |= MV_ADDR_BAD;
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
			set_address(ap, a, mv_buf_finish(&local), mv_buf_finish(&domain), true, false);
			if (skip_to_delim(ap))
				a->flags |= MV_ADDR_BAD;
		}
	} else if (tok.type == HDR_TOK_END || (tok.type == HDR_TOK_SPECIAL &&
		   (tok.c == ',' || (tok.c == ';' && ap->in_group)))) {
		lex_restore(&ap->lx, &before_stop);
		if (comment_address(ap, a)) {
			a->name = phrase_text(ap, &start, tok.text.p);
			(void)skip_to_delim(ap);
			if (name_has_addr(a->name))
				a->flags |= MV_ADDR_NAME_HAS_ADDR;
			return;
		}
		if (n_words == 1 && prev.type == HDR_TOK_ATOM) {
			/* "To: root": a local part alone. */
			set_address(ap, a, prev.text, MV_STR_NULL, false, false);
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
			set_address(ap, a, mv_str_make("", 0), mv_buf_finish(&domain), true, false);
		}
		(void)skip_to_delim(ap);
	}
	finish_name(ap, a);
	if (ap->lx.bad)
		a->flags |= MV_ADDR_BAD;
}

static void init_parser(struct addr_parser *ap, mv_arena *arena, mv_str raw, unsigned max_addrs)
{
	/* Field by field rather than memset(): a few stores, no call (this runs for every From). */
	*ap = (struct addr_parser){
		.arena = arena,
		.max = max_addrs != 0 ? max_addrs : ADDR_DEFAULT_MAX,
		.group = mv_str_make("", 0),
	};
	hdr_lex_init(&ap->lx, raw);
}

static const char *skip_wsp(const char *p, const char *end)
{
	while (p < end && hdr_is(*p, HDR_C_WSP))
		p++;
	return p;
}

/* Past an atom as the lexer reads it: atext and dots. */
static const char *skip_atom(const char *p, const char *end)
{
	while (p < end && (hdr_is(*p, HDR_C_ATEXT) || *p == '.'))
		p++;
	return p;
}

/*
 * The end of the field after an address: white space and comments only (the
 * first comment names an address without a phrase).  False when anything
 * else follows or a comment is not closed.
 */
static bool only_cfws_left(struct addr_parser *ap, const char *p, const char *end)
{
	hdr_lex_init(&ap->lx, mv_str_make(p, (size_t)(end - p)));
	(void)hdr_lex_skip_cfws(&ap->lx);
	return ap->lx.p == end && !ap->lx.bad;
}

/*
 * The display name of the phrase [first, last_end) before the '<' at lt.
 * Atoms separated by single spaces, or one quoted string without quoted
 * pairs or folding, are already the text phrase_text() would build; anything
 * else is built by it.
 */
static mv_str fast_phrase_text(struct addr_parser *ap, mv_str raw, const char *first, const char *last_end,
			       const char *lt, bool as_written)
{
	struct hdr_lex lx;

	if (as_written) {
		if (*first == '"') {
			first++;
			last_end--;
		}
		return decode_text(ap, mv_str_make(first, (size_t)(last_end - first)));
	}
	hdr_lex_init(&lx, raw);
	return phrase_text(ap, &lx, lt);
}

/*
 * The shapes nearly every From field has, read without the token lexer:
 * `[phrase] <local@domain>` and `local@domain [(comment)]`, where the phrase
 * is atoms and quoted strings, the local part and the domain are one atom
 * each, and only white space and comments follow.  The result is the one the
 * general parser gives (tests/hdr/test_addr.c compares them).  False, with
 * nothing stored, for any other shape.
 */
static bool parse_single(struct addr_parser *ap, mv_str raw)
{
	const char *p, *end = raw.p + raw.len, *first = NULL, *last_end = NULL, *lt = NULL;
	const char *local, *at, *dom, *dom_end;
	unsigned n_words = 0;
	bool as_written = true;
	struct mv_addr *a;

	/* The phrase, up to '<'; an atom first that runs into '@' is a bare address. */
	p = skip_wsp(raw.p, end);
	for (;;) {
		const char *w = skip_wsp(p, end);
		bool single_space = w == p + 1 && *p == ' ';

		if (w >= end)
			return false;
		p = w;
		if (*p == '<') {
			lt = p;
			break;
		}
		if (*p == '"') {
			bool bad = false;

			/* Most quoted names hold no quoted pair or folding: then the first '"' closes. */
			for (p++; p < end && *p != '"' && *p != '\\' && *p != '\r' && *p != '\n'; p++)
				;
			if (p < end && *p == '"') {
				p++;
			} else {
				p = hdr_skip_quoted(w, end, '"', &bad);
				if (bad)
					return false;
				as_written = false;
			}
			/* One quoted string is the name as written when nothing in it needs undoing. */
			if (n_words != 0)
				as_written = false;
		} else if (hdr_is(*p, HDR_C_ATEXT) || *p == '.') {
			p = skip_atom(p, end);
			if (p < end && *p == '@') {
				if (n_words != 0)
					return false;
				first = w;
				break;
			}
			if (n_words != 0 && (!single_space || *first == '"'))
				as_written = false;
		} else {
			return false;
		}
		if (n_words == 0)
			first = w;
		last_end = p;
		n_words++;
	}
	if (lt == NULL) {
		local = first;
		at = p;
	} else {
		local = lt + 1;
		at = skip_atom(local, end);
		if (at == local || at >= end || *at != '@')
			return false;
	}
	dom = at + 1;
	dom_end = skip_atom(dom, end);
	if (dom_end == dom)
		return false;
	p = dom_end;
	if (lt != NULL) {
		p = skip_wsp(p, end);
		if (p >= end || *p != '>')
			return false;
		p++;
	}
	if (!only_cfws_left(ap, p, end))
		return false;

	/* One address: allocated as is, the list never grows. */
	a = mv_arena_alloc(ap->arena, sizeof(*a));
	if (a == NULL) {
		ap->nomem = true;
		return true;
	}
	ap->list = a;
	ap->n = ap->cap = 1;
	init_addr(ap, a);
	if (lt != NULL && n_words != 0)
		a->name = fast_phrase_text(ap, raw, first, last_end, lt, as_written);
	set_address(ap, a, mv_str_make(local, (size_t)(at - local)),
		    mv_str_make(dom, (size_t)(dom_end - dom)), true, true);
	finish_name(ap, a);
	return true;
}

int hdr_addr_parse_list_general(mv_arena *arena, mv_str raw, unsigned max_addrs, struct mv_addr **list_r)
{
	struct addr_parser ap;
	struct hdr_tok tok;

	init_parser(&ap, arena, raw, max_addrs);
	*list_r = NULL;
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

int hdr_addr_parse_single(mv_arena *arena, mv_str raw, struct mv_addr **list_r)
{
	struct addr_parser ap;

	init_parser(&ap, arena, raw, 1);
	*list_r = NULL;
	if (!parse_single(&ap, raw))
		return ADDR_NOT_SINGLE;
	if (ap.nomem)
		return -1;
	*list_r = ap.list;
	return 1;
}

int mv_addr_parse_list(mv_arena *arena, mv_str raw, unsigned max_addrs, struct mv_addr **list_r)
{
	int n = hdr_addr_parse_single(arena, raw, list_r);

	return n != ADDR_NOT_SINGLE ? n : hdr_addr_parse_list_general(arena, raw, max_addrs, list_r);
}
