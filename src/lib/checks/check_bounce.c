/*
 * Bounces and backscatter (docs/internals/dsn.md), BATV, and replies to our
 * own mail.  Spam that forges one of our addresses bounces back to it
 * (backscatter); a bounce of mail we really sent must reach the user.  So:
 *   - outbound mail of local_domains gets a BATV-tagged envelope sender
 *     (a change_from the milter applies), when a key file is set;
 *   - an inbound bounce (from the null sender, RFC 5321 4.5.5) is ours when
 *     its recipient carries a valid tag, or when the message it returns is
 *     one the store says we sent: BOUNCE_VALID, the tag taken off the
 *     recipient (change_rcpt).  It is backscatter, refused, when its tag is
 *     bad or expired, when it is untagged though batv_required says all our
 *     mail is tagged, when the store has no record of the message it
 *     returns, or when that message never passed through our relays;
 *   - inbound mail that answers a message our users sent (In-Reply-To,
 *     References, looked up in the store) is a known thread, unless the
 *     sender's authentication failed.
 * Tag expiry is judged as of the scan time (txn.time, `--now`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsn/dsn.h"
#include "engine/check.h"
#include "envelope/envelope_int.h"
#include "mailvet/batv.h"
#include "store/store.h"

enum { SYM_BOUNCE, SYM_BOUNCE_VALID, SYM_BOUNCE_BACKSCATTER, SYM_BATV_INVALID, SYM_KNOWN_THREAD };

static const struct check_symbol symbols[] = {
	[SYM_BOUNCE] = { "BOUNCE", "bounce", 0.0,
		"a bounce arrived: a mail server reports that a message sent from an address of ours could not be "
		"delivered, or was delayed" },
	[SYM_BOUNCE_VALID] = { "BOUNCE_VALID", "bounce", -5.0,
		"the bounce is of a message our user really sent (its BATV tag is valid, or the store knows the message "
		"it returns): it is delivered, with the tag taken off the recipient" },
	[SYM_BOUNCE_BACKSCATTER] = { "BOUNCE_BACKSCATTER", "bounce", 5.0,
		"backscatter: a bounce of a message never sent from here (spam that forged our address was refused "
		"elsewhere and the refusal came back to us); the bounce is rejected, and the user never sees it" },
	[SYM_BATV_INVALID] = { "BATV_INVALID", "bounce", 3.0,
		"the recipient address carries a BATV tag (prvs=) that we did not make for it, or that has expired: "
		"the tag was forged, copied from another address, or is too old" },
	[SYM_KNOWN_THREAD] = { "KNOWN_THREAD", "thread", -2.0,
		"a reply in a conversation our user started: it answers a message they sent (In-Reply-To or "
		"References), and its sender's authentication did not fail" },
};

static const char *const after[] = { "spf", "dkim", "dmarc", "authres", NULL };

static const struct mv_setting_def settings[] = {
	{ "batv_key_file", MV_SETTING_STRING, "", 0, 0, NULL,
	  "the BATV key file, one \"NUMBER SECRET\" a line: outbound mail of local_domains gets a tagged envelope "
	  "sender and the tags of bounces are verified; empty: no BATV" },
	{ "batv_lifetime", MV_SETTING_TIME, "7d", 86400000.0, 365 * 86400000.0, NULL,
	  "how long a BATV tag stays valid: a bounce to an older tag is refused" },
	{ "batv_required", MV_SETTING_BOOL, "no", 0, 0, NULL,
	  "every outbound message of local_domains is BATV-tagged, so a bounce to an untagged local address is "
	  "backscatter" },
};

/* Message-IDs of In-Reply-To and References looked up, at most: a reply names its parent first. */
#define THREAD_LOOKUPS 8

struct bounce_state {
	struct envelope_policy policy;	/* local_domains, trusted_relays */
	struct mv_batv_keys *keys;	/* NULL: no BATV */
	unsigned lifetime_days;
	bool required;
};

static void bounce_deinit(void *state)
{
	struct bounce_state *st = state;

	envelope_policy_deinit(&st->policy);
	mv_batv_keys_free(&st->keys);
	free(st);
}

static int setting_fail(const struct mv_config *cfg, const char *name, const char *what, char **error_r)
{
	unsigned line = 0;
	const char *file = mv_config_where(cfg, name, &line);

	if (file != NULL ? asprintf(error_r, "%s:%u: %s: %s", file, line, name, what) < 0
			 : asprintf(error_r, "%s: %s", name, what) < 0)
		*error_r = NULL;
	return -1;
}

static int bounce_init(const struct mv_config *cfg, void **state_r, char **error_r)
{
	struct bounce_state *st = calloc(1, sizeof(*st));
	char *error = NULL, *path = mv_config_file_setting(cfg, "batv_key_file");
	int rc;

	if (st == NULL || path == NULL) {
		free(st);
		free(path);
		return -1;
	}
	if (envelope_policy_init(&st->policy, cfg, error_r) < 0) {
		free(st);
		free(path);
		return -1;
	}
	st->lifetime_days = (unsigned)(mv_config_time_ms(cfg, "batv_lifetime") / 86400000);
	st->required = mv_config_bool(cfg, "batv_required");
	rc = 0;
	if (path[0] != '\0' && mv_batv_keys_load(path, &st->keys, &error) < 0)
		rc = setting_fail(cfg, "batv_key_file", error != NULL ? error : "out of memory", error_r);
	else if (st->required && st->keys == NULL)
		rc = setting_fail(cfg, "batv_required", "needs batv_key_file: without keys no mail is tagged", error_r);
	free(error);
	free(path);
	if (rc < 0) {
		bounce_deinit(st);
		return -1;
	}
	*state_r = st;
	return 0;
}

static int nomem(int rc)
{
	return rc < 0 ? MV_NOMEM : MV_OK;
}

/* Outbound: the envelope sender of local_domains gets its tag. */
static int sign_sender(struct mv_task *task, const struct bounce_state *st)
{
	const struct mv_envelope *env = task_envelope(task);
	mv_str from = env->txn.mail_from;
	char tagged[320];
	int n;

	if (st->keys == NULL || from.len == 0 || !envelope_address_local(&st->policy, from))
		return MV_OK;
	n = mv_batv_sign(st->keys, from, env->txn.time, st->lifetime_days, tagged, sizeof(tagged));
	if (n <= 0)
		return MV_OK;
	return nomem(task_change(task, MV_CHANGE_CHANGE_FROM, MV_STR_NULL, mv_str_make(tagged, (size_t)n), from, 0,
				 "BATV: bounces of this message come back to a tagged address, valid for %u days, so that "
				 "backscatter can be told from them", st->lifetime_days));
}

/* What the recipients' tags say. */
struct tags {
	unsigned valid, bad, local_untagged;
	struct mv_batv_result first_valid, first_bad;
	mv_str bad_rcpt;		/* as given, tag and all */
};

/* What is wrong with a tag, in words that follow "the tag": "expired 3 days ago". */
static const char *tag_problem(const struct mv_batv_result *r, char *buf, size_t size)
{
	if (r->status == MV_BATV_EXPIRED)
		snprintf(buf, size, "expired %u day%s ago", r->days, r->days == 1 ? "" : "s");
	else if (r->status == MV_BATV_BAD_DAY)
		snprintf(buf, size, "expires in %u days, later than any tag we make", r->days);
	else if (r->status == MV_BATV_UNKNOWN_KEY)
		snprintf(buf, size, "names key %u, which we do not have", r->key);
	else if (r->status == MV_BATV_BAD_SIGNATURE)
		snprintf(buf, size, "was not made by us for this address");
	else
		snprintf(buf, size, "is malformed");
	return buf;
}

/* Verifies each recipient's tag; a valid one is taken off (change_rcpt), a bad one reported. */
static int check_tags(struct mv_task *task, const struct bounce_state *st, struct tags *t)
{
	const struct mv_envelope *env = task_envelope(task);
	unsigned i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < env->txn.n_rcpt; i++) {
		struct mv_batv_result r;

		if (st->keys == NULL) {
			r.status = MV_BATV_UNTAGGED;
			r.address = env->txn.rcpt[i];
		} else {
			(void)mv_batv_verify(st->keys, env->txn.rcpt[i], env->txn.time, st->lifetime_days, &r);
		}
		if (r.status == MV_BATV_UNTAGGED) {
			t->local_untagged += envelope_address_local(&st->policy, r.address);
		} else if (r.status == MV_BATV_VALID) {
			if (t->valid++ == 0)
				t->first_valid = r;
			if (task_change(task, MV_CHANGE_CHANGE_RCPT, MV_STR_NULL, r.address, env->txn.rcpt[i], 0,
					"BATV: the recipient's valid tag is taken off for delivery") < 0)
				return MV_NOMEM;
		} else if (t->bad++ == 0) {
			t->first_bad = r;
			t->bad_rcpt = env->txn.rcpt[i];
		}
	}
	if (t->bad != 0) {
		char problem[120];

		return nomem(task_symbol(task, SYM_BATV_INVALID, "the BATV tag of %.*s %s",
					 check_snippet_len(t->bad_rcpt, 200), t->bad_rcpt.p,
					 tag_problem(&t->first_bad, problem, sizeof(problem))));
	}
	return MV_OK;
}

static int backscatter(struct mv_task *task, const char *why)
{
	task_require_action(task, MV_ACTION_REJECT);
	if (task_reply(task, "5.7.1 Bounce refused: it returns a message that was not sent from here (%s). Someone "
			     "forged our address; no action is needed.", why) < 0)
		return MV_NOMEM;
	return nomem(task_symbol(task, SYM_BOUNCE_BACKSCATTER, "%s", why));
}

/* 127.0.0.0/8 and ::1: every site's content filters hand mail on over loopback, the bouncer's too. */
static bool loopback(mv_str ip)
{
	uint8_t a[16];
	static const uint8_t v6_loopback[16] = { [15] = 1 };
	static const uint8_t v4_mapped[12] = { [10] = 0xff, [11] = 0xff };

	return net_parse_ip(ip, a) &&
	       (memcmp(a, v6_loopback, 16) == 0 || (memcmp(a, v4_mapped, 12) == 0 && a[12] == 127));
}

/*
 * Whether a returned Received field names one of our relays (trusted_relays),
 * as its writer or as the client the next server took the mail from.
 */
static bool through_our_relays(mv_arena *arena, const struct bounce_state *st, const struct dsn_returned *ret)
{
	unsigned i;

	for (i = 0; i < ret->n_received; i++) {
		struct mv_received hop;
		mv_str by;

		if (mv_received_parse(arena, ret->received[i], &hop) < 0)
			return true;	/* out of memory: no verdict */
		by = hop.by;
		if (by.len >= 2 && by.p[0] == '[' && by.p[by.len - 1] == ']')
			by = mv_str_make(by.p + 1, by.len - 2);
		if (envelope_name_trusted(&st->policy, by) || envelope_name_trusted(&st->policy, hop.from) ||
		    envelope_name_trusted(&st->policy, hop.helo) ||
		    (!loopback(by) && netlist_match(&st->policy.trusted_nets, by)) ||
		    (!loopback(hop.ip) && netlist_match(&st->policy.trusted_nets, hop.ip)))
			return true;
	}
	return false;
}

/* Whether addr is in the comma-separated list (ASCII case-insensitive). */
static bool in_list(mv_str list, mv_str addr)
{
	const char *p = list.p, *end = list.p + list.len;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p)), *e = comma != NULL ? comma : end;

		if ((size_t)(e - p) == addr.len && strncasecmp(p, addr.p, addr.len) == 0)
			return true;
		p = e + 1;
	}
	return false;
}

/* A bounce from the null sender: ours, backscatter, or no verdict. */
static int judge(struct mv_task *task, const struct bounce_state *st, const struct dsn_report *d, const struct tags *t)
{
	const struct mv_envelope *env = task_envelope(task);
	mv_arena *arena = task_arena(task);
	mv_str id = d->returned.message_id;
	int iw = check_snippet_len(id, 200);
	char why[600], problem[120];

	if (t->bad != 0) {
		snprintf(why, sizeof(why), "the BATV tag of its recipient %s",
			 tag_problem(&t->first_bad, problem, sizeof(problem)));
		return backscatter(task, why);
	}
	if (t->valid != 0)
		return nomem(task_symbol(task, SYM_BOUNCE_VALID, "the recipient %.*s carries a valid BATV tag (key %u, "
					 "%u days left)", check_snippet_len(t->first_valid.address, 200),
					 t->first_valid.address.p, t->first_valid.key, t->first_valid.days));
	if (id.len != 0 && task_store(task) != NULL) {
		mv_str sender = MV_STR_NULL, rcpts = MV_STR_NULL;
		int rc = task_store_sent(task, id, &sender, &rcpts);
		unsigned i;
		bool to_sender = sender.len == 0 || env->txn.n_rcpt == 0;

		for (i = 0; i < env->txn.n_rcpt && !to_sender; i++)
			to_sender = in_list(sender, env->txn.rcpt[i]);
		if (rc == MV_OK && to_sender)
			return nomem(task_symbol(task, SYM_BOUNCE_VALID, "it returns <%.*s>, which %.*s sent from here",
						 iw, id.p, check_snippet_len(sender, 200), sender.p));
		if (rc == MV_OK) {
			snprintf(why, sizeof(why), "it returns <%.*s>, which %.*s sent, not the bounce's recipient", iw,
				 id.p, check_snippet_len(sender, 200), sender.p);
			return backscatter(task, why);
		}
		if (rc == MV_NOTFOUND) {
			snprintf(why, sizeof(why), "it returns <%.*s>, which was never sent from here", iw, id.p);
			return backscatter(task, why);
		}
		if (rc == MV_NOMEM)
			return MV_NOMEM;
		/* MV_TEMPFAIL: reported as STORE_UNAVAILABLE; the other evidence may still decide. */
	}
	if (st->required && t->local_untagged != 0)
		return backscatter(task, "its recipient has no BATV tag, and all mail sent from here is tagged");
	if (d->returned.n_received != 0 && (st->policy.n_trusted_names != 0 || st->policy.trusted_nets.n != 0) &&
	    !through_our_relays(arena, st, &d->returned))
		return backscatter(task, "the message it returns never passed through our relays");
	return MV_OK;
}

/* The Message-IDs of In-Reply-To, then of References from the last (the parent) back. */
static unsigned thread_ids(struct mv_task *task, mv_str ids_r[THREAD_LOOKUPS])
{
	const struct mv_part *root = task_msg(task)->root;
	const struct mv_header *irt = mv_part_header(root, "In-Reply-To"), *refs = mv_part_header(root, "References");
	unsigned n = 0;

	if (irt != NULL) {
		mv_str id = mv_msgid_parse(task_arena(task), irt->value);

		if (id.len != 0)
			ids_r[n++] = id;
	}
	if (refs != NULL) {
		const char *p = refs->value.p + refs->value.len;

		while (n < THREAD_LOOKUPS && p > refs->value.p) {
			const char *gt = p - 1, *lt;

			while (gt >= refs->value.p && *gt != '>')
				gt--;
			if (gt < refs->value.p)
				break;
			for (lt = gt; lt >= refs->value.p && *lt != '<'; lt--)
				;
			if (lt < refs->value.p)
				break;
			/* The last reference is usually In-Reply-To again. */
			if (gt - lt > 1 && !(n == 1 && irt != NULL && (size_t)(gt - lt - 1) == ids_r[0].len &&
					     memcmp(lt + 1, ids_r[0].p, ids_r[0].len) == 0))
				ids_r[n++] = mv_str_make(lt + 1, (size_t)(gt - lt - 1));
			p = lt;
		}
	}
	return n;
}

/* DMARC failed, or SPF failed with no DKIM signature passing. */
static bool auth_failed(const struct mv_auth *a)
{
	unsigned i;

	if (a->dmarc.result == MV_AUTH_FAIL)
		return true;
	if (a->spf.result != MV_AUTH_FAIL)
		return false;
	for (i = 0; i < a->n_dkim; i++) {
		if (a->dkim[i].result == MV_AUTH_PASS)
			return false;
	}
	return true;
}

static int known_thread(struct mv_task *task)
{
	mv_str ids[THREAD_LOOKUPS], sender, rcpts;
	unsigned n, i;

	if (task_store(task) == NULL)
		return MV_OK;
	n = thread_ids(task, ids);
	for (i = 0; i < n; i++) {
		int rc = task_store_sent(task, ids[i], &sender, &rcpts);

		if (rc == MV_NOTFOUND)
			continue;
		if (rc != MV_OK)
			return rc == MV_NOMEM ? MV_NOMEM : MV_OK;
		if (auth_failed(&task_report(task)->auth))
			return MV_OK;
		return nomem(task_symbol(task, SYM_KNOWN_THREAD, "%s <%.*s>, which %.*s sent from here",
					 i == 0 && mv_part_header(task_msg(task)->root, "In-Reply-To") != NULL
						 ? "it answers"
						 : "its References name",
					 check_snippet_len(ids[i], 200), ids[i].p, check_snippet_len(sender, 200), sender.p));
	}
	return MV_OK;
}

/* The null sender: SMTP's MAIL FROM:<>, or without an envelope sender the Return-Path: <> of delivery. */
static bool null_sender(struct mv_task *task)
{
	const struct mv_envelope *env = task_envelope(task);
	const struct mv_header *rp;

	if (env->txn.has_mail_from)
		return env->txn.mail_from.len == 0;
	rp = mv_part_header(task_msg(task)->root, "Return-Path");
	return rp != NULL && mv_str_eq(mv_str_trim(rp->value), "<>");
}

static int bounce_run(struct mv_task *task, void *state)
{
	const struct bounce_state *st = state;
	const struct mv_envelope *env = task_envelope(task);
	struct dsn_report d;
	struct tags t;
	bool null;
	int rc;

	if (env->direction == MV_DIRECTION_OUTBOUND)
		return sign_sender(task, st);
	if (env->direction != MV_DIRECTION_INBOUND)
		return MV_OK;
	null = null_sender(task);
	if (dsn_read(task_msg(task), null, &d) < 0)
		return MV_NOMEM;
	rc = check_tags(task, st, &t);
	if (rc != MV_OK)
		return rc;
	if (d.kind != DSN_KIND_BOUNCE)
		return d.kind == DSN_KIND_NONE || d.kind == DSN_KIND_AUTOREPLY ? known_thread(task) : MV_OK;
	if (task_symbol(task, SYM_BOUNCE, "%s bounce (%s) for %u recipient%s: %s", d.format,
			dsn_action_name(d.action), d.n_rcpt_seen, d.n_rcpt_seen == 1 ? "" : "s", d.why) < 0)
		return MV_NOMEM;
	return null ? judge(task, st, &d, &t) : MV_OK;
}

const struct check_def check_bounce = {
	.name = "bounce",
	.description = "bounces: ours (a valid BATV tag, a message we sent) or backscatter; BATV tags on outbound "
		       "mail; replies to messages our users sent",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.stage = MV_STAGE_BODY,
	.after = after,
	.settings = settings,
	.n_settings = sizeof(settings) / sizeof(settings[0]),
	.init = bounce_init,
	.deinit = bounce_deinit,
	.run = bounce_run,
};
