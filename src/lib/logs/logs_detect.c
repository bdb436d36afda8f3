/*
 * What each account does, hour by hour, and the findings that say it does
 * something unlike itself (docs/logs.md gives the rules in plain words):
 *   receipt_burst  a run of read receipts (no gap over 10 minutes) of 10 or
 *                  more, most of them to addresses the account never wrote to
 *                  nor heard from;
 *   burst          an hour with far more messages than the account's
 *                  baseline (its mean and its largest earlier hour);
 *   new_domains    an hour with many recipient domains it never wrote to nor
 *                  heard from;
 *   new_client     a message from a network (/24, /48) it never sent from, when
 *                  it had kept to a few;
 *   bounce_rate    a day on which a large share of its recipients bounced.
 * An account's first three days (from its first message) teach its habits:
 * burst, new_domains and new_client are not decided before.  Hours are
 * closed (judged, and added to the baseline unless they were a finding) when
 * the account's messages are two hours later, or at the end: messages come in
 * nearly in time order, a little late when a recipient is deferred.
 */
#include <stdlib.h>

#include "logs/logs_int.h"

#define LEARN_SECONDS (3 * LOGS_DAY)
#define RECEIPT_GAP 600
#define RECEIPT_MIN 10
#define RECEIPT_HIGH 20
#define BURST_MIN 30			/* messages in an hour */
#define BURST_FACTOR 10			/* times the mean of the active hours */
#define BURST_BASE_HOURS 8		/* active hours needed for a baseline */
#define BURST_ALONE 500			/* without a baseline */
#define NEWDOM_MIN 10
#define NEWDOM_FACTOR 5
#define NEWDOM_HIGH 50
#define NEWCLIENT_MESSAGES 20
#define NEWCLIENT_PREFIXES 4
#define BOUNCE_MIN_RCPT 20
#define BOUNCE_MIN 10
#define BOUNCE_PERCENT 20
#define BOUNCE_HIGH 50

static struct logs_account *account_of(struct mv_logs *lg, uint32_t idx1)
{
	return &lg->accounts.v[idx1 - 1];
}

static int64_t hour_of(int64_t t)
{
	return t >= 0 ? t - t % LOGS_HOUR : t - ((t % LOGS_HOUR) + LOGS_HOUR) % LOGS_HOUR;
}

static bool learned(const struct logs_account *a, int64_t t)
{
	return a->first_msg != INT64_MIN && t >= a->first_msg + LEARN_SECONDS;
}

/* The index of the account's first hour at or after t. */
static uint32_t hour_index(const struct logs_account *a, int64_t t)
{
	uint32_t lo = 0, hi = a->n_hours;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (a->hours[mid].hour < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct logs_hour *logs_account_hour(struct logs_account *a, int64_t t)
{
	int64_t hour = hour_of(t);
	uint32_t lo;

	if (a->n_hours != 0 && a->hours[a->n_hours - 1].hour == hour)
		return &a->hours[a->n_hours - 1];
	lo = a->n_hours == 0 || a->hours[a->n_hours - 1].hour < hour ? a->n_hours : hour_index(a, hour);
	if (lo < a->n_hours && a->hours[lo].hour == hour)
		return &a->hours[lo];
	if (a->n_hours == a->cap_hours) {
		uint32_t cap = a->cap_hours != 0 ? a->cap_hours * 2 : 16;
		struct logs_hour *v = realloc(a->hours, (size_t)cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		a->hours = v;
		a->cap_hours = cap;
	}
	memmove(&a->hours[lo + 1], &a->hours[lo], (size_t)(a->n_hours - lo) * sizeof(*a->hours));
	memset(&a->hours[lo], 0, sizeof(*a->hours));
	a->hours[lo].hour = hour;
	a->n_hours++;
	return &a->hours[lo];
}

/* The finding of a receipt run, open or judged; NULL when the run made none. */
static struct logs_finding *run_finding(struct mv_logs *lg, uint32_t run)
{
	uint32_t i;

	for (i = lg->n_findings; i > 0; i--)
		if (lg->findings[i - 1].kind == LOGS_K_RECEIPT_BURST && lg->findings[i - 1].run == run)
			return &lg->findings[i - 1];
	return NULL;
}

/* Deferred and bounced recipients: the account, its hour, its receipt run. */
static void apply_status(struct mv_logs *lg, struct logs_account *a, struct logs_msg *m, unsigned flags)
{
	struct logs_hour *h;
	struct logs_finding *f = NULL;

	if (!(flags & (LOGS_R_DEFERRED | LOGS_R_BOUNCED)))
		return;
	h = logs_account_hour(a, m->time);
	if (m->run != 0 && m->run != a->run.id)
		f = run_finding(lg, m->run);
	if (flags & LOGS_R_DEFERRED) {
		a->deferred++;
		if (h != NULL)
			h->deferred++;
		if (m->run != 0 && m->run == a->run.id)
			a->run.deferred++;
		else if (f != NULL)
			f->b++;
	}
	if (flags & LOGS_R_BOUNCED) {
		a->bounced++;
		if (h != NULL)
			h->bounced++;
		if (a->bounce_day != INT64_MIN && m->time >= a->bounce_day)
			logs_refs_add(&a->bounce_refs, m->time, m->qid);
		if (m->run != 0 && m->run == a->run.id)
			a->run.bounced++;
		else if (f != NULL)
			f->c++;
	}
}

void logs_account_status(struct mv_logs *lg, struct logs_msg *m, struct logs_rcpt *r, unsigned new_flags)
{
	(void)r;
	apply_status(lg, account_of(lg, m->account), m, new_flags);
}

/*
 * An account's addresses and domains share one filter of what it knows
 * (written to or heard from: they are compared with nothing else); the
 * domains it wrote to are there once more, under another key, to be counted.
 */
static uint64_t wrote_key(uint64_t dom)
{
	return logs_mix(dom ^ 0x77726f7465646f6dULL);
}

/* One recipient of an account's message, the first time it is given. */
static void count_recipient(struct mv_logs *lg, struct logs_account *a, struct logs_msg *m, struct logs_rcpt *r)
{
	struct logs_hour *h = logs_account_hour(a, m->time);
	int64_t hour = hour_of(m->time);
	bool new_dom, new_addr;

	r->flags |= LOGS_R_COUNTED;
	if (r->flags & LOGS_R_REJECTED && !(r->flags & (LOGS_R_SENT | LOGS_R_DEFERRED | LOGS_R_BOUNCED)))
		return;	/* never left: not a recipient */
	a->recipients++;
	new_dom = !logs_known_has(&a->known, r->dom);
	new_addr = !logs_known_has(&a->known, r->addr);
	if (new_addr) {
		r->flags |= LOGS_R_NEW_ADDR;
		m->flags |= LOGS_M_NONCORR;
	}
	if (new_dom) {
		r->flags |= LOGS_R_NEW_DOM;
		if (learned(a, m->time)) {
			a->new_domains++;
			if (h != NULL)
				h->new_domains++;
			m->flags |= LOGS_M_NEWDOM;
		}
	}
	if (logs_known_add(&a->known, wrote_key(r->dom)) == 1)
		a->domains++;
	logs_known_add(&a->known, r->dom);
	/* A receipt is no conversation: its recipient stays a stranger. */
	if (!(m->flags & LOGS_M_RECEIPT))
		logs_known_add(&a->known, r->addr);
	if (hour > a->dom_hour) {
		logs_set_clear(&a->hour_dom);
		a->dom_hour = hour;
	}
	if (h != NULL) {
		h->recipients++;
		if (hour == a->dom_hour && logs_set_add(&a->hour_dom, r->dom) == 1)
			h->domains++;
	}
	apply_status(lg, a, m, r->flags);
}

static void slot_reset(struct logs_slot *s, int64_t hour)
{
	s->hour = hour;
	s->all.n = s->newdom.n = 0;
	s->all.total = s->newdom.total = 0;
}

/* Extends the open finding of the hour before (index in *open_r), or starts one. */
static struct logs_finding *hour_finding(struct mv_logs *lg, enum logs_kind kind, uint32_t idx1, int32_t *open_r,
					 int64_t hour)
{
	struct logs_finding *f;

	if (*open_r >= 0) {
		f = &lg->findings[*open_r];
		if (f->end == hour) {
			f->end = hour + LOGS_HOUR;
			return f;
		}
	}
	f = logs_finding_new(lg, kind, idx1, NULL, hour, hour + LOGS_HOUR);
	*open_r = f != NULL ? (int32_t)(f - lg->findings) : -1;
	return f;
}

static void add_refs(struct logs_refs *to, const struct logs_refs *from)
{
	uint32_t i;

	for (i = 0; i < from->n; i++)
		logs_refs_add(to, from->v[i].t, from->v[i].q);
	to->total += from->total - from->n;
}

/* Judges the hour of slot s, then adds it to the baseline unless it was a finding. */
static void close_hour(struct mv_logs *lg, uint32_t idx1, struct logs_slot *s)
{
	struct logs_account *a = account_of(lg, idx1);
	struct logs_hour *h = logs_account_hour(a, s->hour);
	struct logs_finding *f;
	uint64_t mean = 0, mean_nd = 0;
	bool flagged = false;

	if (h == NULL)
		goto done;
	if (a->base_hours != 0) {
		mean = (a->base_msgs + a->base_hours - 1) / a->base_hours;
		mean_nd = a->base_newdom / a->base_hours;
	}
	if ((learned(a, s->hour) && a->base_hours >= BURST_BASE_HOURS && h->messages >= BURST_MIN &&
	     h->messages >= BURST_FACTOR * mean && h->messages >= 2 * (uint64_t)a->base_max) ||
	    ((!learned(a, s->hour) || a->base_hours < BURST_BASE_HOURS) && h->messages >= BURST_ALONE)) {
		a = account_of(lg, idx1);
		f = hour_finding(lg, LOGS_K_BURST, idx1, &a->burst_f, s->hour);
		a = account_of(lg, idx1);
		if (f != NULL) {
			f->count += h->messages;
			f->a = mean;
			f->b = a->base_max;
			f->c = a->base_hours >= BURST_BASE_HOURS;
			if (f->count >= 1000 || (mean != 0 && f->count >= 100 * mean))
				f->severity = LOGS_HIGH;
			add_refs(&f->refs, &s->all);
		}
		flagged = true;
	}
	if (learned(a, s->hour) && h->new_domains >= NEWDOM_MIN && h->new_domains >= NEWDOM_FACTOR * mean_nd) {
		f = hour_finding(lg, LOGS_K_NEW_DOMAINS, idx1, &a->newdom_f, s->hour);
		a = account_of(lg, idx1);
		if (f != NULL) {
			f->count += h->new_domains;
			f->a = mean_nd;
			if (f->count >= NEWDOM_HIGH)
				f->severity = LOGS_HIGH;
			add_refs(&f->refs, &s->newdom);
		}
		flagged = true;
	}
	if (!flagged && h->messages != 0) {
		a->base_msgs += h->messages;
		a->base_newdom += h->new_domains;
		a->base_hours++;
		if (h->messages > a->base_max)
			a->base_max = h->messages;
	}
done:
	if (s->hour > a->judged)
		a->judged = s->hour;
	slot_reset(s, -1);
}

/* Closes the hours held open that are two or more hours before `hour`, oldest first. */
static void close_before(struct mv_logs *lg, uint32_t idx1, int64_t hour)
{
	struct logs_account *a = account_of(lg, idx1);
	struct logs_slot *s0 = &a->slot[0], *s1 = &a->slot[1], *first = s0, *second = s1;

	if (s1->hour >= 0 && (s0->hour < 0 || s1->hour < s0->hour)) {
		first = s1;
		second = s0;
	}
	if (first->hour >= 0 && first->hour < hour - LOGS_HOUR)
		close_hour(lg, idx1, first);
	if (second->hour >= 0 && second->hour < hour - LOGS_HOUR)
		close_hour(lg, idx1, second);
}

/* The slot of hour, opened when free; NULL for an hour already judged. */
static struct logs_slot *slot_of(struct logs_account *a, int64_t hour)
{
	struct logs_slot *s = &a->slot[(hour / LOGS_HOUR) & 1];

	if (s->hour == hour)
		return s;
	/* Held by a later hour, or already judged: a straggler, counted but not evidence. */
	if (s->hour >= 0 || hour <= a->judged)
		return NULL;
	slot_reset(s, hour);
	return s;
}

static void close_run(struct mv_logs *lg, uint32_t idx1)
{
	struct logs_account *a = account_of(lg, idx1);
	struct logs_run *run = &a->run;
	struct logs_finding *f;
	struct logs_refs refs;
	bool strangers;

	if (run->id == 0)
		return;
	strangers = run->noncorr * 2 >= run->count;
	if (run->count >= RECEIPT_MIN) {
		f = logs_finding_new(lg, LOGS_K_RECEIPT_BURST, idx1, &run->client, run->start, run->last);
		a = account_of(lg, idx1);
		run = &a->run;
		if (f != NULL) {
			f->severity = run->count >= RECEIPT_HIGH && strangers ? LOGS_HIGH
				      : strangers ? LOGS_MEDIUM : LOGS_LOW;
			f->count = run->count;
			f->a = run->noncorr;
			f->b = run->deferred;
			f->c = run->bounced;
			f->d = run->domains;
			f->run = run->id;
			/* The finding takes the run's evidence. */
			refs = f->refs;
			f->refs = run->refs;
			run->refs = refs;
		}
	}
	run->id = 0;
	run->refs.n = 0;
	run->refs.total = 0;
	logs_set_clear(&run->doms);
}

static void add_to_run(struct mv_logs *lg, uint32_t idx1, struct logs_msg *m)
{
	struct logs_account *a = account_of(lg, idx1);
	struct logs_run *run = &a->run;
	uint32_t i;

	if (run->id != 0 && m->time > run->last + RECEIPT_GAP) {
		close_run(lg, idx1);
		a = account_of(lg, idx1);
		run = &a->run;
	}
	if (run->id == 0) {
		run->id = ++lg->next_run;
		run->start = run->last = m->time;
		run->count = run->noncorr = run->deferred = run->bounced = run->domains = 0;
		run->client = m->client;
	}
	run->count++;
	if (m->time > run->last)
		run->last = m->time;
	if (m->time < run->start)
		run->start = m->time;
	if (m->flags & LOGS_M_NONCORR)
		run->noncorr++;
	for (i = 0; i < m->n_rcpt; i++) {
		if (logs_set_add(&run->doms, m->rcpt[i].dom) == 1)
			run->domains++;
		if (m->rcpt[i].flags & LOGS_R_DEFERRED)
			run->deferred++;
		if (m->rcpt[i].flags & LOGS_R_BOUNCED)
			run->bounced++;
	}
	logs_refs_add(&run->refs, m->time, m->qid);
	m->run = run->id;
}

/* A new client address of an account; NULL past LOGS_ACCOUNT_CLIENTS. */
static struct logs_use *new_use(struct mv_logs *lg, struct logs_account *a, const struct logs_ip *ip, int64_t t)
{
	struct logs_use *u;

	if (a->n_uses == LOGS_ACCOUNT_CLIENTS)
		return NULL;
	if (a->n_uses == a->cap_uses) {
		uint32_t cap = a->cap_uses != 0 ? a->cap_uses * 2 : 4;
		struct logs_use *v = realloc(a->uses, (size_t)cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		a->uses = v;
		a->cap_uses = cap;
	}
	u = &a->uses[a->n_uses++];
	memset(u, 0, sizeof(*u));
	u->ip = *ip;
	u->prefix = logs_ip_prefix_hash(lg->seed, ip);
	u->first = u->last = t;
	u->finding = -1;
	return u;
}

/*
 * The client address of an account's message: its uses, and a new network
 * after its habits are known.  An address it only logged in from (IMAP) is
 * no habit of sending: a thief's first sending from there is still new.
 */
static void use_client(struct mv_logs *lg, uint32_t idx1, struct logs_msg *m)
{
	struct logs_account *a = account_of(lg, idx1);
	struct logs_finding *f;
	struct logs_use *u = NULL;
	uint64_t prefix;
	uint32_t i, prior;
	bool new_prefix = true;

	if (m->client.family == 0)
		return;
	for (i = 0; i < a->n_uses && u == NULL; i++)
		if (logs_ip_eq(&a->uses[i].ip, &m->client))
			u = &a->uses[i];
	if (u != NULL && u->messages != 0) {
		u->messages++;
		if (m->time > u->last)
			u->last = m->time;
		if (u->finding >= 0) {
			f = &lg->findings[u->finding];
			f->count++;
			if (m->time > f->end)
				f->end = m->time;
			logs_refs_add(&f->refs, m->time, m->qid);
		}
		return;
	}
	prefix = logs_ip_prefix_hash(lg->seed, &m->client);
	for (i = 0; i < a->n_uses && new_prefix; i++)
		if (a->uses[i].prefix == prefix && a->uses[i].messages != 0)
			new_prefix = false;
	prior = a->prefixes;
	if (new_prefix)
		a->prefixes++;
	if (u == NULL && (u = new_use(lg, a, &m->client, m->time)) == NULL) {
		a->uses_over++;
		return;
	}
	u->messages = 1;
	if (m->time > u->last)
		u->last = m->time;
	/* This host itself (webmail, a local script) is no new network, whoever uses it. */
	if (!new_prefix || logs_ip_loopback(&m->client) || !learned(a, m->time) || a->messages <= NEWCLIENT_MESSAGES ||
	    prior > NEWCLIENT_PREFIXES)
		return;
	f = logs_finding_new(lg, LOGS_K_NEW_CLIENT, idx1, &m->client, m->time, m->time);
	if (f == NULL)
		return;
	f->count = 1;
	f->a = prior;
	logs_refs_add(&f->refs, m->time, m->qid);
	u->finding = (int32_t)(f - lg->findings);
}

static int64_t day_of(int64_t t)
{
	return t - ((t % LOGS_DAY) + LOGS_DAY) % LOGS_DAY;
}

/* Judges a day of bounces: a finding (or the one of the day before, extended) when many bounced. */
static void judge_bounce_day(struct mv_logs *lg, uint32_t idx1, int64_t day)
{
	struct logs_account *a = account_of(lg, idx1);
	struct logs_finding *f = NULL;
	uint64_t rcpt = 0, bounced = 0;
	uint32_t i, k, kept = 0;

	for (i = hour_index(a, day); i < a->n_hours && a->hours[i].hour < day + LOGS_DAY; i++) {
		rcpt += a->hours[i].recipients;
		bounced += a->hours[i].bounced;
	}
	if (rcpt >= BOUNCE_MIN_RCPT && bounced >= BOUNCE_MIN && bounced * 100 >= rcpt * BOUNCE_PERCENT) {
		if (a->bounce_f >= 0 && lg->findings[a->bounce_f].end == day) {
			f = &lg->findings[a->bounce_f];
			f->end = day + LOGS_DAY;
		} else {
			f = logs_finding_new(lg, LOGS_K_BOUNCE_RATE, idx1, NULL, day, day + LOGS_DAY);
			a = account_of(lg, idx1);
		}
	}
	a->bounce_f = f != NULL ? (int32_t)(f - lg->findings) : -1;
	if (f != NULL) {
		f->count += bounced;
		f->a += rcpt;
		if (f->count >= BOUNCE_HIGH && f->count * 2 >= f->a)
			f->severity = LOGS_HIGH;
	}
	/* The day's queue ids go to the finding, or away; the later days' stay. */
	for (k = 0; k < a->bounce_refs.n; k++) {
		const struct logs_ref *r = &a->bounce_refs.v[k];

		if (r->t >= day + LOGS_DAY)
			a->bounce_refs.v[kept++] = *r;
		else if (f != NULL && r->t >= day && !logs_refs_has(&f->refs, r->q))
			logs_refs_add(&f->refs, r->t, r->q);
	}
	a->bounce_refs.n = kept;
	a->bounce_refs.total = kept;
}

/*
 * Judges the days of bounces before `limit`.  A day stays open one day more
 * than its messages, for the bounces of recipients deferred first.
 */
static void judge_bounce_days(struct mv_logs *lg, uint32_t idx1, int64_t limit)
{
	struct logs_account *a = account_of(lg, idx1);
	uint32_t i;

	while (a->bounce_day != INT64_MIN && a->bounce_day < limit) {
		judge_bounce_day(lg, idx1, a->bounce_day);
		a = account_of(lg, idx1);
		/* On to the next day with any activity. */
		i = hour_index(a, a->bounce_day + LOGS_DAY);
		a->bounce_day = i < a->n_hours ? day_of(a->hours[i].hour) : INT64_MIN;
	}
}

void logs_account_message(struct mv_logs *lg, struct logs_msg *m)
{
	uint32_t idx1 = m->account, i;
	struct logs_account *a = account_of(lg, idx1);
	int64_t hour = hour_of(m->time);
	struct logs_hour *h;
	struct logs_slot *s;

	close_before(lg, idx1, hour);
	a = account_of(lg, idx1);
	if (a->bounce_day == INT64_MIN)
		a->bounce_day = day_of(m->time);
	else
		judge_bounce_days(lg, idx1, day_of(m->time) - LOGS_DAY);
	a = account_of(lg, idx1);
	if (a->first_msg == INT64_MIN || m->time < a->first_msg)
		a->first_msg = m->time;
	if (m->time < a->first)
		a->first = m->time;
	if (m->time > a->last)
		a->last = m->time;
	a->messages++;
	h = logs_account_hour(a, m->time);
	if (h != NULL) {
		h->messages++;
		if (m->flags & LOGS_M_RECEIPT)
			h->receipts++;
		if (m->flags & LOGS_M_REJECTED)
			h->rejected++;
	}
	if (m->flags & LOGS_M_RECEIPT)
		a->receipts++;
	if (m->flags & LOGS_M_REJECTED)
		a->rejected++;
	for (i = 0; i < m->n_rcpt; i++)
		count_recipient(lg, a, m, &m->rcpt[i]);
	s = slot_of(a, hour);
	if (s != NULL) {
		logs_refs_add(&s->all, m->time, m->qid);
		if (m->flags & LOGS_M_NEWDOM)
			logs_refs_add(&s->newdom, m->time, m->qid);
	}
	use_client(lg, idx1, m);
	if (m->flags & LOGS_M_RECEIPT)
		add_to_run(lg, idx1, m);
	if (m->client.family != 0) {
		struct logs_client *c = logs_client_find(lg, &m->client);

		if (c != NULL)
			logs_guess_message(lg, c, m);
	}
}

void logs_account_recipient(struct mv_logs *lg, struct logs_msg *m, struct logs_rcpt *r)
{
	struct logs_account *a = account_of(lg, m->account);
	bool had = (m->flags & LOGS_M_NEWDOM) != 0;
	struct logs_slot *s;

	count_recipient(lg, a, m, r);
	if (!had && (m->flags & LOGS_M_NEWDOM) && (s = slot_of(a, hour_of(m->time))) != NULL)
		logs_refs_add(&s->newdom, m->time, m->qid);
}

void logs_account_heard(struct mv_logs *lg, uint32_t account, uint64_t addr, uint64_t dom)
{
	struct logs_account *a = account_of(lg, account);

	logs_known_add(&a->known, addr);
	logs_known_add(&a->known, dom);
}

void logs_account_login(struct mv_logs *lg, uint32_t account, const struct logs_ip *ip, int64_t t)
{
	struct logs_account *a = account_of(lg, account);
	struct logs_use *u;
	uint32_t i;

	a->logins++;
	if (t < a->first)
		a->first = t;
	if (t > a->last)
		a->last = t;
	if (ip->family == 0)
		return;
	for (i = 0; i < a->n_uses; i++) {
		if (logs_ip_eq(&a->uses[i].ip, ip)) {
			a->uses[i].logins++;
			if (t > a->uses[i].last)
				a->uses[i].last = t;
			return;
		}
	}
	u = new_use(lg, a, ip, t);
	if (u != NULL)
		u->logins = 1;
}

/* Busiest client first. */
static int cmp_uses(const void *x, const void *y)
{
	const struct logs_use *a = x, *b = y;
	uint64_t na = (uint64_t)a->messages + a->logins, nb = (uint64_t)b->messages + b->logins;

	if (na != nb)
		return na > nb ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

void logs_detect_finish(struct mv_logs *lg)
{
	uint32_t i;

	for (i = 1; i <= lg->accounts.n; i++) {
		close_run(lg, i);
		close_before(lg, i, INT64_MAX);
		judge_bounce_days(lg, i, INT64_MAX);
	}
	/* After the last finding that points into them. */
	for (i = 0; i < lg->accounts.n; i++)
		if (lg->accounts.v[i].n_uses > 1)
			qsort(lg->accounts.v[i].uses, lg->accounts.v[i].n_uses, sizeof(struct logs_use), cmp_uses);
	for (i = 0; i < lg->clients.n; i++)
		logs_guess_close(lg, &lg->clients.v[i]);
}
