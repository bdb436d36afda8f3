/*
 * gmime-compare: parses each message with GMime 3 (the reference) and with
 * mv_msg_parse(), and prints every difference in what both see:
 *
 *   - the MIME tree in preorder: type/subtype of each node, lower-cased; a
 *     message/rfc822 node is followed by the root of the message inside it;
 *   - the size of each leaf after transfer decoding;
 *   - the first From mailbox (display name and address, UTF-8);
 *   - the Subject (UTF-8).
 *
 * Usage: gmime-compare [-d] [-l LISTFILE] [PATH...]
 *   -l  read paths from LISTFILE, one a line ("-" = stdin)
 *   -d  also dump both views of every message (to find out why they differ)
 *
 * Output, one line per difference:  path TAB kind TAB gmime=... TAB mailvet=...
 * with kind one of read, tree, size, from_name, from_addr, subject; then
 * summary lines starting with '#'.  Exit status 0 whenever it ran: judging the
 * differences is the job of tests/reference/t_gmime_compare.sh and its
 * allow-list docs/gmime-differences.tsv.
 *
 * Normalization applied to both sides, so that only meaning is compared:
 * runs of white space in Subject and display name become one space and are
 * trimmed; the domain of GMime's address is lower-cased (mailvet's contract);
 * a leading mbox "From " line is cut before GMime sees the message (mailvet
 * gets the whole file and skips that line itself).  GMime is told to read raw
 * 8-bit header bytes as UTF-8, else windows-1252, the same rule as mailvet.
 *
 * Build with -DMV_COMPARE_GMIME_ONLY to run the GMime side alone.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#ifndef MV_COMPARE_GMIME_ONLY
#include "mailvet/msg.h"
#endif

#define MAX_DEPTH 64		/* GMime trees deeper than this are cut (mailvet's own limit is 32) */
#define MAX_SHOW 400		/* longest value printed */

struct node {
	char *type;		/* "type/subtype" */
	long long size;		/* decoded size of a leaf, -1 for a container */
};

struct view {
	bool ok;
	struct node *nodes;
	size_t n, cap;
	char *from_name;	/* NULL: no From mailbox */
	char *from_addr;
	char *subject;
};

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (q == NULL) {
		perror("gmime-compare");
		exit(2);
	}
	return q;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xrealloc(NULL, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void view_add(struct view *v, const char *type, size_t type_len,
		     const char *subtype, size_t subtype_len, long long size)
{
	struct node *nd;
	size_t i;

	if (v->n == v->cap) {
		v->cap = v->cap != 0 ? v->cap * 2 : 16;
		v->nodes = xrealloc(v->nodes, v->cap * sizeof(*v->nodes));
	}
	nd = &v->nodes[v->n++];
	nd->type = xrealloc(NULL, type_len + subtype_len + 2);
	memcpy(nd->type, type, type_len);
	nd->type[type_len] = '/';
	memcpy(nd->type + type_len + 1, subtype, subtype_len);
	nd->type[type_len + 1 + subtype_len] = '\0';
	for (i = 0; nd->type[i] != '\0'; i++)
		nd->type[i] = (char)tolower((unsigned char)nd->type[i]);
	nd->size = size;
}

static void view_free(struct view *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->nodes[i].type);
	free(v->nodes);
	free(v->from_name);
	free(v->from_addr);
	free(v->subject);
	memset(v, 0, sizeof(*v));
}

/* Collapses runs of white space to one space and trims; NULL stays NULL. */
static char *squeeze(const char *s, size_t len)
{
	char *out, *o;
	size_t i;
	bool space = false;

	if (s == NULL)
		return NULL;
	out = o = xrealloc(NULL, len + 1);
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o != out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = false;
		*o++ = c;
	}
	*o = '\0';
	return out;
}

/* GMime side. */

static GMimeParserOptions *gm_options;

static void gm_walk(struct view *v, GMimeObject *obj, unsigned depth)
{
	GMimeContentType *ct;
	const char *type = "", *subtype = "";

	ct = g_mime_object_get_content_type(obj);
	if (ct != NULL) {
		type = g_mime_content_type_get_media_type(ct);
		subtype = g_mime_content_type_get_media_subtype(ct);
		type = type != NULL ? type : "";
		subtype = subtype != NULL ? subtype : "";
	}
	if (depth >= MAX_DEPTH) {
		view_add(v, "(too", 4, "deep)", 5, -1);
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int i, count = g_mime_multipart_get_count(mp);

		view_add(v, type, strlen(type), subtype, strlen(subtype), -1);
		for (i = 0; i < count; i++)
			gm_walk(v, g_mime_multipart_get_part(mp, i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		view_add(v, type, strlen(type), subtype, strlen(subtype), -1);
		if (inner != NULL && inner->mime_part != NULL)
			gm_walk(v, inner->mime_part, depth + 1);
	} else if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(obj));
		long long size = 0;

		if (content != NULL) {
			/* write_to_stream undoes the transfer encoding. */
			GMimeStream *null = g_mime_stream_null_new();

			size = g_mime_data_wrapper_write_to_stream(content, null);
			g_object_unref(null);
		}
		view_add(v, type, strlen(type), subtype, strlen(subtype), size);
	} else {
		view_add(v, type, strlen(type), subtype, strlen(subtype), -1);
	}
}

/* The first mailbox of an address list, looking into groups. */
static InternetAddressMailbox *gm_first_mailbox(InternetAddressList *list, unsigned depth)
{
	int i, n;

	if (list == NULL || depth > 4)
		return NULL;
	n = internet_address_list_length(list);
	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return INTERNET_ADDRESS_MAILBOX(ia);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			InternetAddressMailbox *mb = gm_first_mailbox(
				internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), depth + 1);

			if (mb != NULL)
				return mb;
		}
	}
	return NULL;
}

static void gm_view(const char *buf, size_t len, struct view *v)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	InternetAddressMailbox *mb;
	const char *subject;

	/* An mbox "From " line is not a header: cut it, as mailvet does. */
	if (len >= 5 && memcmp(buf, "From ", 5) == 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t skip = nl != NULL ? (size_t)(nl - buf) + 1 : len;

		buf += skip;
		len -= skip;
	}
	stream = g_mime_stream_mem_new_with_buffer(buf, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, gm_options);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL)
		return;
	v->ok = true;
	if (msg->mime_part != NULL)
		gm_walk(v, msg->mime_part, 0);
	mb = gm_first_mailbox(g_mime_message_get_from(msg), 0);
	if (mb != NULL) {
		const char *name = internet_address_get_name(INTERNET_ADDRESS(mb));
		const char *addr = internet_address_mailbox_get_addr(mb);
		char *at;

		name = name != NULL ? name : "";
		addr = addr != NULL ? addr : "";
		v->from_name = squeeze(name, strlen(name));
		v->from_addr = xstrndup(addr, strlen(addr));
		at = strrchr(v->from_addr, '@');
		for (; at != NULL && *at != '\0'; at++)
			*at = (char)tolower((unsigned char)*at);
	}
	subject = g_mime_message_get_subject(msg);
	v->subject = squeeze(subject != NULL ? subject : "", subject != NULL ? strlen(subject) : 0);
	g_object_unref(msg);
}

#ifndef MV_COMPARE_GMIME_ONLY
/* mailvet side: parts[] is already the preorder walk. */
static void mv_view(const char *buf, size_t len, struct view *v)
{
	struct mv_msg *msg = NULL;
	const struct mv_addr *from;
	mv_str subject;
	unsigned i;

	if (mv_msg_parse(buf, len, NULL, &msg) < 0)
		return;
	v->ok = true;
	for (i = 0; i < msg->n_parts; i++) {
		struct mv_part *part = msg->parts[i];
		long long size = -1;

		if (part->children == NULL && !mv_part_is_multipart(part))
			size = (long long)mv_part_decoded_size(msg, part);
		view_add(v, part->ctype.type.p, part->ctype.type.len,
			 part->ctype.subtype.p, part->ctype.subtype.len, size);
	}
	from = mv_msg_from(msg);
	if (from != NULL) {
		v->from_name = squeeze(from->name.p != NULL ? from->name.p : "", from->name.len);
		v->from_addr = xstrndup(from->address.p != NULL ? from->address.p : "", from->address.len);
	}
	subject = mv_msg_subject(msg);
	v->subject = squeeze(subject.p != NULL ? subject.p : "", subject.len);
	mv_msg_free(&msg);
}
#endif

/* Output. */

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Prints a value on one line, as valid UTF-8: backslash, tab and newline
 * escaped, other controls (C1 included, they are invisible) as \xHH or
 * \u00HH, and bytes that are not UTF-8 as \xHH so that broken output shows.
 */
static void put_escaped(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 0, len;

	if (s == NULL) {
		fputs("(none)", stdout);
		return;
	}
	for (; *s != '\0'; s += len, n++) {
		if (n == MAX_SHOW) {
			fputs("...", stdout);
			return;
		}
		len = utf8_len(s);
		if (len == 0) {
			printf("\\x%02x", *s);
			len = 1;
		} else if (*s == '\\') {
			fputs("\\\\", stdout);
		} else if (*s == '\t') {
			fputs("\\t", stdout);
		} else if (*s == '\n') {
			fputs("\\n", stdout);
		} else if (*s < 0x20 || *s == 0x7f) {
			printf("\\x%02x", *s);
		} else if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0) {
			printf("\\u%04x", s[1]);
		} else {
			fwrite(s, 1, len, stdout);
		}
	}
}

static void put_diff(const char *path, const char *kind, const char *gm, const char *mv)
{
	fputs(path, stdout);
	printf("\t%s\tgmime=", kind);
	put_escaped(gm);
	fputs("\tmailvet=", stdout);
	put_escaped(mv);
	putchar('\n');
}

/* "text/plain:12 multipart/mixed message/rfc822 ..." */
static char *tree_string(const struct view *v)
{
	size_t len = 0, cap = 64, i;
	char *s = xrealloc(NULL, cap);

	s[0] = '\0';
	for (i = 0; i < v->n; i++) {
		char item[64];
		size_t need, tl = strlen(v->nodes[i].type);

		item[0] = '\0';
		if (v->nodes[i].size >= 0)
			snprintf(item, sizeof(item), ":%lld", v->nodes[i].size);
		need = len + tl + strlen(item) + 2;
		if (need > cap) {
			cap = need * 2;
			s = xrealloc(s, cap);
		}
		if (i > 0)
			s[len++] = ' ';
		memcpy(s + len, v->nodes[i].type, tl);
		len += tl;
		memcpy(s + len, item, strlen(item) + 1);
		len += strlen(item);
	}
	return s;
}

enum kind { K_READ, K_TREE, K_SIZE, K_FROM_NAME, K_FROM_ADDR, K_SUBJECT, K_COUNT };
static const char *const kind_names[K_COUNT] = {
	"read", "tree", "size", "from_name", "from_addr", "subject",
};
static unsigned long kind_counts[K_COUNT];

static bool str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/* Returns true when the message showed any difference. */
static bool compare(const char *path, const struct view *gm, const struct view *mv)
{
	bool differs = false, same_shape = gm->n == mv->n;
	size_t i;

	if (!gm->ok || !mv->ok) {
		put_diff(path, "read", gm->ok ? "ok" : "failed", mv->ok ? "ok" : "failed");
		kind_counts[K_READ]++;
		return true;
	}
	for (i = 0; same_shape && i < gm->n; i++) {
		if (strcmp(gm->nodes[i].type, mv->nodes[i].type) != 0 ||
		    (gm->nodes[i].size < 0) != (mv->nodes[i].size < 0))
			same_shape = false;
	}
	if (!same_shape) {
		char *a = tree_string(gm), *b = tree_string(mv);

		put_diff(path, "tree", a, b);
		kind_counts[K_TREE]++;
		differs = true;
		free(a);
		free(b);
	} else {
		for (i = 0; i < gm->n; i++) {
			char a[128], b[128];

			if (gm->nodes[i].size == mv->nodes[i].size)
				continue;
			snprintf(a, sizeof(a), "#%zu %s %lld", i, gm->nodes[i].type, gm->nodes[i].size);
			snprintf(b, sizeof(b), "#%zu %s %lld", i, mv->nodes[i].type, mv->nodes[i].size);
			put_diff(path, "size", a, b);
			kind_counts[K_SIZE]++;
			differs = true;
		}
	}
	if (str_differs(gm->from_name, mv->from_name)) {
		put_diff(path, "from_name", gm->from_name, mv->from_name);
		kind_counts[K_FROM_NAME]++;
		differs = true;
	}
	if (str_differs(gm->from_addr, mv->from_addr)) {
		put_diff(path, "from_addr", gm->from_addr, mv->from_addr);
		kind_counts[K_FROM_ADDR]++;
		differs = true;
	}
	if (str_differs(gm->subject, mv->subject)) {
		put_diff(path, "subject", gm->subject, mv->subject);
		kind_counts[K_SUBJECT]++;
		differs = true;
	}
	return differs;
}

static void dump(const char *path, const char *who, const struct view *v)
{
	char *t = tree_string(v);

	printf("# %s %s ok=%d tree=%s\n# %s %s from=", path, who, v->ok, t, path, who);
	put_escaped(v->from_name);
	fputs(" <", stdout);
	put_escaped(v->from_addr);
	fputs("> subject=", stdout);
	put_escaped(v->subject);
	putchar('\n');
	free(t);
}

static char *read_file(const char *path, size_t *len_r)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL)
		return NULL;
	do {
		if (cap - len < 65536) {
			cap = cap != 0 ? cap * 2 : 65536;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	*len_r = len;
	return buf;
}

static unsigned long n_messages, n_differing, n_unreadable;
static bool opt_dump;

static void one(const char *path)
{
	struct view gm = { 0 }, mv = { 0 };
	size_t len;
	char *buf = read_file(path, &len);

	if (buf == NULL) {
		fprintf(stderr, "gmime-compare: %s: %s\n", path, strerror(errno));
		n_unreadable++;
		return;
	}
	n_messages++;
	gm_view(buf, len, &gm);
#ifndef MV_COMPARE_GMIME_ONLY
	mv_view(buf, len, &mv);
#else
	mv = gm;
#endif
	if (opt_dump) {
		dump(path, "gmime", &gm);
		dump(path, "mailvet", &mv);
	}
	if (compare(path, &gm, &mv))
		n_differing++;
#ifndef MV_COMPARE_GMIME_ONLY
	view_free(&mv);
#endif
	view_free(&gm);
	free(buf);
}

int main(int argc, char **argv)
{
	const char *list = NULL;
	const char *fallback[] = { "utf-8", "windows-1252", NULL };
	int i, k;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "-d") == 0) {
			opt_dump = true;
		} else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
			list = argv[++i];
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			fprintf(stderr, "usage: gmime-compare [-d] [-l LISTFILE] [PATH...]\n");
			return 2;
		}
	}
	g_mime_init();
	gm_options = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(gm_options, fallback);

	if (list != NULL) {
		FILE *fp = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		if (fp == NULL) {
			fprintf(stderr, "gmime-compare: %s: %s\n", list, strerror(errno));
			return 2;
		}
		for (;;) {
			n = getline(&line, &cap, fp);
			if (n <= 0)
				break;
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (n > 0)
				one(line);
		}
		free(line);
		if (fp != stdin)
			fclose(fp);
	}
	for (; i < argc; i++)
		one(argv[i]);

	printf("# messages %lu, differing %lu, unreadable %lu\n", n_messages, n_differing, n_unreadable);
	for (k = 0; k < K_COUNT; k++)
		printf("# %s\t%lu\n", kind_names[k], kind_counts[k]);
	g_mime_parser_options_free(gm_options);
	g_mime_shutdown();
	return 0;
}
