/* cat FILE...: print files from the boot file system. */
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[512];
	int i, fd, n, bad = 0;

	if (argc < 2) {
		printf("usage: cat FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			printf("cat: %s: cannot open\n", argv[i]);
			bad = 1;
			continue;
		}
		while ((n = read(fd, buf, sizeof buf)) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		close(fd);
	}
	return bad;
}
