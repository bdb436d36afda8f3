/*
 * What the HTML module hands back: collapsed text (visible, hidden, title,
 * anchor texts) and the link list.  Text is collapsed as it arrives, in the
 * same pass as the tokenizer's scan: a run of ASCII white space becomes one
 * pending separator that is written only before the next word, so the
 * results never start or end with white space and split input collapses
 * exactly like whole input.
 */
#include <string.h>

#include "html/html_internal.h"

static const unsigned char space_class[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1,
};

static int is_space(unsigned char c)
{
	return space_class[c];
}

void html_collect_init(struct html_collect *c, mv_arena *arena, size_t max)
{
	mv_buf_init(&c->buf, arena, max);
	c->pending = 0;
	c->cut = 0;
}

static void collect_putc(struct html_collect *c, char ch)
{
	if (c->buf.len >= c->buf.max || mv_buf_putc(&c->buf, ch) != 0)
		c->cut = 1;
}

/* Near the ceiling: byte by byte, so that exactly the prefix that fits is kept. */
static void collect_slow(struct html_collect *c, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (is_space((unsigned char)s[i])) {
			html_collect_sep(c, 1);
			continue;
		}
		if (c->pending != 0) {
			if (c->buf.len != 0)
				collect_putc(c, c->pending == 2 ? '\n' : ' ');
			c->pending = 0;
		}
		collect_putc(c, s[i]);
	}
}

#ifdef SIMD_SSE2
/* Where a 16-byte block of prose stops being copied as it is (see copy_prose()); last marks its last byte. */
static inline unsigned prose_stops(simd_v v, unsigned last)
{
	/* White space and control bytes (<= ' '): a cheap superset of white space */
	unsigned ctl = simd_mask(simd_in(v, 0, ' '));
	unsigned one = simd_mask(simd_eq(v, ' '));

	return (ctl & ~one) | (one & (ctl >> 1)) | (one & last);
}
#endif

/*
 * Inside a word (the last byte written is not white space and no separator
 * is owed), words parted by one ' ' come out as they are: prose is copied 16
 * bytes at a time up to the first byte that needs a decision (other white
 * space or a control byte, a second space, a space whose next byte is not in
 * the text).  The input has avail >= n readable bytes, so that the end of
 * the text is read in a block too; the bytes past n are stored past w, never
 * counted.  Returns the new i; *w_r has moved on.  The caller has room for 16
 * bytes past *w_r while 16 bytes of input are readable.
 */
static size_t copy_prose(const char *s, size_t i, size_t n, size_t avail, char **w_r)
{
#ifdef SIMD_SSE2
	char *w = *w_r;
	simd_v v;
	unsigned in, stop, k;

	/* Whole blocks of the text (i <= n on entry): a space as the last byte stops, a run may go on. */
	while (n - i >= 16) {
		v = simd_load(s + i);
		stop = prose_stops(v, 0x8000u);
		simd_store(w, v);
		if (stop != 0) {
			k = (unsigned)__builtin_ctz(stop);
			*w_r = w + k;
			return i + k;
		}
		w += 16;
		i += 16;
	}
	/* The rest of the text, in one block when 16 bytes are readable: it always stops. */
	if (i < n && avail - i >= 16) {
		v = simd_load(s + i);
		in = (1u << (n - i)) - 1;	/* the bytes of the text */
		stop = prose_stops(v, (in + 1) >> 1) | (~in & 0xFFFFu);
		simd_store(w, v);
		k = (unsigned)__builtin_ctz(stop);
		w += k;
		i += k;
	}
	*w_r = w;
#else
	(void)s;
	(void)n;
	(void)avail;
	(void)w_r;
#endif
	return i;
}

/* The end of the white space run that starts at s[i] (avail >= n bytes are readable). */
static inline size_t skip_space(const char *s, size_t i, size_t n, size_t avail)
{
	return html_space_end((const unsigned char *)s, i, n, avail);
}

/* Room for n more bytes at the end of buf; the usual case needs no call. */
static char *collect_room(mv_buf *buf, size_t n)
{
	if (n <= buf->max - buf->len && n < buf->cap - buf->len)
		return buf->p + buf->len;
	return mv_buf_reserve(buf, n);
}

void html_collect_in(struct html_collect *c, const char *s, size_t n, size_t avail)
{
	char *w, *start;
	size_t i;

	if (n == 0)
		return;
	if (space_class[(unsigned char)s[0]]) {
		/* Text between tags is mostly indentation: it only owes a separator. */
		i = skip_space(s, 1, n, avail);
		if (c->pending == 0)
			c->pending = 1;
		if (i == n)
			return;
		s += i;
		n -= i;
		avail -= i;
	}
	/*
	 * At most n bytes plus one separator come out of n bytes in: the
	 * separator owed on entry, then one per white space run that is read.
	 * A 16-byte store at the end of the text writes up to 15 more.
	 */
	if (n + 1 > c->buf.max - c->buf.len) {
		collect_slow(c, s, n);
		return;
	}
	if (avail > n && n + 16 > c->buf.max - c->buf.len)
		avail = n;
	start = collect_room(&c->buf, avail > n ? n + 16 : n + 1);
	if (start == NULL) {
		c->buf.truncated = 0;
		collect_slow(c, s, n);
		return;
	}
	w = start;
	i = 0;
	while (i < n) {
		if (space_class[(unsigned char)s[i]]) {
			/* Markup is indented: white space comes in runs. */
			i = skip_space(s, i + 1, n, avail);
			if (c->pending == 0)
				c->pending = 1;
			continue;
		}
		/*
		 * The separator owed, if any and not at the start of the text: it
		 * is stored in any case and counted when owed, with no branch on
		 * what came before the word (tags and text alternate).
		 */
		*w = c->pending == 2 ? '\n' : ' ';
		w += c->pending != 0 && (c->buf.len | (size_t)(w - start)) != 0;
		c->pending = 0;
		/* The word, and the words after it while they are parted by one space. */
		*w++ = s[i++];
		i = copy_prose(s, i, n, avail, &w);
		while (i < n && !space_class[(unsigned char)s[i]])
			*w++ = s[i++];
	}
	c->buf.len += (size_t)(w - start);
}

void html_collect(struct html_collect *c, const char *s, size_t n)
{
	html_collect_in(c, s, n, n);
}

static mv_str trim(mv_str s)
{
	while (s.len != 0 && is_space((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len != 0 && is_space((unsigned char)s.p[s.len - 1]))
		s.len--;
	return s;
}

static mv_str arena_copy(mv_arena *arena, mv_str s)
{
	char *copy;

	/* Most link texts are empty (images without alt, anchors until they close). */
	if (s.len == 0)
		return MV_STR_LIT("");
	copy = mv_arena_strndup(arena, s.p, s.len);
	if (copy == NULL)
		return MV_STR_LIT("");
	return mv_str_make(copy, s.len);
}

int html_link_add(struct mv_html_parser *p, enum mv_html_link_kind kind, mv_str href, mv_str text,
		  int hidden)
{
	struct mv_html_link *link;

	href = trim(href);
	if (href.len == 0)
		return -1;
	if (p->n_links >= p->max_items) {
		p->flags |= MV_HTML_LIMIT_LINKS;
		return -1;
	}
	if (p->n_links == p->cap_links) {
		unsigned cap = p->cap_links != 0 ? p->cap_links * 2 : 16;
		struct mv_html_link *links;

		if (cap > p->max_items)
			cap = p->max_items;
		links = mv_arena_realloc(p->arena, p->links, p->cap_links * sizeof(*links),
					 cap * sizeof(*links));
		if (links == NULL)
			return -1;
		p->links = links;
		p->cap_links = cap;
	}
	link = &p->links[p->n_links];
	link->kind = kind;
	link->href = arena_copy(p->arena, href);
	link->text = arena_copy(p->arena, trim(text));
	link->hidden = hidden != 0;
	link->post = 0;
	return (int)p->n_links++;
}

static void collect_reset(struct html_collect *c)
{
	c->buf.len = 0;
	c->buf.truncated = 0;
	c->pending = 0;
}

void html_anchor_close(struct mv_html_parser *p)
{
	struct html_collect *src = p->atext.buf.len != 0 ? &p->atext : &p->aalt;

	if (p->anchor_link < 0)
		return;
	if (p->atext.cut)
		p->flags |= MV_HTML_LIMIT_VALUE;
	p->links[p->anchor_link].text = arena_copy(p->arena, mv_str_make(src->buf.p, src->buf.len));
	p->anchor_link = -1;
	p->anchor_level = 0;
	collect_reset(&p->atext);
	collect_reset(&p->aalt);
	p->atext.cut = 0;
}

void html_result_fill(struct mv_html_parser *p, struct mv_html_result *result)
{
	memset(result, 0, sizeof(*result));
	if (p->text.cut || p->hidden.cut || p->title.cut)
		p->flags |= MV_HTML_LIMIT_VALUE;
	result->text = mv_buf_finish(&p->text.buf);
	result->hidden_text = mv_buf_finish(&p->hidden.buf);
	result->title = mv_buf_finish(&p->title.buf);
	if (result->hidden_text.len != 0)
		p->flags |= MV_HTML_HIDDEN_TEXT;
	result->base_href = p->base_set ? p->base_href : MV_STR_LIT("");
	result->links = p->links;
	result->n_links = p->n_links;
	result->n_tags = p->n_tags;
	result->flags = p->flags;
}
