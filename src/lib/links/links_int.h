/*
 * Internal interface between the links module's files: the compiled rules
 * (links_rules.c) that the unwrapper (links_unwrap.c) looks up, and the
 * decoders (links_decode.c).
 */
#ifndef MV_LINKS_INT_H
#define MV_LINKS_INT_H

#include <stdint.h>

#include "links/links.h"

#define LINKS_MAX_PARAMS 6	/* param= names of one rule */
#define LINKS_MAX_WORDS 32	/* tracker-words, fallback-skip names */

enum links_kind {
	LINKS_REDIRECT,		/* carries its destination */
	LINKS_GATEWAY,		/* a mail gateway's link protection: carries it, and is no redirect of the sender's */
	LINKS_TRACKER,		/* a bulk-mail click-tracker: hides its destination unless it carries it */
	LINKS_SHORTENER,	/* the destination is on the shortener's server only */
	LINKS_IGNORE,		/* not a redirector, though a parameter holds a URL (a share button, an archive) */
};

enum links_where {
	LINKS_WHERE_NONE,
	LINKS_WHERE_PARAM,	/* a query parameter (param=) */
	LINKS_WHERE_SEGMENT,	/* the path segment after the rule's path */
	LINKS_WHERE_REST,	/* everything after the rule's path: path, query and fragment */
	LINKS_WHERE_PROOFPOINT_V3,	/* urldefense v3: __URL__;BYTES!... after the rule's path */
};

enum links_decode {
	LINKS_DECODE_PERCENT,	/* %XX (base64 of an absolute URL is recognized by itself) */
	LINKS_DECODE_PROOFPOINT_V2,	/* urldefense v2: '-' for '%' and '_' for '/', then %XX */
};

struct links_rule {
	uint8_t kind, where, decode;
	bool wildcard;			/* *.HOST: HOST and every name under it */
	bool path_prefix;		/* the path starts with `path` (written with a final '*' or '/') */
	mv_str host;			/* lower-case, without "*." */
	mv_str key;			/* host's registrable domain: the table's key */
	mv_str path;			/* empty: any path */
	mv_str params[LINKS_MAX_PARAMS];
	unsigned n_params;
	mv_str domain_param;		/* domain=: the parameter naming the destination's domain */
	unsigned line;
	int next;			/* the next rule of the same key, in file order, or -1 */
};

struct links_rules {
	char *text;			/* a copy of the file, which the views point into */
	struct links_rule *rules;
	unsigned n_rules;
	int *slots;			/* open addressing on key: the first rule of each domain, -1 empty */
	unsigned mask;
	mv_str words[LINKS_MAX_WORDS];	/* tracker-words (lower case) */
	unsigned n_words;
	uint64_t word_lengths;		/* bit n: a word of n bytes (n < 64) */
	uint32_t word_starts;		/* bit c - 'a': a word starts with that letter */
	mv_str skip[LINKS_MAX_WORDS];	/* fallback-skip: parameter names, a final '*' for a prefix */
	unsigned n_skip;
};

/* The first rule whose host and path match the URL's, or NULL. */
const struct links_rule *links_rule_find(const struct links_rules *rules, const struct mv_url *url);

/* A tracker word of the rules (ASCII case-insensitive). */
bool links_tracker_word(const struct links_rules *rules, const char *p, size_t n);

/* links_decode.c: each writes at most n bytes to out (which may be in) and returns how many. */
size_t links_pct_decode(const char *in, size_t n, char *out);
size_t links_proofpoint_v2(const char *in, size_t n, char *out);
/* Strict base64 or base64url, padding optional; false when in is not that. Writes at most n * 3 / 4 + 2. */
bool links_base64_decode(const char *in, size_t n, char *out, size_t *out_n_r);
/*
 * Proofpoint v3: in is what follows "/v3/__": "URL__;BYTES!...".  Writes the
 * URL with its '*' tokens replaced by the decoded bytes' characters to out,
 * using scratch (both of n bytes at least); false when in is not of that form
 * or the bytes do not cover the tokens.
 */
bool links_proofpoint_v3(const char *in, size_t n, char *scratch, char *out, size_t *out_n_r);

/* "http://" or "https://" (or with a backslash, as browsers read it), any case, at the start of s. */
bool links_absolute_http(mv_str s);

#endif
