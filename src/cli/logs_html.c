/*
 * Writing the HTML report of `mailvet logs` (logs_html.h): the template with
 * the JSON document in its data block.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <libgen.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailvet/data.h"

#include "logs_html.h"

#define LOGS_HTML_TEMPLATE "logs-report.html"
/* Where the document goes: the content of <script type="application/json">. */
#define LOGS_HTML_SLOT "@MAILVET_LOGS_JSON@"

static int write_bytes(FILE *out, const char *p, size_t len)
{
	if (len > 0 && fwrite(p, 1, len, out) != len) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Inside <script> the HTML parser only looks for "</script" and "<!--", so a
 * document without '<' cannot end the block early; '>' and '&' go too, so that
 * the block reads the same to any parser.  In valid JSON these bytes occur only
 * inside strings, where \u003c means '<' to JSON.parse().
 */
static int write_json_escaped(FILE *out, const char *json, size_t len)
{
	size_t start = 0, i;
	const char *esc;

	for (i = 0; i < len; i++) {
		switch (json[i]) {
		case '<':
			esc = "\\u003c";
			break;
		case '>':
			esc = "\\u003e";
			break;
		case '&':
			esc = "\\u0026";
			break;
		default:
			continue;
		}
		if (write_bytes(out, json + start, i - start) < 0 || write_bytes(out, esc, 6) < 0)
			return -1;
		start = i + 1;
	}
	return write_bytes(out, json + start, len - start);
}

int logs_html_write(FILE *out, const char *json, size_t json_len)
{
	mv_str tpl = mv_data_file(LOGS_HTML_TEMPLATE);
	const char *slot;
	size_t head;

	slot = tpl.p != NULL ? memmem(tpl.p, tpl.len, LOGS_HTML_SLOT, strlen(LOGS_HTML_SLOT)) : NULL;
	if (slot == NULL) {
		errno = EINVAL;
		return -1;
	}
	head = (size_t)(slot - tpl.p);
	errno = 0;
	if (write_bytes(out, tpl.p, head) < 0 ||
	    write_json_escaped(out, json, json_len) < 0 ||
	    write_bytes(out, slot + strlen(LOGS_HTML_SLOT), tpl.len - head - strlen(LOGS_HTML_SLOT)) < 0)
		return -1;
	if (fflush(out) != 0 || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* The page for the document in doc (read from its start) to path, through a temporary file. */
static int save_page(const char *path, FILE *doc)
{
	struct stat st;
	void *map = NULL;
	char *tmp = NULL;
	FILE *out = NULL;
	mode_t mask;
	int fd = -1, saved;
	bool created = false;

	if (fflush(doc) != 0 || fstat(fileno(doc), &st) < 0)
		return -1;
	if (st.st_size <= 0) {
		errno = EINVAL;
		return -1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(doc), 0);
	if (map == MAP_FAILED)
		return -1;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		goto fail;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	created = true;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0 || (out = fdopen(fd, "w")) == NULL)
		goto fail;
	fd = -1;
	if (logs_html_write(out, map, (size_t)st.st_size) < 0)
		goto fail;
	if (fclose(out) != 0) {
		out = NULL;
		goto fail;
	}
	out = NULL;
	if (rename(tmp, path) < 0)
		goto fail;
	munmap(map, (size_t)st.st_size);
	free(tmp);
	return 0;
fail:
	saved = errno;
	if (out != NULL)
		fclose(out);
	if (fd >= 0)
		close(fd);
	if (created)
		unlink(tmp);
	free(tmp);
	munmap(map, (size_t)st.st_size);
	errno = saved;
	return -1;
}

int logs_html_report(const char *path, const mv_logs *logs)
{
	FILE *doc = tmpfile();
	int rc, saved;

	if (doc == NULL)
		return -1;
	errno = 0;
	rc = mv_logs_write_json(logs, doc) == 0 ? save_page(path, doc) : -1;
	if (rc < 0 && errno == 0)
		errno = EIO;
	saved = errno;
	fclose(doc);
	errno = saved;
	return rc;
}

int logs_html_check(const char *path)
{
	char *copy = strdup(path);
	int rc;

	if (copy == NULL)
		return -1;
	rc = access(dirname(copy), W_OK | X_OK);
	free(copy);
	return rc;
}
