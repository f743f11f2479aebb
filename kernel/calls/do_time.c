/* KC_TIME: uptime, the cycle counter and its rate. */
#include "../system.h"
#include "../clock.h"
#include "../cpu.h"

int do_time(struct proc *caller, message *m)
{
	(void)caller;
	m->kc_time.tsc = rdtsc();
	m->kc_time.uptime_ms = clock_uptime_ms();
	m->kc_time.tsc_khz = clock_tsc_khz();
	return 0;
}
