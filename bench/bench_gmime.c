/*
 * bench-gmime: the GMime 3 baseline for docs/performance.md.  Loads every
 * message into memory first (file reading is not timed), then parses each one
 * with GMime and decodes every leaf part (transfer encoding undone, written to
 * a null stream), walking into message/rfc822 parts.
 *
 * Usage: bench-gmime [-r REPEAT] [-l LISTFILE] [PATH...]
 * REPEAT passes over all messages (default 1), like bench-mailvet -r: later
 * passes measure the steady state, without the first touches of a cold start.
 * Prints one line of key=value pairs: messages, bytes (file sizes, MB = 10^6),
 * cpu_s (CLOCK_PROCESS_CPUTIME_ID), wall_s (CLOCK_MONOTONIC), msgs_per_s and
 * mb_per_s (by CPU time), ms_cpu_per_msg, median_us (per-message wall time),
 * leaves, decoded_bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#define MAX_DEPTH 64

struct item {
	GByteArray *data;	/* the message without a leading mbox "From " line */
	size_t file_size;
};

static struct item *items;
static size_t n_items, cap_items;
static unsigned long long total_bytes, n_leaves, decoded_bytes;

static double now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void load(const char *path)
{
	FILE *fp = fopen(path, "rb");
	GByteArray *arr;
	char chunk[65536];
	size_t n, skip = 0;

	if (fp == NULL) {
		fprintf(stderr, "bench-gmime: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	arr = g_byte_array_new();
	for (;;) {
		n = fread(chunk, 1, sizeof(chunk), fp);
		if (n == 0)
			break;
		g_byte_array_append(arr, (const guint8 *)chunk, (guint)n);
	}
	fclose(fp);
	if (n_items == cap_items) {
		cap_items = cap_items != 0 ? cap_items * 2 : 1024;
		items = realloc(items, cap_items * sizeof(*items));
		if (items == NULL) {
			perror("bench-gmime");
			exit(1);
		}
	}
	items[n_items].file_size = arr->len;
	total_bytes += arr->len;
	/* mailvet skips the mbox "From " line itself; GMime's message mode does not. */
	if (arr->len >= 5 && memcmp(arr->data, "From ", 5) == 0) {
		const guint8 *nl = memchr(arr->data, '\n', arr->len);

		skip = nl != NULL ? (size_t)(nl - arr->data) + 1 : arr->len;
		g_byte_array_remove_range(arr, 0, (guint)skip);
	}
	items[n_items++].data = arr;
}

static void walk(GMimeObject *obj, unsigned depth)
{
	if (obj == NULL || depth >= MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int i, count = g_mime_multipart_get_count(mp);

		for (i = 0; i < count; i++)
			walk(g_mime_multipart_get_part(mp, i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		if (inner != NULL)
			walk(inner->mime_part, depth + 1);
	} else if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(obj));

		n_leaves++;
		if (content != NULL) {
			GMimeStream *null = g_mime_stream_null_new();
			ssize_t n = g_mime_data_wrapper_write_to_stream(content, null);

			decoded_bytes += n > 0 ? (unsigned long long)n : 0;
			g_object_unref(null);
		}
	}
}

static void parse_one(GByteArray *data)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(data);
	GMimeParser *parser;
	GMimeMessage *msg;

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	if (msg != NULL) {
		walk(msg->mime_part, 0);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(stream);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double cpu0, wall0, cpu, wall, *lat;
	size_t i;
	int arg = 1, repeat = 1, r;

	g_mime_init();
	if (arg + 1 < argc && strcmp(argv[arg], "-r") == 0) {
		repeat = atoi(argv[arg + 1]);
		arg += 2;
	}
	if (arg + 1 < argc && strcmp(argv[arg], "-l") == 0) {
		FILE *fp = fopen(argv[arg + 1], "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		if (fp == NULL) {
			fprintf(stderr, "bench-gmime: %s: %s\n", argv[arg + 1], strerror(errno));
			return 1;
		}
		for (;;) {
			n = getline(&line, &cap, fp);
			if (n <= 0)
				break;
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (n > 0)
				load(line);
		}
		free(line);
		fclose(fp);
		arg += 2;
	}
	for (; arg < argc; arg++)
		load(argv[arg]);
	if (n_items == 0 || repeat < 1) {
		fprintf(stderr, "usage: bench-gmime [-r REPEAT] [-l LISTFILE] [PATH...]\n");
		return 1;
	}
	lat = calloc(n_items, sizeof(*lat));
	if (lat == NULL) {
		perror("bench-gmime");
		return 1;
	}

	cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
	wall0 = now(CLOCK_MONOTONIC);
	for (r = 0; r < repeat; r++) {
		for (i = 0; i < n_items; i++) {
			double t0 = now(CLOCK_MONOTONIC);

			parse_one(items[i].data);
			lat[i] = now(CLOCK_MONOTONIC) - t0;	/* the last pass's latencies are kept */
		}
	}
	cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	wall = now(CLOCK_MONOTONIC) - wall0;

	qsort(lat, n_items, sizeof(*lat), cmp_double);
	printf("messages=%zu bytes=%llu cpu_s=%.4f wall_s=%.4f msgs_per_s=%.0f mb_per_s=%.1f "
	       "ms_cpu_per_msg=%.4f median_us=%.1f leaves=%llu decoded_bytes=%llu\n",
	       n_items, total_bytes, cpu, wall, (double)n_items * repeat / cpu,
	       (double)total_bytes * repeat / 1e6 / cpu, cpu * 1e3 / ((double)n_items * repeat),
	       lat[n_items / 2] * 1e6, n_leaves, decoded_bytes);

	for (i = 0; i < n_items; i++)
		g_byte_array_unref(items[i].data);
	free(items);
	free(lat);
	g_mime_shutdown();
	return 0;
}
