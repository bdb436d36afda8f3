/*
 * On-demand decoding of a part: transfer encoding first (mv_part_decoded),
 * then charset to UTF-8 for text parts (mv_part_text).  Results are cached on
 * the part.  Text decoding is charged against max_decoded_bytes for the whole
 * message; past it the text is cut and MV_PROB_DECODED_LIMIT says so.
 * Sizes of attachments are counted without keeping their bytes.
 */
#include "mime/mime_decode.h"
#include "msg/msg_internal.h"

static size_t decode_into(enum mv_cte cte, mv_str in, char *out, unsigned *problems)
{
	switch (cte) {
	case MV_CTE_BASE64:
		return mime_base64_decode(in.p, in.len, out, problems);
	case MV_CTE_QP:
		return mime_qp_decode(in.p, in.len, out, problems);
	case MV_CTE_UUENCODE:
		return mime_uu_decode(in.p, in.len, out, problems);
	default:
		break;
	}
	if (out != NULL && in.len != 0)
		memcpy(out, in.p, in.len);
	return in.len;
}

static bool cte_transforms(enum mv_cte cte)
{
	return cte == MV_CTE_BASE64 || cte == MV_CTE_QP || cte == MV_CTE_UUENCODE;
}

static void note_problems(struct mv_msg *msg, struct mv_part *part, unsigned problems)
{
	part->problems |= problems;
	msg->problems |= problems;
}

/* Counts the decoded bytes of a leaf without keeping them. */
static void count_decoded_size(struct mv_msg *msg, struct mv_part *part)
{
	unsigned problems = 0;

	if (!cte_transforms(part->cte))
		part->decoded_size = part->body.len;
	else
		part->decoded_size = decode_into(part->cte, part->body, NULL, &problems);
	msg_part(part)->size_done = true;
	note_problems(msg, part, problems);
}

size_t mv_part_decoded_size(struct mv_msg *msg, struct mv_part *part)
{
	const struct msg_part *mp = msg_part(part);

	/* The JSON writer asks again for sizes the scan already counted: count once. */
	if (mp->decoded_done || mp->size_done || part->children != NULL || mv_part_is_multipart(part))
		return part->decoded_size;
	count_decoded_size(msg, part);
	return part->decoded_size;
}

mv_str mv_part_decoded(struct mv_msg *msg, struct mv_part *part)
{
	struct msg_part *mp = msg_part(part);
	unsigned problems = 0;
	size_t bound;
	char *out;

	if (mp->decoded_done)
		return mp->decoded;
	mp->decoded_done = true;
	if (part->children != NULL || mv_part_is_multipart(part)) {
		mp->decoded = MV_STR_NULL;
		return mp->decoded;
	}
	if (!cte_transforms(part->cte)) {
		mp->decoded = part->body;
		part->decoded_size = part->body.len;
		return mp->decoded;
	}
	bound = part->cte == MV_CTE_BASE64 ? part->body.len / 4 * 3 + 3 : part->body.len;
	out = mv_arena_alloc(msg->arena, bound + 1);
	if (out == NULL) {
		note_problems(msg, part, MV_PROB_MEMORY);
		mp->decoded = MV_STR_NULL;
		count_decoded_size(msg, part);	/* the size is still reported, though the bytes are not kept */
		return mp->decoded;
	}
	part->decoded_size = decode_into(part->cte, part->body, out, &problems);
	out[part->decoded_size] = '\0';
	mp->decoded = mv_str_make(out, part->decoded_size);
	note_problems(msg, part, problems);
	return mp->decoded;
}

mv_str mv_part_text(struct mv_msg *msg, struct mv_part *part)
{
	struct msg *m = msg_of(msg);
	struct msg_part *mp = msg_part(part);
	size_t budget = msg->limits.max_decoded_bytes - m->decoded_total;
	mv_str raw;
	mv_buf out;
	unsigned problems = 0;

	if (mp->text_done)
		return mp->text;
	mp->text_done = true;
	mp->text = MV_STR_NULL;
	if (!mv_part_is_text(part))
		return mp->text;
	if (budget == 0) {
		note_problems(msg, part, MV_PROB_DECODED_LIMIT);
		return mp->text;
	}
	raw = mv_part_decoded(msg, part);
	if (raw.len > budget) {
		/* Keep an honest prefix and say the rest was not looked at. */
		problems |= MV_PROB_DECODED_LIMIT;
		raw.len = budget;
	}
	if (mv_charset_is_identity(part->charset, raw)) {
		/* Already UTF-8 (most mail): a view, no copy. */
		mp->text = raw;
		m->decoded_total += raw.len;
		note_problems(msg, part, problems);
		return mp->text;
	}
	mv_buf_init(&out, msg->arena, budget);
	switch (mv_charset_to_utf8(part->charset, raw, &out)) {
	case MV_CHARSET_OK:
		break;
	case MV_CHARSET_REPLACED:
		problems |= MV_PROB_BAD_CHARSET_DATA;
		break;
	case MV_CHARSET_UNKNOWN:
		problems |= MV_PROB_UNKNOWN_CHARSET;
		break;
	case MV_CHARSET_TRUNCATED:
		problems |= MV_PROB_DECODED_LIMIT;
		break;
	}
	if (mv_arena_exhausted(msg->arena))
		problems |= MV_PROB_MEMORY;
	mp->text = mv_buf_finish(&out);
	m->decoded_total += mp->text.len;
	note_problems(msg, part, problems);
	return mp->text;
}
