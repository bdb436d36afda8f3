/*
 * Status codes of the library.  Functions that can fail for more than one
 * reason return an mv_status; mv_strerror() names each one in plain words.
 * The list is append-only: a value, once given, keeps its meaning, so a
 * caller (the milter's table of actions) may store it.
 */
#ifndef MAILVET_STATUS_H
#define MAILVET_STATUS_H

#pragma GCC visibility push(default)

enum mv_status {
	MV_OK = 0,
	MV_AGAIN,		/* not finished: waiting for a lookup; call again when it completes */
	MV_NOMEM,		/* out of memory, or a per-message memory ceiling reached */
	MV_TEMPFAIL,		/* a temporary failure (DNS server failure, store unreachable): retry later */
	MV_PERMFAIL,		/* a permanent failure: retrying gives the same answer */
	MV_TIMEOUT,		/* a deadline passed before the answer came */
	MV_CONFIG,		/* the configuration is invalid */
	MV_INVALID,		/* an argument is invalid (the caller's mistake, not the input's) */
	MV_IO,			/* reading or writing a file failed (errno tells why) */
	MV_LIMIT,		/* a limit on untrusted input was reached */
	MV_NOTFOUND,		/* what was asked for does not exist */
	MV_STATUS_COUNT		/* not a status: the number of them */
};

/* A short plain-words text for status (never NULL; "unknown status" when out of range). */
const char *mv_strerror(int status);
/* The status's name as in this header without the prefix, lower case: "tempfail". */
const char *mv_status_name(int status);

#pragma GCC visibility pop

#endif
