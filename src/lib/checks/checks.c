/* The table of built-in checks, made from checks/check_list.h. */
#include "engine/engine_int.h"

#define CHECK(name) extern const struct check_def check_##name;
#include "checks/check_list.h"
#undef CHECK

static const struct check_def *const builtin[] = {
#define CHECK(name) &check_##name,
#include "checks/check_list.h"
#undef CHECK
};

const struct check_def *const *engine_builtin_checks(size_t *n_r)
{
	*n_r = sizeof(builtin) / sizeof(builtin[0]);
	return builtin;
}
