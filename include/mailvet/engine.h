/*
 * The scan engine: the registry of check modules and their symbols, built
 * from a configuration snapshot, and the task that runs the checks on one
 * message.
 *
 * An engine is immutable and reference-counted.  A task holds a reference
 * to the engine it started with, so replacing the engine (a reload) never
 * changes a scan half-way.  Symbol names are the interface; the numeric ids
 * the engine gives them are internal and change from build to build.
 */
#ifndef MAILVET_ENGINE_H
#define MAILVET_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "mailvet/config.h"
#include "mailvet/envelope.h"
#include "mailvet/loop.h"
#include "mailvet/msg.h"

#pragma GCC visibility push(default)

/* The default configuration file; mailvet runs with safe defaults when it is absent. */
#define MV_CONFIG_DEFAULT_PATH "/etc/mailvet/mailvet.conf"

struct mv_engine;
struct mv_report;

/*
 * A configuration that knows every setting of the engine and its checks.
 * Read files and settings into it (config.h), finish it, then make an engine.
 */
struct mv_config *mv_engine_config_new(void);

/*
 * Makes an engine from a finished configuration: scores, groups, disabled
 * checks and symbols, composites.  Returns 0, or -1 with *error_r (malloc()ed,
 * naming the file and line) when the configuration names an unknown symbol
 * or check, or a composite does not parse.
 */
int mv_engine_new(struct mv_config *cfg, struct mv_engine **engine_r, char **error_r);
struct mv_engine *mv_engine_ref(struct mv_engine *engine);
void mv_engine_unref(struct mv_engine **engine);
const struct mv_config *mv_engine_config(const struct mv_engine *engine);
/* The limits on untrusted input that messages for this engine should be parsed with. */
const struct mv_limits *mv_engine_limits(const struct mv_engine *engine);

/* Loads `path` (NULL: MV_CONFIG_DEFAULT_PATH, which may be absent) and makes an engine. */
int mv_engine_load(const char *path, struct mv_engine **engine_r, char **error_r);

/* What `mailvet symbols` lists: every symbol, in registry order (check by check). */
struct mv_symbol_info {
	const char *name;
	const char *group;
	const char *check;		/* the module that reports it; "composite" for composites */
	const char *description;
	double default_score;
	double score;			/* as configured */
	bool enabled;
};

size_t mv_engine_symbol_count(const struct mv_engine *engine);
const struct mv_symbol_info *mv_engine_symbol(const struct mv_engine *engine, size_t i);

struct mv_check_info {
	const char *name;
	const char *description;
	enum mv_stage stage;		/* the earliest SMTP stage it can run at */
	unsigned needs;			/* enum mv_check_need */
	const char *const *after;	/* NULL-terminated: checks it runs after */
	bool enabled;
};

enum mv_check_need {
	MV_NEED_HEADERS = 1u << 0,
	MV_NEED_TEXT = 1u << 1,		/* decoded text of the body */
	MV_NEED_HTML = 1u << 2,
	MV_NEED_LINKS = 1u << 3,
	MV_NEED_ENVELOPE = 1u << 4,	/* an SMTP envelope (options, milter or Received) */
	MV_NEED_DNS = 1u << 5,
	MV_NEED_STORE = 1u << 6,
};

size_t mv_engine_check_count(const struct mv_engine *engine);
const struct mv_check_info *mv_engine_check(const struct mv_engine *engine, size_t i);

/*
 * Tasks: one scan of one message.  mv_task_run() runs the checks; a check
 * that must wait for a lookup registers it on `loop` and the task goes on
 * with the checks that do not depend on it.  Returns MV_OK when the scan
 * finished within the call (done is not called), MV_AGAIN when it waits
 * (done(task, arg) is called from the loop when it finishes, by the
 * per-message deadline at the latest), or another status on failure.
 * `env` may be NULL; the task copies what it needs.  The report lives in the
 * message's arena.  `loop` may be NULL when the caller cannot wait: the task
 * then waits on a loop of its own inside the call (mv_scan() does this).
 */
struct mv_task;
typedef void mv_task_done_fn(struct mv_task *task, void *arg);

struct mv_task *mv_task_new(struct mv_engine *engine, struct mv_msg *msg, const struct mv_envelope *env,
			    struct mv_report *report);
int mv_task_run(struct mv_task *task, struct mv_loop *loop, mv_task_done_fn *done, void *arg);
/* Releases the task (its memory is in the message's arena; this drops the engine reference). */
void mv_task_free(struct mv_task **task);

#pragma GCC visibility pop

#endif
