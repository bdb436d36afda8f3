/* Looking up the data files compiled into the library (data_files.h). */
#include <string.h>

#include "mailvet/data.h"
#include "util/data_files.h"

mv_str data_file_text(const char *name)
{
	const struct data_file *f;

	for (f = data_files; f->name != NULL; f++) {
		if (strcmp(f->name, name) == 0)
			return mv_str_make(f->text, f->len);
	}
	return MV_STR_NULL;
}

mv_str mv_data_file(const char *name)
{
	return data_file_text(name);
}
