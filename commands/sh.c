/*
 * sh: the shell. Reads a line from the console (the console driver edits
 * it: cursor keys, history), splits it into words (lib/text/words.c: quotes,
 * \, $? and a trailing &) and runs /bin/WORD or /sbin/WORD, or the path
 * given (relative to the current directory), then shows how it ended if not
 * with status 0. Built-ins: cd, pwd, echo, exit [STATUS], help.
 *
 * A command ending in '&' runs in the background: the shell does not wait
 * for it, and it cannot read the console. A command in the foreground holds
 * the console (Ctrl-C interrupts it) until it ends; then the shell takes it
 * back. A line that is too long, has too many words or an unclosed quote is
 * refused whole with a message; nothing of it runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>
#include <bulkhead/text.h>

#define LINE_BUF (LE_LINE_MAX + 1)     /* a line the console can send, with its newline */
#define FG_WAIT_MS 1000        /* a child waits this long for the console to become its */
#define STATUS_NOT_FOUND 127   /* $? when a command could not be run */
#define STATUS_USAGE 2         /* $? after a line the shell refused */
#define STATUS_SIGNAL 128      /* $? is this plus the signal for a command a signal ended */
#define HELP_COLUMNS 6
#define HELP_WIDTH   12        /* a column of help's command list */

static const char *const command_dirs[] = { "/bin", "/sbin" };

struct builtin {
	const char *name, *usage;
	int (*run)(int argc, char **argv);
};

static int last_status;

static int builtin_help(int argc, char **argv);

static int builtin_cd(int argc, char **argv)
{
	const char *to = argc > 1 ? argv[1] : "/";

	if (argc > 2) {
		printf("sh: cd: one directory at most\n");
		return STATUS_USAGE;
	}
	if (chdir(to) < 0) {
		printf("sh: cd: %s: %s\n", to, errno == ENOENT ? "no such directory" :
		       errno == ENOTDIR ? "not a directory" : strerror(errno));
		return 1;
	}
	return 0;
}

static int builtin_pwd(int argc, char **argv)
{
	char dir[FS_PATH_MAX];

	printf("%s\n", getcwd(dir, sizeof dir) ? dir : "?");
	return 0;
}

static int builtin_echo(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return 0;
}

/* exit [STATUS]: a number from 0 to 255; without one, the last command's status. */
static int builtin_exit(int argc, char **argv)
{
	char *end;
	long n = argc > 1 ? strtol(argv[1], &end, 10) : last_status;

	if (argc > 2 || (argc > 1 && (!argv[1][0] || *end || n < 0 || n > 255))) {
		printf("sh: exit: %s: give one status from 0 to 255\n", argc > 2 ? "too many arguments" : argv[1]);
		return STATUS_USAGE;
	}
	fflush(stdout);
	exit((int)n);
}

static const struct builtin builtins[] = {
	{ "cd",   "cd [DIR]        change the current directory (/ without DIR)", builtin_cd },
	{ "pwd",  "pwd             print the current directory", builtin_pwd },
	{ "echo", "echo [WORD...]  print the words", builtin_echo },
	{ "exit", "exit [STATUS]   leave the shell (status 0-255; default: $?)", builtin_exit },
	{ "help", "help            this list", builtin_help },
};
#define NR_BUILTINS (sizeof builtins / sizeof builtins[0])

/* The programs in dir, in columns. */
static void list_commands(const char *dir)
{
	uint32_t ino, size, mode, i, shown = 0;
	char name[64];
	int last = 0;

	if (fs_lookup(dir, &ino, &size, &mode) < 0)
		return;
	printf("In %s:\n", dir);
	for (i = 0; fs_list(ino, i, name, sizeof name, &size, &size, &mode) == 0; i++) {
		if (!(mode & FS_MODE_EXEC) || (mode & FS_MODE_DIR))
			continue;
		if (shown % HELP_COLUMNS == 0)
			printf("  %s", name);
		else
			printf("%*s%s", last < HELP_WIDTH ? HELP_WIDTH - last : 1, "", name);
		last = (int)strlen(name);
		if (++shown % HELP_COLUMNS == 0)
			printf("\n");
	}
	if (shown % HELP_COLUMNS)
		printf("\n");
}

static int builtin_help(int argc, char **argv)
{
	unsigned i;

	printf("Bulkhead shell. Type a command and its arguments; COMMAND --help says more.\n"
	       "Built in:\n");
	for (i = 0; i < NR_BUILTINS; i++)
		printf("  %s\n", builtins[i].usage);
	for (i = 0; i < sizeof command_dirs / sizeof command_dirs[0]; i++)
		list_commands(command_dirs[i]);
	printf("Words: \"...\" and '...' quote, \\ takes the next character, $? is the last status.\n"
	       "COMMAND ... & runs it in the background (it cannot read the console).\n"
	       "Keys: left/right, Home/End, up/down (history), Backspace, Delete, Ctrl-U (clear),\n"
	       "Ctrl-C (interrupt the command in the foreground), Ctrl-D (end of input).\n");
	return 0;
}

static const struct builtin *find_builtin(const char *name)
{
	unsigned i;

	for (i = 0; i < NR_BUILTINS; i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}

/* The program a command names: 0 and its absolute path, or -errno. */
static int resolve(const char *cmd, char path[FS_PATH_MAX])
{
	uint32_t ino, size, mode;
	unsigned i;

	if (strchr(cmd, '/'))
		return posix_path(cmd, path);
	for (i = 0; i < sizeof command_dirs / sizeof command_dirs[0]; i++) {
		if (snprintf(path, FS_PATH_MAX, "%s/%s", command_dirs[i], cmd) >= FS_PATH_MAX)
			return -ENAMETOOLONG;
		if (fs_lookup(path, &ino, &size, &mode) == 0)
			return 0;
	}
	return -ENOENT;
}

/* The shell's $? for a wait status; and a line saying how it ended, unless plainly. */
static int show_end(int status)
{
	if (WIFSIGNALED(status)) {
		printf("[ended by signal %d]\n", WTERMSIG(status));
		return STATUS_SIGNAL + WTERMSIG(status);
	}
	if (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != STATUS_NOT_FOUND)
		printf("[exit status %d]\n", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

static int run(int argc, char **argv, int in_background)
{
	char path[FS_PATH_MAX], why[PM_WHY_MAX];
	int pid, status, r;

	r = resolve(argv[0], path);
	if (r < 0) {
		printf("sh: %s: %s\n", argv[0], r == -ENOENT ? "command not found" :
		       r == -ENAMETOOLONG ? "path too long" : "bad path");
		return STATUS_NOT_FOUND;
	}
	pid = fork();
	if (pid < 0) {
		printf("sh: cannot start %s: %s\n", argv[0], strerror(errno));
		return STATUS_NOT_FOUND;
	}
	if (pid == 0) {
		if (!in_background)
			con_wait_foreground(FG_WAIT_MS);       /* until the shell has handed it over */
		r = pm_exec(EP_SELF, path, argc, argv, 0, why);
		printf("sh: %s: %s\n", argv[0], r == -ENOENT ? "command not found" : why[0] ? why :
		       r == -E2BIG ? "arguments too long" : "cannot run");
		exit(STATUS_NOT_FOUND);
	}
	if (in_background) {
		printf("[%d]\n", pid);
		return 0;
	}
	con_set_foreground(pid);
	r = waitpid(pid, &status, 0);
	con_set_foreground(getpid());
	return r < 0 ? STATUS_NOT_FOUND : show_end(status);
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

/* One line: its status. */
static int execute(const char *line)
{
	static struct words w;
	const struct builtin *b;
	const char *why;

	if (words_split(line, last_status, &w, &why) < 0) {
		printf("sh: %s; nothing run\n", why);
		return STATUS_USAGE;
	}
	if (w.argc == 0 && w.background) {
		printf("sh: nothing to run in the background\n");
		return STATUS_USAGE;
	}
	if (w.argc == 0)
		return last_status;
	if (!w.argv[0][0]) {
		printf("sh: the command name is empty (\"\")\n");
		return STATUS_NOT_FOUND;
	}
	b = find_builtin(w.argv[0]);
	if (b && w.background) {
		printf("sh: %s is built into the shell: it cannot run in the background\n", b->name);
		return STATUS_USAGE;
	}
	return b ? b->run(w.argc, w.argv) : run(w.argc, w.argv, w.background);
}

/* Read a line: 1, 0 at end of input, -1 if it could not be read. Too long: refused here. */
static int read_line(char *line, size_t len)
{
	int c;

	if (!fgets(line, (int)len, stdin))
		return ferror(stdin) ? -1 : 0;
	if (strchr(line, '\n') || feof(stdin))
		return 1;
	while ((c = getchar()) != EOF && c != '\n')
		;
	printf("sh: line too long (at most %d characters); nothing run\n", (int)len - 2);
	line[0] = '\0';
	last_status = STATUS_USAGE;
	return 1;
}

int main(int argc, char **argv)
{
	static char line[LINE_BUF + 1];
	int r;

	if (argc > 1) {
		printf("usage: sh\nReads commands from the console (type 'help' there); it takes no arguments.\n");
		return strcmp(argv[1], "--help") ? STATUS_USAGE : 0;
	}
	printf("Bulkhead shell; type 'help' for help.\n");
	for (;;) {
		reap_background();
		printf("bulkhead# ");
		fflush(stdout);
		r = read_line(line, sizeof line);
		if (r < 0) {
			printf("sh: cannot read the console: %s\n", strerror(errno));
			return 1;
		}
		if (r == 0) {
			printf("\n");
			return last_status;
		}
		last_status = execute(line);
	}
}
