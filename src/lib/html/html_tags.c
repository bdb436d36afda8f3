/*
 * The tags and attributes the HTML module acts on.  Lookups run once per tag
 * and per attribute: a tag is found by the hash of its name (which the element
 * stack needs anyway) in an open-addressing table filled once per process; an
 * attribute by its length and first letter, then one masked compare.
 */
#include <pthread.h>
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

_Static_assert(sizeof(tags_by_len) / sizeof(tags_by_len[0]) - 1 <= HTML_TAG_NAME_PAD, "known names fit the padding");
_Static_assert(HTML_TAG_NAME_PAD <= HTML_MAX_TAG_NAME, "the parser's name buffer holds the padding");

struct html_tag_slot html_tag_slots[HTML_TAG_SLOTS];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void tag_slots_fill(void)
{
	size_t len;

	for (len = 1; len < sizeof(tags_by_len) / sizeof(tags_by_len[0]); len++) {
		const struct html_tag_info *t;

		for (t = tags_by_len[len]; t->name != NULL; t++) {
			char name[HTML_TAG_NAME_PAD] = { 0 };
			uint32_t hash;
			unsigned slot;

			memcpy(name, t->name, len);
			hash = html_name_hash(name, len);
			slot = html_tag_slot_of(hash);
			html_tag_slots[slot].hash = hash;
			html_tag_slots[slot].len = (uint32_t)len;
			memcpy(html_tag_slots[slot].name, t->name, len);
			html_tag_slots[slot].tag = t;
		}
	}
}

int html_tag_table_perfect(void)
{
	size_t len;

	html_tags_init();
	for (len = 1; len < sizeof(tags_by_len) / sizeof(tags_by_len[0]); len++) {
		const struct html_tag_info *t;

		for (t = tags_by_len[len]; t->name != NULL; t++) {
			char name[HTML_TAG_NAME_PAD] = { 0 };

			memcpy(name, t->name, len);
			if (html_tag_lookup(name, len, html_name_hash(name, len)) != t)
				return 0;
		}
	}
	return 1;
}

/*
 * Attributes: no two names we act on share both length and first letter, so
 * that pair picks the one candidate and a masked compare of the 16 bytes of
 * the parser's name buffer checks it.  Slots hold the id + 1; 0 is none.
 */
#define SLOT(len, first, attr) [len][(first) & 31] = (attr) + 1

const unsigned char html_attr_slots[HTML_MAX_ATTR_NAME + 1][32] = {
	SLOT(3, 'a', ATTR_ALT), SLOT(3, 's', ATTR_SRC),
	SLOT(4, 'd', ATTR_DATA), SLOT(4, 'h', ATTR_HREF),
	SLOT(5, 'c', ATTR_COLOR), SLOT(5, 's', ATTR_STYLE),
	SLOT(6, 'a', ATTR_ACTION), SLOT(6, 'h', ATTR_HIDDEN), SLOT(6, 'm', ATTR_METHOD),
	SLOT(7, 'b', ATTR_BGCOLOR), SLOT(7, 'c', ATTR_CONTENT),
	SLOT(10, 'b', ATTR_BACKGROUND), SLOT(10, 'h', ATTR_HTTP_EQUIV),
};

static const char *const attr_names[ATTR_COUNT] = {
	[ATTR_HREF] = "href", [ATTR_SRC] = "src", [ATTR_ALT] = "alt", [ATTR_ACTION] = "action",
	[ATTR_STYLE] = "style", [ATTR_HIDDEN] = "hidden", [ATTR_BACKGROUND] = "background",
	[ATTR_CONTENT] = "content", [ATTR_HTTP_EQUIV] = "http-equiv", [ATTR_COLOR] = "color",
	[ATTR_BGCOLOR] = "bgcolor", [ATTR_DATA] = "data", [ATTR_METHOD] = "method",
};

struct html_attr_name html_attr_names[ATTR_COUNT + 1];

static void attr_names_fill(void)
{
	unsigned id;

	html_attr_names[0].name[0] = 1;	/* no name matches it: mask 0, name not 0 */
	for (id = 0; id < ATTR_COUNT; id++) {
		size_t len = strlen(attr_names[id]);

		memcpy(html_attr_names[id + 1].name, attr_names[id], len);
		memset(html_attr_names[id + 1].mask, 0xFF, len);
	}
}

static void tables_fill(void)
{
	tag_slots_fill();
	attr_names_fill();
}

void html_tags_init(void)
{
	(void)pthread_once(&tables_once, tables_fill);
}
