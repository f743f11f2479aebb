/* reboot: `shutdown -r` (stop every driver, then reset the machine). */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>

int main(int argc, char **argv)
{
	char *args[] = { "shutdown", "-r", NULL };
	char why[PM_WHY_MAX];

	if (argc > 1) {
		printf("usage: reboot\nStops every driver, then resets the machine (shutdown -r).\n");
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	pm_exec(EP_SELF, "/sbin/shutdown", 2, args, 0, why);
	printf("reboot: cannot run /sbin/shutdown: %s\n", why[0] ? why : "error");
	return 1;
}
