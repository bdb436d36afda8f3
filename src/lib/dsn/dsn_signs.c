/*
 * The signs of a bounce that a person would read: who sent it, what the
 * subject says, the phrases each mail server writes in its notice; and the
 * marks of an automatic reply.  Phrases are matched ASCII case-insensitively
 * anywhere in the text; they were collected from the notices of the servers
 * named (docs/bounces.md has the figures on real bounces).
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dsn/dsn_int.h"
#include "mailvet/hdr.h"

bool dsn_blank(mv_str line)
{
	size_t i;

	for (i = 0; i < line.len; i++) {
		if (line.p[i] != ' ' && line.p[i] != '\t')
			return false;
	}
	return true;
}

bool dsn_field_line(mv_str line, size_t *prefix_r, mv_str *name_r, mv_str *value_r)
{
	size_t i = 0, start;

	while (i < line.len && i < 16 && (line.p[i] == ' ' || line.p[i] == '\t' || line.p[i] == '>'))
		i++;
	start = i;
	while (i < line.len) {
		char c = line.p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.'))
			break;
		i++;
	}
	/* A name starts with a letter and has at least two bytes ("X-", "To"). */
	if (i - start < 2 || !((line.p[start] | 0x20) >= 'a' && (line.p[start] | 0x20) <= 'z'))
		return false;
	*name_r = mv_str_make(line.p + start, i - start);
	while (i < line.len && (line.p[i] == ' ' || line.p[i] == '\t'))
		i++;
	if (i >= line.len || line.p[i] != ':')
		return false;
	*prefix_r = start;
	*value_r = mv_str_make(line.p + i + 1, line.len - i - 1);
	return true;
}

mv_str dsn_text_window(mv_str text, bool *cut_r)
{
	if (text.len > DSN_MAX_TEXT) {
		*cut_r = true;
		text.len = DSN_MAX_TEXT;
	}
	return text;
}

/*
 * Phrases are matched in a lower-cased copy of the text with memmem, which
 * is many times faster than a case-insensitive search per phrase: the subject
 * of every inbound message is searched.
 */
static mv_str lowered(mv_str s, char *buf, size_t cap)
{
	size_t n = s.len < cap ? s.len : cap;

	mv_ascii_lower_copy(buf, s.p, n);
	return mv_str_make(buf, n);
}

static bool has_phrase(mv_str lower, const char *phrase)
{
	return lower.len != 0 && memmem(lower.p, lower.len, phrase, strlen(phrase)) != NULL;
}

/* In order: a server's own words first, the phrases many share last. */
static const struct dsn_marker markers[] = {
	{ "this is the mail system at host", "postfix" },
	{ "this is the postfix program at host", "postfix" },
	{ "i'm sorry to have to inform you that your message could not", "postfix" },
	{ "i'm sorry to have to inform you that the message returned", "postfix" },
	{ "postfix smtp server: errors from", "postfix" },
	{ "this is the qmail-send program", "qmail" },
	{ "i'm afraid i wasn't able to deliver your message", "qmail" },
	{ "this message was created automatically by mail delivery software", "exim" },
	{ "a message that you sent could not be delivered", "exim" },
	{ "a message that you sent has not yet been delivered", "exim" },
	{ "incorrectly constructed", "exim" },
	{ "smtp error from remote mail server", "exim" },
	{ "the following address(es) failed", "exim" },
	{ "the following addresses had permanent fatal errors", "sendmail" },
	{ "the original message was received at", "sendmail" },
	{ "transcript of session follows", "sendmail" },
	{ "unsent message follows", "sendmail" },
	{ "delivery has failed to these recipients or groups", "exchange" },
	{ "your message did not reach some or all of the intended recipients", "exchange" },
	{ "did not reach the following recipient", "exchange" },
	{ "the following recipient(s) cannot be reached", "exchange" },
	{ "diagnostic information for administrators", "exchange" },
	{ "failure reasons  ----", "notes" },
	{ "------- returned message", "notes" },
	{ "was not delivered to:", "notes" },
	{ "delivery to the following recipient failed permanently", "gmail" },
	{ "delivery to the following recipient has been delayed", "gmail" },
	{ "delivery to the following recipients failed permanently", "gmail" },
	{ "sorry, we were unable to deliver your message", "yahoo" },
	{ "running the courier mail server", "courier" },
	{ "this is a delivery status notification from", "courier" },
	{ "was undeliverable to the following", "groupwise" },
	{ "the message that you sent was not delivered", "groupwise" },
	{ "this is the dragonfly mail agent", "dragonfly" },
	{ "there was an error delivering your mail to", "dragonfly" },
	{ "this is the mailer-daemon, please do not reply", "opensmtpd" },
	{ "an error has occurred while attempting to deliver a message", "opensmtpd" },
	{ "a message is delayed for more than", "opensmtpd" },
	{ "message from interscan messaging security suite", "trendmicro" },
	{ "the following addresses had delivery problems", "mcafee" },
	{ "an error occurred while trying to deliver the mail to the following recipients", "amazonworkmail" },
	{ "this is an automatically generated delivery status notification", "generic" },
	{ "the following addresses had delivery errors", "generic" },
	{ "the following addresses had permanent delivery errors", "generic" },
	{ "unable to deliver message to", "generic" },
	{ "could not be delivered to", "generic" },
	{ "could not be delivered", "generic" },
	{ "we had trouble delivering your message", "generic" },
	{ "failed addresses follow", "generic" },
	{ "your delivery to the following address has been failed", "generic" },
	{ "delivery to the following recipients was aborted", "generic" },
	{ "unable to deliver mail", "generic" },
	{ "original message follows", "generic" },
	{ "below this line is a copy of the message", "generic" },
	{ "this is a copy of the message", "generic" },
	{ "error message below", "generic" },
	{ "undeliverable", "generic" },
	{ "permanent error", "generic" },
	{ "delivery failed", "generic" },
	{ "message delivery has failed", "generic" },
	/* German, French, Spanish, Italian, Russian, Japanese */
	{ "konnte nicht zugestellt werden", "generic" },
	{ "n'a pas pu \xc3\xaatre remis", "generic" },
	{ "no se pudo entregar", "generic" },
	{ "non \xc3\xa8 stato possibile recapitare", "generic" },
	{ "\xd0\xbd\xd0\xb5 \xd0\xbc\xd0\xbe\xd0\xb6\xd0\xb5\xd1\x82 \xd0\xb1\xd1\x8b\xd1\x82\xd1\x8c "
	  "\xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe", "generic" },
	{ "\xe9\x80\x81\xe4\xbf\xa1\xe3\x81\xa7\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93", "generic" },
	{ "\xe9\x85\x8d\xe4\xbf\xa1\xe3\x81\xa7\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93", "generic" },
};

const struct dsn_marker *dsn_notice_marker(mv_str text)
{
	char buf[DSN_MARKER_TEXT];
	mv_str lower = lowered(text, buf, sizeof(buf));
	size_t i;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		if (has_phrase(lower, markers[i].phrase))
			return &markers[i];
	}
	return NULL;
}

/* Lower case; matched anywhere in the decoded subject. */
static const char *const subjects[] = {
	"undeliver", "undelivered", "returned mail", "returned to sender", "returning message to sender",
	"returning to sender", "delivery status", "delivery notification", "delivery fail", "delivery problem",
	"failure notice", "failed delivery", "failure delivery", "mail delivery", "mail failure", "mail failed",
	"mail system error", "could not be delivered", "not delivered", "could not send", "error sending your mail",
	"delayed mail", "warning: message", "postmaster notify", "postmaster copy", "errors from", "bounce",
	"message delivery has failed", "non remis", "non recapitabile", "unzustellbar", "nicht zustellbar",
	"no entregado", "onbestelbaar", "n\xc3\xa3o entregue",
	/* Japanese: "mail error notification", "could not be delivered" */
	"\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc\xe9\x80\x9a\xe7\x9f\xa5",
	"\xe9\x85\x8d\xe9\x81\x94\xe3\x81\xa7\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
	/* Russian: "not delivered" */
	"\xd0\xbd\xd0\xb5 \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe",
};

/*
 * Every inbound subject is searched, so the phrases are found in one pass:
 * a bitmap of the phrases' first two bytes, and the phrases compared only
 * where the subject has one of them.
 */
static uint64_t subject_bigrams[65536 / 64];
static pthread_once_t subject_once = PTHREAD_ONCE_INIT;

static unsigned bigram(const char *p)
{
	return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1];
}

static void subject_index(void)
{
	size_t i;

	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		unsigned b = bigram(subjects[i]);

		subject_bigrams[b / 64] |= (uint64_t)1 << (b % 64);
	}
}

bool dsn_bounce_subject(mv_str subject)
{
	static const char *const forwarded[] = { "fw:", "fwd:", "wg:", "tr:", "rv:", "i:" };
	char buf[512];
	mv_str s = mv_str_trim(subject), lower;
	size_t i, k;

	/* A person forwarding a bounce sends a message about one, not one. */
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		if (mv_str_prefix_ci(s, forwarded[i]))
			return false;
	}
	pthread_once(&subject_once, subject_index);
	lower = lowered(s, buf, sizeof(buf));
	for (i = 0; i + 1 < lower.len; i++) {
		unsigned b = bigram(lower.p + i);

		if (!(subject_bigrams[b / 64] & (uint64_t)1 << (b % 64)))
			continue;
		for (k = 0; k < sizeof(subjects) / sizeof(subjects[0]); k++) {
			const char *phrase = subjects[k];

			if (phrase[0] == lower.p[i] && phrase[1] == lower.p[i + 1] && strlen(phrase) <= lower.len - i &&
			    memcmp(lower.p + i + 2, phrase + 2, strlen(phrase) - 2) == 0)
				return true;
		}
	}
	return false;
}

static bool mail_system_local(mv_str local)
{
	static const char *const names[] = { "mailer-daemon", "mailer_daemon", "mailerdaemon", "postmaster",
					     "post_master", "mail.delivery.system", "mail-daemon" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (mv_str_eq_ci(local, names[i]))
			return true;
	}
	return false;
}

bool dsn_bounce_sender(struct mv_msg *msg)
{
	const struct mv_addr *from = mv_msg_from(msg);
	mv_str name, local;

	if (from == NULL)
		return false;
	name = from->name;
	/* "MAILER-DAEMON" alone, without a domain, is a local part too. */
	local = from->local.len != 0 ? from->local : from->address;
	if (mail_system_local(local) || mail_system_local(name))
		return true;
	return mv_str_find_ci(name, "mail delivery") != NULL || mv_str_find_ci(name, "mail deliver system") != NULL ||
	       mv_str_find_ci(name, "mailer-daemon") != NULL || mv_str_find_ci(name, "mailer daemon") != NULL;
}

bool dsn_delay_notice(mv_str subject, mv_str text)
{
	static const char *const subject_words[] = { "delay", "warning", "still being retried", "not yet" };
	static const char *const text_words[] = { "has been delayed", "is delayed", "warning message only",
						  "this is a warning only", "has not yet been delivered",
						  "will continue trying", "will keep trying" };
	size_t i;

	for (i = 0; i < sizeof(subject_words) / sizeof(subject_words[0]); i++) {
		if (mv_str_find_ci(subject, subject_words[i]) != NULL)
			return true;
	}
	for (i = 0; i < sizeof(text_words) / sizeof(text_words[0]); i++) {
		if (mv_str_find_ci(text, text_words[i]) != NULL)
			return true;
	}
	return false;
}

static bool header_has(struct mv_msg *msg, const char *name, const char *word)
{
	const struct mv_header *h = mv_part_header(msg->root, name);

	return h != NULL && (word == NULL || mv_str_find_ci(h->value, word) != NULL);
}

const char *dsn_autoreply(struct mv_msg *msg, mv_str subject)
{
	/* Subject prefixes of vacation and out-of-office replies, in the languages of common clients. */
	static const char *const prefixes[] = {
		"auto:", "autoreply", "auto reply", "auto-reply", "automatic reply", "auto response",
		"autoresponse", "out of office", "out of the office", "vacation", "away from", "abwesenheit",
		"automatische antwort", "r\xc3\xa9ponse automatique", "absence", "respuesta autom\xc3\xa1tica",
		"risposta automatica", "automatisch antwoord", "resposta autom\xc3\xa1tica",
		"odpowied\xc5\xba automatyczna",
		/* "Автоматический ответ", as Outlook writes it */
		("\xd0\x90\xd0\xb2\xd1\x82\xd0\xbe\xd0\xbc\xd0\xb0\xd1\x82\xd0\xb8\xd1\x87\xd0\xb5\xd1\x81\xd0\xba\xd0\xb8"
		 "\xd0\xb9 \xd0\xbe\xd1\x82\xd0\xb2\xd0\xb5\xd1\x82"),
		"\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94", "\xe8\x87\xaa\xe5\x8a\xa8\xe5\x9b\x9e\xe5\xa4\x8d",
	};
	mv_str s = mv_str_trim(subject);
	size_t i;

	/* RFC 3834 5.1: auto-replied is a reply; auto-generated is not (reports, notices, bounces). */
	if (header_has(msg, "Auto-Submitted", "auto-replied"))
		return "Auto-Submitted: auto-replied (RFC 3834)";
	if (header_has(msg, "X-Autoreply", NULL) || header_has(msg, "X-Autorespond", NULL) ||
	    header_has(msg, "X-Autoresponder", NULL) || header_has(msg, "X-Vacation", NULL))
		return "an auto-reply header (X-Autoreply, X-Autorespond, X-Vacation)";
	if (header_has(msg, "Precedence", "auto_reply") || header_has(msg, "X-Precedence", "auto_reply"))
		return "Precedence: auto_reply";
	if (header_has(msg, "X-Auto-Response-Suppress", NULL) && header_has(msg, "X-MS-Exchange-Inbox-Rules-Loop", NULL))
		return "an Exchange inbox rule's reply (X-MS-Exchange-Inbox-Rules-Loop)";
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (mv_str_prefix_ci(s, prefixes[i]))
			return "a subject of a vacation or out-of-office reply";
	}
	return NULL;
}
