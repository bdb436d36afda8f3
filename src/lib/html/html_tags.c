/*
 * The tags and attributes the HTML module acts on.  Lookups run once per tag
 * and per attribute, so they switch on the length first and compare a handful
 * of names; every other name is "unknown" and costs one short scan.
 */
#include <string.h>

#include "html/html_internal.h"

#define BLOCK	(TF_BREAK | TF_CLOSES_P | TF_SPECIAL)
#define VOID	(TF_VOID | TF_SPECIAL)
#define K	TAG_OTHER_KNOWN

static const struct html_tag_info tags1[] = {
	{ "a", TAG_A, RAW_NONE, 0 },
	{ "p", TAG_P, RAW_NONE, BLOCK },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info tags2[] = {
	{ "br", TAG_BR, RAW_NONE, VOID | TF_BREAK },
	{ "dd", TAG_DD, RAW_NONE, BLOCK },
	{ "dl", K, RAW_NONE, BLOCK },
	{ "dt", TAG_DT, RAW_NONE, BLOCK },
	{ "h1", K, RAW_NONE, BLOCK },
	{ "h2", K, RAW_NONE, BLOCK },
	{ "h3", K, RAW_NONE, BLOCK },
	{ "h4", K, RAW_NONE, BLOCK },
	{ "h5", K, RAW_NONE, BLOCK },
	{ "h6", K, RAW_NONE, BLOCK },
	{ "hr", K, RAW_NONE, VOID | BLOCK },
	{ "li", TAG_LI, RAW_NONE, BLOCK },
	{ "ol", TAG_OL, RAW_NONE, BLOCK },
	{ "td", TAG_TD, RAW_NONE, TF_SPACE | TF_SCOPE | TF_SPECIAL },
	{ "th", TAG_TH, RAW_NONE, TF_SPACE | TF_SCOPE | TF_SPECIAL },
	{ "tr", TAG_TR, RAW_NONE, TF_BREAK | TF_SPECIAL },
	{ "ul", TAG_UL, RAW_NONE, BLOCK },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info tags3[] = {
	{ "col", K, RAW_NONE, VOID },
	{ "dir", K, RAW_NONE, BLOCK },
	{ "div", K, RAW_NONE, BLOCK },
	{ "img", TAG_IMG, RAW_NONE, VOID },
	{ "nav", K, RAW_NONE, BLOCK },
	{ "pre", K, RAW_NONE, BLOCK },
	{ "wbr", K, RAW_NONE, VOID },
	{ "xmp", TAG_XMP, RAW_TEXT, BLOCK },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info tags4[] = {
	{ "area", TAG_AREA, RAW_NONE, VOID },
	{ "base", TAG_BASE, RAW_NONE, VOID },
	{ "body", TAG_BODY, RAW_NONE, TF_SPECIAL },
	{ "font", TAG_FONT, RAW_NONE, 0 },
	{ "form", TAG_FORM, RAW_NONE, BLOCK },
	{ "html", TAG_HTML, RAW_NONE, TF_SCOPE | TF_SPECIAL },
	{ "link", TAG_LINK, RAW_NONE, VOID },
	{ "main", K, RAW_NONE, BLOCK },
	{ "menu", K, RAW_NONE, BLOCK },
	{ "meta", TAG_META, RAW_NONE, VOID },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info tags5[] = {
	{ "aside", K, RAW_NONE, BLOCK },
	{ "embed", TAG_EMBED, RAW_NONE, VOID },
	{ "frame", TAG_FRAME, RAW_NONE, VOID },
	{ "input", K, RAW_NONE, VOID },
	{ "param", K, RAW_NONE, VOID },
	{ "style", TAG_STYLE, RAW_DROP, TF_SPECIAL },
	{ "table", TAG_TABLE, RAW_NONE, TF_BREAK | TF_CLOSES_P | TF_SCOPE | TF_SPECIAL },
	{ "tbody", K, RAW_NONE, TF_SPECIAL },
	{ "tfoot", K, RAW_NONE, TF_SPECIAL },
	{ "thead", K, RAW_NONE, TF_SPECIAL },
	{ "title", TAG_TITLE, RAW_TITLE, TF_SPECIAL },
	{ "track", K, RAW_NONE, VOID },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info tags6[] = {
	{ "applet", TAG_APPLET, RAW_NONE, TF_SCOPE | TF_SPECIAL },
	{ "button", TAG_BUTTON, RAW_NONE, TF_SCOPE | TF_SPECIAL },
	{ "center", K, RAW_NONE, BLOCK },
	{ "dialog", K, RAW_NONE, BLOCK },
	{ "figure", K, RAW_NONE, BLOCK },
	{ "footer", K, RAW_NONE, BLOCK },
	{ "header", K, RAW_NONE, BLOCK },
	{ "hgroup", K, RAW_NONE, BLOCK },
	{ "iframe", TAG_IFRAME, RAW_DROP, TF_SPECIAL },
	{ "keygen", K, RAW_NONE, VOID },
	{ "legend", K, RAW_NONE, TF_BREAK | TF_SPECIAL },
	{ "object", TAG_OBJECT, RAW_NONE, TF_SCOPE | TF_SPECIAL },
	{ "option", TAG_OPTION, RAW_NONE, TF_SPACE },
	{ "script", TAG_SCRIPT, RAW_DROP, TF_SPECIAL },
	{ "source", K, RAW_NONE, VOID },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info tags7[] = {
	{ "address", K, RAW_NONE, BLOCK },
	{ "article", K, RAW_NONE, BLOCK },
	{ "bgsound", K, RAW_NONE, VOID },
	{ "caption", K, RAW_NONE, TF_BREAK | TF_SCOPE | TF_SPECIAL },
	{ "details", K, RAW_NONE, BLOCK },
	{ "listing", K, RAW_NONE, BLOCK },
	{ "marquee", K, RAW_NONE, TF_SCOPE | TF_SPECIAL },
	{ "noembed", TAG_NOEMBED, RAW_DROP, TF_SPECIAL },
	{ "section", K, RAW_NONE, BLOCK },
	{ "summary", K, RAW_NONE, BLOCK },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info tags8[] = {
	{ "basefont", K, RAW_NONE, VOID },
	{ "fieldset", K, RAW_NONE, BLOCK },
	{ "noframes", TAG_NOFRAMES, RAW_DROP, TF_SPECIAL },
	{ "template", TAG_TEMPLATE, RAW_NONE, TF_SCOPE | TF_SPECIAL },
	{ "textarea", TAG_TEXTAREA, RAW_TEXT, TF_SPECIAL },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info tags9[] = {
	{ "plaintext", TAG_PLAINTEXT, RAW_TEXT, BLOCK },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info tags10[] = {
	{ "blockquote", K, RAW_NONE, BLOCK },
	{ "figcaption", K, RAW_NONE, BLOCK },
	{ NULL, 0, 0, 0 }
};

static const struct html_tag_info *const tags_by_len[] = {
	NULL, tags1, tags2, tags3, tags4, tags5, tags6, tags7, tags8, tags9, tags10,
};

const struct html_tag_info *html_tag_lookup(const char *name, size_t len)
{
	const struct html_tag_info *t;

	if (len == 0 || len >= sizeof(tags_by_len) / sizeof(tags_by_len[0]))
		return NULL;
	for (t = tags_by_len[len]; t->name != NULL; t++) {
		if (t->name[0] == name[0] && memcmp(t->name, name, len) == 0)
			return t;
	}
	return NULL;
}

struct attr_name {
	const char *name;
	size_t len;
	int id;
};

#define A(name, id) { name, sizeof(name) - 1, id }

static const struct attr_name attr_names[] = {
	A("alt", ATTR_ALT), A("src", ATTR_SRC),
	A("data", ATTR_DATA), A("href", ATTR_HREF),
	A("color", ATTR_COLOR), A("style", ATTR_STYLE),
	A("action", ATTR_ACTION), A("hidden", ATTR_HIDDEN),
	A("bgcolor", ATTR_BGCOLOR), A("content", ATTR_CONTENT),
	A("background", ATTR_BACKGROUND), A("http-equiv", ATTR_HTTP_EQUIV),
};

int html_attr_lookup(const char *name, size_t len)
{
	size_t i;

	if (len < 3 || len > 10)
		return ATTR_NONE;
	for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
		const struct attr_name *a = &attr_names[i];

		if (a->len == len && a->name[0] == name[0] && memcmp(a->name, name, len) == 0)
			return a->id;
	}
	return ATTR_NONE;
}
