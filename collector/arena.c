/* arena.c - bump allocation in chunks that grow from ARENA_CHUNK_MIN to
 * ARENA_KEEP_MAX; a request larger than that gets a chunk of its own. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

/* Under AddressSanitizer the bytes of a chunk not handed out are poisoned,
 * so that a pointer kept into the arena past a reset (a string of a cJSON
 * tree that should have been copied) fails the ASan pass of make check. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap, used;
	alignas(max_align_t) unsigned char data[];
};

#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

static struct arena_chunk *chunk_new(size_t cap)
{
	struct arena_chunk *c;

	if (cap > SIZE_MAX - sizeof(*c))
		return NULL;
	c = malloc(sizeof(*c) + cap);
	if (!c)
		return NULL;
	c->next = NULL;
	c->cap = cap;
	c->used = 0;
	POISON(c->data, cap);
	return c;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t cap;

	if (n > SIZE_MAX / 2)
		return NULL;
	n = ALIGN_UP(n ? n : 1);
	if (c && c->cap - c->used >= n) {
		c->used += n;
		UNPOISON(c->data + c->used - n, n);
		return c->data + c->used - n;
	}
	cap = c ? c->cap * 2 : ARENA_CHUNK_MIN;
	if (cap > ARENA_KEEP_MAX)
		cap = ARENA_KEEP_MAX;
	if (cap < n)
		cap = n;
	c = chunk_new(cap);
	if (!c)
		return NULL;
	if (a->head && cap == n && a->head->cap - a->head->used > 0) {
		/* a big one-off: behind the head, which goes on filling */
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	c->used = n;
	UNPOISON(c->data, n);
	return c->data;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *keep = a->head, *c, *next;

	if (keep && keep->cap > ARENA_KEEP_MAX)
		keep = NULL;
	for (c = a->head; c; c = next) {
		next = c->next;
		if (c != keep) {
			UNPOISON(c->data, c->cap);
			free(c);
		}
	}
	a->head = keep;
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
		POISON(keep->data, keep->cap);
	}
}

void arena_release(struct arena *a)
{
	arena_reset(a);
	if (a->head)
		UNPOISON(a->head->data, a->head->cap);
	free(a->head);
	a->head = NULL;
}

size_t arena_held(const struct arena *a)
{
	const struct arena_chunk *c;
	size_t n = 0;

	for (c = a->head; c; c = c->next)
		n += c->cap;
	return n;
}
