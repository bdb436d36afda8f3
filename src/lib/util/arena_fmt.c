/* printf into an arena: formatted on the stack, then copied at its length. */
#include <stdio.h>

#include "util/arena_fmt.h"

mv_str arena_vfmt(mv_arena *arena, size_t max, const char *fmt, va_list ap)
{
	char text[ARENA_FMT_MAX];
	size_t len;
	char *p;
	int n;

	if (max > sizeof(text))
		max = sizeof(text);
	n = vsnprintf(text, max, fmt, ap);
	if (n < 0 || max == 0)
		return MV_STR_NULL;
	len = (size_t)n < max ? (size_t)n : max - 1;
	p = mv_arena_strndup(arena, text, len);
	return p != NULL ? mv_str_make(p, len) : MV_STR_NULL;
}

mv_str arena_fmt(mv_arena *arena, size_t max, const char *fmt, ...)
{
	va_list ap;
	mv_str s;

	va_start(ap, fmt);
	s = arena_vfmt(arena, max, fmt, ap);
	va_end(ap);
	return s;
}
