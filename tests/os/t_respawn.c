/*
 * t_respawn: stands in for the shell (boot configuration test-respawn: init
 * runs it with -shell) and fails at once, so init must back off. The first
 * start forks a watcher that outlives the failing starts (a key dies with
 * its publisher, so the starts cannot keep their times in the data store
 * themselves): each start publishes its time under t_respawn_start, the
 * watcher, subscribed to it, collects the times, and after RUNS starts
 * checks that the pause before each start grew, reports, and publishes
 * t_respawn_done, after which a start stays running so init stops.
 *
 * Proves: init does not restart a failing shell in a tight loop; the pause
 * roughly doubles each time (bounded in init.c).
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>
#include "lib/testlib.h"

#define RUNS 6
#define LAST_GAP_MIN_MS 1600      /* 200 ms doubled four times */

static void report(const uint32_t at[RUNS])
{
	uint32_t gap[RUNS];
	char shown[128] = "";
	int i, grew = 1;

	for (i = 1; i < RUNS; i++) {
		gap[i] = at[i] - at[i - 1];
		snprintf(shown + strlen(shown), sizeof shown - strlen(shown), " %u", gap[i]);
		if (i > 1 && 2 * gap[i] < 3 * gap[i - 1])
			grew = 0;
	}
	t_check("init_shell_backoff", grew && gap[RUNS - 1] >= LAST_GAP_MIN_MS,
	        "ms between the %d starts of a shell that fails at once:%s (each at least 1.5 times the last)",
	        RUNS, shown);
	t_summary();
}

/* Collect each start's time (announced through the data store) until RUNS. */
static void watcher(void)
{
	char key[DS_KEY_MAX];
	uint32_t at[RUNS] = { 0 }, value;
	int n = 0, deleted;
	message m;

	ds_subscribe("t_respawn_start");
	ds_publish("t_respawn_watch", (uint32_t)sys_self());
	while (n < RUNS) {
		ipc_receive(EP_ANY, &m);
		while (n < RUNS && ds_check(key, &value, &deleted) == 0)
			if (!deleted || n == 0 || value != at[n - 1])   /* a deletion of the last start: seen */
				at[n++] = value;
	}
	report(at);
	ds_publish("t_respawn_done", 1);
	for (;;)
		t_sleep(60000);
}

int main(void)
{
	uint32_t value, now = sys_uptime_ms(), i;

	if (ds_lookup("t_respawn_done", &value) == 0) {
		for (;;)                               /* the test is over: be a quiet shell */
			t_sleep(60000);
	}
	if (ds_lookup("t_respawn_watch", &value) < 0 && pm_fork() == 0)
		watcher();
	for (i = 0; i < 100 && ds_lookup("t_respawn_watch", &value) < 0; i++)
		t_sleep(10);
	ds_publish("t_respawn_start", now);
	printf("t_respawn: started at %u ms; failing at once\n", now);
	return 1;
}
