/*
 * mv_msg_parse(): the entry point of the message model.  Skips an mbox
 * "From " line, indexes the top-level header section and hands the body to
 * the MIME tree parser.  Problems of all parts are gathered in msg->problems.
 */
#include <errno.h>
#include <string.h>

#include "msg/msg_internal.h"

/*
 * msg_name_key() of a name of len bytes whose first, middle (at len / 2) and
 * last bytes are given, for a constant table: no keys to work out per message.
 * tests/msg checks each entry (a wrong key would miss that field's duplicates).
 */
#define NAME_KEY(len, first, mid, last) \
	((uint32_t)(len) | (uint32_t)((first) | 0x20) << 8 | (uint32_t)((mid) | 0x20) << 16 | \
	 (uint32_t)((last) | 0x20) << 24)

/* Fields that RFC 5322 3.6 allows at most once. */
static const struct {
	const char *name;
	size_t len;
} single_fields[] = {
#define FIELD(s) { s, sizeof(s) - 1 }
	FIELD("From"), FIELD("Sender"), FIELD("Subject"), FIELD("Date"), FIELD("Message-ID"), FIELD("To"),
	FIELD("Reply-To"), FIELD("In-Reply-To"),
#undef FIELD
};

/* Their name keys, in the same order: an array of its own, so the count loop is a few vector compares. */
static const uint32_t single_keys[] = {
	NAME_KEY(4, 'f', 'o', 'm'), NAME_KEY(6, 's', 'd', 'r'), NAME_KEY(7, 's', 'j', 't'),
	NAME_KEY(4, 'd', 't', 'e'), NAME_KEY(10, 'm', 'g', 'd'), NAME_KEY(2, 't', 'o', 'o'),
	NAME_KEY(8, 'r', 'y', 'o'), NAME_KEY(11, 'i', 'p', 'o'),
};

enum { N_SINGLE = sizeof(single_fields) / sizeof(single_fields[0]) };

/* Fields of the top-level section named single_fields[i] exactly (ASCII case aside). */
static unsigned count_named(const struct mv_part *root, int i, uint32_t key)
{
	const struct msg_name_entry *names = msg_part_const(root)->names;
	unsigned h, n = 0;

	for (h = 0; h < root->n_headers; h++) {
		const struct mv_header *f = &root->headers[h];

		if (names[h].key == key && f->name.len == single_fields[i].len &&
		    msg_name_eq(f->name.p, single_fields[i].name, f->name.len))
			n++;
	}
	return n;
}

/*
 * One pass over the fields counts, for each single field, the fields with its
 * name key: a comparison per pair and no branch that depends on the field, so
 * nothing is mispredicted.  Equal names have equal keys, so a count under two
 * proves there is no duplicate; a count of two or more (rare) is confirmed by
 * comparing the names.
 */
static void check_duplicates(struct mv_msg *msg)
{
	const struct mv_part *root = msg->root;
	const struct msg_name_entry *names = msg_part_const(root)->names;
	uint32_t counts[N_SINGLE] = { 0 };
	unsigned h;
	int i;

	for (h = 0; h < root->n_headers; h++) {
		uint32_t key = names[h].key;

		for (i = 0; i < N_SINGLE; i++)
			counts[i] += key == single_keys[i];
	}
	for (i = 0; i < N_SINGLE; i++) {
		if (counts[i] >= 2 && count_named(root, i, single_keys[i]) >= 2) {
			msg->problems |= MV_PROB_DUP_HEADER;
			return;
		}
	}
}

int mv_msg_parse(const char *buf, size_t len, const struct mv_limits *limits, struct mv_msg **msg_r)
{
	struct mv_limits lim = { 0 };
	mv_arena *arena;
	struct msg *m;
	struct mv_msg *msg;
	const char *p = buf, *end, *body;
	unsigned i;

	*msg_r = NULL;
	if (limits != NULL)
		lim = *limits;
	mv_limits_fill(&lim);
	/* Decoded text, HTML results and links all live in the arena; bound it. */
	arena = mv_arena_new(lim.max_decoded_bytes * 4 + ((size_t)64 << 20));
	if (arena == NULL)
		goto fail;
	m = mv_arena_calloc(arena, 1, sizeof(*m));
	if (m == NULL)
		goto fail;
	msg = &m->pub;
	msg->arena = arena;
	msg->limits = lim;
	if (len > lim.max_message_bytes) {
		msg->problems |= MV_PROB_MESSAGE_SIZE;
		len = lim.max_message_bytes;
	}
	end = buf + len;
	if (len >= 5 && memcmp(buf, "From ", 5) == 0) {
		p = msg_next_line(buf, end);
		msg->mbox_from = mv_str_make(buf, (size_t)(p - buf));
	}
	msg->raw = mv_str_make(p, (size_t)(end - p));
	msg->root = msg_part_alloc(msg);
	if (msg->root == NULL)
		goto fail;
	msg->parts = mv_arena_alloc(arena, 8 * sizeof(*msg->parts));
	if (msg->parts == NULL)
		goto fail;
	m->parts_cap = 8;
	msg->parts[msg->n_parts++] = msg->root;
	body = msg_headers_parse(msg, msg->root, p, end);
	if (body == NULL)
		goto fail;
	if (msg->root->n_headers == 0)
		msg->root->problems |= MV_PROB_NO_HEADERS;
	if (msg_mime_parse(msg, msg->root, body, end) < 0)
		goto fail;
	check_duplicates(msg);
	for (i = 0; i < msg->n_parts; i++)
		msg->problems |= msg->parts[i]->problems;
	*msg_r = msg;
	return 0;
fail:
	mv_arena_free(&arena);
	errno = ENOMEM;
	return -1;
}

void mv_msg_free(struct mv_msg **msg)
{
	mv_arena *arena;

	if (*msg == NULL)
		return;
	arena = (*msg)->arena;
	mv_arena_free(&arena);
	*msg = NULL;
}
