/*
 * The MIME tree (RFC 2045, RFC 2046 5.1, RFC 2046 5.2.1).  A multipart body is
 * cut at its delimiter lines ("--" boundary, optional "--", then only white
 * space); a message/rfc822 body is parsed as a message of its own.  Children
 * are views into the parent's body, so nothing is copied.
 *
 * Depth is bounded by max_mime_depth (recursion is therefore bounded too) and
 * the number of parts by max_parts; past either, the part stays a leaf and the
 * problem is recorded.  A multipart without a closing delimiter ends at the
 * end of its parent's body; one whose boundary never appears keeps its body as
 * preamble and has no children.
 */
#include <string.h>

#include "mailvet/charset.h"
#include "mime/mime_decode.h"
#include "msg/msg_internal.h"
#include "util/simd.h"

#define MAX_BOUNDARY_LEN 998	/* RFC 2046 allows 70; real mail is sloppier */

static struct mv_part *part_new(struct mv_msg *msg, struct mv_part *parent)
{
	struct msg *m = msg_of(msg);
	struct mv_part *part, **parts;

	if (msg->n_parts >= msg->limits.max_parts) {
		msg->problems |= MV_PROB_PART_COUNT;
		return NULL;
	}
	part = msg_part_alloc(msg);
	if (part == NULL)
		return NULL;
	/* The flat preorder index doubles as it grows; realloc is usually in place. */
	if (msg->n_parts == m->parts_cap) {
		unsigned cap = m->parts_cap != 0 ? m->parts_cap * 2 : 8;

		parts = mv_arena_realloc(msg->arena, msg->parts, m->parts_cap * sizeof(*parts),
					 cap * sizeof(*parts));
		if (parts == NULL)
			return NULL;
		msg->parts = parts;
		m->parts_cap = cap;
	}
	part->id = msg->n_parts;
	msg->parts[msg->n_parts++] = part;
	part->parent = parent;
	part->depth = parent != NULL ? parent->depth + 1 : 0;
	if (parent != NULL) {
		struct mv_part **tail = &parent->children;

		while (*tail != NULL)
			tail = &(*tail)->next;
		*tail = part;
	}
	return part;
}

static enum mv_cte cte_parse(mv_str v, unsigned *problems)
{
	static const struct {
		const char *name;
		enum mv_cte cte;
	} names[] = {
		{ "7bit", MV_CTE_7BIT }, { "8bit", MV_CTE_8BIT }, { "binary", MV_CTE_BINARY },
		{ "quoted-printable", MV_CTE_QP }, { "base64", MV_CTE_BASE64 },
		{ "x-uuencode", MV_CTE_UUENCODE }, { "uuencode", MV_CTE_UUENCODE },
		{ "x-uue", MV_CTE_UUENCODE }, { "8-bit", MV_CTE_8BIT }, { "7-bit", MV_CTE_7BIT },
	};
	size_t i, n = 0;

	/* The token ends at white space, ';' or a comment. */
	v = mv_str_trim(v);
	while (n < v.len && v.p[n] != ' ' && v.p[n] != '\t' && v.p[n] != ';' && v.p[n] != '(' &&
	       v.p[n] != '\r' && v.p[n] != '\n')
		n++;
	v.len = n;
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
		v.p++;
		v.len -= 2;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (mv_str_eq_ci(v, names[i].name))
			return names[i].cte;
	}
	*problems |= MV_PROB_UNKNOWN_CTE;
	return MV_CTE_UNKNOWN;
}

static int part_setup(struct mv_msg *msg, struct mv_part *part)
{
	const struct mv_header *h = mv_part_header(part, "Content-Type");
	mv_str name;

	if (h != NULL) {
		if (mv_ctype_parse(msg->arena, h->value, 0, &part->ctype) < 0)
			return -1;
		part->ctype_explicit = true;
		if (part->ctype.bad)
			part->problems |= MV_PROB_BAD_CTYPE;
	}
	if (part->ctype.type.len == 0 || part->ctype.subtype.len == 0) {
		/* RFC 2045 5.2 default, and RFC 2046 5.1.5 for digest children. */
		bool digest = part->parent != NULL && mv_str_eq(part->parent->ctype.subtype, "digest") &&
			      mv_part_is_multipart(part->parent);

		part->ctype.type = digest ? MV_STR_LIT("message") : MV_STR_LIT("text");
		part->ctype.subtype = digest ? MV_STR_LIT("rfc822") : MV_STR_LIT("plain");
		if (h != NULL)
			part->problems |= MV_PROB_BAD_CTYPE;
	}
	part->charset = mv_ctype_param(&part->ctype, "charset");
	h = mv_part_header(part, "Content-Transfer-Encoding");
	part->cte = h != NULL ? cte_parse(h->value, &part->problems) : MV_CTE_7BIT;
	h = mv_part_header(part, "Content-Disposition");
	if (h != NULL && mv_ctype_parse(msg->arena, h->value, 0, &part->disposition) < 0)
		return -1;
	name = mv_ctype_param(&part->disposition, "filename");
	if (name.p == NULL)
		name = mv_ctype_param(&part->ctype, "name");
	if (name.p != NULL)
		part->filename = name;
	return 0;
}

/*
 * The next line at or after p (within [p, end)) that starts with "--": every
 * delimiter line does.  Sixteen line starts are tested at once, so a body is
 * crossed without a call per line, and without memmem()'s search for the
 * whole boundary in the middle of lines.
 */
static const char *next_dash_line(const char *body, const char *p, const char *end)
{
	const char *x;

	if (end - p >= 2 && (p == body || p[-1] == '\n') && p[0] == '-' && p[1] == '-')
		return p;
	x = p;	/* x[j] is the '\n' before a candidate at x + j + 1 */
#ifdef SIMD_SSE2
	while (end - x >= 18) {
		simd_v nl = simd_eq(simd_load(x), '\n');
		simd_v d1 = simd_eq(simd_load(x + 1), '-'), d2 = simd_eq(simd_load(x + 2), '-');
		unsigned hits = simd_mask(simd_and(nl, simd_and(d1, d2)));

		if (hits != 0)
			return x + __builtin_ctz(hits) + 1;
		x += 16;
	}
#endif
	for (; end - x >= 3; x++) {
		if (x[0] == '\n' && x[1] == '-' && x[2] == '-')
			return x + 1;
	}
	return NULL;
}

/*
 * Finds the next delimiter line for `delim` ("--boundary") at or after p.
 * Returns its start, or NULL.  *close_r tells whether it is the close delimiter.
 */
static const char *find_delimiter(const char *body, const char *p, const char *end, mv_str delim,
				  bool *close_r)
{
	while (p < end) {
		const char *q = next_dash_line(body, p, end);
		const char *r;

		if (q == NULL)
			return NULL;
		p = q + 1;
		if ((size_t)(end - q) < delim.len || memcmp(q + 2, delim.p + 2, delim.len - 2) != 0)
			continue;
		r = q + delim.len;
		*close_r = end - r >= 2 && r[0] == '-' && r[1] == '-';
		if (*close_r)
			r += 2;
		while (r < end && (*r == ' ' || *r == '\t'))
			r++;
		if (r == end || *r == '\n' || *r == '\r')
			return q;
	}
	return NULL;
}

/* Where the content before a delimiter line ends: the line end before it belongs to the delimiter. */
static const char *before_delimiter(const char *start, const char *delim_line)
{
	const char *e = delim_line;

	if (e > start && e[-1] == '\n')
		e--;
	if (e > start && e[-1] == '\r')
		e--;
	return e;
}

static int parse_child(struct mv_msg *msg, struct mv_part *parent, const char *start, const char *end)
{
	struct mv_part *child = part_new(msg, parent);
	const char *body;

	if (child == NULL)
		return mv_arena_exhausted(msg->arena) ? -1 : 0;
	body = msg_headers_parse(msg, child, start, end);
	if (body == NULL)
		return -1;
	return msg_mime_parse(msg, child, body, end);
}

static int split_multipart(struct mv_msg *msg, struct mv_part *part, const char *body, const char *end)
{
	mv_str boundary = mv_ctype_param(&part->ctype, "boundary");
	const char *p, *delim_line;
	char *delim;
	bool close = false;

	if (boundary.len == 0 || boundary.len > MAX_BOUNDARY_LEN) {
		part->problems |= MV_PROB_NO_BOUNDARY;
		part->preamble = mv_str_make(body, (size_t)(end - body));
		return 0;
	}
	delim = mv_arena_alloc(msg->arena, boundary.len + 2);
	if (delim == NULL)
		return -1;
	delim[0] = '-';
	delim[1] = '-';
	memcpy(delim + 2, boundary.p, boundary.len);

	delim_line = find_delimiter(body, body, end, mv_str_make(delim, boundary.len + 2), &close);
	if (delim_line == NULL) {
		part->problems |= MV_PROB_BOUNDARY_MISSING;
		part->preamble = mv_str_make(body, (size_t)(end - body));
		return 0;
	}
	part->preamble = mv_str_make(body, (size_t)(before_delimiter(body, delim_line) - body));
	while (!close) {
		const char *start = msg_next_line(delim_line, end), *next, *content_end;

		next = find_delimiter(body, start, end, mv_str_make(delim, boundary.len + 2), &close);
		content_end = next != NULL ? before_delimiter(start, next) : end;
		if (start < end || next != NULL) {
			if (parse_child(msg, part, start, content_end) < 0)
				return -1;
		}
		if (next == NULL) {
			part->problems |= MV_PROB_UNCLOSED_MULTIPART;
			return 0;
		}
		delim_line = next;
	}
	p = msg_next_line(delim_line, end);
	part->epilogue = mv_str_make(p, (size_t)(end - p));
	return 0;
}

int msg_mime_parse(struct mv_msg *msg, struct mv_part *part, const char *body, const char *end)
{
	if (part_setup(msg, part) < 0)
		return -1;
	part->body = mv_str_make(body, (size_t)(end - body));
	if (mv_part_is_multipart(part) || mv_part_is_message(part)) {
		if (part->depth >= msg->limits.max_mime_depth) {
			part->problems |= MV_PROB_MIME_DEPTH;
			return 0;
		}
		if (mv_part_is_multipart(part))
			return split_multipart(msg, part, body, end);
		return parse_child(msg, part, body, end);
	}
	return 0;
}
