/*
 * Transitional.  scan.h and output.h do not carry the visibility pragma of the
 * other public headers yet, so with -fvisibility=hidden what they declare would
 * not be exported.  CMakeLists.txt includes this file first in every library
 * source to export it.  Delete this file and that line once they carry it.
 */
#ifndef MAILVET_EXPORT_PENDING_H
#define MAILVET_EXPORT_PENDING_H

/* What they include, outside the push: those headers say for themselves what they export. */
#include "mailvet/hdr.h"
#include "mailvet/html.h"
#include "mailvet/msg.h"
#include "mailvet/url.h"

#pragma GCC visibility push(default)
#include "mailvet/scan.h"
#include "mailvet/output.h"
#pragma GCC visibility pop

#endif
