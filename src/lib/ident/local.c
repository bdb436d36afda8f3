/* Local people and domains (local.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ident/local.h"
#include "ident/lookalike.h"

int ident_local_init(struct ident_local *local, const char *const *names, size_t n_names, const char *const *domains,
		     size_t n_domains, const char **bad_r)
{
	size_t i;

	memset(local, 0, sizeof(*local));
	local->names = calloc(n_names + 1, sizeof(*local->names));
	local->domains = calloc(n_domains + 1, sizeof(*local->domains));
	if (local->names == NULL || local->domains == NULL)
		return -1;
	for (i = 0; i < n_names; i++) {
		struct local_name *ln = &local->names[local->n_names];
		char *display;

		if (ident_name_normalize_heap(mv_str_cstr(names[i]), &display, &ln->match) < 0)
			return -1;
		free(display);
		ln->text = strdup(names[i]);
		local->n_names++;
		if (ln->text == NULL)
			return -1;
		ln->n_words = ident_words(mv_str_cstr(ln->match), ln->words, LOCAL_NAME_WORDS);
		if (ln->n_words == 0) {
			*bad_r = names[i];
			return 1;
		}
	}
	for (i = 0; i < n_domains; i++) {
		const char *d = domains[i] + (domains[i][0] == '.');
		char ascii[256];

		/* ".example.org" (any name under it) protects example.org itself too. */
		if (!lookalike_domain_ascii(d, strlen(d), ascii))
			continue;
		local->domains[local->n_domains] = strdup(ascii);
		if (local->domains[local->n_domains++] == NULL)
			return -1;
	}
	return 0;
}

void ident_local_deinit(struct ident_local *local)
{
	size_t i;

	for (i = 0; local->names != NULL && i < local->n_names; i++) {
		free(local->names[i].text);
		free(local->names[i].match);
	}
	for (i = 0; local->domains != NULL && i < local->n_domains; i++)
		free(local->domains[i]);
	free(local->names);
	free(local->domains);
	memset(local, 0, sizeof(*local));
}

bool ident_local_domain(const struct ident_local *local, mv_str d)
{
	size_t i;

	for (i = 0; i < local->n_domains; i++) {
		size_t n = strlen(local->domains[i]);

		if (d.len >= n && memcmp(d.p + d.len - n, local->domains[i], n) == 0 &&
		    (d.len == n || d.p[d.len - n - 1] == '.'))
			return true;
	}
	return false;
}

const struct local_name *ident_local_name_in(const struct ident_local *local, const struct ident_word *w, unsigned n)
{
	size_t i;
	unsigned k, j;

	for (i = 0; i < local->n_names; i++) {
		const struct local_name *ln = &local->names[i];

		for (k = 0; k + ln->n_words <= n; k++) {
			bool same = true, reversed = ln->n_words == 2;

			for (j = 0; j < ln->n_words && (same || reversed); j++) {
				same = same && ident_word_eq(w[k + j], ln->words[j].p, ln->words[j].len);
				reversed = reversed &&
					   ident_word_eq(w[k + j], ln->words[1 - j].p, ln->words[1 - j].len);
			}
			if (same || reversed)
				return ln;
		}
	}
	return NULL;
}

const char *ident_local_domain_in(const struct ident_local *local, mv_str match)
{
	size_t i;

	for (i = 0; i < local->n_domains; i++) {
		const char *d = local->domains[i], *at = match.p, *end = match.p + match.len;
		size_t n = strlen(d);

		while ((size_t)(end - at) >= n && (at = memmem(at, (size_t)(end - at), d, n)) != NULL) {
			bool left = at == match.p || !isalnum((unsigned char)at[-1]),
			     right = at + n == end || !isalnum((unsigned char)at[n]);

			if (left && right)
				return d;
			at++;
		}
	}
	return NULL;
}
