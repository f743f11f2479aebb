/* hello: the first program most people see run on Bulkhead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/syslib.h>

int main(int argc, char **argv)
{
	struct kc_time t;
	char *greeting = malloc(64);
	double x = 1.0;
	int i;

	sys_time(&t);
	snprintf(greeting, 64, "Hello from user space");
	printf("%s: %s! I am endpoint %d, up %u ms.\n", argv[0], greeting, (int)sys_self(), t.uptime_ms);
	for (i = 1; i < argc; i++)
		printf("%s: argument %d is '%s'\n", argv[0], i, argv[i]);
	for (i = 0; i < 20; i++)
		x = x / 2 + 1 / x;   /* Newton's method: x -> sqrt(2) */
	printf("%s: the FPU says sqrt(2) = %d.%06d\n", argv[0], (int)x, (int)((x - (int)x) * 1e6));
	free(greeting);
	return 0;
}
