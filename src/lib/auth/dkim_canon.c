/*
 * Canonicalization (RFC 6376 3.4) and header selection (5.4.2).  Everything
 * streams from the message's own bytes into a sink (the hash): runs of bytes
 * that are already canonical are handed over in place, and only the few bytes
 * canonicalization makes (CRLF for a bare LF, one SP for a run of white
 * space, a lower-case field name) come from small constant or stack buffers.
 *
 * Line ends: mail is canonical with CRLF; stored mail often has bare LF.  A
 * LF, with the CR before it if there is one, is a line end and becomes CRLF;
 * a CR not followed by LF is an ordinary byte, as it would be on the wire.
 * A final line without a line end gets one (3.4.3, 3.4.4).
 */
#include <string.h>
#include <strings.h>

#include "auth/dkim.h"

static const char crlfs[] = "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
			    "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- body ---- */

void dkim_body_canon_init(struct dkim_body_canon *bc, enum dkim_canon canon, uint64_t limit, dkim_sink_fn *sink,
			  void *ctx)
{
	memset(bc, 0, sizeof(*bc));
	bc->canon = canon;
	bc->limit = limit;
	bc->sink = sink;
	bc->ctx = ctx;
}

static void flush_batch(struct dkim_body_canon *bc)
{
	if (bc->batch_len != 0 && !bc->failed && bc->sink(bc->ctx, bc->batch, bc->batch_len) < 0)
		bc->failed = true;
	bc->batch_len = 0;
}

/* Writes canonical bytes, up to the limit. */
static void emit(struct dkim_body_canon *bc, const char *p, size_t n)
{
	bc->any = true;
	if (bc->failed || bc->len >= bc->limit)
		return;
	if (n > bc->limit - bc->len)
		n = (size_t)(bc->limit - bc->len);
	bc->len += n;
	if (n < DKIM_CANON_DIRECT) {
		if (n > sizeof(bc->batch) - bc->batch_len)
			flush_batch(bc);
		memcpy(bc->batch + bc->batch_len, p, n);
		bc->batch_len += n;
		return;
	}
	flush_batch(bc);
	if (!bc->failed && bc->sink(bc->ctx, p, n) < 0)
		bc->failed = true;
}

/* Empty lines count only when a line with content follows them (3.4.3, 3.4.4: trailing ones are ignored). */
static void flush_blank_lines(struct dkim_body_canon *bc)
{
	while (bc->blank_lines != 0 && !bc->failed && !dkim_body_canon_full(bc)) {
		uint64_t k = bc->blank_lines < 32 ? bc->blank_lines : 32;

		emit(bc, crlfs, (size_t)k * 2);
		bc->blank_lines -= k;
	}
	bc->blank_lines = 0;
}

/* Bytes of a line, no line end among them (a CR in the middle is content). */
static void line_content(struct dkim_body_canon *bc, const char *p, size_t n)
{
	const char *e = p + n;

	if (bc->canon == DKIM_CANON_SIMPLE) {
		if (n == 0)
			return;
		flush_blank_lines(bc);
		emit(bc, p, n);
		bc->line = true;
		return;
	}
	/* Relaxed: each run of WSP is one SP, and none at the end of the line (3.4.4). */
	while (p < e) {
		const char *q = p;

		if (is_wsp(*p)) {
			bc->wsp = true;
			p++;
			continue;
		}
		/* Words with one SP between them are canonical already: one piece. */
		for (;;) {
			while (q < e && *q != ' ' && *q != '\t')
				q++;
			if (e - q < 2 || *q != ' ' || is_wsp(q[1]))
				break;
			q += 2;
		}
		flush_blank_lines(bc);
		if (bc->wsp) {
			emit(bc, " ", 1);
			bc->wsp = false;
		}
		emit(bc, p, (size_t)(q - p));
		bc->line = true;
		p = q;
	}
}

static void line_end(struct dkim_body_canon *bc)
{
	bc->wsp = false;
	if (bc->line) {
		emit(bc, "\r\n", 2);
		bc->line = false;
	} else {
		bc->blank_lines++;
	}
}

int dkim_body_canon_update(struct dkim_body_canon *bc, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end && !bc->failed && !dkim_body_canon_full(bc)) {
		const char *nl, *e;

		if (bc->cr) {
			bc->cr = false;
			if (*p == '\n') {
				line_end(bc);
				p++;
				continue;
			}
			line_content(bc, "\r", 1);
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			/* A CR at the end of the piece may be the first half of a CRLF. */
			e = end[-1] == '\r' ? end - 1 : end;
			line_content(bc, p, (size_t)(e - p));
			bc->cr = e != end;
			break;
		}
		e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		line_content(bc, p, (size_t)(e - p));
		line_end(bc);
		p = nl + 1;
	}
	return bc->failed ? -1 : 0;
}

int dkim_body_canon_final(struct dkim_body_canon *bc)
{
	if (bc->cr) {
		bc->cr = false;
		line_content(bc, "\r", 1);
	}
	if (bc->line)
		line_end(bc);
	/* 3.4.3: an empty body is one CRLF in simple; 3.4.4 (errata 1384): nothing in relaxed. */
	if (!bc->any && bc->canon == DKIM_CANON_SIMPLE)
		emit(bc, "\r\n", 2);
	flush_batch(bc);
	return bc->failed ? -1 : 0;
}

/* ---- header fields ---- */

/* Simple: the bytes as they are, with a bare LF written as CRLF. */
static int simple_bytes(const char *p, const char *e, dkim_sink_fn *sink, void *ctx)
{
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		if (nl == NULL)
			return sink(ctx, p, (size_t)(e - p));
		if (nl > p && nl[-1] == '\r') {
			if (sink(ctx, p, (size_t)(nl + 1 - p)) < 0)
				return -1;
		} else if (sink(ctx, p, (size_t)(nl - p)) < 0 || sink(ctx, "\r\n", 2) < 0) {
			return -1;
		}
		p = nl + 1;
	}
	return 0;
}

struct relaxed_value {
	dkim_sink_fn *sink;
	void *ctx;
	bool wsp;		/* white space after some content, not written yet */
	bool content;
};

static bool is_fold(const char *p, const char *e)
{
	return *p == '\n' || (*p == '\r' && p + 1 < e && p[1] == '\n');
}

/* Relaxed (3.4.2): unfolded, each run of WSP one SP, none at either end. */
static int relaxed_bytes(struct relaxed_value *rv, const char *p, const char *e)
{
	while (p < e) {
		const char *q = p;

		if (is_fold(p, e)) {
			p++;
			continue;
		}
		if (is_wsp(*p)) {
			rv->wsp = rv->content;
			p++;
			continue;
		}
		while (q < e && !is_wsp(*q) && !is_fold(q, e))
			q++;
		if (rv->wsp && rv->sink(rv->ctx, " ", 1) < 0)
			return -1;
		rv->wsp = false;
		if (rv->sink(rv->ctx, p, (size_t)(q - p)) < 0)
			return -1;
		rv->content = true;
		p = q;
	}
	return 0;
}

static int lower_name(mv_str name, dkim_sink_fn *sink, void *ctx)
{
	char buf[64];
	size_t off, n;

	for (off = 0; off < name.len; off += n) {
		n = name.len - off < sizeof(buf) ? name.len - off : sizeof(buf);
		mv_ascii_lower_copy(buf, name.p + off, n);
		if (sink(ctx, buf, n) < 0)
			return -1;
	}
	return 0;
}

int dkim_canon_header(enum dkim_canon canon, const struct mv_header *field, const char *cut, const char *cut_end,
		      bool crlf, dkim_sink_fn *sink, void *ctx)
{
	const char *vend = field->value.p + field->value.len;
	const char *start = canon == DKIM_CANON_SIMPLE ? field->name.p : field->value.p;
	int rc;

	if (cut == NULL)
		cut = cut_end = vend;
	if (canon == DKIM_CANON_SIMPLE) {
		rc = simple_bytes(start, cut, sink, ctx) < 0 || simple_bytes(cut_end, vend, sink, ctx) < 0 ? -1 : 0;
	} else {
		struct relaxed_value rv = { sink, ctx, false, false };

		rc = lower_name(field->name, sink, ctx) < 0 || sink(ctx, ":", 1) < 0 ||
		     relaxed_bytes(&rv, start, cut) < 0 || relaxed_bytes(&rv, cut_end, vend) < 0 ? -1 : 0;
	}
	if (rc == 0 && crlf)
		rc = sink(ctx, "\r\n", 2);
	return rc;
}

/* ---- selection ---- */

static bool name_eq(mv_str a, mv_str b)
{
	return a.len == b.len && strncasecmp(a.p, b.p, a.len) == 0;
}

int dkim_select_headers(mv_arena *arena, const struct mv_part *root, const struct dkim_sig *sig,
			const struct mv_header ***selected_r)
{
	const struct mv_header **selected;
	unsigned *below, i, j;
	int n = 0;

	selected = mv_arena_alloc(arena, (sig->n_h + 1) * sizeof(*selected));
	below = mv_arena_alloc(arena, (sig->n_h + 1) * sizeof(*below));
	if (selected == NULL || below == NULL)
		return -1;
	for (i = 0; i < sig->n_h; i++) {
		/* Go on from where the last instance of the same name was taken: each field is used once. */
		unsigned k = root->n_headers;

		for (j = i; j-- > 0;) {
			if (name_eq(sig->h[j], sig->h[i])) {
				k = below[j];
				break;
			}
		}
		while (k > 0 && !name_eq(root->headers[k - 1].name, sig->h[i]))
			k--;
		if (k > 0)
			selected[n++] = &root->headers[--k];
		below[i] = k;
	}
	*selected_r = selected;
	return n;
}
