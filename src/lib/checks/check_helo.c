/*
 * The HELO/EHLO name a client gave (RFC 5321 4.1.1.1 and 4.1.3): a domain
 * name, or an address literal in brackets that should be the client's own.
 * Only inbound mail is judged: our own users' clients (laptops, phones) say
 * what they like, and nobody outside sees it.  Runs from MAIL FROM on, when
 * SASL authentication (and so the direction) is known.
 */
#include <string.h>
#include <strings.h>

#include "engine/check.h"
#include "envelope/envelope_int.h"

enum { SYM_HELO_BARE_IP, SYM_HELO_LITERAL_MISMATCH, SYM_HELO_NOT_FQDN, SYM_HELO_LOCALHOST };

static const struct check_symbol symbols[] = {
	[SYM_HELO_BARE_IP] = { "HELO_BARE_IP", "helo", 1.0,
		"the HELO name is an IP address without the brackets RFC 5321 requires" },
	[SYM_HELO_LITERAL_MISMATCH] = { "HELO_LITERAL_MISMATCH", "helo", 1.0,
		"the HELO address literal is not the client's own address" },
	[SYM_HELO_NOT_FQDN] = { "HELO_NOT_FQDN", "helo", 0.5,
		"the HELO name is not a fully qualified domain name" },
	[SYM_HELO_LOCALHOST] = { "HELO_LOCALHOST", "helo", 1.5,
		"a client from outside calls itself localhost" },
};

/* Same address, whatever the notation (IPv4-mapped, zero compression). */
static bool same_address(mv_str a, mv_str b)
{
	uint8_t x[16], y[16];

	return net_parse_ip(a, x) && net_parse_ip(b, y) && memcmp(x, y, 16) == 0;
}

static int helo_run(struct mv_task *task, void *state)
{
	const struct mv_envelope *env = task_envelope(task);
	mv_str helo = env->conn.helo;
	uint8_t addr[16];
	int w = check_snippet_len(helo, 100);

	if (env->direction != MV_DIRECTION_INBOUND || helo.len == 0)
		return MV_OK;
	if (helo.p[0] == '[' && helo.p[helo.len - 1] == ']') {
		mv_str literal = mv_str_make(helo.p + 1, helo.len - 2);

		/* RFC 5321 4.1.3: IPv6 literals carry an "IPv6:" tag. */
		if (literal.len > 5 && strncasecmp(literal.p, "IPv6:", 5) == 0)
			literal = mv_str_make(literal.p + 5, literal.len - 5);
		if (env->conn.client_ip.len != 0 && net_parse_ip(literal, addr) &&
		    !same_address(literal, env->conn.client_ip))
			return task_symbol(task, SYM_HELO_LITERAL_MISMATCH, "HELO %.*s from client %.*s", w, helo.p,
					   (int)env->conn.client_ip.len, env->conn.client_ip.p) < 0 ? MV_NOMEM : MV_OK;
		return MV_OK;
	}
	if (net_parse_ip(helo, addr))
		return task_symbol(task, SYM_HELO_BARE_IP, "HELO %.*s", w, helo.p) < 0 ? MV_NOMEM : MV_OK;
	if ((helo.len == 9 && strncasecmp(helo.p, "localhost", 9) == 0) ||
	    (helo.len > 10 && strncasecmp(helo.p, "localhost.", 10) == 0))
		return task_symbol(task, SYM_HELO_LOCALHOST, "HELO %.*s", w, helo.p) < 0 ? MV_NOMEM : MV_OK;
	if (memchr(helo.p, '.', helo.len) == NULL || helo.p[helo.len - 1] == '.')
		return task_symbol(task, SYM_HELO_NOT_FQDN, "HELO %.*s", w, helo.p) < 0 ? MV_NOMEM : MV_OK;
	return MV_OK;
}

const struct check_def check_helo = {
	.name = "helo",
	.description = "the HELO/EHLO name of inbound clients: a real domain name, or their own address in brackets",
	.symbols = symbols,
	.n_symbols = sizeof(symbols) / sizeof(symbols[0]),
	.needs = MV_NEED_ENVELOPE,
	.stage = MV_STAGE_MAIL,
	.run = helo_run,
};
