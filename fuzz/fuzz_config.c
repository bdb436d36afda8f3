/*
 * libFuzzer target: configuration text read against a schema of every type
 * with two directive keywords, and its first line as an mv_config_set()
 * assignment.  Whatever reads must dump to text that reads back to the same
 * configuration (dumped again, the same bytes), so any difference aborts.
 * The maps "file:m1" and "file:m2" exist in a scratch directory, the one the
 * text is said to come from.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailvet/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct mv_setting_def defs[] = {
	{ "enabled", MV_SETTING_BOOL, "yes", 0, 0, NULL, "" },
	{ "max_urls", MV_SETTING_UINT, "1000", 1, 10000000, NULL, "" },
	{ "max_bytes", MV_SETTING_UINT, "64M", 0, 0, NULL, "" },
	{ "threshold", MV_SETTING_NUMBER, "5", -100, 100, NULL, "" },
	{ "weight", MV_SETTING_NUMBER, "-0.5", 0, 0, NULL, "" },
	{ "timeout", MV_SETTING_TIME, "10s", 1000, 3600000, NULL, "" },
	{ "interval", MV_SETTING_TIME, "1.5", 0, 0, NULL, "" },
	{ "banner", MV_SETTING_STRING, "mailvet", 0, 0, NULL, "" },
	{ "relays", MV_SETTING_LIST, "", 0, 0, NULL, "" },
	{ "networks", MV_SETTING_LIST, "127.0.0.0/8, [::1]/128", 0, 0, NULL, "" },
	{ "action", MV_SETTING_ENUM, "tempfail", 0, 0, "accept|reject|tempfail", "" },
};
static const struct mv_setting_table tables[] = { { "fuzz", defs, sizeof(defs) / sizeof(defs[0]) } };
static const char *const keywords[] = { "score", "group", NULL };

static char dir[] = "/tmp/fuzz-config-XXXXXX";
static char conf_name[96];
static volatile size_t sink;
static volatile double number_sink;

static void write_map(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static void cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/m1", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/m2", dir);
	unlink(path);
	rmdir(dir);
}

static void setup(void)
{
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	write_map("m1", "# a map\n\na1, a2\n  b1 b2 # c\n");
	write_map("m2", "/not/nested file:m1\n");
	snprintf(conf_name, sizeof(conf_name), "%s/mailvet.conf", dir);
}

static char *dump(const struct mv_config *cfg, enum mv_config_dump what, size_t *len_r)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len_r);

	if (f == NULL || mv_config_dump(cfg, what, f) != 0)
		__builtin_trap();
	fclose(f);
	return text;
}

static void touch_getters(const struct mv_config *cfg)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		sink += mv_config_bool(cfg, defs[i].name) + mv_config_uint(cfg, defs[i].name) +
			mv_config_time_ms(cfg, defs[i].name) + strlen(mv_config_string(cfg, defs[i].name));
		number_sink = mv_config_number(cfg, defs[i].name);
		if (mv_config_list(cfg, defs[i].name, &n)[n] != NULL)
			__builtin_trap();
	}
	mv_config_directives(cfg, &n);
	sink += n;
}

static void round_trip(const struct mv_config *cfg)
{
	struct mv_config *again = mv_config_new(tables, 1, keywords);
	size_t len = 0, len2 = 0;
	char *text = dump(cfg, MV_CONFIG_DUMP_SET, &len), *text2, *error = NULL;

	if (mv_config_read_text(again, conf_name, text, len, &error) != 0)
		__builtin_trap();
	text2 = dump(again, MV_CONFIG_DUMP_SET, &len2);
	if (len != len2 || memcmp(text, text2, len) != 0)
		__builtin_trap();
	free(text);
	free(text2);
	text = dump(cfg, MV_CONFIG_DUMP_ALL, &len);
	free(text);
	mv_config_unref(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	struct mv_config *cfg;
	char *error = NULL, *line;

	if (conf_name[0] == '\0')
		setup();
	cfg = mv_config_new(tables, 1, keywords);
	if (cfg == NULL)
		return 0;
	if (mv_config_read_text(cfg, conf_name, (const char *)data, size, &error) == 0) {
		touch_getters(cfg);
		round_trip(cfg);
	}
	free(error);
	error = NULL;
	line = strndup((const char *)data, nl != NULL ? (size_t)((const uint8_t *)nl - data) : size);
	if (line != NULL && mv_config_set(cfg, line, &error) == 0)
		touch_getters(cfg);
	free(error);
	free(line);
	mv_config_finish(cfg);
	mv_config_unref(&cfg);
	return 0;
}
