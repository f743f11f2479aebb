/*
 * Unit tests for the kernel/user ABI (include/bulkhead): message and payload
 * layouts are the same on the host as on i386, endpoints round-trip, and the
 * error numbers are newlib's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <bulkhead/ipc.h>
#include <bulkhead/klog.h>
#include <bulkhead/priv.h>
#include <bulkhead/errno.h>

static void test_message_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(message), 64);
	assert_int_equal(offsetof(message, m_source), 0);
	assert_int_equal(offsetof(message, m_type), 4);
	assert_int_equal(offsetof(message, raw), 8);
	assert_int_equal(offsetof(message, kc_time.tsc), 8);
	assert_int_equal(offsetof(message, kc_getlog.next_seq), 8 + 16);
	assert_int_equal(offsetof(message, kc_getdeath.name), 8 + 36);
	assert_int_equal(offsetof(message, notify.irq_pending), 12);
	assert_int_equal(sizeof(struct klog_entry), 36);
	assert_true(sizeof(struct test_done) <= MSG_PAYLOAD_MAX);
}

static void test_endpoints(void **state)
{
	(void)state;
	for (int gen = 1; gen < 100000; gen += 997) {
		for (int slot = 0; slot < NR_PROCS; slot++) {
			endpoint_t ep = make_endpoint(gen, slot);
			assert_true(ep > 0);
			assert_int_equal(endpoint_slot(ep), slot);
			assert_int_equal(endpoint_gen(ep), gen);
		}
	}
	assert_true(make_endpoint(ENDPOINT_GEN_MAX, NR_PROCS - 1) > 0);
	assert_true(NR_PROCS <= (1 << ENDPOINT_SLOT_BITS));
	assert_true(EP_ANY < 0 && EP_KERNEL < 0 && EP_HARDWARE < 0 && EP_CLOCK < 0);
}

static void test_error_numbers_are_newlibs(void **state)
{
	(void)state;
	/* Values from newlib 3.3's sys/errno.h. */
	assert_int_equal(EPERM, 1);
	assert_int_equal(ESRCH, 3);
	assert_int_equal(ENOEXEC, 8);
	assert_int_equal(EAGAIN, 11);
	assert_int_equal(EFAULT, 14);
	assert_int_equal(EINVAL, 22);
	assert_int_equal(EDEADLK, 45);
	assert_int_equal(ENOSYS, 88);
	assert_int_equal(ETIMEDOUT, 116);
}

static void test_basic_calls(void **state)
{
	(void)state;
	assert_true(KCALLS_BASIC & (1u << KC_EXIT));
	assert_true(KCALLS_BASIC & (1u << KC_BRK));
	assert_false(KCALLS_BASIC & (1u << KC_SHUTDOWN));
	assert_false(KCALLS_BASIC & (1u << KC_KILL));
	assert_true(KCALLS_BASIC & (1u << KC_GETLOG));      /* dmesg for everyone */
	assert_false(KCALLS_BASIC & (1u << KC_DEVIO));
	assert_true(KCALLS_BASIC & (1u << KC_SETGRANT));
	assert_false(KCALLS_BASIC & (1u << KC_SAFECOPY));
	assert_true(NR_KCALLS <= NR_KCALL_BITS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_layout),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_error_numbers_are_newlibs),
		cmocka_unit_test(test_basic_calls),
	};
	return cmocka_run_group_tests_name("message", tests, NULL, NULL);
}
