/*
 * sh: the shell. Reads a line from the console, splits it into words and
 * runs /bin/WORD or /sbin/WORD (or the path given) with the rest as
 * arguments, then shows how it ended if not with status 0. Built-ins: help,
 * exit. Double quotes group words. A command ending in '&' runs in the
 * background: the shell does not wait for it, and it cannot read the
 * console. A command in the foreground holds the console (Ctrl-C
 * interrupts it) until it ends; then the shell takes it back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>
#include <bulkhead/clients.h>

#define LINE_MAX 256
#define MAX_WORDS 32
#define FG_WAIT_MS 1000        /* a child waits this long for the console to become its */

static void help(void)
{
	printf("Bulkhead shell. Type a command and its arguments; built-ins: help, exit [STATUS].\n"
	       "Commands: ls, cat, ps, kill, uptime, service, dmesg, hello.\n"
	       "  service list                     drivers, their state and restarts\n"
	       "  service status LABEL             a driver's policy and failure history\n"
	       "  service up BINARY [-config FILE] [-label NAME] [-args ...]\n"
	       "  service down|refresh LABEL       stop, or restart, a driver\n"
	       "  kill [-SIGNAL] PID|NAME          end a process (try: kill demo)\n"
	       "  COMMAND ... &                    run in the background (it cannot read)\n"
	       "Ctrl-C interrupts the command in the foreground.\n");
}

/* Split line in place; quotes group words. Returns the word count. */
static int split(char *s, char **argv)
{
	int n = 0;
	char *out;

	while (*s && n < MAX_WORDS - 1) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		argv[n++] = out = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
			if (*s == '"') {
				for (s++; *s && *s != '"'; )
					*out++ = *s++;
				if (*s)
					s++;
			} else {
				*out++ = *s++;
			}
		}
		if (*s)
			s++;
		*out = '\0';
	}
	argv[n] = NULL;
	return n;
}

static void resolve(const char *cmd, char *path, size_t len)
{
	static const char *const dirs[] = { "/bin/", "/sbin/" };
	uint32_t ino, size, mode;
	unsigned i;

	if (strchr(cmd, '/')) {
		snprintf(path, len, "%s", cmd);
		return;
	}
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, len, "%s%s", dirs[i], cmd);
		if (fs_lookup(path, &ino, &size, &mode) == 0)
			return;
	}
	snprintf(path, len, "/bin/%s", cmd);
}

static void show_end(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 127)
		printf("[exit status %d]\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("[ended by signal %d]\n", WTERMSIG(status));
}

/* A trailing "&" word (or '&' at the end of the last word): removed; 1 if there was one. */
static int background(int *argc, char **argv)
{
	char *last = argv[*argc - 1];
	size_t n = strlen(last);

	if (last[n - 1] != '&')
		return 0;
	if (n > 1) {
		last[n - 1] = '\0';
	} else {
		argv[--*argc] = NULL;
	}
	return 1;
}

static void run(int argc, char **argv, int in_background)
{
	char path[FS_PATH_MAX], why[PM_WHY_MAX];
	int pid, status, r;

	resolve(argv[0], path, sizeof path);
	pid = fork();
	if (pid < 0) {
		printf("sh: cannot fork\n");
		return;
	}
	if (pid == 0) {
		if (!in_background)
			con_wait_foreground(FG_WAIT_MS);       /* until the shell has handed it over */
		r = pm_exec(EP_SELF, path, argc, argv, 0, why);
		printf("sh: %s: %s\n", argv[0], r == -ENOENT ? "command not found" : why[0] ? why : "cannot run");
		exit(127);
	}
	if (in_background) {
		printf("[%d]\n", pid);
		return;
	}
	con_set_foreground(pid);
	r = waitpid(pid, &status, 0);
	con_set_foreground(getpid());
	if (r >= 0)
		show_end(status);
}

/* Say which background commands have ended. */
static void reap_background(void)
{
	int pid, status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		printf("[%d done]\n", pid);
		show_end(status);
	}
}

int main(void)
{
	char line[LINE_MAX], *argv[MAX_WORDS];
	int argc, bg;

	printf("Bulkhead shell; type 'help' for help.\n");
	for (;;) {
		reap_background();
		printf("bulkhead# ");
		fflush(stdout);
		if (!fgets(line, sizeof line, stdin)) {
			if (ferror(stdin)) {
				printf("sh: cannot read the console: %s\n", strerror(errno));
				return 1;
			}
			printf("\n");
			return 0;
		}
		argc = split(line, argv);
		if (argc == 0)
			continue;
		if (!strcmp(argv[0], "exit"))
			return argc > 1 ? atoi(argv[1]) : 0;
		if (!strcmp(argv[0], "help")) {
			help();
			continue;
		}
		bg = background(&argc, argv);
		if (argc == 0)
			printf("sh: nothing to run in the background\n");
		else
			run(argc, argv, bg);
	}
}
