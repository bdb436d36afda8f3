/* Read access to the message model: header lookup and part predicates. */
#include "msg/msg_internal.h"

const char *mv_cte_name(enum mv_cte cte)
{
	switch (cte) {
	case MV_CTE_7BIT:
		return "7bit";
	case MV_CTE_8BIT:
		return "8bit";
	case MV_CTE_BINARY:
		return "binary";
	case MV_CTE_QP:
		return "quoted-printable";
	case MV_CTE_BASE64:
		return "base64";
	case MV_CTE_UUENCODE:
		return "x-uuencode";
	case MV_CTE_UNKNOWN:
		break;
	}
	return "unknown";
}

/*
 * Lookups follow the chain of the name's slot, comparing the name keys first:
 * a field of another name almost always differs there.  Equal keys are
 * confirmed here.
 */
static bool name_is(const struct mv_header *h, const char *name, size_t len)
{
	return h->name.len == len && msg_name_eq(h->name.p, name, len);
}

const struct mv_header *mv_part_header_n(const struct mv_part *part, const char *name, size_t len)
{
	const struct msg_part *mp = msg_part_const(part);
	uint32_t key = msg_name_key(name, len), i;

	for (i = mp->name_slot_first[msg_name_slot(key)]; i != 0; i = mp->names[i - 1].next) {
		const struct mv_header *h = &part->headers[i - 1];

		if (mp->names[i - 1].key == key && name_is(h, name, len))
			return h;
	}
	return NULL;
}

const struct mv_header *mv_part_header_next(const struct mv_part *part, const struct mv_header *prev)
{
	const struct msg_part *mp = msg_part_const(part);
	const struct msg_name_entry *at = &mp->names[prev - part->headers];
	uint32_t i;

	for (i = at->next; i != 0; i = mp->names[i - 1].next) {
		const struct mv_header *h = &part->headers[i - 1];

		if (mp->names[i - 1].key == at->key && name_is(h, prev->name.p, prev->name.len))
			return h;
	}
	return NULL;
}

unsigned mv_part_header_count_n(const struct mv_part *part, const char *name, size_t len)
{
	const struct msg_part *mp = msg_part_const(part);
	uint32_t key = msg_name_key(name, len), i;
	unsigned n = 0;

	for (i = mp->name_slot_first[msg_name_slot(key)]; i != 0; i = mp->names[i - 1].next) {
		const struct mv_header *h = &part->headers[i - 1];

		if (mp->names[i - 1].key == key && name_is(h, name, len))
			n++;
	}
	return n;
}

bool mv_part_is_multipart(const struct mv_part *part)
{
	return mv_str_eq(part->ctype.type, "multipart");
}

bool mv_part_is_message(const struct mv_part *part)
{
	/* An encoded message/rfc822 (not allowed by RFC 2046 5.2.1) cannot be parsed in place. */
	if (part->cte == MV_CTE_BASE64 || part->cte == MV_CTE_QP || part->cte == MV_CTE_UUENCODE)
		return false;
	return mv_str_eq(part->ctype.type, "message") &&
	       (mv_str_eq(part->ctype.subtype, "rfc822") || mv_str_eq(part->ctype.subtype, "global") ||
		mv_str_eq(part->ctype.subtype, "news"));
}

bool mv_part_is_attachment(const struct mv_part *part)
{
	return mv_str_eq(part->disposition.type, "attachment") ||
	       (part->filename.len != 0 && !mv_str_eq(part->disposition.type, "inline"));
}

bool mv_part_is_text(const struct mv_part *part)
{
	return part->children == NULL && mv_str_eq(part->ctype.type, "text") && !mv_part_is_attachment(part);
}
