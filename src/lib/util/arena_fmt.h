/* printf into a message's arena, for the details and reasons of a report. */
#ifndef MV_UTIL_ARENA_FMT_H
#define MV_UTIL_ARENA_FMT_H

#include <stdarg.h>

#include "mailvet/arena.h"

#define ARENA_FMT_MAX 1024

/*
 * The formatted text, cut to max - 1 bytes (max at most ARENA_FMT_MAX), copied
 * into the arena; an empty view (p NULL) when formatting fails or the arena is
 * exhausted.
 */
mv_str arena_vfmt(mv_arena *arena, size_t max, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
mv_str arena_fmt(mv_arena *arena, size_t max, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
