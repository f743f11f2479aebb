/* cat FILE...: print files from the boot file system (paths may be relative). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[512];
	int i, fd, n, bad = 0;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		printf("usage: cat FILE...\nPrints the files, one after the other.\n");
		return argc < 2 ? 2 : 0;
	}
	for (i = 1; i < argc; i++) {
		fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			printf("cat: %s: %s\n", argv[i], errno == ENOENT ? "no such file" :
			       errno == EISDIR ? "a directory" : strerror(errno));
			bad = 1;
			continue;
		}
		while ((n = read(fd, buf, sizeof buf)) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		close(fd);
	}
	return bad;
}
