/*
 * runas UID COMMAND [ARGS...]: run a program as another user. Only the
 * administrator (uid 0) may pick any user; an ordinary user may only name
 * itself. The program runs in this process (as exec does), so it keeps the
 * console and the shell waits for it as for any command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>

static void usage(void)
{
	printf("usage: runas UID COMMAND [ARGS...]\n"
	       "Runs COMMAND (a path, or a name in /bin or /sbin) as user UID.\n"
	       "Only uid 0 may run programs as another user.\n");
}

/* The path for a command name: as given if it has a slash, else /bin or /sbin. */
static const char *find_program(const char *name, char *buf, size_t len)
{
	static const char *const dirs[] = { "/bin/", "/sbin/" };
	uint32_t ino, size, mode;
	size_t i;

	if (strchr(name, '/'))
		return posix_path(name, buf) == 0 ? buf : name;     /* relative to the current directory */
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(buf, len, "%s%s", dirs[i], name);
		if (fs_lookup(buf, &ino, &size, &mode) == 0)
			return buf;
	}
	return name;
}

int main(int argc, char **argv)
{
	char path[FS_PATH_MAX], why[PM_WHY_MAX], *end;
	unsigned long uid;
	int r;

	if (argc < 3 || !strcmp(argv[1], "--help")) {
		usage();
		return 2;
	}
	uid = strtoul(argv[1], &end, 10);
	if (!*argv[1] || *end || uid > 0xffffffffUL) {
		printf("runas: '%s' is not a user id (a number)\n", argv[1]);
		return 2;
	}
	r = pm_setuid((uint32_t)uid);
	if (r < 0) {
		printf("runas: cannot become user %lu: %s\n", uid,
		       r == -EPERM ? "only uid 0 may run programs as another user" : "refused");
		return 1;
	}
	r = pm_exec(EP_SELF, find_program(argv[2], path, sizeof path), argc - 2, argv + 2, 0, why);
	printf("runas: %s: %s\n", argv[2], why[0] ? why : r == -ENOENT ? "no such program" : "cannot run it");
	return 127;
}
