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
	if (lg->sess == NULL ||
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
		uint32_t i;

		for (i = 0; i < lg->n_src; i++) {
			if (strcmp(logs_source_path(lg->src[i]), "-") == 0) {
				errno = EINVAL;	/* it can be read once */
				return -1;
			}
		}
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

struct merge {
	struct logs_line *cur;		/* each input's next line */
	bool *has;
	int64_t *first;			/* the time of each input's first line: on a tie, the older file goes first */
	uint32_t n;
};

/* Whether input i's line goes before input j's. */
static bool before(const struct merge *mg, uint32_t i, uint32_t j)
{
	if (mg->cur[i].time != mg->cur[j].time)
		return mg->cur[i].time < mg->cur[j].time;
	if (mg->first[i] != mg->first[j])
		return mg->first[i] < mg->first[j];
	return i < j;
}

/* The input whose line goes next in *i_r, and the one after it in *j_r (n: none). */
static void pick(const struct merge *mg, uint32_t *i_r, uint32_t *j_r)
{
	uint32_t i, bi = mg->n, bj = mg->n;

	for (i = 0; i < mg->n; i++) {
		if (!mg->has[i])
			continue;
		if (bi == mg->n || before(mg, i, bi)) {
			bj = bi;
			bi = i;
		} else if (bj == mg->n || before(mg, i, bj)) {
			bj = i;
		}
	}
	*i_r = bi;
	*j_r = bj;
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
	struct merge mg;
	uint32_t i, j, n = lg->n_src, since = 0;
	int rc = 0;

	if (lg->ran) {
		errno = EINVAL;
		return -1;
	}
	lg->ran = true;
	if (lg->set.now == 0)
		lg->set.now = (int64_t)time(NULL);
	mg.n = n;
	mg.cur = calloc(n + 1, sizeof(*mg.cur));
	mg.has = calloc(n + 1, sizeof(*mg.has));
	mg.first = calloc(n + 1, sizeof(*mg.first));
	if (mg.cur == NULL || mg.has == NULL || mg.first == NULL) {
		free(mg.cur);
		free(mg.has);
		free(mg.first);
		logs_error(lg, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		mg.has[i] = logs_source_next(lg, lg->src[i], &mg.cur[i]);
		mg.first[i] = mg.has[i] ? mg.cur[i].time : INT64_MAX;
	}
	for (;;) {
		pick(&mg, &i, &j);
		if (i == n)
			break;
		/* Read on from i while it stays first. */
		do {
			struct logs_line *cur = &mg.cur[i];

			lg->now = cur->time;
			if (lg->start == INT64_MIN || lg->now < lg->start)
				lg->start = lg->now;
			if (lg->end == INT64_MIN || lg->now > lg->end)
				lg->end = lg->now;
			logs_dispatch(lg, cur);
			if (++since % EXPIRE_EVERY == 0) {
				logs_join_expire(lg);
				if (progress != NULL && since % PROGRESS_EVERY == 0) {
					uint64_t done, total;

					progress_of(lg, &done, &total);
					progress(ctx, done, total);
				}
			}
			mg.has[i] = logs_source_next(lg, lg->src[i], &mg.cur[i]);
		} while (mg.has[i] && (j == n || before(&mg, i, j)));
	}
	free(mg.cur);
	free(mg.has);
	free(mg.first);
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
