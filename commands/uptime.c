/* uptime: how long the system has been up, processes and free memory. */
#include <stdio.h>
#include <bulkhead/syslib.h>

int main(void)
{
	struct kc_sysinfo s;

	if (sys_sysinfo(&s) < 0)
		return 1;
	printf("up %u.%03u s, %u processes, %u KiB free of %u KiB\n", s.uptime_ms / 1000,
	       s.uptime_ms % 1000, s.procs, s.free_pages * 4, s.total_pages * 4);
	return 0;
}
