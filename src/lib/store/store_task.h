/* The keys of what the `store` check records and checks look up (store_task.c). */
#ifndef MV_STORE_TASK_H
#define MV_STORE_TASK_H

#include "mailvet/arena.h"

/* A Message-ID as a key: white space and one pair of angle brackets dropped. */
mv_str store_msgid_key(mv_str id);
/* "user\taddress" in the arena; empty when either is empty or the arena is exhausted. */
mv_str store_peer_key(mv_arena *arena, mv_str user, mv_str address);

#endif
