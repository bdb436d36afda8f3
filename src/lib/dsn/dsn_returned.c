/*
 * The header of the message a bounce returns.  Where servers put it, best
 * first: a message/rfc822 part (RFC 3464 2.1 "returned content"), a
 * text/rfc822-headers part (RFC 6522), a part whose own MIME header is the
 * original's (some gateways attach it so), or a header block quoted in the
 * text after a line of their own ("--- Below this line is a copy of the
 * message.", "------ This is a copy of the message, including all the
 * headers. ------", "Original message follows.", ...).  Rather than knowing
 * every such line, the text is searched for a block of header lines that
 * holds a Message-ID, with the same quoting on each line ("> ", an indent);
 * without one, a block that holds Received or Return-Path still gives the
 * hops.  The first source that has a Message-ID wins, else the first found.
 */
#include <stddef.h>
#include <string.h>

#include "dsn/dsn_int.h"
#include "mailvet/hdr.h"

/* Lines looked at around a header block's anchor, each way. */
#define BLOCK_MAX_LINES 400

struct found {
	mv_str message_id;	/* raw */
	mv_str from, return_path, to, subject;
	mv_str received[DSN_MAX_RECEIVED];
	unsigned n_received;
};

static void take(struct found *f, mv_str name, mv_str value)
{
	static const struct {
		const char *name;
		size_t offset;
	} fields[] = {
		{ "Message-ID", offsetof(struct found, message_id) }, { "From", offsetof(struct found, from) },
		{ "Return-Path", offsetof(struct found, return_path) }, { "To", offsetof(struct found, to) },
		{ "Subject", offsetof(struct found, subject) },
	};
	size_t i;

	if (mv_str_eq_ci(name, "Received")) {
		if (f->n_received < DSN_MAX_RECEIVED)
			f->received[f->n_received++] = value;
		return;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		mv_str *slot = (mv_str *)(void *)((char *)f + fields[i].offset);

		if (mv_str_eq_ci(name, fields[i].name)) {
			if (slot->len == 0)
				*slot = value;
			return;
		}
	}
}

/* The start of the line before the one at p (text starts at begin), or NULL at the first line. */
static const char *line_before(const char *begin, const char *p)
{
	if (p <= begin)
		return NULL;
	p--;	/* the '\n' that ends the line before */
	while (p > begin && p[-1] != '\n')
		p--;
	return p;
}

static mv_str line_at(const char *p, const char *end)
{
	mv_str rest = mv_str_make(p, (size_t)(end - p)), line = MV_STR_NULL;

	(void)dsn_next_line(&rest, &line);
	return line;
}

/*
 * How a header block is quoted: each field line starts with `prefix` bytes
 * (an indent, "> "); `core` is that without its trailing white space, what a
 * continuation line starts with before its own white space (">\tby ...").
 */
struct quote {
	mv_str core;
	size_t prefix;
};

static struct quote quote_of(const char *line, size_t prefix)
{
	struct quote q = { mv_str_make(line, prefix), prefix };

	while (q.core.len != 0 && (q.core.p[q.core.len - 1] == ' ' || q.core.p[q.core.len - 1] == '\t'))
		q.core.len--;
	return q;
}

static bool quoted(mv_str line, const struct quote *q)
{
	return line.len >= q->core.len && (q->core.len == 0 || memcmp(line.p, q->core.p, q->core.len) == 0);
}

static bool continuation(mv_str line, const struct quote *q)
{
	size_t prefix;
	mv_str name, value;

	if (line.len <= q->core.len || !quoted(line, q) ||
	    (line.p[q->core.len] != ' ' && line.p[q->core.len] != '\t') || dsn_blank(line))
		return false;
	/* "> Next: field" starts with the core and a space too. */
	return !(dsn_field_line(line, &prefix, &name, &value) && prefix == q->prefix);
}

/* A header line of the block (a field with the same quoting) or a continuation of one. */
static bool block_line(mv_str line, const struct quote *q, bool *field_r)
{
	size_t prefix;
	mv_str name, value;

	*field_r = false;
	if (!quoted(line, q) || dsn_blank(line))
		return false;
	if (dsn_field_line(line, &prefix, &name, &value) && prefix == q->prefix) {
		*field_r = true;
		return true;
	}
	return continuation(line, q);
}

/*
 * The header block around the line at anchor: *block_r from its first line
 * to the end of its last.  Returns how many fields it has.
 */
static unsigned block_around(mv_str text, const char *anchor, const struct quote *q, mv_str *block_r)
{
	const char *end = text.p + text.len, *first = anchor, *p;
	mv_str line, rest;
	unsigned fields = 1, n;
	bool field;

	for (n = 0, p = line_before(text.p, anchor); p != NULL && n < BLOCK_MAX_LINES;
	     p = line_before(text.p, p), n++) {
		if (!block_line(line_at(p, end), q, &field))
			break;
		first = p;
		fields += field;
	}
	/* A continuation cannot start a block. */
	while (first < anchor) {
		if (block_line(line_at(first, end), q, &field) && field)
			break;
		rest = mv_str_make(first, (size_t)(end - first));
		(void)dsn_next_line(&rest, &line);
		first = rest.p;
	}
	rest = mv_str_make(anchor, (size_t)(end - anchor));
	(void)dsn_next_line(&rest, &line);
	for (n = 0; n < BLOCK_MAX_LINES; n++) {
		mv_str peek = rest;

		if (!dsn_next_line(&peek, &line) || !block_line(line, q, &field))
			break;
		fields += field;
		rest = peek;
	}
	*block_r = mv_str_make(first, (size_t)(rest.p - first));
	return fields;
}

/* A value's continuation lines without the block's quoting (arena), or the value itself. */
static mv_str unquote(mv_arena *arena, mv_str value, const struct quote *q)
{
	mv_str rest = value, line;
	mv_buf buf;
	bool first = true;

	if (q->core.len == 0 || memchr(value.p, '\n', value.len) == NULL)
		return value;
	mv_buf_init(&buf, arena, value.len + 1);
	while (dsn_next_line(&rest, &line)) {
		if (!first && quoted(line, q))
			line = mv_str_make(line.p + q->core.len, line.len - q->core.len);
		if (!first)
			(void)mv_buf_putc(&buf, '\n');
		(void)mv_buf_append(&buf, line.p, line.len);
		first = false;
	}
	return buf.p != NULL ? mv_str_make(buf.p, buf.len) : value;
}

/* The fields of a header block: each with its continuation lines. */
static void read_block(mv_arena *arena, mv_str block, const struct quote *q, struct found *f)
{
	mv_str rest = block, line, name, value, peek, next;
	size_t prefix;

	while (dsn_next_line(&rest, &line)) {
		if (dsn_blank(line))
			break;
		if (!dsn_field_line(line, &prefix, &name, &value) || prefix != q->prefix)
			continue;
		peek = rest;
		while (dsn_next_line(&peek, &next) && continuation(next, q)) {
			value.len = (size_t)(next.p + next.len - value.p);
			rest = peek;
		}
		take(f, name, unquote(arena, value, q));
	}
}

/*
 * Searches text for a quoted header block: the first with a Message-ID, or
 * else the first with Received or Return-Path and two more fields.
 */
static bool text_block(mv_arena *arena, mv_str text, struct found *f)
{
	mv_str rest = text, line, name, value, block, other = MV_STR_NULL;
	struct quote q, other_q = { MV_STR_NULL, 0 };
	size_t prefix;

	while (dsn_next_line(&rest, &line)) {
		if (!dsn_field_line(line, &prefix, &name, &value))
			continue;
		q = quote_of(line.p, prefix);
		if (mv_str_eq_ci(name, "Message-ID")) {
			(void)block_around(text, line.p, &q, &block);
			read_block(arena, block, &q, f);
			return true;
		}
		if (other.len == 0 && (mv_str_eq_ci(name, "Received") || mv_str_eq_ci(name, "Return-Path")) &&
		    block_around(text, line.p, &q, &block) >= 3) {
			other = block;
			other_q = q;
		}
	}
	if (other.len == 0)
		return false;
	read_block(arena, other, &other_q, f);
	return true;
}

static void part_headers(const struct mv_part *part, struct found *f)
{
	unsigned i;

	for (i = 0; i < part->n_headers; i++)
		take(f, part->headers[i].name, part->headers[i].value);
}

/* Whether a part's own header looks like a message's, not only MIME's. */
static bool message_like(const struct mv_part *part)
{
	return mv_part_header(part, "Message-ID") != NULL ||
	       (mv_part_header(part, "Received") != NULL && mv_part_header(part, "From") != NULL);
}

static int keep(mv_arena *arena, const struct found *f, enum dsn_returned_source source, struct dsn_report *report)
{
	struct dsn_returned *r = &report->returned;
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->source = source;
	if (f->message_id.len != 0)
		r->message_id = mv_msgid_parse(arena, mv_str_trim(f->message_id));
	r->from = f->from;
	r->return_path = f->return_path;
	r->to = f->to;
	r->subject = f->subject;
	if (f->n_received != 0) {
		r->received = mv_arena_alloc(arena, f->n_received * sizeof(*r->received));
		if (r->received == NULL)
			return -1;
		for (i = 0; i < f->n_received; i++)
			r->received[i] = f->received[i];
		r->n_received = f->n_received;
	}
	return mv_arena_exhausted(arena) ? -1 : 0;
}

/* The original's header from the part's decoded body, which starts with it. */
static void body_headers(struct mv_msg *msg, struct mv_part *part, struct found *f)
{
	mv_str body = mv_part_decoded(msg, part);
	struct quote q = { MV_STR_NULL, 0 };

	read_block(msg->arena, dsn_text_window(body, &(bool){ false }), &q, f);
}

/*
 * A returned message/rfc822 part: its parsed header, or when that has no
 * Message-ID (a blank line before the header, folding lost on the way, an
 * encoded part), a header block found in its body.
 */
static void message_headers(struct mv_msg *msg, struct mv_part *part, struct found *f)
{
	struct found g;
	mv_str body;

	if (part->children != NULL)
		part_headers(part->children, f);
	if (f->message_id.len != 0)
		return;
	/* A message parsed in place is not encoded: its body is the message as written. */
	body = part->children != NULL ? part->body : mv_part_decoded(msg, part);
	memset(&g, 0, sizeof(g));
	if (!text_block(msg->arena, dsn_text_window(body, &(bool){ false }), &g))
		return;
	f->message_id = g.message_id;
	if (f->from.len == 0)
		f->from = g.from;
	if (f->return_path.len == 0)
		f->return_path = g.return_path;
	if (f->to.len == 0)
		f->to = g.to;
	if (f->subject.len == 0)
		f->subject = g.subject;
	if (f->n_received == 0) {
		memcpy(f->received, g.received, g.n_received * sizeof(g.received[0]));
		f->n_received = g.n_received;
	}
}

int dsn_returned_read(struct mv_msg *msg, const struct dsn_regions *regions, struct dsn_report *report)
{
	struct found f, first;
	enum dsn_returned_source first_source = DSN_RETURNED_NONE;
	unsigned i;

	/* Each source in turn; the first with a Message-ID is taken, else the first with anything. */
	for (i = 0;; i++) {
		enum dsn_returned_source source;
		bool got = false;

		memset(&f, 0, sizeof(f));
		if (i == 0 && regions->message != NULL) {
			source = DSN_RETURNED_MESSAGE;
			message_headers(msg, regions->message, &f);
			got = true;
		} else if (i == 1 && regions->headers != NULL) {
			source = DSN_RETURNED_HEADERS;
			body_headers(msg, regions->headers, &f);
			got = true;
		} else if (i >= 2 && i < 2 + regions->n_leaves) {
			source = DSN_RETURNED_PART;
			if (message_like(regions->leaves[i - 2])) {
				part_headers(regions->leaves[i - 2], &f);
				got = true;
			}
		} else if (i >= 2 + regions->n_leaves && i < 2 + regions->n_leaves + regions->n_text) {
			source = DSN_RETURNED_TEXT;
			got = text_block(msg->arena, regions->text[i - 2 - regions->n_leaves], &f);
		} else if (i >= 2 + regions->n_leaves + regions->n_text) {
			break;
		} else {
			continue;
		}
		if (!got || (f.message_id.len == 0 && f.n_received == 0 && f.from.len == 0))
			continue;
		if (f.message_id.len != 0)
			return keep(msg->arena, &f, source, report);
		if (first_source == DSN_RETURNED_NONE) {
			first = f;
			first_source = source;
		}
	}
	return first_source != DSN_RETURNED_NONE ? keep(msg->arena, &first, first_source, report) : 0;
}
