/*
 * Outbound limits: what the outbound check needs beside the store's
 * counters.  outbound_recent.c keeps, per SASL user, the subjects of the
 * last few messages and the window an alert was last given for, in this
 * process (a bounded table under a mutex: the samples an alert shows, and
 * one alert per user and window).  outbound_alert.c writes the log line and
 * runs the administrator's alert_command without a shell and without
 * waiting for it.
 */
#ifndef MV_OUTBOUND_OUTBOUND_H
#define MV_OUTBOUND_OUTBOUND_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/str.h"

#define OUTBOUND_SUBJECTS 5		/* sample subjects kept per user */
#define OUTBOUND_SUBJECT_MAX 120	/* bytes kept of each */

enum outbound_counter {
	OUTBOUND_MESSAGES,
	OUTBOUND_RECIPIENTS,
	OUTBOUND_NEW_RECIPIENTS,	/* recipients the user never corresponded with */
	OUTBOUND_RECEIPTS,		/* read receipts */
	OUTBOUND_COUNTERS
};

/* "messages", "recipients", "new_recipients", "receipts" */
const char *outbound_counter_name(enum outbound_counter c);

struct outbound_facts {
	mv_str user;
	uint32_t window;			/* seconds */
	int64_t time;				/* the scan time */
	uint64_t count[OUTBOUND_COUNTERS];	/* this window's totals, this message included */
	bool counted[OUTBOUND_COUNTERS];	/* false: not counted (the store failed, or no limit needs it) */
	uint64_t limit[OUTBOUND_COUNTERS];	/* 0: none */
	unsigned exceeded;			/* a bit per enum outbound_counter */
	char subjects[OUTBOUND_SUBJECTS][OUTBOUND_SUBJECT_MAX + 1];	/* the user's latest first */
	unsigned n_subjects;
};

struct outbound_recent;

struct outbound_recent *outbound_recent_new(void);
void outbound_recent_free(struct outbound_recent *recent);
/*
 * Notes the subject of a message of `user`, and copies the user's latest
 * subjects into facts.  Returns true when an alert is due: the user is over
 * a limit (`over`) and none was given for the window starting at
 * window_start.  Thread-safe.
 */
bool outbound_recent_note(struct outbound_recent *recent, mv_str user, mv_str subject, int64_t window_start,
			  bool over, struct outbound_facts *facts);

/* The one-line log entry (syslog style: "mailvet[PID]: warning: outbound_rate: ..."), written to stderr. */
void outbound_log(const struct outbound_facts *facts);

/* alert_command split at white space (no shell, no quoting), malloc()ed; NULL when empty or out of memory. */
char **outbound_argv_new(const char *command);
void outbound_argv_free(char **argv);

/*
 * Runs argv[0] (an absolute path) with the facts in its environment
 * (MAILVET_USER, MAILVET_WINDOW, MAILVET_MESSAGES, ..., MAILVET_SUBJECTS) and
 * as text on its standard input.  A middle process starts it and exits at
 * once, so the caller reaps that one and never waits for the command.
 * Returns 0, or -1 with errno.
 */
int outbound_alert_run(char *const *argv, const struct outbound_facts *facts);

#endif
