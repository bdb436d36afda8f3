/*
 * Client addresses: what each did (sessions, messages, rejections, failed
 * and good logins, the accounts it used) and its run of failed logins.  At
 * most `max` are tracked; past that, the one seen least recently is let go
 * (its run of failures judged first), so a log of millions of spam sources
 * keeps the memory of the busiest few.
 */
#include <stdlib.h>

#include "logs/logs_int.h"

static struct logs_client *at(struct logs_clients *c, uint32_t idx1)
{
	return &c->v[idx1 - 1];
}

static void unlink_age(struct logs_clients *c, struct logs_client *x)
{
	if (x->older != 0)
		at(c, x->older)->newer = x->newer;
	else
		c->oldest = x->newer;
	if (x->newer != 0)
		at(c, x->newer)->older = x->older;
	else
		c->newest = x->older;
	x->older = x->newer = 0;
}

static void link_newest(struct logs_clients *c, struct logs_client *x, uint32_t idx1)
{
	x->older = c->newest;
	x->newer = 0;
	if (c->newest != 0)
		at(c, c->newest)->newer = idx1;
	c->newest = idx1;
	if (c->oldest == 0)
		c->oldest = idx1;
}

static void unlink_hash(struct logs_clients *c, struct logs_client *x, uint32_t idx1)
{
	uint32_t *link;

	for (link = &c->bucket[x->hash & c->mask]; *link != 0; link = &at(c, *link)->next) {
		if (*link == idx1) {
			*link = x->next;
			return;
		}
	}
}

static int rehash(struct logs_clients *c, uint32_t cap)
{
	uint32_t *bucket = calloc(cap, sizeof(*bucket)), i;

	if (bucket == NULL)
		return -1;
	for (i = 0; i < c->n; i++) {
		c->v[i].next = bucket[c->v[i].hash & (cap - 1)];
		bucket[c->v[i].hash & (cap - 1)] = i + 1;
	}
	free(c->bucket);
	c->bucket = bucket;
	c->mask = cap - 1;
	return 0;
}

struct logs_client *logs_client_find(struct mv_logs *lg, const struct logs_ip *ip)
{
	struct logs_clients *c = &lg->clients;
	uint64_t h;
	uint32_t i;

	if (ip->family == 0 || c->bucket == NULL)
		return NULL;
	h = logs_ip_hash(c->seed, ip);
	for (i = c->bucket[h & c->mask]; i != 0; i = at(c, i)->next) {
		struct logs_client *x = at(c, i);

		if (x->hash == h && logs_ip_eq(&x->ip, ip)) {
			x->last = lg->now;
			unlink_age(c, x);
			link_newest(c, x, i);
			return x;
		}
	}
	return NULL;
}

struct logs_client *logs_client_get(struct mv_logs *lg, const struct logs_ip *ip)
{
	struct logs_clients *c = &lg->clients;
	struct logs_client *x = logs_client_find(lg, ip);
	uint32_t idx1;

	if (x != NULL || ip->family == 0)
		return x;
	if (c->n == c->max && c->oldest != 0) {
		/* Full: the least recently seen goes, its run judged first. */
		idx1 = c->oldest;
		x = at(c, idx1);
		logs_guess_close(lg, x);
		unlink_age(c, x);
		unlink_hash(c, x, idx1);
		c->evicted++;
	} else {
		if (c->n == c->cap) {
			uint32_t cap = c->cap != 0 ? c->cap * 2 : 1024;
			struct logs_client *v;

			if (cap > c->max)
				cap = c->max;
			v = realloc(c->v, (size_t)cap * sizeof(*v));
			if (v == NULL)
				return NULL;
			c->v = v;
			c->cap = cap;
		}
		if (c->bucket == NULL || c->n + 1 > c->mask + 1) {
			if (rehash(c, c->bucket == NULL ? 2048 : (c->mask + 1) * 2) != 0 && c->bucket == NULL)
				return NULL;
		}
		idx1 = ++c->n;
		x = at(c, idx1);
	}
	memset(x, 0, sizeof(*x));
	x->ip = *ip;
	x->hash = logs_ip_hash(c->seed, ip);
	x->first = x->last = lg->now;
	x->g_finding = -1;
	x->next = c->bucket[x->hash & c->mask];
	c->bucket[x->hash & c->mask] = idx1;
	link_newest(c, x, idx1);
	return x;
}

void logs_client_note_account(struct logs_client *c, uint32_t account)
{
	unsigned i;

	if (account == 0)
		return;
	for (i = 0; i < 4; i++) {
		if (c->accounts[i] == account)
			return;
		if (c->accounts[i] == 0) {
			c->accounts[i] = account;
			return;
		}
	}
}

void logs_clients_free(struct logs_clients *c)
{
	uint32_t i;

	for (i = 0; i < c->n; i++)
		logs_refs_free(&c->v[i].g_refs);
	free(c->v);
	free(c->bucket);
	memset(c, 0, sizeof(*c));
}
