/*
 * The bounce reader on 461 real messages (tests/data/bounces-sisimai: sisimai's
 * set of emails): at least 98 % of the 442 delivery reports recognised, the
 * returned message's Message-ID found wherever one is returned (expected.tsv,
 * made with Python's email package by sisimai_expected.py), and no abuse report
 * or auto-reply taken for a bounce.  docs/bounces.md lists every miss with its
 * reason; MV_DSN_VERBOSE=1 prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "corpus.h"
#include "dsn/dsn.h"
#include "test.h"

#define DIR "data/bounces-sisimai/"

struct row {
	char file[32], kind[16], msgid[512];
};

static int read_rows(const char *path, struct row **rows_r)
{
	FILE *f = fopen(path, "r");
	struct row *rows = calloc(600, sizeof(*rows));
	char line[2048];
	int n = 0;

	if (f == NULL || rows == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		if (f != NULL)
			fclose(f);
		free(rows);
		return -1;
	}
	while (n < 600 && fgets(line, sizeof(line), f) != NULL) {
		char *file = strtok(line, "\t\n"), *kind = strtok(NULL, "\t\n"), *id = strtok(NULL, "\t\n");

		if (file == NULL || kind == NULL || strcmp(file, "file") == 0)
			continue;
		snprintf(rows[n].file, sizeof(rows[n].file), "%s", file);
		snprintf(rows[n].kind, sizeof(rows[n].kind), "%s", kind);
		/* expected.tsv's fourth column says where; an id never has a tab. */
		snprintf(rows[n].msgid, sizeof(rows[n].msgid), "%s",
			 id != NULL && strcmp(id, "rfc822") != 0 && strcmp(id, "headers") != 0 && strcmp(id, "text") != 0 &&
					 strcmp(id, "raw") != 0
				 ? id
				 : "");
		n++;
	}
	fclose(f);
	*rows_r = rows;
	return n;
}

static void test_sisimai(void)
{
	struct row *rows;
	int n = read_rows(DIR "expected.tsv", &rows), i;
	unsigned dsn = 0, recognised = 0, with_id = 0, id_found = 0, id_invented = 0, with_rcpt = 0, others = 0,
		 others_bounce = 0;
	bool verbose = getenv("MV_DSN_VERBOSE") != NULL;

	CHECK(n == 461);
	if (n <= 0)
		return;
	for (i = 0; i < n; i++) {
		char path[256];
		size_t len = 0;
		char *buf;
		struct mv_msg *msg = NULL;
		struct dsn_report r;

		snprintf(path, sizeof(path), DIR "msgs/%s", rows[i].file);
		buf = corpus_read(path, &len);
		CHECK(buf != NULL);
		if (buf == NULL)
			continue;
		CHECK(mv_msg_parse(buf, len, NULL, &msg) == 0);
		CHECK(dsn_read(msg, false, &r) == 0);
		if (strcmp(rows[i].kind, "dsn") == 0) {
			dsn++;
			if (r.kind == DSN_KIND_BOUNCE)
				recognised++;
			if (r.kind == DSN_KIND_BOUNCE && r.n_rcpt != 0)
				with_rcpt++;
			else if (verbose)
				printf("MISS %s: %s (%s)\n", rows[i].file, dsn_kind_name(r.kind), r.why ? r.why : "no sign");
			if (rows[i].msgid[0] != '\0') {
				with_id++;
				if (r.kind == DSN_KIND_BOUNCE && r.returned.message_id.len == strlen(rows[i].msgid) &&
				    strncasecmp(r.returned.message_id.p, rows[i].msgid, r.returned.message_id.len) == 0)
					id_found++;
				else if (verbose)
					printf("MSGID %s: want %s got %.*s\n", rows[i].file, rows[i].msgid,
					       (int)r.returned.message_id.len, r.returned.message_id.p);
			} else if (r.returned.message_id.len != 0) {
				id_invented++;
				printf("INVENTED %s: %.*s\n", rows[i].file, (int)r.returned.message_id.len,
				       r.returned.message_id.p);
			}
		} else if (strcmp(rows[i].kind, "arf") == 0 || strcmp(rows[i].kind, "autoreply") == 0) {
			others++;
			if (r.kind == DSN_KIND_BOUNCE) {
				others_bounce++;
				printf("FALSE %s (%s) taken for a bounce: %s\n", rows[i].file, rows[i].kind, r.why);
			}
		}
		if (verbose)
			printf("%s %s %s %s rcpt=%u action=%s returned=%d id=%.*s first=%.*s status=%.*s\n", rows[i].file,
			       rows[i].kind, dsn_kind_name(r.kind), r.format ? r.format : "-", r.n_rcpt,
			       dsn_action_name(r.action), (int)r.returned.source, (int)r.returned.message_id.len,
			       r.returned.message_id.p, r.n_rcpt ? (int)r.rcpt[0].final_recipient.len : 0,
			       r.n_rcpt ? r.rcpt[0].final_recipient.p : "", r.n_rcpt ? (int)r.rcpt[0].status.len : 0,
			       r.n_rcpt ? r.rcpt[0].status.p : "");
		mv_msg_free(&msg);
		free(buf);
	}
	printf("sisimai: %u/%u delivery reports recognised (%.1f %%); returned Message-ID found in %u/%u, none "
	       "where Python found none: %u; failed recipients read from %u; %u/%u abuse reports and auto-replies "
	       "taken for a bounce\n",
	       recognised, dsn, 100.0 * recognised / (dsn ? dsn : 1), id_found, with_id, id_invented, with_rcpt,
	       others_bounce, others);
	CHECK_INT(dsn, 442);
	CHECK(recognised * 100 >= dsn * 98);
	CHECK_INT(id_found, with_id);
	CHECK_INT(id_invented, 0);
	CHECK(with_rcpt >= 425);	/* docs/bounces.md */
	CHECK_INT(others, 17);
	CHECK_INT(others_bounce, 0);
	free(rows);
}

int main(void)
{
	RUN(test_sisimai);
	return test_summary();
}
