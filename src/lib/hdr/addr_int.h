/*
 * The two address parsers behind mv_addr_parse_list(), for the test that
 * checks they agree: a direct reader of the single-address shapes nearly
 * every From field has, and the general parser for every form addr.c knows.
 */
#ifndef MV_HDR_ADDR_INT_H
#define MV_HDR_ADDR_INT_H

#include "mailvet/hdr.h"

/* hdr_addr_parse_single(): the input is not one of the simple shapes. */
#define ADDR_NOT_SINGLE (-2)

/* 1 (one address in *list_r), -1 arena exhausted, or ADDR_NOT_SINGLE. */
int hdr_addr_parse_single(mv_arena *arena, mv_str raw, struct mv_addr **list_r);
/* As mv_addr_parse_list(). */
int hdr_addr_parse_list_general(mv_arena *arena, mv_str raw, unsigned max_addrs, struct mv_addr **list_r);

#endif
