/* The engine's own declarations, shared by its files; checks use check.h. */
#ifndef MV_ENGINE_INT_H
#define MV_ENGINE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "dns/dns.h"
#include "engine/check.h"
#include "envelope/envelope_int.h"
#include "mailvet/limits.h"
#include "store/store.h"

struct engine_check {
	const struct check_def *def;
	struct mv_check_info info;
	unsigned first_symbol;		/* the engine id of def->symbols[0] */
	unsigned *after;		/* indexes of the checks this one runs after */
	unsigned n_after;
	void *state;			/* from def->init */
};

struct engine_symbol {
	struct mv_symbol_info info;
	unsigned check;			/* index of the reporting check; n_checks for a composite */
};

/* A composite's expression in postfix order: symbol ids, or the operators below. */
enum { COMPOSITE_AND = -1, COMPOSITE_OR = -2, COMPOSITE_NOT = -3 };

struct engine_composite {
	unsigned symbol;
	int *code;
	unsigned n_code;
};

/* The store (engine_store.c): opened on first use, shared by the engine's threads. */
struct engine_store {
	char *spec;			/* NULL: no store configured */
	unsigned timeout_ms;
	uint32_t ttl[STORE_NS_COUNT];	/* seconds, from store_*_days */
	bool inited;
	pthread_mutex_t lock;		/* opening */
	_Atomic(struct store *) store;	/* NULL until opened */
	uint64_t retry_at;		/* monotonic ms: after a failed open, not before */
	char *error;			/* why the last open failed */
};

struct mv_engine {
	atomic_uint refs;
	struct mv_config *cfg;
	struct engine_check *checks;	/* in run order: every check after those it names */
	unsigned n_checks;
	struct engine_symbol *symbols;
	unsigned n_symbols;
	unsigned *by_name;		/* symbol ids sorted by name */
	int memory_symbol;		/* MEMORY_LIMIT's id, -1 when not registered */
	int store_symbol;		/* STORE_UNAVAILABLE's id, -1 when not registered */
	struct engine_composite *composites;
	unsigned n_composites;
	double tag_score, quarantine_score, reject_score;
	uint64_t deadline_ms;
	struct mv_limits limits;
	struct envelope_policy envelope;
	struct dns_resolver *dns;
	struct engine_store store;
};

/* The built-in checks, in their listed order (checks/check_list.h). */
const struct check_def *const *engine_builtin_checks(size_t *n_r);

/*
 * The schema of settings: the engine's own tables and those of `checks`.
 * Returns the number of tables stored in tables_r (a static or malloc()ed
 * array; free with engine_schema_free()).
 */
size_t engine_schema(const struct check_def *const *checks, size_t n_checks, struct mv_setting_table **tables_r);
void engine_schema_free(struct mv_setting_table *tables);

/* Internal: the engine and its config with extra checks (the tests' own). */
struct mv_config *engine_config_new_with(const struct check_def *const *extra, size_t n_extra);
int engine_new_with(struct mv_config *cfg, const struct check_def *const *extra, size_t n_extra,
		    struct mv_engine **engine_r, char **error_r);

extern const struct mv_setting_table engine_store_setting_table;
/* Reads the store settings (a bad `store` is an error naming its line); opens nothing. */
int engine_store_init(struct engine_store *es, const struct mv_config *cfg, char **error_r);
void engine_store_deinit(struct engine_store *es);
bool engine_store_configured(const struct mv_engine *engine);

/* Replaces the engine's resolver (freeing the old one) with `resolver`, which it takes over: for tests. */
void engine_replace_resolver(struct mv_engine *engine, struct dns_resolver *resolver);

/* The id of the symbol called name[0..len), or -1. */
int engine_symbol_id(const struct mv_engine *engine, const char *name, size_t len);
/* Parses the composites of the configuration into engine->composites. */
int engine_composites_build(struct mv_engine *engine, char **error_r);
/* Whether the composite is true over the symbols present (a bit per symbol id). */
bool engine_composite_eval(const struct engine_composite *c, const unsigned char *present);

/* Where a setting got its value ("-o" for an option), or the file / "the defaults" with line 0. */
void engine_setting_where(const struct mv_config *cfg, const char *name, const char **file_r, unsigned *line_r);

/* malloc()ed "FILE:LINE: text" */
char *engine_error(const char *file, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
