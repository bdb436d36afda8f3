/*
 * Domains that look like domains a reader trusts (a brand's, our own), without
 * being them.  A set of protected domains is made once per engine; each host
 * of a message is then checked against it, in this order:
 *
 *   subdomain   a protected domain written in front of someone else's:
 *               update.microsoft.com.patch-server.example, paypal.com-login.example;
 *   confusable  the registrable label has the protected label's skeleton but
 *               other characters: TR39 confusables by ICU's spoof checker for
 *               Unicode labels (IDN, compared in Unicode while the domains are
 *               kept in punycode), and for ASCII the swaps of the same kind
 *               (0 for o, 1 for l, rn for m, vv for w, cl for d, a hyphen);
 *   typo        a small Damerau edit of the registrable label: one edit for
 *               labels of 6 to 9 letters, two from 10; shorter protected labels
 *               are never matched this way (ing, dhl, apple, chase are words
 *               and short names, one letter from many others).  The first letter
 *               must be the same, and one label must not start with the whole
 *               of the other (examples.com is not example.com's look-alike:
 *               an added or dropped ending makes another name, not a disguise).
 *
 * A host whose registrable domain is protected or exempt (the brand's
 * authorized senders) is never a look-alike, and neither is one whose label
 * is exactly a protected label under another suffix (microsoft.de): whether
 * the brand owns it cannot be told from here.
 */
#ifndef MV_IDENT_LOOKALIKE_H
#define MV_IDENT_LOOKALIKE_H

#include <stdbool.h>
#include <stdint.h>

#include "mailvet/str.h"

enum lookalike_how {
	LOOKALIKE_NONE,
	LOOKALIKE_SUBDOMAIN,
	LOOKALIKE_CONFUSABLE,
	LOOKALIKE_TYPO,
};

struct lookalike_match {
	enum lookalike_how how;
	const char *target;	/* the protected domain it looks like */
	uint32_t tag;		/* the number the caller gave it */
	char why[128];		/* plain words: "0 for o", "Cyrillic а (U+0430) for a", "a letter left out (o)" */
};

struct lookalikes;

struct lookalikes *lookalikes_new(void);
void lookalikes_free(struct lookalikes **set);

/*
 * Adds a domain (A-label or Unicode, any case, a trailing dot allowed): to
 * protect (tag: the caller's number for it), or exempt (never a look-alike).
 * Its registrable domain is what counts.  Returns 0, 1 when it is not a
 * domain under a public suffix (the caller says so), -1 out of memory.
 */
int lookalikes_add(struct lookalikes *set, const char *domain, uint32_t tag, bool exempt);

/*
 * Whether host (lower-case ASCII, A-labels: mv_url's host) looks like a
 * protected domain without being one; fills *m.  Thread-safe on a set no
 * longer added to.
 */
bool lookalikes_check(const struct lookalikes *set, mv_str host, struct lookalike_match *m);

/* A domain's lower-case A-label form without a trailing dot, into out; false when it is not one. */
bool lookalike_domain_ascii(const char *domain, size_t len, char out[256]);

/* Whether domain (A-label, lower case) is a registrable domain or under one (not a public suffix). */
bool lookalike_under_suffix(const char *domain);

#endif
