/*
 * t_respawn: stands in for the shell (boot configuration test-respawn: init
 * runs it with -shell) and fails at once, so init must back off. Each start
 * records its time in the data store under t_respawn_N (one key per start:
 * only a key's publisher may change it); start number RUNS checks that the
 * pause before each start grew, reports, and stays running so init stops.
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

int main(void)
{
	uint32_t at[RUNS], gap[RUNS];
	char key[DS_KEY_MAX], shown[128] = "";
	int n, i, grew = 1;

	for (n = 0; n < RUNS - 1; n++) {
		snprintf(key, sizeof key, "t_respawn_%d", n);
		if (ds_lookup(key, &at[n]) < 0)
			break;
	}
	at[n] = sys_uptime_ms();
	snprintf(key, sizeof key, "t_respawn_%d", n);
	ds_publish(key, at[n]);
	if (n < RUNS - 1) {
		printf("t_respawn: start %d at %u ms; failing at once\n", n + 1, at[n]);
		return 1;
	}
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
	for (;;)
		t_sleep(60000);
}
