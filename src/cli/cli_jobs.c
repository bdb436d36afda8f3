/*
 * Turning PATH arguments into jobs.  Directories are walked recursively in
 * byte order of names, so output is stable across runs and machines.  Hidden
 * entries and a Maildir's tmp/ (messages still being delivered) are skipped;
 * symbolic links to directories are not followed, to avoid loops.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void jobs_add(struct cli_jobs *jobs, const char *path)
{
	if (jobs->count == jobs->cap) {
		size_t cap = jobs->cap != 0 ? jobs->cap * 2 : 64;
		struct cli_job *items = realloc(jobs->items, cap * sizeof(*items));

		if (items == NULL) {
			fprintf(stderr, "mailvet: out of memory listing inputs\n");
			exit(1);
		}
		jobs->items = items;
		jobs->cap = cap;
	}
	jobs->items[jobs->count].path = strdup(path);
	if (jobs->items[jobs->count].path == NULL) {
		fprintf(stderr, "mailvet: out of memory listing inputs\n");
		exit(1);
	}
	jobs->count++;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_maildir(const char *path)
{
	char sub[4096];

	snprintf(sub, sizeof(sub), "%s/cur", path);
	if (!is_dir(sub))
		return false;
	snprintf(sub, sizeof(sub), "%s/new", path);
	return is_dir(sub);
}

static void walk(struct cli_jobs *jobs, const char *dir, unsigned depth)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	bool maildir = is_maildir(dir);

	if (depth > 64) {
		fprintf(stderr, "mailvet: %s: directories nested too deep, not walked\n", dir);
		jobs->errors++;
		return;
	}
	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "mailvet: %s: %s\n", dir, strerror(errno));
		jobs->errors++;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (maildir && strcmp(e->d_name, "tmp") == 0)
			continue;
		if (n == cap) {
			char **nn;

			cap = cap != 0 ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*nn));
			if (nn == NULL)
				break;
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (names[n] != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);

		free(names[i]);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			fprintf(stderr, "mailvet: %s/...: path too long\n", dir);
			jobs->errors++;
			continue;
		}
		if (lstat(path, &st) != 0) {
			fprintf(stderr, "mailvet: %s: %s\n", path, strerror(errno));
			jobs->errors++;
			continue;
		}
		if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
			continue;	/* dangling link */
		if (S_ISDIR(st.st_mode)) {
			if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode))
				walk(jobs, path, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			jobs_add(jobs, path);
		}
	}
	free(names);
}

void cli_jobs_collect(struct cli_jobs *jobs, char *const *paths, int n_paths)
{
	int i;

	for (i = 0; i < n_paths; i++) {
		struct stat st;

		if (strcmp(paths[i], "-") == 0) {
			jobs_add(jobs, "-");
			continue;
		}
		if (stat(paths[i], &st) != 0) {
			fprintf(stderr, "mailvet: %s: %s\n", paths[i], strerror(errno));
			jobs->errors++;
		} else if (S_ISDIR(st.st_mode)) {
			size_t len = strlen(paths[i]);
			char *p = strdup(paths[i]);

			/* "dir/" and "dir" give the same file names. */
			while (p != NULL && len > 1 && p[len - 1] == '/')
				p[--len] = '\0';
			if (p != NULL)
				walk(jobs, p, 0);
			free(p);
		} else {
			jobs_add(jobs, paths[i]);
		}
	}
}

void cli_jobs_free(struct cli_jobs *jobs)
{
	size_t i;

	for (i = 0; i < jobs->count; i++)
		free(jobs->items[i].path);
	free(jobs->items);
	jobs->items = NULL;
	jobs->count = jobs->cap = 0;
}
