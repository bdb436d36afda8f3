/*
 * The two date parsers behind mv_date_parse(), for the test that checks they
 * agree: a direct reader of the common "Tue, 3 Sep 2002 12:34:56 -0700"
 * shape, and the general token parser for every form date.c knows.
 */
#ifndef MV_HDR_DATE_INT_H
#define MV_HDR_DATE_INT_H

#include <stdint.h>

#include "mailvet/str.h"

/* hdr_date_parse_common(): the input is not the common shape. */
#define DATE_NOT_COMMON 1

/* 0 parsed, -1 out of range (as mv_date_parse()), or DATE_NOT_COMMON. */
int hdr_date_parse_common(mv_str raw, int64_t *time_r, int *zone_minutes_r);
/*
 * The same, and when it is 0 or -1, *stop_r is past the zone (or past the
 * time when there is none): the date's own bytes hold no '(', ';', '[',
 * '"' or '<', so a Received parser need only look at what follows.
 */
int hdr_date_parse_common_stop(mv_str raw, int64_t *time_r, int *zone_minutes_r, const char **stop_r);
/* 0 or -1, as mv_date_parse(). */
int hdr_date_parse_general(mv_str raw, int64_t *time_r, int *zone_minutes_r);

#endif
