/*
 * The data files mailvet ships in data/ (report templates, lists), compiled
 * into the library so that a program needs no installed path to find them.
 */
#ifndef MAILVET_DATA_H
#define MAILVET_DATA_H

#include "mailvet/str.h"

#pragma GCC visibility push(default)

/* The built-in copy of data/NAME ("logs-report.html"); an empty view when there is none. */
mv_str mv_data_file(const char *name);

#pragma GCC visibility pop

#endif
