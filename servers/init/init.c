/*
 * init: the first ordinary program. It waits for the system servers, runs
 * each line of /etc/rc as a command (starting the console and the drivers),
 * then runs the shell on the console, and a new one whenever it exits.
 * Given a program on its command line (the test boot configurations do),
 * init runs that instead of the shell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>

#define RC "/etc/rc"
#define SHELL "/bin/sh"
#define MAX_WORDS 32

static void pause_ms(uint32_t ms)
{
	uint32_t until = sys_uptime_ms() + ms;
	message m;

	sys_alarm(ms);
	while ((int32_t)(sys_uptime_ms() - until) < 0)
		ipc_receive(EP_CLOCK, &m);
}

static void wait_for_servers(void)
{
	static const char *const labels[] = { "pm", "bootfs", "dm" };
	uint32_t value, waited = 0;
	unsigned i;

	for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		while (ds_lookup(labels[i], &value) < 0) {
			if ((waited += 10) % 2000 == 0)
				printf("init: still waiting for '%s'\n", labels[i]);
			pause_ms(10);
		}
	}
}

/* Run argv as a child and wait for it; its wait status, or -1. */
static int run(char **argv)
{
	char why[PM_WHY_MAX];
	int argc = 0, pid, status = 0, r;

	while (argv[argc])
		argc++;
	pid = fork();
	if (pid < 0) {
		printf("init: cannot fork for %s\n", argv[0]);
		return -1;
	}
	if (pid == 0) {
		r = pm_exec(EP_SELF, argv[0], argc, argv, 0, why);
		printf("init: cannot run %s: %s (%d)\n", argv[0], why[0] ? why : "error", r);
		exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
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

static void run_rc(void)
{
	char line[256], path[64], *argv[MAX_WORDS];
	FILE *f = fopen(RC, "r");

	if (!f) {
		printf("init: no %s; starting no drivers\n", RC);
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
	int status;

	posix_use_kernel_console();
	wait_for_servers();
	run_rc();
	if (argc > 1) {
		status = run(argv + 1);
		describe(argv[1], status);
		printf("init: %s finished\n", argv[1]);
		for (;;)
			pause_ms(60000);
	}
	for (;;) {
		status = run(shell);
		describe(SHELL, status);
		pause_ms(200);
	}
}
