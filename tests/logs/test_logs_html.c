/*
 * The HTML report's writer (src/cli/logs_html.c): the template is whole around
 * the document, and nothing in a hostile document can leave its data block.
 *
 * With two arguments, JSON and OUT, it writes the page for the document in
 * JSON to OUT instead: tests/logs/t_logs_html.sh makes its pages so, from a
 * fixed document, independently of what `mailvet logs` finds.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailvet/data.h"
#include "test.h"

#include "../../src/cli/logs_html.c"

/* The page for json, NUL-terminated (malloc), or NULL when the writer failed. */
static char *page_for(const char *json, size_t len, size_t *len_r)
{
	FILE *f = tmpfile();
	char *page;
	long size;

	if (f == NULL)
		return NULL;
	if (logs_html_write(f, json, len) < 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	page = malloc((size_t)size + 1);
	if (page != NULL && fread(page, 1, (size_t)size, f) != (size_t)size) {
		free(page);
		page = NULL;
	}
	if (page != NULL) {
		page[size] = '\0';
		*len_r = (size_t)size;
	}
	fclose(f);
	return page;
}

/* The bytes between the data block's tags, NUL-terminated (malloc). */
static char *data_block(const char *page)
{
	const char *open = "<script type=\"application/json\" id=\"mailvet-logs-data\">";
	const char *p = strstr(page, open), *end;
	char *block;

	if (p == NULL)
		return NULL;
	p += strlen(open);
	end = strstr(p, "</script>");
	if (end == NULL)
		return NULL;
	block = strndup(p, (size_t)(end - p));
	return block;
}

static void test_logs_html_template_is_built_in(void)
{
	mv_str tpl = mv_data_file("logs-report.html");

	CHECK(tpl.len > 1000);
	CHECK(tpl.p != NULL && memmem(tpl.p, tpl.len, LOGS_HTML_SLOT, strlen(LOGS_HTML_SLOT)) != NULL);
	CHECK(mv_data_file("no-such-file.html").p == NULL);
}

static void test_logs_html_wraps_document_whole(void)
{
	static const char json[] = "{\"accounts\":[],\"findings\":[]}\n";
	mv_str tpl = mv_data_file("logs-report.html");
	size_t len = 0;
	char *page = page_for(json, sizeof(json) - 1, &len), *block;

	CHECK(page != NULL);
	if (page == NULL)
		return;
	CHECK_INT(len, tpl.len - strlen(LOGS_HTML_SLOT) + sizeof(json) - 1);
	CHECK(strncmp(page, "<!DOCTYPE html>", 15) == 0);
	CHECK(strstr(page, "</html>") != NULL);
	CHECK(strstr(page, LOGS_HTML_SLOT) == NULL);
	block = data_block(page);
	CHECK(block != NULL && strcmp(block, json) == 0);
	free(block);
	free(page);
}

static void test_logs_html_hostile_strings_stay_data(void)
{
	static const char json[] =
		"{\"accounts\":[{\"account\":\"</script><script>alert(1)</script>\"}],"
		"\"findings\":[{\"summary\":\"<!-- a & b > c --></SCRIPT \\u003c\"}]}";
	size_t len = 0;
	char *page = page_for(json, sizeof(json) - 1, &len), *block;

	CHECK(page != NULL);
	if (page == NULL)
		return;
	block = data_block(page);
	CHECK(block != NULL);
	if (block != NULL) {
		CHECK(strpbrk(block, "<>&") == NULL);
		CHECK(strstr(block, "\"account\":\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"") != NULL);
		CHECK(strstr(block, "\\u003c!-- a \\u0026 b \\u003e c --\\u003e\\u003c/SCRIPT \\u003c\"") != NULL);
	}
	/* The page's own scripts and nothing else: two openings, two closings. */
	{
		int opens = 0, closes = 0;
		const char *p;

		for (p = page; (p = strstr(p, "<script")) != NULL; p++)
			opens++;
		for (p = page; (p = strstr(p, "</script")) != NULL; p++)
			closes++;
		CHECK_INT(opens, 2);
		CHECK_INT(closes, 2);
	}
	free(block);
	free(page);
}

static void test_logs_html_keeps_every_byte(void)
{
	/* NUL and bytes that are not UTF-8 go through untouched: the writer does not judge JSON. */
	static const char json[] = { '{', '"', 'a', '"', ':', '"', '\0', '\xff', '<', '"', '}' };
	size_t len = 0;
	char *page = page_for(json, sizeof(json), &len);
	mv_str tpl = mv_data_file("logs-report.html");

	CHECK(page != NULL);
	if (page == NULL)
		return;
	CHECK_INT(len, tpl.len - strlen(LOGS_HTML_SLOT) + sizeof(json) + 5);
	CHECK(memmem(page, len, "\"a\":\"\0\xff\\u003c\"}", 15) != NULL);
	free(page);
}

static void test_logs_html_write_error_is_reported(void)
{
	FILE *f = fopen("/dev/null", "r");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	errno = 0;
	CHECK_INT(logs_html_write(f, "{}", 2), -1);
	CHECK(errno != 0);
	fclose(f);
}

/* Files in dir, "." and ".." aside. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_logs_html_report_renames_into_place(void)
{
	char dir[] = "/tmp/test_logs_html.XXXXXX", path[64], bad[96];
	mv_logs *logs = mv_logs_new(NULL);
	struct stat st;
	mode_t old = umask(022);
	size_t len = 0;
	char *page;
	FILE *f;

	CHECK(logs != NULL && mkdtemp(dir) != NULL);
	if (logs == NULL)
		return;
	CHECK_INT(mv_logs_run(logs, NULL, NULL), 0);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	CHECK_INT(logs_html_check(path), 0);
	CHECK_INT(logs_html_report(path, logs), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
	CHECK_INT(count_files(dir), 1);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f != NULL) {
		page = malloc((size_t)st.st_size + 1);
		len = page != NULL ? fread(page, 1, (size_t)st.st_size, f) : 0;
		CHECK_INT(len, st.st_size);
		if (page != NULL) {
			page[len] = '\0';
			CHECK(strstr(page, "\"findings\":[") != NULL);
			CHECK(strstr(page, LOGS_HTML_SLOT) == NULL);
		}
		free(page);
		fclose(f);
	}
	/* A directory that does not exist: refused up front, and no page. */
	snprintf(bad, sizeof(bad), "%s/no-such-dir/report.html", dir);
	errno = 0;
	CHECK_INT(logs_html_check(bad), -1);
	CHECK_INT(errno, ENOENT);
	CHECK_INT(logs_html_report(bad, logs), -1);
	CHECK_INT(count_files(dir), 1);
	unlink(path);
	rmdir(dir);
	umask(old);
	mv_logs_free(&logs);
}

/* JSON OUT: the page for the document in JSON, written to OUT. */
static int write_page(const char *json_path, const char *out_path)
{
	FILE *in = fopen(json_path, "rb"), *out;
	char *json = NULL;
	size_t len = 0, cap = 0, n;

	if (in == NULL) {
		perror(json_path);
		return 2;
	}
	do {
		if (len == cap) {
			char *grown = realloc(json, cap = cap ? 2 * cap : 1 << 16);

			if (grown == NULL) {
				perror("realloc");
				return 1;
			}
			json = grown;
		}
		n = fread(json + len, 1, cap - len, in);
		len += n;
	} while (n > 0);
	fclose(in);
	out = fopen(out_path, "w");
	if (out == NULL || logs_html_write(out, json, len) < 0 || fclose(out) != 0) {
		perror(out_path);
		free(json);
		return 1;
	}
	free(json);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3)
		return write_page(argv[1], argv[2]);
	RUN(test_logs_html_template_is_built_in);
	RUN(test_logs_html_wraps_document_whole);
	RUN(test_logs_html_hostile_strings_stay_data);
	RUN(test_logs_html_keeps_every_byte);
	RUN(test_logs_html_write_error_is_reported);
	RUN(test_logs_html_report_renames_into_place);
	return test_summary();
}
