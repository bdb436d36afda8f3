/*
 * Password guessing: a client address's run of failed logins (SMTP AUTH,
 * IMAP, POP3, submission), one gap at most half an hour long, judged when it
 * ends.  Ten failures or more make a finding: low, medium from a hundred,
 * high when the address then logged in (during the run or within a day
 * after it), for then the guess was right.
 */
#include <stdlib.h>

#include "logs/logs_int.h"

#define GUESS_GAP 1800
#define GUESS_MIN 10
#define GUESS_MEDIUM 100
#define SUCCESS_WINDOW LOGS_DAY

static void add_user(struct logs_client *c, uint64_t seed, mv_str user)
{
	uint64_t h = logs_hash(seed, user.p, user.len);
	uint32_t i, n = c->g_nusers < 8 ? c->g_nusers : 8;

	for (i = 0; i < n; i++)
		if (c->g_users[i] == h)
			return;
	if (c->g_nusers < 8)
		c->g_users[c->g_nusers] = h;
	if (c->g_nusers == 0) {
		size_t len = user.len < sizeof(c->g_user) - 1 ? user.len : sizeof(c->g_user) - 1;

		memcpy(c->g_user, user.p, len);
		c->g_user[len] = '\0';
	}
	if (c->g_nusers < 4) {
		size_t have = strlen(c->g_names), room = sizeof(c->g_names) - have;

		if (room > user.len + 3)
			snprintf(c->g_names + have, room, "%s%.*s", have != 0 ? ", " : "", (int)user.len, user.p);
	}
	c->g_nusers++;
}

void logs_guess_fail(struct mv_logs *lg, struct logs_client *c, mv_str user, uint32_t n, enum logs_service svc)
{
	if (c->g_count != 0 && lg->now > c->g_last + GUESS_GAP)
		logs_guess_close(lg, c);
	if (c->g_count == 0) {
		c->g_start = lg->now;
		c->g_nusers = 0;
		c->g_user[0] = '\0';
		c->g_names[0] = '\0';
		c->g_success = 0;
		memset(c->g_svc, 0, sizeof(c->g_svc));
	}
	c->g_count += n;
	c->g_svc[svc] += n;
	c->g_last = lg->now;
	if (user.len != 0)
		add_user(c, lg->seed, user);
}

void logs_guess_user(struct mv_logs *lg, struct logs_client *c, mv_str user)
{
	if (c->g_count != 0 && lg->now <= c->g_last + GUESS_GAP && user.len != 0)
		add_user(c, lg->seed, user);
}

void logs_guess_success(struct mv_logs *lg, struct logs_client *c, uint32_t account, enum logs_service svc)
{
	struct logs_finding *f;

	if (account == 0)
		return;
	if (c->g_count != 0 && lg->now <= c->g_last + GUESS_GAP) {
		if (c->g_success == 0) {
			c->g_success = account;
			c->g_success_t = lg->now;
			c->g_success_svc = (uint8_t)svc;
		}
		return;
	}
	if (c->g_finding < 0)
		return;
	f = &lg->findings[c->g_finding];
	if (f->d == 0 && lg->now <= f->end + SUCCESS_WINDOW) {
		f->d = 1;
		f->account = account;
		f->b = (uint64_t)lg->now;
		f->c = svc;
		f->severity = LOGS_HIGH;
	}
}

void logs_guess_close(struct mv_logs *lg, struct logs_client *c)
{
	struct logs_finding *f;

	if (c->g_count >= GUESS_MIN) {
		uint32_t account = c->g_success;

		if (account == 0 && c->g_nusers == 1)
			account = logs_account_find(&lg->accounts, mv_str_cstr(c->g_user));
		f = logs_finding_new(lg, LOGS_K_PASSWORD_GUESSING, account, &c->ip, c->g_start, c->g_last);
		if (f != NULL) {
			f->count = c->g_count;
			f->a = c->g_nusers;
			memcpy(f->svc, c->g_svc, sizeof(f->svc));
			f->severity = c->g_success != 0 ? LOGS_HIGH : c->g_count >= GUESS_MEDIUM ? LOGS_MEDIUM : LOGS_LOW;
			if (c->g_success != 0) {
				f->d = 1;
				f->b = (uint64_t)c->g_success_t;
				f->c = c->g_success_svc;
			}
			if (account == 0 && c->g_nusers == 1)
				f->user = strdup(c->g_user);
			if (c->g_names[0] != '\0')
				f->names = strdup(c->g_names);
			/* The finding takes the messages sent after the login. */
			f->refs = c->g_refs;
			memset(&c->g_refs, 0, sizeof(c->g_refs));
			c->g_finding = (int32_t)(f - lg->findings);
		}
	}
	logs_refs_free(&c->g_refs);
	c->g_count = 0;
	c->g_success = 0;
}

/* A message of an account from an address that guessed its way in: evidence. */
void logs_guess_message(struct mv_logs *lg, struct logs_client *c, const struct logs_msg *m)
{
	if (c->g_count != 0 && c->g_success == m->account && m->time >= c->g_success_t) {
		logs_refs_add(&c->g_refs, m->time, m->qid);
		return;
	}
	if (c->g_finding >= 0) {
		struct logs_finding *f = &lg->findings[c->g_finding];

		if (f->d != 0 && f->account == m->account && m->time >= (int64_t)f->b)
			logs_refs_add(&f->refs, m->time, m->qid);
	}
}
