/*
 * The envelope: networks, the trust boundary in the Received chain, options
 * that win, Return-Path, and the direction.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "mailvet/scan.h"
#include "test.h"

static void test_netlist_matches_v4_v6_and_prefixes(void)
{
	struct netlist list = { 0 };

	CHECK_INT(netlist_add(&list, "192.0.2.0/24"), 1);
	CHECK_INT(netlist_add(&list, "[2001:db8::]/32"), 1);
	CHECK_INT(netlist_add(&list, "10.1.2.3"), 1);
	CHECK_INT(netlist_add(&list, "10.0.0.0/33"), -1);
	CHECK_INT(netlist_add(&list, "2001:db8::/129"), -1);
	CHECK_INT(netlist_add(&list, "10.0.0.0/x"), -1);
	CHECK_INT(netlist_add(&list, "mx.example.org"), 0);
	CHECK(netlist_match(&list, MV_STR_LIT("192.0.2.255")));
	CHECK(!netlist_match(&list, MV_STR_LIT("192.0.3.0")));
	CHECK(netlist_match(&list, MV_STR_LIT("2001:db8:ffff::1")));
	CHECK(!netlist_match(&list, MV_STR_LIT("2001:db9::1")));
	CHECK(netlist_match(&list, MV_STR_LIT("10.1.2.3")));
	CHECK(!netlist_match(&list, MV_STR_LIT("10.1.2.4")));
	CHECK(!netlist_match(&list, MV_STR_LIT("not an ip")));
	CHECK(!netlist_match(&list, MV_STR_LIT("")));
	/* An IPv4 network does not match IPv6 addresses that happen to share bits. */
	CHECK(!netlist_match(&list, MV_STR_LIT("c000:200::1")));
	netlist_free(&list);
	CHECK_INT(netlist_add(&list, "0.0.0.0/0"), 1);
	CHECK(netlist_match(&list, MV_STR_LIT("203.0.113.1")));
	CHECK(!netlist_match(&list, MV_STR_LIT("2001:db8::1")));
	netlist_free(&list);
}

static struct mv_engine *engine_from(const char *text)
{
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *engine = NULL;
	char *error = NULL;

	if (mv_config_read_text(cfg, "test.conf", text, strlen(text), &error) == 0) {
		mv_config_finish(cfg);
		(void)mv_engine_new(cfg, &engine, &error);
	}
	if (error != NULL)
		fprintf(stderr, "%s\n", error);
	free(error);
	mv_config_unref(&cfg);
	return engine;
}

static const char chain_msg[] =
	"Return-Path: <bounce@sender.example.com>\n"
	"Received: from mx1.example.org (mx1.example.org [10.0.0.5])\n"
	"\tby mail.example.org (Postfix) with ESMTP id 4XYZ1\n"
	"\tfor <bob@example.org>; Mon, 7 Dec 2026 10:00:02 +0000 (UTC)\n"
	"Received: from out.sender.example.com (out.sender.example.com [203.0.113.9])\n"
	"\tby mx1.example.org (Postfix) with ESMTPS id 4ABC2\n"
	"\tfor <bob@example.org>; Mon, 7 Dec 2026 10:00:01 +0000 (UTC)\n"
	"Received: from [198.51.100.1] (forged.example [198.51.100.1])\n"
	"\t(Authenticated sender: mallory)\n"
	"\tby out.sender.example.com with ESMTPSA id 77; Mon, 7 Dec 2026 10:00:00 +0000\n"
	"From: a@sender.example.com\nTo: bob@example.org\nSubject: hi\n\nbody\n";

static struct mv_msg *scan(struct mv_engine *engine, const char *text, const struct mv_envelope *env,
			   struct mv_report *report)
{
	struct mv_msg *msg = NULL;

	if (mv_msg_parse(text, strlen(text), mv_engine_limits(engine), &msg) < 0)
		return NULL;
	CHECK_INT(mv_scan(engine, msg, env, report), MV_OK);
	return msg;
}

static void test_envelope_from_the_trust_boundary(void)
{
	struct mv_engine *engine = engine_from("trusted_relays = mail.example.org, mx1.example.org\n");
	struct mv_report r;
	struct mv_msg *msg = scan(engine, chain_msg, NULL, &r);
	const struct mv_envelope *e = &r.envelope;

	CHECK_INT(r.n_received, 3);
	CHECK_INT(r.trusted_hops, 2);
	CHECK_INT(e->source, MV_ENVELOPE_RECEIVED);
	CHECK_STR(e->conn.client_ip, "203.0.113.9");
	CHECK_STR(e->conn.client_name, "out.sender.example.com");
	CHECK_STR(e->conn.helo, "out.sender.example.com");
	CHECK(e->conn.tls);
	/* "Authenticated sender: mallory" is below the boundary: the sender's own claim. */
	CHECK(!e->conn.authenticated);
	CHECK_INT(e->conn.sasl_user.len, 0);
	CHECK_INT(e->direction, MV_DIRECTION_INBOUND);
	CHECK(e->txn.has_mail_from);
	CHECK_STR(e->txn.mail_from, "bounce@sender.example.com");
	CHECK_INT(e->txn.n_rcpt, 1);
	if (e->txn.n_rcpt == 1)
		CHECK_STR(e->txn.rcpt[0], "bob@example.org");
	CHECK_STR(e->txn.queue_id, "4ABC2");
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_envelope_trusts_networks_and_domains(void)
{
	/* By network: the first hop's client 10.0.0.5 is ours, so the second hop was written by a relay of ours. */
	struct mv_engine *engine = engine_from("trusted_relays = 10.0.0.0/8\n");
	struct mv_report r;
	struct mv_msg *msg = scan(engine, chain_msg, NULL, &r);

	CHECK_INT(r.trusted_hops, 2);
	CHECK_STR(r.envelope.conn.client_ip, "203.0.113.9");
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
	/* ".example.org" trusts every name under example.org. */
	engine = engine_from("trusted_relays = .example.org\n");
	msg = scan(engine, chain_msg, NULL, &r);
	CHECK_INT(r.trusted_hops, 2);
	CHECK_STR(r.envelope.conn.client_ip, "203.0.113.9");
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
	/* Only the top relay trusted: the boundary is its hop, whose client is mx1. */
	engine = engine_from("trusted_relays = mail.example.org\n");
	msg = scan(engine, chain_msg, NULL, &r);
	CHECK_INT(r.trusted_hops, 1);
	CHECK_STR(r.envelope.conn.client_ip, "10.0.0.5");
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_envelope_without_trusted_relays_is_none(void)
{
	struct mv_engine *engine = engine_from("");
	struct mv_report r;
	struct mv_msg *msg = scan(engine, chain_msg, NULL, &r);

	CHECK_INT(r.trusted_hops, 0);
	CHECK_INT(r.envelope.source, MV_ENVELOPE_NONE);
	CHECK_INT(r.envelope.conn.client_ip.len, 0);
	CHECK_INT(r.envelope.conn.helo.len, 0);
	CHECK_INT(r.envelope.direction, MV_DIRECTION_INBOUND);
	/* Return-Path is written at delivery: it still gives MAIL FROM. */
	CHECK_STR(r.envelope.txn.mail_from, "bounce@sender.example.com");
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_envelope_options_win(void)
{
	struct mv_engine *engine = engine_from("trusted_relays = mx1.example.org\n");
	struct mv_envelope env;
	struct mv_report r;
	struct mv_msg *msg;
	mv_str rcpt[2] = { MV_STR_LIT("x@example.net"), MV_STR_LIT("y@example.net") };

	memset(&env, 0, sizeof(env));
	env.conn.client_ip = MV_STR_LIT("198.51.100.77");
	env.txn.has_mail_from = true;
	env.txn.mail_from = MV_STR_NULL;	/* <> */
	env.txn.rcpt = rcpt;
	env.txn.n_rcpt = 2;
	msg = scan(engine, chain_msg, &env, &r);
	CHECK_INT(r.envelope.source, MV_ENVELOPE_OPTIONS);
	CHECK_STR(r.envelope.conn.client_ip, "198.51.100.77");
	CHECK_STR(r.envelope.conn.helo, "out.sender.example.com");	/* not given: from the boundary */
	CHECK(mv_envelope_null_sender(&r.envelope));
	CHECK_INT(r.envelope.txn.n_rcpt, 2);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_envelope_direction(void)
{
	struct mv_engine *engine = engine_from("local_domains = example.org, .example.net\n"
					       "local_networks = 192.0.2.0/24\n");
	struct mv_envelope env;
	struct mv_report r;
	struct mv_msg *msg;
	mv_str local_rcpt[2] = { MV_STR_LIT("a@example.org"), MV_STR_LIT("b@sub.example.net") };
	mv_str mixed_rcpt[2] = { MV_STR_LIT("a@example.org"), MV_STR_LIT("b@elsewhere.example") };

	memset(&env, 0, sizeof(env));
	env.conn.client_ip = MV_STR_LIT("203.0.113.1");
	msg = scan(engine, chain_msg, &env, &r);
	CHECK_INT(r.envelope.direction, MV_DIRECTION_INBOUND);
	mv_msg_free(&msg);
	env.conn.sasl_user = MV_STR_LIT("alice");
	env.txn.rcpt = mixed_rcpt;
	env.txn.n_rcpt = 2;
	msg = scan(engine, chain_msg, &env, &r);
	CHECK_INT(r.envelope.direction, MV_DIRECTION_OUTBOUND);
	mv_msg_free(&msg);
	env.txn.rcpt = local_rcpt;
	msg = scan(engine, chain_msg, &env, &r);
	CHECK_INT(r.envelope.direction, MV_DIRECTION_INTERNAL);
	mv_msg_free(&msg);
	env.conn.sasl_user = MV_STR_NULL;
	env.conn.client_ip = MV_STR_LIT("192.0.2.9");
	env.txn.rcpt = mixed_rcpt;
	msg = scan(engine, chain_msg, &env, &r);
	CHECK_INT(r.envelope.direction, MV_DIRECTION_OUTBOUND);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

static void test_envelope_authenticated_boundary(void)
{
	static const char submitted[] =
		"Received: from laptop (host.isp.example [198.51.100.20])\n"
		"\t(Authenticated sender: alice)\n"
		"\tby smtp.example.org (Postfix) with ESMTPSA id 9QQ\n"
		"\tfor <carol@example.com>; Mon, 7 Dec 2026 11:00:00 +0000\n"
		"From: alice@example.org\nSubject: s\n\nb\n";
	struct mv_engine *engine = engine_from("trusted_relays = smtp.example.org\n");
	struct mv_report r;
	struct mv_msg *msg = scan(engine, submitted, NULL, &r);

	CHECK(r.envelope.conn.authenticated);
	CHECK_STR(r.envelope.conn.sasl_user, "alice");
	CHECK_STR(r.envelope.conn.helo, "laptop");
	CHECK_INT(r.envelope.direction, MV_DIRECTION_OUTBOUND);
	mv_msg_free(&msg);
	mv_engine_unref(&engine);
}

int main(void)
{
	RUN(test_netlist_matches_v4_v6_and_prefixes);
	RUN(test_envelope_from_the_trust_boundary);
	RUN(test_envelope_trusts_networks_and_domains);
	RUN(test_envelope_without_trusted_relays_is_none);
	RUN(test_envelope_options_win);
	RUN(test_envelope_direction);
	RUN(test_envelope_authenticated_boundary);
	return test_summary();
}
