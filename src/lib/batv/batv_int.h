/* The key set of BATV, shared by the key file reader and the tag code. */
#ifndef MV_BATV_BATV_INT_H
#define MV_BATV_BATV_INT_H

#include "mailvet/batv.h"

#define BATV_KEYS 10		/* K is one digit */
#define BATV_SECRET_MIN 16
#define BATV_SECRET_MAX 1024

struct mv_batv_keys {
	unsigned char *secret[BATV_KEYS];	/* NULL: no such key */
	size_t len[BATV_KEYS];
	unsigned signer;			/* the highest number */
};

#endif
