/* Decoded views of the top-level fields every scan needs: Subject and From. */
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "msg/msg_internal.h"

/*
 * True when the value is printable ASCII or tabs, without '=' and without
 * line breaks: no encoded word, nothing to unfold, convert or tidy, so
 * mv_rfc2047_decode() would only trim its blanks.  Most subjects are like
 * that.  SSE2 looks at 16 bytes at a time where it is there.
 */
static bool is_plain_value(mv_str v)
{
	size_t i = 0;

#ifdef __SSE2__
	for (; v.len - i >= 16; i += 16) {
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(v.p + i));
		/* Compared as signed bytes, controls and 8-bit bytes are all below ' '. */
		__m128i odd = _mm_andnot_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('\t')),
					       _mm_cmplt_epi8(b, _mm_set1_epi8(' ')));

		odd = _mm_or_si128(odd, _mm_cmpeq_epi8(b, _mm_set1_epi8(0x7f)));
		odd = _mm_or_si128(odd, _mm_cmpeq_epi8(b, _mm_set1_epi8('=')));
		if (_mm_movemask_epi8(odd) != 0)
			return false;
	}
#endif
	for (; i < v.len; i++) {
		unsigned char c = (unsigned char)v.p[i];

		if (c < 0x20 ? c != '\t' : c > 0x7E || c == '=')
			return false;
	}
	return true;
}

static mv_str trim_blanks(mv_str v)
{
	while (v.len != 0 && (v.p[v.len - 1] == ' ' || v.p[v.len - 1] == '\t'))
		v.len--;
	while (v.len != 0 && (v.p[0] == ' ' || v.p[0] == '\t')) {
		v.p++;
		v.len--;
	}
	return v;
}

mv_str mv_msg_decode_header(struct mv_msg *msg, mv_str raw)
{
	mv_buf out;

	if (is_plain_value(raw)) {
		mv_str v = trim_blanks(raw);
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
	const struct mv_header *h;

	if (!msg->subject_done) {
		msg->subject_done = true;
		h = mv_part_header(msg->root, "Subject");
		msg->subject = h != NULL ? mv_msg_decode_header(msg, h->value) : MV_STR_NULL;
	}
	return msg->subject;
}

const struct mv_addr *mv_msg_from(struct mv_msg *msg)
{
	const struct mv_header *h;
	struct mv_addr *list = NULL;

	if (!msg->from_done) {
		msg->from_done = true;
		h = mv_part_header(msg->root, "From");
		if (h != NULL && mv_addr_parse_list(msg->arena, h->value, 1, &list) > 0)
			msg->from = list[0];
		else
			msg->from.flags = MV_ADDR_BAD;
	}
	return msg->from.address.len != 0 || msg->from.name.len != 0 ? &msg->from : NULL;
}
