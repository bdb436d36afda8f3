/*
 * Auto-replies: vacation notices and other responders (RFC 3834).  The
 * standard mark is "Auto-Submitted: auto-replied" (3834 5); responders that
 * predate it write their own fields (X-Autoreply, X-Autorespond, Precedence:
 * auto_reply, ...).  Exchange marks its out-of-office replies only
 * "Auto-Submitted: auto-generated", which bounces and notices share, so that
 * mark needs a second one; and its out-of-office replies often have no
 * Auto-Submitted at all, only X-Auto-Response-Suppress and
 * X-MS-Exchange-Inbox-Rules-Loop.  So the subject ("Automatic reply:" in the
 * user's language, "Out of Office") counts with one of those, or on a message
 * that replies to another (In-Reply-To or References): alone, a person may
 * have written those words; and never after a person's "Re:" ("Re: Dermot is
 * out of the office" answers one).  Reports (multipart/report: bounces, receipts)
 * and mail from MAILER-DAEMON or postmaster are not auto-replies here,
 * whatever they are marked: Exim marks its bounces auto-replied.
 */
#include <string.h>
#include <strings.h>

#include "mdn/mdn.h"

/* The first word of a field value, before ';', a comment or white space. */
static mv_str first_word(mv_str v)
{
	size_t i = 0;

	v = mv_str_trim(v);
	while (i < v.len && v.p[i] != ';' && v.p[i] != '(' && v.p[i] != ' ' && v.p[i] != '\t' && v.p[i] != '\r' &&
	       v.p[i] != '\n')
		i++;
	return mv_str_make(v.p, i);
}

/* Fields whose presence (with a value other than "no") marks an auto-reply, as their responders write them. */
static const char *const reply_fields[] = {
	"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply", "X-Mail-Autoreply", "X-AutoReply-From",
	"X-Vacation",
};

/* Outlook/Exchange's "Automatic reply:" in the languages of its builds, and older responders' forms. */
static const char *const subject_prefixes[] = {
	"Automatic reply", "Auto reply", "Auto-reply", "Autoreply", "Auto response", "Autoresponse",
	"Out of Office AutoReply", "Out of Office", "AUTO",
	"Automatische Antwort", "Abwesenheitsnotiz", "R\xc3\xa9ponse automatique", "Respuesta autom\xc3\xa1tica",
	"Risposta automatica", "Resposta autom\xc3\xa1tica", "Automatisch antwoord",
	"Odpowied\xc5\xba automatyczna", ("\xd0\x90\xd0\xb2\xd1\x82\xd0\xbe\xd0\xbc\xd0\xb0\xd1\x82\xd0\xb8\xd1\x87"
	"\xd0\xb5\xd1\x81\xd0\xba\xd0\xb8\xd0\xb9 \xd0\xbe\xd1\x82\xd0\xb2\xd0\xb5\xd1\x82"), /* Автоматический ответ */
	"\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94",	/* 自動応答 */
	"\xe8\x87\xaa\xe5\x8a\xa8\xe5\x9b\x9e\xe5\xa4\x8d",	/* 自动回复 */
	"\xe8\x87\xaa\xe5\x8b\x95\xe5\x9b\x9e\xe8\xa6\x86",	/* 自動回覆 */
	"Automatiskt svar", "Automatisk svar", "Automaattinen vastaus", "Automatick\xc3\xa1 odpov\xc4\x9b\xc4\x8f",
	"Otomatik yan\xc4\xb1t", "\xec\x9e\x90\xeb\x8f\x99 \xed\x9a\x8c\xec\x8b\xa0",	/* 자동 회신 */
};

/* Words that mark a vacation notice wherever they are in the subject. */
static const char *const subject_words[] = {
	"out of office", "out of the office", "on vacation", "away from the office", "abwesenheit",
	"absence du bureau", "fuera de la oficina", "fuori ufficio", "fora do escrit\xc3\xb3rio",
};

/* Replies and forwards a person writes, in the common clients' languages: "Re:", "AW:", "Fwd:", ... */
static const char *const person_prefixes[] = { "Re", "Fw", "Fwd", "AW", "WG", "SV", "VS", "Antw", "TR", "RV", "R",
					       "Odp", "RIF", "Doorst", "ENC", "YNT" };

/* The subject without list tags ("[list] ") in front. */
static mv_str untagged(mv_str s)
{
	unsigned k;

	for (k = 0; k < 4 && s.len != 0 && s.p[0] == '['; k++) {
		const char *close = memchr(s.p, ']', s.len);

		if (close == NULL)
			break;
		s = mv_str_trim(mv_str_make(close + 1, s.len - (size_t)(close + 1 - s.p)));
	}
	return s;
}

/* Whether a person's reply or forward prefix comes first: "Re: X is out of the office" is about one. */
static bool person_reply(mv_str s)
{
	size_t i, n;

	for (i = 0; i < sizeof(person_prefixes) / sizeof(person_prefixes[0]); i++) {
		n = strlen(person_prefixes[i]);
		if (s.len > n && strncasecmp(s.p, person_prefixes[i], n) == 0 && (s.p[n] == ':' || s.p[n] == ' ') &&
		    memchr(s.p + n, ':', s.len - n < 3 ? s.len - n : 3) != NULL)
			return true;
	}
	return false;
}

static bool subject_marks(mv_str subject)
{
	mv_str s = untagged(mv_str_trim(subject));
	size_t i, n;

	for (i = 0; i < sizeof(subject_prefixes) / sizeof(subject_prefixes[0]); i++) {
		n = strlen(subject_prefixes[i]);
		if (s.len > n && strncasecmp(s.p, subject_prefixes[i], n) == 0) {
			const char *q = s.p + n;

			while (q < s.p + s.len && *q == ' ')
				q++;
			if (q < s.p + s.len && (*q == ':' || (s.p + s.len - q >= 3 && memcmp(q, "\xef\xbc\x9a", 3) == 0)))
				return true;
		}
	}
	if (person_reply(s))
		return false;
	for (i = 0; i < sizeof(subject_words) / sizeof(subject_words[0]); i++) {
		if (mv_str_find_ci(s, subject_words[i]) != NULL)
			return true;
	}
	return false;
}

/* The header marks: a definite one sets *mark_r; "auto-generated" only sets *generated_r. */
static void header_marks(const struct mv_part *root, const char **mark_r, bool *generated_r)
{
	const struct mv_header *h = mv_part_header(root, "Auto-Submitted");
	size_t i;

	if (h != NULL) {
		mv_str w = first_word(h->value);

		if (mv_str_eq_ci(w, "auto-replied")) {
			*mark_r = "Auto-Submitted: auto-replied";
			return;
		}
		*generated_r = mv_str_eq_ci(w, "auto-generated");
	}
	for (i = 0; i < sizeof(reply_fields) / sizeof(reply_fields[0]); i++) {
		h = mv_part_header(root, reply_fields[i]);
		if (h != NULL && !mv_str_eq_ci(first_word(h->value), "no")) {
			*mark_r = reply_fields[i];
			return;
		}
	}
	h = mv_part_header(root, "Precedence");
	if (h != NULL && mv_str_eq_ci(first_word(h->value), "auto_reply")) {
		*mark_r = "Precedence: auto_reply";
		return;
	}
	h = mv_part_header(root, "X-Autogenerated");
	if (h != NULL && mv_str_eq_ci(first_word(h->value), "reply")) {
		*mark_r = "X-Autogenerated: Reply";
		return;
	}
	h = mv_part_header(root, "X-POST-MessageClass");
	if (h != NULL && mv_str_find_ci(h->value, "autoresponder") != NULL)
		*mark_r = "X-POST-MessageClass: Autoresponder";
}

/*
 * Bounces written by mail systems: Exim and Google mark theirs "Auto-Submitted:
 * auto-replied" too, and many are plain text, not reports.
 */
static bool from_mail_system(struct mv_msg *msg)
{
	const struct mv_addr *from = mv_msg_from(msg);

	if (from == NULL)
		return false;
	return mv_str_eq_ci(from->local, "mailer-daemon") || mv_str_eq_ci(from->local, "postmaster") ||
	       mv_str_eq_ci(from->local, "mail-daemon") || mv_str_prefix_ci(from->name, "Mail Delivery");
}

int mdn_autoreply_read(struct mv_msg *msg, struct mdn_autoreply *a)
{
	const struct mv_part *root = msg->root;
	const char *mark = NULL;
	bool generated = false;

	memset(a, 0, sizeof(*a));
	/* Reports (bounces, receipts, abuse reports) are automatic but answer no one by hand. */
	if ((mv_str_eq(root->ctype.type, "multipart") && mv_str_eq(root->ctype.subtype, "report")) ||
	    from_mail_system(msg))
		return 0;
	header_marks(root, &mark, &generated);
	if (mdn_answered_ids(msg->arena, root, a->ids, &a->n_ids, MDN_MAX_IDS) < 0)
		return -1;
	if (mark == NULL && subject_marks(mv_msg_subject(msg))) {
		if (generated)
			mark = "Auto-Submitted: auto-generated and the subject";
		else if (mv_part_header(root, "X-Auto-Response-Suppress") != NULL)
			mark = "X-Auto-Response-Suppress and the subject";
		else if (mv_part_header(root, "X-MS-Exchange-Inbox-Rules-Loop") != NULL)
			mark = "X-MS-Exchange-Inbox-Rules-Loop and the subject";
		else if (a->n_ids != 0)
			mark = "the subject of a reply";
	}
	a->found = mark != NULL;
	a->mark = mark;
	return 0;
}
