/*
 * mv_buf: growable arena-backed buffer with a ceiling.  Growth doubles and
 * usually happens in place (the buffer is the arena's newest allocation while
 * it is being written), so building a decoded body costs one copy at most.
 */
#include <string.h>

#include "mailvet/arena.h"

void mv_buf_init(mv_buf *buf, mv_arena *arena, size_t max)
{
	buf->arena = arena;
	buf->p = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->max = max;
	buf->truncated = 0;
}

char *mv_buf_reserve(mv_buf *buf, size_t more)
{
	size_t need, cap;
	char *p;

	if (more > buf->max - buf->len || more == (size_t)-1) {
		buf->truncated = 1;
		return NULL;
	}
	need = buf->len + more + 1;	/* room for the final NUL */
	if (need <= buf->cap)
		return buf->p + buf->len;
	cap = buf->cap != 0 ? buf->cap : 256;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	if (cap > buf->max + 1)
		cap = buf->max + 1 > need ? buf->max + 1 : need;
	p = mv_arena_realloc(buf->arena, buf->p, buf->cap, cap);
	if (p == NULL) {
		buf->truncated = 1;
		return NULL;
	}
	buf->p = p;
	buf->cap = cap;
	return buf->p + buf->len;
}

int mv_buf_append_slow(mv_buf *buf, const void *data, size_t len)
{
	char *w;

	if (len == 0)
		return 0;
	w = mv_buf_reserve(buf, len);
	if (w == NULL) {
		size_t room = buf->max > buf->len ? buf->max - buf->len : 0;

		/* Keep what fits, so the caller sees a true prefix. */
		if (room != 0 && room < len) {
			w = mv_buf_reserve(buf, room);
			if (w != NULL) {
				memcpy(w, data, room);
				buf->len += room;
			}
		}
		buf->truncated = 1;
		return -1;
	}
	memcpy(w, data, len);
	buf->len += len;
	return 0;
}

int mv_buf_putc_slow(mv_buf *buf, char c)
{
	return mv_buf_append(buf, &c, 1);
}

int mv_buf_put_utf8(mv_buf *buf, unsigned long cp)
{
	char tmp[4];

	return mv_buf_append(buf, tmp, mv_utf8_encode(tmp, cp));
}

mv_str mv_buf_finish(mv_buf *buf)
{
	mv_str s;

	if (buf->p == NULL) {
		s.p = "";
		s.len = 0;
		return s;
	}
	buf->p[buf->len] = '\0';
	s.p = buf->p;
	s.len = buf->len;
	return s;
}
