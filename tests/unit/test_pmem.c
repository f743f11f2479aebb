/* Unit tests for the physical page allocator (kernel/pmem.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "pmem.h"

/* The kernel's panic, for the code under test: a failed cmocka assertion. */
void panic(const char *fmt, ...)
{
	mock_assert(0, fmt, __FILE__, __LINE__);
	abort();
}

#define MB (1024u * 1024u)

static int setup(void **state)
{
	(void)state;
	pmem_mark_used(0, PMEM_LIMIT);          /* a clean slate between tests */
	return 0;
}

static void test_free_ranges_shrink_to_whole_pages(void **state)
{
	(void)state;
	pmem_mark_free(MB + 100, 3 * PAGE_SIZE);   /* covers only 2 whole pages */
	assert_int_equal(pmem_free_pages(), 2);
	assert_false(pmem_is_free(MB));
	assert_true(pmem_is_free(MB + PAGE_SIZE));
}

static void test_page_zero_is_never_free(void **state)
{
	(void)state;
	pmem_mark_free(0, 4 * PAGE_SIZE);
	assert_int_equal(pmem_free_pages(), 3);
	assert_false(pmem_is_free(0));
	for (int i = 0; i < 3; i++)
		assert_int_not_equal(pmem_alloc(), 0);
	assert_int_equal(pmem_alloc(), 0);          /* exhausted: 0 means none */
}

static void test_alloc_free_bookkeeping(void **state)
{
	phys_bytes pages[16];

	(void)state;
	pmem_mark_free(MB, 16 * PAGE_SIZE);
	for (int i = 0; i < 16; i++) {
		pages[i] = pmem_alloc();
		assert_true(pages[i] >= MB && pages[i] < MB + 16 * PAGE_SIZE);
		assert_int_equal(pages[i] % PAGE_SIZE, 0);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(pages[i], pages[j]);
	}
	assert_int_equal(pmem_free_pages(), 0);
	for (int i = 0; i < 16; i++)
		pmem_free(pages[i]);
	assert_int_equal(pmem_free_pages(), 16);
}

static void test_reserved_ranges_are_not_handed_out(void **state)
{
	(void)state;
	pmem_mark_free(MB, 8 * PAGE_SIZE);
	pmem_mark_used(MB + 2 * PAGE_SIZE + 1, 1);  /* a byte reserves its whole page */
	assert_int_equal(pmem_free_pages(), 7);
	for (int i = 0; i < 7; i++)
		assert_int_not_equal(pmem_alloc(), MB + 2 * PAGE_SIZE);
}

static void test_contiguous_runs(void **state)
{
	phys_bytes a, b;

	(void)state;
	pmem_mark_free(MB, 4 * PAGE_SIZE);
	pmem_mark_free(2 * MB, 8 * PAGE_SIZE);
	a = pmem_alloc_contig(6);                   /* only the second range fits */
	assert_int_equal(a, 2 * MB);
	assert_int_equal(pmem_free_pages(), 6);
	b = pmem_alloc_contig(5);                   /* nothing that long is left */
	assert_int_equal(b, 0);
	assert_int_equal(pmem_free_pages(), 6);
	assert_int_equal(pmem_alloc_contig(0), 0);
	pmem_free_contig(a, 6);
	assert_int_equal(pmem_free_pages(), 12);
}

static void test_double_free_panics(void **state)
{
	phys_bytes p;

	(void)state;
	pmem_mark_free(MB, PAGE_SIZE);
	p = pmem_alloc();
	pmem_free(p);
	expect_assert_failure(pmem_free(p));
	expect_assert_failure(pmem_free(p + 1));    /* not page aligned */
	expect_assert_failure(pmem_free(0));
}

static void test_memory_beyond_the_limit_is_ignored(void **state)
{
	(void)state;
	pmem_mark_free((uint64_t)PMEM_LIMIT - PAGE_SIZE, 64 * MB);
	assert_int_equal(pmem_free_pages(), 1);
	pmem_mark_free(0x100000000ull, 0x100000000ull);   /* RAM above 4 GiB */
	assert_int_equal(pmem_free_pages(), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_free_ranges_shrink_to_whole_pages, setup),
		cmocka_unit_test_setup(test_page_zero_is_never_free, setup),
		cmocka_unit_test_setup(test_alloc_free_bookkeeping, setup),
		cmocka_unit_test_setup(test_reserved_ranges_are_not_handed_out, setup),
		cmocka_unit_test_setup(test_contiguous_runs, setup),
		cmocka_unit_test_setup(test_double_free_panics, setup),
		cmocka_unit_test_setup(test_memory_beyond_the_limit_is_ignored, setup),
	};
	return cmocka_run_group_tests_name("pmem", tests, NULL, NULL);
}
