/* The store setting's value: what is accepted, and what each mistake is told. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "test.h"

static const struct {
	const char *spec;
	const char *error;	/* NULL: accepted; else a part of the message */
} specs[] = {
	{ "lmdb:/var/lib/mailvet", NULL },
	{ "lmdb:/var/lib/mailvet?size=2G", NULL },
	{ "lmdb:/x?size=512m", NULL },
	{ "redis://127.0.0.1", NULL },
	{ "redis://localhost:6380/3", NULL },
	{ "redis://127.0.0.1:6379/", NULL },
	{ "redis://:secret@10.0.0.1/1", NULL },
	{ "redis://mailvet:p@ss@[2001:db8::1]:6379/0", NULL },
	{ "redis+unix:/run/redis/redis.sock", NULL },
	{ "redis+unix:/run/redis/redis.sock?db=2", NULL },
	{ "", "is not a store" },
	{ "foo", "'foo' is not a store: lmdb:/dir, redis://host:port/db or redis+unix:/path/socket" },
	{ "LMDB:/x", "is not a store" },
	{ "lmdb:", "absolute directory" },
	{ "lmdb:var/lib/mailvet", "lmdb: wants an absolute directory" },
	{ "lmdb:/x?size=1", "a size from 1M to 1T" },
	{ "lmdb:/x?size=2X", "a size from 1M to 1T" },
	{ "lmdb:/x?size=2T", "a size from 1M to 1T" },
	{ "lmdb:/x?db=1", "the only parameter here is ?size=" },
	{ "redis://", "wants a host" },
	{ "redis://:6379/0", "wants a host" },
	{ "redis://h:0", "is not a port" },
	{ "redis://h:65536", "'65536' is not a port" },
	{ "redis://h:x/0", "is not a port" },
	{ "redis://h/zero", "'zero' is not a database number" },
	{ "redis://[2001:db8::1", "brackets" },
	{ "redis+unix:redis.sock", "absolute path of the socket" },
	{ "redis+unix:/s?db=x", "'x' is not a database number" },
	{ "redis+unix:/s?size=1", "the only parameter here is ?db=" },
};

static void test_store_specs(void)
{
	size_t i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char *error = NULL;
		int rc = store_spec_check(specs[i].spec, &error);

		if (specs[i].error == NULL) {
			CHECK_INT(rc, MV_OK);
		} else {
			CHECK_INT(rc, MV_CONFIG);
			CHECK(error != NULL && strstr(error, specs[i].error) != NULL);
		}
		if ((rc == MV_OK) != (specs[i].error == NULL) || (error != NULL && specs[i].error != NULL &&
								  strstr(error, specs[i].error) == NULL))
			fprintf(stderr, "  spec '%s': %s\n", specs[i].spec, error != NULL ? error : "accepted");
		free(error);
	}
}

static void test_store_spec_fields(void)
{
	struct store_spec s;
	char *error = NULL;

	CHECK_INT(store_spec_parse("redis://mailvet:p@ss@[2001:db8::1]:6380/7", &s, &error), MV_OK);
	CHECK(s.kind == STORE_KIND_REDIS_TCP);
	CHECK_STR(mv_str_cstr(s.host), "2001:db8::1");
	CHECK_INT(s.port, 6380);
	CHECK_INT(s.db, 7);
	CHECK_STR(mv_str_cstr(s.user), "mailvet");
	CHECK_STR(mv_str_cstr(s.password), "p@ss");
	/* Messages never show the password. */
	CHECK_STR(mv_str_cstr(s.name), "redis://mailvet:***@[2001:db8::1]:6380/7");
	store_spec_free(&s);
	CHECK_INT(store_spec_parse("lmdb:/var/lib/mailvet", &s, &error), MV_OK);
	CHECK(s.kind == STORE_KIND_LMDB);
	CHECK_STR(mv_str_cstr(s.path), "/var/lib/mailvet");
	CHECK(s.size == (uint64_t)1 << 30);
	store_spec_free(&s);
	CHECK_INT(store_spec_parse("redis+unix:/run/r.sock?db=3", &s, &error), MV_OK);
	CHECK(s.kind == STORE_KIND_REDIS_UNIX && s.db == 3 && s.password == NULL);
	CHECK_STR(mv_str_cstr(s.path), "/run/r.sock");
	store_spec_free(&s);
	CHECK_INT(store_spec_parse("redis://h", &s, &error), MV_OK);
	CHECK(s.port == 6379 && s.db == 0);
	store_spec_free(&s);
}

/* store_open() says the same as the check, before touching anything. */
static void test_store_open_bad_spec(void)
{
	struct store *s = (struct store *)1;
	char *error = NULL;

	CHECK_INT(store_open("lmdb:relative", 200, &s, &error), MV_CONFIG);
	CHECK(s == NULL);
	CHECK(error != NULL && strstr(error, "absolute") != NULL);
	free(error);
}

int main(void)
{
	RUN(test_store_specs);
	RUN(test_store_spec_fields);
	RUN(test_store_open_bad_spec);
	return test_summary();
}
