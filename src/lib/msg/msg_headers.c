/*
 * Header section indexing (RFC 5322 2.2 and 3.6, with the obsolete syntax of
 * 4.5: white space before the colon).  Fields are views into the input: the
 * name without the colon, the value from the first non-blank byte after the
 * colon to the end of its last continuation line, folding kept.
 *
 * Line ends may be CRLF, LF or a mix.  A line that is neither a field, a
 * continuation nor the blank separator ends the section: the body starts at
 * that line (as mail clients and GMime do), and the damage is recorded.
 * Past max_headers fields or max_header_bytes the section is still scanned to
 * its end, so the body is found, but no more fields are indexed.
 */
#include <stdint.h>
#include <string.h>

#include "msg/msg_internal.h"
#include "util/simd.h"

/* 1 for the bytes a field name may hold: printable ASCII but the colon (RFC 5322 2.2). */
static const unsigned char ftext[256] = {
	['!'] = 1, ['"'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['('] = 1,
	[')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, [';'] = 1, ['<'] = 1, ['='] = 1, ['>'] = 1, ['?'] = 1, ['@'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['['] = 1, ['\\'] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1,
};

/* End of the line's content: before "\r\n" or "\n". */
static const char *line_content_end(const char *line, const char *next)
{
	const char *e = next;

	if (e > line && e[-1] == '\n')
		e--;
	if (e > line && e[-1] == '\r')
		e--;
	return e;
}

#ifdef SIMD_SSE2
/* Folds the 32 bytes at p into the running OR (high) and minimum (low) of a section's bytes. */
static void fold32(const char *p, simd_v *high, simd_v *low)
{
	simd_v a = simd_load(p), b = simd_load(p + 16);

	*high = simd_or(*high, simd_or(a, b));
	*low = simd_min(*low, simd_min(a, b));
}
#endif

/*
 * MV_PROB_HEADER_8BIT and MV_PROB_NUL_BYTES for a header section, found in one
 * pass: the OR of all bytes has the high bit set if any byte has, and their
 * minimum is 0 if any byte is NUL.
 */
static unsigned section_bytes_problems(const char *p, size_t len)
{
	unsigned char any_high = 0;
	bool nul = false;
	size_t i = 0;

#ifdef SIMD_SSE2
	simd_v high = simd_splat(0), low = simd_splat(0xff);

	if (len >= 32) {
		for (; i + 32 < len; i += 32)
			fold32(p + i, &high, &low);
		/* The last 32 bytes, overlapping the step before (OR and minimum do not mind): no byte loop. */
		fold32(p + len - 32, &high, &low);
		i = len;
	}
	any_high = simd_mask(high) != 0 ? 0x80 : 0;
	nul = simd_mask(simd_eq(low, 0)) != 0;
#endif
	for (; i < len; i++) {
		any_high |= (unsigned char)p[i] & 0x80;
		nul |= p[i] == '\0';
	}
	return (any_high != 0 ? MV_PROB_HEADER_8BIT : 0u) | (nul ? MV_PROB_NUL_BYTES : 0u);
}

/*
 * Counts the line ending at next: eol[0] CRLF, eol[1] bare LF (the last line
 * may have neither).  content_end is before that ending, so its length tells.
 */
static void count_eol(const char *content_end, const char *next, unsigned eol[2])
{
	if (next[-1] == '\n')
		eol[next - content_end == 2 ? 0 : 1]++;
}

/*
 * Length of the run of field-name bytes at p.  CR and LF are not among them,
 * so the run never leaves its line; end only bounds the reads.
 */
static size_t ftext_run(const char *p, const char *end)
{
	const char *q = p;

#ifdef SIMD_SSE2
	while (end - q >= 16) {
		simd_v v = simd_load(q);
		simd_v name = simd_and_not(simd_in(v, '!', '~'), simd_eq(v, ':'));
		unsigned stop = ~simd_mask(name) & 0xffff;

		if (stop != 0)
			return (size_t)(q - p) + (unsigned)__builtin_ctz(stop);
		q += 16;
	}
#endif
	while (q < end && ftext[(unsigned char)*q])
		q++;
	return (size_t)(q - p);
}

/* Length of the field name if the line starts a field ("Name:" or "Name :"), else 0. */
static size_t field_name_len(const char *p, const char *content_end, const char *end, const char **colon_r)
{
	size_t name_len = ftext_run(p, end);
	const char *q = p + name_len;

	if (name_len == 0)
		return 0;
	while (q < content_end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == content_end || *q != ':')
		return 0;
	*colon_r = q;
	return name_len;
}

/*
 * Room for one more field.  The fields' name index entries share their block,
 * after the room for `cap` fields, so a section costs one allocation.
 */
static int headers_push(struct mv_msg *msg, struct mv_part *part, unsigned *cap)
{
	struct msg_part *mp = msg_part(part);

	if (part->n_headers == *cap) {
		unsigned ncap = *cap != 0 ? *cap * 2 : 32;
		size_t entry = sizeof(struct mv_header) + sizeof(struct msg_name_entry);
		struct mv_header *h;

		if (ncap > msg->limits.max_headers)
			ncap = msg->limits.max_headers;
		h = mv_arena_realloc(msg->arena, part->headers, *cap * entry, ncap * entry);
		if (h == NULL)
			return -1;
		mp->names = (struct msg_name_entry *)(void *)(h + ncap);
		/* The entries were copied (or stayed) after the old room: move them past the new. */
		if (part->n_headers != 0)
			memmove(mp->names, h + *cap, part->n_headers * sizeof(*mp->names));
		part->headers = h;
		*cap = ncap;
	}
	return 0;
}

/*
 * Chains every field to its name slot once the section is indexed (the array
 * no longer moves then).  Going from the last field to the first, each field
 * is put in front of its slot's chain, which leaves the chains in input order
 * with no branch on whether a slot is still empty.
 */
static void chain_name_slots(struct mv_part *part)
{
	struct msg_part *mp = msg_part(part);
	unsigned i;

	memset(mp->name_slot_first, 0, sizeof(mp->name_slot_first));
	for (i = part->n_headers; i-- > 0;) {
		unsigned slot = msg_name_slot(mp->names[i].key);

		mp->names[i].next = mp->name_slot_first[slot];
		mp->name_slot_first[slot] = i + 1;
	}
}

const char *msg_headers_parse(struct mv_msg *msg, struct mv_part *part, const char *p, const char *end)
{
	const char *start = p;
	struct mv_header *cur = NULL;
	unsigned cap = 0, eol[2] = { 0, 0 };

	while (p < end) {
		const char *next = msg_next_line(p, end);
		const char *content_end = line_content_end(p, next);
		const char *colon = NULL;
		size_t name_len;

		if (content_end == p) {
			/* The blank line: "\n", "\r\n", or a lone "\r" at the very end. */
			count_eol(content_end, next, eol);
			p = next;
			break;
		}
		if (*p == ' ' || *p == '\t') {
			/* Continuation (RFC 5322 2.2.3); one before any field is damage. */
			if (cur != NULL)
				cur->value.len = (size_t)(content_end - cur->value.p);
			else if (part->n_headers == 0)
				part->problems |= MV_PROB_HEADER_SYNTAX;
			count_eol(content_end, next, eol);
			p = next;
			continue;
		}
		name_len = field_name_len(p, content_end, end, &colon);
		if (name_len == 0) {
			/* Not a field: the body starts here. */
			part->problems |= MV_PROB_HEADER_SYNTAX;
			break;
		}
		cur = NULL;
		if (part->n_headers >= msg->limits.max_headers) {
			part->problems |= MV_PROB_HEADER_COUNT;
		} else if ((size_t)(next - start) > msg->limits.max_header_bytes) {
			part->problems |= MV_PROB_HEADER_BYTES;
		} else {
			const char *v = colon + 1;

			if (headers_push(msg, part, &cap) < 0)
				return NULL;
			while (v < content_end && (*v == ' ' || *v == '\t'))
				v++;
			cur = &part->headers[part->n_headers++];
			cur->name = mv_str_make(p, name_len);
			cur->value = mv_str_make(v, (size_t)(content_end - v));
			msg_part(part)->names[part->n_headers - 1].key = msg_name_key(p, name_len);
		}
		count_eol(content_end, next, eol);
		p = next;
	}
	chain_name_slots(part);
	part->header_raw = mv_str_make(start, (size_t)(p - start));
	/* Mixed line ends in the top-level header section hint at a spliced message. */
	if (part == msg->root && eol[0] != 0 && eol[1] != 0)
		msg->problems |= MV_PROB_MIXED_EOL;
	part->problems |= section_bytes_problems(start, (size_t)(p - start));
	return p;
}
