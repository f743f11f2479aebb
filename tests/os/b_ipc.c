/*
 * b_ipc: the IPC benchmark (boot configuration bench). Prints how long this
 * first user process took to start (uptime), and the cost of a sendrec +
 * reply round trip to an echo process in another address space, in cycles,
 * averaged over ROUND_TRIPS. The host (tools/bench.py) reads the lines.
 */
#include <stdio.h>
#include <string.h>
#include "lib/testlib.h"

#define ROUND_TRIPS 200000

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

int main(void)
{
	endpoint_t ep[NR_ROLES] = { 0 };
	struct kc_time t;
	uint64_t t0, t1;
	message m;
	uint32_t i, errors = 0;

	sys_time(&t);
	printf("[bench] first_user_process uptime_ms=%u\n", t.uptime_ms);
	if (t_collect(ep, 1, 10000) < 0)
		sys_shutdown(1);
	t_go(ep[ROLE_ECHO], EP_NONE, 0, 0);
	memset(&m, 0, sizeof m);
	t0 = rdtsc();
	for (i = 0; i < ROUND_TRIPS; i++) {
		m.m_type = TEST_PING;
		m.test_ping.seq = i;
		if (ipc_sendrec(ep[ROLE_ECHO], &m) < 0)
			errors++;
	}
	t1 = rdtsc();
	printf("[bench] ipc_roundtrip cycles=%u round_trips=%u errors=%u tsc_khz=%u\n",
	       (uint32_t)((t1 - t0) / ROUND_TRIPS), ROUND_TRIPS, errors, t.tsc_khz);
	fflush(stdout);
	sys_shutdown(errors ? 1 : 0);
}
