/* The mailvet command: shared declarations of its source files. */
#ifndef MAILVET_CLI_H
#define MAILVET_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "mailvet/engine.h"
#include "mailvet/limits.h"
#include "mailvet/scan.h"

/* One input to scan: a file (possibly an mbox) or standard input. */
struct cli_job {
	char *path;		/* "-" for standard input */
};

struct cli_jobs {
	struct cli_job *items;
	size_t count, cap;
	int errors;		/* paths that could not be read or listed */
};

/* Expands PATH arguments (files, directories, Maildirs, "-") into jobs, in a stable order. */
void cli_jobs_collect(struct cli_jobs *jobs, char *const *paths, int n_paths);
void cli_jobs_free(struct cli_jobs *jobs);

/* A loaded input: the bytes stay valid until cli_input_release(). */
struct cli_input {
	const char *data;
	size_t len;
	void *map;		/* mmap()ed region, or NULL */
	char *heap;		/* malloc()ed copy, or NULL */
};

/*
 * A reusable read buffer, one per worker: small files are read into it, so a
 * scan of many small messages costs no mmap/munmap per file.
 */
struct cli_scratch {
	char *p;
	size_t cap;
};

/* Returns 0, or -1 with errno set.  scratch may be NULL. */
int cli_input_load(const char *path, struct cli_scratch *scratch, struct cli_input *in);
void cli_input_release(struct cli_input *in);

/*
 * The messages of an mbox: calls fn for each message slice (the "From " line
 * included).  A buffer that does not start with "From " is one message.
 */
typedef int (*cli_message_fn)(void *ctx, const char *data, size_t len, unsigned index);
int cli_mbox_split(const char *data, size_t len, cli_message_fn fn, void *ctx);
bool cli_is_mbox(const char *data, size_t len);

/* Growable output text, owned by the caller (malloc). */
struct cli_out {
	char *p;
	size_t len, cap;
};

int cli_out_append(struct cli_out *out, const char *data, size_t len);

struct cli_scan_options {
	bool json;
	unsigned threads;
	struct mv_engine *engine;
	const struct mv_limits *limits;	/* the engine's */
	struct mv_envelope env;		/* from the envelope options */
	bool have_env;			/* any envelope option was given */
};

/* Scans one job, appending its reports to out; returns 0, 1 (a message could not be scanned) or 2 (unreadable). */
int cli_scan_job(const struct cli_scan_options *opts, const struct cli_job *job, struct cli_scratch *scratch,
		 struct cli_out *out);

/* Runs every job on `threads` workers, writing results to stdout in job order; returns the worst status. */
int cli_pool_run(const struct cli_scan_options *opts, struct cli_jobs *jobs);

/*
 * The configuration every subcommand shares: -c FILE (NULL: the default file,
 * which may be absent) and NAME=VALUE settings given on the command line.
 */
struct cli_settings {
	const char *config_path;
	char **sets;
	size_t n_sets;
};

int cli_settings_add(struct cli_settings *settings, const char *assignment);
void cli_settings_free(struct cli_settings *settings);
/* Loads the configuration and makes the engine; prints the error and returns -1 on failure. */
int cli_engine_load(const struct cli_settings *settings, struct mv_engine **engine_r);

int cli_cmd_scan(const char *config_path, int argc, char **argv);
int cli_cmd_config(const char *config_path, int argc, char **argv);
int cli_cmd_symbols(const char *config_path, int argc, char **argv);
int cli_cmd_limits(const char *config_path, int argc, char **argv);
int cli_cmd_logs(const char *config_path, int argc, char **argv);

#endif
