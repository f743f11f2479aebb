/*
 * Unit tests for inet's watch on a silent interface (servers/inet/quiet.c):
 * probe after the quiet time, deaf when not even the probe is answered, the
 * quiet time doubling on an idle link or after a restart, and back to its
 * start when traffic comes by itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "quiet.h"

#define T0 1000u

static struct quiet q;
static uint32_t next;

static int setup(void **state)
{
	(void)state;
	quiet_init(&q, T0);
	return 0;
}

static void nothing_before_the_quiet_time(void **state)
{
	(void)state;
	assert_int_equal(quiet_check(&q, T0 + QUIET_MS - 1, &next), QUIET_NOTHING);
	assert_int_equal(next, 1);
}

static void traffic_keeps_it_quiet(void **state)
{
	(void)state;
	quiet_heard(&q, T0 + QUIET_MS - 1);
	assert_int_equal(quiet_check(&q, T0 + QUIET_MS, &next), QUIET_NOTHING);
	assert_int_equal(next, QUIET_MS - 1);
}

static void probe_then_deaf(void **state)
{
	(void)state;
	assert_int_equal(quiet_check(&q, T0 + QUIET_MS, &next), QUIET_PROBE);
	assert_int_equal(next, PROBE_WAIT_MS);
	assert_int_equal(quiet_check(&q, T0 + QUIET_MS + PROBE_WAIT_MS - 1, &next), QUIET_NOTHING);
	assert_int_equal(next, 1);
	assert_int_equal(quiet_check(&q, T0 + QUIET_MS + PROBE_WAIT_MS, &next), QUIET_DEAF);
	assert_int_equal(next, 2 * QUIET_MS);          /* after a restart it waits longer */
}

static void answered_probe_is_not_deaf(void **state)
{
	(void)state;
	assert_int_equal(quiet_check(&q, T0 + QUIET_MS, &next), QUIET_PROBE);
	quiet_heard(&q, T0 + QUIET_MS + 10);
	assert_int_equal(quiet_check(&q, T0 + QUIET_MS + PROBE_WAIT_MS, &next), QUIET_NOTHING);
	assert_int_equal(q.quiet_ms, 2 * QUIET_MS);    /* an idle link: probed less often */
}

static void unasked_traffic_resets_the_quiet_time(void **state)
{
	uint32_t t = T0;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {                      /* three restarts that did not help */
		t += q.quiet_ms;
		assert_int_equal(quiet_check(&q, t, &next), QUIET_PROBE);
		t += PROBE_WAIT_MS;
		assert_int_equal(quiet_check(&q, t, &next), QUIET_DEAF);
	}
	assert_int_equal(q.quiet_ms, 8 * QUIET_MS);
	quiet_heard(&q, t + 1);
	assert_int_equal(q.quiet_ms, QUIET_MS);
}

static void quiet_time_is_bounded(void **state)
{
	uint32_t t = T0;
	int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		t += q.quiet_ms;
		quiet_check(&q, t, &next);
		t += PROBE_WAIT_MS;
		quiet_check(&q, t, &next);
	}
	assert_int_equal(q.quiet_ms, QUIET_MAX_MS);
}

static void attach_restarts_the_silence(void **state)
{
	(void)state;
	assert_int_equal(quiet_check(&q, T0 + QUIET_MS, &next), QUIET_PROBE);
	quiet_attached(&q, T0 + QUIET_MS + 100);       /* a new incarnation: the probe is void */
	assert_int_equal(quiet_check(&q, T0 + QUIET_MS + PROBE_WAIT_MS, &next), QUIET_NOTHING);
	assert_int_equal(q.quiet_ms, QUIET_MS);
}

static void time_wraps(void **state)
{
	(void)state;
	quiet_init(&q, 0xffffff00u);
	assert_int_equal(quiet_check(&q, 0xffffff00u + QUIET_MS, &next), QUIET_PROBE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(nothing_before_the_quiet_time, setup),
		cmocka_unit_test_setup(traffic_keeps_it_quiet, setup),
		cmocka_unit_test_setup(probe_then_deaf, setup),
		cmocka_unit_test_setup(answered_probe_is_not_deaf, setup),
		cmocka_unit_test_setup(unasked_traffic_resets_the_quiet_time, setup),
		cmocka_unit_test_setup(quiet_time_is_bounded, setup),
		cmocka_unit_test_setup(attach_restarts_the_silence, setup),
		cmocka_unit_test_setup(time_wraps, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
