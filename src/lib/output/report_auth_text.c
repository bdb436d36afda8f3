/*
 * What the sender-authentication results mean for this message, one
 * sentence per method, for the text report.
 */
#include "output_internal.h"

static int line(mv_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One indented line. */
static int line(mv_buf *out, const char *fmt, ...)
{
	va_list ap;
	int rc = mv_buf_append(out, "    ", 4);

	va_start(ap, fmt);
	rc |= report_vputf(out, fmt, ap);
	va_end(ap);
	return rc | mv_buf_putc(out, '\n');
}

/* "%.*s" arguments of a view, at most 120 bytes. */
#define V(s) (int)((s).len < 120 ? (s).len : 120), (s).p

static int spf_sentence(mv_buf *out, const struct mv_auth_spf *spf, const struct mv_envelope *env)
{
	mv_str client = env->conn.client_ip.len != 0 ? env->conn.client_ip : MV_STR_LIT("the sending server");

	if (spf->domain.len == 0)
		return 0;
	switch (spf->result) {
	case MV_AUTH_PASS:
		return line(out, "SPF: %.*s is a server that %.*s allows to send its mail.", V(client), V(spf->domain));
	case MV_AUTH_FAIL:
		return line(out, "SPF: %.*s says %.*s may not send its mail: the sender address is forged.",
			    V(spf->domain), V(client));
	case MV_AUTH_SOFTFAIL:
		return line(out, "SPF: %.*s says %.*s is probably not one of its servers.", V(spf->domain), V(client));
	case MV_AUTH_NEUTRAL:
		return line(out, "SPF: %.*s makes no statement about %.*s.", V(spf->domain), V(client));
	case MV_AUTH_TEMPERROR:
		return line(out, "SPF: the policy of %.*s could not be read for now (a DNS failure).", V(spf->domain));
	case MV_AUTH_PERMERROR:
		return line(out, "SPF: the policy of %.*s is broken (%.*s), so it says nothing.", V(spf->domain),
			    V(spf->explanation));
	default:
		return line(out, "SPF: %.*s publishes no SPF policy, so nothing says which servers may send its mail.",
			    V(spf->domain));
	}
}

static int dkim_sentence(mv_buf *out, const struct mv_auth_dkim *d)
{
	switch (d->result) {
	case MV_AUTH_PASS:
		return line(out, "DKIM: signed by %.*s, and the signature is intact%s.", V(d->domain),
			    d->weak ? ", though made with a weak algorithm or key" : "");
	case MV_AUTH_FAIL:
		return line(out, "DKIM: a signature claims %.*s but does not verify (%.*s): the message was changed "
			    "or the signature forged.", V(d->domain), V(d->reason));
	case MV_AUTH_TEMPERROR:
		return line(out, "DKIM: the key of %.*s could not be fetched for now (a DNS failure).", V(d->domain));
	case MV_AUTH_POLICY:
		return line(out, "DKIM: signed by %.*s, but with a key or algorithm too weak to trust (%.*s).",
			    V(d->domain), V(d->reason));
	default:
		return line(out, "DKIM: a signature claims %.*s but cannot be checked (%.*s).", V(d->domain), V(d->reason));
	}
}

static const char *asks(mv_str policy)
{
	if (mv_str_eq(policy, "reject"))
		return "asks receivers to reject";
	if (mv_str_eq(policy, "quarantine"))
		return "asks receivers to quarantine";
	return "only asks to be told about";
}

static int dmarc_sentence(mv_buf *out, const struct mv_auth_dmarc *dm)
{
	if (dm->domain.len == 0)
		return 0;
	switch (dm->result) {
	case MV_AUTH_PASS:
		return line(out, "DMARC: the From domain %.*s is confirmed by %s.", V(dm->domain),
			    dm->dkim_aligned && dm->spf_aligned ? "both its DKIM signature and SPF"
			    : dm->dkim_aligned		       ? "its DKIM signature"
			    : dm->spf_aligned		       ? "SPF"
							       : "its owner's DMARC policy");
	case MV_AUTH_FAIL:
		return line(out, "DMARC: nothing confirms the From domain %.*s, and its owner %s such mail.",
			    V(dm->domain), asks(dm->policy));
	case MV_AUTH_TEMPERROR:
		return line(out, "DMARC: the policy of %.*s could not be read for now (a DNS failure).", V(dm->domain));
	case MV_AUTH_PERMERROR:
		return line(out, "DMARC: the policy of %.*s is broken, so it says nothing.", V(dm->domain));
	default:
		return line(out, "DMARC: %.*s publishes no DMARC policy, so its name can be used by anyone.",
			    V(dm->domain));
	}
}

static int arc_sentence(mv_buf *out, const struct mv_auth_arc *arc)
{
	switch (arc->result) {
	case MV_AUTH_PASS:
		return line(out, "ARC: %u forwarding server%s recorded how the message authenticated before them, and "
			    "their seals are intact.", arc->instances, arc->instances == 1 ? "" : "s");
	case MV_AUTH_FAIL:
		return line(out, "ARC: the seals of the servers that forwarded the message are broken (%.*s), so what "
			    "they recorded cannot be believed.", V(arc->reason));
	case MV_AUTH_TEMPERROR:
		return line(out, "ARC: the forwarding servers' keys could not be fetched for now (a DNS failure).");
	default:
		return 0;
	}
}

static int smime_sentence(mv_buf *out, const struct mv_auth_smime *sm)
{
	switch (sm->result) {
	case MV_AUTH_PASS:
		return line(out, "S/MIME: signed by %.*s with a certificate from a trusted authority.", V(sm->signer));
	case MV_AUTH_UNTRUSTED:
		return line(out, "S/MIME: signed as %.*s, but the certificate is not from a trusted authority: anyone "
			    "can make such a signature.", V(sm->signer));
	case MV_AUTH_FAIL:
		return line(out, "S/MIME: the signature does not match the content: the message was changed after "
			    "signing, or the signature is broken.");
	case MV_AUTH_SIGNER_MISMATCH:
		return line(out, "S/MIME: a valid signature, but by %.*s, not by the From address.", V(sm->signer));
	default:
		return 0;
	}
}

int report_write_auth_text(const struct mv_report *report, mv_buf *out)
{
	const struct mv_auth *a = &report->auth;
	unsigned i;
	int rc = 0;

	if (!a->checked)
		return 0;
	if (a->source == MV_AUTH_SOURCE_TRUSTED_HEADER)
		rc |= line(out, "(authentication as our server recorded it on arrival, in Authentication-Results)");
	rc |= spf_sentence(out, &a->spf, &report->envelope);
	for (i = 0; i < a->n_dkim && i < 3; i++)
		rc |= dkim_sentence(out, &a->dkim[i]);
	if (a->n_dkim == 0)
		rc |= line(out, "DKIM: the message is not signed, so nothing proves which domain sent it.");
	else if (a->n_dkim > 3)
		rc |= line(out, "DKIM: and %u more signatures.", a->n_dkim - 3);
	rc |= dmarc_sentence(out, &a->dmarc);
	rc |= arc_sentence(out, &a->arc);
	rc |= smime_sentence(out, &a->smime);
	return rc;
}

/* The first DKIM signature with that result, or NULL. */
static const struct mv_auth_dkim *dkim_with(const struct mv_auth *a, enum mv_auth_result result)
{
	unsigned i;

	for (i = 0; i < a->n_dkim; i++) {
		if (a->dkim[i].result == result)
			return &a->dkim[i];
	}
	return NULL;
}

/* What DKIM and SPF show when DMARC does not decide: "signed by x.example, SPF passes for y.example". */
static int dkim_spf_words(mv_buf *out, const struct mv_auth *a)
{
	const struct mv_auth_dkim *valid = dkim_with(a, MV_AUTH_PASS), *broken = dkim_with(a, MV_AUTH_FAIL);
	const struct mv_auth_spf *spf = &a->spf;
	int rc;

	if (valid != NULL)
		rc = report_putf(out, "signed by %.*s", V(valid->domain));
	else if (broken != NULL)
		rc = report_putf(out, "a signature claiming %.*s does not verify", V(broken->domain));
	else
		rc = report_putf(out, a->n_dkim == 0 ? "not signed" : "no signature could be checked");
	if (spf->domain.len == 0)
		return rc;
	switch (spf->result) {
	case MV_AUTH_PASS:
		return rc | report_putf(out, ", SPF passes for %.*s", V(spf->domain));
	case MV_AUTH_FAIL:
		return rc | report_putf(out, ", SPF fails for %.*s", V(spf->domain));
	case MV_AUTH_SOFTFAIL:
		return rc | report_putf(out, ", SPF softfails for %.*s", V(spf->domain));
	default:
		return rc;
	}
}

static int smime_words(mv_buf *out, const struct mv_auth_smime *sm)
{
	switch (sm->result) {
	case MV_AUTH_PASS:
		return report_putf(out, "; S/MIME-signed by %.*s with a trusted certificate", V(sm->signer));
	case MV_AUTH_UNTRUSTED:
		return report_putf(out, "; S/MIME-signed as %.*s, but no trusted authority issued the certificate",
				   V(sm->signer));
	case MV_AUTH_FAIL:
		return report_putf(out, "; its S/MIME signature is broken");
	case MV_AUTH_SIGNER_MISMATCH:
		return report_putf(out, "; S/MIME-signed by %.*s, not by the From address", V(sm->signer));
	default:
		return 0;
	}
}

int report_write_auth_verdict(const struct mv_report *report, mv_buf *out)
{
	const struct mv_auth *a = &report->auth;
	const struct mv_auth_dmarc *dm = &a->dmarc;
	const struct mv_auth_dkim *valid = dkim_with(a, MV_AUTH_PASS);
	int rc = mv_buf_append(out, "  Authentication: ", 18);

	if (!a->checked)
		return rc | mv_buf_append(out, "not checked.\n", 13);
	if (dm->result == MV_AUTH_PASS) {
		rc |= report_putf(out, "the From domain %.*s is confirmed by %s", V(dm->domain),
				  dm->dkim_aligned && dm->spf_aligned ? "its DKIM signature and SPF"
				  : dm->dkim_aligned		      ? "its DKIM signature"
								      : "SPF");
	} else if (dm->result == MV_AUTH_FAIL) {
		rc |= report_putf(out, "nothing confirms the From domain %.*s (DMARC fails", V(dm->domain));
		if (valid != NULL)
			rc |= report_putf(out, "; only %.*s signed it", V(valid->domain));
		rc |= report_putf(out, "), and its owner %s such mail", asks(dm->policy));
	} else {
		rc |= dkim_spf_words(out, a);
		if (dm->result == MV_AUTH_NONE && dm->domain.len != 0)
			rc |= report_putf(out, "; %.*s publishes no DMARC policy", V(dm->domain));
		else if (dm->result == MV_AUTH_TEMPERROR || dm->result == MV_AUTH_PERMERROR)
			rc |= report_putf(out, "; DMARC could not be checked");
	}
	rc |= smime_words(out, &a->smime);
	return rc | mv_buf_append(out, ".\n", 2);
}
