/*
 * Is it a bounce?  The structure decides first: a report's type and parts
 * (RFC 6522 multipart/report: delivery-status, disposition-notification,
 * feedback-report).  Without one, the signs a person reads: the sender is a
 * mail system, the subject reports a failure, the envelope sender is null,
 * X-Failed-Recipients names recipients, and the notice has the words a mail
 * server writes (dsn_signs.c).  Two signs together make a bounce; one alone
 * does not, so that an ordinary message about a failed delivery, or a
 * newsletter from "postmaster", stays ordinary.  Ordinary mail shows none of
 * the signs in its header and costs a walk over its parts, no text search.
 */
#include <string.h>

#include "dsn/dsn_int.h"

const char *dsn_kind_name(enum dsn_kind kind)
{
	switch (kind) {
	case DSN_KIND_NONE:
		return "none";
	case DSN_KIND_BOUNCE:
		return "bounce";
	case DSN_KIND_RECEIPT:
		return "receipt";
	case DSN_KIND_FEEDBACK:
		return "feedback";
	case DSN_KIND_AUTOREPLY:
		return "autoreply";
	}
	return "none";
}

const char *dsn_action_name(enum dsn_action action)
{
	static const char *const names[] = { "unknown", "failed", "delayed", "delivered", "relayed", "expanded" };

	return (unsigned)action < sizeof(names) / sizeof(names[0]) ? names[action] : "unknown";
}

static bool type_is(const struct mv_part *part, const char *type, const char *subtype)
{
	return mv_str_eq(part->ctype.type, type) && mv_str_eq(part->ctype.subtype, subtype);
}

static bool message_type(const struct mv_part *part)
{
	return type_is(part, "message", "rfc822") || type_is(part, "message", "global");
}

/* Inside the returned message: its parts are not the bounce's. */
static bool inside_message(const struct mv_part *part)
{
	const struct mv_part *p;

	for (p = part->parent; p != NULL; p = p->parent) {
		if (message_type(p))
			return true;
	}
	return false;
}

/* What the bounce's own parts are. */
struct parts {
	struct mv_part *status;		/* message/delivery-status */
	struct mv_part *receipt;	/* message/disposition-notification */
	struct mv_part *feedback;	/* message/feedback-report */
	struct dsn_regions regions;
	bool text_cut;
};

static void add_text(struct parts *ps, mv_str text)
{
	if (text.len != 0 && ps->regions.n_text < sizeof(ps->regions.text) / sizeof(ps->regions.text[0]))
		ps->regions.text[ps->regions.n_text++] = dsn_text_window(text, &ps->text_cut);
}

static void walk(struct mv_msg *msg, struct parts *ps, bool read_text)
{
	unsigned i;

	memset(ps, 0, sizeof(*ps));
	for (i = 0; i < msg->n_parts; i++) {
		struct mv_part *part = msg->parts[i];
		const struct mv_ctype *ct = &part->ctype;

		if (inside_message(part))
			continue;
		if (mv_str_eq(ct->type, "message")) {
			if (mv_str_eq(ct->subtype, "delivery-status") || mv_str_eq(ct->subtype, "global-delivery-status")) {
				if (ps->status == NULL)
					ps->status = part;
			} else if (mv_str_eq(ct->subtype, "disposition-notification") ||
				   mv_str_eq(ct->subtype, "global-disposition-notification")) {
				ps->receipt = part;
			} else if (mv_str_eq(ct->subtype, "feedback-report")) {
				ps->feedback = part;
			} else if (message_type(part) || mv_str_eq(ct->subtype, "partial")) {
				if (ps->regions.message == NULL)
					ps->regions.message = part;
			} else if (mv_str_eq(ct->subtype, "rfc822-headers") || mv_str_eq(ct->subtype, "global-headers")) {
				if (ps->regions.headers == NULL)
					ps->regions.headers = part;
			}
			continue;
		}
		if (type_is(part, "text", "rfc822-headers") || type_is(part, "text", "rfc822-header")) {
			if (ps->regions.headers == NULL)
				ps->regions.headers = part;
			continue;
		}
		if (mv_part_is_multipart(part)) {
			/* A multipart whose boundary never appears: its whole body is text to read. */
			if (part->children == NULL && read_text)
				add_text(ps, part->preamble.len != 0 ? part->preamble : part->body);
			continue;
		}
		if (part != msg->root && ps->regions.n_leaves < sizeof(ps->regions.leaves) / sizeof(ps->regions.leaves[0]))
			ps->regions.leaves[ps->regions.n_leaves++] = part;
		if (mv_str_eq(ct->type, "text") && read_text)
			add_text(ps, mv_part_decoded(msg, part));
	}
}

static bool report_type(const struct mv_msg *msg, const char *type)
{
	const struct mv_part *root = msg->root;

	return type_is(root, "multipart", "report") && mv_str_eq_ci(mv_ctype_param(&root->ctype, "report-type"), type);
}

static bool null_return_path(struct mv_msg *msg)
{
	const struct mv_header *h = mv_part_header(msg->root, "Return-Path");
	mv_str v = h != NULL ? mv_str_trim(h->value) : MV_STR_NULL;

	return mv_str_eq(v, "<>") || mv_str_eq_ci(v, "<MAILER-DAEMON>");
}

/* ARF without its structure: the fields of a feedback report pasted into the text. */
static bool feedback_fields(const struct dsn_regions *regions)
{
	unsigned i;

	for (i = 0; i < regions->n_text; i++) {
		mv_str rest = regions->text[i], line, name, value;
		size_t prefix;

		while (dsn_next_line(&rest, &line)) {
			if (dsn_field_line(line, &prefix, &name, &value) && prefix == 0 &&
			    mv_str_eq_ci(name, "Feedback-Type"))
				return true;
		}
	}
	return false;
}

/* Amazon SES notifications are JSON: "notificationType":"Bounce", "Complaint" or "Delivery". */
static enum dsn_kind ses_notification(struct mv_msg *msg, const struct dsn_regions *regions)
{
	const struct mv_addr *from = mv_msg_from(msg);
	const char *at;
	mv_str after;

	if (from == NULL || regions->n_text == 0 ||
	    !(mv_str_eq(from->domain, "sns.amazonaws.com") || mv_str_eq(from->domain, "amazonses.com")))
		return DSN_KIND_NONE;
	at = mv_str_find_ci(regions->text[0], "notificationType");
	if (at == NULL)
		return DSN_KIND_NONE;
	after = mv_str_make(at, (size_t)(regions->text[0].p + regions->text[0].len - at));
	if (after.len > 40)
		after.len = 40;
	if (mv_str_find_ci(after, "Complaint") != NULL)
		return DSN_KIND_FEEDBACK;
	return mv_str_find_ci(after, "Bounce") != NULL || mv_str_find_ci(after, "Delivery") != NULL ? DSN_KIND_BOUNCE
												    : DSN_KIND_NONE;
}

/* fml's notices to a sender that the list refused: "not member", "Loop Alert". */
static bool list_refusal(struct mv_msg *msg, mv_str subject)
{
	const struct mv_header *h = mv_part_header(msg->root, "X-MLServer");

	return h != NULL && mv_str_find_ci(h->value, "fml") != NULL &&
	       (mv_str_find_ci(subject, "not member") != NULL || mv_str_find_ci(subject, "loop alert") != NULL);
}

/* The marker of the first text that has one, within the first two texts. */
static const struct dsn_marker *find_marker(const struct dsn_regions *regions)
{
	const struct dsn_marker *m = NULL;
	unsigned i;

	for (i = 0; i < regions->n_text && i < 2 && m == NULL; i++)
		m = dsn_notice_marker(regions->text[i]);
	return m;
}

static void summarize(struct dsn_report *report)
{
	unsigned i;

	report->action = DSN_ACTION_UNKNOWN;
	for (i = 0; i < report->n_rcpt; i++) {
		enum dsn_action a = report->rcpt[i].action;

		if (a != DSN_ACTION_UNKNOWN && (report->action == DSN_ACTION_UNKNOWN || a < report->action))
			report->action = a;
	}
}

static bool nested(const struct dsn_report *report, const struct dsn_regions *regions)
{
	const struct mv_part *inner = regions->message != NULL ? regions->message->children : NULL;
	mv_str rp = mv_str_trim(report->returned.return_path);

	if (mv_str_eq(rp, "<>"))
		return true;
	return inner != NULL && type_is(inner, "multipart", "report") &&
	       mv_str_eq_ci(mv_ctype_param(&inner->ctype, "report-type"), "delivery-status");
}

/* Reads the fields, recipients and returned header of a message known to be a bounce. */
static int read_bounce(struct mv_msg *msg, struct parts *ps, mv_str subject, struct dsn_report *report)
{
	const struct dsn_regions *regions = &ps->regions;
	mv_str notice = regions->n_text != 0 ? regions->text[0] : MV_STR_NULL;
	const struct mv_header *xfr;
	int n = 0;
	unsigned i;

	report->kind = DSN_KIND_BOUNCE;
	if (ps->status != NULL) {
		/* Read whole: fields cost one look each, and every recipient is counted. */
		n = dsn_fields_read(msg->arena, mv_part_decoded(msg, ps->status), false, report);
	}
	for (i = 0; n == 0 && i < regions->n_text; i++)
		n = dsn_fields_read(msg->arena, regions->text[i], true, report);
	if (n < 0)
		return -1;
	if (n == 0) {
		enum dsn_action action = dsn_delay_notice(subject, notice) ? DSN_ACTION_DELAYED : DSN_ACTION_FAILED;

		if (dsn_text_recipients(msg->arena, notice, action, report) < 0)
			return -1;
		/* Exim and Google name the failed recipients in the header too. */
		xfr = mv_part_header(msg->root, "X-Failed-Recipients");
		if (report->n_rcpt == 0 && xfr != NULL &&
		    dsn_text_recipients(msg->arena, mv_str_trim(xfr->value), action, report) < 0)
			return -1;
	}
	summarize(report);
	if (dsn_returned_read(msg, regions, report) < 0)
		return -1;
	if (nested(report, regions))
		report->flags |= DSN_F_NESTED;
	if (ps->text_cut)
		report->flags |= DSN_F_TEXT_LIMIT;
	return mv_arena_exhausted(msg->arena) ? -1 : 0;
}

int dsn_read(struct mv_msg *msg, bool null_sender, struct dsn_report *report)
{
	struct parts ps;
	const struct dsn_marker *marker;
	mv_str subject;
	bool sender, subj, null, xfr, structured;

	memset(report, 0, sizeof(*report));
	if (msg->root == NULL)
		return 0;
	walk(msg, &ps, false);
	if (report_type(msg, "disposition-notification") || ps.receipt != NULL) {
		report->kind = DSN_KIND_RECEIPT;
		report->why = "a message disposition notification (RFC 8098: report-type=disposition-notification)";
		return 0;
	}
	if (report_type(msg, "feedback-report") || ps.feedback != NULL) {
		report->kind = DSN_KIND_FEEDBACK;
		report->why = "an abuse or feedback report (RFC 5965 ARF: report-type=feedback-report)";
		return 0;
	}
	subject = mv_msg_subject(msg);
	structured = ps.status != NULL || report_type(msg, "delivery-status") ||
		     report_type(msg, "global-delivery-status");
	sender = dsn_bounce_sender(msg);
	subj = dsn_bounce_subject(subject);
	null = null_sender || null_return_path(msg);
	xfr = mv_part_header(msg->root, "X-Failed-Recipients") != NULL;
	if (!structured && !sender && !subj && !null && !xfr && ps.regions.message == NULL &&
	    ps.regions.headers == NULL && mv_part_header(msg->root, "X-MLServer") == NULL &&
	    mv_part_header(msg->root, "x-amz-sns-message-id") == NULL)
		goto not_bounce;

	walk(msg, &ps, true);
	marker = find_marker(&ps.regions);
	report->format = marker != NULL ? marker->format : structured ? "rfc3464" : "generic";
	if (structured) {
		report->why = "a delivery status report (RFC 3464: report-type=delivery-status)";
	} else {
		enum dsn_kind ses = ses_notification(msg, &ps.regions);

		if (ses == DSN_KIND_FEEDBACK || feedback_fields(&ps.regions)) {
			report->kind = DSN_KIND_FEEDBACK;
			report->format = NULL;
			report->why = ses == DSN_KIND_FEEDBACK ? "an Amazon SES complaint notification"
							       : "the fields of an abuse or feedback report (ARF) in the text";
			return 0;
		}
		if (ses == DSN_KIND_BOUNCE) {
			report->format = "amazonses";
			report->why = "an Amazon SES bounce or delivery notification";
		} else if (xfr) {
			report->why = "X-Failed-Recipients names the recipients it could not deliver to";
		} else if (sender && subj) {
			report->why = "from a mail system (MAILER-DAEMON, postmaster), with a subject that reports a failed delivery";
		} else if (null && subj) {
			report->why = "from the null sender, with a subject that reports a failed delivery";
		} else if (marker != NULL && (sender || null)) {
			report->why = "the text of a mail server's bounce notice, from a mail system or the null sender";
		} else if (marker != NULL && (ps.regions.message != NULL || ps.regions.headers != NULL)) {
			report->why = "the text of a mail server's bounce notice, with the returned message attached";
		} else if (list_refusal(msg, subject)) {
			report->format = "fml";
			report->why = "a mailing list manager's notice that it refused the message";
		} else {
			/* Delivery-status fields pasted into a text part, with a sign from the header. */
			struct dsn_report probe;

			memset(&probe, 0, sizeof(probe));
			if (!(sender || subj || null) || ps.regions.n_text == 0 ||
			    dsn_fields_read(msg->arena, ps.regions.text[0], true, &probe) <= 0)
				goto not_bounce;
			report->why = "delivery-status fields (RFC 3464) in the text of a notice from a mail system";
		}
	}
	return read_bounce(msg, &ps, subject, report);

not_bounce:
	memset(report, 0, sizeof(*report));
	report->why = dsn_autoreply(msg, subject);
	report->kind = report->why != NULL ? DSN_KIND_AUTOREPLY : DSN_KIND_NONE;
	return 0;
}
