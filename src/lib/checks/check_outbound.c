/*
 * Outbound limits per SASL user: messages, recipients, first-time recipients
 * (addresses the user never corresponded with) and read receipts in a fixed
 * window, each counted as itself in the store (so that several scanners
 * share them).  Past a limit the message is deferred (tempfail: the client
 * keeps it and retries), a line is logged and alert_command is run once per
 * user and window.  Every attempt counts, deferred ones too: a client that
 * keeps retrying stays over the limit until the window ends.  The store is
 * needed (MV_NEED_STORE); when it fails the scan goes on uncounted.  The
 * alert's sample subjects are those this process saw (outbound_recent.c):
 * the store keeps counters, not text.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "engine/engine_int.h"
#include "mdn/mdn.h"
#include "outbound/outbound.h"

enum { SYM_OUTBOUND_RATE };

static const struct check_symbol symbols[] = {
	[SYM_OUTBOUND_RATE] = { "OUTBOUND_RATE", "outbound", 0.0,
		"the user has sent more than their limit (messages, recipients, new recipients or read receipts) in "
		"the window: the message is deferred, the administrator alerted; a hijacked account or a client that "
		"sends by itself" },
};

static const struct mv_setting_def settings[] = {
	{ "outbound_window", MV_SETTING_TIME, "1h", 1000, 7 * 86400000.0, NULL,
	  "the window the outbound limits count in (a fixed window: the counts start again at its end)" },
	{ "outbound_max_messages", MV_SETTING_UINT, "0", 0, 0, NULL,
	  "messages a SASL user may send in a window; 0: no limit" },
	{ "outbound_max_recipients", MV_SETTING_UINT, "0", 0, 0, NULL,
	  "recipients a SASL user may send to in a window (a message to 5 counts 5); 0: no limit" },
	{ "outbound_max_new_recipients", MV_SETTING_UINT, "0", 0, 0, NULL,
	  "recipients the user never corresponded with, per window; 0: no limit" },
	{ "outbound_max_receipts", MV_SETTING_UINT, "0", 0, 0, NULL,
	  "read receipts a SASL user may send in a window; 0: no limit" },
	{ "alert_command", MV_SETTING_STRING, "", 0, 0, NULL,
	  "a program (absolute path, arguments split at spaces, no shell) run when a user passes an outbound limit, "
	  "with the facts in MAILVET_* variables and on its input; empty: none" },
};

/* First-time recipients looked up per message at most; the others are not counted. */
#define NEW_LOOKUPS_MAX 100

struct outbound_state {
	uint32_t window;
	uint64_t limit[OUTBOUND_COUNTERS];
	char **alert_argv;
	struct outbound_recent *recent;
};

static void outbound_deinit(void *state)
{
	struct outbound_state *s = state;

	if (s == NULL)
		return;
	outbound_argv_free(s->alert_argv);
	outbound_recent_free(s->recent);
	free(s);
}

static int outbound_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct outbound_state *s = calloc(1, sizeof(*s));
	const char *command = mv_config_string(cfg, "alert_command");

	if (s == NULL)
		return -1;
	s->window = (uint32_t)(mv_config_time_ms(cfg, "outbound_window") / 1000);
	s->limit[OUTBOUND_MESSAGES] = mv_config_uint(cfg, "outbound_max_messages");
	s->limit[OUTBOUND_RECIPIENTS] = mv_config_uint(cfg, "outbound_max_recipients");
	s->limit[OUTBOUND_NEW_RECIPIENTS] = mv_config_uint(cfg, "outbound_max_new_recipients");
	s->limit[OUTBOUND_RECEIPTS] = mv_config_uint(cfg, "outbound_max_receipts");
	s->recent = outbound_recent_new();
	if (command[0] != '\0') {
		s->alert_argv = outbound_argv_new(command);
		if (s->alert_argv != NULL && s->alert_argv[0][0] != '/') {
			unsigned line;
			const char *file = mv_config_where(cfg, "alert_command", &line);

			*error_r = engine_error(file, line, "alert_command = %s: the program must be an absolute path",
						command);
			outbound_deinit(s);
			return -1;
		}
	}
	if (s->recent == NULL || (command[0] != '\0' && s->alert_argv == NULL)) {
		outbound_deinit(s);
		return -1;
	}
	*state_r = s;
	return 0;
}

/* How much this message adds to each counter; *counted false for those not counted. */
static int message_counts(struct mv_task *task, const struct outbound_state *s, uint64_t by[OUTBOUND_COUNTERS],
			  bool counted[OUTBOUND_COUNTERS])
{
	const struct mv_envelope *env = task_envelope(task);
	struct mdn_receipt r;
	unsigned i;

	by[OUTBOUND_MESSAGES] = 1;
	by[OUTBOUND_RECIPIENTS] = env->txn.n_rcpt;
	counted[OUTBOUND_MESSAGES] = counted[OUTBOUND_RECIPIENTS] = true;
	if (mdn_receipt_read(task_msg(task), &r) < 0)
		return MV_NOMEM;
	by[OUTBOUND_RECEIPTS] = r.form != MDN_RECEIPT_NONE;
	counted[OUTBOUND_RECEIPTS] = true;
	/* One store look-up per recipient: only when a limit needs it. */
	by[OUTBOUND_NEW_RECIPIENTS] = 0;
	counted[OUTBOUND_NEW_RECIPIENTS] = s->limit[OUTBOUND_NEW_RECIPIENTS] != 0;
	for (i = 0; counted[OUTBOUND_NEW_RECIPIENTS] && i < env->txn.n_rcpt && i < NEW_LOOKUPS_MAX; i++) {
		int rc = task_store_peer(task, env->conn.sasl_user, env->txn.rcpt[i]);

		if (rc == MV_NOTFOUND) {
			by[OUTBOUND_NEW_RECIPIENTS]++;
		} else if (rc != MV_OK) {
			counted[OUTBOUND_NEW_RECIPIENTS] = false;	/* reported by task_store_peer() */
			break;
		}
	}
	return MV_OK;
}

/* Adds to the store's counters; facts gets the window's totals. */
static void count(struct mv_task *task, const struct outbound_state *s, const uint64_t by[OUTBOUND_COUNTERS],
		  struct outbound_facts *f)
{
	const struct mv_envelope *env = task_envelope(task);
	char key[300];
	unsigned c;

	for (c = 0; c < OUTBOUND_COUNTERS; c++) {
		int n, rc;

		if (!f->counted[c])
			continue;
		n = snprintf(key, sizeof(key), "outbound\t%s\t%.*s", outbound_counter_name(c),
			     check_snippet_len(env->conn.sasl_user, 256), env->conn.sasl_user.p);
		rc = store_add(task_store(task), mv_str_make(key, n > 0 && (size_t)n < sizeof(key) ? (size_t)n : 0),
			       env->txn.time, s->window, by[c], &f->count[c]);
		if (rc != MV_OK) {
			task_store_failed(task, "counting outbound mail", rc);
			f->counted[c] = false;
			continue;
		}
		if (s->limit[c] != 0 && f->count[c] > s->limit[c])
			f->exceeded |= 1u << c;
	}
}

/*
 * Whether this is the user's first alert in the window: a counter in the
 * store, so that several scanners (and `mailvet scan` run once per message)
 * alert once between them; when the store fails, this process's own record
 * (`due_here`) decides.
 */
static bool first_alert(struct mv_task *task, const struct outbound_state *s, bool due_here)
{
	const struct mv_envelope *env = task_envelope(task);
	char key[300];
	uint64_t alerts;
	int n = snprintf(key, sizeof(key), "outbound\talerts\t%.*s", check_snippet_len(env->conn.sasl_user, 256),
			 env->conn.sasl_user.p);

	if (n <= 0 || (size_t)n >= sizeof(key) ||
	    store_add(task_store(task), mv_str_make(key, (size_t)n), env->txn.time, s->window, 1, &alerts) != MV_OK)
		return due_here;
	return alerts == 1;
}

/* "101 messages (limit 100), 12 read receipts (limit 10)" */
static void exceeded_text(const struct outbound_facts *f, char *out, size_t size)
{
	static const char *const words[OUTBOUND_COUNTERS] = { "messages", "recipients", "new recipients",
							       "read receipts" };
	size_t len = 0;
	unsigned c;

	out[0] = '\0';
	for (c = 0; c < OUTBOUND_COUNTERS; c++) {
		int n;

		if (!(f->exceeded & (1u << c)))
			continue;
		n = snprintf(out + len, size - len, "%s%" PRIu64 " %s (limit %" PRIu64 ")", len != 0 ? ", " : "",
			     f->count[c], words[c], f->limit[c]);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
}

static int outbound_run(struct mv_task *task, void *state)
{
	const struct outbound_state *s = state;
	const struct mv_envelope *env = task_envelope(task);
	struct outbound_facts *f;
	uint64_t by[OUTBOUND_COUNTERS];
	char what[300];
	unsigned c;
	bool any = false, due;
	int rc;

	for (c = 0; c < OUTBOUND_COUNTERS; c++)
		any |= s->limit[c] != 0;
	if (!any || env->direction == MV_DIRECTION_INBOUND || env->conn.sasl_user.len == 0 || task_store(task) == NULL)
		return MV_OK;
	f = mv_arena_calloc(task_arena(task), 1, sizeof(*f));
	if (f == NULL)
		return MV_NOMEM;
	rc = message_counts(task, s, by, f->counted);
	if (rc != MV_OK)
		return rc;
	f->user = env->conn.sasl_user;
	f->window = s->window;
	f->time = env->txn.time;
	memcpy(f->limit, s->limit, sizeof(f->limit));
	count(task, s, by, f);
	due = outbound_recent_note(s->recent, f->user, mv_msg_subject(task_msg(task)),
				   env->txn.time - env->txn.time % (int64_t)s->window, f->exceeded != 0, f);
	if (f->exceeded == 0)
		return MV_OK;
	outbound_log(f);
	if (s->alert_argv != NULL && first_alert(task, s, due) && outbound_alert_run(s->alert_argv, f) < 0)
		fprintf(stderr, "mailvet: warning: alert_command %s could not be started: %s\n", s->alert_argv[0],
			strerror(errno));
	exceeded_text(f, what, sizeof(what));
	if (task_symbol(task, SYM_OUTBOUND_RATE, "%.*s sent %s in %" PRIu32 " s", check_snippet_len(f->user, 200),
			f->user.p, what, s->window) < 0)
		return MV_NOMEM;
	task_require_action(task, MV_ACTION_TEMPFAIL);
	return task_reply(task,
			  "Sending limit reached: %s in %" PRIu32 " %s. The message is kept for a later try. If you "
			  "did not send this much mail, your password may be known to others: change it, and check "
			  "your mail client for read receipts it sends by itself.",
			  what, s->window % 60 == 0 ? s->window / 60 : s->window,
			  s->window % 60 == 0 ? "minutes" : "seconds") < 0
		       ? MV_NOMEM
		       : MV_OK;
}

const struct check_def check_outbound = {
	.name = "outbound",
	.description = "outbound limits per SASL user (messages, recipients, new recipients, read receipts per window), "
		       "counted in the store; past one, tempfail and an alert",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_ENVELOPE | MV_NEED_STORE,
	.stage = MV_STAGE_BODY,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = outbound_init,
	.deinit = outbound_deinit,
	.run = outbound_run,
};
