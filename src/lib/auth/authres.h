/*
 * Authentication-Results (RFC 8601): reading the field our own servers wrote
 * on arrival, and writing the value the milter adds.
 */
#ifndef MV_AUTH_AUTHRES_H
#define MV_AUTH_AUTHRES_H

#include "mailvet/arena.h"
#include "mailvet/auth.h"

#define AUTHRES_MAX_RESULTS 64
#define AUTHRES_MAX_PROPS 8

struct authres_prop {
	mv_str ptype;		/* "smtp", "header", "body", "policy" */
	mv_str property;	/* "mailfrom", "d", "from" */
	mv_str value;
};

struct authres_result {
	mv_str method;		/* lower case as written ("spf", "dkim", "dmarc", "arc", "smime") */
	mv_str result;		/* "pass", "fail", ... */
	mv_str reason;
	mv_str comment;		/* the first comment after the result: "(p=reject dis=none)" inner text */
	struct authres_prop props[AUTHRES_MAX_PROPS];
	unsigned n_props;
};

struct authres {
	mv_str authserv_id;
	struct authres_result results[AUTHRES_MAX_RESULTS];
	unsigned n_results;	/* past AUTHRES_MAX_RESULTS the rest are not kept */
	bool none;		/* "; none": no method was applied */
};

/* Parses one field value; false when it is not an Authentication-Results value at all. */
bool authres_parse(mv_str raw, struct authres *out);

/* The enum result for a result word, MV_AUTH_NONE when unknown. */
enum mv_auth_result authres_result_value(mv_str word);

/* The value of property ptype.property of a result, or an empty view. */
mv_str authres_prop(const struct authres_result *r, const char *ptype, const char *property);

/*
 * Writes the Authentication-Results value for the results: "authserv-id;
 * spf=pass smtp.mailfrom=...; dkim=...".  NUL-terminated, in the arena;
 * NULL when out of memory.
 */
char *authres_build(mv_arena *arena, const char *authserv_id, const struct mv_auth *auth);

#endif
