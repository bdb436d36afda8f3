/*
 * The HTML report of `mailvet logs --html FILE`: one self-contained page (the
 * template data/logs-report.html, with its own CSS and script) that carries
 * the JSON document of `mailvet logs --json` and draws the findings and the
 * per-account charts from it in the browser.
 */
#ifndef MAILVET_CLI_LOGS_HTML_H
#define MAILVET_CLI_LOGS_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "mailvet/logs.h"

/*
 * Writes the page for the JSON document json (json_len bytes, not necessarily
 * NUL-terminated) to out.  The document comes from logs, so it is untrusted:
 * it is written with '<', '>' and '&' as JSON escapes, which nothing in it can
 * turn back into markup.  Returns 0, or -1 with errno set (EINVAL: the built-in
 * template has no place for the document; otherwise the write's error).
 */
int logs_html_write(FILE *out, const char *json, size_t json_len);

/*
 * The page of `mailvet logs --html PATH`: the JSON document of logs
 * (mv_logs_write_json, through a temporary file, mapped rather than copied to
 * the heap) written to PATH through a temporary file in the same directory,
 * renamed into place, so that a failed write leaves no half page.  The page's
 * mode is 0666 less the umask.  Returns 0, or -1 with errno set.
 */
int logs_html_report(const char *path, const mv_logs *logs);

/* Whether the page can be written to path (its directory is writable): 0, or -1 with errno. */
int logs_html_check(const char *path);

#endif
