/*
 * mailvet logs: reads mail server logs (Postfix, Dovecot, Exim, mailvet's
 * milter; plain, gzip or xz; several files merged in time order), joins their
 * lines per queue id, SMTP session and login, and finds the accounts and
 * clients that behave unlike themselves: a burst of automatic read receipts,
 * a burst of mail, many new domains at once, a high bounce rate, a new
 * client address, a password-guessing run.  docs/logs.md says what is read
 * and how findings are decided; docs/json.md the JSON document.
 *
 * Memory is bounded by the open queue ids, the tracked accounts and clients
 * and the span of time the logs cover, not by their size: lines are read one
 * at a time with a hard length limit, and what cannot be read (unknown,
 * truncated, binary, too long, badly timed lines) is counted and skipped.
 */
#ifndef MAILVET_LOGS_H
#define MAILVET_LOGS_H

#include <stdint.h>
#include <stdio.h>

#pragma GCC visibility push(default)

/* 0 in any field means its default. */
struct mv_logs_settings {
	/*
	 * The year of each input's newest line, for timestamps without a year
	 * (traditional syslog).  0: the year that puts the newest line not after
	 * the file's modification time (standard input: not after `now`).
	 */
	int year;
	int64_t now;			/* seconds since the epoch; 0: the clock */
	uint32_t max_open;		/* open queue ids kept (200000) */
	int64_t max_open_age;		/* seconds a queue id may stay open (2 days) */
	uint32_t max_accounts;		/* accounts tracked (100000) */
	uint32_t max_clients;		/* client addresses tracked (100000) */
};

typedef struct mv_logs mv_logs;

/* Called now and then while reading: bytes of the inputs read so far, and their total (0: unknown). */
typedef void (*mv_logs_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* NULL when out of memory.  settings may be NULL. */
mv_logs *mv_logs_new(const struct mv_logs_settings *settings);
void mv_logs_free(mv_logs **logs);

/*
 * Adds an input: a file (plain, gzip or xz, told by its first bytes) or "-"
 * for standard input.  Returns 0, or -1 with errno set when it cannot be
 * opened (nothing is added then).
 */
int mv_logs_add_file(mv_logs *logs, const char *path);

/*
 * Reads every input, merged in time order, and analyses them.  Returns 0, or
 * -1 when an input could not be read to its end (a read error, corrupt
 * compressed data): what was read is analysed anyway, and mv_logs_errors()
 * says what went wrong.  Once only.
 */
int mv_logs_run(mv_logs *logs, mv_logs_progress_fn progress, void *ctx);

/* What went wrong with the inputs, one line each; "" when nothing did. */
const char *mv_logs_errors(const mv_logs *logs);

/* The findings, as one JSON document (docs/json.md); 0, or -1 on a write error. */
int mv_logs_write_json(const mv_logs *logs, FILE *out);
/* The same for a person: the findings, most severe first, then a table of the accounts. */
int mv_logs_write_text(const mv_logs *logs, FILE *out);

#pragma GCC visibility pop

#endif
