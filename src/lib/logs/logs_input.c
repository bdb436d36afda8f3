/*
 * The bytes of one input: a file descriptor or memory, decompressed when its
 * first bytes are gzip's (1f 8b; several members one after the other, as
 * `cat a.gz b.gz` makes, are read as one) or xz's (fd 37 7a 58 5a 00;
 * concatenated streams too).  Corrupt compressed data ends the input with an
 * error that says where; what came before it is kept.
 */
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "logs/logs_int.h"

#define RAW_CHUNK ((size_t)256 << 10)

void logs_input_fd(struct logs_input *in, int fd)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
}

void logs_input_mem(struct logs_input *in, const void *data, size_t len)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->mem = data;
	in->mem_len = len;
}

/* Refills the bytes read ahead: raw_len 0 at the end; -1 on a read error. */
static int raw_fill(struct logs_input *in)
{
	ssize_t n;

	in->raw_pos = 0;
	in->raw_len = 0;
	if (in->raw_eof)
		return 0;
	if (in->fd < 0) {
		/* Memory: the whole of it is the read-ahead. */
		in->raw = (unsigned char *)(uintptr_t)in->mem;
		in->raw_len = in->mem_len;
		in->raw_read = in->mem_len;
		in->raw_eof = true;
		return 0;
	}
	if (in->raw == NULL) {
		in->raw = malloc(RAW_CHUNK);
		if (in->raw == NULL) {
			snprintf(in->error, sizeof(in->error), "out of memory");
			return -1;
		}
	}
	do
		n = read(in->fd, in->raw, RAW_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(in->error, sizeof(in->error), "read error: %s", strerror(errno));
		return -1;
	}
	in->raw_len = (size_t)n;
	in->raw_read += (uint64_t)n;
	if (n == 0)
		in->raw_eof = true;
	return 0;
}

static int detect(struct logs_input *in)
{
	static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

	in->detected = true;
	if (raw_fill(in) != 0)
		return -1;
	if (in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
		z_stream *z = calloc(1, sizeof(*z));

		/* 15 + 32: a gzip (or zlib) header, read by zlib itself. */
		if (z == NULL || inflateInit2(z, 15 + 32) != Z_OK) {
			free(z);
			snprintf(in->error, sizeof(in->error), "out of memory");
			return -1;
		}
		in->z = z;
		in->kind = LOGS_GZIP;
	} else if (in->raw_len >= 6 && memcmp(in->raw, xz_magic, 6) == 0) {
		lzma_stream *x = malloc(sizeof(*x));

		if (x != NULL)
			*x = (lzma_stream)LZMA_STREAM_INIT;
		if (x == NULL || lzma_stream_decoder(x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
			free(x);
			snprintf(in->error, sizeof(in->error), "out of memory");
			return -1;
		}
		in->z = x;
		in->kind = LOGS_XZ;
	}
	return 0;
}

/* After a gzip member: true when another one follows (zero padding and trailing garbage end it all). */
static bool gzip_next_member(struct logs_input *in)
{
	for (;;) {
		while (in->raw_pos < in->raw_len && in->raw[in->raw_pos] == 0)
			in->raw_pos++;
		if (in->raw_pos < in->raw_len)
			return in->raw[in->raw_pos] == 0x1f;
		if (raw_fill(in) != 0 || in->raw_len == 0)
			return false;
	}
}

static long read_gzip(struct logs_input *in, char *buf, size_t cap)
{
	z_stream *z = in->z;
	uInt room = (uInt)(cap > (1u << 30) ? (1u << 30) : cap);

	z->next_out = (Bytef *)buf;
	z->avail_out = room;
	while (z->avail_out != 0 && !in->ended) {
		int rc;

		if (in->raw_pos == in->raw_len) {
			if (raw_fill(in) != 0)
				break;
			if (in->raw_len == 0) {
				snprintf(in->error, sizeof(in->error), "gzip data cut short after %llu bytes",
					 (unsigned long long)in->raw_read);
				break;
			}
		}
		z->next_in = in->raw + in->raw_pos;
		z->avail_in = (uInt)(in->raw_len - in->raw_pos);
		rc = inflate(z, Z_NO_FLUSH);
		in->raw_pos = in->raw_len - z->avail_in;
		if (rc == Z_STREAM_END) {
			if (!gzip_next_member(in))
				in->ended = true;
			else
				inflateReset(z);
		} else if (rc != Z_OK && !(rc == Z_BUF_ERROR && z->avail_in == 0)) {
			snprintf(in->error, sizeof(in->error), "corrupt gzip data after %llu bytes: %s",
				 (unsigned long long)in->raw_read, z->msg != NULL ? z->msg : "error");
			break;
		}
	}
	if (z->avail_out == room && in->error[0] != '\0')
		return -1;
	return (long)(room - z->avail_out);
}

static long read_xz(struct logs_input *in, char *buf, size_t cap)
{
	lzma_stream *x = in->z;

	x->next_out = (uint8_t *)buf;
	x->avail_out = cap;
	while (x->avail_out != 0) {
		lzma_action action = LZMA_RUN;
		lzma_ret rc;

		if (in->raw_pos == in->raw_len && !in->raw_eof) {
			if (raw_fill(in) != 0)
				return -1;
		}
		if (in->raw_pos == in->raw_len && in->raw_eof)
			action = LZMA_FINISH;
		x->next_in = in->raw + in->raw_pos;
		x->avail_in = in->raw_len - in->raw_pos;
		rc = lzma_code(x, action);
		in->raw_pos = in->raw_len - x->avail_in;
		if (rc == LZMA_STREAM_END) {
			in->ended = true;
			break;
		}
		if (rc != LZMA_OK) {
			snprintf(in->error, sizeof(in->error), "%s xz data after %llu bytes",
				 rc == LZMA_BUF_ERROR ? "cut short" : "corrupt", (unsigned long long)x->total_in);
			if (x->avail_out != cap)
				break;	/* give what came out first; the error ends the next read */
			return -1;
		}
	}
	return (long)(cap - x->avail_out);
}

long logs_input_read(struct logs_input *in, char *buf, size_t cap)
{
	ssize_t n;

	if (in->error[0] != '\0')
		return -1;
	if (!in->detected && detect(in) != 0)
		return -1;
	if (in->ended)
		return 0;
	if (in->kind == LOGS_GZIP)
		return read_gzip(in, buf, cap);
	if (in->kind == LOGS_XZ)
		return read_xz(in, buf, cap);
	/* Plain: what detection read ahead, then straight into the caller's buffer. */
	if (in->raw_pos < in->raw_len) {
		n = (ssize_t)(in->raw_len - in->raw_pos < cap ? in->raw_len - in->raw_pos : cap);
		memcpy(buf, in->raw + in->raw_pos, (size_t)n);
		in->raw_pos += (size_t)n;
		return (long)n;
	}
	if (in->fd < 0 || in->raw_eof) {
		in->ended = true;
		return 0;
	}
	do
		n = read(in->fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(in->error, sizeof(in->error), "read error: %s", strerror(errno));
		return -1;
	}
	in->raw_read += (uint64_t)n;
	if (n == 0)
		in->ended = true;
	return (long)n;
}

bool logs_input_plain_memory(struct logs_input *in, const char **data_r, size_t *len_r)
{
	if (in->fd >= 0 || (!in->detected && detect(in) != 0) || in->kind != LOGS_PLAIN)
		return false;
	*data_r = (const char *)in->mem;
	*len_r = in->mem_len;
	in->ended = true;
	return true;
}

void logs_input_close(struct logs_input *in)
{
	if (in->kind == LOGS_GZIP && in->z != NULL)
		inflateEnd(in->z);
	else if (in->kind == LOGS_XZ && in->z != NULL)
		lzma_end(in->z);
	free(in->z);
	in->z = NULL;
	if (in->fd >= 0) {
		free(in->raw);
		if (in->fd > 2)
			close(in->fd);
	}
	in->raw = NULL;
	in->fd = -1;
}
