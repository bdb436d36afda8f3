/*
 * Our own people and domains, as impersonation knows them: the display names
 * of local people (local_names: "CEO fraud" puts them on outside addresses)
 * and the local domains (local_domains), read once per engine.
 */
#ifndef MV_IDENT_LOCAL_H
#define MV_IDENT_LOCAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ident/name.h"

#define LOCAL_NAME_WORDS 8

struct local_name {
	char *text;		/* as configured */
	char *match;		/* its match form */
	struct ident_word words[LOCAL_NAME_WORDS];
	unsigned n_words;
};

struct ident_local {
	struct local_name *names;
	size_t n_names;
	char **domains;		/* lower-case A-labels; ".example.org" as example.org */
	size_t n_domains;
};

/*
 * Reads the names and domains (each list n items).  Returns 0; -1 when out of
 * memory; 1 with *bad_r the name that has no letters or digits.  Free with
 * ident_local_deinit() in every case.
 */
int ident_local_init(struct ident_local *local, const char *const *names, size_t n_names, const char *const *domains,
		     size_t n_domains, const char **bad_r);
void ident_local_deinit(struct ident_local *local);

/* Whether d (lower-case A-label) is a local domain or under one. */
bool ident_local_domain(const struct ident_local *local, mv_str d);

/* The local name the words of a display name hold (a two-word name in either order), or NULL. */
const struct local_name *ident_local_name_in(const struct ident_local *local, const struct ident_word *w, unsigned n);

/* A local domain written in a display name's match form, between non-letters ("example.org IT desk"), or NULL. */
const char *ident_local_domain_in(const struct ident_local *local, mv_str match);

#endif
