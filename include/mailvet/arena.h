/*
 * mv_arena: the per-message region allocator.  Everything a scan makes (the
 * MIME tree, decoded text, URLs, symbols) comes from one arena and is released
 * by a single mv_arena_free() or mv_arena_reset().  An arena has a ceiling on
 * the bytes it will hand out, so hostile input cannot make it grow without
 * bound: past the ceiling every allocation returns NULL and the caller reports
 * a limit rather than failing the scan.
 */
#ifndef MAILVET_ARENA_H
#define MAILVET_ARENA_H

#include <stddef.h>
#include <string.h>

#include "mailvet/str.h"

#pragma GCC visibility push(default)

typedef struct mv_arena mv_arena;

/* max_bytes: ceiling on the total handed out; 0 means MV_ARENA_DEFAULT_MAX. */
#define MV_ARENA_DEFAULT_MAX ((size_t)1 << 30)

mv_arena *mv_arena_new(size_t max_bytes);
/* Frees everything and sets *arena to NULL. */
void mv_arena_free(mv_arena **arena);
/* Releases every allocation but keeps the first block for reuse. */
void mv_arena_reset(mv_arena *arena);

/* 16-byte aligned; NULL when the ceiling would be passed or malloc fails. */
void *mv_arena_alloc(mv_arena *arena, size_t size);
void *mv_arena_calloc(mv_arena *arena, size_t count, size_t size);
/* Copies n bytes and adds a NUL. */
char *mv_arena_strndup(mv_arena *arena, const char *s, size_t n);
/*
 * Grows the most recent allocation in place when possible, else allocates
 * anew and copies old_size bytes.  ptr may be NULL (then it is an alloc).
 */
void *mv_arena_realloc(mv_arena *arena, void *ptr, size_t old_size, size_t new_size);

/* Bytes handed out since creation or the last reset. */
size_t mv_arena_used(const mv_arena *arena);
/* True once an allocation has been refused because of the ceiling. */
int mv_arena_exhausted(const mv_arena *arena);

/*
 * mv_buf: a growable byte buffer inside an arena, with its own ceiling.
 * Appending past max sets `truncated` and keeps what fits, so a caller can
 * report the truncation instead of silently losing data.  A complete type:
 * callers keep one on the stack, read p and len, and the inline appends below
 * must see its fields.
 */
typedef struct mv_buf {
	mv_arena *arena;
	char *p;
	size_t len;
	size_t cap;
	size_t max;
	int truncated;	/* the ceiling (or the arena's) was hit */
} mv_buf;

void mv_buf_init(mv_buf *buf, mv_arena *arena, size_t max);
/* Returns 0, or -1 when not everything fit (buf->truncated is then set). */
int mv_buf_append_slow(mv_buf *buf, const void *data, size_t len);
/* Inline fast path: writers append small pieces many times per message. */
static inline int mv_buf_append(mv_buf *buf, const void *data, size_t len)
{
	if (len != 0 && len < buf->cap - buf->len) {
		memcpy(buf->p + buf->len, data, len);
		buf->len += len;
		return 0;
	}
	return mv_buf_append_slow(buf, data, len);
}
int mv_buf_putc_slow(mv_buf *buf, char c);
/* One byte; inline because writers call it per character. */
static inline int mv_buf_putc(mv_buf *buf, char c)
{
	if (buf->len + 1 < buf->cap) {
		buf->p[buf->len++] = c;
		return 0;
	}
	return mv_buf_putc_slow(buf, c);
}
/* Appends the UTF-8 encoding of a code point (invalid ones become U+FFFD). */
int mv_buf_put_utf8(mv_buf *buf, unsigned long cp);
/* Makes sure `more` bytes can be written at p + len; returns the write pointer or NULL. */
char *mv_buf_reserve(mv_buf *buf, size_t more);
/* NUL-terminates (the NUL is not counted in len) and returns the view. */
mv_str mv_buf_finish(mv_buf *buf);

#pragma GCC visibility pop

#endif
