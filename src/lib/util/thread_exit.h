/*
 * Per-thread state that must be released when its thread exits: caches and
 * spare memory that each thread keeps so that its lookups take no lock.  A
 * module embeds a struct mv_thread_exit in its _Thread_local state and
 * registers it on the thread's first use; when the thread exits, every
 * registered hook's release() runs, the newest first.  One pthread key serves
 * every module.
 *
 * The main thread runs no key destructors when the process exits; its state
 * is then released with the process.
 */
#ifndef MV_UTIL_THREAD_EXIT_H
#define MV_UTIL_THREAD_EXIT_H

#include <stdbool.h>

struct mv_thread_exit {
	void (*release)(struct mv_thread_exit *hook);
	struct mv_thread_exit *next;	/* the thread's hook registered before this one */
	bool registered;
};

/*
 * Registers hook, which must be the calling thread's own (_Thread_local),
 * for the thread's exit.  True when it is registered now or already was;
 * false when it cannot be, and then the caller should keep nothing it would
 * have to release.  A hook that has run may be registered again (state made
 * again by a later destructor of the same exit); the C library runs key
 * destructors for PTHREAD_DESTRUCTOR_ITERATIONS rounds (4 with glibc), and
 * what is registered after the last round is not released.
 */
bool mv_thread_exit_register(struct mv_thread_exit *hook);

#endif
