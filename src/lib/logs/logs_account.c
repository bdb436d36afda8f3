/*
 * The accounts: the SASL user names (Postfix sasl_username, Exim A=, Dovecot
 * user=) seen in the logs, by name.  At most `max` are tracked; lines of
 * further ones are counted in `untracked` and otherwise ignored.
 */
#include <stdlib.h>

#include "logs/logs_int.h"

static int rehash(struct logs_accounts *a, uint32_t cap)
{
	uint32_t *bucket = calloc(cap, sizeof(*bucket)), i;

	if (bucket == NULL)
		return -1;
	for (i = 0; i < a->n; i++) {
		a->v[i].next = bucket[a->v[i].hash & (cap - 1)];
		bucket[a->v[i].hash & (cap - 1)] = i + 1;
	}
	free(a->bucket);
	a->bucket = bucket;
	a->mask = cap - 1;
	return 0;
}

uint32_t logs_account_find(const struct logs_accounts *a, mv_str name)
{
	uint64_t h;
	uint32_t i;

	if (name.len == 0 || a->bucket == NULL)
		return 0;
	h = logs_hash(a->seed, name.p, name.len);
	for (i = a->bucket[h & a->mask]; i != 0; i = a->v[i - 1].next) {
		const struct logs_account *x = &a->v[i - 1];

		if (x->hash == h && strlen(x->name) == name.len && memcmp(x->name, name.p, name.len) == 0)
			return i;
	}
	return 0;
}

uint32_t logs_account_get(struct logs_accounts *a, mv_str name, int64_t t)
{
	uint32_t i = logs_account_find(a, name);
	struct logs_account *x;

	if (i != 0 || name.len == 0)
		return i;
	/* A user name is short; a long one is a broken line, not an account. */
	if (name.len > 255 || memchr(name.p, '\0', name.len) != NULL)
		return 0;
	if (a->n >= a->max) {
		a->untracked++;
		return 0;
	}
	if (a->n == a->cap) {
		uint32_t cap = a->cap != 0 ? a->cap * 2 : 64;
		struct logs_account *v = realloc(a->v, (size_t)cap * sizeof(*v));

		if (v == NULL)
			return 0;
		a->v = v;
		a->cap = cap;
	}
	if ((a->bucket == NULL || a->n + 1 > a->mask + 1) &&
	    rehash(a, a->bucket == NULL ? 256 : (a->mask + 1) * 2) != 0 && a->bucket == NULL)
		return 0;
	x = &a->v[a->n];
	memset(x, 0, sizeof(*x));
	x->name = malloc(name.len + 1);
	if (x->name == NULL)
		return 0;
	memcpy(x->name, name.p, name.len);
	x->name[name.len] = '\0';
	x->hash = logs_hash(a->seed, name.p, name.len);
	x->first = x->last = t;
	x->first_msg = INT64_MIN;
	x->dom_hour = INT64_MIN;
	x->slot[0].hour = x->slot[1].hour = -1;
	x->judged = INT64_MIN;
	x->burst_f = x->newdom_f = x->bounce_f = -1;
	x->bounce_day = INT64_MIN;
	x->next = a->bucket[x->hash & a->mask];
	a->bucket[x->hash & a->mask] = ++a->n;
	return a->n;
}

void logs_accounts_free(struct logs_accounts *a)
{
	uint32_t i;

	for (i = 0; i < a->n; i++) {
		struct logs_account *x = &a->v[i];

		free(x->name);
		logs_known_free(&x->known);
		logs_set_free(&x->hour_dom);
		logs_set_free(&x->run.doms);
		free(x->hours);
		free(x->uses);
		logs_refs_free(&x->run.refs);
		logs_refs_free(&x->slot[0].all);
		logs_refs_free(&x->slot[0].newdom);
		logs_refs_free(&x->slot[1].all);
		logs_refs_free(&x->slot[1].newdom);
		logs_refs_free(&x->bounce_refs);
	}
	free(a->v);
	free(a->bucket);
	memset(a, 0, sizeof(*a));
}

struct order_ctx {
	const struct mv_logs *lg;
	const uint8_t *sev;	/* the most severe finding of each account */
};

static int cmp_order(const void *x, const void *y, void *arg)
{
	const struct order_ctx *o = arg;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	const struct logs_account *a = &o->lg->accounts.v[i - 1], *b = &o->lg->accounts.v[j - 1];

	if (o->sev[i - 1] != o->sev[j - 1])
		return o->sev[i - 1] > o->sev[j - 1] ? -1 : 1;
	if (a->messages != b->messages)
		return a->messages > b->messages ? -1 : 1;
	if (a->logins != b->logins)
		return a->logins > b->logins ? -1 : 1;
	return strcmp(a->name, b->name);
}

uint32_t *logs_accounts_order(const struct mv_logs *lg)
{
	uint32_t *order = malloc(((size_t)lg->accounts.n + 1) * sizeof(*order)), i;
	uint8_t *sev = calloc((size_t)lg->accounts.n + 1, 1);
	struct order_ctx o = { lg, sev };

	if (order == NULL || sev == NULL) {
		free(order);
		free(sev);
		return NULL;
	}
	for (i = 0; i < lg->n_findings; i++) {
		const struct logs_finding *f = &lg->findings[i];

		if (f->account != 0 && sev[f->account - 1] < (uint8_t)f->severity)
			sev[f->account - 1] = (uint8_t)f->severity;
	}
	for (i = 0; i < lg->accounts.n; i++)
		order[i] = i + 1;
	qsort_r(order, lg->accounts.n, sizeof(*order), cmp_order, &o);
	free(sev);
	return order;
}
