/*
 * Joining: each event is applied to its queue id, its smtpd session, its
 * client and its account.  A message goes to its account ("emitted") once
 * each of its recipients has a first outcome (sent, deferred, bounced,
 * rejected), or when its queue id is removed, rejected, let go (open too long
 * or too many open) or at the end; what is logged about it afterwards (a
 * deferred recipient bouncing days later) still counts.
 *
 * Content filters (amavis, a milter-less spamd) hand a message to a local
 * port and get it back under a new queue id from 127.0.0.1, without the SASL
 * user: the hop ("status=sent (... queued as ID)" to a loopback relay) is not
 * a recipient, and the new queue id takes the account of the message whose
 * Message-ID it carries (or of the one that named it in "queued as").
 */
#include <stdlib.h>

#include "logs/logs_int.h"

static bool event_ip(mv_str s, struct logs_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (s.len == 0)
		return false;
	if (memchr(s.p, '[', s.len) != NULL)
		return logs_bracket_ip(s, ip);
	return logs_ip_parse(s, ip);
}

static struct logs_sess *session(struct mv_logs *lg, const struct logs_event *ev, uint64_t *key_r)
{
	if (ev->pid == 0)
		return NULL;
	*key_r = logs_hash(LOGS_FIXED_SEED ^ ev->pid, ev->host.p != NULL ? ev->host.p : "", ev->host.len) | 1;
	return &lg->sess[*key_r % LOGS_SESS_SLOTS];
}

static uint64_t addr_hash(struct mv_logs *lg, mv_str addr)
{
	return logs_hash_lower(lg->seed, addr.p, addr.len);
}

static uint64_t dom_hash(struct mv_logs *lg, mv_str addr)
{
	mv_str d = logs_domain(addr);

	return logs_hash_lower(lg->seed ^ 0x5bd1e995, d.p, d.len);
}

/* The account whose mailbox an address is: one it sends from, its name, or its name's local part. */
static uint32_t mailbox_account(struct mv_logs *lg, mv_str addr)
{
	const struct logs_addr *a;
	const char *at;
	uint64_t h;

	if (addr.len == 0)
		return 0;
	h = logs_hash_lower(LOGS_FIXED_SEED, addr.p, addr.len) | 1;
	a = lg->addrs != NULL ? &lg->addrs[h % LOGS_ADDR_SLOTS] : NULL;
	if (a != NULL && a->key == h && a->account != 0)
		return a->account;
	if (logs_account_find(&lg->accounts, addr) != 0)
		return logs_account_find(&lg->accounts, addr);
	at = memchr(addr.p, '@', addr.len);
	return at != NULL ? logs_account_find(&lg->accounts, mv_str_make(addr.p, (size_t)(at - addr.p))) : 0;
}

static void emit(struct mv_logs *lg, struct logs_msg *m)
{
	if (m->flags & LOGS_M_EMITTED)
		return;
	m->flags |= LOGS_M_EMITTED;
	if (m->account == 0 || (m->flags & (LOGS_M_NOTICE | LOGS_M_HOP)))
		return;
	logs_account_message(lg, m);
}

static void close_msg(struct mv_logs *lg, struct logs_msg *m)
{
	emit(lg, m);
	logs_queue_close(&lg->queue, m);
}

/* The recipient's place in the message, added when new; NULL past LOGS_RCPT_MAX. */
static struct logs_rcpt *recipient_of(struct logs_msg *m, uint64_t addr, uint64_t dom)
{
	struct logs_rcpt *r;
	uint32_t i;

	if (m->rindex != NULL) {
		for (i = (uint32_t)addr & m->rmask; m->rindex[i] != 0; i = (i + 1) & m->rmask)
			if (m->rcpt[m->rindex[i] - 1].addr == addr)
				return &m->rcpt[m->rindex[i] - 1];
	} else {
		for (i = 0; i < m->n_rcpt; i++)
			if (m->rcpt[i].addr == addr)
				return &m->rcpt[i];
	}
	if (m->n_rcpt >= LOGS_RCPT_MAX)
		return NULL;
	if (m->n_rcpt == m->cap_rcpt) {
		uint32_t cap = m->cap_rcpt * 2;
		struct logs_rcpt *v = m->rcpt == m->rcpt_inline ? malloc(cap * sizeof(*v))
							      : realloc(m->rcpt, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		if (m->rcpt == m->rcpt_inline)
			memcpy(v, m->rcpt_inline, sizeof(m->rcpt_inline));
		m->rcpt = v;
		m->cap_rcpt = cap;
	}
	r = &m->rcpt[m->n_rcpt++];
	memset(r, 0, sizeof(*r));
	r->addr = addr;
	r->dom = dom;
	/* Past a few recipients, an index keeps the lookups short. */
	if (m->n_rcpt > 16 && (m->rindex == NULL || m->n_rcpt * 2 > m->rmask + 1)) {
		uint32_t cap = 64, *idx;

		while (cap < m->n_rcpt * 4)
			cap *= 2;
		idx = calloc(cap, sizeof(*idx));
		if (idx != NULL) {
			free(m->rindex);
			m->rindex = idx;
			m->rmask = cap - 1;
			for (i = 0; i < m->n_rcpt; i++) {
				uint32_t j = (uint32_t)m->rcpt[i].addr & m->rmask;

				while (m->rindex[j] != 0)
					j = (j + 1) & m->rmask;
				m->rindex[j] = i + 1;
			}
		}
	} else if (m->rindex != NULL) {
		for (i = (uint32_t)addr & m->rmask; m->rindex[i] != 0; i = (i + 1) & m->rmask)
			;
		m->rindex[i] = m->n_rcpt;
	}
	return r;
}

static unsigned status_flag(enum logs_status st)
{
	switch (st) {
	case LOGS_ST_SENT:
		return LOGS_R_SENT;
	case LOGS_ST_DEFERRED:
		return LOGS_R_DEFERRED;
	case LOGS_ST_BOUNCED:
		return LOGS_R_BOUNCED;
	case LOGS_ST_REJECTED:
		return LOGS_R_REJECTED;
	default:
		return 0;
	}
}

/* An outcome for one recipient of m. */
static void outcome(struct mv_logs *lg, struct logs_msg *m, mv_str addr, enum logs_status st)
{
	struct logs_rcpt spill, *r = recipient_of(m, addr_hash(lg, addr), dom_hash(lg, addr));
	unsigned before;

	if (r == NULL) {
		/* Over the bound: counted, not kept. */
		memset(&spill, 0, sizeof(spill));
		spill.addr = addr_hash(lg, addr);
		spill.dom = dom_hash(lg, addr);
		r = &spill;
	}
	before = r->flags;
	r->flags |= status_flag(st);
	if (!(before & LOGS_R_OUTCOME)) {
		r->flags |= LOGS_R_OUTCOME;
		m->n_outcome++;
	}
	if (!(m->flags & LOGS_M_EMITTED)) {
		if (r != &spill && m->n_outcome < (m->nrcpt != 0 ? m->nrcpt : 1))
			return;
		emit(lg, m);
		if (r != &spill)
			return;
	}
	if (m->account == 0 || (m->flags & (LOGS_M_NOTICE | LOGS_M_HOP)))
		return;
	if (!(r->flags & LOGS_R_COUNTED))
		logs_account_recipient(lg, m, r);
	else
		logs_account_status(lg, m, r, r->flags & ~before);
}

/* A new queue id whose message came back from a content filter takes the original's account. */
static void inherit(struct logs_msg *child, uint32_t account, uint32_t flags, const struct logs_ip *client)
{
	if (child->account != 0 || account == 0)
		return;
	child->account = account;
	child->flags |= flags & LOGS_M_RECEIPT;
	if (client != NULL && client->family != 0)
		child->client = *client;
}

static void remember_msgid(struct mv_logs *lg, const struct logs_msg *m)
{
	struct logs_msgid *e;

	if (m->msgid == 0 || m->account == 0)
		return;
	/* Made at the first use: a log without accounts needs none. */
	if (lg->msgids == NULL && (lg->msgids = calloc(LOGS_MSGID_SLOTS, sizeof(*lg->msgids))) == NULL)
		return;
	e = &lg->msgids[m->msgid % LOGS_MSGID_SLOTS];
	e->key = m->msgid;
	e->account = m->account;
	e->flags = m->flags;
	e->client = m->client;
}

static void on_msgid(struct mv_logs *lg, struct logs_msg *m, mv_str id)
{
	const struct logs_msgid *e;

	/* Only an account's message, or one that may come back from a filter, needs its Message-ID. */
	if (m->account == 0 && m->client.family != 0 && !logs_ip_loopback(&m->client))
		return;
	m->msgid = logs_hash(LOGS_FIXED_SEED ^ 0x6d736769, id.p, id.len) | 1;
	if (m->account != 0) {
		remember_msgid(lg, m);
		return;
	}
	if (lg->msgids == NULL)
		return;
	e = &lg->msgids[m->msgid % LOGS_MSGID_SLOTS];
	/* Only a message from this host itself (a filter re-injecting) inherits. */
	if (e->key == m->msgid && (m->client.family == 0 || logs_ip_loopback(&m->client)))
		inherit(m, e->account, e->flags, &e->client);
}

static void on_from(struct mv_logs *lg, struct logs_msg *m, mv_str addr, uint32_t nrcpt)
{
	if (m->flags & LOGS_M_HAS_FROM)
		return;	/* qmgr repeats it at each retry, with what is left */
	m->flags |= LOGS_M_HAS_FROM;
	m->nrcpt = nrcpt;
	if (addr.len == 0) {
		m->flags |= LOGS_M_NULL_FROM;
		return;
	}
	m->from_addr = addr_hash(lg, addr);
	m->from_dom = dom_hash(lg, addr);
	if (m->account != 0 &&
	    (lg->addrs != NULL || (lg->addrs = calloc(LOGS_ADDR_SLOTS, sizeof(*lg->addrs))) != NULL)) {
		uint64_t h = logs_hash_lower(LOGS_FIXED_SEED, addr.p, addr.len) | 1;
		struct logs_addr *a = &lg->addrs[h % LOGS_ADDR_SLOTS];

		a->key = h;
		a->account = m->account;
	}
}

static void on_rcpt(struct mv_logs *lg, const struct logs_event *ev)
{
	struct logs_msg *m = logs_queue_find(&lg->queue, ev->qid);

	if (m == NULL)
		return;	/* its start is before the log, or it was let go */
	if (ev->status == LOGS_ST_HOP) {
		struct logs_msg *child = logs_queue_find(&lg->queue, ev->child);

		m->flags |= LOGS_M_HOP;
		if (child != NULL)
			inherit(child, m->account, m->flags, &m->client);
		return;
	}
	if (ev->status == LOGS_ST_SENT && (ev->flags & LOGS_F_LOCAL) && (m->flags & LOGS_M_HAS_FROM) &&
	    !(m->flags & (LOGS_M_NULL_FROM | LOGS_M_NOTICE))) {
		uint32_t to = mailbox_account(lg, ev->addr);

		if (to == 0 && ev->orig.len != 0)
			to = mailbox_account(lg, ev->orig);
		if (to != 0 && to != m->account)
			logs_account_heard(lg, to, m->from_addr, m->from_dom);
	}
	outcome(lg, m, ev->addr, ev->status);
}

static void on_reject(struct mv_logs *lg, const struct logs_event *ev)
{
	struct logs_client *c;
	struct logs_msg *m;
	struct logs_ip ip;

	if (event_ip(ev->ip, &ip) && (c = logs_client_get(lg, &ip)) != NULL)
		c->rejected++;
	m = logs_queue_find(&lg->queue, ev->qid);
	if (m == NULL)
		return;
	if (ev->addr.p != NULL)
		outcome(lg, m, ev->addr, LOGS_ST_REJECTED);
	if (!mv_str_eq(ev->name, "RCPT")) {
		m->flags |= LOGS_M_REJECTED;
		close_msg(lg, m);	/* Postfix logs nothing more of it */
	}
}

static void on_client(struct mv_logs *lg, const struct logs_event *ev)
{
	struct logs_msg *m = logs_queue_open(&lg->queue, ev->qid, lg->now);
	struct logs_client *c = NULL;
	struct logs_sess *s;
	struct logs_ip ip;
	uint32_t account = 0;
	uint64_t key = 0;

	if (event_ip(ev->ip, &ip))
		c = logs_client_get(lg, &ip);
	if (c != NULL)
		c->messages++;
	if (ev->user.len != 0)
		account = logs_account_get(&lg->accounts, ev->user, lg->now);
	if (m != NULL) {
		m->client = ip;
		if (account != 0)
			m->account = account;
		if (ev->child.len != 0) {
			const struct logs_msg *orig = logs_queue_find(&lg->queue, ev->child);

			if (orig != NULL)
				inherit(m, orig->account, orig->flags, &orig->client);
		}
	}
	if (account == 0)
		return;
	if (c != NULL) {
		logs_client_note_account(c, account);
		logs_guess_success(lg, c, account, LOGS_SVC_SMTP);
	}
	/* One login per authenticated session, not per message. */
	s = session(lg, ev, &key);
	if (s != NULL && s->key == key && logs_ip_eq(&s->ip, &ip) && s->account != account) {
		s->account = account;
		logs_account_login(lg, account, &ip, lg->now);
		if (c != NULL)
			c->logins++;
	}
}

static void on_arrival(struct mv_logs *lg, const struct logs_event *ev)
{
	struct logs_msg *m = logs_queue_open(&lg->queue, ev->qid, lg->now);
	struct logs_client *c = NULL;
	struct logs_ip ip;
	mv_str list = ev->rcpts, a;
	uint32_t n = 0;

	if (m == NULL)
		return;
	if (event_ip(ev->ip, &ip)) {
		m->client = ip;
		c = logs_client_get(lg, &ip);
		if (c != NULL)
			c->messages++;
	}
	if (ev->user.len != 0) {
		m->account = logs_account_get(&lg->accounts, ev->user, lg->now);
		if (c != NULL) {
			logs_client_note_account(c, m->account);
			logs_guess_success(lg, c, m->account, LOGS_SVC_SMTP);
		}
	}
	if (ev->addr.len == 0 && ev->child.len != 0) {
		struct logs_msg *parent = logs_queue_find(&lg->queue, ev->child);

		m->flags |= LOGS_M_NOTICE;
		if (parent != NULL && parent->account != 0)
			lg->accounts.v[parent->account - 1].notices++;
	}
	if (ev->text.len != 0 && logs_receipt_subject(ev->text))
		m->flags |= LOGS_M_RECEIPT;
	while (logs_exim_next_rcpt(&list, &a))
		n++;
	on_from(lg, m, ev->addr, n);
	if (ev->name.len != 0)
		on_msgid(lg, m, ev->name);
}

static void on_header(struct mv_logs *lg, const struct logs_event *ev)
{
	struct logs_msg *m = logs_queue_open(&lg->queue, ev->qid, lg->now);

	if (m == NULL)
		return;
	/* Receipts matter from accounts only: the Internet's mail is not looked at. */
	if (m->account != 0 &&
	    ((mv_str_eq_ci(ev->name, "Subject") && logs_receipt_subject(ev->text)) ||
	     (mv_str_eq_ci(ev->name, "Content-Type") && logs_receipt_ctype(ev->text)))) {
		m->flags |= LOGS_M_RECEIPT;
		remember_msgid(lg, m);
	}
	if (ev->status == LOGS_ST_REJECTED) {
		if (ev->addr.len != 0)
			outcome(lg, m, ev->addr, LOGS_ST_REJECTED);
		m->flags |= LOGS_M_REJECTED;
		close_msg(lg, m);
	}
}

static void on_milter(struct mv_logs *lg, const struct logs_event *ev)
{
	struct logs_msg *m = logs_queue_open(&lg->queue, ev->qid, lg->now);

	if (m == NULL)
		return;
	if (ev->flags & LOGS_F_RECEIPT)
		m->flags |= LOGS_M_RECEIPT;
	if (m->account == 0 && ev->user.len != 0)
		m->account = logs_account_get(&lg->accounts, ev->user, lg->now);
	if (m->client.family == 0)
		event_ip(ev->ip, &m->client);
	remember_msgid(lg, m);
}

static void on_login(struct mv_logs *lg, const struct logs_event *ev)
{
	uint32_t account = logs_account_get(&lg->accounts, ev->user, lg->now);
	struct logs_client *c;
	struct logs_ip ip;

	event_ip(ev->ip, &ip);
	if (account != 0)
		logs_account_login(lg, account, &ip, lg->now);
	c = logs_client_get(lg, &ip);
	if (c == NULL)
		return;
	c->logins++;
	logs_client_note_account(c, account);
	logs_guess_success(lg, c, account, ev->service);
}

void logs_join(struct mv_logs *lg, const struct logs_event *ev)
{
	struct logs_client *c;
	struct logs_msg *m, *child;
	struct logs_sess *s;
	struct logs_ip ip;
	uint64_t key = 0;

	switch (ev->kind) {
	case LOGS_EV_NONE:
		break;
	case LOGS_EV_CONNECT:
		if (!event_ip(ev->ip, &ip))
			break;
		c = logs_client_get(lg, &ip);
		if (c != NULL)
			c->sessions++;
		s = session(lg, ev, &key);
		if (s != NULL) {
			s->key = key;
			s->ip = ip;
			s->account = 0;
		}
		break;
	case LOGS_EV_DISCONNECT:
		s = session(lg, ev, &key);
		if (s != NULL && s->key == key)
			s->key = 0;
		break;
	case LOGS_EV_CLIENT:
		on_client(lg, ev);
		break;
	case LOGS_EV_MSGID:
		m = logs_queue_open(&lg->queue, ev->qid, lg->now);
		if (m != NULL)
			on_msgid(lg, m, ev->text);
		break;
	case LOGS_EV_HEADER:
		on_header(lg, ev);
		break;
	case LOGS_EV_FROM:
		m = logs_queue_open(&lg->queue, ev->qid, lg->now);
		if (m != NULL)
			on_from(lg, m, ev->addr, ev->n);
		break;
	case LOGS_EV_RCPT:
		on_rcpt(lg, ev);
		break;
	case LOGS_EV_REMOVED:
		m = logs_queue_find(&lg->queue, ev->qid);
		if (m != NULL)
			close_msg(lg, m);
		break;
	case LOGS_EV_NOTICE:
		m = logs_queue_find(&lg->queue, ev->qid);
		child = logs_queue_open(&lg->queue, ev->child, lg->now);
		if (child != NULL)
			child->flags |= LOGS_M_NOTICE;
		if (m != NULL && m->account != 0)
			lg->accounts.v[m->account - 1].notices++;
		break;
	case LOGS_EV_REJECT:
		on_reject(lg, ev);
		break;
	case LOGS_EV_AUTH_FAIL:
		if (!event_ip(ev->ip, &ip) || (c = logs_client_get(lg, &ip)) == NULL)
			break;
		c->auth_failures += ev->n;
		logs_guess_fail(lg, c, ev->user, ev->n, ev->service);
		break;
	case LOGS_EV_AUTH_USER:
		if (event_ip(ev->ip, &ip) && (c = logs_client_find(lg, &ip)) != NULL)
			logs_guess_user(lg, c, ev->user);
		break;
	case LOGS_EV_LOGIN:
		on_login(lg, ev);
		break;
	case LOGS_EV_MILTER:
		on_milter(lg, ev);
		break;
	case LOGS_EV_ARRIVAL:
		on_arrival(lg, ev);
		break;
	}
	if (lg->queue.open > lg->queue.max)
		logs_join_expire(lg);
}

void logs_join_expire(struct mv_logs *lg)
{
	struct logs_msg *m;

	while ((m = logs_queue_oldest(&lg->queue)) != NULL &&
	       (lg->queue.open > lg->queue.max || m->time < lg->now - lg->set.max_open_age)) {
		close_msg(lg, m);
		lg->queue.evicted++;
	}
}

void logs_join_flush(struct mv_logs *lg)
{
	struct logs_msg *m;

	while ((m = logs_queue_oldest(&lg->queue)) != NULL)
		close_msg(lg, m);
}
