/*
 * task_dns(): the DNS of one message.  Every (type, name) it asks is kept in
 * the message's memo (in its arena), so a check that runs again after
 * MV_AGAIN finds its answers there, and two checks asking the same name make
 * one lookup.  A lookup still pending has one wait per check that asked; its
 * answer completes them all, and the deadline's cancel turns the entry into
 * TIMEOUT.  A message makes at most dns_max_queries distinct lookups (LIMIT
 * after that, not asked); invalid names are BADNAME, not asked.
 */
#include <string.h>

#include "dns/dns_int.h"
#include "engine/task_int.h"

struct memo_waiter {
	struct task_wait wait;		/* first: the cancel gets it */
	struct memo_entry *entry;
	struct memo_waiter *next;
};

struct memo_entry {
	const char *name;
	uint64_t hash;
	uint16_t type;
	bool pending;
	const struct dns_answer *answer;	/* in the arena, or own */
	struct dns_answer own;			/* an answer with no records: canonical is the name */
	struct dns_lookup *handle;
	struct memo_waiter *waiters;
	struct mv_task *task;
};

struct dns_memo {
	struct memo_entry **slots;	/* open addressing */
	size_t mask, count;
	unsigned queries;
};

static uint64_t memo_hash(const char *name, uint16_t type)
{
	uint64_t h = 14695981039346656037u ^ type;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211u;
	return h ^ (h >> 31);
}

static struct memo_entry **memo_slot(const struct dns_memo *memo, const char *name, uint16_t type, uint64_t hash)
{
	size_t i = hash & memo->mask;

	for (;; i = (i + 1) & memo->mask) {
		struct memo_entry *e = memo->slots[i];

		if (e == NULL || (e->hash == hash && e->type == type && strcmp(e->name, name) == 0))
			return &memo->slots[i];
	}
}

static int memo_grow(mv_arena *arena, struct dns_memo *memo)
{
	size_t n = memo->slots == NULL ? 16 : (memo->mask + 1) * 2, i;
	struct memo_entry **old = memo->slots;
	size_t old_n = old == NULL ? 0 : memo->mask + 1;

	memo->slots = mv_arena_calloc(arena, n, sizeof(*memo->slots));
	if (memo->slots == NULL) {
		memo->slots = old;
		return -1;
	}
	memo->mask = n - 1;
	for (i = 0; i < old_n; i++) {
		if (old[i] != NULL)
			*memo_slot(memo, old[i]->name, old[i]->type, old[i]->hash) = old[i];
	}
	return 0;
}

/* An answer with no records for e (the name as its canonical name). */
static const struct dns_answer *entry_answer(struct memo_entry *e, int rcode)
{
	e->own = (struct dns_answer){ rcode, NULL, 0, mv_str_cstr(e->name) };
	return &e->own;
}

/* The resolver's answer copied into the arena; NULL when out of memory. */
static const struct dns_answer *copy_answer(mv_arena *arena, struct memo_entry *e, const struct dns_answer *answer)
{
	void *mem;

	if (answer->n_rr == 0 && (answer->canonical.len == 0 || strcmp(answer->canonical.p, e->name) == 0))
		return entry_answer(e, answer->rcode);
	mem = mv_arena_alloc(arena, dns_answer_size(answer));
	return mem != NULL ? dns_answer_pack(answer, mem) : NULL;
}

/* From the loop: the lookup answered; every check that waits for it is done waiting. */
static void memo_done(void *arg, const struct dns_answer *answer)
{
	struct memo_entry *e = arg;
	struct memo_waiter *w;

	e->handle = NULL;
	e->pending = false;
	e->answer = copy_answer(task_arena(e->task), e, answer);
	if (e->answer == NULL) {
		e->task->msg->problems |= MV_PROB_MEMORY;
		e->answer = entry_answer(e, DNS_R_TEMPFAIL);
	}
	for (w = e->waiters; w != NULL; w = w->next)
		task_wait_done(&w->wait, MV_OK);
}

/* The deadline, or the task freed: the lookup is dropped and its answer is TIMEOUT. */
static void memo_cancel(struct task_wait *wait)
{
	struct memo_entry *e = ((struct memo_waiter *)(void *)wait)->entry;

	if (!e->pending)
		return;
	dns_cancel(e->handle);
	e->handle = NULL;
	e->pending = false;
	e->answer = entry_answer(e, DNS_R_TIMEOUT);
}

/* The running check waits for e: MV_AGAIN, or MV_OK when the wait ended at once (the deadline). */
static int memo_wait(struct mv_task *task, struct memo_entry *e, const struct dns_answer **answer_r)
{
	struct memo_waiter *w;

	for (w = e->waiters; w != NULL; w = w->next) {
		if (w->wait.check == task->current && w->wait.status == MV_AGAIN)
			return MV_AGAIN;
	}
	w = mv_arena_calloc(task_arena(task), 1, sizeof(*w));
	if (w == NULL)
		return MV_NOMEM;
	w->entry = e;
	w->next = e->waiters;
	e->waiters = w;
	task_wait_start(task, &w->wait, memo_cancel);
	if (e->pending)
		return MV_AGAIN;
	*answer_r = e->answer;
	return MV_OK;
}

int task_dns(struct mv_task *task, const char *name, unsigned type, const struct dns_answer **answer_r)
{
	struct dns_resolver *resolver = task->engine->dns;
	mv_arena *arena = task_arena(task);
	struct dns_memo *memo = task->dns_memo;
	const struct dns_answer *answer;
	struct memo_entry **slot, *e;
	char norm[256];
	uint64_t hash;
	int rc;

	*answer_r = NULL;
	if (!dns_name_normalize(mv_str_cstr(name), norm) || type == 0 || type > 0xffff) {
		*answer_r = dns_answer_static(DNS_R_BADNAME);
		return MV_OK;
	}
	if (memo == NULL) {
		memo = task->dns_memo = mv_arena_calloc(arena, 1, sizeof(*memo));
		if (memo == NULL || memo_grow(arena, memo) < 0)
			return MV_NOMEM;
	}
	hash = memo_hash(norm, (uint16_t)type);
	slot = memo_slot(memo, norm, (uint16_t)type, hash);
	e = *slot;
	if (e != NULL) {
		if (e->pending)
			return memo_wait(task, e, answer_r);
		*answer_r = e->answer;
		return MV_OK;
	}
	if (resolver == NULL || memo->queries >= dns_resolver_max_queries(resolver)) {
		*answer_r = dns_answer_static(resolver == NULL ? DNS_R_TEMPFAIL : DNS_R_LIMIT);
		return MV_OK;
	}
	if ((memo->count + 1) * 2 > memo->mask + 1) {
		if (memo_grow(arena, memo) < 0)
			return MV_NOMEM;
		slot = memo_slot(memo, norm, (uint16_t)type, hash);
	}
	e = mv_arena_calloc(arena, 1, sizeof(*e));
	if (e == NULL || (e->name = mv_arena_strndup(arena, norm, strlen(norm))) == NULL)
		return MV_NOMEM;
	e->hash = hash;
	e->type = (uint16_t)type;
	e->task = task;
	*slot = e;
	memo->count++;
	memo->queries++;
	if (task_time_left(task) == 0) {
		e->answer = entry_answer(e, DNS_R_TIMEOUT);
		*answer_r = e->answer;
		return MV_OK;
	}
	rc = dns_lookup_start(resolver, task_loop(task), e->name, e->type, memo_done, e, &answer, &e->handle);
	if (rc < 0) {
		e->answer = entry_answer(e, DNS_R_TEMPFAIL);
		return MV_NOMEM;
	}
	if (rc == 1) {
		e->answer = copy_answer(arena, e, answer);
		if (e->answer == NULL) {
			e->answer = entry_answer(e, DNS_R_TEMPFAIL);
			return MV_NOMEM;
		}
		*answer_r = e->answer;
		return MV_OK;
	}
	e->pending = true;
	return memo_wait(task, e, answer_r);
}
