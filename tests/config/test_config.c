#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailvet/config.h"
#include "test.h"

static const struct mv_setting_def scan_defs[] = {
	{ "enabled", MV_SETTING_BOOL, "yes", 0, 0, NULL, "scan at all" },
	{ "max_urls", MV_SETTING_UINT, "1000", 1, 10000000, NULL, "links kept per message" },
	{ "max_bytes", MV_SETTING_UINT, "64M", 0, 0, NULL, "an unbounded size" },
	{ "threshold", MV_SETTING_NUMBER, "5", -100, 100, NULL, "spam above this" },
	{ "weight", MV_SETTING_NUMBER, "-0.5", 0, 0, NULL, "an unbounded number" },
	{ "timeout", MV_SETTING_TIME, "10s", 1000, 3600000, NULL, "a bounded duration" },
	{ "interval", MV_SETTING_TIME, "1.5", 0, 0, NULL, "an unbounded duration" },
	{ "banner", MV_SETTING_STRING, "mailvet", 0, 0, NULL, "text" },
	{ "relays", MV_SETTING_LIST, "", 0, 0, NULL, "a list" },
	{ "networks", MV_SETTING_LIST, "127.0.0.0/8, [::1]/128", 0, 0, NULL, "a list with a default" },
	{ "action", MV_SETTING_ENUM, "tempfail", 0, 0, "accept|reject|tempfail", "what to do" },
};

static const struct mv_setting_def dns_defs[] = {
	{ "dns_timeout", MV_SETTING_TIME, "5s", 0, 0, NULL, "a second table" },
};

static const struct mv_setting_table tables[] = {
	{ "scan", scan_defs, sizeof(scan_defs) / sizeof(scan_defs[0]) },
	{ "dns", dns_defs, 1 },
};

static const char *const keywords[] = { "score", "group", NULL };

static char tmpdir[64];

static struct mv_config *new_config(void)
{
	return mv_config_new(tables, 2, keywords);
}

/* Reads `text` as mailvet.conf into a fresh configuration; NULL (and a message on stderr) when it fails. */
static struct mv_config *load(const char *text)
{
	struct mv_config *cfg = new_config();
	char *error = NULL;

	if (mv_config_read_text(cfg, "mailvet.conf", text, strlen(text), &error) != 0) {
		fprintf(stderr, "  unexpected error: %s\n", error);
		free(error);
		mv_config_unref(&cfg);
	}
	return cfg;
}

/* Reading `text` must fail with exactly `expected`. */
static void check_error(const char *text, const char *expected)
{
	struct mv_config *cfg = new_config();
	char *error = NULL;
	int r = mv_config_read_text(cfg, "mailvet.conf", text, strlen(text), &error);

	CHECK_INT(r, -1);
	CHECK(error != NULL && strcmp(error, expected) == 0);
	if (error == NULL || strcmp(error, expected) != 0)
		fprintf(stderr, "  got:      %s\n  expected: %s\n", error != NULL ? error : "(null)", expected);
	free(error);
	mv_config_unref(&cfg);
}

static char *path_in_tmp(const char *name)
{
	char *path = NULL;

	if (asprintf(&path, "%s/%s", tmpdir, name) < 0)
		abort();
	return path;
}

static char *write_tmp(const char *name, const char *content, size_t len)
{
	char *path = path_in_tmp(name);
	FILE *f = fopen(path, "w");

	if (f == NULL || fwrite(content, 1, len, f) != len || fclose(f) != 0)
		abort();
	return path;
}

/* A sparse file of `size` bytes: as large as asked, no disk used. */
static char *sparse_tmp(const char *name, off_t size)
{
	char *path = path_in_tmp(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || ftruncate(fd, size) != 0 || close(fd) != 0)
		abort();
	return path;
}

static char *dump(const struct mv_config *cfg, enum mv_config_dump what)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK_INT(mv_config_dump(cfg, what, f), 0);
	fclose(f);
	return text;
}

static void check_list(const struct mv_config *cfg, const char *name, const char *const *expected)
{
	size_t n, i, want = 0;
	const char *const *items = mv_config_list(cfg, name, &n);

	while (expected[want] != NULL)
		want++;
	CHECK_INT(n, want);
	for (i = 0; i < n && i < want; i++) {
		CHECK(strcmp(items[i], expected[i]) == 0);
		if (strcmp(items[i], expected[i]) != 0)
			fprintf(stderr, "  item %zu: '%s', expected '%s'\n", i, items[i], expected[i]);
	}
	CHECK(items[n] == NULL);
}

static void test_config_defaults_without_a_file(void)
{
	struct mv_config *cfg = new_config();
	static const char *const networks[] = { "127.0.0.0/8", "[::1]/128", NULL };
	static const char *const none[] = { NULL };

	CHECK(mv_config_bool(cfg, "enabled"));
	CHECK_INT(mv_config_uint(cfg, "max_urls"), 1000);
	CHECK_INT(mv_config_uint(cfg, "max_bytes"), 64 << 20);
	CHECK(mv_config_number(cfg, "threshold") == 5.0);
	CHECK(mv_config_number(cfg, "weight") == -0.5);
	CHECK_INT(mv_config_time_ms(cfg, "timeout"), 10000);
	CHECK_INT(mv_config_time_ms(cfg, "interval"), 1500);
	CHECK_INT(mv_config_time_ms(cfg, "dns_timeout"), 5000);
	CHECK(strcmp(mv_config_string(cfg, "banner"), "mailvet") == 0);
	CHECK(strcmp(mv_config_string(cfg, "action"), "tempfail") == 0);
	check_list(cfg, "networks", networks);
	check_list(cfg, "relays", none);
	CHECK(!mv_config_is_set(cfg, "banner"));
	CHECK(mv_config_path(cfg) == NULL);
	mv_config_unref(&cfg);
	CHECK(cfg == NULL);
	mv_config_unref(&cfg);
}

static void test_config_bool_values(void)
{
	static const char *const yes[] = { "yes", "YES", "true", "True", "on", "1" };
	static const char *const no[] = { "no", "No", "false", "FALSE", "off", "0" };
	char line[64];
	struct mv_config *cfg;
	size_t i;

	for (i = 0; i < 6; i++) {
		snprintf(line, sizeof(line), "enabled = %s", no[i]);
		cfg = load(line);
		CHECK(cfg != NULL && !mv_config_bool(cfg, "enabled"));
		mv_config_unref(&cfg);
		snprintf(line, sizeof(line), "enabled = no\nenabled = %s", yes[i]);
		cfg = load(line);
		CHECK(cfg != NULL && mv_config_bool(cfg, "enabled"));
		mv_config_unref(&cfg);
	}
	check_error("enabled = maybe",
		    "mailvet.conf:1: enabled = 'maybe': not a boolean (yes or no, true or false, on or off, 1 or 0)");
	check_error("enabled =", "mailvet.conf:1: enabled = '': not a boolean (yes or no, true or false, on or off, 1 or 0)");
	check_error("enabled = yes no",
		    "mailvet.conf:1: enabled = 'yes no': not a boolean (yes or no, true or false, on or off, 1 or 0)");
}

static void test_config_uint_values_and_bounds(void)
{
	static const struct {
		const char *text;
		uint64_t value;
	} good[] = {
		{ "max_bytes = 0", 0 }, { "max_bytes = 17", 17 }, { "max_bytes = 1K", 1024 },
		{ "max_bytes = 2k", 2048 }, { "max_bytes = 64M", 64 << 20 }, { "max_bytes = 3G", 3ULL << 30 },
		{ "max_bytes = 007", 7 }, { "max_bytes = 18446744073709551615", UINT64_MAX },
		{ "max_bytes = 17179869183G", 17179869183ULL << 30 },
	};
	struct mv_config *cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cfg = load(good[i].text);
		CHECK(cfg != NULL && mv_config_uint(cfg, "max_bytes") == good[i].value);
		mv_config_unref(&cfg);
	}
	cfg = load("max_urls = 1\n");
	CHECK(cfg != NULL && mv_config_uint(cfg, "max_urls") == 1);
	mv_config_unref(&cfg);
	cfg = load("max_urls = 10000000\n");
	CHECK(cfg != NULL && mv_config_uint(cfg, "max_urls") == 10000000);
	mv_config_unref(&cfg);
	check_error("\n\n\n\n\n\nmax_urls = lots",
		    "mailvet.conf:7: max_urls = 'lots': not a number "
		    "(digits with an optional K, M or G, from 1 to 10000000)");
	check_error("max_urls = 10000001",
		    "mailvet.conf:1: max_urls = '10000001': too large "
		    "(digits with an optional K, M or G, from 1 to 10000000)");
	check_error("max_urls = 0",
		    "mailvet.conf:1: max_urls = '0': too small (digits with an optional K, M or G, from 1 to 10000000)");
	check_error("max_bytes = 18446744073709551616",
		    "mailvet.conf:1: max_bytes = '18446744073709551616': too large (digits with an optional K, M or G)");
	check_error("max_bytes = 17179869184G",
		    "mailvet.conf:1: max_bytes = '17179869184G': too large (digits with an optional K, M or G)");
	check_error("max_bytes = -1", "mailvet.conf:1: max_bytes = '-1': not a number (digits with an optional K, M or G)");
	check_error("max_bytes = 1KB", "mailvet.conf:1: max_bytes = '1KB': not a number (digits with an optional K, M or G)");
	check_error("max_bytes = 1.5M", "mailvet.conf:1: max_bytes = '1.5M': not a number (digits with an optional K, M or G)");
	check_error("max_bytes = 0x10", "mailvet.conf:1: max_bytes = '0x10': not a number (digits with an optional K, M or G)");
	check_error("max_bytes =", "mailvet.conf:1: max_bytes = '': not a number (digits with an optional K, M or G)");
}

static void test_config_number_values_and_bounds(void)
{
	static const struct {
		const char *text;
		double value;
	} good[] = {
		{ "threshold = 2.5", 2.5 }, { "threshold = -1", -1 }, { "threshold = +3", 3 },
		{ "threshold = .5", 0.5 }, { "threshold = 1e2", 100 }, { "threshold = -100", -100 },
		{ "weight = -1e300", -1e300 },
	};
	struct mv_config *cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cfg = load(good[i].text);
		CHECK(cfg != NULL && mv_config_number(cfg, good[i].text[0] == 't' ? "threshold" : "weight") ==
				     good[i].value);
		mv_config_unref(&cfg);
	}
	check_error("threshold = 100.5", "mailvet.conf:1: threshold = '100.5': too large "
		    "(a decimal number such as 2.5 or -1, from -100 to 100)");
	check_error("threshold = -101", "mailvet.conf:1: threshold = '-101': too small "
		    "(a decimal number such as 2.5 or -1, from -100 to 100)");
	check_error("weight = abc", "mailvet.conf:1: weight = 'abc': not a number (a decimal number such as 2.5 or -1)");
	check_error("weight = inf", "mailvet.conf:1: weight = 'inf': not a number (a decimal number such as 2.5 or -1)");
	check_error("weight = -nan", "mailvet.conf:1: weight = '-nan': not a number (a decimal number such as 2.5 or -1)");
	check_error("weight = 0x1p3", "mailvet.conf:1: weight = '0x1p3': not a number (a decimal number such as 2.5 or -1)");
	check_error("weight = 1,5", "mailvet.conf:1: weight = '1,5': not a number (a decimal number such as 2.5 or -1)");
	check_error("weight = 1e999",
		    "mailvet.conf:1: weight = '1e999': not a finite number (a decimal number such as 2.5 or -1)");
}

static void test_config_time_values_and_bounds(void)
{
	static const struct {
		const char *text;
		uint64_t ms;
	} good[] = {
		{ "interval = 250ms", 250 }, { "interval = 10s", 10000 }, { "interval = 5m", 300000 },
		{ "interval = 2h", 7200000 }, { "interval = 7d", 604800000 }, { "interval = 1w", 604800000 },
		{ "interval = 10", 10000 }, { "interval = 1.5s", 1500 }, { "interval = 1.5", 1500 },
		{ "interval = 0.5m", 30000 }, { "interval = 0", 0 }, { "interval = 0.0004s", 0 },
		{ "interval = 2.5ms", 3 }, { "timeout = 1s", 1000 }, { "timeout = 1h", 3600000 },
	};
	struct mv_config *cfg;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cfg = load(good[i].text);
		CHECK(cfg != NULL && mv_config_time_ms(cfg, good[i].text[0] == 'i' ? "interval" : "timeout") ==
				     good[i].ms);
		if (cfg == NULL || mv_config_time_ms(cfg, good[i].text[0] == 'i' ? "interval" : "timeout") != good[i].ms)
			fprintf(stderr, "  for %s\n", good[i].text);
		mv_config_unref(&cfg);
	}
#define TIME_ACCEPTS "a number followed by ms, s, m, h, d or w, or a number of seconds"
	check_error("timeout = 2h", "mailvet.conf:1: timeout = '2h': too large (" TIME_ACCEPTS ", from 1s to 1h)");
	check_error("timeout = 999ms", "mailvet.conf:1: timeout = '999ms': too small (" TIME_ACCEPTS ", from 1s to 1h)");
	check_error("interval = 5x", "mailvet.conf:1: interval = '5x': not a duration (" TIME_ACCEPTS ")");
	check_error("interval = -1s", "mailvet.conf:1: interval = '-1s': not a duration (" TIME_ACCEPTS ")");
	check_error("interval = 5 s", "mailvet.conf:1: interval = '5 s': not a duration (" TIME_ACCEPTS ")");
	check_error("interval = 5S", "mailvet.conf:1: interval = '5S': not a duration (" TIME_ACCEPTS ")");
	check_error("interval = 1.s", "mailvet.conf:1: interval = '1.s': not a duration (" TIME_ACCEPTS ")");
	check_error("interval = s", "mailvet.conf:1: interval = 's': not a duration (" TIME_ACCEPTS ")");
	check_error("interval = 30500000000000w",
		    "mailvet.conf:1: interval = '30500000000000w': too large (" TIME_ACCEPTS ")");
}

static void test_config_string_enum_and_literal_bytes(void)
{
	struct mv_config *cfg = load("banner =   hello # not a comment $myhostname  \naction = reject\n");

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK(strcmp(mv_config_string(cfg, "banner"), "hello # not a comment $myhostname") == 0);
	CHECK(strcmp(mv_config_string(cfg, "action"), "reject") == 0);
	mv_config_unref(&cfg);
	cfg = load("banner =");
	CHECK(cfg != NULL && strcmp(mv_config_string(cfg, "banner"), "") == 0 && mv_config_is_set(cfg, "banner"));
	mv_config_unref(&cfg);
	check_error("action = fast", "mailvet.conf:1: action = 'fast': not a choice (one of: accept, reject, tempfail)");
	check_error("action = Reject", "mailvet.conf:1: action = 'Reject': not a choice (one of: accept, reject, tempfail)");
	check_error("action = reject|accept",
		    "mailvet.conf:1: action = 'reject|accept': not a choice (one of: accept, reject, tempfail)");
}

static void test_config_list_splitting(void)
{
	static const char *const items[] = { "a", "b", "c", "d", "e#f", NULL };
	struct mv_config *cfg = load("relays = ,a, b,,c \t d ,e#f,");

	CHECK(cfg != NULL);
	if (cfg != NULL)
		check_list(cfg, "relays", items);
	mv_config_unref(&cfg);
	cfg = load("networks =");
	CHECK(cfg != NULL && mv_config_is_set(cfg, "networks"));
	if (cfg != NULL)
		check_list(cfg, "networks", (const char *const[]){ NULL });
	mv_config_unref(&cfg);
}

static void test_config_continuation_lines_join_with_one_space(void)
{
	static const char *const items[] = { "a", "b", "c", "d", NULL };
	struct mv_config *cfg = load("relays = a,\n    b\n\tc,  \n d\nbanner = one  \n  two\t\n\t three\r\nmax_urls = 5\r\n");

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	check_list(cfg, "relays", items);
	CHECK(strcmp(mv_config_string(cfg, "banner"), "one two three") == 0);
	CHECK_INT(mv_config_uint(cfg, "max_urls"), 5);
	mv_config_unref(&cfg);
	/* The line of a value that spans lines is its first. */
	check_error("banner = x\nmax_urls =\n  lots\n",
		    "mailvet.conf:2: max_urls = 'lots': not a number (digits with an optional K, M or G, from 1 to 10000000)");
}

static void test_config_continuation_without_a_line_before(void)
{
	check_error("  max_urls = 5", "mailvet.conf:1: this line starts with white space, so it continues the line "
		    "before, but it is the first line");
	check_error("max_urls = 5\n# comment\n  6", "mailvet.conf:3: this line starts with white space, so it "
		    "continues the line before, but the line before is a comment");
	check_error("max_urls = 5\n   # indented comment\n\t6", "mailvet.conf:3: this line starts with white space, "
		    "so it continues the line before, but the line before is a comment");
	check_error("max_urls = 5\n\n  6", "mailvet.conf:3: this line starts with white space, so it continues the "
		    "line before, but the line before is blank");
	check_error("max_urls = 5\n \t \n  6", "mailvet.conf:3: this line starts with white space, so it continues "
		    "the line before, but the line before is blank");
}

static void test_config_comments_and_blank_lines(void)
{
	struct mv_config *cfg = load("# a comment\n\n   # indented comment = x\n\t\nmax_urls = 7\n# max_urls = 8\n");

	CHECK(cfg != NULL && mv_config_uint(cfg, "max_urls") == 7);
	mv_config_unref(&cfg);
	cfg = load("");
	CHECK(cfg != NULL && !mv_config_is_set(cfg, "max_urls"));
	mv_config_unref(&cfg);
	check_error("# one\n\n# three\nfoo = 1\n", "mailvet.conf:4: unknown setting 'foo'");
}

static void test_config_later_assignment_wins(void)
{
	static const char *const items[] = { "c", NULL };
	struct mv_config *cfg = load("max_urls = 5\nrelays = a, b\nmax_urls = 7\nrelays = c\n");
	char *error = NULL;

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_INT(mv_config_uint(cfg, "max_urls"), 7);
	check_list(cfg, "relays", items);
	/* A bad value leaves the one before in place. */
	CHECK_INT(mv_config_set(cfg, "max_urls = many", &error), -1);
	free(error);
	CHECK_INT(mv_config_uint(cfg, "max_urls"), 7);
	mv_config_unref(&cfg);
}

static void test_config_unknown_settings_and_syntax(void)
{
	check_error("foo = 1", "mailvet.conf:1: unknown setting 'foo'");
	check_error("max_url = 1", "mailvet.conf:1: unknown setting 'max_url' (did you mean 'max_urls'?)");
	check_error("mx_ursl = 1", "mailvet.conf:1: unknown setting 'mx_ursl' (did you mean 'max_urls'?)");
	check_error("Max_Urls = 1", "mailvet.conf:1: unknown setting 'Max_Urls' (did you mean 'max_urls'?)");
	check_error("MAX_URLS = 1", "mailvet.conf:1: unknown setting 'MAX_URLS'");
	check_error("Max_urls = 1", "mailvet.conf:1: unknown setting 'Max_urls' (did you mean 'max_urls'?)");
	check_error("timeuot = 1", "mailvet.conf:1: unknown setting 'timeuot' (did you mean 'timeout'?)");
	check_error("score = 1", "mailvet.conf:1: unknown setting 'score' ('score' is a directive: 'score KEY = value')");
	check_error("banner", "mailvet.conf:1: 'banner': expected 'name = value' or 'KEYWORD KEY = value'");
	check_error("= x", "mailvet.conf:1: '= x': expected 'name = value' or 'KEYWORD KEY = value'");
	check_error("a b c = d", "mailvet.conf:1: 'a b c = d': expected 'name = value' or 'KEYWORD KEY = value'");
	check_error("max_urls = 5\nbanner\x01x = 1",
		    "mailvet.conf:2: unknown setting 'banner\\x01x' (did you mean 'banner'?)");
	{
		struct mv_config *cfg = new_config();
		char *error = NULL;

		CHECK_INT(mv_config_read_text(cfg, "mailvet.conf", "banner = a\nb\0c = 1\n", 18, &error), -1);
		CHECK(error != NULL && strcmp(error, "mailvet.conf:2: a NUL byte in the line") == 0);
		free(error);
		mv_config_unref(&cfg);
	}
}

static void test_config_keyed_directives(void)
{
	struct mv_config *cfg = load("score HTML_SCRIPT = 2.5\nmax_urls = 3\ngroup phish =  a b\n"
				     "score\tX_1\t=\n  continued # here\n");
	const struct mv_config_directive *d;
	size_t n = 0;

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	d = mv_config_directives(cfg, &n);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK(strcmp(d[0].keyword, "score") == 0 && strcmp(d[0].key, "HTML_SCRIPT") == 0 &&
		      strcmp(d[0].value, "2.5") == 0 && strcmp(d[0].file, "mailvet.conf") == 0 && d[0].line == 1);
		CHECK(strcmp(d[1].keyword, "group") == 0 && strcmp(d[1].key, "phish") == 0 &&
		      strcmp(d[1].value, "a b") == 0 && d[1].line == 3);
		CHECK(strcmp(d[2].key, "X_1") == 0 && strcmp(d[2].value, "continued # here") == 0 && d[2].line == 4);
	}
	mv_config_unref(&cfg);
	check_error("rule X = 1", "mailvet.conf:1: 'rule' is not a directive keyword (allowed: score, group)");
	check_error("max_urls X = 1", "mailvet.conf:1: 'max_urls' is not a directive keyword (allowed: score, group)");
	check_error("score X-Y = 1", "mailvet.conf:1: score 'X-Y': the key is not letters, digits and '_'");
	check_error("score X", "mailvet.conf:1: 'score X': expected 'name = value' or 'KEYWORD KEY = value'");

	cfg = mv_config_new(tables, 2, NULL);
	{
		char *error = NULL;
		static const char text[] = "score X = 1";

		CHECK_INT(mv_config_read_text(cfg, "x.conf", text, sizeof(text) - 1, &error), -1);
		CHECK(error != NULL &&
		      strcmp(error, "x.conf:1: 'score' is not a directive keyword (no directives are allowed here)") == 0);
		free(error);
		CHECK_INT(mv_config_read_text(cfg, "x.conf", "banner", 6, &error), -1);
		CHECK(error != NULL && strcmp(error, "x.conf:1: 'banner': expected 'name = value'") == 0);
		free(error);
	}
	mv_config_unref(&cfg);
}

static void test_config_map_files(void)
{
	static const char map[] = "# relays we trust\n\n  a1, a2\nb1 b2  # not a comment\n\t# indented comment\n"
				  "/not/a/map\nfile:nor-this\n";
	static const char *const items[] = { "x", "a1", "a2", "b1", "b2", "#", "not", "a", "comment",
					     "/not/a/map", "file:nor-this", "y", NULL };
	char *map_path = write_tmp("relays.map", map, sizeof(map) - 1);
	char *conf_text = NULL, *conf_path, *error = NULL;
	struct mv_config *cfg;

	if (asprintf(&conf_text, "relays = x, %s, y\n", map_path) < 0)
		abort();
	cfg = load(conf_text);
	CHECK(cfg != NULL);
	if (cfg != NULL)
		check_list(cfg, "relays", items);
	mv_config_unref(&cfg);
	free(conf_text);

	/* file: relative to the configuration file's directory, not the current one */
	conf_path = write_tmp("mailvet.conf", "relays = x,\n file:relays.map\n  y\n", 33);
	cfg = new_config();
	CHECK_INT(mv_config_read_file(cfg, conf_path, true, &error), 0);
	CHECK(error == NULL);
	check_list(cfg, "relays", items);
	CHECK(mv_config_path(cfg) != NULL && strcmp(mv_config_path(cfg), conf_path) == 0);
	mv_config_unref(&cfg);
	/* mv_config_read_text takes the base from the name it is given */
	cfg = new_config();
	CHECK_INT(mv_config_read_text(cfg, conf_path, "relays = x file:relays.map y",
				      strlen("relays = x file:relays.map y"), &error), 0);
	check_list(cfg, "relays", items);
	mv_config_unref(&cfg);
	cfg = new_config();
	if (asprintf(&conf_text, "relays = x file:%s y", map_path) < 0)
		abort();
	CHECK_INT(mv_config_read_text(cfg, "elsewhere/mailvet.conf", conf_text, strlen(conf_text), &error), 0);
	check_list(cfg, "relays", items);
	free(conf_text);
	mv_config_unref(&cfg);
	free(conf_path);
	free(map_path);
}

static void test_config_map_file_errors(void)
{
	char *conf_text = NULL, *expected = NULL;
	char *nul_map = write_tmp("nul.map", "a\nb\0c\n", 6);

	if (asprintf(&conf_text, "max_urls = 1\nrelays = a\n  %s/missing.map\n", tmpdir) < 0 ||
	    asprintf(&expected, "mailvet.conf:2: relays: map file '%s/missing.map': No such file or directory",
		     tmpdir) < 0)
		abort();
	check_error(conf_text, expected);
	free(conf_text);
	free(expected);
	if (asprintf(&conf_text, "relays = file:%s\n", tmpdir) < 0 ||
	    asprintf(&expected, "mailvet.conf:1: relays: map file '%s': not a regular file", tmpdir) < 0)
		abort();
	check_error(conf_text, expected);
	free(conf_text);
	free(expected);
	check_error("relays = /dev/null", "mailvet.conf:1: relays: map file '/dev/null': not a regular file");
	if (asprintf(&conf_text, "\nrelays = %s\n", nul_map) < 0 ||
	    asprintf(&expected, "mailvet.conf:2: relays: map file '%s' line 2: a NUL byte", nul_map) < 0)
		abort();
	check_error(conf_text, expected);
	free(conf_text);
	free(expected);
	check_error("relays = a file: b", "mailvet.conf:1: relays = 'file:': no map file name after 'file:'");
	/* relative to the current directory, which is tests/ under ctest, and no such file there */
	{
		struct mv_config *cfg = new_config();
		char *error = NULL;

		CHECK_INT(mv_config_set(cfg, "relays = file:no-such-map-here", &error), -1);
		CHECK(error != NULL &&
		      strcmp(error, "-o:1: relays: map file 'no-such-map-here': No such file or directory") == 0);
		free(error);
		mv_config_unref(&cfg);
	}
	free(nul_map);
}

static void test_config_read_file_must_exist(void)
{
	char *missing = path_in_tmp("no-such.conf"), *expected = NULL;
	struct mv_config *cfg = new_config();
	char *error = NULL;

	CHECK_INT(mv_config_read_file(cfg, missing, false, &error), 0);
	CHECK(error == NULL);
	CHECK(mv_config_path(cfg) == NULL);
	CHECK_INT(mv_config_read_file(cfg, missing, true, &error), -1);
	if (asprintf(&expected, "%s: No such file or directory", missing) < 0)
		abort();
	CHECK(error != NULL && strcmp(error, expected) == 0);
	free(error);
	free(expected);
	/* not being able to read it is an error even when it need not exist */
	CHECK_INT(mv_config_read_file(cfg, tmpdir, false, &error), -1);
	if (asprintf(&expected, "%s: Is a directory", tmpdir) < 0)
		abort();
	CHECK(error != NULL && strcmp(error, expected) == 0);
	free(error);
	free(expected);
	mv_config_unref(&cfg);
	free(missing);
}

static void test_config_set_option(void)
{
	struct mv_config *cfg = load("max_urls = 5\n");
	const struct mv_config_directive *d;
	char *error = NULL;
	unsigned line = 0;
	size_t n;

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK(strcmp(mv_config_where(cfg, "max_urls", &line), "mailvet.conf") == 0 && line == 1);
	CHECK(mv_config_where(cfg, "banner", &line) == NULL && line == 0);
	CHECK_INT(mv_config_set(cfg, "  max_urls=9  ", &error), 0);
	CHECK_INT(mv_config_uint(cfg, "max_urls"), 9);
	CHECK(strcmp(mv_config_where(cfg, "max_urls", &line), "-o") == 0 && line == 1);
	CHECK_INT(mv_config_set(cfg, "max_urls = lots", &error), -1);
	CHECK(error != NULL && strcmp(error, "-o:2: max_urls = 'lots': not a number "
				      "(digits with an optional K, M or G, from 1 to 10000000)") == 0);
	free(error);
	CHECK_INT(mv_config_set(cfg, "score SPF_FAIL = 3", &error), 0);
	d = mv_config_directives(cfg, &n);
	CHECK(n == 1 && strcmp(d[0].file, "-o") == 0 && d[0].line == 3 && strcmp(d[0].value, "3") == 0);
	CHECK_INT(mv_config_set(cfg, "banner = a\nmax_urls = 1", &error), -1);
	CHECK(error != NULL && strcmp(error, "-o:4: a newline in the assignment") == 0);
	free(error);
	CHECK_INT(mv_config_set(cfg, "nope = 1", &error), -1);
	CHECK(error != NULL && strcmp(error, "-o:5: unknown setting 'nope'") == 0);
	free(error);
	mv_config_finish(cfg);
	CHECK_INT(mv_config_set(cfg, "max_urls = 3", &error), -1);
	CHECK(error != NULL && strstr(error, "finished") != NULL);
	free(error);
	CHECK_INT(mv_config_read_text(cfg, "x", "", 0, &error), -1);
	free(error);
	CHECK_INT(mv_config_uint(cfg, "max_urls"), 9);
	mv_config_unref(&cfg);
}

static void test_config_getters_of_other_types(void)
{
	struct mv_config *cfg = new_config();
	size_t n = 7;

	CHECK(!mv_config_bool(cfg, "max_urls"));
	CHECK_INT(mv_config_uint(cfg, "enabled"), 0);
	CHECK_INT(mv_config_uint(cfg, "timeout"), 0);
	CHECK_INT(mv_config_time_ms(cfg, "max_urls"), 0);
	CHECK(mv_config_number(cfg, "nothing") == 0);
	CHECK(strcmp(mv_config_string(cfg, "relays"), "") == 0);
	CHECK(strcmp(mv_config_string(cfg, "nothing"), "") == 0);
	CHECK(mv_config_list(cfg, "banner", &n)[0] == NULL && n == 0);
	CHECK(!mv_config_is_set(cfg, "nothing"));
	mv_config_unref(&cfg);
}

static void test_config_dump_modes(void)
{
	char *map_path = write_tmp("dump.map", "m1\nm2\n", 6);
	char *text = NULL, *out, *again;
	struct mv_config *cfg, *cfg2;
	char *error = NULL;

	if (asprintf(&text, "score B = 1\nrelays = a,b\n  %s  c\nbanner =\nmax_urls = 5\n"
		     "group G = x y\ntimeout = 1.5s\nscore B = 2\n", map_path) < 0)
		abort();
	cfg = load(text);
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_INT(mv_config_set(cfg, "enabled = off", &error), 0);
	out = dump(cfg, MV_CONFIG_DUMP_SET);
	free(text);
	if (asprintf(&text, "enabled = off\nmax_urls = 5\ntimeout = 1.5s\nbanner =\nrelays = a, b, %s, c\n"
		     "score B = 1\ngroup G = x y\nscore B = 2\n", map_path) < 0)
		abort();
	CHECK(strcmp(out, text) == 0);
	if (strcmp(out, text) != 0)
		fprintf(stderr, "  got:\n%s  expected:\n%s", out, text);
	/* the dump reads back as the same configuration */
	cfg2 = load(out);
	CHECK(cfg2 != NULL);
	if (cfg2 != NULL) {
		again = dump(cfg2, MV_CONFIG_DUMP_SET);
		CHECK(strcmp(again, out) == 0);
		CHECK_INT(mv_config_list(cfg2, "relays", &(size_t){ 0 }) != NULL, 1);
		free(again);
	}
	mv_config_unref(&cfg2);
	free(out);
	free(text);

	out = dump(cfg, MV_CONFIG_DUMP_ALL);
	if (asprintf(&text, "enabled = off\nmax_urls = 5\nmax_bytes = 64M\nthreshold = 5\nweight = -0.5\n"
		     "timeout = 1.5s\ninterval = 1.5\nbanner =\nrelays = a, b, %s, c\n"
		     "networks = 127.0.0.0/8, [::1]/128\naction = tempfail\ndns_timeout = 5s\n"
		     "score B = 1\ngroup G = x y\nscore B = 2\n", map_path) < 0)
		abort();
	CHECK(strcmp(out, text) == 0);
	if (strcmp(out, text) != 0)
		fprintf(stderr, "  got:\n%s  expected:\n%s", out, text);
	free(out);
	free(text);

	out = dump(cfg, MV_CONFIG_DUMP_DEFAULTS);
	text = "enabled = yes\nmax_urls = 1000\nmax_bytes = 64M\nthreshold = 5\nweight = -0.5\n"
	       "timeout = 10s\ninterval = 1.5\nbanner = mailvet\nrelays =\n"
	       "networks = 127.0.0.0/8, [::1]/128\naction = tempfail\ndns_timeout = 5s\n";
	CHECK(strcmp(out, text) == 0);
	if (strcmp(out, text) != 0)
		fprintf(stderr, "  got:\n%s  expected:\n%s", out, text);
	free(out);
	mv_config_unref(&cfg);
	free(map_path);
}

static void test_config_dump_write_error(void)
{
	struct mv_config *cfg = new_config();
	FILE *f = fopen("/dev/full", "w");

	if (f == NULL)
		return;
	CHECK_INT(mv_config_dump(cfg, MV_CONFIG_DUMP_ALL, f), -1);
	fclose(f);
	mv_config_unref(&cfg);
}

static void test_config_size_bounds(void)
{
	size_t big = ((size_t)64 << 20) + 1, n;
	char *text = malloc(big + 1), *path, *expected = NULL, *error = NULL, *conf = NULL;
	struct mv_config *cfg = new_config();

	/* text over 64 MiB: refused whole, not read in part */
	memset(text, '\n', big);
	text[big] = '\0';
	CHECK_INT(mv_config_read_text(cfg, "big.conf", text, big, &error), -1);
	CHECK(error != NULL && strcmp(error, "big.conf: larger than 64 MiB") == 0);
	free(error);
	/* exactly 64 MiB is fine */
	CHECK_INT(mv_config_read_text(cfg, "big.conf", text, big - 1, &error), 0);
	path = sparse_tmp("big.conf", (off_t)big);
	CHECK_INT(mv_config_read_file(cfg, path, true, &error), -1);
	if (asprintf(&expected, "%s: larger than 64 MiB", path) < 0)
		abort();
	CHECK(error != NULL && strcmp(error, expected) == 0);
	free(error);
	free(expected);
	/* a map file over 64 MiB */
	if (asprintf(&conf, "\n\nrelays = a %s", path) < 0 || asprintf(&expected, "mailvet.conf:3: relays: map file "
									 "'%s': larger than 64 MiB", path) < 0)
		abort();
	check_error(conf, expected);
	free(conf);
	free(expected);
	free(path);
	/* a map file of exactly 64 MiB (comments) is read; four of them are too many in all */
	memset(text, '#', big - 1);
	text[big - 2] = '\n';
	path = write_tmp("comments.map", text, big - 1);
	if (asprintf(&conf, "relays = %s, x\nnetworks = %s %s %s %s", path, path, path, path, path) < 0 ||
	    asprintf(&expected, "mailvet.conf:2: networks: map file '%s': more than 256 MiB of map files in all",
		     path) < 0)
		abort();
	CHECK_INT(mv_config_read_text(cfg, "mailvet.conf", conf, strlen(conf), &error), -1);
	CHECK(error != NULL && strcmp(error, expected) == 0);
	free(error);
	CHECK_INT(mv_config_list(cfg, "relays", &n) != NULL, 1);
	CHECK_INT(n, 1);
	unlink(path);
	free(conf);
	free(expected);
	free(path);
	mv_config_unref(&cfg);

	/* a logical line: 1 MiB with its continuation lines, not more */
	memset(text, 'x', ((size_t)1 << 20) + 8);
	memcpy(text, "banner = ", 9);
	memcpy(text + 1000, "\n ", 2);
	memcpy(text + ((size_t)1 << 20), "y\n", 3);
	cfg = load(text);
	CHECK(cfg != NULL && strlen(mv_config_string(cfg, "banner")) == ((size_t)1 << 20) - 9);
	mv_config_unref(&cfg);
	memcpy(text + ((size_t)1 << 20), "yy\n", 4);
	check_error(text, "mailvet.conf:1: a line longer than 1 MiB (continuation lines included)");
	memcpy(text, "\nbanner = ", 10);
	memcpy(text + ((size_t)1 << 20), "yyyy\n", 6);
	check_error(text, "mailvet.conf:2: a line longer than 1 MiB (continuation lines included)");
	free(text);
}

static void test_config_list_item_bound(void)
{
	size_t lines = 1000000, i, n;
	char *map = malloc(lines * 2), *path, *conf = NULL, *error = NULL;
	struct mv_config *cfg;

	for (i = 0; i < lines; i++)
		memcpy(map + 2 * i, "a\n", 2);
	path = write_tmp("million.map", map, lines * 2);
	free(map);
	/* ten maps of a million: the bound exactly */
	if (asprintf(&conf, "relays = %s %s %s %s %s %s %s %s %s %s", path, path, path, path, path, path, path, path,
		     path, path) < 0)
		abort();
	cfg = load(conf);
	CHECK(cfg != NULL && mv_config_list(cfg, "relays", &n) != NULL && n == 10000000);
	/* a list that replaces it may have as many; one more item anywhere is too many */
	CHECK_INT(mv_config_read_text(cfg, "mailvet.conf", conf, strlen(conf), &error), 0);
	CHECK_INT(mv_config_set(cfg, "networks = x", &error), -1);
	CHECK(error != NULL && strcmp(error, "-o:1: networks: more than 10000000 list items in the configuration") == 0);
	free(error);
	free(conf);
	if (asprintf(&conf, "relays = x %s %s %s %s %s %s %s %s %s %s", path, path, path, path, path, path, path, path,
		     path, path) < 0)
		abort();
	CHECK_INT(mv_config_read_text(cfg, "mailvet.conf", conf, strlen(conf), &error), -1);
	free(conf);
	if (asprintf(&conf, "mailvet.conf:1: relays: more than 10000000 list items in the configuration "
		     "(map file '%s' line 1000000)", path) < 0)
		abort();
	CHECK(error != NULL && strcmp(error, conf) == 0);
	free(error);
	free(conf);
	mv_config_unref(&cfg);
	unlink(path);
	free(path);
}

static void test_config_directive_bound(void)
{
	size_t n = 1000001, i;
	char *text = malloc(n * 9 + 1), *p = text;
	struct mv_config *cfg = new_config();
	char *error = NULL;

	for (i = 0; i < n; i++, p += 9)
		memcpy(p, "score A=\n", 9);
	CHECK_INT(mv_config_read_text(cfg, "many.conf", text, n * 9, &error), -1);
	CHECK(error != NULL && strcmp(error, "many.conf:1000001: more than 1000000 directives") == 0);
	free(error);
	mv_config_directives(cfg, &i);
	CHECK_INT(i, 1000000);
	mv_config_unref(&cfg);
	free(text);
}

static const struct mv_setting_def bad_default_defs[] = {
	{ "good", MV_SETTING_UINT, "5", 0, 10, NULL, "" },
	{ "bad", MV_SETTING_UINT, "11", 0, 10, NULL, "" },
};
static const struct mv_setting_def map_default_defs[] = {
	{ "hosts", MV_SETTING_LIST, "a, /etc/hosts", 0, 0, NULL, "" },
};
static const struct mv_setting_def bad_name_defs[] = {
	{ "Bad-Name", MV_SETTING_STRING, "", 0, 0, NULL, "" },
};
static const struct mv_setting_def bad_bounds_defs[] = {
	{ "upside_down", MV_SETTING_NUMBER, "0", 5, 1, NULL, "" },
};
static const struct mv_setting_def no_choice_defs[] = {
	{ "mode", MV_SETTING_ENUM, "", 0, 0, NULL, "" },
};
static const struct mv_setting_def twice_defs[] = {
	{ "banner", MV_SETTING_STRING, "", 0, 0, NULL, "" },
};

static void check_schema(const struct mv_setting_def *defs, size_t n, const char *const *kw, const char *expected)
{
	struct mv_setting_table t[2] = { { "scan", scan_defs, sizeof(scan_defs) / sizeof(scan_defs[0]) },
					 { "extra", defs, n } };
	struct mv_config *cfg;
	char *error = NULL;

	CHECK_INT(mv_config_schema_check(t, 2, kw, &error), -1);
	CHECK(error != NULL && strcmp(error, expected) == 0);
	if (error == NULL || strcmp(error, expected) != 0)
		fprintf(stderr, "  got:      %s\n  expected: %s\n", error != NULL ? error : "(null)", expected);
	free(error);
	/* and a configuration on the same tables refuses to read */
	cfg = mv_config_new(t, 2, kw);
	CHECK(cfg != NULL);
	CHECK_INT(mv_config_read_text(cfg, "x", "", 0, &error), -1);
	CHECK(error != NULL && strcmp(error, expected) == 0);
	free(error);
	CHECK_INT(mv_config_set(cfg, "banner = x", &error), -1);
	free(error);
	mv_config_unref(&cfg);
}

static void test_config_schema_errors(void)
{
	static const char *const bad_kw[] = { "Score", NULL };
	char *error = NULL;

	CHECK_INT(mv_config_schema_check(tables, 2, keywords, &error), 0);
	CHECK(error == NULL);
	check_schema(bad_default_defs, 2, NULL, "settings of module 'extra': bad = '11': too large "
		     "(digits with an optional K, M or G, from 0 to 10)");
	check_schema(map_default_defs, 1, NULL,
		     "settings of module 'extra': hosts = '/etc/hosts': a default cannot name a map file");
	check_schema(bad_name_defs, 1, NULL,
		     "settings of module 'extra': setting name 'Bad-Name' is not lower case letters, digits and '_'");
	check_schema(bad_bounds_defs, 1, NULL, "settings of module 'extra': upside_down: min 5 is above max 1");
	check_schema(no_choice_defs, 1, NULL, "settings of module 'extra': mode: an enum without choices");
	check_schema(twice_defs, 1, NULL, "setting 'banner' is declared twice");
	check_schema(NULL, 0, bad_kw, "directive keyword 'Score' is not lower case letters, digits and '_'");
}

struct reader_arg {
	struct mv_config *cfg;
	int bad;
};

static void *reader(void *p)
{
	struct reader_arg *arg = p;
	struct mv_config *cfg = arg->cfg;
	size_t n, i;

	for (i = 0; i < 20000; i++) {
		if (mv_config_uint(cfg, "max_urls") != 42 || mv_config_list(cfg, "relays", &n) == NULL || n != 2 ||
		    strcmp(mv_config_string(cfg, "banner"), "hi") != 0)
			arg->bad++;
	}
	mv_config_unref(&cfg);
	return NULL;
}

static void test_config_shared_between_threads(void)
{
	struct mv_config *cfg = load("max_urls = 42\nrelays = a b\nbanner = hi\n");
	struct reader_arg args[4];
	pthread_t th[4];
	int i;

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	mv_config_finish(cfg);
	for (i = 0; i < 4; i++) {
		/* each thread's own reference, taken before it starts */
		args[i].cfg = mv_config_ref(cfg);
		args[i].bad = 0;
		CHECK(pthread_create(&th[i], NULL, reader, &args[i]) == 0);
	}
	/* the first owner lets go while the readers still hold theirs */
	mv_config_unref(&cfg);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(args[i].bad, 0);
	}
}

static void remove_tmpdir(void)
{
	static const char *const names[] = { "relays.map", "mailvet.conf", "nul.map", "dump.map", "big.conf",
					     "comments.map", "million.map" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *path = path_in_tmp(names[i]);

		unlink(path);
		free(path);
	}
	rmdir(tmpdir);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mv-config-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_config_defaults_without_a_file);
	RUN(test_config_bool_values);
	RUN(test_config_uint_values_and_bounds);
	RUN(test_config_number_values_and_bounds);
	RUN(test_config_time_values_and_bounds);
	RUN(test_config_string_enum_and_literal_bytes);
	RUN(test_config_list_splitting);
	RUN(test_config_continuation_lines_join_with_one_space);
	RUN(test_config_continuation_without_a_line_before);
	RUN(test_config_comments_and_blank_lines);
	RUN(test_config_later_assignment_wins);
	RUN(test_config_unknown_settings_and_syntax);
	RUN(test_config_keyed_directives);
	RUN(test_config_map_files);
	RUN(test_config_map_file_errors);
	RUN(test_config_read_file_must_exist);
	RUN(test_config_set_option);
	RUN(test_config_getters_of_other_types);
	RUN(test_config_dump_modes);
	RUN(test_config_dump_write_error);
	RUN(test_config_size_bounds);
	RUN(test_config_list_item_bound);
	RUN(test_config_directive_bound);
	RUN(test_config_schema_errors);
	RUN(test_config_shared_between_threads);
	remove_tmpdir();
	return test_summary();
}
