/* The benchmarks' message loader (bench_load.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_load.h"

struct bench_item *bench_items;
size_t bench_n_items, bench_total_bytes;
static size_t cap_items;

double bench_now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Reads size bytes through a chunk buffer and copies them in, as bench-gmime
 * does.  A read() straight into the buffer would leave its pages written by
 * the kernel only, and on a virtual machine with shadow paging (like the one
 * our numbers come from) a page's first access from user space then costs a
 * trap, in the timed loop: about 7 ms per pass over the corpus, which
 * bench-gmime's loader pays before timing.
 */
static int read_copied(FILE *fp, char *dst, size_t size)
{
	char chunk[65536];
	size_t got = 0, n;

	while (got < size && (n = fread(chunk, 1, sizeof(chunk), fp)) != 0) {
		if (n > size - got)
			return 0;
		memcpy(dst + got, chunk, n);
		got += n;
	}
	return got == size;
}

void bench_load(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct bench_item *it;
	long size;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	rewind(fp);
	if (bench_n_items == cap_items) {
		cap_items = cap_items != 0 ? cap_items * 2 : 1024;
		bench_items = realloc(bench_items, cap_items * sizeof(*bench_items));
		if (bench_items == NULL)
			exit(1);
	}
	it = &bench_items[bench_n_items];
	it->data = malloc((size_t)size + 1);
	it->path = strdup(path);
	if (it->data == NULL || it->path == NULL || !read_copied(fp, it->data, (size_t)size)) {
		fprintf(stderr, "bench: %s: read failed\n", path);
		exit(1);
	}
	it->data[size] = '\0';
	it->len = (size_t)size;
	bench_total_bytes += (size_t)size;
	bench_n_items++;
	fclose(fp);
}

void bench_load_list(const char *list)
{
	FILE *fp = fopen(list, "r");
	char line[4096];

	if (fp == NULL) {
		fprintf(stderr, "bench: %s: %s\n", list, strerror(errno));
		exit(1);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0')
			bench_load(line);
	}
	fclose(fp);
}
