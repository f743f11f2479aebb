/*
 * b_recovery: the driver-recovery benchmark (boot configuration
 * bench-recovery; tools/bench.py reads its lines). The demo driver, under a
 * policy with no backoff and a 50 ms heartbeat, is made to crash (segfault)
 * and then to hang, RUNS times each. For every failure the driver manager
 * records when it detected it and how long until the new incarnation said it
 * was serving; this prints the median and the worst of those, and for hangs
 * also how long detection took.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/demo.h>
#include <bulkhead/policy.h>
#include "lib/testlib.h"

#define RUNS 120

static int cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, uint32_t *v, int n, const char *unit)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	printf("[bench] %s median=%u worst=%u best=%u unit=%s runs=%d\n", what, v[n / 2], v[n - 1], v[0], unit, n);
}

static int cycle(uint32_t mode, uint32_t *recovery_us, uint32_t *detect_ms)
{
	struct dm_driver_info before, info;
	struct dm_failure f;
	uint32_t value, sent, until;
	message m;

	if (dm_info("bench", 0, &before) < 0 || ds_lookup("bench", &value) < 0)
		return -1;
	memset(&m, 0, sizeof m);
	m.m_type = DEMO_CRASH;
	m.demo_req.mode = mode;
	sent = sys_uptime_ms();
	if (ipc_send((endpoint_t)value, &m) < 0)
		return -1;
	until = sent + 5000;
	do {
		t_sleep(1);
		if (dm_info("bench", 0, &info) == 0 && info.incarnation > before.incarnation &&
		    info.state == DRV_RUNNING && dm_history("bench", 0, &f) == 0 && f.recovery_us) {
			*recovery_us = f.recovery_us;
			*detect_ms = f.failed_ms - sent;
			return 0;
		}
	} while ((int32_t)(sys_uptime_ms() - until) < 0);
	return -1;
}

int main(void)
{
	static uint32_t crash_us[RUNS], hang_us[RUNS], hang_ms[RUNS], ignored;
	struct dm_up_request req;
	char err[POLICY_ERR_MAX];
	int i;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, "/drivers/demo");
	strcpy(req.label, "bench");
	strcpy(req.config, "/tests/bench.conf");
	if (dm_up(&req, err, sizeof err) < 0) {
		printf("[bench] cannot start the demo driver: %s\n", err);
		return 1;
	}
	t_sleep(100);
	for (i = 0; i < RUNS; i++)
		if (cycle(DEMO_SEGFAULT, &crash_us[i], &ignored) < 0) {
			printf("[bench] crash run %d did not recover\n", i);
			return 1;
		}
	for (i = 0; i < RUNS; i++)
		if (cycle(DEMO_HANG, &hang_us[i], &hang_ms[i]) < 0) {
			printf("[bench] hang run %d did not recover\n", i);
			return 1;
		}
	report("recovery_crash", crash_us, RUNS, "us");
	report("recovery_hang", hang_us, RUNS, "us");
	report("hang_detection", hang_ms, RUNS, "ms");
	printf("[bench] done\n");
	return 0;
}
