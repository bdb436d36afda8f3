/*
 * Reading a configuration or map file whole, up to CFG_MAX_FILE bytes: a
 * larger file is an error, never read in part.  A map file must be a regular
 * file, checked before it is opened, since opening some devices does
 * something (a tape rewinds, a watchdog arms) and a FIFO would block.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_int.h"

static enum cfg_load read_all(int fd, char **data_r, size_t *len_r)
{
	size_t len = 0, cap = 0;
	char *data = NULL, *p;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			/* One byte past the bound tells a file at the bound from a larger one. */
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > CFG_MAX_FILE + 1)
				cap = CFG_MAX_FILE + 1;
			if (len == cap)
				break;
			p = realloc(data, cap + 1);
			if (p == NULL) {
				free(data);
				errno = ENOMEM;
				return CFG_LOAD_ERRNO;
			}
			data = p;
		}
		n = read(fd, data + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(data);
			return CFG_LOAD_ERRNO;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CFG_MAX_FILE) {
		free(data);
		return CFG_LOAD_TOO_LARGE;
	}
	if (data == NULL && (data = malloc(1)) == NULL) {
		errno = ENOMEM;
		return CFG_LOAD_ERRNO;
	}
	data[len] = '\0';
	*data_r = data;
	*len_r = len;
	return CFG_LOAD_OK;
}

enum cfg_load cfg_file_load(const char *path, bool regular_only, char **data_r, size_t *len_r)
{
	struct stat st;
	enum cfg_load r;
	int fd, saved;

	if (regular_only) {
		if (stat(path, &st) != 0)
			return CFG_LOAD_ERRNO;
		if (!S_ISREG(st.st_mode))
			return CFG_LOAD_NOT_REGULAR;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular_only ? O_NONBLOCK : 0));
	if (fd < 0)
		return CFG_LOAD_ERRNO;
	if (fstat(fd, &st) != 0) {
		r = CFG_LOAD_ERRNO;
	} else if (regular_only && !S_ISREG(st.st_mode)) {
		r = CFG_LOAD_NOT_REGULAR;
	} else if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		r = CFG_LOAD_ERRNO;
	} else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > CFG_MAX_FILE) {
		r = CFG_LOAD_TOO_LARGE;
	} else {
		r = read_all(fd, data_r, len_r);
	}
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

/* What went wrong, for a message; errnum is errno as cfg_file_load() left it. */
const char *cfg_load_text(enum cfg_load r, int errnum)
{
	switch (r) {
	case CFG_LOAD_OK:
		return "no error";
	case CFG_LOAD_TOO_LARGE:
		return "larger than 64 MiB";
	case CFG_LOAD_NOT_REGULAR:
		return "not a regular file";
	case CFG_LOAD_ERRNO:
		break;
	}
	return strerror(errnum);
}
