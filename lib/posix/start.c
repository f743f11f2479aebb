/* start: from the entry code (lib/crt/crt0.asm) to main() and exit(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/layout.h>
#include <bulkhead/posix.h>

int main(int argc, char **argv);
void bh_start(int argc, char **argv);

static char *start_environment[POSIX_ENV_MAX + 1];
char **environ = start_environment;

/* The NAME=VALUE strings after the last argument, up to an empty one (or the stack's top). */
static void take_environment(int argc, char **argv)
{
	const char *top = (const char *)USER_STACK_TOP;
	char *s = argv[argc - 1];
	int n = 0;

	s += strlen(s) + 1;
	while (s < top && *s && n < POSIX_ENV_MAX) {
		if (strchr(s, '='))
			start_environment[n++] = s;
		s += strnlen(s, (size_t)(top - s)) + 1;
	}
}

void bh_start(int argc, char **argv)
{
	if (argc > 0)
		take_environment(argc, argv);
	/* A message on stderr goes out as one write per line, not one per piece of its format:
	   another program writing to the console meanwhile cannot cut it in two. */
	setvbuf(stderr, NULL, _IOLBF, BUFSIZ);
	exit(main(argc, argv));
}
