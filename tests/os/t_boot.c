/*
 * t_boot: runs after malformed boot modules (boot configuration test-badmod).
 * The harness checks the kernel's refusal messages; this proves the rest of
 * the system booted: this process and the one after the bad modules run, and
 * no process exists for a refused module.
 */
#include <stdio.h>
#include <string.h>
#include "lib/testlib.h"

int main(void)
{
	endpoint_t ep[NR_ROLES] = { 0 };
	struct procinfo info;
	int slot, procs = 0, bad = 0;
	int collected = t_collect(ep, 1, 10000);

	t_check("boot_good_module_runs", collected == 0 && ep[ROLE_BYSTANDER] > 0,
	        "the module after the bad ones said hello as endpoint %d", (int)ep[ROLE_BYSTANDER]);
	for (slot = 0; slot < NR_PROCS; slot++) {
		if (sys_procinfo(slot, EP_NONE, &info) < 0 || info.state == PSTATE_FREE)
			continue;
		procs++;
		if (strstr(info.name, "not-elf") || strstr(info.name, "truncated") ||
		    strstr(info.name, "wrong-machine") || strstr(info.name, "badopt"))
			bad++;
	}
	t_check("boot_bad_modules_absent", bad == 0 && procs == 2,
	        "%d processes exist, %d of them from refused modules", procs, bad);
	t_finish();
}
