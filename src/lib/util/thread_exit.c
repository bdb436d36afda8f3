/*
 * The thread-exit hooks of util/thread_exit.h: one pthread key whose value is
 * the thread's newest hook; the hooks are chained through their next field.
 */
#include <pthread.h>
#include <stddef.h>

#include "util/thread_exit.h"

static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;
static bool exit_key_ok;

/*
 * The key's destructor: arg is the newest hook, and the key's value is
 * already NULL, so a hook's release() may register hooks again.
 */
static void run_hooks(void *arg)
{
	struct mv_thread_exit *hook = arg;

	while (hook != NULL) {
		struct mv_thread_exit *next = hook->next;

		hook->next = NULL;
		hook->registered = false;
		hook->release(hook);
		hook = next;
	}
}

static void exit_key_init(void)
{
	exit_key_ok = pthread_key_create(&exit_key, run_hooks) == 0;
}

bool mv_thread_exit_register(struct mv_thread_exit *hook)
{
	if (hook->registered)
		return true;
	(void)pthread_once(&exit_once, exit_key_init);
	if (!exit_key_ok)
		return false;
	hook->next = pthread_getspecific(exit_key);
	if (pthread_setspecific(exit_key, hook) != 0)
		return false;
	hook->registered = true;
	return true;
}
