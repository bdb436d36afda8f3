/*
 * The data files shipped in data/ (the brands, the bulk-mail providers, the
 * redirector rules, report templates), compiled into the library so that the
 * defaults need no installed path.  A setting that names a file replaces the
 * built-in copy.
 */
#ifndef MV_UTIL_DATA_FILES_H
#define MV_UTIL_DATA_FILES_H

#include <stddef.h>

#include "mailvet/str.h"

struct data_file {
	const char *name;	/* the file name in data/: "brands.conf" */
	const char *text;	/* NUL-terminated */
	size_t len;
};

/* The table the build generates; ends with a NULL name. */
extern const struct data_file data_files[];

/* The built-in copy of data/NAME; an empty view when there is none. */
mv_str data_file_text(const char *name);

#endif
