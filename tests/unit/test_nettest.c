/*
 * Unit tests for the network driver library's NET_TEST handling
 * (lib/netdriver/nettest.c): a driver not started with --test refuses
 * every test request (-EPERM) and arms nothing, so no client can crash,
 * reset or probe through it; one started with --test arms a crash for the
 * one kind of batch call asked, resets only through a driver's test_reset,
 * holds and runs the transmitter only through its test_hold_tx, and
 * refuses what it does not know. (The crashes themselves, and the
 * probe's port reads, are the in-OS tests' to see: tests/os/t_netclient.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/errno.h>
#include <bulkhead/nettest.h>
#include "nettest.h"

static int resets, holding = -1;

int pci_claim(uint32_t index, uint16_t vendor, uint16_t device, struct pci_device *out)
{
	(void)index, (void)vendor, (void)device, (void)out;
	fail_msg("pci_claim called: no probe is asked here");
	return -ENOSYS;
}

int sys_devio(uint32_t port, uint8_t size, uint8_t dir, uint32_t *value)
{
	(void)port, (void)size, (void)dir, (void)value;
	fail_msg("a port was read: no probe is asked here");
	return -ENOSYS;
}

static int reset_stub(void)
{
	resets++;
	return 0;
}

static int hold_stub(int hold)
{
	holding = hold;
	return 0;
}

static int ask(uint32_t op, const struct netdriver_ops *nic)
{
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = NET_TEST;
	m.net_test_req.op = op;
	return nettest_request(&m, nic);
}

/* (Runs first: the library's test mode, once on, stays on for the process.) */
static void refused_without_the_test_flag(void **state)
{
	static const struct netdriver_ops nic = { .test_reset = reset_stub, .test_hold_tx = hold_stub };
	char *argv[] = { "/drivers/x", "isa", "300", "9", NULL };
	uint32_t op;

	(void)state;
	nettest_init(4, argv);
	for (op = 0; op <= NET_TEST_TX_RUN + 1; op++)
		assert_int_equal(ask(op, &nic), -EPERM);
	nettest_crash_point(NET_TEST_CRASH_IN_RECV);          /* nothing was armed: returns */
	nettest_crash_point(NET_TEST_CRASH_IN_SEND);
	assert_int_equal(resets, 0);
	assert_int_equal(holding, -1);
}

static void with_it_arms_resets_holds_and_refuses_the_unknown(void **state)
{
	static const struct netdriver_ops plain, resettable = { .test_reset = reset_stub },
	                                  holdable = { .test_hold_tx = hold_stub };
	char *argv[] = { "/drivers/x", "--test", NULL };

	(void)state;
	nettest_init(2, argv);
	assert_int_equal(ask(NET_TEST_CRASH_IN_RECV, &plain), 0);
	nettest_crash_point(NET_TEST_CRASH_IN_SEND);          /* only the kind asked crashes */
	assert_int_equal(ask(NET_TEST_RESET, &plain), -EINVAL);
	assert_int_equal(ask(NET_TEST_RESET, &resettable), 0);
	assert_int_equal(resets, 1);
	assert_int_equal(ask(NET_TEST_TX_HOLD, &plain), -EINVAL);
	assert_int_equal(ask(NET_TEST_TX_HOLD, &holdable), 0);
	assert_int_equal(holding, 1);
	assert_int_equal(ask(NET_TEST_TX_RUN, &holdable), 0);
	assert_int_equal(holding, 0);
	assert_int_equal(ask(0, &plain), -EINVAL);
	assert_int_equal(ask(NET_TEST_TX_RUN + 1, &holdable), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_without_the_test_flag),
		cmocka_unit_test(with_it_arms_resets_holds_and_refuses_the_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
