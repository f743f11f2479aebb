/*
 * Unit tests for the e1000 driver's interrupt throttle choice
 * (drivers/e1000/throttle.c): on at once for a stream, off only after
 * THROTTLE_CALM_IRQS light interrupts in a row, a heavy one in between
 * starting the count again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "throttle.h"

static void off_at_first(void **state)
{
	struct throttle t = { 0, 0 };

	(void)state;
	assert_int_equal(throttle_update(&t, 1), 0);
	assert_int_equal(throttle_update(&t, 0), 0);
}

static void on_at_once_for_a_stream(void **state)
{
	struct throttle t = { 0, 0 };

	(void)state;
	assert_int_equal(throttle_update(&t, THROTTLE_BULK_FRAMES - 1), 0);
	assert_int_equal(throttle_update(&t, THROTTLE_BULK_FRAMES), 1);
}

static void off_only_after_calm_interrupts(void **state)
{
	struct throttle t = { 0, 0 };
	uint32_t k;

	(void)state;
	throttle_update(&t, 32);
	for (k = 1; k < THROTTLE_CALM_IRQS; k++)
		assert_int_equal(throttle_update(&t, 1), 1);
	assert_int_equal(throttle_update(&t, 1), 0);
}

static void heavy_interrupt_restarts_the_count(void **state)
{
	struct throttle t = { 0, 0 };
	uint32_t k;

	(void)state;
	throttle_update(&t, 32);
	for (k = 1; k < THROTTLE_CALM_IRQS; k++)
		throttle_update(&t, 0);
	assert_int_equal(throttle_update(&t, THROTTLE_BULK_FRAMES), 1);
	for (k = 1; k < THROTTLE_CALM_IRQS; k++)
		assert_int_equal(throttle_update(&t, 2), 1);
	assert_int_equal(throttle_update(&t, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(off_at_first),
		cmocka_unit_test(on_at_once_for_a_stream),
		cmocka_unit_test(off_only_after_calm_interrupts),
		cmocka_unit_test(heavy_interrupt_restarts_the_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
