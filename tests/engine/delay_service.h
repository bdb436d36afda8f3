/*
 * A test-only lookup service whose answers come after a delay the asker
 * chooses: the engine's waiting tests use it as they will use DNS through
 * c-ares, over a real UDP socket watched by mv_loop, so that the descriptor
 * path is exercised and not only timers.
 *
 * The server is a thread with a UDP socket on 127.0.0.1 (an ephemeral port).
 * A request is 9 bytes: an id (4 bytes, echoed as they are), the delay in ms
 * (uint32, network order) and a flag byte (1: never answer); the answer is
 * the id alone, sent the delay after the request arrived.  Requests overlap freely: thousands may wait at
 * once, each with its own delay.
 *
 * The client has one connected UDP socket, for one loop (one thread).  Like
 * a DNS client it resends a query that has no answer DELAY_RESEND_MS after
 * its delay (delay_client_set_resend()), and again, until it is answered or cancelled: a datagram lost
 * to a full socket buffer costs time, not the answer.  Giving up is the
 * asker's business (the engine's deadline), so done() only ever reports 0.
 */
#ifndef MV_TEST_DELAY_SERVICE_H
#define MV_TEST_DELAY_SERVICE_H

#include <stdbool.h>

#include "mailvet/loop.h"

#define DELAY_RESEND_MS 200

struct delay_server;
struct delay_client;
struct delay_query;

/* NULL when the socket, the pipe or the thread cannot be made. */
struct delay_server *delay_server_start(void);
unsigned delay_server_port(const struct delay_server *s);
/* Answers sent so far (a resent query is answered again). */
unsigned long delay_server_answered(const struct delay_server *s);
/* Stops the thread, joins it, closes and frees; sets *s to NULL. */
void delay_server_stop(struct delay_server **s);

/* A client on loop asking the server at 127.0.0.1:port; NULL on failure (errno set). */
struct delay_client *delay_client_new(struct mv_loop *loop, unsigned port);
/*
 * Asks for an answer after delay_ms (never: no answer at all) and calls
 * done(arg, 0) from the loop when it comes; the query is then gone.  *q_r
 * (may be NULL) is for delay_client_cancel().  0, or -1 with errno set and
 * nothing registered.
 */
int delay_client_ask(struct delay_client *c, unsigned delay_ms, bool never,
		     void (*done)(void *arg, int status), void *arg, struct delay_query **q_r);
/* Forgets a query that is not answered yet: its done is NOT called; a late answer is ignored. */
void delay_client_cancel(struct delay_client *c, struct delay_query *q);
/* Queries waiting for their answer. */
unsigned long delay_client_pending(const struct delay_client *c);
/* How long after its delay a query without an answer is resent (DELAY_RESEND_MS by default). */
void delay_client_set_resend(struct delay_client *c, unsigned ms);
/* Queries sent again for want of an answer. */
unsigned long delay_client_resends(const struct delay_client *c);
/*
 * Faults for tests: the next would_block sends fail with EAGAIN (the query
 * waits for write readiness), the lost ones after them seem to succeed but
 * send nothing (the query is resent).
 */
void delay_client_fail_sends(struct delay_client *c, unsigned would_block, unsigned lost);
/* Cancels every query without calling done, closes and frees; sets *c to NULL.  Allowed from a done(). */
void delay_client_free(struct delay_client **c);

#endif
