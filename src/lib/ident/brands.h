/*
 * The brands file (data/brands.conf, or the file brands_file names): the
 * brands whose mail readers trust, the domains they send from, the names
 * they go by, and what their mail always carries.  docs/internals/brand.md
 * describes the format; brands_file.c reads it, checking every line (errors
 * say FILE:LINE), and brands.c answers the questions a message asks.  A
 * `struct brands` is made once per engine and only read afterwards.
 */
#ifndef MV_IDENT_BRANDS_H
#define MV_IDENT_BRANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ident/name.h"
#include "ident/strmap.h"
#include "mailvet/str.h"

#define BRANDS_MAX 10000		/* brands in a file */
#define BRANDS_MAX_BYTES ((size_t)16 << 20)
#define BRANDS_LINE_MAX 4096
#define BRAND_PHRASE_WORDS 16		/* words in a name or a signature phrase */

enum brand_require {
	BRAND_REQ_DKIM = 1u << 0,	/* a DKIM pass by one of its domains or its signers */
	BRAND_REQ_SMIME = 1u << 1,	/* an S/MIME signature that chains to its CA */
	BRAND_REQ_DMARC = 1u << 2,	/* a DMARC pass of its domain (aligned SPF or DKIM) */
};

enum brand_domain_kind {
	BRAND_DOMAIN_OWN,	/* it sends from there */
	BRAND_DOMAIN_MAILBOX,	/* its consumer mail service: the users' addresses, not the brand's */
};

/* A display name, or a phrase of the text, that names a brand. */
struct brand_phrase {
	char *text;		/* as written in the file */
	char *match;		/* its match form (name.h) */
	struct ident_word words[BRAND_PHRASE_WORDS];	/* into match */
	unsigned n_words;
	uint32_t brand;
	bool alone;		/* names the brand only with nothing but service words around it */
};

struct brand {
	char *name;
	unsigned line;
	char **domains;		/* lower-case A-labels */
	size_t n_domains;
	char **mailboxes;
	size_t n_mailboxes;
	char **signers;
	size_t n_signers;
	unsigned require;	/* enum brand_require; BRAND_REQ_DKIM when the file says nothing */
	char *smime_ca;		/* a file path (made absolute from the brands file's directory), or NULL */
	char *smime_ca_subject;	/* or the subject of a trust anchor, as OpenSSL prints it one-line RFC 2253 */
	unsigned smime_line;	/* where smime_ca or smime_ca_subject is */
};

struct brands {
	char *file;		/* the name errors give */
	struct brand *brand;
	size_t n;
	struct brand_phrase *name;	/* display names */
	size_t n_names;
	struct brand_phrase *sig;	/* phrases of the text */
	size_t n_sigs;
	struct strmap by_domain;	/* domain -> brand << 1 | kind */
	struct strmap by_name_word;	/* a name's first word -> index in name[] */
	struct strmap by_sig_word;
	/*
	 * Which first words there are, before any hashing: bit (length % 32) of
	 * [first byte, lower-cased; non-ASCII at 0].  A text's words mostly miss.
	 */
	uint32_t name_first[128], sig_first[128];
	unsigned char sig_start[256];	/* bytes a footer phrase's first word starts with, in either case */
};

/* The bit of brands.name_first/sig_first a word would set: its index in *slot_r. */
static inline uint32_t brands_first_bit(const char *p, size_t len, unsigned *slot_r)
{
	unsigned char c = (unsigned char)p[0];

	*slot_r = c >= 0x80 ? 0 : c >= 'A' && c <= 'Z' ? c + 32u : c;
	return 1u << (len & 31);
}

/*
 * Reads a brands file: `file` names it in errors, `dir` is where relative
 * smime_ca paths are taken from (NULL: they are an error: the built-in file).
 * Returns 0 with *brands_r, or -1 with *error_r ("FILE:LINE: what", malloc()ed;
 * NULL when out of memory).
 */
int brands_parse(const char *file, const char *dir, mv_str text, struct brands **brands_r, char **error_r);
void brands_free(struct brands **brands);

/* The brand a domain (lower-case A-label) or one of its parents belongs to, or -1. */
int brands_domain(const struct brands *b, mv_str domain, enum brand_domain_kind *kind_r);

/* Whether a DKIM d= (lower-case A-label) signs for the brand: one of its domains, signers, or under them. */
bool brands_signs_for(const struct brands *b, uint32_t brand, mv_str d);

/*
 * The brand a display name names (its match form), or -1; *phrase_r says by
 * which of its names.
 */
int brands_named(const struct brands *b, mv_str match, const struct brand_phrase **phrase_r);

/* The first brand one of whose signature phrases is in text (words compared without ASCII case), or -1. */
int brands_in_text(const struct brands *b, mv_str text, const struct brand_phrase **phrase_r);

/*
 * Whether the words of a display name, but those of [from, from + n), are all
 * service words ("support", "team", "security", ...): a name that is also
 * an ordinary word names the brand only then.
 */
bool brands_only_service_words(const struct ident_word *words, unsigned n_words, unsigned from, unsigned n);

#endif
