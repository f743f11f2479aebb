/*
 * init: the first ordinary program. It waits for the system servers, runs
 * each line of /etc/rc as a command (starting the console and the drivers),
 * then runs the shell on the console, and a new one whenever it exits:
 * after a pause that doubles while the shell keeps ending at once, and with
 * the console driver started again if it is gone. Given a program on its
 * command line (the test boot configurations do), init runs that instead of
 * the shell; given "-shell PROGRAM", that program takes the shell's place.
 * "-rc FILE" (first, and as often as wanted) runs FILE's lines too, after
 * /etc/rc: a boot configuration's own additions (the default boot starts
 * the network server, the benchmark boots their services).
 *
 * init names the program it runs on the console as the console's session
 * owner (include/bulkhead/console.h): it publishes the data store key
 * CON_SESSION_KEY before anything else runs, so no one else can.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>
#include <bulkhead/policy.h>

#define RC "/etc/rc"
#define SHELL "/bin/sh"
#define CONSOLE_DRIVER "/drivers/console"
#define MAX_WORDS 32
#define FG_WAIT_MS 1000          /* a console program waits this long to be named */
#define SHELL_QUICK_MS 2000      /* a shell that ends sooner than this has failed */
#define SHELL_RETRY_MIN_MS 200   /* the pause before starting a shell again ... */
#define SHELL_RETRY_MAX_MS 10000 /* ... doubling while it keeps failing, up to this */

static void wait_for_servers(void)
{
	static const char *const labels[] = { "pm", "bootfs", "dm" };
	uint32_t value, waited = 0;
	unsigned i;

	for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		while (ds_lookup(labels[i], &value) < 0) {
			if ((waited += 10) % 2000 == 0)
				printf("init: still waiting for '%s'\n", labels[i]);
			sys_sleep_ms(10);
		}
	}
}

/* Fork a child that runs argv (after being named the console's owner, if on_console); its pid, or -1. */
static int start_child(char **argv, int on_console)
{
	char why[PM_WHY_MAX];
	int argc = 0, pid, r;

	while (argv[argc])
		argc++;
	pid = fork();
	if (pid < 0)
		printf("init: cannot fork for %s\n", argv[0]);
	if (pid != 0)
		return pid < 0 ? -1 : pid;
	if (on_console)
		con_wait_foreground(FG_WAIT_MS);
	r = pm_exec(EP_SELF, argv[0], argc, argv, 0, why);
	printf("init: cannot run %s: %s (%d)\n", argv[0], why[0] ? why : "error", r);
	exit(127);
}

/* Run argv as a child and wait for it; its wait status, or -1. */
static int run(char **argv)
{
	int pid = start_child(argv, 0), status = 0;

	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
}

/* Run argv as the console's session owner and wait for it; its wait status, or -1. */
static int run_on_console(char **argv)
{
	int pid = start_child(argv, 1), status = 0, r;

	if (pid < 0)
		return -1;
	ds_publish(CON_SESSION_KEY, (uint32_t)pid);
	r = waitpid(pid, &status, 0);
	ds_publish(CON_SESSION_KEY, (uint32_t)EP_NONE);
	return r < 0 ? -1 : status;
}

/* The shell needs the console: start the driver again if it is gone (say, `service down`). */
static void ensure_console(void)
{
	struct dm_up_request req;
	char err[POLICY_ERR_MAX];
	uint32_t ep;

	if (ds_lookup("console", &ep) == 0)
		return;
	printf("init: the console driver is not running; starting it again\n");
	memset(&req, 0, sizeof req);
	snprintf(req.binary, sizeof req.binary, "%s", CONSOLE_DRIVER);
	if (dm_up(&req, err, sizeof err) < 0)
		printf("init: cannot start %s: %s\n", CONSOLE_DRIVER, err[0] ? err : "error");
}

/* How long to wait before starting the shell again: doubling while it ends at once. */
static uint32_t shell_retry_ms(const char *shell, uint32_t ran_ms)
{
	static uint32_t delay = SHELL_RETRY_MIN_MS, quick;

	if (ran_ms >= SHELL_QUICK_MS) {
		quick = 0;
		delay = SHELL_RETRY_MIN_MS;
		return delay;
	}
	if (++quick > 1) {
		delay = delay * 2 < SHELL_RETRY_MAX_MS ? delay * 2 : SHELL_RETRY_MAX_MS;
		printf("init: %s ended %u ms after it started, %u times in a row; starting it again in %u ms\n",
		       shell, (unsigned)ran_ms, (unsigned)quick, (unsigned)delay);
	}
	return delay;
}

static void describe(const char *what, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFEXITED(status))
		printf("init: %s exited with status %d\n", what, WEXITSTATUS(status));
	else
		printf("init: %s was ended by signal %d\n", what, WTERMSIG(status));
}

/* Split line into words, with "/sbin/" or "/bin/" in front of a bare command. */
static int split(char *line, char **argv, char *path, size_t path_len)
{
	uint32_t ino, size, mode;
	int n = 0;
	char *s;

	for (s = strtok(line, " \t\n"); s && n < MAX_WORDS - 1; s = strtok(NULL, " \t\n"))
		argv[n++] = s;
	argv[n] = NULL;
	if (n == 0 || argv[0][0] == '#')
		return 0;
	if (!strchr(argv[0], '/')) {
		snprintf(path, path_len, "/sbin/%s", argv[0]);
		if (fs_lookup(path, &ino, &size, &mode) < 0)
			snprintf(path, path_len, "/bin/%s", argv[0]);
		argv[0] = path;
	}
	return n;
}

static void run_rc(const char *rc)
{
	char line[256], path[64], *argv[MAX_WORDS];
	FILE *f = fopen(rc, "r");

	if (!f) {
		printf("init: no %s; starting no drivers\n", rc);
		return;
	}
	while (fgets(line, sizeof line, f)) {
		char shown[256];
		strcpy(shown, line);
		shown[strcspn(shown, "\n")] = '\0';
		if (split(line, argv, path, sizeof path) > 0)
			describe(shown, run(argv));
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	char *shell[] = { SHELL, NULL };
	uint32_t started;
	int status;

	posix_use_kernel_console();
	wait_for_servers();
	if (ds_publish(CON_SESSION_KEY, (uint32_t)EP_NONE) < 0)
		printf("init: cannot claim '%s': the console has no session owner\n", CON_SESSION_KEY);
	run_rc(RC);
	while (argc > 2 && !strcmp(argv[1], "-rc")) {
		run_rc(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc > 2 && !strcmp(argv[1], "-shell")) {
		shell[0] = argv[2];
	} else if (argc > 1) {
		status = run_on_console(argv + 1);
		describe(argv[1], status);
		printf("init: %s finished\n", argv[1]);
		for (;;)
			sys_sleep_ms(60000);
	}
	for (;;) {
		ensure_console();
		started = sys_uptime_ms();
		status = run_on_console(shell);
		describe(shell[0], status);
		sys_sleep_ms(shell_retry_ms(shell[0], sys_uptime_ms() - started));
	}
}
