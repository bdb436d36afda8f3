/*
 * gmime-from-shapes: the From fields phishing breaks on purpose, read by
 * mv_msg_from() and by GMime 3 (the oracle: what a mail client shows).  Each
 * shape is a whole message "From: SHAPE" with a body; both parsers read it.
 *
 *   same     GMime's first mailbox has the address and the display name that
 *            mailvet gives (names compared with white space squeezed, domains
 *            lower-cased, as gmime-compare does);
 *   gm_none  GMime finds no mailbox, or one whose address has no '@': it gives
 *            up where mailvet recovers the address written below.  Checked
 *            both ways, so that a GMime that learns the shape shows here.
 *
 * Every shape must come out of mailvet with MV_ADDR_BAD (they are all
 * malformed: the FROM_MALFORMED symbol rests on it), and with the address and
 * name the table gives.  Prints one line per failure; exit status 1 when any.
 * tests/hdr/t_from_shapes.sh runs it; it is built with -DMV_GMIME=ON.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mailvet/msg.h"

enum oracle { SAME, GM_NONE };

struct shape {
	const char *field;
	const char *address;	/* mailvet's */
	const char *name;
	enum oracle oracle;
};

static const struct shape shapes[] = {
	/* A phrase, a comma, more words and an angle-addr: one mailbox, the name runs to '<'. */
	{ "Microsoft account team ,_<no-reply@x.example>", "no-reply@x.example", "Microsoft account team ,_", SAME },
	{ "Microsoft account team, <no-reply@x.example>", "no-reply@x.example", "Microsoft account team,", SAME },
	{ "Name, <addr@x.example>", "addr@x.example", "Name,", SAME },
	{ "Name,<addr@x.example>", "addr@x.example", "Name,", SAME },
	{ "=?utf-8?q?Microsoft?=, Support <a@x.example>", "a@x.example", "Microsoft, Support", SAME },
	{ "=?utf-8?b?TWljcm9zb2Z0?= ,Security <a@x.example>", "a@x.example", "Microsoft ,Security", SAME },
	{ "\"Microsoft\" , <a@x.example>", "a@x.example", "Microsoft ,", SAME },
	{ "Apple ID, Support, <a@x.example>", "a@x.example", "Apple ID, Support,", SAME },
	{ "Amazon.com, Inc. <a@x.example>", "a@x.example", "Amazon.com, Inc.", SAME },
	{ "PayPal, (Service) <a@x.example>", "a@x.example", "PayPal,", SAME },
	/* Two addresses where one is expected: the first is the one shown. */
	{ "a@x.example b@y.example", "a@x.example", "", SAME },
	{ "Bob <a@x.example> <b@y.example>", "a@x.example", "Bob", SAME },
	{ "\"Service PayPal\" <service@paypal.example> <a@evil.example>", "service@paypal.example", "Service PayPal",
	  SAME },
	{ "<service@paypal.example> a@evil.example", "service@paypal.example", "", SAME },
	{ "<a@evil.example>no-reply@microsoft.example", "a@evil.example", "", SAME },
	/* A trailing dot, doubled brackets, a stray '>' or ';'. */
	{ "Bob <a@x.example.>", "a@x.example", "Bob", SAME },
	{ "a@x.example.", "a@x.example", "", SAME },
	{ "Security <a@x.example.> (x)", "a@x.example", "Security", SAME },
	{ "<<a@x.example>>", "a@x.example", "", SAME },
	{ "PayPal Service <a@x.example>>", "a@x.example", "PayPal Service", SAME },
	{ "Bob <a@x.example>;", "a@x.example", "Bob", SAME },
	{ "Microsoft <a@x.example", "a@x.example", "Microsoft", SAME },
	{ "Bob <a@x.example> junk", "a@x.example", "Bob", SAME },
	/* An address as the name, written without quotes. */
	{ "service@paypal.example <a@evil.example>", "a@evil.example", "service@paypal.example", SAME },
	{ "no-reply@microsoft.example<a@evil.example>", "a@evil.example", "no-reply@microsoft.example", SAME },
	/* Where GMime gives up and mailvet reads what a reader sees. */
	{ "Bob (bob@x.example)", "bob@x.example", "Bob", GM_NONE },
	{ "\"Bob\" (bob@x.example)", "bob@x.example", "Bob", GM_NONE },
	{ "(bob@x.example)", "bob@x.example", "", GM_NONE },
	{ "Security Team(no-reply@x.example)", "no-reply@x.example", "Security Team", GM_NONE },
	{ "Bob (<bob@x.example>)", "bob@x.example", "Bob", GM_NONE },
	{ "Bob <a@x.example..>", "a@x.example", "Bob", GM_NONE },
	{ "Bob <mailto:a@x.example>", "a@x.example", "Bob", GM_NONE },
	{ "Bob <a@@x.example>", "a@x.example", "Bob", GM_NONE },
	{ "Bob a@x.example", "a@x.example", "Bob", GM_NONE },
	{ "Microsoft Support a@x.example", "a@x.example", "Microsoft Support", GM_NONE },
	{ "\"Microsoft Support\" a@x.example", "a@x.example", "Microsoft Support", GM_NONE },
};

static GMimeParserOptions *gm_options;
static int failures;

static void fail(const struct shape *s, const char *what, const char *got, const char *want)
{
	printf("FAIL From: %s: %s: got \"%s\", want \"%s\"\n", s->field, what, got, want);
	failures++;
}

/* Runs of white space to one space, trimmed (malloc()ed). */
static char *squeeze(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	bool space = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (isspace((unsigned char)s[i])) {
			space = o != out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = false;
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* GMime's first mailbox of the message's From: address (domain lower-cased) and name, or false. */
static bool gm_from(const char *msg_text, char **addr_r, char **name_r)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(msg_text, strlen(msg_text));
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, gm_options);
	InternetAddressList *list;
	InternetAddressMailbox *mb = NULL;
	bool ok = false;
	int i, n;

	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL)
		return false;
	list = g_mime_message_get_from(msg);
	n = list != NULL ? internet_address_list_length(list) : 0;
	for (i = 0; i < n && mb == NULL; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			mb = INTERNET_ADDRESS_MAILBOX(ia);
	}
	if (mb != NULL) {
		const char *a = internet_address_mailbox_get_addr(mb);
		const char *nm = internet_address_get_name(INTERNET_ADDRESS(mb));
		char *at;

		*addr_r = strdup(a != NULL ? a : "");
		*name_r = squeeze(nm != NULL ? nm : "", nm != NULL ? strlen(nm) : 0);
		for (at = strrchr(*addr_r, '@'); at != NULL && *at != '\0'; at++)
			*at = (char)tolower((unsigned char)*at);
		ok = true;
	}
	g_object_unref(msg);
	return ok;
}

static void one(const struct shape *s)
{
	char text[1024], *gm_addr = NULL, *gm_name = NULL, *mv_addr, *mv_name;
	struct mv_msg *msg = NULL;
	const struct mv_addr *from;
	bool gm;

	snprintf(text, sizeof(text), "From: %s\r\nSubject: test\r\n\r\nbody\r\n", s->field);
	if (mv_msg_parse(text, strlen(text), NULL, &msg) < 0 || (from = mv_msg_from(msg)) == NULL) {
		fail(s, "mailvet", "(no From)", s->address);
		mv_msg_free(&msg);
		return;
	}
	mv_addr = squeeze(from->address.p != NULL ? from->address.p : "", from->address.len);
	mv_name = squeeze(from->name.p != NULL ? from->name.p : "", from->name.len);
	if (strcmp(mv_addr, s->address) != 0)
		fail(s, "mailvet address", mv_addr, s->address);
	if (strcmp(mv_name, s->name) != 0)
		fail(s, "mailvet name", mv_name, s->name);
	if (!(from->flags & MV_ADDR_BAD))
		fail(s, "mailvet flags", "no MV_ADDR_BAD", "MV_ADDR_BAD");
	gm = gm_from(text, &gm_addr, &gm_name);
	if (s->oracle == SAME) {
		if (!gm)
			fail(s, "GMime", "(no mailbox)", mv_addr);
		else if (strcmp(gm_addr, mv_addr) != 0)
			fail(s, "GMime address", gm_addr, mv_addr);
		else if (strcmp(gm_name, mv_name) != 0)
			fail(s, "GMime name", gm_name, mv_name);
	} else if (gm && strchr(gm_addr, '@') != NULL) {
		fail(s, "GMime (expected to give up)", gm_addr, "(none)");
	}
	free(gm_addr);
	free(gm_name);
	free(mv_addr);
	free(mv_name);
	mv_msg_free(&msg);
}

int main(void)
{
	const char *fallback[] = { "utf-8", "windows-1252", NULL };
	size_t i, n = sizeof(shapes) / sizeof(shapes[0]);

	g_mime_init();
	gm_options = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(gm_options, fallback);
	for (i = 0; i < n; i++)
		one(&shapes[i]);
	g_mime_parser_options_free(gm_options);
	g_mime_shutdown();
	printf("%zu shapes, %d failures\n", n, failures);
	return failures != 0;
}
