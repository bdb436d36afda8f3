/*
 * One input: its lines in order, each with a good time, the others counted
 * and skipped.
 *
 * Traditional syslog timestamps have no year.  The year of the newest line is
 * the one that puts it not after the file's modification time (standard
 * input: not after now; --year gives it instead), so the file's last line is
 * read first (the last 64 KiB of a plain file; a compressed one is read
 * through).  The first line takes the newest line's year, or the year before
 * when its date is later in the calendar; each New Year (the month going
 * back by six or more) adds one.  A file is taken to span less than a year.
 *
 * A time is wrong when it cannot be, when it is over a day after the newest
 * line, or when it jumps: over an hour back or over a week ahead of the line
 * before.  A jump that three lines in a row agree on is taken (the clock was
 * set, the server was off), the two before it being lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logs/logs_int.h"

#define TAIL_BYTES ((off_t)64 << 10)
#define BACK_MAX LOGS_HOUR
#define AHEAD_MAX (7 * LOGS_DAY)
#define JUMP_CONFIRM 3
#define MTIME_SLACK LOGS_HOUR

struct logs_source {
	char *path;
	bool is_stdin;			/* can be read once only */
	const void *mem;		/* the bytes of an input in memory */
	size_t mem_len;
	int64_t mtime;
	uint64_t size;
	struct logs_lines lines;
	char *scratch;
	size_t scratch_cap;
	bool year_set;
	int64_t year;
	unsigned last_mon;
	bool tail_done, tail_known;
	struct logs_stamp tail;
	int64_t tail_year, tail_time;
	int64_t prev, jump;
	unsigned jumps;
	int64_t cache_key, cache_utc;	/* the last hour converted: year, month, day, hour; its UTC start */
	char error[200];
};

struct logs_source *logs_source_new(const char *path, int fd, const void *mem, size_t len)
{
	struct logs_source *src = calloc(1, sizeof(*src));
	struct stat st;

	if (src == NULL)
		return NULL;
	src->path = strdup(path);
	if (src->path == NULL) {
		free(src);
		return NULL;
	}
	src->is_stdin = fd >= 0 && strcmp(path, "-") == 0;
	src->prev = INT64_MIN;
	src->cache_key = -1;
	logs_lines_init(&src->lines);
	if (fd >= 0) {
		logs_input_fd(&src->lines.in, fd);
		if (fstat(fd, &st) == 0) {
			src->mtime = (int64_t)st.st_mtime;
			if (S_ISREG(st.st_mode)) {
				src->size = (uint64_t)st.st_size;
				/* Read once from start to end: a larger read-ahead. */
				(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
			} else {
				src->is_stdin = true;	/* a pipe: cannot be read twice */
			}
		}
	} else {
		logs_input_mem(&src->lines.in, mem, len);
		src->size = len;
		src->mem = mem;
		src->mem_len = len;
	}
	return src;
}

void logs_source_free(struct logs_source *src)
{
	if (src == NULL)
		return;
	logs_lines_free(&src->lines);
	free(src->scratch);
	free(src->path);
	free(src);
}

const char *logs_source_path(const struct logs_source *src)
{
	return src->path;
}

uint64_t logs_source_size(const struct logs_source *src)
{
	return src->size;
}

uint64_t logs_source_done(const struct logs_source *src)
{
	return src->lines.in.raw_read;
}

const char *logs_source_error(const struct logs_source *src)
{
	return src->error[0] != '\0' ? src->error : NULL;
}

static int64_t stamp_local(struct mv_logs *lg, int64_t year, const struct logs_stamp *st)
{
	if (!logs_civil_valid(year, st->mon, st->day, st->hour, st->min, st->sec))
		return INT64_MIN;
	return logs_tz_utc(&lg->tz, logs_civil_seconds(year, st->mon, st->day, st->hour, st->min, st->sec));
}

/* Month, day and time in calendar order. */
static int stamp_cmp(const struct logs_stamp *a, const struct logs_stamp *b)
{
	uint32_t x = (uint32_t)a->mon << 24 | (uint32_t)a->day << 17 | (uint32_t)a->hour << 12 |
		     (uint32_t)a->min << 6 | a->sec;
	uint32_t y = (uint32_t)b->mon << 24 | (uint32_t)b->day << 17 | (uint32_t)b->hour << 12 |
		     (uint32_t)b->min << 6 | b->sec;

	return x < y ? -1 : x > y;
}

/* The newest year that puts st not after ref (a time), tried a few years back for February 29th. */
static int64_t year_not_after(struct mv_logs *lg, const struct logs_stamp *st, int64_t ref)
{
	char iso[32];
	int64_t y, t;

	logs_time_iso(ref, iso);
	y = strtoll(iso, NULL, 10);
	for (int i = 0; i < 9; i++, y--) {
		t = stamp_local(lg, y, st);
		if (t != INT64_MIN && t <= ref)
			return y;
	}
	return strtoll(iso, NULL, 10) - 1;
}

/* The time the newest line cannot be after (without --year). */
static int64_t reference(struct mv_logs *lg, const struct logs_source *src)
{
	if (src->is_stdin || src->mtime == 0)
		return lg->set.now;
	return src->mtime + MTIME_SLACK;
}

/* The newest traditional timestamp of the file, from a second reading of its end. */
static void probe_tail(struct mv_logs *lg, struct logs_source *src)
{
	struct logs_lines lr;
	struct logs_line line;
	mv_str text;
	enum logs_line_status st;
	int fd;

	src->tail_done = true;
	if (src->is_stdin)
		return;
	logs_lines_init(&lr);
	if (src->mem != NULL) {
		logs_input_mem(&lr.in, src->mem, src->mem_len);
		fd = -1;
	} else {
		fd = open(src->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		logs_input_fd(&lr.in, fd);
	}
	if (fd >= 0 && src->lines.in.kind == LOGS_PLAIN && src->size > (uint64_t)TAIL_BYTES) {
		/* The first line there is a piece of one: the stamp parser refuses it or it is older. */
		if (lseek(fd, (off_t)src->size - TAIL_BYTES, SEEK_SET) < 0) {
			logs_lines_free(&lr);
			return;
		}
	}
	while ((st = logs_lines_next(&lr, &text)) != LOGS_LN_END && st != LOGS_LN_ERROR) {
		if (st != LOGS_LN_LINE || text.len == 0 || text.p[0] == '{')
			continue;
		if (logs_stamp_parse(text, &lg->tz, &line) != LOGS_BAD_TIME && line.stamp.mon != 0 &&
		    !line.stamp.has_year) {
			src->tail = line.stamp;
			src->tail_known = true;
		}
	}
	logs_lines_free(&lr);
	if (src->tail_known) {
		src->tail_year = lg->set.year != 0 ? lg->set.year : year_not_after(lg, &src->tail, reference(lg, src));
		src->tail_time = stamp_local(lg, src->tail_year, &src->tail);
		if (src->tail_time == INT64_MIN)
			src->tail_known = false;
	}
}

/* stamp_local() with the hour before remembered: most lines share it with the line before. */
static int64_t source_local(struct mv_logs *lg, struct logs_source *src, int64_t year, const struct logs_stamp *st)
{
	int64_t key = ((year * 16 + st->mon) * 32 + st->day) * 32 + st->hour, t;
	struct logs_stamp hour = *st;

	if (key != src->cache_key) {
		hour.min = hour.sec = 0;
		t = stamp_local(lg, year, &hour);
		if (t == INT64_MIN)
			return INT64_MIN;
		src->cache_key = key;
		src->cache_utc = t;
	}
	return src->cache_utc + st->min * 60 + st->sec;
}

/* The time of a traditional stamp, its year decided; INT64_MIN when it cannot be. */
static int64_t traditional_time(struct mv_logs *lg, struct logs_source *src, const struct logs_stamp *st,
				int64_t *year_r)
{
	int64_t y, t;

	if (!src->year_set) {
		if (!src->tail_done)
			probe_tail(lg, src);
		if (src->tail_known)
			y = stamp_cmp(st, &src->tail) <= 0 ? src->tail_year : src->tail_year - 1;
		else if (lg->set.year != 0)
			y = lg->set.year;	/* standard input: the first line's year */
		else
			y = year_not_after(lg, st, reference(lg, src));
		*year_r = y;
		return stamp_local(lg, y, st);
	}
	y = src->year;
	if (st->mon < src->last_mon && src->last_mon - st->mon >= 6) {
		/* New Year, unless it would go past the newest line. */
		t = stamp_local(lg, y + 1, st);
		if (t != INT64_MIN && (!src->tail_known || t <= src->tail_time + LOGS_DAY)) {
			*year_r = y + 1;
			return t;
		}
	}
	*year_r = y;
	return source_local(lg, src, y, st);
}

/* Whether t follows the lines before it (see above); updates the state when it does. */
static bool time_in_order(struct logs_source *src, int64_t t)
{
	if (src->tail_known && t > src->tail_time + LOGS_DAY)
		return false;
	if (src->prev != INT64_MIN && (t < src->prev - BACK_MAX || t > src->prev + AHEAD_MAX)) {
		if (src->jumps != 0 && t >= src->jump - BACK_MAX && t <= src->jump + BACK_MAX)
			src->jumps++;
		else {
			src->jump = t;
			src->jumps = 1;
		}
		if (src->jumps < JUMP_CONFIRM)
			return false;
	}
	src->jumps = 0;
	src->prev = t;
	return true;
}

static char *scratch(struct logs_source *src, size_t len)
{
	if (src->scratch_cap < len + 1) {
		size_t cap = len + 1 > 4096 ? len + 1 : 4096;
		char *p = realloc(src->scratch, cap);

		if (p == NULL)
			return NULL;
		src->scratch = p;
		src->scratch_cap = cap;
	}
	return src->scratch;
}

bool logs_source_next(struct mv_logs *lg, struct logs_source *src, struct logs_line *line_r)
{
	struct logs_counts *c = &lg->count;
	enum logs_line_status st;
	enum logs_verdict v;
	mv_str text;
	int64_t t, year = 0;

	for (;;) {
		st = logs_lines_next(&src->lines, &text);
		if (st == LOGS_LN_END || st == LOGS_LN_ERROR) {
			if (src->lines.in.error[0] != '\0' && src->error[0] == '\0')
				snprintf(src->error, sizeof(src->error), "%s: %s", src->path, src->lines.in.error);
			return false;
		}
		c->lines++;
		if (st == LOGS_LN_TOO_LONG) {
			c->too_long++;
			continue;
		}
		if (st == LOGS_LN_PARTIAL || text.len == 0) {
			if (text.len == 0 && st == LOGS_LN_LINE)
				c->unknown++;
			else
				c->truncated++;
			continue;
		}
		if (logs_line_binary(text)) {
			c->binary++;
			continue;
		}
		if (text.p[0] == '{') {
			char *w = scratch(src, text.len);

			v = w != NULL ? logs_journal_parse(text, w, line_r) : LOGS_TRUNCATED;
		} else {
			v = logs_stamp_parse(text, &lg->tz, line_r);
		}
		switch (v) {
		case LOGS_OK:
			break;
		case LOGS_NOTHING:
			c->parsed++;
			continue;
		case LOGS_UNKNOWN:
			c->unknown++;
			continue;
		case LOGS_TRUNCATED:
			c->truncated++;
			continue;
		case LOGS_BINARY:
			c->binary++;
			continue;
		case LOGS_BAD_TIME:
			c->bad_time++;
			continue;
		}
		t = line_r->stamp.has_year ? line_r->stamp.t : traditional_time(lg, src, &line_r->stamp, &year);
		if (t == INT64_MIN || !time_in_order(src, t)) {
			c->bad_time++;
			continue;
		}
		if (!line_r->stamp.has_year) {
			src->year_set = true;
			src->year = year;
			src->last_mon = line_r->stamp.mon;
		}
		line_r->time = t;
		return true;
	}
}
