/* Brand claims and what stands behind them (claim.h). */
#include <stdio.h>
#include <string.h>

#include "ident/claim.h"

void claims_add(struct claims *cl, uint32_t brand, enum claim_by by, mv_str evidence)
{
	unsigned i;

	for (i = 0; i < cl->n; i++) {
		if (cl->c[i].brand == brand) {
			if (by < cl->c[i].by) {
				cl->c[i].by = by;
				cl->c[i].evidence = evidence;
			}
			return;
		}
	}
	if (cl->n < CLAIMS_MAX)
		cl->c[cl->n++] = (struct claim){ brand, by, evidence };
}

const char *claim_by_name(enum claim_by by)
{
	switch (by) {
	case CLAIM_FROM:
		return "From domain";
	case CLAIM_NAME:
		return "display name";
	case CLAIM_REPLY_TO:
		return "Reply-To";
	default:
		return "footer";
	}
}

static mv_str bare(mv_str d)
{
	while (d.len != 0 && d.p[d.len - 1] == '.')
		d.len--;
	return d;
}

unsigned claim_missing(const struct brands *b, uint32_t brand, const struct mv_auth *auth, bool smime_pass)
{
	unsigned req = b->brand[brand].require, missing = 0, i;
	enum brand_domain_kind kind;

	if (req & BRAND_REQ_DKIM) {
		bool signed_by = false;

		for (i = 0; i < auth->n_dkim && !signed_by; i++)
			signed_by = auth->dkim[i].result == MV_AUTH_PASS &&
				    brands_signs_for(b, brand, bare(auth->dkim[i].domain));
		if (!signed_by)
			missing |= BRAND_REQ_DKIM;
	}
	if ((req & BRAND_REQ_SMIME) && !smime_pass)
		missing |= BRAND_REQ_SMIME;
	if (req & BRAND_REQ_DMARC) {
		mv_str d = bare(auth->dmarc.domain);
		char lower[256];

		/* A trusted Authentication-Results field may write it in any case. */
		if (d.len >= sizeof(lower))
			d.len = 0;
		mv_ascii_lower_copy(lower, d.p, d.len);
		if (!(auth->dmarc.result == MV_AUTH_PASS && d.len != 0 &&
		      brands_domain(b, mv_str_make(lower, d.len), &kind) == (int)brand && kind == BRAND_DOMAIN_OWN))
			missing |= BRAND_REQ_DMARC;
	}
	return missing;
}

void claim_missing_text(const struct brands *b, uint32_t brand, unsigned missing, char *buf, size_t cap)
{
	const struct brand *br = &b->brand[brand];
	size_t w = 0;

	buf[0] = '\0';
	if (missing & BRAND_REQ_DKIM)
		w += (size_t)snprintf(buf + w, cap - w, "no valid DKIM signature of %s%s", br->domains[0],
				      br->n_domains + br->n_signers > 1 ? " or its other domains and senders" : "");
	if ((missing & BRAND_REQ_SMIME) && w < cap)
		w += (size_t)snprintf(buf + w, cap - w, "%sno S/MIME signature that chains to %s's CA",
				      w != 0 ? ", " : "", br->name);
	if ((missing & BRAND_REQ_DMARC) && w < cap)
		snprintf(buf + w, cap - w, "%sno DMARC pass", w != 0 ? ", " : "");
}

bool claim_reply_or_forward(mv_str subject)
{
	static const char *const prefixes[] = { "re:", "fw:", "fwd:", "aw:", "wg:", "tr:", "sv:", "vs:", "rif:" };
	size_t i;

	subject = mv_str_trim(subject);
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (mv_str_prefix_ci(subject, prefixes[i]))
			return true;
	}
	return false;
}

mv_str claim_footer_text(mv_str text, char *buf)
{
	size_t start = text.len > CLAIM_TAIL_BYTES ? text.len - CLAIM_TAIL_BYTES : 0, n;
	char *p, *end, *amp;

	while (start < text.len && ((unsigned char)text.p[start] & 0xc0) == 0x80)
		start++;
	n = text.len - start;
	if (n == 0)
		return mv_str_make(buf, 0);
	memcpy(buf, text.p + start, n);
	end = buf + n;
	for (p = buf; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *line_end = nl != NULL ? nl : end, *q = p;

		while (q < line_end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < line_end && *q == '>')
			memset(q, ' ', (size_t)(line_end - q));
		p = line_end + 1;
	}
	for (p = buf; (amp = memchr(p, '&', (size_t)(end - p))) != NULL; p = amp + 1) {
		if (end - amp >= 6 && memcmp(amp, "&nbsp;", 6) == 0)
			memset(amp, ' ', 6);
	}
	return mv_str_make(buf, n);
}
