/* Receipts and auto-replies leaving: the machine-readable report, client forms, vacation marks, the ids joined. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "mdn/mdn.h"
#include "test.h"

static struct mv_msg *parse(const char *text, size_t len)
{
	struct mv_msg *msg = NULL;

	return mv_msg_parse(text, len, NULL, &msg) < 0 ? NULL : msg;
}

static void test_mdn_disposition_parse(void)
{
	struct mdn_disposition d;

	CHECK(mdn_disposition_parse(MV_STR_LIT("automatic-action/MDN-sent-automatically; deleted"), &d));
	CHECK(d.valid && d.automatic_action && d.sent_automatically && d.type == MDN_TYPE_DELETED && !d.error);
	CHECK(mdn_disposition_parse(MV_STR_LIT(" Manual-Action / mdn-sent-manually ;\r\n displayed"), &d));
	CHECK(d.valid && !d.automatic_action && !d.sent_automatically && d.type == MDN_TYPE_DISPLAYED);
	CHECK(mdn_disposition_parse(MV_STR_LIT("manual-action/MDN-sent-automatically (policy); processed/error"), &d));
	CHECK(!d.automatic_action && d.sent_automatically && d.type == MDN_TYPE_PROCESSED && d.error);
	CHECK(mdn_disposition_parse(MV_STR_LIT("automatic-action/MDN-sent-automatically; displayed/warning, error"),
				    &d) && d.error);
	CHECK(mdn_disposition_parse(MV_STR_LIT("manual-action/MDN-sent-manually; denied"), &d) &&
	      d.type == MDN_TYPE_DENIED);
	CHECK(!mdn_disposition_parse(MV_STR_LIT("automatic-action; deleted"), &d));
	CHECK(!mdn_disposition_parse(MV_STR_LIT("sideways-action/MDN-sent-automatically; deleted"), &d));
	CHECK(!mdn_disposition_parse(MV_STR_LIT("automatic-action/MDN-sent-automatically; eaten"), &d));
	CHECK(!mdn_disposition_parse(MV_STR_LIT("((((("), &d));
	CHECK(!mdn_disposition_parse(MV_STR_NULL, &d) && !d.valid);
}

static void test_mdn_receipt_outlook_report(void)
{
	size_t len;
	char *text = corpus_read("data/mdn/outlook-not-read.eml", &len);
	struct mv_msg *msg = text != NULL ? parse(text, len) : NULL;
	struct mdn_receipt r;

	CHECK(msg != NULL);
	if (msg == NULL)
		return;
	CHECK_INT(mdn_receipt_read(msg, &r), 0);
	CHECK_INT(r.form, MDN_RECEIPT_REPORT);
	CHECK(r.disposition.valid && r.disposition.type == MDN_TYPE_DELETED);
	CHECK(r.automatic);
	CHECK_STR(r.final_recipient, "alice@example.com");
	CHECK(mv_str_find_ci(r.reporting_ua, "Outlook") != NULL);
	CHECK_INT(r.n_ids, 1);
	CHECK_STR(r.ids[0], "junk1@cheap-pills.example");
	mv_msg_free(&msg);
	free(text);
}

/* The form a message reads as, its type, whether automatic, and the first id ("" for none). */
static void receipt_of(const char *text, int *form, int *type, bool *automatic, char id[100])
{
	struct mv_msg *msg = parse(text, strlen(text));
	struct mdn_receipt r;

	*form = -1;
	id[0] = '\0';
	if (msg == NULL || mdn_receipt_read(msg, &r) < 0)
		return;
	*form = (int)r.form;
	*type = (int)r.disposition.type;
	*automatic = r.automatic;
	if (r.n_ids != 0)
		snprintf(id, 100, "%.*s", (int)r.ids[0].len, r.ids[0].p);
	mv_msg_free(&msg);
}

#define CHECK_RECEIPT(text, f, t, a, i) do { \
	int form_, type_ = -1; bool auto_ = false; char id_[100]; \
	receipt_of(text, &form_, &type_, &auto_, id_); \
	CHECK_INT(form_, f); \
	if (f != MDN_RECEIPT_NONE) { CHECK_INT(type_, t); CHECK_INT(auto_, a); CHECK_STR(mv_str_cstr(id_), i); } \
} while (0)

static void test_mdn_receipt_client_forms(void)
{
	/* Exchange's text receipt (KB 136515), joined by In-Reply-To. */
	CHECK_RECEIPT("From: a@example.com\nSubject: Not read: offer\nIn-Reply-To: <x1@spam.example>\n\n"
		      "Your message\n\n  To: a@example.com\n  Subject: offer\n\n"
		      "was deleted without being read on 12/7/2026 10:05 AM.\n",
		      MDN_RECEIPT_CLIENT, MDN_TYPE_DELETED, true, "x1@spam.example");
	CHECK_RECEIPT("Subject: Read: minutes\nReferences: <a@x> <b@y>\n\nYour message\n\nwas read on Monday.\n",
		      MDN_RECEIPT_CLIENT, MDN_TYPE_DISPLAYED, false, "b@y");
	CHECK_RECEIPT("Subject: Nicht gelesen: Angebot\n\nIhre Nachricht wurde am 07.12.2026 ungelesen gel\xc3\xb6scht.\n",
		      MDN_RECEIPT_CLIENT, MDN_TYPE_DELETED, true, "");
	/* French typography: a no-break space before the colon. */
	CHECK_RECEIPT("Subject: =?UTF-8?Q?Non_lu=C2=A0:_Offre?=\nMIME-Version: 1.0\n"
		      "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
		      "Votre message a \xc3\xa9t\xc3\xa9 supprim\xc3\xa9 sans avoir \xc3\xa9t\xc3\xa9 lu.\n",
		      MDN_RECEIPT_CLIENT, MDN_TYPE_DELETED, true, "");
	CHECK_RECEIPT("Subject: =?UTF-8?B?6ZaL5bCB5riI44G/77ya5pyI5L6L5Lya?=\nMIME-Version: 1.0\n"
		      "Content-Type: text/plain; charset=utf-8\n\n\xe9\x96\x8b\xe5\xb0\x81\xe3\x81\x95\xe3\x82\x8c\n",
		      MDN_RECEIPT_CLIENT, MDN_TYPE_DISPLAYED, false, "");	/* 開封済み：月例会 */
	CHECK_RECEIPT("Subject: Return Receipt (deleted) - hello\n\nThis is a Return Receipt for the mail that you "
		      "sent to a@b.\n", MDN_RECEIPT_CLIENT, MDN_TYPE_DELETED, true, "");
	/* A person's subject that starts like a receipt, without a receipt's text: not one. */
	CHECK_RECEIPT("Subject: Read: chapter 5 before Monday\n\nPlease have a look.\n", MDN_RECEIPT_NONE, 0, 0, "");
	CHECK_RECEIPT("Subject: Lucky draw\n\nwas read on\n", MDN_RECEIPT_NONE, 0, 0, "");
	CHECK_RECEIPT("Subject: Ready: build 5\n\nwas read on\n", MDN_RECEIPT_NONE, 0, 0, "");
	/* A report of another type is not a receipt. */
	CHECK_RECEIPT("Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n"
		      "Content-Type: message/delivery-status\n\nAction: failed\n--b--\n", MDN_RECEIPT_NONE, 0, 0, "");
	/* A machine part whose Disposition cannot be read is still a receipt, not an automatic one. */
	CHECK_RECEIPT("Content-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n--b\n"
		      "Content-Type: text/plain\n\nhi\n--b\nContent-Type: message/disposition-notification\n\n"
		      "Disposition: whatever\nOriginal-Message-ID: <o@x>\n--b--\n",
		      MDN_RECEIPT_REPORT, MDN_TYPE_UNKNOWN, false, "o@x");
}

static void test_mdn_client_subject_languages(void)
{
	static const struct {
		const char *subject;
		int type;
	} cases[] = {
		{ "Gelesen: Protokoll", MDN_TYPE_DISPLAYED },
		{ "Lu : Compte rendu", MDN_TYPE_DISPLAYED },
		{ "No le\xc3\xad" "do: Oferta", MDN_TYPE_DELETED },
		{ "Letto: verbale", MDN_TYPE_DISPLAYED },
		{ "N\xc3\xa3o lida: proposta", MDN_TYPE_DELETED },
		{ "Niet gelezen: aanbod", MDN_TYPE_DELETED },
		{ "Nieprzeczytane: oferta", MDN_TYPE_DELETED },
		{ "\xd0\x9d\xd0\xb5 \xd0\xbf\xd1\x80\xd0\xbe\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd0\xbd\xd0\xbe: x",
		  MDN_TYPE_DELETED },
		{ "\xe6\x9c\xaa\xe8\xaf\xbb\xef\xbc\x9a\xe6\x8a\xa5\xe4\xbb\xb7", MDN_TYPE_DELETED },
		{ "Empfangsbest\xc3\xa4tigung (angezeigt) - Protokoll", MDN_TYPE_DISPLAYED },
		{ "Accus\xc3\xa9 de r\xc3\xa9" "ception (supprim\xc3\xa9) - x", MDN_TYPE_DELETED },
		{ "Leesbevestiging (weergegeven) - x", MDN_TYPE_DISPLAYED },
	};
	enum mdn_type type;
	const char *client;
	mv_str form;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = mdn_client_subject(mv_str_cstr(cases[i].subject), &type, &client, &form);

		CHECK(ok);
		if (!ok)
			fprintf(stderr, "  subject: %s\n", cases[i].subject);
		else
			CHECK_INT(type, cases[i].type);
	}
	CHECK(!mdn_client_subject(MV_STR_LIT("Lunch"), &type, &client, &form));
	CHECK(!mdn_client_subject(MV_STR_LIT(""), &type, &client, &form));
}

/* Whether the text reads as an auto-reply, and by what mark. */
static const char *autoreply_of(const char *text, size_t len)
{
	struct mv_msg *msg = parse(text, len);
	struct mdn_autoreply a;
	static char mark[100];

	mark[0] = '\0';
	if (msg != NULL && mdn_autoreply_read(msg, &a) == 0 && a.found)
		snprintf(mark, sizeof(mark), "%s", a.mark);
	mv_msg_free(&msg);
	return mark;
}

#define CHECK_AUTOREPLY(text, mark) CHECK_STR(mv_str_cstr(autoreply_of(text, strlen(text))), mark)

static void test_mdn_autoreply_marks(void)
{
	CHECK_AUTOREPLY("Auto-Submitted: auto-replied (vacation)\nSubject: Away\n\nx\n", "Auto-Submitted: auto-replied");
	CHECK_AUTOREPLY("Auto-Submitted: auto-generated\nX-Auto-Response-Suppress: All\n"
			"Subject: Automatic reply: offer\n\nI am away.\n", "Auto-Submitted: auto-generated and the subject");
	CHECK_AUTOREPLY("X-MS-Exchange-Inbox-Rules-Loop: a@example.org\nSubject: Out of Office: offer\n\nx\n",
			"X-MS-Exchange-Inbox-Rules-Loop and the subject");
	CHECK_AUTOREPLY("X-Auto-Response-Suppress: All\nSubject: Your invoice\n\nx\n", "");
	CHECK_AUTOREPLY("Subject: Automatische Antwort: Angebot\nIn-Reply-To: <a@b>\n\nx\n", "the subject of a reply");
	CHECK_AUTOREPLY("Subject: =?UTF-8?B?6Ieq5Yqo5Zue5aSNOiDmiqXku7c=?=\nIn-Reply-To: <a@b>\n\nx\n",
			"the subject of a reply");	/* 自动回复: 报价 */
	CHECK_AUTOREPLY("X-Autoreply: yes\n\nx\n", "X-Autoreply");
	CHECK_AUTOREPLY("Precedence: auto_reply\n\nx\n", "Precedence: auto_reply");
	/* A person writing the words, with no reply marks: not an auto-reply. */
	CHECK_AUTOREPLY("Subject: Out of office next week\n\nx\n", "");
	/* A person answering an auto-reply (SpamAssassin corpus, easy-ham-2/00046): not one. */
	CHECK_AUTOREPLY("Subject: Re: [ILUG-Social] Re: [ILUG] Dermot Beirne is out of the office.\n"
			"In-Reply-To: <a@b>\n\nx\n", "");
	CHECK_AUTOREPLY("Subject: [ILUG] AW: Dermot is out of the office.\nIn-Reply-To: <a@b>\n\nx\n", "");
	/* Lotus Notes' own notice, a reply by its In-Reply-To. */
	CHECK_AUTOREPLY("Subject: Dermot Beirne/Dublin/IE/Exel is out of the office.\nIn-Reply-To: <a@b>\n\nx\n",
			"the subject of a reply");
	CHECK_AUTOREPLY("Subject: Automatic reply: Re: offer\nX-Auto-Response-Suppress: All\n\nx\n",
			"X-Auto-Response-Suppress and the subject");
	CHECK_AUTOREPLY("Auto-Submitted: no\nX-Autoreply: no\nSubject: Automatic reply: offer\n\nx\n", "");
	CHECK_AUTOREPLY("Auto-Submitted: auto-generated\nSubject: Your invoice\n\nx\n", "");
	/* Bounces and receipts are reports, not auto-replies, whatever marks them. */
	CHECK_AUTOREPLY("Auto-Submitted: auto-replied\nContent-Type: multipart/report; report-type=delivery-status; "
			"boundary=b\n\n--b--\n", "");
}

/*
 * The sisimai messages: its auto-replies are found; none is a receipt; its
 * delivery reports (Exim's plain-text bounces are marked auto-replied) are
 * not auto-replies.  Its abuse reports are not judged: iCloud's (arf-26)
 * carries RFC 3834's mark.
 */
static void test_mdn_sisimai_samples(void)
{
	size_t len;
	char *index = corpus_read("data/mdn/sisimai/index.tsv", &len), *line, *save = NULL;
	unsigned autoreplies = 0, reports = 0;

	CHECK(index != NULL);
	if (index == NULL)
		return;
	index[len] = '\0';
	for (line = strtok_r(index, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char file[64], label[16], kind[16], path[128];
		char *text;
		struct mv_msg *msg;
		struct mdn_receipt r;
		struct mdn_autoreply a;

		if (sscanf(line, "%63s %15s %15s", file, label, kind) != 3)
			continue;
		snprintf(path, sizeof(path), "data/mdn/sisimai/%s", file);
		text = corpus_read(path, &len);
		msg = text != NULL ? parse(text, len) : NULL;
		CHECK(msg != NULL);
		if (msg == NULL) {
			free(text);
			continue;
		}
		CHECK(mdn_receipt_read(msg, &r) == 0 && r.form == MDN_RECEIPT_NONE);
		CHECK(mdn_autoreply_read(msg, &a) == 0);
		if (strcmp(kind, "autoreply") == 0) {
			autoreplies++;
			CHECK(a.found);
			if (!a.found)
				fprintf(stderr, "  %s: auto-reply not found\n", file);
		} else if (strcmp(kind, "dsn") == 0) {
			reports++;
			CHECK(!a.found);
			if (a.found)
				fprintf(stderr, "  %s: a %s taken for an auto-reply (%s)\n", file, kind, a.mark);
		}
		mv_msg_free(&msg);
		free(text);
	}
	CHECK_INT(autoreplies, 5);
	CHECK(reports >= 14);
	free(index);
}

static void test_mdn_answered_ids(void)
{
	const char *text = "In-Reply-To: <p@x> (comment)\nReferences: <a@x> <b@x>\n <p@x> junk <c@x>\n\nbody\n";
	struct mv_msg *msg = parse(text, strlen(text));
	mv_str ids[MDN_MAX_IDS];
	unsigned n = 0;

	CHECK_INT(mdn_answered_ids(msg->arena, msg->root, ids, &n, MDN_MAX_IDS), 0);
	CHECK_INT(n, 4);
	CHECK_STR(ids[0], "p@x");
	CHECK_STR(ids[1], "c@x");
	CHECK_STR(ids[2], "b@x");
	CHECK_STR(ids[3], "a@x");
	mv_msg_free(&msg);
}

int main(void)
{
	RUN(test_mdn_disposition_parse);
	RUN(test_mdn_receipt_outlook_report);
	RUN(test_mdn_receipt_client_forms);
	RUN(test_mdn_client_subject_languages);
	RUN(test_mdn_autoreply_marks);
	RUN(test_mdn_sisimai_samples);
	RUN(test_mdn_answered_ids);
	return test_summary();
}
