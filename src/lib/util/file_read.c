/* Reading a configuring file whole (file_read.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file_read.h"

int util_file_read(const char *path, size_t max, char **text_r, size_t *len_r, char **error_r)
{
	struct stat st;
	char *text = NULL;
	size_t got = 0;
	int fd, rc = -1;

	*error_r = NULL;
	*text_r = NULL;
	*len_r = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (asprintf(error_r, "%s: cannot read: %s", path, strerror(errno)) < 0)
			*error_r = NULL;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		int n = !S_ISREG(st.st_mode) ? asprintf(error_r, "%s: not a regular file", path)
		      : max % (1u << 20) == 0 ? asprintf(error_r, "%s: larger than %zu MiB", path, max >> 20)
					      : asprintf(error_r, "%s: larger than %zu bytes", path, max);

		if (n < 0)
			*error_r = NULL;
		goto out;
	}
	text = malloc((size_t)st.st_size + 1);
	if (text == NULL)
		goto out;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (asprintf(error_r, "%s: cannot read: %s", path, n < 0 ? strerror(errno) : "it shrank") < 0)
				*error_r = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	text[got] = '\0';
	*text_r = text;
	*len_r = got;
	text = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}

char *util_path_beside(const char *setter, const char *path)
{
	const char *slash = setter != NULL ? strrchr(setter, '/') : NULL;
	char *out = NULL;

	if (path[0] == '/' || slash == NULL || strcmp(setter, "-o") == 0)
		return strdup(path);
	if (asprintf(&out, "%.*s/%s", (int)(slash - setter), setter, path) < 0)
		out = NULL;
	return out;
}
