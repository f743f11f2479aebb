/*
 * ls [PATH...]: list directories of the boot file system (sizes in bytes);
 * without a path, the current directory. Paths may be relative.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>

static int list(const char *path)
{
	uint32_t dir, size, mode, ino, i;
	char name[64], abs[FS_PATH_MAX];

	if (posix_path(path, abs) < 0 || fs_lookup(abs, &dir, &size, &mode) < 0) {
		printf("ls: %s: no such file or directory\n", path);
		return 1;
	}
	if (!(mode & FS_MODE_DIR)) {
		printf("%8u %s\n", size, path);
		return 0;
	}
	for (i = 0; fs_list(dir, i, name, sizeof name, &ino, &size, &mode) == 0; i++)
		printf("%8u %s%s\n", size, name, mode & FS_MODE_DIR ? "/" : mode & FS_MODE_EXEC ? "*" : "");
	return 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	if (argc < 2)
		return list(".");
	if (!strcmp(argv[1], "--help")) {
		printf("usage: ls [PATH...]\nLists directories (sizes in bytes; / a directory, * a program);\n"
		       "without a path, the current directory.\n");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (argc > 2)
			printf("%s:\n", argv[i]);
		bad |= list(argv[i]);
	}
	return bad;
}
