/* Decoded views of the top-level fields every scan needs: Subject and From. */
#include "msg/msg_internal.h"

mv_str mv_msg_decode_header(struct mv_msg *msg, mv_str raw)
{
	mv_buf out;

	if (mv_rfc2047_is_plain(raw)) {
		mv_str v = mv_str_trim(raw);	/* all the decoder would do; a plain value has no line break */
		char *copy;

		if (v.len == 0)
			return mv_str_make("", 0);
		if (v.len <= msg->limits.max_header_value &&
		    (copy = mv_arena_strndup(msg->arena, v.p, v.len)) != NULL)
			return mv_str_make(copy, v.len);
		/* Too long, or no room: the decoder below cuts it and says so. */
	}
	mv_buf_init(&out, msg->arena, msg->limits.max_header_value);
	if (mv_rfc2047_decode(raw, &out) == MV_CHARSET_TRUNCATED || out.truncated)
		msg->problems |= MV_PROB_HEADER_VALUE;
	return mv_buf_finish(&out);
}

mv_str mv_msg_subject(struct mv_msg *msg)
{
	struct msg *m = msg_of(msg);
	const struct mv_header *h;

	if (!m->subject_done) {
		m->subject_done = true;
		h = mv_part_header(msg->root, "Subject");
		m->subject = h != NULL ? mv_msg_decode_header(msg, h->value) : MV_STR_NULL;
	}
	return m->subject;
}

const struct mv_addr *mv_msg_from(struct mv_msg *msg)
{
	struct msg *m = msg_of(msg);
	const struct mv_header *h;
	struct mv_addr *list = NULL;

	if (!m->from_done) {
		m->from_done = true;
		h = mv_part_header(msg->root, "From");
		if (h != NULL && mv_addr_parse_list(msg->arena, h->value, 1, &list) > 0)
			m->from = list[0];
		else
			m->from.flags = MV_ADDR_BAD;
	}
	return m->from.address.len != 0 || m->from.name.len != 0 ? &m->from : NULL;
}
