/*
 * Reading a whole file that configures a module (a zone, the providers), with
 * a ceiling on its size, and errors that name the file.
 */
#ifndef MV_UTIL_FILE_READ_H
#define MV_UTIL_FILE_READ_H

#include <stddef.h>

/*
 * Reads the regular file at path, of at most max bytes, into *text_r
 * (malloc()ed, NUL-terminated; the caller frees) and *len_r.  Returns 0, or
 * -1 with *error_r malloc()ed: "PATH: cannot read: REASON", "PATH: larger
 * than N MiB", "PATH: not a regular file" (NULL when out of memory).
 */
int util_file_read(const char *path, size_t max, char **text_r, size_t *len_r, char **error_r);

/*
 * The path a setting names, as map files take theirs: a relative one from
 * the directory of the file that set it (`setter`, mv_config_where()); as it
 * is when absolute, or set by an option ("-o") or by no file.  malloc()ed;
 * NULL when out of memory.
 */
char *util_path_beside(const char *setter, const char *path);

#endif
