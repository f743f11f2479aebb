/* KC_SYSINFO: free and total physical pages, live processes, uptime. */
#include "../system.h"
#include "../pmem.h"
#include "../clock.h"
#include "../boot.h"

int do_sysinfo(struct proc *caller, message *m)
{
	struct kc_sysinfo *a = &m->kc_sysinfo;
	const struct proc *p;

	(void)caller;
	a->free_pages = pmem_free_pages();
	a->total_pages = boot_total_pages();
	a->uptime_ms = clock_uptime_ms();
	a->procs = 0;
	for (p = proc_table; p < proc_table + NR_PROCS; p++)
		a->procs += p->state != PSTATE_FREE && p->state != PSTATE_ZOMBIE;
	return 0;
}
