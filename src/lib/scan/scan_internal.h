/* The checks mv_scan() runs, one file each. */
#ifndef MAILVET_SCAN_INTERNAL_H
#define MAILVET_SCAN_INTERNAL_H

#include "mailvet/scan.h"

/* Message-ID, Date, Received hops and the fields every message must have. */
int scan_headers(struct mv_report *report);
/* Text and HTML of every text part: links, hidden text, active content. */
int scan_bodies(struct mv_report *report);
/* Structural problems recorded while parsing and decoding, as symbols. */
int scan_structure(struct mv_report *report);

/* At most `max` bytes of s for a detail line, with "..." when cut. */
int scan_snippet_len(mv_str s, int max);

#endif
