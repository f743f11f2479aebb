/*
 * shutdown [-r]: stop every driver through the driver manager, newest
 * first and the console last (a network driver before the PCI bus server it
 * got its device from), then power the machine off, or with -r reset it,
 * through the process manager. Only uid 0 may (include/bulkhead/pm.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/dm.h>

#define MAX_DRIVERS 32               /* more than the driver manager's table */
#define LAST_DRIVER "console"        /* stopped last: it shows the others stopping */

static char labels[MAX_DRIVERS][DM_LABEL_MAX];

/* The labels of the drivers not stopped yet, in the manager's (start) order. */
static int live_drivers(void)
{
	struct dm_driver_info info;
	uint32_t i;
	int n = 0;

	for (i = 0; n < MAX_DRIVERS && dm_info("", i, &info) == 0; i++)
		if (info.state != DRV_DOWN && info.state != DRV_GAVE_UP)
			snprintf(labels[n++], DM_LABEL_MAX, "%s", info.label);
	return n;
}

static void stop(const char *label)
{
	int r;

	printf("shutdown: stopping %s\n", label);
	fflush(stdout);
	r = dm_down(label);
	if (r < 0)
		printf("shutdown: %s did not stop (error %d); going on\n", label, r);
}

int main(int argc, char **argv)
{
	struct procinfo me;
	int reset = argc == 2 && !strcmp(argv[1], "-r");
	int n, i, console = -1;

	if (argc > 2 || (argc == 2 && !reset)) {
		printf("usage: shutdown [-r]\nStops every driver, then powers the machine off (-r: resets it).\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	if (sys_procinfo(-1, getpid(), &me) < 0 || me.uid != 0) {
		printf("shutdown: only uid 0 may stop the machine\n");
		return 1;
	}
	n = live_drivers();
	for (i = n - 1; i >= 0; i--) {
		if (!strcmp(labels[i], LAST_DRIVER))
			console = i;
		else
			stop(labels[i]);
	}
	if (console >= 0)
		stop(labels[console]);
	printf("shutdown: %s\n", reset ? "resetting" : "powering off");
	fflush(stdout);
	i = pm_shutdown(reset ? PM_SHUTDOWN_RESET : 0);
	printf("shutdown: the process manager refused: %s\n", i == -EPERM ? "not allowed" : "error");
	return 1;
}
