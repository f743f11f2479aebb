/*
 * t_tracer: has trace rights over one victim only (given by the controller),
 * and the KC_PRIVCTL call bit without being an installer. Patches the
 * immediate that the victim's secret() returns, and checks every way the
 * trace call must refuse: another copy of the program, a system server,
 * non-text memory, kernel memory, the clock page (read-only and user-visible
 * like text, but the kernel's), bad sizes, raising its own privileges.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/layout.h>
#include "lib/testlib.h"

static int failures, denied_trace, denied_priv;

static void expect(const char *what, int got, int want, int *tally)
{
	if (got != want) {
		printf("t_tracer: %s returned %d, want %d\n", what, got, want);
		failures++;
	}
	if (got < 0 && tally)
		(*tally)++;
}

int main(void)
{
	struct test_trace t;
	struct procinfo info;
	struct priv p;
	uint8_t code[32], check[4];
	message m;
	int i, at = -1;

	if (t_hello(ROLE_NONE, &m) < 0 || m.m_type != TEST_TRACE)
		return 2;
	t = m.test_trace;

	expect("read victim text", sys_trace(TRACE_READ_TEXT, t.victim, t.text, code, sizeof code), 0, NULL);
	for (i = 0; i + 4 <= (int)sizeof code && at < 0; i++)
		if (!memcmp(code + i, &t.old_value, 4))
			at = i;
	if (at < 0) {
		printf("t_tracer: %x not found in the victim's secret()\n", t.old_value);
		failures++;
	} else {
		expect("patch victim text", sys_trace(TRACE_WRITE_TEXT, t.victim, t.text + at, &t.new_value, 4), 0, NULL);
		expect("read back", sys_trace(TRACE_READ_TEXT, t.victim, t.text + at, check, 4), 0, NULL);
		if (memcmp(check, &t.new_value, 4))
			failures++;
	}
	expect("trace another copy", sys_trace(TRACE_READ_TEXT, t.other_victim, t.text, code, 4), -EPERM, &denied_trace);
	expect("trace a system server", sys_trace(TRACE_READ_TEXT, t.bystander, 0x40000000, code, 4), -EPERM, &denied_trace);
	expect("patch victim data", sys_trace(TRACE_WRITE_TEXT, t.victim, t.data, code, 4), -EFAULT, &denied_trace);
	expect("patch the clock page", sys_trace(TRACE_WRITE_TEXT, t.victim, USER_CLOCK_PAGE, code, 4), -EFAULT, &denied_trace);
	expect("read the clock page", sys_trace(TRACE_READ_TEXT, t.victim, USER_CLOCK_PAGE, code, 4), -EFAULT, &denied_trace);
	expect("read kernel through victim", sys_trace(TRACE_READ_TEXT, t.victim, 0x100000, code, 4), -EFAULT, &denied_trace);
	expect("zero length", sys_trace(TRACE_READ_TEXT, t.victim, t.text, code, 0), -EINVAL, &denied_trace);
	expect("bad operation", sys_trace(9, t.victim, t.text, code, 4), -EINVAL, &denied_trace);
	expect("into our kernel memory", sys_trace(TRACE_READ_TEXT, t.victim, t.text, (void *)0x100000, 4), -EFAULT, &denied_trace);
	expect("dead target", sys_trace(TRACE_READ_TEXT, make_endpoint(1, 200), t.text, code, 4), -ESRCH, &denied_trace);
	memset(&p, 0xff, sizeof p);
	expect("raise own privileges", sys_privctl(EP_SELF, PRIVCTL_SET, &p), -EPERM, &denied_priv);

	sys_procinfo(-1, EP_SELF, &info);
	if (info.denied[DENY_TRACE] != (uint32_t)denied_trace || info.denied[DENY_PRIV] != (uint32_t)denied_priv) {
		printf("t_tracer: kernel counted %u trace and %u privilege denials, we made %d and %d\n",
		       info.denied[DENY_TRACE], info.denied[DENY_PRIV], denied_trace, denied_priv);
		failures++;
	}
	memset(&m, 0, sizeof m);
	m.test_done.result = failures;
	t_send_type(t_manager(), TEST_DONE, &m);
	return 0;
}
