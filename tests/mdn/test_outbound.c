/* The outbound module alone: alert_command's words, the recent-subjects table, the alert never waited for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outbound/outbound.h"
#include "test.h"

static void test_outbound_argv_split_without_shell(void)
{
	char **argv = outbound_argv_new("  /usr/bin/logger -t  mailvet\t'a b' $HOME ");

	CHECK(argv != NULL);
	if (argv == NULL)
		return;
	CHECK(strcmp(argv[0], "/usr/bin/logger") == 0);
	CHECK(strcmp(argv[1], "-t") == 0);
	CHECK(strcmp(argv[2], "mailvet") == 0);
	/* No quoting, no expansion: the words as written. */
	CHECK(strcmp(argv[3], "'a") == 0);
	CHECK(strcmp(argv[4], "b'") == 0);
	CHECK(strcmp(argv[5], "$HOME") == 0);
	CHECK(argv[6] == NULL);
	outbound_argv_free(argv);
	CHECK(outbound_argv_new("") == NULL);
	CHECK(outbound_argv_new(" \t ") == NULL);
}

static void test_outbound_recent_subjects_and_one_alert_per_window(void)
{
	struct outbound_recent *r = outbound_recent_new();
	struct outbound_facts f;
	char subject[40];
	int i;

	memset(&f, 0, sizeof(f));
	for (i = 1; i <= 7; i++) {
		snprintf(subject, sizeof(subject), "subject %d\r\n\x01", i);
		CHECK(!outbound_recent_note(r, MV_STR_LIT("alice"), mv_str_cstr(subject), 3600, false, &f));
	}
	CHECK_INT(f.n_subjects, OUTBOUND_SUBJECTS);
	CHECK(strcmp(f.subjects[0], "subject 7   ") == 0);	/* control bytes become spaces */
	CHECK(strncmp(f.subjects[4], "subject 3", 9) == 0);
	CHECK(outbound_recent_note(r, MV_STR_LIT("alice"), MV_STR_LIT("x"), 3600, true, &f));
	CHECK(!outbound_recent_note(r, MV_STR_LIT("alice"), MV_STR_LIT("x"), 3600, true, &f));
	CHECK(outbound_recent_note(r, MV_STR_LIT("alice"), MV_STR_LIT("x"), 7200, true, &f));
	CHECK(outbound_recent_note(r, MV_STR_LIT("bob"), MV_STR_LIT("x"), 7200, true, &f));
	CHECK_INT(f.n_subjects, 1);
	/* Many users: the table stays bounded, the newest are kept. */
	for (i = 0; i < 5000; i++) {
		snprintf(subject, sizeof(subject), "user%d", i);
		(void)outbound_recent_note(r, mv_str_cstr(subject), MV_STR_LIT("s"), 0, false, &f);
	}
	CHECK(outbound_recent_note(r, MV_STR_LIT("user4999"), MV_STR_LIT("t"), 0, false, &f) == false);
	CHECK_INT(f.n_subjects, 2);
	outbound_recent_free(r);
}

/* A command that sleeps does not hold the caller: only the middle process is waited for. */
static void test_outbound_alert_never_waits(void)
{
	char dir[] = "/tmp/mv-alert-XXXXXX", script[100], mark[100];
	struct outbound_facts f;
	char *argv[3];
	struct timespec t0, t1;
	FILE *s;
	int i;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(script, sizeof(script), "%s/alert.sh", dir);
	snprintf(mark, sizeof(mark), "%s/done", dir);
	s = fopen(script, "w");
	CHECK(s != NULL);
	if (s == NULL)
		return;
	fprintf(s, "#!/bin/sh\nsleep 2\ncat > %s\n", mark);
	fclose(s);
	chmod(script, 0700);
	memset(&f, 0, sizeof(f));
	f.user = MV_STR_LIT("alice");
	argv[0] = script;
	argv[1] = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(outbound_alert_run(argv, &f), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 < time_bound(1.0));
	/* It ran, read its input, and was never a zombie of ours to reap. */
	for (i = 0; i < 100 && access(mark, F_OK) != 0; i++)
		usleep(50000);
	CHECK(access(mark, F_OK) == 0);
	argv[0] = (char *)"relative/path";
	CHECK(outbound_alert_run(argv, &f) < 0);
	unlink(mark);
	unlink(script);
	rmdir(dir);
}

int main(void)
{
	RUN(test_outbound_argv_split_without_shell);
	RUN(test_outbound_recent_subjects_and_one_alert_per_window);
	RUN(test_outbound_alert_never_waits);
	return test_summary();
}
