/*
 * Scans through the engine with an LMDB store (store_scan.h): what one
 * message records, the next one finds; a store that cannot be opened makes
 * each message say STORE_UNAVAILABLE, and the scan goes on; two engines of
 * one configuration (a reload) share the database.
 */
#include "store_scan.h"

static char dir[] = "/tmp/mv-store-scan-XXXXXX";

static struct mv_engine *lmdb_engine(const char *sub)
{
	char conf[256];

	snprintf(conf, sizeof(conf), "store = lmdb:%s/%s\n", dir, sub);
	return store_engine(conf);
}

static void test_scan_lmdb_scenario(void)
{
	struct mv_engine *e = lmdb_engine("scenario");

	CHECK(e != NULL);
	if (e != NULL)
		store_scenario(e);
	mv_engine_unref(&e);
}

/* A reload: the old engine still scans while the new one does; both see the same records. */
static void test_scan_two_engines_share_the_store(void)
{
	struct mv_engine *a = lmdb_engine("reload"), *b = lmdb_engine("reload");

	CHECK(a != NULL && b != NULL);
	if (a != NULL && b != NULL) {
		SCAN(a, "alice@example.org", "bob@other.example", "s", "old@example.org", NULL, "alice", T0, "");
		SCAN(b, "bob@other.example", "alice@example.org", "Re: s", "r@o", "old@example.org", NULL, T0 + 60,
		     "T_SENT_FOUND=alice@example.org bob@other.example");
	}
	mv_engine_unref(&a);
	SCAN(b, "alice@example.org", "carol@other.example", "s", "new@example.org", NULL, "alice", T0, "");
	mv_engine_unref(&b);
	b = lmdb_engine("reload");
	SCAN(b, "carol@other.example", "alice@example.org", "Re: s", "r2@o", "new@example.org", NULL, T0 + 60,
	     "T_SENT_FOUND=alice@example.org carol@other.example");
	mv_engine_unref(&b);
}

static void test_scan_store_cannot_open(void)
{
	struct mv_engine *e = store_engine("store = lmdb:/proc/no/such/dir\n");
	const char *detail;

	CHECK(e != NULL);
	if (e == NULL)
		return;
	/* The scan goes on: the test check still reports, the store's absence is said once. */
	SCAN(e, "x@example.net", "alice@example.org", "junk", "a@x", "m@x", NULL, T0, "T_JUNK STORE_UNAVAILABLE");
	detail = unavailable_detail(e, T0);
	CHECK(strstr(detail, "opening the store failed: lmdb:/proc/no/such/dir: No such file or directory") == detail);
	mv_engine_unref(&e);
}

/* No store: the store check and the lookups are skipped, nothing is said. */
static void test_scan_without_store(void)
{
	struct mv_engine *e = store_engine("");

	CHECK(e != NULL);
	SCAN(e, "alice@example.org", "bob@other.example", "s", "m@example.org", NULL, "alice", T0, "");
	SCAN(e, "bob@other.example", "alice@example.org", "Re: s", "r@o", "m@example.org", NULL, T0, "");
	mv_engine_unref(&e);
}

static void test_scan_bad_store_setting(void)
{
	struct mv_config *cfg = mv_engine_config_new();
	struct mv_engine *e = NULL;
	char *error = NULL;

	CHECK(mv_config_read_text(cfg, "m.conf", "\n\nstore = lmdb:var/x\n", 19, &error) == 0);
	mv_config_finish(cfg);
	CHECK(mv_engine_new(cfg, &e, &error) < 0);
	CHECK(error != NULL && strcmp(error, "m.conf:3: store: lmdb: wants an absolute directory, as in "
					     "lmdb:/var/lib/mailvet") == 0);
	free(error);
	mv_config_unref(&cfg);
}

int main(void)
{
	char cmd[128];

	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(test_scan_lmdb_scenario);
	RUN(test_scan_two_engines_share_the_store);
	RUN(test_scan_store_cannot_open);
	RUN(test_scan_without_store);
	RUN(test_scan_bad_store_setting);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
	return test_summary();
}
