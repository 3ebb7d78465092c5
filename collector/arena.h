/* arena.h - a bump allocator for the short-lived objects of one request.
 *
 * ingest_decode parses a report into a cJSON tree of thousands of small
 * nodes and strings that all die together a moment later. Taken one by one
 * from malloc they were 40% of the collector's CPU per full report (the
 * profile in bench/profiles/). An arena hands out memory by moving a
 * pointer and frees it all at once; arena_reset keeps one chunk, so a thread
 * that decodes report after report stops calling malloc at all. */
#ifndef FC_COLLECTOR_ARENA_H
#define FC_COLLECTOR_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head; /* the chunk being filled; older ones follow */
};

#define ARENA_INIT                                                                                 \
	{                                                                                          \
		NULL                                                                               \
	}

/* Returns n bytes aligned for any object, or NULL when malloc fails or n
 * is absurd. Never returns the same bytes twice before a reset. */
void *arena_alloc(struct arena *a, size_t n);
/* Forgets every allocation. Keeps the newest chunk for reuse when it is at
 * most ARENA_KEEP_MAX bytes, so memory held between requests is bounded
 * whatever one request needed. */
void arena_reset(struct arena *a);
/* Frees every chunk. */
void arena_release(struct arena *a);
/* Bytes held in chunks (for tests and metrics). */
size_t arena_held(const struct arena *a);

#define ARENA_CHUNK_MIN ((size_t)64 << 10)
#define ARENA_KEEP_MAX ((size_t)1 << 20)

#endif
