/*
 * Which brands a message claims to be, and whether each stands behind it.
 * A message claims a brand by its From domain (the strongest claim), its
 * display name, a Reply-To domain, or a phrase of its footer; a brand stands
 * behind the message when it carries what the brands file says all that
 * brand's mail carries (brands.h: a DKIM pass by its domains or authorized
 * signers, an S/MIME signature chaining to its CA, a DMARC pass).
 */
#ifndef MV_IDENT_CLAIM_H
#define MV_IDENT_CLAIM_H

#include "ident/brands.h"
#include "mailvet/auth.h"

enum claim_by {
	CLAIM_FROM,		/* strongest first */
	CLAIM_NAME,
	CLAIM_REPLY_TO,
	CLAIM_TEXT,
};

struct claim {
	uint32_t brand;
	enum claim_by by;
	mv_str evidence;	/* the domain, or the name or phrase as the brands file writes it */
};

#define CLAIMS_MAX 4

struct claims {
	struct claim c[CLAIMS_MAX];
	unsigned n;
};

/* Adds a claim; a brand claimed already keeps its strongest claim.  Past CLAIMS_MAX brands, dropped. */
void claims_add(struct claims *cl, uint32_t brand, enum claim_by by, mv_str evidence);

/* "From domain", "display name", "Reply-To", "footer" */
const char *claim_by_name(enum claim_by by);

/*
 * The brand's requirements (enum brand_require) that the message does not
 * meet, from its authentication results; smime_pass is the caller's finding
 * that an S/MIME signature chains to the brand's CA.
 */
unsigned claim_missing(const struct brands *b, uint32_t brand, const struct mv_auth *auth, bool smime_pass);

/* The missing requirements in plain words ("no DKIM signature of its domains or signers"), into buf. */
void claim_missing_text(const struct brands *b, uint32_t brand, unsigned missing, char *buf, size_t cap);

/* "Re:", "Fwd:" and their kin in other languages: a reply or a forward quotes other mail. */
bool claim_reply_or_forward(mv_str subject);

#define CLAIM_TAIL_BYTES 2048	/* the end of a text searched for a brand's footer */

/*
 * The end of a text (CLAIM_TAIL_BYTES at most) with quoted lines ("> ...")
 * and &nbsp; blanked, into buf (CLAIM_TAIL_BYTES): a quoted brand's footer
 * is no claim of the message that quotes it.
 */
mv_str claim_footer_text(mv_str text, char *buf);

#endif
