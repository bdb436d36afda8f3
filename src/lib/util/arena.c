/*
 * Region allocator for one message.  Blocks are chained; small requests are
 * carved from the current block, large ones get a block of their own.  The
 * ceiling counts bytes handed out, so a hostile message that asks for more
 * than the ceiling gets NULL and a limit symbol, never an OOM kill.
 *
 * Each thread keeps spares: the allocation (arena and first block) of the
 * last arena it freed, which its next mv_arena_new() takes, and freed blocks
 * of the doubling sizes (32 KiB to 1 MiB), up to 4 MiB, which later messages
 * take before asking malloc().  A scan frees one message's arena and makes
 * the next one's at once, so this saves a malloc() and a free() or more per
 * message, and page faults on memory malloc() would give back to the kernel.
 * Spares are freed at thread exit.  Under AddressSanitizer there are none, so
 * a use after mv_arena_free() is still caught.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailvet/arena.h"
#include "util/thread_exit.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_NO_SPARE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ARENA_NO_SPARE 1	/* MemorySanitizer would take a past message's bytes as initialised */
#endif
#endif

#define ARENA_ALIGN		16u
#define ARENA_FIRST_BLOCK	((size_t)16 << 10)
#define ARENA_SECOND_BLOCK	(ARENA_FIRST_BLOCK * 2)
#define ARENA_MAX_BLOCK		((size_t)1 << 20)

struct arena_block {
	struct arena_block *next;
	size_t size;		/* usable bytes in data[] */
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct mv_arena {
	struct arena_block *head;	/* current block, newest first */
	struct arena_block *first;	/* kept across resets; it lives in the same allocation as the arena */
	size_t max;
	size_t used;
	size_t next_block;
	void *last;			/* most recent allocation, for in-place growth */
	int exhausted;
};

static size_t align_up(size_t n)
{
	return (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
}

#define SPARE_CLASSES		6		/* the doubling block sizes, ARENA_SECOND_BLOCK to ARENA_MAX_BLOCK */
#define SPARE_BLOCK_BYTES	((size_t)4 << 20)	/* most a thread keeps in spare blocks */

_Static_assert((ARENA_SECOND_BLOCK << (SPARE_CLASSES - 1)) == ARENA_MAX_BLOCK, "one spare list per block size");

#ifndef ARENA_NO_SPARE
/* The spare list for a block of this size, or -1: only the doubling sizes are kept. */
static int spare_class(size_t size)
{
	if (size < ARENA_SECOND_BLOCK || size > ARENA_MAX_BLOCK || (size & (size - 1)) != 0)
		return -1;
	return __builtin_ctzll(size) - __builtin_ctzll(ARENA_SECOND_BLOCK);
}

/*
 * This thread's spares.  Fresh memory costs a page fault per page on first
 * touch (12 to 17 us each on our benchmark's virtual machine), and malloc()
 * gives big freed blocks back to the kernel, so a filter that gets a large
 * message now and then would pay those faults again and again.  Kept blocks
 * are touched already.
 */
struct spares {
	struct mv_thread_exit exit;		/* first: release() gets it */
	void *arena;				/* an arena with its first block */
	struct arena_block *blocks[SPARE_CLASSES];	/* chained by next */
	size_t block_bytes;
};

static void spares_release(struct mv_thread_exit *hook);

static _Thread_local struct spares spares = { .exit.release = spares_release };

_Static_assert(offsetof(struct spares, exit) == 0, "release() casts its hook to the spares");

/* At thread exit: hook is the thread's spares. */
static void spares_release(struct mv_thread_exit *hook)
{
	struct spares *sp = (struct spares *)hook;
	int c;

	free(sp->arena);
	sp->arena = NULL;
	for (c = 0; c < SPARE_CLASSES; c++) {
		while (sp->blocks[c] != NULL) {
			struct arena_block *b = sp->blocks[c];

			sp->blocks[c] = b->next;
			free(b);
		}
	}
	sp->block_bytes = 0;
}

static bool spare_keep_arena(void *a)
{
	if (spares.arena != NULL || !mv_thread_exit_register(&spares.exit))
		return false;
	spares.arena = a;
	return true;
}

static void *spare_take_arena(void)
{
	void *a = spares.arena;

	spares.arena = NULL;
	return a;
}

static bool spare_keep_block(struct arena_block *b)
{
	int c = spare_class(b->size);

	if (c < 0 || b->size > SPARE_BLOCK_BYTES - spares.block_bytes ||
	    !mv_thread_exit_register(&spares.exit))
		return false;
	b->next = spares.blocks[c];
	spares.blocks[c] = b;
	spares.block_bytes += b->size;
	return true;
}

static struct arena_block *spare_take_block(size_t size)
{
	int c = spare_class(size);
	struct arena_block *b;

	if (c < 0 || (b = spares.blocks[c]) == NULL)
		return NULL;
	spares.blocks[c] = b->next;
	spares.block_bytes -= size;
	return b;
}
#else
static bool spare_keep_arena(void *a)
{
	(void)a;
	return false;
}

static void *spare_take_arena(void)
{
	return NULL;
}

static bool spare_keep_block(struct arena_block *b)
{
	(void)b;
	return false;
}

static struct arena_block *spare_take_block(size_t size)
{
	(void)size;
	return NULL;
}
#endif

static struct arena_block *block_new(size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = spare_take_block(size);
	if (b == NULL)
		b = malloc(sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

/* The arena and its first block are one malloc(): most messages need nothing more. */
mv_arena *mv_arena_new(size_t max_bytes)
{
	size_t head = align_up(sizeof(struct mv_arena));
	mv_arena *a = spare_take_arena();

	if (a == NULL)
		a = malloc(head + sizeof(struct arena_block) + ARENA_FIRST_BLOCK);

	if (a == NULL)
		return NULL;
	memset(a, 0, sizeof(*a));
	a->max = max_bytes != 0 ? max_bytes : MV_ARENA_DEFAULT_MAX;
	a->first = (struct arena_block *)((unsigned char *)a + head);
	a->first->next = NULL;
	a->first->size = ARENA_FIRST_BLOCK;
	a->first->used = 0;
	a->head = a->first;
	a->next_block = ARENA_SECOND_BLOCK;
	return a;
}

/*
 * The blocks of the largest size are offered to the spares last: most
 * messages need the smaller ones, which a huge message's many 1 MiB blocks
 * must not crowd out.  They are offered newest first, as the others, so
 * the spares hand out the oldest (wholly used, so wholly touched) first.
 */
static void free_blocks_except_first(mv_arena *a)
{
	struct arena_block *b, *next, *largest = NULL, **largest_end = &largest;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (b == a->first)
			continue;
		if (b->size >= ARENA_MAX_BLOCK) {
			b->next = NULL;
			*largest_end = b;
			largest_end = &b->next;
		} else if (!spare_keep_block(b)) {
			free(b);
		}
	}
	for (b = largest; b != NULL; b = next) {
		next = b->next;
		if (!spare_keep_block(b))
			free(b);
	}
}

void mv_arena_free(mv_arena **arena)
{
	mv_arena *a = *arena;

	if (a == NULL)
		return;
	free_blocks_except_first(a);
	if (!spare_keep_arena(a))
		free(a);	/* the first block goes with it */
	*arena = NULL;
}

void mv_arena_reset(mv_arena *a)
{
	free_blocks_except_first(a);
	a->first->next = NULL;
	a->first->used = 0;
	a->head = a->first;
	a->used = 0;
	a->next_block = ARENA_SECOND_BLOCK;
	a->last = NULL;
	a->exhausted = 0;
}

/* Every other case: size 0, the ceiling, or a new block.  Not inlined, so the fast path needs no stack frame. */
static void *arena_alloc_slow(mv_arena *a, size_t size) __attribute__((noinline));

static void *arena_alloc_slow(mv_arena *a, size_t size)
{
	struct arena_block *b = a->head;
	void *p;

	if (size == 0)
		size = 1;
	/* The ceiling counts the rounded size, so used never passes max (max - used must not wrap). */
	if (size > SIZE_MAX - (ARENA_ALIGN - 1) || align_up(size) > a->max - a->used) {
		a->exhausted = 1;
		return NULL;
	}
	size = align_up(size);
	if (b->size - b->used < size) {
		size_t want = size > a->next_block ? size : a->next_block;

		b = block_new(want);
		if (b == NULL) {
			a->exhausted = 1;
			return NULL;
		}
		/* A huge one-off block goes behind the current one so that the
		 * current block's free space is not wasted. */
		if (size > a->next_block && a->head->size - a->head->used >= ARENA_ALIGN * 4) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
			if (a->next_block < ARENA_MAX_BLOCK)
				a->next_block *= 2;
		}
	}
	p = b->data + b->used;
	b->used += size;
	a->used += size;
	a->last = p;
	return p;
}

/* The common case, kept small: the request fits in the current block and under the ceiling. */
void *mv_arena_alloc(mv_arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t aligned = align_up(size);

	if (size != 0 && aligned >= size && aligned <= b->size - b->used && aligned <= a->max - a->used) {
		void *p = b->data + b->used;

		b->used += aligned;
		a->used += aligned;
		a->last = p;
		return p;
	}
	return arena_alloc_slow(a, size);
}

void *mv_arena_calloc(mv_arena *a, size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size) {
		a->exhausted = 1;
		return NULL;
	}
	p = mv_arena_alloc(a, count * size);
	if (p != NULL)
		memset(p, 0, count * size);
	return p;
}

char *mv_arena_strndup(mv_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = mv_arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	/* An empty s may be a null pointer, which memcpy() must not get even for 0 bytes: no branch on n. */
	memcpy(p, n != 0 ? s : p, n);
	p[n] = '\0';
	return p;
}

void *mv_arena_realloc(mv_arena *a, void *ptr, size_t old_size, size_t new_size)
{
	struct arena_block *b = a->head;
	void *p;

	if (ptr == NULL)
		return mv_arena_alloc(a, new_size);
	if (new_size <= old_size)
		return ptr;
	/* The newest allocation of the current block can grow in place. */
	if (ptr == a->last && (unsigned char *)ptr >= b->data &&
	    (unsigned char *)ptr < b->data + b->size) {
		size_t start = (size_t)((unsigned char *)ptr - b->data);
		size_t grow = align_up(new_size) - align_up(old_size);

		if (start + align_up(new_size) <= b->size && grow <= a->max - a->used) {
			b->used = start + align_up(new_size);
			a->used += grow;
			return ptr;
		}
	}
	p = mv_arena_alloc(a, new_size);
	if (p == NULL)
		return NULL;
	memcpy(p, ptr, old_size);
	return p;
}

size_t mv_arena_used(const mv_arena *a)
{
	return a->used;
}

int mv_arena_exhausted(const mv_arena *a)
{
	return a->exhausted;
}
