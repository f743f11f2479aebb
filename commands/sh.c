/*
 * sh: the shell. Reads a line from the console, splits it into words and
 * runs /bin/WORD or /sbin/WORD (or the path given) with the rest as
 * arguments, then shows how it ended if not with status 0. Built-ins: help,
 * exit. Double quotes group words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>

#define LINE_MAX 256
#define MAX_WORDS 32

static void help(void)
{
	printf("Bulkhead shell. Type a command and its arguments; built-ins: help, exit [STATUS].\n"
	       "Commands: ls, cat, ps, kill, uptime, service, dmesg, hello.\n"
	       "  service list                     drivers, their state and restarts\n"
	       "  service status LABEL             a driver's policy and failure history\n"
	       "  service up BINARY [-config FILE] [-label NAME] [-args ...]\n"
	       "  service down|refresh LABEL       stop, or restart, a driver\n"
	       "  kill [-SIGNAL] PID|NAME          end a process (try: kill demo)\n");
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

static void run(int argc, char **argv)
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
		r = pm_exec(EP_SELF, path, argc, argv, 0, why);
		printf("sh: %s: %s\n", argv[0], r == -ENOENT ? "command not found" : why[0] ? why : "cannot run");
		exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 127)
		printf("[exit status %d]\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("[ended by signal %d]\n", WTERMSIG(status));
}

int main(void)
{
	char line[LINE_MAX], *argv[MAX_WORDS];
	int argc;

	printf("Bulkhead shell; type 'help' for help.\n");
	for (;;) {
		printf("bulkhead# ");
		fflush(stdout);
		if (!fgets(line, sizeof line, stdin)) {
			printf("\n");
			return 0;
		}
		argc = split(line, argv);
		if (argc == 0)
			continue;
		if (!strcmp(argv[0], "exit"))
			return argc > 1 ? atoi(argv[1]) : 0;
		if (!strcmp(argv[0], "help"))
			help();
		else
			run(argc, argv);
	}
}
