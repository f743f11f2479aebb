/*
 * port: what lwIP needs from the system when it runs with NO_SYS in one
 * process (see port/lwipopts.h): the time in milliseconds, from the kernel
 * clock, and what to do when one of its assertions fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <bulkhead/syslib.h>
#include "lwip/sys.h"

u32_t sys_now(void)
{
	return sys_uptime_ms();
}

void inet_assert_failed(const char *what, const char *file, int line)
{
	printf("inet: lwIP assertion failed at %s:%d: %s\n", file, line, what);
	exit(3);
}
