/*
 * Loading inputs without copying: regular files are mapped, standard input
 * and other streams are read into memory.  An mbox is split at its "From "
 * separator lines.  A separator starts the file or follows a blank line (mbox
 * writers end each message with one), and carries a date (a "hh:mm" time), so
 * that a body line that happens to start with "From " (unescaped, as mboxo
 * writers leave them, and as bounces quote the message they return) does not
 * split a message.  A file that does not start with a separator is one
 * message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static int read_all(int fd, struct cli_input *in)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		return -1;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = cap <= ((size_t)1 << 40) ? realloc(buf, cap * 2) : NULL;

			if (nb == NULL) {
				free(buf);
				errno = ENOMEM;
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	in->heap = buf;
	in->data = buf;
	in->len = len;
	return 0;
}

/* Files up to this size are read into the worker's scratch buffer; larger ones are mapped. */
#define READ_MAX ((size_t)4 << 20)

static int read_into_scratch(int fd, size_t size, struct cli_scratch *scratch, struct cli_input *in)
{
	size_t got = 0;

	if (scratch->cap < size) {
		char *p = realloc(scratch->p, size);

		if (p == NULL)
			return -1;
		scratch->p = p;
		scratch->cap = size;
	}
	while (got < size) {
		ssize_t n = read(fd, scratch->p + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;	/* the file shrank: scan what is there */
		got += (size_t)n;
	}
	in->data = scratch->p;
	in->len = got;
	return 0;
}

int cli_input_load(const char *path, struct cli_scratch *scratch, struct cli_input *in)
{
	struct stat st;
	int fd, rc, saved;

	memset(in, 0, sizeof(*in));
	if (strcmp(path, "-") == 0)
		return read_all(STDIN_FILENO, in);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if (st.st_size == 0) {
			close(fd);
			in->data = "";
			return 0;
		}
		if (scratch != NULL && (size_t)st.st_size <= READ_MAX) {
			rc = read_into_scratch(fd, (size_t)st.st_size, scratch, in);
			saved = errno;
			close(fd);
			errno = saved;
			return rc;
		}
		in->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (in->map != MAP_FAILED) {
			close(fd);
			in->data = in->map;
			in->len = (size_t)st.st_size;
			return 0;
		}
		in->map = NULL;
	}
	rc = read_all(fd, in);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

void cli_input_release(struct cli_input *in)
{
	if (in->map != NULL)
		munmap(in->map, in->len);
	free(in->heap);
	memset(in, 0, sizeof(*in));
}

/* "From " line with a time in it: "From sender Tue Jun 18 11:23:45 2002". */
static bool is_separator(const char *p, const char *end)
{
	const char *nl, *q;

	if (end - p < 5 || memcmp(p, "From ", 5) != 0)
		return false;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL)
		nl = end;
	for (q = p + 5; q + 4 < nl; q++) {
		if (q[2] == ':' && q[0] >= '0' && q[0] <= '9' && q[1] >= '0' && q[1] <= '9' &&
		    q[3] >= '0' && q[3] <= '9' && q[4] >= '0' && q[4] <= '9')
			return true;
	}
	return false;
}

bool cli_is_mbox(const char *data, size_t len)
{
	return is_separator(data, data + len);
}

int cli_mbox_split(const char *data, size_t len, cli_message_fn fn, void *ctx)
{
	const char *end = data + len, *start = data, *p;
	unsigned index = 0;
	int rc = 0;

	if (!cli_is_mbox(data, len))
		return fn(ctx, data, len, 0);
	p = memchr(data, '\n', len);
	while (p != NULL && p + 1 < end) {
		const char *line = p + 1;

		if (*line == 'F' && is_separator(line, end)) {
			/* The blank line before a separator belongs to the mbox format. */
			const char *e = line;

			if (e - start >= 2 && e[-1] == '\n' && e[-2] == '\n')
				e--;
			else if (e - start >= 3 && e[-1] == '\n' && e[-2] == '\r' && e[-3] == '\n')
				e -= 2;
			if (e != line) {
				rc |= fn(ctx, start, (size_t)(e - start), ++index);
				start = line;
			}
		}
		p = memchr(line, '\n', (size_t)(end - line));
	}
	/* A file holding one message is named as the file itself. */
	rc |= fn(ctx, start, (size_t)(end - start), index == 0 ? 0 : index + 1);
	return rc;
}

int cli_out_append(struct cli_out *out, const char *data, size_t len)
{
	if (len > out->cap - out->len) {
		size_t cap = out->cap != 0 ? out->cap : 4096;
		char *p;

		while (cap - out->len < len)
			cap *= 2;
		p = realloc(out->p, cap);
		if (p == NULL)
			return -1;
		out->p = p;
		out->cap = cap;
	}
	memcpy(out->p + out->len, data, len);
	out->len += len;
	return 0;
}
