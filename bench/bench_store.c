/*
 * bench-store: the whole local scan (parse, every check, the JSON report) of
 * each message with an SMTP envelope, as a server would scan it, with the
 * store that -c CONF configures (none, LMDB or Redis), so that the store's
 * cost per message is the difference from the scan without one.
 *
 * The corpus carries no envelope, so one is made for each message before
 * the clock starts: every other message is outbound (SASL user and MAIL
 * FROM: its From address; RCPT TO: its To and Cc addresses, at most 10),
 * the others inbound from 203.0.113.9 to the same recipients.  The scan
 * time goes up a minute a message, as on a server.  Besides the `store`
 * check's records, a bench check makes the look-ups the checks will
 * make: inbound, task_store_sent() for In-Reply-To and each References id
 * (at most 10) and task_store_peer() for each recipient and the From
 * address; outbound, task_store_peer() for the user and each recipient and
 * three rate counters (messages, recipients, new recipients).
 *
 * Usage: bench-store [-c CONF] [-r REPEAT] [-w] -l LISTFILE
 * Prints key=value pairs: ms_cpu_per_msg and ms_wall_per_msg of the timed
 * passes, and the store calls per message (lookups counted, records
 * reckoned from each message's direction and verdict).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "mailvet/output.h"
#include "mailvet/scan.h"

#include "bench_load.h"

#define T0 1796688000
#define MAX_RCPT 10
#define MAX_IDS 10

struct bench_env {
	char *from;		/* malloc()ed; NULL: no From address */
	char *rcpt[MAX_RCPT];
	unsigned n_rcpt;
};

static struct bench_env *envs;
static unsigned long lookups, records, unavailable;
static int64_t scan_time = T0;

static unsigned count_ids(mv_str v, mv_str *ids)
{
	unsigned n = 0;
	size_t i = 0;

	while (i < v.len && n < MAX_IDS) {
		const char *lt = memchr(v.p + i, '<', v.len - i), *gt;

		if (lt == NULL)
			break;
		gt = memchr(lt, '>', v.len - (size_t)(lt - v.p));
		if (gt == NULL)
			break;
		ids[n++] = mv_str_make(lt + 1, (size_t)(gt - lt - 1));
		i = (size_t)(gt + 1 - v.p);
	}
	return n;
}

static int lookups_run(struct mv_task *task, void *state)
{
	struct store *s = task_store(task);
	const struct mv_envelope *env = task_envelope(task);
	struct mv_msg *msg = task_msg(task);
	const struct mv_addr *from = mv_msg_from(msg);
	mv_str ids[2 * MAX_IDS], sender, rcpts, user = env->conn.sasl_user;
	const char *names[] = { "In-Reply-To", "References" };
	uint64_t total, fresh = 0;
	unsigned i, n = 0, k;
	char key[300];

	if (s == NULL)
		return MV_OK;
	if (env->direction == MV_DIRECTION_INBOUND) {
		for (k = 0; k < 2; k++) {
			const struct mv_header *h = mv_part_header(msg->root, names[k]);

			if (h != NULL)
				n += count_ids(h->value, ids + n);
		}
		for (i = 0; i < n; i++)
			lookups += task_store_sent(task, ids[i], &sender, &rcpts) != MV_NOMEM;
		for (i = 0; from != NULL && i < env->txn.n_rcpt; i++)
			lookups += task_store_peer(task, env->txn.rcpt[i], from->address) != MV_NOMEM;
		return MV_OK;
	}
	for (i = 0; i < env->txn.n_rcpt; i++) {
		fresh += task_store_peer(task, user, env->txn.rcpt[i]) == MV_NOTFOUND;
		lookups++;
	}
	for (k = 0; k < 3; k++) {
		static const char *const what[] = { "msgs", "rcpts", "new" };
		uint64_t by = k == 0 ? 1 : k == 1 ? env->txn.n_rcpt : fresh;
		int len = snprintf(key, sizeof(key), "%s\t%.*s", what[k], (int)(user.len < 200 ? user.len : 200), user.p);

		if (store_add(s, mv_str_make(key, (size_t)len), env->txn.time, 3600, by, &total) != MV_OK)
			task_store_failed(task, "counting", MV_TEMPFAIL);
		lookups++;
	}
	return MV_OK;
}

static const struct check_def check_lookups = {
	.name = "bench_lookups", .description = "the look-ups of the read-receipt, thread and rate checks",
	.stage = MV_STAGE_BODY, .run = lookups_run,
};

static char *copy(mv_str s)
{
	char *p = malloc(s.len + 1);

	if (p == NULL)
		exit(1);
	memcpy(p, s.p, s.len);
	p[s.len] = '\0';
	return p;
}

/* From, To and Cc of each message, read before the clock starts. */
static void make_envelopes(void)
{
	const char *fields[] = { "To", "Cc" };
	size_t k;

	envs = calloc(bench_n_items, sizeof(*envs));
	for (k = 0; envs != NULL && k < bench_n_items; k++) {
		struct mv_msg *msg;
		const struct mv_addr *from;
		unsigned f;

		if (mv_msg_parse(bench_items[k].data, bench_items[k].len, NULL, &msg) < 0)
			exit(1);
		from = mv_msg_from(msg);
		if (from != NULL && from->address.len != 0)
			envs[k].from = copy(from->address);
		for (f = 0; f < 2; f++) {
			const struct mv_header *h = mv_part_header(msg->root, fields[f]);
			struct mv_addr *list;
			int n = h != NULL ? mv_addr_parse_list(msg->arena, h->value, MAX_RCPT, &list) : 0;
			int i;

			for (i = 0; i < n && envs[k].n_rcpt < MAX_RCPT; i++) {
				if (list[i].address.len != 0)
					envs[k].rcpt[envs[k].n_rcpt++] = copy(list[i].address);
			}
		}
		mv_msg_free(&msg);
	}
	if (envs == NULL)
		exit(1);
}

static struct mv_engine *engine;

static size_t run_one(size_t k)
{
	const struct bench_env *b = &envs[k];
	mv_str rcpt[MAX_RCPT];
	struct mv_envelope env;
	struct mv_report report;
	struct mv_msg *msg;
	bool outbound = k % 2 == 0 && b->from != NULL;
	size_t out_bytes;
	unsigned i;
	mv_buf out;

	memset(&env, 0, sizeof(env));
	for (i = 0; i < b->n_rcpt; i++)
		rcpt[i] = mv_str_cstr(b->rcpt[i]);
	env.conn.client_ip = outbound ? MV_STR_LIT("192.0.2.10") : MV_STR_LIT("203.0.113.9");
	env.conn.helo = MV_STR_LIT("client.example.net");
	env.conn.sasl_user = outbound ? mv_str_cstr(b->from) : MV_STR_NULL;
	env.conn.authenticated = outbound;
	env.txn.has_mail_from = b->from != NULL;
	env.txn.mail_from = mv_str_cstr(b->from);
	env.txn.rcpt = rcpt;
	env.txn.n_rcpt = b->n_rcpt;
	env.txn.time = scan_time;
	scan_time += 60;
	if (mv_msg_parse(bench_items[k].data, bench_items[k].len, mv_engine_limits(engine), &msg) < 0)
		exit(1);
	(void)mv_scan(engine, msg, &env, &report);
	mv_buf_init(&out, msg->arena, (size_t)64 << 20);
	(void)mv_report_write_json(&report, "bench", &out);
	out_bytes = out.len;
	if (engine_store_configured(engine)) {
		/* What the store check did: outbound, the Message-ID and a get and a put per recipient. */
		if (outbound)
			records += (report.message_id.len != 0) + 2 * b->n_rcpt;
		else if (report.action == MV_ACTION_ACCEPT && b->from != NULL)
			records += 2 * b->n_rcpt;
		const struct mv_symbol *u = mv_report_symbol(&report, "STORE_UNAVAILABLE");

		if (u != NULL && unavailable++ == 0)
			fprintf(stderr, "bench-store: %s: STORE_UNAVAILABLE %.*s\n", bench_items[k].path, (int)u->detail.len,
				u->detail.p);
	}
	mv_msg_free(&msg);
	return out_bytes;
}

/* Not inlined: callgrind counts it alone (--toggle-collect=run_all). */
__attribute__((noinline)) static size_t run_all(int repeat)
{
	size_t k, sink = 0;
	int r;

	for (r = 0; r < repeat; r++) {
		for (k = 0; k < bench_n_items; k++)
			sink += run_one(k);
	}
	return sink;
}

static struct mv_engine *load_engine(const char *path)
{
	static const struct check_def *const extra[] = { &check_lookups };
	struct mv_config *cfg = engine_config_new_with(extra, 1);
	struct mv_engine *e = NULL;
	char *error = NULL;

	if (cfg == NULL || mv_config_read_file(cfg, path, path != NULL, &error) < 0) {
		fprintf(stderr, "bench-store: %s\n", error != NULL ? error : "out of memory");
		exit(2);
	}
	mv_config_finish(cfg);
	if (engine_new_with(cfg, extra, 1, &e, &error) < 0) {
		fprintf(stderr, "bench-store: %s\n", error != NULL ? error : "out of memory");
		exit(2);
	}
	mv_config_unref(&cfg);
	return e;
}

int main(int argc, char **argv)
{
	const char *conf = NULL;
	int repeat = 1, warm = 0, i;
	double cpu0, wall0, cpu, wall, n;
	unsigned long lookups0, records0;
	size_t k, sink;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (strcmp(argv[i], "-w") == 0)
			warm = 1;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
			bench_load_list(argv[++i]);
		else
			bench_load(argv[i]);
	}
	if (bench_n_items == 0 || repeat < 1) {
		fprintf(stderr, "usage: bench-store [-c CONF] [-r REPEAT] [-w] -l LISTFILE\n");
		return 2;
	}
	engine = load_engine(conf);
	make_envelopes();
	for (k = 0; warm && k < bench_n_items; k++)
		(void)run_one(k);
	lookups0 = lookups;
	records0 = records;
	unavailable = 0;
	cpu0 = bench_now(CLOCK_PROCESS_CPUTIME_ID);
	wall0 = bench_now(CLOCK_MONOTONIC);
	sink = run_all(repeat);
	cpu = bench_now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	wall = bench_now(CLOCK_MONOTONIC) - wall0;
	n = (double)bench_n_items * repeat;
	printf("mode=store messages=%zu repeat=%d cpu_s=%.4f wall_s=%.4f ms_cpu_per_msg=%.4f ms_wall_per_msg=%.4f "
	       "lookups_per_msg=%.2f records_per_msg=%.2f unavailable=%lu output_bytes=%zu\n",
	       bench_n_items, repeat, cpu, wall, cpu * 1000 / n, wall * 1000 / n, (double)(lookups - lookups0) / n,
	       (double)(records - records0) / n, unavailable, sink);
	mv_engine_unref(&engine);
	return unavailable != 0;
}
