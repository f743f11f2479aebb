/* KC_PROCINFO: what the kernel knows about one slot (or endpoint). */
#include <bulkhead/errno.h>
#include "../system.h"

int do_procinfo(struct proc *caller, message *m)
{
	struct kc_procinfo *a = &m->kc_procinfo;
	struct procinfo info;
	struct proc *p;

	if (a->slot >= NR_PROCS)
		return -EINVAL;
	p = a->slot >= 0 ? &proc_table[a->slot] : proc_target(caller, a->target);
	if (!p)
		return -ESRCH;
	proc_info(p, &info);
	return vm_write(&caller->vm, a->buf, &info, sizeof info);
}
