/*
 * The interface of a check module.  A check is one file under src/lib/checks/
 * that defines a `const struct check_def` and is listed once in
 * checks/check_list.h; the engine registers it at start-up, gives its symbols
 * ids, orders it after the checks it names and runs it on each task whose
 * needs it meets.  docs/internals/checks.md shows how to add one.
 */
#ifndef MV_ENGINE_CHECK_H
#define MV_ENGINE_CHECK_H

#include <stdarg.h>

#include "mailvet/config.h"
#include "mailvet/engine.h"
#include "mailvet/scan.h"
#include "mailvet/status.h"
#include "store/store.h"

/* A symbol a check may report; the score, the group and whether it is enabled can be configured. */
struct check_symbol {
	const char *name;		/* UPPER_CASE: the public interface */
	const char *group;		/* "headers", "mime", "html", "auth", ... */
	double score;			/* the default */
	const char *description;	/* one line, plain words */
};

struct mv_task;

struct check_def {
	const char *name;			/* lower case: "headers", "spf" */
	const char *description;
	const struct check_symbol *symbols;
	unsigned n_symbols;
	unsigned needs;				/* enum mv_check_need */
	enum mv_stage stage;			/* the earliest stage its needs are met at */
	const char *const *after;		/* NULL-terminated names of checks to run first, or NULL */
	const struct mv_setting_def *settings;	/* the check's own settings, or NULL */
	size_t n_settings;
	/*
	 * Optional: reads the check's settings once per engine into *state_r
	 * (malloc()ed; freed by deinit).  Returns 0, or -1 with *error_r
	 * malloc()ed.
	 */
	int (*init)(const struct mv_config *cfg, void **state_r, char **error_r);
	void (*deinit)(void *state);
	/*
	 * Runs the check.  Returns MV_OK when done; MV_AGAIN after starting
	 * lookups with task_wait_start(): run() is called again once all of them
	 * have completed, or the deadline has ended them with MV_TIMEOUT.  Any
	 * other status is a failure of the check (recorded; the scan goes on).
	 */
	int (*run)(struct mv_task *task, void *state);
};

/* The message, report and envelope of the task (the envelope is resolved before any check runs). */
struct mv_msg *task_msg(const struct mv_task *task);
struct mv_report *task_report(const struct mv_task *task);
const struct mv_envelope *task_envelope(const struct mv_task *task);
mv_arena *task_arena(const struct mv_task *task);

/*
 * Reports symbol `sym` (an index into the running check's symbols) with a
 * printf-style detail (NULL: none).  A symbol is reported once: a second
 * call keeps the first detail.  Disabled symbols are dropped here, so checks
 * need not ask.  Returns 0, or -1 when the arena is exhausted.
 */
int task_symbol(struct mv_task *task, unsigned sym, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int task_symbol_v(struct mv_task *task, unsigned sym, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Adds an option to symbol `sym` (reporting it first if needed); the bytes are copied. */
int task_symbol_option(struct mv_task *task, unsigned sym, mv_str option);

/*
 * Asks for at least `action` whatever the score (a DMARC fail of a p=reject
 * domain); the check's symbol detail says why.
 */
void task_require_action(struct mv_task *task, enum mv_action action);

/*
 * Asks for a change to the message or the envelope (scan.h); the strings are
 * copied, the reason is printf-style.  Returns 0, or -1 when the arena is
 * exhausted.
 */
int task_change(struct mv_task *task, enum mv_change_op op, mv_str name, mv_str value, mv_str old, unsigned index,
		const char *reason_fmt, ...) __attribute__((format(printf, 7, 8)));
/* The SMTP reply text for a reject or tempfail (the first check to give one wins); printf-style. */
int task_reply(struct mv_task *task, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A per-task slot for the running check's state between run() calls (NULL at first). */
void **task_check_slot(struct mv_task *task);

/*
 * Waiting.  A lookup provider embeds a struct task_wait in its request; the
 * check starts it, returns MV_AGAIN, and the provider calls task_wait_done()
 * from the loop when the answer comes.  At the deadline the engine calls
 * cancel() on every wait still pending (cancel must not call task_wait_done)
 * and completes it with MV_TIMEOUT.
 */
struct task_wait {
	struct mv_task *task;
	void (*cancel)(struct task_wait *wait);
	int status;			/* MV_AGAIN while pending, then the outcome */
	unsigned check;			/* internal: the check that waits */
	struct task_wait *prev, *next;	/* internal: the task's pending waits */
};

/* The loop the task's lookups register on (the caller's, or one of the thread's own). */
struct mv_loop *task_loop(struct mv_task *task);
/* Starts a wait for the running check; when the deadline has passed it completes at once with MV_TIMEOUT. */
void task_wait_start(struct mv_task *task, struct task_wait *wait, void (*cancel)(struct task_wait *wait));
void task_wait_done(struct task_wait *wait, int status);
/* Milliseconds left before the task's deadline (0 when passed). */
uint64_t task_time_left(const struct mv_task *task);

/*
 * DNS for a check (dns/dns.h explains the model): the answer to (name, type),
 * MV_OK with *answer_r (task arena; its rcode may say NXDOMAIN, TEMPFAIL,
 * TIMEOUT, LIMIT, BADNAME), or MV_AGAIN when the lookup has started: return
 * MV_AGAIN from run(); run() is called again once every lookup the check
 * started has answered, and then finds the answers here.  MV_NOMEM.
 */
struct dns_answer;
int task_dns(struct mv_task *task, const char *name, unsigned type, const struct dns_answer **answer_r);

/*
 * The store (store/store.h; docs/internals/store.md): the engine's, opened on
 * first use and shared by its threads.  NULL when none is configured, or
 * when it cannot be opened now (STORE_UNAVAILABLE is then reported).  A check
 * that cannot work without one declares MV_NEED_STORE.  Store calls are
 * synchronous, each bounded by store_timeout; pass task_envelope()->txn.time
 * as their `now`.
 */
struct store *task_store(struct mv_task *task);
/*
 * Records that a store operation failed with status (MV_TEMPFAIL, ...): the
 * engine reports STORE_UNAVAILABLE (the `store` check's symbol, score 0) once
 * per message, with `what` ("looking up sent mail") and store_error()'s
 * reason; the scan goes on.
 */
void task_store_failed(struct mv_task *task, const char *what, int status);
/* The expiry in seconds of a namespace, from the settings (store_sent_days, ...); 0 for STORE_COUNTER. */
uint32_t task_store_ttl(struct mv_task *task, enum store_ns ns);
/*
 * The store's look-ups for checks (store/store_task.c).  Keys are
 * case-insensitive; a Message-ID may come with or without angle brackets.
 * A failure is reported (task_store_failed) before MV_TEMPFAIL is returned;
 * with no store configured they return MV_TEMPFAIL and report nothing.
 *
 * MV_OK with the envelope sender and the recipients ("a@x,b@y") we recorded
 * for that Message-ID (task arena); MV_NOTFOUND; MV_TEMPFAIL.
 */
int task_store_sent(struct mv_task *task, mv_str message_id, mv_str *sender_r, mv_str *rcpts_r);
/* MV_OK when `user` (a SASL user or a local address) wrote to, or had ordinary mail from, `address`; MV_NOTFOUND; MV_TEMPFAIL. */
int task_store_peer(struct mv_task *task, mv_str user, mv_str address);

/* At most `max` bytes of s for a detail line, not cutting a UTF-8 sequence. */
int check_snippet_len(mv_str s, int max);

#endif
