/* uptime: how long the system has been up, processes and free memory. */
#include <stdio.h>
#include <string.h>
#include <bulkhead/syslib.h>

int main(int argc, char **argv)
{
	struct kc_sysinfo s;

	if (argc > 1) {
		printf("usage: uptime\nHow long the system has been up, its processes and free memory.\n");
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	if (sys_sysinfo(&s) < 0)
		return 1;
	printf("up %u.%03u s, %u processes, %u KiB free of %u KiB\n", s.uptime_ms / 1000,
	       s.uptime_ms % 1000, s.procs, s.free_pages * 4, s.total_pages * 4);
	return 0;
}
