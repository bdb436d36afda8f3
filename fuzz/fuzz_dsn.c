/*
 * The bounce reader (src/lib/dsn) on one message, read as from the null
 * sender and as from anyone, with small limits so that the limit paths are
 * reachable with small inputs.  What a report holds must stay within its
 * bounds, whatever the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsn/dsn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned char sink;

/* A view is empty, or all of it is readable (AddressSanitizer checks the first and last byte). */
static void touch(mv_str s)
{
	if (s.len == 0)
		return;
	if (s.p == NULL)
		__builtin_trap();
	sink ^= (unsigned char)(s.p[0] ^ s.p[s.len - 1]);
}

static void check(const struct dsn_report *r)
{
	unsigned i;

	if (r->kind > DSN_KIND_AUTOREPLY || r->n_rcpt > DSN_MAX_RCPT || r->n_rcpt > r->n_rcpt_seen ||
	    r->returned.n_received > DSN_MAX_RECEIVED || (r->kind != DSN_KIND_BOUNCE && r->n_rcpt != 0))
		__builtin_trap();
	if (r->kind != DSN_KIND_NONE && r->why == NULL)
		__builtin_trap();
	for (i = 0; i < r->n_rcpt; i++) {
		touch(r->rcpt[i].final_recipient);
		touch(r->rcpt[i].status);
		touch(r->rcpt[i].diagnostic);
		if (r->rcpt[i].action > DSN_ACTION_EXPANDED)
			__builtin_trap();
	}
	for (i = 0; i < r->returned.n_received; i++)
		touch(r->returned.received[i]);
	touch(r->returned.message_id);
	touch(r->returned.from);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_limits limits = { .max_headers = 64, .max_mime_depth = 8, .max_parts = 64,
				    .max_decoded_bytes = 1 << 20 };
	struct mv_msg *msg = NULL;
	struct dsn_report r;

	if (mv_msg_parse((const char *)data, size, &limits, &msg) < 0)
		return 0;
	if (dsn_read(msg, true, &r) == 0)
		check(&r);
	if (dsn_read(msg, false, &r) == 0)
		check(&r);
	mv_msg_free(&msg);
	return 0;
}
