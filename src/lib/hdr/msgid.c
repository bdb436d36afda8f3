/*
 * RFC 5322 3.6.4 msg-id, with the obsolete CFWS inside it (4.5.4: "<1234 @
 * local(blah) .machine .example>") and without brackets.  Only the first id
 * of a list is returned (In-Reply-To and References callers split lists
 * themselves).
 */
#include <string.h>

#include "mailvet/hdr.h"

#include "hdr/hdr_lex.h"

/*
 * p is at '<'.  When nothing between it and the first '>' is to be dropped
 * or read specially (white space, a comment, a quoted string, another '<';
 * ';' and '[' are only seen in the same class), the id is those bytes, copied
 * once.  False otherwise.
 */
static bool plain_id(mv_arena *arena, const char *p, const char *end, mv_str *id_r)
{
	const char *gt = memchr(p + 1, '>', (size_t)(end - p - 1));
	char *copy;

	if (gt == NULL || hdr_find_class(p + 1, gt, HDR_C_WSP | HDR_C_RCVD_STOP) != gt)
		return false;
	if (gt == p + 1) {
		*id_r = mv_str_make("", 0);
		return true;
	}
	copy = mv_arena_strndup(arena, p + 1, (size_t)(gt - p - 1));
	*id_r = copy != NULL ? mv_str_make(copy, (size_t)(gt - p - 1)) : mv_str_make("", 0);
	return true;
}

mv_str mv_msgid_parse(mv_arena *arena, mv_str raw)
{
	const char *p = raw.p, *end = raw.p + raw.len, *q;
	bool bad = false, bracket;
	mv_buf out;
	mv_str id;

	while (p < end && (hdr_is(*p, HDR_C_WSP) || *p == '(')) {
		if (*p == '(')
			p = hdr_skip_comment(p, end, &bad);
		else
			p++;
	}
	if (p < end && *p == '<' && plain_id(arena, p, end, &id))
		return id;
	bracket = p < end && *p == '<';
	if (bracket)
		p++;
	mv_buf_init(&out, arena, raw.len);
	while (p < end) {
		if (*p == '>' || (!bracket && (*p == '<' || *p == '(')))
			break;
		if (*p == '(' && bracket) {
			p = hdr_skip_comment(p, end, &bad);
		} else if (hdr_is(*p, HDR_C_WSP)) {
			/* Without brackets, white space ends the id. */
			if (!bracket)
				break;
			p++;
		} else if (*p == '"') {
			q = hdr_skip_quoted(p, end, '"', &bad);
			(void)mv_buf_append(&out, p, (size_t)(q - p));
			p = q;
		} else {
			/* A run of ordinary bytes in one copy. */
			for (q = p; q < end && !hdr_is(*q, HDR_C_WSP) && *q != '>' && *q != '<' &&
			     *q != '(' && *q != '"'; q++)
				;
			if (q == p)
				q++;	/* a '<' inside brackets: keep it */
			(void)mv_buf_append(&out, p, (size_t)(q - p));
			p = q;
		}
	}
	if (out.len == 0)
		return mv_str_make("", 0);
	return mv_buf_finish(&out);
}
