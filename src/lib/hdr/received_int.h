/*
 * The general Received parser behind mv_received_parse(), for the test and
 * the fuzz target that check it agrees with the clause-by-clause reader of
 * the common shape whenever that one takes the field.
 */
#ifndef MV_HDR_RECEIVED_INT_H
#define MV_HDR_RECEIVED_INT_H

#include "mailvet/hdr.h"

/* As mv_received_parse(), token by token for every field. */
int hdr_received_parse_general(mv_str raw, struct mv_received *out);

#endif
