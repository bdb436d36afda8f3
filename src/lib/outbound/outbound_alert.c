/*
 * The log line and the alert command of a user past an outbound limit.  The
 * command runs without a shell (its words are split once, at init), with the
 * facts in MAILVET_* variables and as "name: value" lines on its standard
 * input.  It must never hold the scan: a middle process forks it and exits,
 * so the scanner reaps only that one (no zombie, no SIGCHLD handling, no
 * wait for the command), and the facts (a few KiB, less than a pipe holds)
 * are written without blocking before the pipe is closed.  Between fork and
 * exec only async-signal-safe calls are made: the scanner has threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outbound/outbound.h"

extern char **environ;

const char *outbound_counter_name(enum outbound_counter c)
{
	static const char *const names[OUTBOUND_COUNTERS] = {
		[OUTBOUND_MESSAGES] = "messages",
		[OUTBOUND_RECIPIENTS] = "recipients",
		[OUTBOUND_NEW_RECIPIENTS] = "new_recipients",
		[OUTBOUND_RECEIPTS] = "receipts",
	};

	return c < OUTBOUND_COUNTERS ? names[c] : "";
}

/* The user for a log line: printable ASCII only, so that a login cannot forge a line. */
static void safe_user(char out[130], mv_str user)
{
	size_t i, n = user.len < 128 ? user.len : 128;

	for (i = 0; i < n; i++)
		out[i] = user.p[i] > 0x20 && user.p[i] < 0x7f ? user.p[i] : '?';
	out[n] = '\0';
}

/* "messages=101/100 recipients=150/- ..." */
static size_t counts_text(const struct outbound_facts *f, char *out, size_t size)
{
	size_t len = 0;
	unsigned c;

	out[0] = '\0';
	for (c = 0; c < OUTBOUND_COUNTERS && len < size; c++) {
		int n;

		if (!f->counted[c])
			n = snprintf(out + len, size - len, "%s%s=-", len != 0 ? " " : "", outbound_counter_name(c));
		else if (f->limit[c] != 0)
			n = snprintf(out + len, size - len, "%s%s=%" PRIu64 "/%" PRIu64, len != 0 ? " " : "",
				     outbound_counter_name(c), f->count[c], f->limit[c]);
		else
			n = snprintf(out + len, size - len, "%s%s=%" PRIu64, len != 0 ? " " : "",
				     outbound_counter_name(c), f->count[c]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return len < size ? len : size - 1;
}

void outbound_log(const struct outbound_facts *f)
{
	char user[130], counts[300], line[1024];
	int n;

	safe_user(user, f->user);
	counts_text(f, counts, sizeof(counts));
	n = snprintf(line, sizeof(line), "mailvet[%ld]: warning: outbound_rate: user=%s %s window=%" PRIu32 "s%s%s%s\n",
		     (long)getpid(), user, counts, f->window, f->n_subjects != 0 ? " subject=\"" : "",
		     f->n_subjects != 0 ? f->subjects[0] : "", f->n_subjects != 0 ? "\"" : "");
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* One write: lines of concurrent scans never interleave. */
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

char **outbound_argv_new(const char *command)
{
	size_t len = command != NULL ? strlen(command) : 0, n = 0, i;
	char **argv, *copy;

	for (i = 0; i < len; i++)
		n += (command[i] != ' ' && command[i] != '\t') && (i == 0 || command[i - 1] == ' ' ||
								   command[i - 1] == '\t');
	if (n == 0)
		return NULL;
	/* The pointers, then the words, in one block. */
	argv = malloc((n + 1) * sizeof(*argv) + len + 1);
	if (argv == NULL)
		return NULL;
	copy = (char *)(argv + n + 1);
	memcpy(copy, command, len + 1);
	n = 0;
	for (i = 0; i < len; i++) {
		if (copy[i] == ' ' || copy[i] == '\t')
			copy[i] = '\0';
		else if (i == 0 || copy[i - 1] == '\0')
			argv[n++] = copy + i;
	}
	argv[n] = NULL;
	return argv;
}

void outbound_argv_free(char **argv)
{
	free(argv);
}

/* The facts as the command's variables and input. */
struct alert_text {
	char vars[8][400];
	char input[4096];
	size_t input_len;
};

static void alert_text_fill(struct alert_text *t, const struct outbound_facts *f)
{
	char user[130], counts[300], exceeded[100] = "", subjects[OUTBOUND_SUBJECTS * (OUTBOUND_SUBJECT_MAX + 2)] = "";
	size_t len = 0;
	unsigned c, i;
	int n;

	safe_user(user, f->user);
	counts_text(f, counts, sizeof(counts));
	for (i = 0; i < f->n_subjects; i++) {
		n = snprintf(subjects + len, sizeof(subjects) - len, "%s%s", i != 0 ? "\n" : "", f->subjects[i]);
		if (n > 0 && (size_t)n < sizeof(subjects) - len)
			len += (size_t)n;
	}
	snprintf(t->vars[0], sizeof(t->vars[0]), "MAILVET_USER=%s", user);
	snprintf(t->vars[1], sizeof(t->vars[1]), "MAILVET_WINDOW=%" PRIu32, f->window);
	snprintf(t->vars[2], sizeof(t->vars[2]), "MAILVET_TIME=%" PRId64, f->time);
	snprintf(t->vars[3], sizeof(t->vars[3]), "MAILVET_COUNTS=%s", counts);
	for (c = 0, len = 0; c < OUTBOUND_COUNTERS; c++) {
		if (f->exceeded & (1u << c)) {
			n = snprintf(exceeded + len, sizeof(exceeded) - len, "%s%s", len == 0 ? "" : ",",
				     outbound_counter_name(c));
			if (n > 0 && (size_t)n < sizeof(exceeded) - len)
				len += (size_t)n;
		}
	}
	snprintf(t->vars[4], sizeof(t->vars[4]), "MAILVET_EXCEEDED=%s", exceeded);
	snprintf(t->vars[5], sizeof(t->vars[5]), "MAILVET_MESSAGES=%" PRIu64, f->count[OUTBOUND_MESSAGES]);
	snprintf(t->vars[6], sizeof(t->vars[6]), "MAILVET_RECEIPTS=%" PRIu64, f->count[OUTBOUND_RECEIPTS]);
	snprintf(t->vars[7], sizeof(t->vars[7]), "MAILVET_SUBJECTS=%.*s", (int)(sizeof(t->vars[7]) - 18), subjects);
	n = snprintf(t->input, sizeof(t->input),
		     "user: %s\nwindow: %" PRIu32 "\ntime: %" PRId64 "\ncounts: %s\nexceeded: %s\n", user, f->window,
		     f->time, counts, exceeded);
	t->input_len = n > 0 ? ((size_t)n < sizeof(t->input) ? (size_t)n : sizeof(t->input) - 1) : 0;
	for (i = 0; i < f->n_subjects && t->input_len < sizeof(t->input); i++) {
		n = snprintf(t->input + t->input_len, sizeof(t->input) - t->input_len, "subject: %s\n", f->subjects[i]);
		if (n > 0 && (size_t)n < sizeof(t->input) - t->input_len)
			t->input_len += (size_t)n;
	}
}

/* environ without MAILVET_* entries, then ours; malloc()ed pointers into both. */
static char **alert_env(struct alert_text *t)
{
	size_t n = 0, k = 0, i;
	char **env;

	while (environ != NULL && environ[n] != NULL)
		n++;
	env = malloc((n + 9) * sizeof(*env));
	if (env == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], "MAILVET_", 8) != 0)
			env[k++] = environ[i];
	}
	for (i = 0; i < 8; i++) {
		if (t->vars[i][0] != '\0')
			env[k++] = t->vars[i];
	}
	env[k] = NULL;
	return env;
}

int outbound_alert_run(char *const *argv, const struct outbound_facts *facts)
{
	struct alert_text *t;
	char **env;
	int fds[2], status, saved;
	pid_t pid;

	if (argv == NULL || argv[0] == NULL || argv[0][0] != '/') {
		errno = EINVAL;
		return -1;
	}
	t = malloc(sizeof(*t));
	if (t == NULL)
		return -1;
	alert_text_fill(t, facts);
	env = alert_env(t);
	if (env == NULL || pipe2(fds, O_CLOEXEC) < 0) {
		saved = errno;
		free(env);
		free(t);
		errno = saved;
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		/* The middle process: start the command, then leave at once. */
		if (fork() == 0) {
			int null = open("/dev/null", O_WRONLY);

			if (dup2(fds[0], STDIN_FILENO) < 0)
				_exit(127);
			if (null >= 0) {
				dup2(null, STDOUT_FILENO);
			}
			close_range(3, ~0u, 0);
			execve(argv[0], argv, env);
			_exit(127);
		}
		_exit(0);
	}
	saved = errno;
	close(fds[0]);
	if (pid > 0) {
		/* The facts fit in the pipe: this never blocks, even when the command reads nothing. */
		(void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
		(void)!write(fds[1], t->input, t->input_len);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	close(fds[1]);
	free(env);
	free(t);
	if (pid < 0) {
		errno = saved;
		return -1;
	}
	return 0;
}
