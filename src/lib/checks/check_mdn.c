/*
 * Read-receipt requests arriving (inbound and internal mail).  Junk that asks
 * for a receipt, sent to one user with the real targets in Bcc and in
 * Disposition-Notification-To, makes clients that answer by themselves
 * (Outlook's "Not read:" when it is deleted unread) send receipts to those
 * targets through the user's own account.  RFC 8098 2.1 already forbids
 * answering automatically when the address is not the Return-Path, is
 * missing or is several; this check reports those requests, and removes the
 * request (every field of it) from them and from junk, phishing and mail
 * that fails DMARC, so that no client sees it.  It keeps a correspondent's
 * ordinary request and a request to the recipient themselves (the read-receipt
 * self-test).  Every request is recorded in the store, removed or kept, so
 * that the receipt answering one can be judged when it leaves (check_mdn_out).
 * The readers are in mdn/; this file is the glue.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "mdn/mdn.h"

enum { SYM_MDN_REQUEST, SYM_MDN_REQUEST_FOREIGN, SYM_MDN_REQUEST_BCC };

static const struct check_symbol symbols[] = {
	[SYM_MDN_REQUEST] = { "MDN_REQUEST", "mdn", 0.0,
		"the message asks the reader's mail client to tell its sender when it is read (a read-receipt request)" },
	[SYM_MDN_REQUEST_FOREIGN] = { "MDN_REQUEST_FOREIGN", "mdn", 1.0,
		"the read receipt it asks for would go to someone other than its sender, or to several people; "
		"no mail client should send it by itself, and mailvet removes the request" },
	[SYM_MDN_REQUEST_BCC] = { "MDN_REQUEST_BCC", "mdn", 0.5,
		"it asks a read receipt of a recipient who is in neither To nor Cc, as junk aimed at Bcc'd targets does" },
};

/*
 * The checks whose symbols make a message junk, phishing or an impersonation
 * must run first: the decision reads the score so far and the DMARC result.
 */
/* Every check that scores before it: a request in junk is removed, so the junk must be scored first. */
static const char *const after[] = { "headers", "content", "structure", "helo", "smime", "spf", "dkim", "arc",
				      "dmarc", "authres", "links", "brand", "sender", "bounce", NULL };

static const struct mv_setting_def settings[] = {
	{ "mdn_enforce", MV_SETTING_BOOL, "yes", 0, 0, NULL,
	  "remove receipt requests no client should answer by itself, and refuse receipts sent to third parties; "
	  "no: only report them" },
};

struct mdn_settings {
	bool enforce;
	double tag_score;
};

static int mdn_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct mdn_settings *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	s->enforce = mv_config_bool(cfg, "mdn_enforce");
	s->tag_score = mv_config_number(cfg, "tag_score");
	*state_r = s;
	return 0;
}

/* What the check learnt of one request. */
struct request_view {
	struct mdn_request req;
	mv_str return_path;
	enum mdn_foreign foreign;
	bool self;		/* every requested address is one of the envelope recipients */
	const char *kept_why, *removed_why;
	char why[300];
};

static bool in_list(const mv_str *list, unsigned n, mv_str addr)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (mdn_addr_eq(list[i], addr))
			return true;
	}
	return false;
}

/* Whether addr is in the To or Cc fields; *failed when the arena gave out. */
static bool in_to_cc(struct mv_task *task, mv_str addr, bool *failed)
{
	static const char *const names[] = { "To", "Cc" };
	const struct mv_part *root = task_msg(task)->root;
	size_t k;

	for (k = 0; k < 2; k++) {
		const struct mv_header *h;

		for (h = mv_part_header(root, names[k]); h != NULL; h = mv_part_header_next(root, h)) {
			struct mv_addr *list;
			int n = mv_addr_parse_list(task_arena(task), h->value, 0, &list), i;

			if (n < 0) {
				*failed = true;
				return false;
			}
			for (i = 0; i < n; i++) {
				if (mdn_addr_eq(list[i].address, addr))
					return true;
			}
		}
	}
	return false;
}

/* MDN_REQUEST_BCC: the envelope recipients in neither To nor Cc. */
static int report_bcc(struct mv_task *task, const struct mv_envelope *env)
{
	bool failed = false;
	unsigned i, hidden = 0;
	mv_str first = MV_STR_NULL;

	for (i = 0; i < env->txn.n_rcpt && i < 100; i++) {
		if (in_to_cc(task, env->txn.rcpt[i], &failed))
			continue;
		if (failed)
			return MV_NOMEM;
		if (hidden++ == 0)
			first = env->txn.rcpt[i];
	}
	if (hidden == 0)
		return MV_OK;
	if (hidden == 1)
		return task_symbol(task, SYM_MDN_REQUEST_BCC, "the recipient %.*s is in neither To nor Cc",
				   check_snippet_len(first, 200), first.p) < 0 ? MV_NOMEM : MV_OK;
	return task_symbol(task, SYM_MDN_REQUEST_BCC, "%u recipients (%.*s, ...) are in neither To nor Cc", hidden,
			   check_snippet_len(first, 200), first.p) < 0 ? MV_NOMEM : MV_OK;
}

static void foreign_why(struct request_view *v)
{
	const struct mdn_request *r = &v->req;
	mv_str a = r->n_addrs != 0 ? r->addrs[0] : MV_STR_NULL;

	switch (v->foreign) {
	case MDN_FOREIGN_SEVERAL:
		snprintf(v->why, sizeof(v->why), "the request names %s%u addresses (%.*s, ...)", r->more ? "over " : "",
			 r->n_addrs, check_snippet_len(a, 100), a.p);
		break;
	case MDN_FOREIGN_NO_RETURN_PATH:
		snprintf(v->why, sizeof(v->why), "the receipt would go to %.*s, and the message has no Return-Path",
			 check_snippet_len(a, 100), a.p);
		break;
	case MDN_FOREIGN_DIFFERS:
		snprintf(v->why, sizeof(v->why), "the receipt would go to %.*s, not to the Return-Path %.*s",
			 check_snippet_len(a, 100), a.p, check_snippet_len(v->return_path, 100), v->return_path.p);
		break;
	case MDN_FOREIGN_UNREADABLE:
		snprintf(v->why, sizeof(v->why), "the request names no usable address");
		break;
	case MDN_FOREIGN_NO:
		v->why[0] = '\0';
		break;
	}
}

/* A correspondent of any envelope recipient (the store's STORE_PEER); a store failure counts as no. */
static bool correspondent(struct mv_task *task, const struct mv_envelope *env, mv_str addr)
{
	unsigned i;

	if (task_store(task) == NULL)
		return false;
	for (i = 0; i < env->txn.n_rcpt && i < 8; i++) {
		int rc = task_store_peer(task, env->txn.rcpt[i], addr);

		if (rc == MV_OK)
			return true;
		if (rc != MV_NOTFOUND)
			return false;	/* reported by task_store_peer() */
	}
	return false;
}

/* Sets kept_why or removed_why. */
static void decide(struct mv_task *task, const struct mdn_settings *set, struct request_view *v)
{
	const struct mv_report *report = task_report(task);
	const struct mv_envelope *env = task_envelope(task);

	if (v->self) {
		v->kept_why = "a request to the recipient themselves";
		return;
	}
	if (v->foreign != MDN_FOREIGN_NO) {
		v->removed_why = "a receipt request that no mail client may answer by itself (RFC 8098 2.1)";
		return;
	}
	if (report->auth.dmarc.result == MV_AUTH_FAIL) {
		v->removed_why = "a receipt request in a message that fails DMARC (it is not from who it claims)";
		return;
	}
	if (report->score >= set->tag_score) {
		if (correspondent(task, env, v->req.addrs[0])) {
			v->kept_why = "junk by its score, but the request is a correspondent's";
			return;
		}
		v->removed_why = "a receipt request in junk (by its score)";
		return;
	}
	v->kept_why = "an ordinary request, to its sender";
}

/* A field value without its line ends, as the milter's header value is (arena). */
static mv_str unfold(mv_arena *arena, mv_str v)
{
	char *out = mv_arena_alloc(arena, v.len + 1);
	size_t i, n = 0;

	if (out == NULL)
		return MV_STR_NULL;
	for (i = 0; i < v.len; i++) {
		if (v.p[i] != '\r' && v.p[i] != '\n')
			out[n++] = v.p[i];
	}
	out[n] = '\0';
	return mv_str_make(out, n);
}

static int remove_fields(struct mv_task *task, const struct request_view *v)
{
	unsigned i;

	for (i = 0; i < v->req.n_fields; i++) {
		const struct mdn_request_field *f = &v->req.fields[i];
		mv_str value = unfold(task_arena(task), f->header->value);

		if (value.p == NULL && f->header->value.len != 0)
			return MV_NOMEM;
		if (task_change(task, MV_CHANGE_REMOVE_HEADER, f->header->name, value, MV_STR_NULL, f->index,
				"%s%s%s", v->removed_why, v->why[0] != '\0' ? ": " : "",
				v->why) < 0)
			return MV_NOMEM;
	}
	return MV_OK;
}

/* Remembers the request under its message's Message-ID, for the receipt that may answer it. */
static void record(struct mv_task *task, const struct request_view *v, bool removed)
{
	const struct mv_envelope *env = task_envelope(task);
	mv_arena *arena = task_arena(task);
	struct store *store = task_store(task);
	mv_str id = task_report(task)->message_id, value;
	struct mdn_record rec;
	int rc;

	if (store == NULL || id.len == 0)
		return;
	memset(&rec, 0, sizeof(rec));
	rec.removed = removed;
	rec.return_path = v->return_path;
	rec.requested = mdn_list_join(arena, v->req.addrs, v->req.n_addrs, MDN_RECORD_MAX / 2);
	rec.recipients = mdn_list_join(arena, env->txn.rcpt, env->txn.n_rcpt, MDN_RECORD_MAX / 2);
	rec.time = env->txn.time;
	value = mdn_record_format(arena, &rec);
	if (value.p == NULL)
		return;
	rc = store_put(store, STORE_MDN_REMOVED, id, value, env->txn.time, task_store_ttl(task, STORE_MDN_REMOVED));
	if (rc != MV_OK)
		task_store_failed(task, "recording a receipt request", rc);
}

static int report_request(struct mv_task *task, const struct request_view *v, bool removed)
{
	const struct mdn_request *r = &v->req;
	mv_str a = r->n_addrs != 0 ? r->addrs[0] : MV_STR_NULL;
	unsigned i;

	if (task_symbol(task, SYM_MDN_REQUEST, "%s asks for a receipt to %.*s%s (%s: %s)",
			mdn_request_name(r->fields[0].kind), check_snippet_len(a, 100), a.len != 0 ? a.p : "nobody",
			r->n_addrs > 1 || r->more ? " and others" : "", removed ? "removed" : "kept",
			removed ? v->removed_why : v->kept_why) < 0)
		return MV_NOMEM;
	for (i = 0; i < r->n_addrs; i++) {
		if (task_symbol_option(task, SYM_MDN_REQUEST, r->addrs[i]) < 0)
			return MV_NOMEM;
	}
	if (v->foreign != MDN_FOREIGN_NO &&
	    task_symbol(task, SYM_MDN_REQUEST_FOREIGN, "%s", v->why) < 0)
		return MV_NOMEM;
	return MV_OK;
}

static int mdn_run(struct mv_task *task, void *state)
{
	const struct mdn_settings *set = state;
	const struct mv_envelope *env = task_envelope(task);
	struct request_view *v;
	bool removed;
	unsigned i;
	int rc;

	if (env->direction == MV_DIRECTION_OUTBOUND)
		return MV_OK;
	v = mv_arena_calloc(task_arena(task), 1, sizeof(*v));
	if (v == NULL || mdn_request_read(task_arena(task), task_msg(task)->root, &v->req) < 0)
		return MV_NOMEM;
	if (v->req.n_fields == 0)
		return MV_OK;
	v->return_path = env->txn.mail_from;
	v->foreign = mdn_request_foreign(&v->req, v->return_path);
	foreign_why(v);
	v->self = v->req.n_addrs != 0 && !v->req.more && !v->req.unreadable;
	for (i = 0; i < v->req.n_addrs && v->self; i++)
		v->self = in_list(env->txn.rcpt, env->txn.n_rcpt, v->req.addrs[i]);
	/* Decided on the score before this check's own symbols add to it. */
	decide(task, set, v);
	removed = v->removed_why != NULL && set->enforce;
	if (v->removed_why != NULL && !set->enforce)
		v->kept_why = "mdn_enforce = no";
	rc = report_request(task, v, removed);
	if (rc == MV_OK && env->txn.n_rcpt != 0)
		rc = report_bcc(task, env);
	if (rc == MV_OK && removed)
		rc = remove_fields(task, v);
	if (rc == MV_OK)
		record(task, v, removed);
	return rc;
}

const struct check_def check_mdn = {
	.name = "mdn",
	.description = "read-receipt requests arriving: reported, and removed from foreign requests (RFC 8098 2.1) "
		       "and from junk, phishing and impersonation",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_HEADERS,
	.stage = MV_STAGE_BODY,
	.after = after,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = mdn_init,
	.deinit = free,
	.run = mdn_run,
};
