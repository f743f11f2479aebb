/* KC_SYSINFO: free and total physical pages, live processes, uptime,
 * where the kernel's code is with a checksum of it (tests check that no
 * device wrote into it), and how often the CPU entered the kernel. */
#include "../system.h"
#include "../pmem.h"
#include "../clock.h"
#include "../boot.h"
#include "../trap.h"

extern const char kernel_start[], kernel_text_end[];

/* FNV-1a over the kernel's code. */
static uint32_t text_sum(void)
{
	const uint8_t *p;
	uint32_t h = 2166136261u;

	for (p = (const uint8_t *)kernel_start; p < (const uint8_t *)kernel_text_end; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

int do_sysinfo(struct proc *caller, message *m)
{
	struct kc_sysinfo *a = &m->kc_sysinfo;
	const struct proc *p;

	(void)caller;
	a->free_pages = pmem_free_pages();
	a->total_pages = boot_total_pages();
	a->uptime_ms = clock_uptime_ms();
	a->text_start = (phys_bytes)kernel_start;
	a->text_len = (uint32_t)(kernel_text_end - kernel_start);
	a->text_sum = text_sum();
	trap_entries(&a->entries);
	a->procs = 0;
	for (p = proc_table; p < proc_table + NR_PROCS; p++)
		a->procs += p->state != PSTATE_FREE && p->state != PSTATE_ZOMBIE;
	return 0;
}
