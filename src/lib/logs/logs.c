/*
 * mailvet logs: the interface (mailvet/logs.h).  The inputs are merged by the
 * time of their lines: each keeps its next line, the oldest goes first (the
 * earlier input on a tie), and an input is read on for as long as it stays
 * the oldest, so rotated files (no overlap) cost one comparison a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logs/logs_int.h"

#define EXPIRE_EVERY 4096u
#define PROGRESS_EVERY 65536u

mv_logs *mv_logs_new(const struct mv_logs_settings *settings)
{
	mv_logs *lg = calloc(1, sizeof(*lg));

	if (lg == NULL)
		return NULL;
	if (settings != NULL)
		lg->set = *settings;
	if (lg->set.max_open == 0)
		lg->set.max_open = 200000;
	if (lg->set.max_open_age <= 0)
		lg->set.max_open_age = 2 * LOGS_DAY;
	if (lg->set.max_accounts == 0)
		lg->set.max_accounts = 100000;
	if (lg->set.max_clients == 0)
		lg->set.max_clients = 100000;
	if (getrandom(&lg->seed, sizeof(lg->seed), GRND_NONBLOCK) != sizeof(lg->seed))
		lg->seed = (uint64_t)(uintptr_t)lg ^ (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
	lg->start = lg->end = INT64_MIN;
	logs_tz_init(&lg->tz);
	lg->accounts.max = lg->set.max_accounts;
	lg->accounts.seed = logs_mix(lg->seed + 1);
	lg->clients.max = lg->set.max_clients;
	lg->clients.seed = logs_mix(lg->seed + 2);
	lg->sess = calloc(LOGS_SESS_SLOTS, sizeof(*lg->sess));
	lg->msgids = calloc(LOGS_MSGID_SLOTS, sizeof(*lg->msgids));
	lg->addrs = calloc(LOGS_ADDR_SLOTS, sizeof(*lg->addrs));
	if (lg->sess == NULL || lg->msgids == NULL || lg->addrs == NULL ||
	    logs_queue_init(&lg->queue, lg->set.max_open, logs_mix(lg->seed + 3)) != 0) {
		mv_logs_free(&lg);
		return NULL;
	}
	return lg;
}

void mv_logs_free(mv_logs **logs)
{
	mv_logs *lg = *logs;
	uint32_t i;

	if (lg == NULL)
		return;
	for (i = 0; i < lg->n_src; i++)
		logs_source_free(lg->src[i]);
	free(lg->src);
	logs_queue_free(&lg->queue);
	logs_accounts_free(&lg->accounts);
	logs_clients_free(&lg->clients);
	for (i = 0; i < lg->n_findings; i++) {
		logs_refs_free(&lg->findings[i].refs);
		free(lg->findings[i].user);
		free(lg->findings[i].names);
		free(lg->findings[i].summary);
		free(lg->findings[i].advice);
	}
	free(lg->findings);
	free(lg->sess);
	free(lg->msgids);
	free(lg->addrs);
	free(lg->errors);
	free(lg);
	*logs = NULL;
}

void logs_error(struct mv_logs *lg, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	size_t n;
	char *p;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	p = realloc(lg->errors, lg->errors_len + n + 2);
	if (p == NULL)
		return;
	memcpy(p + lg->errors_len, line, n);
	p[lg->errors_len + n] = '\n';
	p[lg->errors_len + n + 1] = '\0';
	lg->errors = p;
	lg->errors_len += n + 1;
}

const char *mv_logs_errors(const mv_logs *lg)
{
	return lg->errors != NULL ? lg->errors : "";
}

static int add_source(struct mv_logs *lg, struct logs_source *src)
{
	struct logs_source **v;

	if (src == NULL)
		return -1;
	v = realloc(lg->src, (lg->n_src + 1) * sizeof(*v));
	if (v == NULL) {
		logs_source_free(src);
		return -1;
	}
	lg->src = v;
	lg->src[lg->n_src++] = src;
	return 0;
}

int mv_logs_add_file(mv_logs *lg, const char *path)
{
	struct stat st;
	int fd;

	if (lg->ran) {
		errno = EINVAL;
		return -1;
	}
	if (strcmp(path, "-") == 0) {
		fd = 0;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			errno = EISDIR;
			return -1;
		}
	}
	if (add_source(lg, logs_source_new(path, fd, NULL, 0)) != 0) {
		if (fd > 2)
			close(fd);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int logs_add_memory(struct mv_logs *lg, const char *name, const void *data, size_t len)
{
	return add_source(lg, logs_source_new(name, -1, data, len));
}

/* The input whose line goes next (earliest, then first given), and when the next other one is due. */
static int64_t pick(struct logs_line *cur, const bool *has, uint32_t n, uint32_t *i_r, uint32_t *j_r)
{
	int64_t best = INT64_MAX, second = INT64_MAX;
	uint32_t i, bi = n, bj = n;

	for (i = 0; i < n; i++) {
		if (!has[i])
			continue;
		if (bi == n || cur[i].time < best) {
			second = best;
			bj = bi;
			best = cur[i].time;
			bi = i;
		} else if (bj == n || cur[i].time < second) {
			second = cur[i].time;
			bj = i;
		}
	}
	*i_r = bi;
	*j_r = bj;
	return second;
}

static void progress_of(const struct mv_logs *lg, uint64_t *done_r, uint64_t *total_r)
{
	uint64_t done = 0, total = 0;
	bool known = true;
	uint32_t i;

	for (i = 0; i < lg->n_src; i++) {
		done += logs_source_done(lg->src[i]);
		total += logs_source_size(lg->src[i]);
		known = known && logs_source_size(lg->src[i]) != 0;
	}
	*done_r = done;
	*total_r = known ? total : 0;
}

int mv_logs_run(mv_logs *lg, mv_logs_progress_fn progress, void *ctx)
{
	struct logs_line *cur;
	bool *has;
	uint32_t i, j, n = lg->n_src, since = 0;
	int rc = 0;

	if (lg->ran) {
		errno = EINVAL;
		return -1;
	}
	lg->ran = true;
	if (lg->set.now == 0)
		lg->set.now = (int64_t)time(NULL);
	cur = calloc(n + 1, sizeof(*cur));
	has = calloc(n + 1, sizeof(*has));
	if (cur == NULL || has == NULL) {
		free(cur);
		free(has);
		logs_error(lg, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		has[i] = logs_source_next(lg, lg->src[i], &cur[i]);
	for (;;) {
		int64_t until = pick(cur, has, n, &i, &j);

		if (i == n)
			break;
		/* Read on from i while it stays first. */
		do {
			lg->now = cur[i].time;
			if (lg->start == INT64_MIN || lg->now < lg->start)
				lg->start = lg->now;
			if (lg->end == INT64_MIN || lg->now > lg->end)
				lg->end = lg->now;
			logs_dispatch(lg, &cur[i]);
			if (++since % EXPIRE_EVERY == 0) {
				logs_join_expire(lg);
				if (progress != NULL && since % PROGRESS_EVERY == 0) {
					uint64_t done, total;

					progress_of(lg, &done, &total);
					progress(ctx, done, total);
				}
			}
			has[i] = logs_source_next(lg, lg->src[i], &cur[i]);
		} while (has[i] && (cur[i].time < until || (cur[i].time == until && i < j)));
	}
	free(cur);
	free(has);
	logs_join_flush(lg);
	logs_detect_finish(lg);
	logs_findings_finish(lg);
	lg->finished = true;
	for (i = 0; i < n; i++) {
		if (logs_source_error(lg->src[i]) != NULL) {
			logs_error(lg, "%s", logs_source_error(lg->src[i]));
			rc = -1;
		}
	}
	if (progress != NULL) {
		uint64_t done, total;

		progress_of(lg, &done, &total);
		progress(ctx, done, total);
	}
	return rc;
}
