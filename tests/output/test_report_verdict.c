/*
 * The verdict that opens the text report, from the report's fields: who the
 * message claims to be (with the brand the claim check names), who sent it,
 * what authentication shows, where the links go once the links check has
 * filled their destinations (trackers, hidden destinations, mismatches),
 * and the action with its reasons; and what it says when those checks did
 * not run.
 */
#include <string.h>

#include "mailvet/msg.h"
#include "mailvet/output.h"
#include "mailvet/scan.h"
#include "offline_engine.h"
#include "test.h"

static struct mv_engine *engine;

static const char notice[] =
	"From: \"Microsoft Security\" <security-notice@microsoft.com>\n"
	"Subject: Action required\n"
	"Message-ID: <1@em.mailer.example>\n"
	"Content-Type: text/html\n"
	"\n"
	"<p><a href=\"https://click.mailer.example/l/1\">https://www.microsoft.com/security</a>\n"
	"<a href=\"https://click.mailer.example/l/2\">Release notes</a>\n"
	"<a href=\"https://click.mailer.example/l/3\">Account</a>\n"
	"<img src=\"https://click.mailer.example/open.gif\"></p>\n";

/* The verdict's lines (those indented by two spaces) of the report, after `edit` changed it. */
static const char *verdict(void (*edit)(struct mv_report *r))
{
	static char out[4000];
	struct mv_report report;
	struct mv_msg *msg = NULL;
	size_t n = 0;
	const char *p, *end;
	mv_buf buf;

	out[0] = '\0';
	if (mv_msg_parse(notice, sizeof(notice) - 1, NULL, &msg) < 0)
		return out;
	CHECK_INT(mv_scan(engine, msg, NULL, &report), MV_OK);
	if (edit != NULL)
		edit(&report);
	mv_buf_init(&buf, msg->arena, 1 << 20);
	CHECK_INT(mv_report_write_text(&report, "n.eml", &buf), 0);
	for (p = buf.p, end = buf.p + buf.len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (len > 3 && p[0] == ' ' && p[1] == ' ' && p[2] != ' ' && n + len < sizeof(out)) {
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	out[n] = '\0';
	mv_msg_free(&msg);
	return out;
}

/* What the claim and links checks would have written. */
static void as_claim_and_links(struct mv_report *r)
{
	unsigned i;

	r->sender.brand = MV_STR_LIT("Microsoft");
	for (i = 0; i < r->n_links; i++) {
		struct mv_link *l = &r->links[i];

		if (l->source != MV_LINK_HTML_ANCHOR)
			continue;
		l->destination = MV_STR_LIT("https://www.microsoft.com/security");
		l->destination_domain = MV_STR_LIT("microsoft.com");
		l->flags = MV_LINKF_TRACKER | MV_LINKF_REDIRECT;
		if (i == 0)
			l->mismatch = true;
		if (i == 2) {
			l->destination = l->href;
			l->destination_domain = l->url.domain;
			l->flags = MV_LINKF_TRACKER | MV_LINKF_HIDDEN;
		}
	}
	r->action = MV_ACTION_REJECT;
	r->min_action = MV_ACTION_REJECT;
}

static void test_verdict_from_the_report_alone(void)
{
	CHECK_STR(mv_str_cstr(verdict(NULL)),
		  "  Claims to be: Microsoft Security, security-notice@microsoft.com.\n"
		  "  Sent by: From says microsoft.com; sent by mailer.example on its behalf (Message-ID and the "
		  "tracking links); not signed by microsoft.com.\n"
		  "  Authentication: not signed; microsoft.com publishes no DMARC policy.\n"
		  "  Links: 3 to mailer.example.\n"
		  "  mailvet accepts it (score 2.50): MISSING_DATE, SENT_ON_BEHALF_UNSIGNED, HTML_ONLY.\n");
}

static void test_verdict_with_the_claim_and_the_links_checks(void)
{
	CHECK_STR(mv_str_cstr(verdict(as_claim_and_links)),
		  "  Claims to be: Microsoft Security, security-notice@microsoft.com, the brand Microsoft.\n"
		  "  Sent by: From says microsoft.com; sent by mailer.example on its behalf (Message-ID and the "
		  "tracking links); not signed by microsoft.com.\n"
		  "  Authentication: not signed; microsoft.com publishes no DMARC policy.\n"
		  "  Links: 3, going to microsoft.com (2) and mailer.example; 3 through click-trackers, 1 hiding where it "
		  "goes, 1 showing one site but going to another.\n"
		  "  mailvet rejects it (score 2.50, as a policy requires): MISSING_DATE, SENT_ON_BEHALF_UNSIGNED, "
		  "HTML_ONLY.\n");
}

/* As when the sender check is disabled: no sentence, so no line for it. */
static void without_sender(struct mv_report *r)
{
	r->sender.summary = MV_STR_NULL;
}

static void test_verdict_says_less_without_a_check(void)
{
	const char *v = verdict(without_sender);

	CHECK(strstr(v, "  Claims to be: ") == v);
	CHECK(strstr(v, "Sent by") == NULL);
	CHECK(strstr(v, "  Links: 3 to mailer.example.\n") != NULL);
}

int main(void)
{
	/* Without the links and brand checks, so that the tests can give the report what they would find. */
	engine = offline_engine("disabled_checks = links, brand");
	if (engine == NULL)
		return 1;
	RUN(test_verdict_from_the_report_alone);
	RUN(test_verdict_with_the_claim_and_the_links_checks);
	RUN(test_verdict_says_less_without_a_check);
	mv_engine_unref(&engine);
	return test_summary();
}
