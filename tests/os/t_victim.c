/*
 * t_victim: a process to be traced. Each TEST_GO it reports what secret()
 * returns, secret's address (in its text) and a variable's (in its data).
 */
#include <string.h>
#include "lib/testlib.h"

static volatile uint32_t variable = 7;

/* noipa: the compiler may not use the known result at the call site. */
static __attribute__((noipa)) uint32_t secret(void)
{
	return 0x1234abcd;
}

int main(void)
{
	message m;

	if (t_hello(ROLE_NONE, &m) < 0)
		return 2;
	for (;;) {
		memset(&m, 0, sizeof m);
		m.test_done.result = (int32_t)secret();
		m.test_done.work = (uint32_t)secret;
		m.test_done.detail[0] = (int32_t)&variable;
		t_send_type(t_manager(), TEST_DONE, &m);
		ipc_receive(t_manager(), &m);
	}
}
