/*
 * KC_SETUID: the process manager records which user a process runs for.
 * The kernel keeps the user id only so that every server can read it
 * (KC_PROCINFO) when deciding whether a caller may do what it asks, and so
 * that ordinary users cannot take the pages kept for recovery
 * (pmem_may_take). Only the target's manager may set it.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../klog.h"

int do_setuid(struct proc *caller, message *m)
{
	struct proc *target = proc_lookup(m->kc_setuid.target);

	if (!target)
		return -ESRCH;
	if (target->manager != caller->endpoint) {
		deny(caller, DENY_KCALL, (uint32_t)m->kc_setuid.target, -EPERM);
		return -EPERM;
	}
	target->uid = m->kc_setuid.uid;
	return 0;
}
