/*
 * t_tty: a program the shell-session test (tests/os/manifest.py, boot
 * "default") runs at the prompt to try the console's rules as a user would.
 *
 *   t_tty read     read a line in the foreground and show it
 *   t_tty bgread   (run with &) keep trying to read for BG_TRY_MS, then
 *                  say how many reads were refused and what, if anything,
 *                  was read: the shell's input must never reach it
 *   t_tty spin     spin until interrupted (Ctrl-C)
 *   t_tty down     stop the console through the driver manager directly,
 *                  as `service down console` is refused: init must bring
 *                  the console and the shell back
 *   t_tty deny     notify init, which an ordinary program may not: the
 *                  kernel refuses and logs it (for dmesg's filters)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bulkhead/clients.h>
#include "lib/testlib.h"

#define BG_TRY_MS   4000
#define BG_PAUSE_MS 100

static int read_line(void)
{
	char line[128];
	int n;

	printf("t_tty: reading a line\n");
	fflush(stdout);
	n = (int)read(0, line, sizeof line - 1);
	if (n < 0) {
		printf("t_tty: read refused: %s (errno %d)\n", strerror(errno), errno);
		return 1;
	}
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	printf("t_tty: read '%s'\n", line);
	return 0;
}

static int background_reads(void)
{
	uint32_t start = sys_uptime_ms();
	char line[128];
	int n, refused = 0, got = 0;

	while (sys_uptime_ms() - start < BG_TRY_MS) {
		n = (int)read(0, line, sizeof line - 1);
		if (n < 0 && errno == EIO) {
			refused++;
		} else if (n > 0) {
			line[n] = '\0';
			printf("t_tty: a background read got '%s'\n", line);
			got++;
		}
		t_sleep(BG_PAUSE_MS);
	}
	printf("t_tty: %d background reads refused, %d got a line\n", refused, got);
	return got ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int r;

	if (!strcmp(mode, "read"))
		return read_line();
	if (!strcmp(mode, "bgread"))
		return background_reads();
	if (!strcmp(mode, "spin")) {
		printf("t_tty: spinning until interrupted\n");
		fflush(stdout);
		for (;;)
			;
	}
	if (!strcmp(mode, "down")) {
		r = dm_down("console");
		printf("t_tty: stopped the console through the driver manager: %d\n", r);
		return r < 0;
	}
	if (!strcmp(mode, "deny")) {
		r = ipc_notify(t_find("init"));
		printf("t_tty: notified init (endpoint %d): %d\n", (int)t_find("init"), r);
		return r != -EPERM;
	}
	printf("usage: t_tty read|bgread|spin|down|deny\n");
	return 2;
}
