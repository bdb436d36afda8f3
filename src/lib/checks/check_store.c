/*
 * The store check: after every other check, records what later messages are
 * judged against (docs/internals/store.md):
 *   - outbound mail: its Message-ID (STORE_SENT -> "sender\trcpt1,rcpt2"),
 *     and each recipient as a correspondent of the SASL user, else of the
 *     envelope sender (STORE_PEER);
 *   - inbound mail that is accepted (score below tag_score, no check asked
 *     for more): its From address as a correspondent of each local
 *     recipient, unless it is machine mail (null sender, Auto-Submitted).
 * A correspondent's value is the time first seen, kept when the entry is
 * renewed.  STORE_UNAVAILABLE, reported by the engine for any check whose
 * store call fails, is this check's symbol.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "envelope/envelope_int.h"
#include "store/store_task.h"

enum { SYM_STORE_UNAVAILABLE };

static const struct check_symbol symbols[] = {
	[SYM_STORE_UNAVAILABLE] = { "STORE_UNAVAILABLE", "store", 0.0,
		"the store (what mailvet remembers across messages) could not be used: checks that need it said "
		"nothing, and this message was not recorded" },
};

/* Every check of this build: the lead adds the others' names at merge. */
static const char *const after[] = {
	"headers", "content", "structure", "helo", "smime", "spf", "dkim", "arc", "dmarc", "authres", "links", "brand",
	"sender", "bounce", "mdn", "mdn_out", "outbound", NULL,
};

/* Recipients recorded with a message we sent: enough for any real message. */
#define SENT_VALUE_MAX ((size_t)64 << 10)

struct store_state {
	struct envelope_policy policy;	/* local_domains */
	double tag_score;
};

static int store_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct store_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return -1;
	if (envelope_policy_init(&st->policy, cfg, error_r) < 0) {
		free(st);
		return -1;
	}
	st->tag_score = mv_config_number(cfg, "tag_score");
	*state_r = st;
	return 0;
}

static void store_deinit(void *state)
{
	struct store_state *st = state;

	envelope_policy_deinit(&st->policy);
	free(st);
}

/* Renews user's correspondent, keeping the time first seen.  An mv_status; failures are reported. */
static int record_peer(struct mv_task *task, struct store *s, mv_str user, mv_str address)
{
	mv_arena *arena = task_arena(task);
	int64_t now = task_envelope(task)->txn.time;
	mv_str key = store_peer_key(arena, user, address), first;
	char text[24];
	int rc;

	if (key.len == 0)
		return MV_OK;
	rc = store_get(s, STORE_PEER, key, now, arena, &first);
	if (rc == MV_NOTFOUND || (rc == MV_OK && first.len > 20)) {
		first = mv_str_make(text, (size_t)snprintf(text, sizeof(text), "%lld", (long long)now));
		rc = MV_OK;
	}
	if (rc == MV_OK)
		rc = store_put(s, STORE_PEER, key, first, now, task_store_ttl(task, STORE_PEER));
	if (rc != MV_OK && rc != MV_NOMEM)
		task_store_failed(task, "recording a correspondent", rc);
	return rc;
}

/* "sender\trcpt1,rcpt2,...": what task_store_sent() gives back. */
static mv_str sent_value(struct mv_task *task, const struct mv_envelope *env)
{
	mv_buf buf;
	unsigned i;

	mv_buf_init(&buf, task_arena(task), SENT_VALUE_MAX);
	mv_buf_append(&buf, env->txn.mail_from.p, env->txn.mail_from.len);
	mv_buf_putc(&buf, '\t');
	for (i = 0; i < env->txn.n_rcpt; i++) {
		size_t before = buf.len;

		if ((i != 0 && mv_buf_putc(&buf, ',') < 0) ||
		    mv_buf_append(&buf, env->txn.rcpt[i].p, env->txn.rcpt[i].len) < 0) {
			buf.len = before;	/* whole addresses only */
			break;
		}
	}
	return mv_buf_finish(&buf);
}

static int record_outbound(struct mv_task *task, struct store *s)
{
	const struct mv_envelope *env = task_envelope(task);
	mv_str id = store_msgid_key(task_report(task)->message_id), user;
	unsigned i;
	int rc = MV_OK;

	if (id.len != 0) {
		rc = store_put(s, STORE_SENT, id, sent_value(task, env), env->txn.time, task_store_ttl(task, STORE_SENT));
		if (rc != MV_OK && rc != MV_NOMEM)
			task_store_failed(task, "recording sent mail", rc);
	}
	user = env->conn.sasl_user.len != 0 ? env->conn.sasl_user : env->txn.mail_from;
	for (i = 0; i < env->txn.n_rcpt && rc == MV_OK; i++)
		rc = record_peer(task, s, user, env->txn.rcpt[i]);
	return rc;
}

/* Mail a person wrote: not a bounce, a receipt or an auto-reply (RFC 3834 Auto-Submitted). */
static bool ordinary_mail(struct mv_task *task)
{
	struct mv_msg *msg = task_msg(task);
	const struct mv_header *h = mv_part_header(msg->root, "Auto-Submitted");

	if (mv_envelope_null_sender(task_envelope(task)))
		return false;
	return h == NULL || mv_str_eq_ci(mv_str_trim(h->value), "no");
}

static int record_inbound(struct mv_task *task, struct store *s, const struct store_state *st)
{
	const struct mv_envelope *env = task_envelope(task);
	const struct mv_report *report = task_report(task);
	const struct mv_addr *from;
	unsigned i;
	int rc = MV_OK;

	if (report->score >= st->tag_score || report->min_action != MV_ACTION_ACCEPT || !ordinary_mail(task))
		return MV_OK;
	from = mv_msg_from(task_msg(task));
	if (from == NULL || from->address.len == 0)
		return MV_OK;
	/* With no local_domains, every recipient of inbound mail is one of ours. */
	for (i = 0; i < env->txn.n_rcpt && rc == MV_OK; i++) {
		if (st->policy.n_local_domains == 0 || envelope_address_local(&st->policy, env->txn.rcpt[i]))
			rc = record_peer(task, s, env->txn.rcpt[i], from->address);
	}
	return rc;
}

static int store_run(struct mv_task *task, void *state)
{
	struct store *s = task_store(task);
	int rc;

	if (s == NULL)
		return MV_OK;
	if (task_envelope(task)->direction == MV_DIRECTION_INBOUND)
		rc = record_inbound(task, s, state);
	else if (task_report(task)->min_action < MV_ACTION_TEMPFAIL)
		rc = record_outbound(task, s);
	else
		rc = MV_OK;	/* refused or deferred: it did not leave, and its recipients are no correspondents */
	return rc == MV_NOMEM ? MV_NOMEM : MV_OK;
}

const struct check_def check_store = {
	.name = "store",
	.description = "records the mail our users send and their correspondents in the store, for the checks of "
		       "later messages",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_ENVELOPE | MV_NEED_STORE,
	.stage = MV_STAGE_BODY,
	.after = after,
	.init = store_init,
	.deinit = store_deinit,
	.run = store_run,
};
