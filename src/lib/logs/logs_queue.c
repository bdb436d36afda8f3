/*
 * The open queue ids: a chained hash table over messages allocated in chunks
 * (pointers stay valid while the table grows), with a free list, and a list
 * by age so that the oldest can be let go when too many are open or one has
 * been open too long (logs_join_expire).  At most `max` are open: memory is
 * bounded by that, not by the log.
 */
#include <stdlib.h>

#include "logs/logs_int.h"

int logs_queue_init(struct logs_queue *q, uint32_t max, uint64_t seed)
{
	memset(q, 0, sizeof(*q));
	q->max = max;
	q->seed = seed;
	q->mask = 4095;
	q->bucket = calloc((size_t)q->mask + 1, sizeof(*q->bucket));
	return q->bucket != NULL ? 0 : -1;
}

void logs_queue_free(struct logs_queue *q)
{
	uint32_t i, j;

	for (i = 0; i < q->n_chunks; i++) {
		for (j = 0; j < LOGS_QCHUNK; j++) {
			if (q->chunk[i][j].rcpt != q->chunk[i][j].rcpt_inline)
				free(q->chunk[i][j].rcpt);
			free(q->chunk[i][j].rindex);
		}
		free(q->chunk[i]);
	}
	free(q->chunk);
	free(q->bucket);
	memset(q, 0, sizeof(*q));
}

struct logs_msg *logs_queue_find(struct logs_queue *q, mv_str qid)
{
	uint64_t h;
	uint32_t i;

	if (qid.len == 0 || qid.len > LOGS_QID_MAX)
		return NULL;
	h = logs_hash(q->seed, qid.p, qid.len);
	for (i = q->bucket[h & q->mask]; i != 0;) {
		struct logs_msg *m = logs_queue_at(q, i);

		if (m->qhash == h && m->qid_len == qid.len && memcmp(m->qid, qid.p, qid.len) == 0)
			return m;
		i = m->next;
	}
	return NULL;
}

static void rehash(struct logs_queue *q)
{
	uint32_t cap = (q->mask + 1) * 2, *bucket = calloc(cap, sizeof(*bucket)), i, c;

	if (bucket == NULL)
		return;	/* longer chains, still right */
	for (c = 0; c < q->n_chunks; c++) {
		for (i = 0; i < LOGS_QCHUNK; i++) {
			struct logs_msg *m = &q->chunk[c][i];

			if (!(m->flags & LOGS_M_USED))
				continue;
			m->next = bucket[m->qhash & (cap - 1)];
			bucket[m->qhash & (cap - 1)] = c * LOGS_QCHUNK + i + 1;
		}
	}
	free(q->bucket);
	q->bucket = bucket;
	q->mask = cap - 1;
}

static uint32_t take_slot(struct logs_queue *q)
{
	uint32_t idx;

	if (q->free_head != 0) {
		idx = q->free_head;
		q->free_head = logs_queue_at(q, idx)->next;
		return idx;
	}
	if (q->used == q->n_chunks * LOGS_QCHUNK) {
		struct logs_msg **chunks = realloc(q->chunk, (q->n_chunks + 1) * sizeof(*chunks));

		if (chunks == NULL)
			return 0;
		q->chunk = chunks;
		q->chunk[q->n_chunks] = calloc(LOGS_QCHUNK, sizeof(struct logs_msg));
		if (q->chunk[q->n_chunks] == NULL)
			return 0;
		q->n_chunks++;
	}
	return ++q->used;
}

struct logs_msg *logs_queue_open(struct logs_queue *q, mv_str qid, int64_t t)
{
	struct logs_msg *m = logs_queue_find(q, qid);
	uint32_t idx;

	if (m != NULL)
		return m;
	if (qid.len == 0 || qid.len > LOGS_QID_MAX)
		return NULL;
	idx = take_slot(q);
	if (idx == 0)
		return NULL;
	m = logs_queue_at(q, idx);
	memset(m, 0, sizeof(*m));
	memcpy(m->qid, qid.p, qid.len);
	m->qid[qid.len] = '\0';
	m->qid_len = (uint8_t)qid.len;
	m->qhash = logs_hash(q->seed, qid.p, qid.len);
	m->flags = LOGS_M_USED;
	m->idx = idx;
	m->time = t;
	m->rcpt = m->rcpt_inline;
	m->cap_rcpt = 2;
	m->next = q->bucket[m->qhash & q->mask];
	q->bucket[m->qhash & q->mask] = idx;
	m->older = q->newest;
	if (q->newest != 0)
		logs_queue_at(q, q->newest)->newer = idx;
	q->newest = idx;
	if (q->oldest == 0)
		q->oldest = idx;
	q->open++;
	if (q->open > (q->mask + 1) * 2)
		rehash(q);
	return m;
}

void logs_queue_close(struct logs_queue *q, struct logs_msg *m)
{
	uint32_t idx = m->idx, *link;

	if (idx == 0 || !(m->flags & LOGS_M_USED))
		return;
	for (link = &q->bucket[m->qhash & q->mask]; *link != 0; link = &logs_queue_at(q, *link)->next) {
		if (*link == idx) {
			*link = m->next;
			break;
		}
	}
	if (m->older != 0)
		logs_queue_at(q, m->older)->newer = m->newer;
	else
		q->oldest = m->newer;
	if (m->newer != 0)
		logs_queue_at(q, m->newer)->older = m->older;
	else
		q->newest = m->older;
	if (m->rcpt != m->rcpt_inline)
		free(m->rcpt);
	free(m->rindex);
	memset(m, 0, sizeof(*m));
	m->next = q->free_head;
	q->free_head = idx;
	q->open--;
}

struct logs_msg *logs_queue_oldest(const struct logs_queue *q)
{
	return q->oldest != 0 ? logs_queue_at(q, q->oldest) : NULL;
}
