/*
 * Multi-byte and stateful charsets through iconv.  Each thread keeps a small
 * round-robin cache of descriptors keyed by charset, reset before each use;
 * iconv_open() costs far more than a header's conversion.  A byte iconv
 * rejects becomes U+FFFD and conversion resumes at the next byte; an
 * incomplete sequence at the end becomes one U+FFFD.  Nothing is dropped
 * silently (no //IGNORE).  The descriptors are closed at thread exit.
 */
#include <errno.h>
#include <iconv.h>
#include <stddef.h>
#include <stdint.h>

#include "charset/charset_int.h"
#include "util/thread_exit.h"

#define CD_CACHE 8
#define OUT_CHUNK 4096

struct cd_slot {
	const struct charset_desc *desc;
	iconv_t cd;		/* (iconv_t)-1: iconv does not know the charset */
};

/* This thread's descriptors, closed at its exit. */
struct cd_cache {
	struct mv_thread_exit exit;	/* first: release() gets it */
	struct cd_slot slot[CD_CACHE];
	unsigned next;			/* the slot to reuse next */
};

static void cd_cache_close(struct mv_thread_exit *hook);

static _Thread_local struct cd_cache cd_cache = { .exit.release = cd_cache_close };

_Static_assert(offsetof(struct cd_cache, exit) == 0, "release() casts its hook to the cache");

static void cd_cache_close(struct mv_thread_exit *hook)
{
	struct cd_cache *c = (struct cd_cache *)hook;
	unsigned i;

	for (i = 0; i < CD_CACHE; i++) {
		if (c->slot[i].desc != NULL && c->slot[i].cd != (iconv_t)-1)
			iconv_close(c->slot[i].cd);
		c->slot[i].desc = NULL;
	}
}

static iconv_t cd_get(const struct charset_desc *desc)
{
	struct cd_slot *s;
	unsigned i;

	for (i = 0; i < CD_CACHE; i++) {
		if (cd_cache.slot[i].desc == desc)
			return cd_cache.slot[i].cd;
	}
	(void)mv_thread_exit_register(&cd_cache.exit);	/* should it fail, the thread's exit leaves them open */
	s = &cd_cache.slot[cd_cache.next];
	cd_cache.next = (cd_cache.next + 1) % CD_CACHE;
	if (s->desc != NULL && s->cd != (iconv_t)-1)
		iconv_close(s->cd);
	s->desc = desc;
	s->cd = iconv_open("UTF-8", desc->name);
	return s->cd;
}

enum mv_charset_status charset_iconv_to_utf8(const struct charset_desc *desc, mv_str in, mv_buf *out)
{
	static const char repl[] = "\xEF\xBF\xBD";
	char obuf[OUT_CHUNK], *ip = (char *)(uintptr_t)in.p, *op;
	size_t il = in.len, ol, r;
	bool replaced = false;
	iconv_t cd = cd_get(desc);
	int err;

	if (cd == (iconv_t)-1) {
		/* The platform's iconv lacks it: better a guess than nothing. */
		return charset_guess_to_utf8(in, out) == MV_CHARSET_TRUNCATED ?
			MV_CHARSET_TRUNCATED : MV_CHARSET_UNKNOWN;
	}
	/* Grow the buffer once for the common CJK ratio (2 bytes -> 3). */
	if (in.len > OUT_CHUNK)
		(void)charset_reserve(out, in.len / 2 * 3);
	(void)iconv(cd, NULL, NULL, NULL, NULL);
	while (il > 0) {
		op = obuf;
		ol = sizeof(obuf);
		r = iconv(cd, &ip, &il, &op, &ol);
		err = errno;
		if (charset_append(out, obuf, (size_t)(op - obuf)) < 0)
			return MV_CHARSET_TRUNCATED;
		if (r != (size_t)-1 || err == E2BIG)
			continue;
		if (charset_append(out, repl, 3) < 0)
			return MV_CHARSET_TRUNCATED;
		replaced = true;
		if (err == EINVAL || il == 0)
			break;	/* incomplete sequence at the end; or a stateful converter
				 * (UTF-7, ISO-2022) failing after consuming everything */
		ip++;		/* EILSEQ (or anything else): skip one byte */
		il--;
	}
	op = obuf;
	ol = sizeof(obuf);
	(void)iconv(cd, NULL, NULL, &op, &ol);
	if (charset_append(out, obuf, (size_t)(op - obuf)) < 0)
		return MV_CHARSET_TRUNCATED;
	return replaced ? MV_CHARSET_REPLACED : MV_CHARSET_OK;
}
