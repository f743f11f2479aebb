/*
 * Unit tests for memcpy's block loop (include/bulkhead/copy.h, through
 * lib/posix/memcpy.c, built here for the host): every length from 0 to
 * past a full frame, at every source and destination alignment, copies
 * exactly the bytes asked and touches none around them; and it returns
 * its destination.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/copy.h>

#define MAX_LEN 1600
#define ALIGNS  8
#define GUARD   16               /* bytes checked on each side of the destination */
#define POISON  0xa5

static uint8_t src[MAX_LEN + ALIGNS], dst[GUARD + MAX_LEN + ALIGNS + GUARD];

static void check_one(size_t len, size_t sa, size_t da)
{
	uint8_t *d = dst + GUARD + da;
	size_t k;

	memset(dst, POISON, sizeof dst);
	assert_ptr_equal(memcpy(d, src + sa, len), d);
	for (k = 0; k < len; k++)
		assert_int_equal(d[k], src[sa + k]);
	for (k = 0; k < (size_t)(d - dst); k++)
		assert_int_equal(dst[k], POISON);
	for (k = (size_t)(d - dst) + len; k < sizeof dst; k++)
		assert_int_equal(dst[k], POISON);
}

static void every_length_and_alignment(void **state)
{
	size_t len, sa, da;

	(void)state;
	srand(11);
	for (len = 0; len < sizeof src; len++)
		src[len] = (uint8_t)rand();
	for (sa = 0; sa < ALIGNS; sa++)
		for (da = 0; da < ALIGNS; da++)
			for (len = 0; len <= MAX_LEN; len++)
				check_one(len, sa, da);
}

/* Right at and around the lengths where the block loop starts and each round ends. */
static void block_boundaries(void **state)
{
	static const size_t lens[] = { COPY_BLOCKS_MIN - 1, COPY_BLOCKS_MIN, COPY_BLOCKS_MIN + 1,
	                               COPY_BLOCKS_MIN + COPY_BLOCK - 1, COPY_BLOCKS_MIN + COPY_BLOCK,
	                               1514, 1518 };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof src; k++)
		src[k] = (uint8_t)(k * 7 + 1);
	for (k = 0; k < sizeof lens / sizeof lens[0]; k++)
		check_one(lens[k], 3, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_length_and_alignment),
		cmocka_unit_test(block_boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
