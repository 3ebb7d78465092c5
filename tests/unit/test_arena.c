/* test_arena.c - the bump allocator behind ingest_decode's cJSON trees
 * (collector/arena.h): alignment, no overlap, reuse after a reset, and the
 * memory kept between requests bounded whatever one request needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdalign.h>
#include <string.h>

#include "arena.h"

static void test_alloc_aligned_distinct(void **state)
{
	struct arena a = ARENA_INIT;
	unsigned char *p[2000];
	size_t i, n;

	(void)state;
	for (i = 0; i < 2000; i++) {
		n = 1 + i % 97;
		p[i] = arena_alloc(&a, n);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % alignof(max_align_t), 0);
		memset(p[i], (int)(i & 0xFF), n);
	}
	for (i = 0; i < 2000; i++) /* nothing overwritten by a later one */
		assert_int_equal(p[i][0], i & 0xFF);
	assert_non_null(arena_alloc(&a, 0));
	assert_null(arena_alloc(&a, SIZE_MAX - 8));
	arena_release(&a);
	assert_null(a.head);
}

static void test_reset_keeps_one_bounded_chunk(void **state)
{
	struct arena a = ARENA_INIT;
	void *first, *again;
	size_t i;

	(void)state;
	for (i = 0; i < 100; i++) /* 6.4 MB in 64 KB pieces: chunks up to 1 MiB */
		assert_non_null(arena_alloc(&a, 64000));
	assert_true(arena_held(&a) >= 6400000);
	arena_reset(&a);
	assert_true(arena_held(&a) <= ARENA_KEEP_MAX);
	assert_true(arena_held(&a) > 0);
	/* the kept chunk is used again: no malloc for a request that fits */
	first = arena_alloc(&a, 100);
	arena_reset(&a);
	again = arena_alloc(&a, 100);
	assert_ptr_equal(first, again);
	/* one allocation larger than a chunk: its own chunk, not kept */
	assert_non_null(arena_alloc(&a, 8 * ARENA_KEEP_MAX));
	assert_non_null(arena_alloc(&a, 10));
	arena_reset(&a);
	assert_true(arena_held(&a) <= ARENA_KEEP_MAX);
	arena_release(&a);
	assert_int_equal(arena_held(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alloc_aligned_distinct),
	    cmocka_unit_test(test_reset_keeps_one_bounded_chunk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
