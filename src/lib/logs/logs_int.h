/*
 * The log analyser's own declarations, shared by its files (mailvet/logs.h is
 * the interface).  The pipeline: an input (plain, gzip, xz) gives bytes, the
 * line reader lines with a hard length limit, the envelope parser a time, a
 * host, a program and a message; the program's parser turns the message into
 * an event; the joiner applies events to open queue ids, SMTP sessions,
 * accounts and clients; the detectors turn accounts' and clients' behaviour
 * into findings.  docs/internals/logs.md shows it whole.
 */
#ifndef MV_LOGS_INT_H
#define MV_LOGS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mailvet/logs.h"
#include "mailvet/str.h"

#define LOGS_LINE_MAX ((size_t)1 << 20)	/* a longer line is skipped as too_long */
#define LOGS_QID_MAX 31			/* longer "queue ids" are not queue ids */
#define LOGS_EVIDENCE_MAX 1000u		/* queue ids kept per finding; the rest are counted */
#define LOGS_RCPT_MAX 10000u		/* recipients of one message kept for deduplication */
#define LOGS_SET_MAX 8192u		/* domains in one account's hour or receipt run */
#define LOGS_KNOWN_BYTES 16384u		/* one account's correspondents (logs_known.c) */
#define LOGS_ACCOUNT_CLIENTS 256u	/* client addresses listed per account */
#define LOGS_DAY 86400
#define LOGS_HOUR 3600

/* ---- hashing and sets (logs_set.c) ---- */

static inline uint64_t logs_mix(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

/* A keyed hash: keys come from the logs, which senders partly write. */
uint64_t logs_hash(uint64_t seed, const char *p, size_t n);
/* The same of the ASCII-lower-cased bytes (domains, addresses). */
uint64_t logs_hash_lower(uint64_t seed, const char *p, size_t n);

/* A set of 64-bit hashes (0 stands for itself but is stored as 1), bounded by LOGS_SET_MAX. */
struct logs_set {
	uint64_t *slot;
	uint32_t mask, count;
};

/* 1 added, 0 already there, -1 full or out of memory (not added). */
int logs_set_add(struct logs_set *s, uint64_t key);
bool logs_set_has(const struct logs_set *s, uint64_t key);
void logs_set_clear(struct logs_set *s);
void logs_set_free(struct logs_set *s);

/* The addresses and domains an account wrote to or heard from: a Bloom filter of fixed size (logs_known.c). */
struct logs_known {
	uint64_t *bits;			/* LOGS_KNOWN_BYTES, made at the first key */
};

/* 1 added, 0 found already (rarely by mistake: logs_known.c), -1 out of memory. */
int logs_known_add(struct logs_known *k, uint64_t key);
bool logs_known_has(const struct logs_known *k, uint64_t key);
void logs_known_free(struct logs_known *k);

/* ---- addresses (logs_ip.c) ---- */

struct logs_ip {
	uint8_t family;		/* 0 none, 4 or 6 */
	uint8_t b[16];
};

/* An IPv4 or IPv6 literal (an "IPv6:" prefix allowed); false when it is none. */
bool logs_ip_parse(mv_str s, struct logs_ip *ip_r);
bool logs_ip_eq(const struct logs_ip *a, const struct logs_ip *b);
bool logs_ip_loopback(const struct logs_ip *ip);
uint64_t logs_ip_hash(uint64_t seed, const struct logs_ip *ip);
/* The hash of the network around it: the /24 of IPv4, the /48 of IPv6. */
uint64_t logs_ip_prefix_hash(uint64_t seed, const struct logs_ip *ip);
/* Text form into out (at least 48 bytes); "" for none. */
const char *logs_ip_text(const struct logs_ip *ip, char *out);

/* The ip in "name[ip]" or "[ip]:port" (the last bracketed part); false when none. */
bool logs_bracket_ip(mv_str s, struct logs_ip *ip_r);

/* ---- times (logs_time.c) ---- */

int64_t logs_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Seconds since the epoch of a civil time read as UTC. */
int64_t logs_civil_seconds(int64_t y, unsigned mon, unsigned d, unsigned h, unsigned mi, unsigned s);
bool logs_civil_valid(int64_t y, unsigned mon, unsigned d, unsigned h, unsigned mi, unsigned s);
/* 1..12 for "Jan".."Dec", 0 otherwise. */
unsigned logs_month(const char *p);

/* Local time to UTC, with the offset of each hour cached (mktime is slow). */
struct logs_tz {
	struct {
		int64_t hour;	/* civil hour number; INT64_MIN when empty */
		int64_t offset;	/* civil minus UTC, seconds */
	} slot[64];
};

void logs_tz_init(struct logs_tz *tz);
/* naive: logs_civil_seconds() of the local civil time; returns UTC. */
int64_t logs_tz_utc(struct logs_tz *tz, int64_t naive);
/* "2026-11-02T09:00:00Z" into out (at least 32 bytes); returns out. */
const char *logs_time_iso(int64_t t, char *out);

/* ---- lines (logs_input.c, logs_lines.c) ---- */

enum logs_compress { LOGS_PLAIN, LOGS_GZIP, LOGS_XZ };

/* Bytes from a file descriptor or memory, decompressed when the first bytes say gzip or xz. */
struct logs_input {
	int fd;			/* -1 for memory */
	const unsigned char *mem;
	size_t mem_len;
	enum logs_compress kind;
	void *z;		/* z_stream or lzma_stream */
	unsigned char *raw;	/* compressed bytes read ahead */
	size_t raw_pos, raw_len;
	uint64_t raw_read;	/* bytes taken from the file: progress */
	bool raw_eof, detected, ended;
	char error[160];	/* "" or what went wrong */
};

void logs_input_fd(struct logs_input *in, int fd);
void logs_input_mem(struct logs_input *in, const void *data, size_t len);
/* Bytes into buf: > 0, 0 at the end, -1 on an error (in->error says which). */
long logs_input_read(struct logs_input *in, char *buf, size_t cap);
/* A plain input in memory: its bytes, to be read in place (the input is then at its end). */
bool logs_input_plain_memory(struct logs_input *in, const char **data_r, size_t *len_r);
void logs_input_close(struct logs_input *in);

enum logs_line_status {
	LOGS_LN_END = 0,
	LOGS_LN_LINE,		/* a whole line, without its newline (and CR) */
	LOGS_LN_TOO_LONG,	/* a line over LOGS_LINE_MAX was skipped */
	LOGS_LN_PARTIAL,	/* the input ended inside this line */
	LOGS_LN_ERROR,
};

struct logs_lines {
	struct logs_input in;
	char *buf;			/* the lines read; or, for plain memory, the input itself */
	size_t cap, start, end;
	bool eof, in_place;
};

/* The buffer is allocated at the first read; false when out of memory. */
void logs_lines_init(struct logs_lines *lr);
enum logs_line_status logs_lines_next(struct logs_lines *lr, mv_str *line_r);
void logs_lines_free(struct logs_lines *lr);

/* ---- the envelope of a line (logs_stamp.c, logs_journal.c) ---- */

enum logs_verdict {
	LOGS_OK,
	LOGS_NOTHING,		/* read, nothing in it to join (a journal marker) */
	LOGS_UNKNOWN,
	LOGS_TRUNCATED,
	LOGS_BINARY,
	LOGS_BAD_TIME,
};

enum logs_style {
	LOGS_STYLE_SYSLOG,	/* host prog[pid]: message */
	LOGS_STYLE_EXIM,	/* Exim's mainlog: the message follows the time */
};

/* A timestamp as written: with a year (absolute) or without (traditional syslog). */
struct logs_stamp {
	bool has_year;
	int64_t t;		/* UTC, when has_year */
	uint8_t mon, day, hour, min, sec;
};

struct logs_line {
	int64_t time;		/* UTC seconds */
	struct logs_stamp stamp;
	enum logs_style style;
	mv_str host, prog, msg;
	uint32_t pid;
};

/*
 * The timestamp, host and program of a line.  The times with a year are
 * converted (local ones through tz); traditional ones are left to the
 * caller, which knows the year.  Never reads past the line.
 */
enum logs_verdict logs_stamp_parse(mv_str line, struct logs_tz *tz, struct logs_line *out);

/*
 * A journalctl -o json line: MESSAGE unescaped into scratch (as long as the
 * line at least), the time from __REALTIME_TIMESTAMP (has_year set).
 */
enum logs_verdict logs_journal_parse(mv_str line, char *scratch, struct logs_line *out);

/* True when the line has a byte below 0x20 other than a tab. */
bool logs_line_binary(mv_str line);

/* ---- the programs' lines (logs_postfix.c, logs_dovecot.c, logs_exim.c, logs_milter.c) ---- */

enum logs_event_kind {
	LOGS_EV_NONE,		/* a known line with nothing to join */
	LOGS_EV_CONNECT,	/* ip */
	LOGS_EV_DISCONNECT,	/* ip */
	LOGS_EV_CLIENT,		/* qid, ip, user (SASL; may be empty) */
	LOGS_EV_MSGID,		/* qid, text */
	LOGS_EV_HEADER,		/* qid, name, text (a header_checks line); status REJECTED for a reject */
	LOGS_EV_FROM,		/* qid, addr, size, n (nrcpt) */
	LOGS_EV_RCPT,		/* qid, addr, orig, relay, status, text; flags LOGS_F_LOCAL */
	LOGS_EV_REMOVED,	/* qid */
	LOGS_EV_NOTICE,		/* qid (the parent), child */
	LOGS_EV_REJECT,		/* qid (may be empty), ip, addr (to), from */
	LOGS_EV_AUTH_FAIL,	/* ip, user (may be empty), n, service */
	LOGS_EV_AUTH_USER,	/* ip, user: a name a failure was for, not counted */
	LOGS_EV_LOGIN,		/* ip, user, service */
	LOGS_EV_MILTER,		/* qid, ip, user, addr (from), flags LOGS_F_RECEIPT, status REJECTED */
	LOGS_EV_ARRIVAL,	/* Exim "<=": qid, ip, user, addr (from), text (subject), child (parent id), rcpts */
};

enum logs_status {
	LOGS_ST_NONE,
	LOGS_ST_SENT,
	LOGS_ST_DEFERRED,
	LOGS_ST_BOUNCED,
	LOGS_ST_REJECTED,
	LOGS_ST_HOP,		/* handed to a content filter on this host: not a recipient */
};

enum logs_service {
	LOGS_SVC_SMTP,
	LOGS_SVC_IMAP,
	LOGS_SVC_POP3,
	LOGS_SVC_SUBMISSION,
	LOGS_SVC_OTHER,
	LOGS_SVC_COUNT,
};

#define LOGS_F_LOCAL 1u		/* delivered into a mailbox on this host */
#define LOGS_F_RECEIPT 2u	/* the milter says: an automatic read receipt */

struct logs_event {
	enum logs_event_kind kind;
	enum logs_status status;
	enum logs_service service;
	unsigned flags;
	mv_str qid, ip, user, addr, orig, from, relay, name, text, child, rcpts;
	uint64_t size;
	uint32_t n;
	mv_str host;			/* of the line: with pid, an smtpd process */
	uint32_t pid;
};

/*
 * Each returns LOGS_OK (ev filled, maybe LOGS_EV_NONE), LOGS_TRUNCATED (a
 * known line cut short) or LOGS_UNKNOWN; views point into msg.
 */
enum logs_verdict logs_postfix_parse(mv_str daemon, mv_str msg, struct logs_event *ev);
enum logs_verdict logs_dovecot_parse(mv_str prog, mv_str msg, struct logs_event *ev);
enum logs_verdict logs_exim_parse(mv_str msg, struct logs_event *ev);
enum logs_verdict logs_milter_parse(mv_str msg, struct logs_event *ev);

/* The next address of an Exim "for a b c" list into *addr_r; false at the end. */
bool logs_exim_next_rcpt(mv_str *list, mv_str *addr_r);

/*
 * Scanning helpers the parsers share (logs_scan.c).  The two called on every
 * line are inline: their literal's length is then known at compile time.
 */

/* Advances s past lit when s starts with it. */
static inline bool logs_skip(mv_str *s, const char *lit)
{
	size_t n = strlen(lit);

	if (s->len < n || memcmp(s->p, lit, n) != 0)
		return false;
	s->p += n;
	s->len -= n;
	return true;
}

/* The first occurrence of lit (not empty) in s, or NULL: memchr for its first byte, then a compare. */
static inline const char *logs_find(mv_str s, const char *lit)
{
	size_t n = strlen(lit);
	const char *p = s.p, *end;

	if (p == NULL)
		return NULL;
	end = p + s.len;
	while ((size_t)(end - p) >= n) {
		p = memchr(p, lit[0], (size_t)(end - p) - n + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p + 1, lit + 1, n - 1) == 0)
			return p;
		p++;
	}
	return NULL;
}

mv_str logs_field_n(mv_str s, const char *key, size_t n);
mv_str logs_angle_n(mv_str s, const char *key, size_t n);

/* "key=value" in s (at its start or after a space or a comma): the value, to ',' or ' '; p NULL when absent. */
static inline mv_str logs_field(mv_str s, const char *key)
{
	return logs_field_n(s, key, strlen(key));
}

/* "key=<value>" in s: the value between the angle brackets; p NULL when absent. */
static inline mv_str logs_angle(mv_str s, const char *key)
{
	return logs_angle_n(s, key, strlen(key));
}
mv_str logs_queue_id(mv_str *s);		/* "QID: " at the start: the id, s advanced; len 0 when none */
mv_str logs_domain(mv_str addr);		/* after the last '@'; empty when none */
bool logs_uint(mv_str s, uint64_t *v_r);

/* ---- receipts (logs_receipt.c) ---- */

/* True when a Subject, as logged (RFC 2047 words allowed), is a read receipt's. */
bool logs_receipt_subject(mv_str subject);
/* True when a Content-Type value is a disposition notification's (RFC 8098). */
bool logs_receipt_ctype(mv_str value);

/* ---- the joined state ---- */

struct logs_ref {			/* a queue id as evidence, with its message's time */
	int64_t t;
	char q[LOGS_QID_MAX + 1];
};

struct logs_refs {
	struct logs_ref *v;
	uint32_t n, cap;
	uint64_t total;			/* including those over LOGS_EVIDENCE_MAX */
};

void logs_refs_add(struct logs_refs *r, int64_t t, const char *qid);
bool logs_refs_has(const struct logs_refs *r, const char *qid);
void logs_refs_free(struct logs_refs *r);

struct logs_rcpt {
	uint64_t addr, dom;
	uint8_t flags;			/* LOGS_R_* */
};

#define LOGS_R_OUTCOME 1u		/* a first outcome was logged */
#define LOGS_R_DEFERRED 2u		/* deferred at least once */
#define LOGS_R_BOUNCED 4u
#define LOGS_R_SENT 8u
#define LOGS_R_REJECTED 16u
#define LOGS_R_COUNTED 32u		/* given to the account */
#define LOGS_R_NEW_ADDR 64u		/* not a correspondent of the account */
#define LOGS_R_NEW_DOM 128u

/* A message while its queue id is open. */
struct logs_msg {
	char qid[LOGS_QID_MAX + 1];
	uint8_t qid_len;
	uint64_t qhash;
	uint32_t idx;			/* its own index + 1 */
	uint32_t next;			/* hash chain, index + 1 */
	uint32_t older, newer;		/* the age list, index + 1 */
	int64_t time;			/* first seen */
	uint32_t account;		/* index + 1, 0 for none */
	uint32_t run;			/* the receipt run it was counted in, 0 none */
	struct logs_ip client;
	uint32_t flags;			/* LOGS_M_* */
	uint32_t nrcpt, n_outcome;
	uint64_t from_addr, from_dom, msgid;
	struct logs_rcpt *rcpt;
	uint32_t n_rcpt, cap_rcpt;
	uint32_t *rindex;		/* position + 1 by address hash, past a few recipients */
	uint32_t rmask;
	struct logs_rcpt rcpt_inline[2];
};

#define LOGS_M_USED 1u
#define LOGS_M_RECEIPT 2u		/* a read receipt */
#define LOGS_M_NOTICE 4u		/* a bounce notice Postfix made */
#define LOGS_M_EMITTED 8u		/* given to the account */
#define LOGS_M_REJECTED 16u
#define LOGS_M_HAS_FROM 32u
#define LOGS_M_NULL_FROM 64u
#define LOGS_M_HOP 128u			/* handed to a content filter */
#define LOGS_M_NONCORR 256u		/* has a recipient that is not a correspondent */
#define LOGS_M_NEWDOM 512u		/* has a recipient domain new to the account */

struct logs_queue {
	struct logs_msg **chunk;	/* LOGS_QCHUNK messages each: pointers stay valid */
	uint32_t n_chunks, used, free_head;	/* free list through next */
	uint32_t *bucket;		/* index + 1 */
	uint32_t mask;
	uint32_t oldest, newest;	/* age list ends, index + 1 */
	uint32_t open, max;
	uint64_t seed, evicted;
};

#define LOGS_QCHUNK 4096u

static inline struct logs_msg *logs_queue_at(const struct logs_queue *q, uint32_t idx1)
{
	return &q->chunk[(idx1 - 1) / LOGS_QCHUNK][(idx1 - 1) % LOGS_QCHUNK];
}

int logs_queue_init(struct logs_queue *q, uint32_t max, uint64_t seed);
void logs_queue_free(struct logs_queue *q);
struct logs_msg *logs_queue_find(struct logs_queue *q, mv_str qid);
/* Finds or opens; NULL when the id is not one or memory is short. */
struct logs_msg *logs_queue_open(struct logs_queue *q, mv_str qid, int64_t t);
void logs_queue_close(struct logs_queue *q, struct logs_msg *m);
/* The oldest open message, or NULL. */
struct logs_msg *logs_queue_oldest(const struct logs_queue *q);

/* One hour of an account. */
struct logs_hour {
	int64_t hour;
	uint32_t messages, recipients, domains, new_domains, receipts, bounced, deferred, rejected;
};

/* One client address of an account. */
struct logs_use {
	struct logs_ip ip;
	uint64_t prefix;
	uint32_t messages, logins;
	int64_t first, last;
	int32_t finding;		/* its new_client finding, -1 none */
};

/* A run of read receipts, one gap at most LOGS_RECEIPT_GAP long between two. */
struct logs_run {
	uint32_t id;			/* 0 when none is open */
	int64_t start, last;
	uint32_t count, noncorr, deferred, bounced, domains;
	struct logs_ip client;
	struct logs_set doms;
	struct logs_refs refs;
};

/* The evidence of an hour while it is open (two at a time: stragglers). */
struct logs_slot {
	int64_t hour;			/* -1 when empty */
	struct logs_refs all, newdom;
};

struct logs_account {
	char *name;
	uint64_t hash;
	uint32_t next;			/* hash chain, index + 1 */
	int64_t first, last;		/* of any activity */
	int64_t first_msg;		/* of its first message; INT64_MIN none */
	uint64_t messages, recipients, new_domains, receipts, bounced, deferred, rejected;
	uint64_t logins, notices, hops;
	uint64_t domains;		/* distinct domains written to (as logs_known tells them) */
	struct logs_known known;	/* correspondents' addresses and domains, and the domains written to */
	struct logs_hour *hours;
	uint32_t n_hours, cap_hours;
	int64_t dom_hour;		/* the hour hour_dom counts */
	struct logs_set hour_dom;
	struct logs_use *uses;
	uint32_t n_uses, cap_uses, prefixes;
	uint64_t uses_over;		/* messages from addresses over LOGS_ACCOUNT_CLIENTS */
	uint64_t base_msgs, base_newdom;	/* closed active hours: sums, count, largest */
	uint32_t base_hours, base_max;
	struct logs_slot slot[2];
	int64_t judged;			/* the latest hour closed */
	int32_t burst_f, newdom_f;	/* findings the next hour may extend, -1 none */
	struct logs_run run;
	int64_t bounce_day;		/* the first day of bounces not judged yet; INT64_MIN none */
	int32_t bounce_f;		/* the bounce_rate finding the next day may extend, -1 none */
	struct logs_refs bounce_refs;	/* the bounced messages of the open days */
};

struct logs_accounts {
	struct logs_account *v;
	uint32_t n, cap, max;
	uint32_t *bucket;
	uint32_t mask;
	uint64_t seed, untracked;
};

/* Index + 1 of the account called name, made when new; 0 when untracked (none, or over the max). */
uint32_t logs_account_get(struct logs_accounts *a, mv_str name, int64_t t);
uint32_t logs_account_find(const struct logs_accounts *a, mv_str name);
void logs_accounts_free(struct logs_accounts *a);

/* A client address: its activity, and its run of failed logins. */
struct logs_client {
	struct logs_ip ip;
	uint64_t hash;
	uint32_t next;			/* hash chain, index + 1 */
	uint32_t older, newer;		/* least recently seen first, index + 1 */
	int64_t first, last;
	uint32_t sessions, messages, rejected, auth_failures, logins;
	uint32_t accounts[4];		/* index + 1 of the first accounts it was used by */
	/* the open run of failed logins */
	int64_t g_start, g_last;
	uint32_t g_count, g_svc[LOGS_SVC_COUNT];
	uint64_t g_users[8];
	uint32_t g_nusers;
	char g_user[64];		/* the first user name tried */
	char g_names[96];		/* the first few, comma-separated */
	uint32_t g_success;		/* account index + 1 that then logged in */
	int64_t g_success_t;
	uint8_t g_success_svc;
	int32_t g_finding;		/* the finding of its last run, -1 none */
	struct logs_refs g_refs;	/* messages sent after a login that followed failures */
};

struct logs_clients {
	struct logs_client *v;
	uint32_t n, cap, max;
	uint32_t *bucket;
	uint32_t mask;
	uint32_t oldest, newest;
	uint64_t seed, evicted;
};

/* ---- findings (logs_finding.c) ---- */

enum logs_kind {
	LOGS_K_RECEIPT_BURST,
	LOGS_K_PASSWORD_GUESSING,
	LOGS_K_BURST,
	LOGS_K_NEW_DOMAINS,
	LOGS_K_NEW_CLIENT,
	LOGS_K_BOUNCE_RATE,
	LOGS_K_COUNT,
};

enum logs_severity { LOGS_LOW = 1, LOGS_MEDIUM, LOGS_HIGH };

struct logs_finding {
	enum logs_kind kind;
	enum logs_severity severity;
	uint32_t account;		/* index + 1, 0 none */
	char *user;			/* the user name tried, when no account is tracked; malloc */
	char *names;			/* password_guessing: the first user names tried; malloc */
	struct logs_ip client;
	int64_t start, end;
	uint64_t count;
	uint64_t a, b, c, d;		/* figures of the kind, named in logs_finding.c */
	uint32_t run;
	uint32_t svc[LOGS_SVC_COUNT];	/* password_guessing: failures by service */
	bool dropped;			/* told by another finding */
	struct logs_refs refs;
	char *summary, *advice;		/* made at the end; malloc */
};

/* ---- the whole (logs.c) ---- */

struct logs_counts {
	uint64_t lines, parsed, unknown, truncated, binary, too_long, bad_time;
};

struct logs_sess {			/* an smtpd process's current session */
	uint64_t key;
	struct logs_ip ip;
	uint32_t account;
};

struct logs_addr {			/* an address an account sends from */
	uint64_t key;
	uint32_t account;
};

struct logs_msgid {			/* a recent authenticated message, by Message-ID */
	uint64_t key;
	uint32_t account;
	uint32_t flags;
	struct logs_ip client;
};

/*
 * The direct-mapped tables (sessions, Message-IDs, sender addresses) keep one
 * entry a slot: two keys in one slot lose the older.  Their hash has a fixed
 * seed, so that a log gives the same report on every run; with no chain to
 * lengthen, a sender who aims keys at one slot loses only that entry.
 */
#define LOGS_FIXED_SEED 0x6c6f67732d6d6170ULL
#define LOGS_SESS_SLOTS 4096u
#define LOGS_MSGID_SLOTS 65536u
#define LOGS_ADDR_SLOTS 65536u

struct logs_source;

struct mv_logs {
	struct mv_logs_settings set;
	uint64_t seed;
	struct logs_source **src;
	uint32_t n_src;
	struct logs_counts count;
	int64_t start, end;		/* first and last line read; INT64_MIN when none */
	int64_t now;			/* the time of the line being joined */
	struct logs_tz tz;
	struct logs_queue queue;
	struct logs_sess *sess;
	struct logs_msgid *msgids;
	struct logs_addr *addrs;
	struct logs_accounts accounts;
	struct logs_clients clients;
	struct logs_finding *findings;
	uint32_t n_findings, cap_findings;
	uint32_t next_run;
	char *errors;
	size_t errors_len;
	bool ran, finished;
};

void logs_error(struct mv_logs *lg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An input in memory (tests, fuzzing): the bytes must stay until mv_logs_free(). */
int logs_add_memory(struct mv_logs *lg, const char *name, const void *data, size_t len);
/* The accounts in report order (findings' first, then by messages); malloc, n entries of index + 1. */
uint32_t *logs_accounts_order(const struct mv_logs *lg);

/* logs_source.c: one input, its lines in order, the years of its timestamps. */
struct logs_source *logs_source_new(const char *path, int fd, const void *mem, size_t len);
void logs_source_free(struct logs_source *src);
const char *logs_source_path(const struct logs_source *src);
uint64_t logs_source_size(const struct logs_source *src);
uint64_t logs_source_done(const struct logs_source *src);
/* The next line with a good time into *line_r (valid until the next call); false at the end. */
bool logs_source_next(struct mv_logs *lg, struct logs_source *src, struct logs_line *line_r);
/* Reading stopped on an error; the text. */
const char *logs_source_error(const struct logs_source *src);

/* logs_dispatch.c: a line to its program's parser, then to the joiner. */
void logs_dispatch(struct mv_logs *lg, const struct logs_line *line);

/* logs_join.c: events applied to queue ids, sessions, accounts, clients. */
void logs_join(struct mv_logs *lg, const struct logs_event *ev);
/* Gives the messages open too long (or too many) to their accounts. */
void logs_join_expire(struct mv_logs *lg);
/* At the end: every open message. */
void logs_join_flush(struct mv_logs *lg);

/* logs_client.c */
struct logs_client *logs_client_get(struct mv_logs *lg, const struct logs_ip *ip);
struct logs_client *logs_client_find(struct mv_logs *lg, const struct logs_ip *ip);
void logs_client_note_account(struct logs_client *c, uint32_t account);
void logs_clients_free(struct logs_clients *c);
/* Password guessing (logs_guess.c). */
void logs_guess_fail(struct mv_logs *lg, struct logs_client *c, mv_str user, uint32_t n, enum logs_service svc);
void logs_guess_user(struct mv_logs *lg, struct logs_client *c, mv_str user);
void logs_guess_success(struct mv_logs *lg, struct logs_client *c, uint32_t account, enum logs_service svc);
void logs_guess_close(struct mv_logs *lg, struct logs_client *c);
void logs_guess_message(struct mv_logs *lg, struct logs_client *c, const struct logs_msg *m);

/* logs_detect.c: an account's messages, recipients and hours. */
void logs_account_message(struct mv_logs *lg, struct logs_msg *m);
void logs_account_recipient(struct mv_logs *lg, struct logs_msg *m, struct logs_rcpt *r);
void logs_account_status(struct mv_logs *lg, struct logs_msg *m, struct logs_rcpt *r, unsigned new_flags);
void logs_account_heard(struct mv_logs *lg, uint32_t account, uint64_t addr, uint64_t dom);
void logs_account_login(struct mv_logs *lg, uint32_t account, const struct logs_ip *ip, int64_t t);
struct logs_hour *logs_account_hour(struct logs_account *a, int64_t t);
/* At the end: every open hour and run, then the whole-log findings. */
void logs_detect_finish(struct mv_logs *lg);

/* logs_finding.c */
struct logs_finding *logs_finding_new(struct mv_logs *lg, enum logs_kind kind, uint32_t account,
				      const struct logs_ip *client, int64_t start, int64_t end);
/* Most severe first; drops those another tells; writes the sentences. */
void logs_findings_finish(struct mv_logs *lg);
const char *logs_kind_name(enum logs_kind kind);
const char *logs_severity_name(enum logs_severity s);
const char *logs_service_name(enum logs_service s);

#endif
