/* Authentication-Results fields: the reader, and the writer fed with what was read. */
#include <stdint.h>
#include <string.h>

#include "auth/authres.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct authres ar;
	struct mv_auth_dkim dkim[AUTHRES_MAX_RESULTS];
	struct mv_auth auth;
	mv_arena *arena;
	unsigned i;

	if (!authres_parse(mv_str_make((const char *)data, size), &ar))
		return 0;
	memset(&auth, 0, sizeof(auth));
	memset(dkim, 0, sizeof(dkim));
	auth.checked = !ar.none;
	for (i = 0; i < ar.n_results; i++) {
		const struct authres_result *r = &ar.results[i];

		if (mv_str_eq_ci(r->method, "dkim")) {
			dkim[auth.n_dkim].result = authres_result_value(r->result);
			dkim[auth.n_dkim].domain = authres_prop(r, "header", "d");
			dkim[auth.n_dkim].selector = authres_prop(r, "header", "s");
			dkim[auth.n_dkim++].reason = r->reason;
		} else if (mv_str_eq_ci(r->method, "spf")) {
			auth.spf.result = authres_result_value(r->result);
			auth.spf.domain = authres_prop(r, "smtp", "mailfrom");
		}
	}
	auth.dkim = dkim;
	arena = mv_arena_new(1 << 20);
	if (arena != NULL) {
		char *v = authres_build(arena, "fuzz.example", &auth);

		if (v != NULL)
			(void)authres_parse(mv_str_cstr(v), &ar);
		mv_arena_free(&arena);
	}
	return 0;
}
