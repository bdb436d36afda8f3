/*
 * Receipts leaving, as a machine reads them: a multipart/report with
 * report-type=disposition-notification whose message/disposition-notification
 * part (RFC 8098 3.1; message/global-disposition-notification of RFC 6533)
 * holds Reporting-UA, Final-Recipient, Original-Message-ID and the
 * Disposition: "automatic-action/MDN-sent-automatically; deleted".  Without
 * that part, the subject and text forms of mdn_client.c decide.  The fields
 * are read from the part's first MDN_REPORT_BYTES, unfolded, each value at
 * most a line's worth of the bytes read.
 */
#include <string.h>
#include <strings.h>

#include "mdn/mdn.h"

const char *mdn_type_name(enum mdn_type type)
{
	static const char *const names[] = {
		[MDN_TYPE_UNKNOWN] = "unknown",	    [MDN_TYPE_DISPLAYED] = "displayed",
		[MDN_TYPE_DELETED] = "deleted",	    [MDN_TYPE_DISPATCHED] = "dispatched",
		[MDN_TYPE_PROCESSED] = "processed", [MDN_TYPE_DENIED] = "denied",
		[MDN_TYPE_FAILED] = "failed",
	};

	return type <= MDN_TYPE_FAILED ? names[type] : "unknown";
}

struct cursor {
	const char *p, *end;
};

/* White space and comments (RFC 5322 CFWS); nesting is counted, not recursed. */
static void skip_cfws(struct cursor *c)
{
	unsigned depth = 0;

	while (c->p < c->end) {
		char ch = *c->p;

		if (depth > 0 && ch == '\\' && c->p + 1 < c->end) {
			c->p += 2;
			continue;
		}
		if (ch == '(')
			depth++;
		else if (ch == ')' && depth > 0)
			depth--;
		else if (depth == 0 && ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return;
		c->p++;
	}
}

static bool token_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
	       ch == '_' || ch == '.';
}

static mv_str token(struct cursor *c)
{
	const char *s;

	skip_cfws(c);
	s = c->p;
	while (c->p < c->end && token_char(*c->p))
		c->p++;
	return mv_str_make(s, (size_t)(c->p - s));
}

static bool punct(struct cursor *c, char ch)
{
	skip_cfws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static enum mdn_type type_of(mv_str t)
{
	static const struct {
		const char *name;
		enum mdn_type type;
	} types[] = {
		{ "displayed", MDN_TYPE_DISPLAYED }, { "deleted", MDN_TYPE_DELETED },
		{ "dispatched", MDN_TYPE_DISPATCHED }, { "processed", MDN_TYPE_PROCESSED },
		{ "denied", MDN_TYPE_DENIED },	     { "failed", MDN_TYPE_FAILED },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (mv_str_eq_ci(t, types[i].name))
			return types[i].type;
	}
	return MDN_TYPE_UNKNOWN;
}

bool mdn_disposition_parse(mv_str raw, struct mdn_disposition *d)
{
	struct cursor c;
	mv_str action, sending, type, modifier;
	unsigned n;

	memset(d, 0, sizeof(*d));
	if (raw.p == NULL)
		return false;
	c = (struct cursor){ raw.p, raw.p + raw.len };
	action = token(&c);
	if (!punct(&c, '/'))
		return false;
	sending = token(&c);
	if (!punct(&c, ';'))
		return false;
	type = token(&c);
	if (!mv_str_eq_ci(action, "automatic-action") && !mv_str_eq_ci(action, "manual-action"))
		return false;
	if (!mv_str_eq_ci(sending, "MDN-sent-automatically") && !mv_str_eq_ci(sending, "MDN-sent-manually"))
		return false;
	d->type = type_of(type);
	if (d->type == MDN_TYPE_UNKNOWN)
		return false;
	d->automatic_action = mv_str_eq_ci(action, "automatic-action");
	d->sent_automatically = mv_str_eq_ci(sending, "MDN-sent-automatically");
	/* Modifiers: "error" (RFC 8098), and RFC 2298's "warning", "superseded", ...; a bounded few. */
	if (punct(&c, '/')) {
		for (n = 0; n < 16; n++) {
			modifier = token(&c);
			if (mv_str_eq_ci(modifier, "error"))
				d->error = true;
			if (modifier.len == 0 || !punct(&c, ','))
				break;
		}
	}
	d->valid = true;
	return true;
}

/* One field of the report part, unfolded into the arena; false at the end. */
struct field_reader {
	const char *p, *end;
};

static bool next_field(struct field_reader *fr, mv_str *name_r, mv_str *value_r)
{
	while (fr->p < fr->end) {
		const char *line = fr->p, *nl = memchr(line, '\n', (size_t)(fr->end - line));
		const char *line_end = nl != NULL ? nl : fr->end, *colon, *v_end;

		fr->p = nl != NULL ? nl + 1 : fr->end;
		if (line == line_end || (line_end == line + 1 && *line == '\r'))
			continue;
		colon = memchr(line, ':', (size_t)(line_end - line));
		if (colon == NULL || *line == ' ' || *line == '\t')
			continue;
		/* The value runs over the continuation lines that follow. */
		v_end = line_end;
		while (fr->p < fr->end && (*fr->p == ' ' || *fr->p == '\t')) {
			const char *n2 = memchr(fr->p, '\n', (size_t)(fr->end - fr->p));

			v_end = n2 != NULL ? n2 : fr->end;
			fr->p = n2 != NULL ? n2 + 1 : fr->end;
		}
		*name_r = mv_str_trim(mv_str_make(line, (size_t)(colon - line)));
		*value_r = mv_str_trim(mv_str_make(colon + 1, (size_t)(v_end - colon - 1)));
		return true;
	}
	return false;
}

/* "rfc822; user@example.org" -> "user@example.org" */
static mv_str address_of(mv_str v)
{
	const char *semi = memchr(v.p, ';', v.len);

	if (semi == NULL)
		return v;
	return mv_str_trim(mv_str_make(semi + 1, v.len - (size_t)(semi + 1 - v.p)));
}

static int read_report_fields(mv_arena *arena, mv_str body, struct mdn_receipt *r)
{
	struct field_reader fr;
	mv_str name, value;

	if (body.p == NULL)
		return 0;
	fr = (struct field_reader){ body.p, body.p + (body.len < MDN_REPORT_BYTES ? body.len : MDN_REPORT_BYTES) };

	while (next_field(&fr, &name, &value)) {
		if (mv_str_eq_ci(name, "Disposition") && !r->disposition.valid)
			(void)mdn_disposition_parse(value, &r->disposition);
		else if (mv_str_eq_ci(name, "Reporting-UA") && r->reporting_ua.len == 0)
			r->reporting_ua = value;
		else if (mv_str_eq_ci(name, "Final-Recipient") && r->final_recipient.len == 0)
			r->final_recipient = address_of(value);
		else if (mv_str_eq_ci(name, "Original-Message-ID") &&
			 mdn_ids_add(arena, value, r->ids, &r->n_ids, MDN_MAX_IDS) < 0)
			return -1;
	}
	return 0;
}

static bool is_report_part(const struct mv_part *part)
{
	return mv_str_eq(part->ctype.type, "message") && (mv_str_eq(part->ctype.subtype, "disposition-notification") ||
							  mv_str_eq(part->ctype.subtype, "global-disposition-notification"));
}

/* The machine-readable part of a disposition report at the top, or NULL. */
static struct mv_part *report_part(const struct mv_msg *msg)
{
	const struct mv_part *root = msg->root;
	struct mv_part *c;
	mv_str rt;

	if (!mv_str_eq(root->ctype.type, "multipart") || !mv_str_eq(root->ctype.subtype, "report"))
		return NULL;
	rt = mv_ctype_param(&root->ctype, "report-type");
	if (rt.p != NULL && !mv_str_eq_ci(rt, "disposition-notification"))
		return NULL;
	for (c = root->children; c != NULL; c = c->next) {
		if (is_report_part(c))
			return c;
	}
	return NULL;
}

/* The first text the reader sees, for the client forms' second cue. */
static mv_str first_text(struct mv_msg *msg)
{
	unsigned i;

	for (i = 0; i < msg->n_parts; i++) {
		if (mv_part_is_text(msg->parts[i]))
			return mv_part_text(msg, msg->parts[i]);
	}
	return MV_STR_NULL;
}

int mdn_receipt_read(struct mv_msg *msg, struct mdn_receipt *r)
{
	struct mv_part *part = report_part(msg);
	mv_str subject;

	memset(r, 0, sizeof(*r));
	if (part != NULL) {
		r->form = MDN_RECEIPT_REPORT;
		if (read_report_fields(msg->arena, mv_part_decoded(msg, part), r) < 0)
			return -1;
		r->automatic = r->disposition.valid &&
			       (r->disposition.automatic_action || r->disposition.sent_automatically);
	} else {
		enum mdn_type type;

		subject = mv_msg_subject(msg);
		if (!mdn_client_subject(subject, &type, &r->client, &r->subject_form) ||
		    !mdn_client_text(first_text(msg)))
			return 0;
		r->form = MDN_RECEIPT_CLIENT;
		r->disposition.type = type;
		/* A "Not read" goes when an unread message is deleted: nobody wrote it. */
		r->automatic = type == MDN_TYPE_DELETED;
	}
	return mdn_answered_ids(msg->arena, msg->root, r->ids, &r->n_ids, MDN_MAX_IDS);
}
