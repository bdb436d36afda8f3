/*
 * Receipts and auto-replies leaving (outbound and internal mail).  A receipt
 * is joined to the message it answers (Original-Message-ID, In-Reply-To,
 * References) through the store: the record check_mdn left when the request
 * arrived, or our own sent mail.  It may go to the original's Return-Path
 * when the request was an ordinary one (or the address is a correspondent),
 * and to the user themselves; without a record, only to an address the user
 * corresponded with.  Anything else is a receipt to a third party, the
 * "Not read:" an unattended Outlook sends to the Bcc'd targets of junk:
 * MDN_OUTBOUND_FOREIGN, refused with a reply that says what to change in the
 * client.  An allowed receipt the client sent by itself gets the same advice
 * (MDN_CLIENT_AUTOSENDS) without a block.  Without a store nothing can be
 * joined: receipts are reported, never refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "mdn/mdn.h"

enum { SYM_MDN_OUTBOUND, SYM_MDN_OUTBOUND_FOREIGN, SYM_MDN_CLIENT_AUTOSENDS, SYM_AUTOREPLY_OUTBOUND };

static const struct check_symbol symbols[] = {
	[SYM_MDN_OUTBOUND] = { "MDN_OUTBOUND", "mdn", 0.0,
		"one of our users sends a read receipt (or a \"not read\" notice)" },
	[SYM_MDN_OUTBOUND_FOREIGN] = { "MDN_OUTBOUND_FOREIGN", "mdn", 0.0,
		"a read receipt goes to someone who did not send the message it answers, or whom the user never "
		"corresponded with: the work of junk's hidden receipt requests; the message is refused" },
	[SYM_MDN_CLIENT_AUTOSENDS] = { "MDN_CLIENT_AUTOSENDS", "mdn", 0.0,
		"the user's mail client sends read receipts by itself, without asking: allowed this time, but it "
		"should be set to ask" },
	[SYM_AUTOREPLY_OUTBOUND] = { "AUTOREPLY_OUTBOUND", "mdn", 0.0,
		"one of our users sends an automatic reply (a vacation or out-of-office notice)" },
};

/* Where Outlook, the client that answers junk by itself, is told to ask first (for the reply and the advice). */
#define CLIENT_FIX "in Outlook, Tools > Options > E-mail Options > Tracking Options > " \
	"\"Ask me before sending a response\" (Outlook 2010 and later: File > Options > Mail > Tracking)"

struct mdn_out_settings {
	bool enforce;
};

static int mdn_out_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct mdn_out_settings *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	s->enforce = mv_config_bool(cfg, "mdn_enforce");
	*state_r = s;
	return 0;
}

/* What the store says of the message a receipt answers. */
struct original {
	bool found;
	bool ours;			/* our own user's sent mail (STORE_SENT) */
	mv_str id;
	struct mdn_record rec;		/* return_path and requested; for ours, rec.return_path = its sender */
};

/* Looks the answered ids up: a request's record first, then our own sent mail.  MV_OK, or MV_TEMPFAIL. */
static int find_original(struct mv_task *task, const mv_str *ids, unsigned n_ids, struct original *o)
{
	struct store *store = task_store(task);
	int64_t now = task_envelope(task)->txn.time;
	unsigned i;
	int rc;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < n_ids; i++) {
		mv_str value;

		rc = store_get(store, STORE_MDN_REMOVED, ids[i], now, task_arena(task), &value);
		if (rc == MV_OK && mdn_record_parse(value, &o->rec)) {
			o->found = true;
			o->id = ids[i];
			return MV_OK;
		}
		if (rc != MV_OK && rc != MV_NOTFOUND) {
			task_store_failed(task, "looking up the message a receipt answers", rc);
			return MV_TEMPFAIL;
		}
	}
	for (i = 0; i < n_ids; i++) {
		mv_str sender, rcpts;

		rc = task_store_sent(task, ids[i], &sender, &rcpts);
		if (rc == MV_OK) {
			o->found = o->ours = true;
			o->id = ids[i];
			o->rec.return_path = sender;
			o->rec.recipients = rcpts;
			return MV_OK;
		}
		if (rc != MV_NOTFOUND)
			return MV_TEMPFAIL;	/* reported by task_store_sent() */
	}
	return MV_OK;
}

/* The user the store knows: the SASL login, else the envelope sender. */
static mv_str user_of(const struct mv_envelope *env)
{
	return env->conn.sasl_user.len != 0 ? env->conn.sasl_user : env->txn.mail_from;
}

static bool is_self(struct mv_task *task, mv_str addr)
{
	const struct mv_envelope *env = task_envelope(task);
	const struct mv_addr *from = mv_msg_from(task_msg(task));

	return mdn_addr_eq(addr, env->txn.mail_from) || mdn_addr_eq(addr, env->conn.sasl_user) ||
	       (from != NULL && mdn_addr_eq(addr, from->address));
}

/* MV_OK when the user corresponded with addr, MV_NOTFOUND, or a store failure. */
static int peer(struct mv_task *task, mv_str addr)
{
	const struct mv_envelope *env = task_envelope(task);
	int rc = task_store_peer(task, user_of(env), addr);

	if (rc == MV_NOTFOUND && env->conn.sasl_user.len != 0 && env->txn.mail_from.len != 0 &&
	    !mdn_addr_eq(env->conn.sasl_user, env->txn.mail_from))
		rc = task_store_peer(task, env->txn.mail_from, addr);
	return rc;
}

enum verdict { ALLOWED_SELF, ALLOWED_SENDER, ALLOWED_PEER, FOREIGN_NOT_SENDER, FOREIGN_STRANGER, UNKNOWN };

/* Whether a receipt may go to rcpt. */
static enum verdict judge(struct mv_task *task, const struct original *o, mv_str rcpt)
{
	int rc;

	if (is_self(task, rcpt))
		return ALLOWED_SELF;
	if (o->found && !mdn_addr_eq(rcpt, o->rec.return_path))
		return FOREIGN_NOT_SENDER;
	if (o->found && (o->ours || !o->rec.removed))
		return ALLOWED_SENDER;
	rc = peer(task, rcpt);
	if (rc == MV_OK)
		return o->found ? ALLOWED_SENDER : ALLOWED_PEER;
	/* A store failure was reported by task_store_peer(). */
	return rc == MV_NOTFOUND ? FOREIGN_STRANGER : UNKNOWN;
}

static const char *disposition_text(const struct mdn_receipt *r, char *buf, size_t size)
{
	const struct mdn_disposition *d = &r->disposition;

	if (r->form == MDN_RECEIPT_REPORT && d->valid)
		snprintf(buf, size, "%s/%s; %s", d->automatic_action ? "automatic-action" : "manual-action",
			 d->sent_automatically ? "MDN-sent-automatically" : "MDN-sent-manually", mdn_type_name(d->type));
	else if (r->form == MDN_RECEIPT_REPORT)
		snprintf(buf, size, "a report without a readable Disposition");
	else
		snprintf(buf, size, "\"%.*s\" from %s, no machine-readable part", check_snippet_len(r->subject_form, 60),
			 r->subject_form.p, r->client);
	return buf;
}

static int refuse(struct mv_task *task, const struct mdn_out_settings *set, const struct original *o, mv_str rcpt,
		  enum verdict v)
{
	int w = check_snippet_len(rcpt, 200);
	int rc;

	if (v == FOREIGN_NOT_SENDER)
		rc = task_symbol(task, SYM_MDN_OUTBOUND_FOREIGN,
				 "a receipt to %.*s, who did not send the message it answers (<%.*s>, from %.*s)", w,
				 rcpt.p, check_snippet_len(o->id, 200), o->id.p,
				 check_snippet_len(o->rec.return_path, 200),
				 o->rec.return_path.len != 0 ? o->rec.return_path.p : "no Return-Path");
	else
		rc = task_symbol(task, SYM_MDN_OUTBOUND_FOREIGN,
				 "a receipt to %.*s, an address the user never corresponded with%s", w, rcpt.p,
				 o->found ? ", for a message whose receipt request mailvet removed"
					  : ", for a message mailvet has no record of");
	if (rc < 0 || task_symbol_option(task, SYM_MDN_OUTBOUND_FOREIGN, rcpt) < 0)
		return MV_NOMEM;
	if (!set->enforce)
		return MV_OK;
	task_require_action(task, MV_ACTION_REJECT);
	return task_reply(task,
			  "Read receipt not sent: it was addressed to %.*s, who %s. Junk asks for receipts to "
			  "third parties so that your mail client sends them from your account. Set it to ask "
			  "first: " CLIENT_FIX ".",
			  w, rcpt.p,
			  v == FOREIGN_NOT_SENDER ? "did not send you the message it answers"
						  : "you never wrote to and who did not write to you") < 0
		       ? MV_NOMEM
		       : MV_OK;
}

static int judge_receipt(struct mv_task *task, const struct mdn_out_settings *set, const struct mdn_receipt *r)
{
	const struct mv_envelope *env = task_envelope(task);
	struct original o;
	char disp[200];
	unsigned i;
	int rc;
	mv_str to = env->txn.n_rcpt != 0 ? env->txn.rcpt[0] : MV_STR_NULL;
	bool foreign = false, unknown = task_store(task) == NULL;

	if (task_symbol(task, SYM_MDN_OUTBOUND, "a read receipt (%s) to %.*s%s", disposition_text(r, disp, sizeof(disp)),
			check_snippet_len(to, 200), to.len != 0 ? to.p : "no known recipient",
			r->n_ids != 0 ? "" : ", naming no message it answers") < 0)
		return MV_NOMEM;
	if (unknown)
		return MV_OK;
	if (find_original(task, r->ids, r->n_ids, &o) != MV_OK)
		return MV_OK;	/* reported: nothing is refused on what the store could not say */
	for (i = 0; i < env->txn.n_rcpt && i < 100; i++) {
		enum verdict v = judge(task, &o, env->txn.rcpt[i]);

		if (v == UNKNOWN) {
			unknown = true;
		} else if (v == FOREIGN_NOT_SENDER || v == FOREIGN_STRANGER) {
			foreign = true;
			rc = refuse(task, set, &o, env->txn.rcpt[i], v);
			if (rc != MV_OK)
				return rc;
		}
	}
	if (foreign || unknown || !r->automatic)
		return MV_OK;
	return task_symbol(task, SYM_MDN_CLIENT_AUTOSENDS,
			   "the receipt (%s) was sent without asking the user; so that junk's requests are not "
			   "answered too: " CLIENT_FIX, disp) < 0 ? MV_NOMEM : MV_OK;
}

static int report_autoreply(struct mv_task *task, const struct mdn_autoreply *a)
{
	const struct mv_envelope *env = task_envelope(task);
	mv_str to = env->txn.n_rcpt != 0 ? env->txn.rcpt[0] : MV_STR_NULL;
	const char *known = "";

	/* What the store knows of whom it answers; a failure (reported) leaves it unsaid. */
	if (task_store(task) != NULL && to.len != 0) {
		struct original o;

		if (find_original(task, a->ids, a->n_ids, &o) != MV_OK)
			known = "";
		else if (o.found && o.rec.removed)
			known = ", answering a message whose receipt request mailvet removed";
		else if (o.found)
			known = ", answering a message mailvet recorded";
		else if (peer(task, to) == MV_NOTFOUND)
			known = ", to an address the user never corresponded with";
	}
	return task_symbol(task, SYM_AUTOREPLY_OUTBOUND, "an automatic reply (%s) to %.*s%s", a->mark,
			   check_snippet_len(to, 200), to.len != 0 ? to.p : "no known recipient", known) < 0
		       ? MV_NOMEM
		       : MV_OK;
}

static int mdn_out_run(struct mv_task *task, void *state)
{
	const struct mdn_out_settings *set = state;
	struct mv_msg *msg = task_msg(task);
	struct mdn_receipt r;
	struct mdn_autoreply a;

	if (task_envelope(task)->direction == MV_DIRECTION_INBOUND)
		return MV_OK;
	if (mdn_receipt_read(msg, &r) < 0)
		return MV_NOMEM;
	if (r.form != MDN_RECEIPT_NONE)
		return judge_receipt(task, set, &r);
	if (mdn_autoreply_read(msg, &a) < 0)
		return MV_NOMEM;
	return a.found ? report_autoreply(task, &a) : MV_OK;
}

const struct check_def check_mdn_out = {
	.name = "mdn_out",
	.description = "read receipts and auto-replies leaving: joined to the message they answer; receipts to third "
		       "parties refused",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS,
	.stage = MV_STAGE_BODY,
	.init = mdn_out_init,
	.deinit = free,
	.run = mdn_out_run,
};
