/* Internal interfaces of the message model, shared by src/lib/msg and src/lib/mime. */
#ifndef MAILVET_MSG_INTERNAL_H
#define MAILVET_MSG_INTERNAL_H

#include "mailvet/msg.h"
#include "util/simd.h"

/* Fields are chained by a hash of their name key, so a lookup visits few of them. */
#define MSG_NAME_SLOTS 64

/* A header field's entry in its part's name index. */
struct msg_name_entry {
	uint32_t key;	/* msg_name_key() of the field's name: lookups compare it first */
	uint32_t next;	/* 1 + index of the next field in the same name slot, 0: none */
};

/*
 * A part as the library keeps it: msg.h shows `pub`, the rest is bookkeeping
 * no caller needs.  Every struct mv_part is the pub of one of these, so
 * msg_part() is free.
 */
struct msg_part {
	struct mv_part pub;
	/* names[i] indexes pub.headers[i]; it lives in the same block, after the fields. */
	struct msg_name_entry *names;
	uint32_t name_slot_first[MSG_NAME_SLOTS];	/* 1 + index of the first field per name slot */

	/* Filled on demand by mv_part_decoded() / mv_part_text(). */
	bool decoded_done;
	bool size_done;			/* pub.decoded_size is known (set by either function) */
	bool text_done;
	mv_str decoded;
	mv_str text;			/* UTF-8 */
};

/* A message as the library keeps it (see struct msg_part). */
struct msg {
	struct mv_msg pub;
	unsigned parts_cap;
	size_t decoded_total;		/* text bytes decoded so far, against max_decoded_bytes */

	/* Cached by mv_msg_subject() and mv_msg_from(). */
	bool subject_done, from_done;
	mv_str subject;
	struct mv_addr from;
};

static inline struct msg_part *msg_part(struct mv_part *part)
{
	return (struct msg_part *)part;
}

static inline const struct msg_part *msg_part_const(const struct mv_part *part)
{
	return (const struct msg_part *)part;
}

static inline struct msg *msg_of(struct mv_msg *msg)
{
	return (struct msg *)msg;
}

/* A new part of the message, zeroed, with its private half. */
static inline struct mv_part *msg_part_alloc(struct mv_msg *msg)
{
	struct msg_part *part = mv_arena_calloc(msg->arena, 1, sizeof(*part));

	return part != NULL ? &part->pub : NULL;
}

/*
 * Indexes the header section that starts at `p` into part->headers.  Returns
 * a pointer to where the body starts (after the blank line, or at the first
 * line that cannot be a header field, or at `end`).  Problems are added to
 * part->problems.  Returns NULL only when the arena is exhausted.
 */
const char *msg_headers_parse(struct mv_msg *msg, struct mv_part *part, const char *p, const char *end);

/* Parses the MIME structure below `part`, whose header section is already indexed. */
int msg_mime_parse(struct mv_msg *msg, struct mv_part *part, const char *body, const char *end);

/*
 * A digest of a field name for lookups: its length and three of its bytes,
 * case-folded with | 0x20 (names equal ASCII case-insensitively have equal
 * keys; equal keys still need a comparison).  It separates the common fields.
 */
static inline uint32_t msg_name_key(const char *name, size_t len)
{
	if (len == 0)
		return 0;
	return (uint32_t)(len & 0xff) | ((uint32_t)((unsigned char)name[0] | 0x20) << 8) |
	       ((uint32_t)((unsigned char)name[len / 2] | 0x20) << 16) |
	       ((uint32_t)((unsigned char)name[len - 1] | 0x20) << 24);
}

/* The name slot of a key (see MV_NAME_SLOTS): the top bits of a multiplicative hash. */
static inline unsigned msg_name_slot(uint32_t key)
{
	return (unsigned)((key * 0x9E3779B1u) >> 26);
}

static inline uint64_t msg_load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/*
 * ASCII case-insensitive equality of two names of n bytes.  Names are nearly
 * always written as they are looked up, so an exact match is tried first with
 * word loads that cover every byte: from 8 bytes on, the words at 0, 8, ...
 * and the last one overlapping them (a name past 16 bytes must be compared in
 * its middle too, or "Content-TransXer-Encoding" would pass for
 * "Content-Transfer-Encoding").
 */
static inline bool msg_name_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	if (n >= 8) {
		uint64_t diff = msg_load64(a + n - 8) ^ msg_load64(b + n - 8);

		for (i = 0; i + 8 < n; i += 8)
			diff |= msg_load64(a + i) ^ msg_load64(b + i);
		if (diff == 0)
			return true;
	} else if (n >= 4) {
		uint32_t a0, b0, a1, b1;

		memcpy(&a0, a, 4);
		memcpy(&b0, b, 4);
		memcpy(&a1, a + n - 4, 4);
		memcpy(&b1, b + n - 4, 4);
		if (a0 == b0 && a1 == b1)
			return true;
	}
	for (i = 0; i < n; i++) {
		if (a[i] != b[i] && mv_ascii_lower(a[i]) != mv_ascii_lower(b[i]))
			return false;
	}
	return true;
}

/* Bit i set when p[i] is '\n', for the 16 bytes at p. */
static inline uint64_t lf_mask16(const char *p)
{
	return simd_eq_mask(p, '\n');
}

/*
 * Position just past the next '\n' at or after p, or end.  Header lines are
 * short, so a few inline looks beat a call into memchr() per line.  Four
 * 16-byte blocks a step: nearly all lines end within the first step, so the
 * loop's exit is mispredicted far less often than with one or two blocks a
 * step (the extra loads cost less than the mispredicts they save).
 */
static inline const char *msg_next_line(const char *p, const char *end)
{
	const char *nl;

#ifdef SIMD_SSE2
	for (; end - p >= 64; p += 64) {
		uint64_t hits = lf_mask16(p) | lf_mask16(p + 16) << 16 | lf_mask16(p + 32) << 32 |
				lf_mask16(p + 48) << 48;

		if (hits != 0)
			return p + __builtin_ctzll(hits) + 1;
	}
	for (; end - p >= 16; p += 16) {
		uint64_t hits = lf_mask16(p);

		if (hits != 0)
			return p + __builtin_ctzll(hits) + 1;
	}
#endif
	nl = memchr(p, '\n', (size_t)(end - p));
	return nl != NULL ? nl + 1 : end;
}

#endif
