/*
 * The latest subjects of each SASL user and the window an alert was last
 * given for, in this process.  A fixed table: a user hashes to a slot and
 * probes a few after it; when all are taken the least recently used is
 * replaced, so the memory is bounded whatever the number of users.  The
 * counters themselves are in the store, shared by every scanner; this is
 * only what an alert shows, and its one-per-window rule.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "outbound/outbound.h"

#define RECENT_SLOTS 256
#define RECENT_PROBE 8
#define RECENT_USER_MAX 128

struct recent_slot {
	char user[RECENT_USER_MAX + 1];
	size_t user_len;
	uint64_t used;				/* the table's clock when last noted */
	int64_t alerted_window;			/* the window start of the last alert; -1: none */
	char subjects[OUTBOUND_SUBJECTS][OUTBOUND_SUBJECT_MAX + 1];	/* a ring */
	unsigned next, n;
};

struct outbound_recent {
	pthread_mutex_t lock;
	uint64_t clock;
	struct recent_slot slots[RECENT_SLOTS];
};

struct outbound_recent *outbound_recent_new(void)
{
	struct outbound_recent *r = calloc(1, sizeof(*r));

	if (r != NULL && pthread_mutex_init(&r->lock, NULL) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

void outbound_recent_free(struct outbound_recent *recent)
{
	if (recent == NULL)
		return;
	pthread_mutex_destroy(&recent->lock);
	free(recent);
}

static unsigned hash_user(mv_str user)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < user.len; i++)
		h = (h ^ (unsigned char)user.p[i]) * 16777619u;
	return h % RECENT_SLOTS;
}

static struct recent_slot *slot_for(struct outbound_recent *r, mv_str user)
{
	unsigned h = hash_user(user), i;
	struct recent_slot *oldest = NULL;

	for (i = 0; i < RECENT_PROBE; i++) {
		struct recent_slot *s = &r->slots[(h + i) % RECENT_SLOTS];

		if (s->user_len == user.len && memcmp(s->user, user.p, user.len) == 0 && s->used != 0)
			return s;
		if (oldest == NULL || s->used < oldest->used)
			oldest = s;
	}
	memset(oldest, 0, sizeof(*oldest));
	memcpy(oldest->user, user.p, user.len);
	oldest->user_len = user.len;
	oldest->alerted_window = -1;
	return oldest;
}

/* A subject for a log line or a variable: control bytes become spaces, a UTF-8 sequence is not cut. */
static void copy_subject(char *out, mv_str s)
{
	size_t n = s.len < OUTBOUND_SUBJECT_MAX ? s.len : OUTBOUND_SUBJECT_MAX, i;

	if (n < s.len)
		while (n > 0 && ((unsigned char)s.p[n] & 0xc0) == 0x80)
			n--;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f ? ' ' : s.p[i];
	out[n] = '\0';
}

bool outbound_recent_note(struct outbound_recent *recent, mv_str user, mv_str subject, int64_t window_start,
			  bool over, struct outbound_facts *facts)
{
	struct recent_slot *s;
	bool due = false;
	unsigned i;

	if (user.len > RECENT_USER_MAX)
		user.len = RECENT_USER_MAX;
	pthread_mutex_lock(&recent->lock);
	s = slot_for(recent, user);
	s->used = ++recent->clock;
	copy_subject(s->subjects[s->next], subject);
	s->next = (s->next + 1) % OUTBOUND_SUBJECTS;
	if (s->n < OUTBOUND_SUBJECTS)
		s->n++;
	for (i = 0; i < s->n; i++)
		memcpy(facts->subjects[i], s->subjects[(s->next + OUTBOUND_SUBJECTS - 1 - i) % OUTBOUND_SUBJECTS],
		       OUTBOUND_SUBJECT_MAX + 1);
	facts->n_subjects = s->n;
	if (over && s->alerted_window != window_start) {
		s->alerted_window = window_start;
		due = true;
	}
	pthread_mutex_unlock(&recent->lock);
	return due;
}
