/*
 * Inline style analysis for hidden text.  Only the declarations that hide
 * text are read (CSS 2.1 / CSS Color 4 syntax, no stylesheets, no escapes or
 * comments inside a declaration): display:none, visibility:hidden,
 * font-size 0 or <= 1px/1pt, opacity below 0.05, a zero width, height or
 * max-height together with overflow:hidden, and text colour equal to the
 * background colour (or transparent).
 */
#include <stdlib.h>
#include <string.h>

#include "html/html_internal.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * mv_str_eq_ci() with the length first: most names a style holds differ in
 * it.  Always inline, so that the literal's length is a constant, not a call.
 */
static inline __attribute__((always_inline)) int is_ci(mv_str s, const char *lit)
{
	return s.len == strlen(lit) && mv_str_eq_ci(s, lit);
}

static mv_str trim(mv_str s)
{
	while (s.len != 0 && is_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len != 0 && is_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

/* A CSS number: [+-]digits[.digits]; *pos moves past it.  Returns 0 when there is none. */
static int parse_number(mv_str s, size_t *pos, double *out)
{
	size_t i = *pos;
	double v = 0, scale = 1;
	int neg = 0, digits = 0;

	if (i < s.len && (s.p[i] == '+' || s.p[i] == '-'))
		neg = s.p[i++] == '-';
	while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
		if (v < 1e9)
			v = v * 10 + (s.p[i] - '0');
		i++;
		digits++;
	}
	if (i < s.len && s.p[i] == '.') {
		i++;
		while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
			scale /= 10;
			v += (s.p[i] - '0') * scale;
			i++;
			digits++;
		}
	}
	if (digits == 0)
		return 0;
	*pos = i;
	*out = neg ? -v : v;
	return 1;
}

/* A length: number and unit ("" for a bare number, "%" for percent). */
static int parse_length(mv_str s, double *num, mv_str *unit)
{
	size_t i = 0;

	if (!parse_number(s, &i, num))
		return 0;
	*unit = mv_str_make(s.p + i, s.len - i);
	return 1;
}

struct color_name {
	const char *name;
	uint32_t rgb;
};

/* The CSS named colours mail uses to hide text: the basic ones and the whites. */
static const struct color_name color_names[] = {
	{ "aliceblue", 0xF0F8FF }, { "aqua", 0x00FFFF }, { "azure", 0xF0FFFF },
	{ "black", 0x000000 }, { "blue", 0x0000FF }, { "cyan", 0x00FFFF },
	{ "floralwhite", 0xFFFAF0 }, { "fuchsia", 0xFF00FF }, { "ghostwhite", 0xF8F8FF },
	{ "gray", 0x808080 }, { "green", 0x008000 }, { "grey", 0x808080 },
	{ "honeydew", 0xF0FFF0 }, { "ivory", 0xFFFFF0 }, { "lightgray", 0xD3D3D3 },
	{ "lightgrey", 0xD3D3D3 }, { "lime", 0x00FF00 }, { "linen", 0xFAF0E6 },
	{ "magenta", 0xFF00FF }, { "maroon", 0x800000 }, { "mintcream", 0xF5FFFA },
	{ "navy", 0x000080 }, { "olive", 0x808000 }, { "orange", 0xFFA500 },
	{ "purple", 0x800080 }, { "red", 0xFF0000 }, { "seashell", 0xFFF5EE },
	{ "silver", 0xC0C0C0 }, { "snow", 0xFFFAFA }, { "teal", 0x008080 },
	{ "white", 0xFFFFFF }, { "whitesmoke", 0xF5F5F5 }, { "yellow", 0xFFFF00 },
};

/* 0x10 | value for a hex digit, 0 for anything else: a digit's bit survives an AND of all of them. */
static const unsigned char hex_digit[256] = {
	['0'] = 0x10, ['1'] = 0x11, ['2'] = 0x12, ['3'] = 0x13, ['4'] = 0x14,
	['5'] = 0x15, ['6'] = 0x16, ['7'] = 0x17, ['8'] = 0x18, ['9'] = 0x19,
	['a'] = 0x1A, ['b'] = 0x1B, ['c'] = 0x1C, ['d'] = 0x1D, ['e'] = 0x1E, ['f'] = 0x1F,
	['A'] = 0x1A, ['B'] = 0x1B, ['C'] = 0x1C, ['D'] = 0x1D, ['E'] = 0x1E, ['F'] = 0x1F,
};

/* #rgb, #rgba, #rrggbb, #rrggbbaa without the '#'; one test of all the digits, not one per digit. */
static uint32_t parse_hex(mv_str s)
{
	unsigned v[8], all = 0x10;
	size_t i;

	if (s.len != 3 && s.len != 4 && s.len != 6 && s.len != 8)
		return HTML_COLOR_UNSET;
	for (i = 0; i < s.len; i++) {
		unsigned d = hex_digit[(unsigned char)s.p[i]];

		all &= d;
		v[i] = d & 0x0F;
	}
	if (all == 0)
		return HTML_COLOR_UNSET;
	if (s.len <= 4) {
		if (s.len == 4 && v[3] == 0)
			return HTML_COLOR_TRANSPARENT;
		return (uint32_t)(v[0] * 17) << 16 | (uint32_t)(v[1] * 17) << 8 | (uint32_t)(v[2] * 17);
	}
	if (s.len == 8 && v[6] == 0 && v[7] == 0)
		return HTML_COLOR_TRANSPARENT;
	return (uint32_t)(v[0] << 4 | v[1]) << 16 | (uint32_t)(v[2] << 4 | v[3]) << 8 |
	       (uint32_t)(v[4] << 4 | v[5]);
}

/* rgb(r, g, b[, a]) and rgba(), commas or spaces, numbers or percentages. */
static uint32_t parse_rgb(mv_str s)
{
	double c[4] = { 0, 0, 0, 1 };
	size_t i = 0, n = 0;
	uint32_t rgb = 0;

	while (n < 4) {
		while (i < s.len && (is_space(s.p[i]) || s.p[i] == ',' || s.p[i] == '/'))
			i++;
		if (i >= s.len || s.p[i] == ')')
			break;
		if (!parse_number(s, &i, &c[n]))
			return HTML_COLOR_UNSET;
		if (i < s.len && s.p[i] == '%') {
			c[n] = n < 3 ? c[n] * 255 / 100 : c[n] / 100;
			i++;
		}
		n++;
	}
	if (n < 3)
		return HTML_COLOR_UNSET;
	if (c[3] <= 0)
		return HTML_COLOR_TRANSPARENT;
	for (n = 0; n < 3; n++) {
		double v = c[n] < 0 ? 0 : c[n] > 255 ? 255 : c[n];

		rgb = rgb << 8 | (uint32_t)(v + 0.5);
	}
	return rgb;
}

uint32_t html_color_parse(const char *p, size_t len, int legacy)
{
	mv_str s = trim(mv_str_make(p, len));
	size_t i;

	if (s.len == 0)
		return HTML_COLOR_UNSET;
	if (s.p[0] == '#')
		return parse_hex(mv_str_make(s.p + 1, s.len - 1));
	if (mv_str_prefix_ci(s, "rgb(") || mv_str_prefix_ci(s, "rgba(")) {
		size_t open = s.p[3] == '(' ? 4 : 5;

		return parse_rgb(mv_str_make(s.p + open, s.len - open));
	}
	if (is_ci(s, "transparent"))
		return HTML_COLOR_TRANSPARENT;
	for (i = 0; i < sizeof(color_names) / sizeof(color_names[0]); i++) {
		/* The first letter rules out most names with no call. */
		if (mv_ascii_lower(s.p[0]) == color_names[i].name[0] && mv_str_eq_ci(s, color_names[i].name))
			return color_names[i].rgb;
	}
	/* Legacy colour attributes (bgcolor=ffffff) often omit the '#'. */
	if (legacy && (s.len == 6 || s.len == 3))
		return parse_hex(s);
	return HTML_COLOR_UNSET;
}

/* The first colour among the words of a background shorthand. */
static uint32_t background_color(mv_str v)
{
	size_t i = 0;

	while (i < v.len) {
		size_t start, depth = 0;
		uint32_t c;

		while (i < v.len && is_space(v.p[i]))
			i++;
		start = i;
		while (i < v.len && (depth != 0 || !is_space(v.p[i]))) {
			if (v.p[i] == '(')
				depth++;
			else if (v.p[i] == ')' && depth != 0)
				depth--;
			i++;
		}
		if (i == start)
			break;
		c = html_color_parse(v.p + start, i - start, 0);
		if (c != HTML_COLOR_UNSET)
			return c;
	}
	return HTML_COLOR_UNSET;
}

static int is_zero_length(mv_str v)
{
	double num;
	mv_str unit;

	return parse_length(v, &num, &unit) && num == 0;
}

struct style_state {
	int overflow_hidden;
	int zero_box;
};

/* The first letters of the properties read below (display, visibility, font-size, ...): one bit test. */
static int may_be_ours(char c)
{
	static const uint32_t ours = 1u << ('d' - 'a') | 1u << ('v' - 'a') | 1u << ('f' - 'a') | 1u << ('o' - 'a') |
				     1u << ('m' - 'a') | 1u << ('h' - 'a') | 1u << ('w' - 'a') | 1u << ('c' - 'a') |
				     1u << ('b' - 'a');
	unsigned k = (unsigned)(unsigned char)mv_ascii_lower(c) - 'a';

	return k < 26 && (ours >> k & 1u) != 0;
}

static void declaration(struct html_level *lv, struct style_state *st, mv_str prop, mv_str v)
{
	double num;
	mv_str unit;
	uint32_t c;

	/* Most declarations in mail (padding, margin, font-family...) are none of ours. */
	if (prop.len < 5 || !may_be_ours(prop.p[0]))
		return;
	if (is_ci(prop, "display")) {
		if (is_ci(v, "none"))
			lv->hidden = 1;
	} else if (is_ci(prop, "visibility")) {
		if (is_ci(v, "hidden") || is_ci(v, "collapse"))
			lv->vis = 1;
		else if (is_ci(v, "visible"))
			lv->vis = 0;
	} else if (is_ci(prop, "font-size")) {
		if (!parse_length(v, &num, &unit))
			lv->tiny = 0;	/* keywords: small, medium, ... */
		else if (num <= 0)
			lv->tiny = 1;
		else if (num <= 1 && (is_ci(unit, "px") || is_ci(unit, "pt")))
			lv->tiny = 1;
		else if (!is_ci(unit, "em") && !is_ci(unit, "%") && !is_ci(unit, "ex"))
			lv->tiny = 0;	/* an absolute size undoes an inherited 0; relative ones do not */
	} else if (is_ci(prop, "opacity")) {
		if (parse_length(v, &num, &unit)) {
			if (mv_str_eq(unit, "%"))
				num /= 100;
			if (num < 0.05)
				lv->hidden = 1;
		}
	} else if (is_ci(prop, "overflow") || is_ci(prop, "overflow-x") ||
		   is_ci(prop, "overflow-y")) {
		if (is_ci(v, "hidden") || is_ci(v, "clip"))
			st->overflow_hidden = 1;
	} else if (is_ci(prop, "max-height") || is_ci(prop, "height") ||
		   is_ci(prop, "max-width") || is_ci(prop, "width")) {
		if (is_zero_length(v))
			st->zero_box = 1;
	} else if (is_ci(prop, "color")) {
		c = html_color_parse(v.p, v.len, 0);
		if (c != HTML_COLOR_UNSET)
			lv->fg = c;
	} else if (is_ci(prop, "background-color") || is_ci(prop, "background")) {
		c = is_ci(prop, "background") ? background_color(v) : html_color_parse(v.p, v.len, 0);
		if (c != HTML_COLOR_UNSET && c != HTML_COLOR_TRANSPARENT)
			lv->bg = c;
	}
}

void html_style_apply(struct html_level *lv, const char *style, size_t len)
{
	struct style_state st = { 0, 0 };
	size_t i = 0;

	while (i < len) {
		const char *semi = memchr(style + i, ';', len - i);
		size_t end = semi != NULL ? (size_t)(semi - style) : len;
		mv_str decl = mv_str_make(style + i, end - i);
		const char *colon = memchr(decl.p, ':', decl.len);

		i = end + 1;
		if (colon != NULL) {
			mv_str prop = trim(mv_str_make(decl.p, (size_t)(colon - decl.p)));
			mv_str v = trim(mv_str_make(colon + 1, decl.len - (size_t)(colon - decl.p) - 1));
			const char *bang = memchr(v.p, '!', v.len);

			/* "display: none !important" */
			if (bang != NULL)
				v = trim(mv_str_make(v.p, (size_t)(bang - v.p)));
			declaration(lv, &st, prop, v);
		}
	}
	if (st.overflow_hidden && st.zero_box)
		lv->hidden = 1;
}
