/*
 * The SpamAssassin public corpus (6046 messages, docs/corpus.md) for the
 * tests that compare a fast parser with the general one on real mail.
 * scripts/fetch-corpus finds it (or fetches it) and prints its directory;
 * ctest runs the tests from tests/, so the script is ../scripts/fetch-corpus.
 * A test that cannot get the corpus fails, as t_corpus_scan.sh does.
 */
#ifndef MAILVET_TEST_CORPUS_H
#define MAILVET_TEST_CORPUS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailvet/msg.h"
#include "test.h"

#define CORPUS_MESSAGES 6046

typedef void corpus_message_fn(struct mv_msg *msg, const char *path, void *ctx);

/* The corpus directory into dir[size], or false (with a message) when there is none. */
static inline bool corpus_dir(char *dir, size_t size)
{
	FILE *p = popen("../scripts/fetch-corpus", "r");
	bool ok;

	if (p == NULL)
		return false;
	ok = fgets(dir, (int)size, p) != NULL;
	if (pclose(p) != 0 || !ok || dir[0] == '\0') {
		fprintf(stderr, "corpus: scripts/fetch-corpus failed (see docs/corpus.md)\n");
		return false;
	}
	dir[strcspn(dir, "\n")] = '\0';
	return true;
}

/* The whole file at path, NUL-terminated, in a malloc()ed buffer; NULL when it cannot be read. */
static inline char *corpus_read(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len_r = fread(buf, 1, (size_t)n, f);
		buf[*len_r] = '\0';
	}
	fclose(f);
	return buf;
}

/*
 * Calls fn with each message of the corpus index (and its path), parsed with
 * the default limits; the message and its arena are freed after.  Checks that every
 * message was read and parsed.
 */
static inline void corpus_for_each(corpus_message_fn *fn, void *ctx)
{
	static char dir[4096], line[8192], path[8192 + 4096];
	unsigned n = 0;
	FILE *index;

	CHECK(corpus_dir(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/index.tsv", dir);
	index = fopen(path, "r");
	CHECK(index != NULL);
	if (index == NULL)
		return;
	while (fgets(line, sizeof(line), index) != NULL) {
		struct mv_msg *msg;
		size_t len;
		char *buf;

		line[strcspn(line, "\t\n")] = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir, line);
		buf = corpus_read(path, &len);
		if (buf == NULL || mv_msg_parse(buf, len, NULL, &msg) != 0) {
			fprintf(stderr, "corpus: cannot read or parse %s\n", path);
			free(buf);
			continue;
		}
		fn(msg, path, ctx);
		mv_msg_free(&msg);
		free(buf);
		n++;
	}
	fclose(index);
	CHECK_INT(n, CORPUS_MESSAGES);
}

#endif
