/*
 * KC_PRIVCTL: an installer (PRIV_CAN_INSTALL: the driver manager, the PCI
 * server) sets or extends another process's privilege record, and may let a
 * process that waits for its privileges run, or replace only the IPC part
 * of a record (when a process it may talk to was restarted elsewhere). The
 * new record is read and validated completely before the old one is touched.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../priv.h"
#include "../irq.h"
#include "../klog.h"
#include "../console.h"
#include "../string.h"

int do_privctl(struct proc *caller, message *m)
{
	struct kc_privctl *a = &m->kc_privctl;
	struct proc *target = proc_target(caller, a->target);
	struct priv req, rec;
	const char *why;

	if (!(caller->priv.flags & PRIV_CAN_INSTALL)) {
		deny(caller, DENY_PRIV, (uint32_t)a->target, -EPERM);
		return -EPERM;
	}
	if (!target)
		return -ESRCH;
	if (target != caller && (target->priv.flags & PRIV_CAN_INSTALL)) {
		deny(caller, DENY_PRIV, (uint32_t)a->target, -EPERM);   /* installers are not each other's */
		return -EPERM;
	}
	if (a->op == 0 || (a->op & ~(PRIVCTL_SET | PRIVCTL_EXTEND | PRIVCTL_START | PRIVCTL_SET_IPC)) ||
	    __builtin_popcount(a->op & (PRIVCTL_SET | PRIVCTL_EXTEND | PRIVCTL_SET_IPC)) > 1)
		return -EINVAL;

	if (a->op & (PRIVCTL_SET | PRIVCTL_EXTEND | PRIVCTL_SET_IPC)) {
		if (vm_read(&caller->vm, a->priv, &req, sizeof req) < 0)
			return -EFAULT;
		rec = target->priv;
		if (a->op & PRIVCTL_SET)
			rec = req;
		else if (a->op & PRIVCTL_SET_IPC)
			memcpy(rec.ipc_to, req.ipc_to, sizeof rec.ipc_to);
		else if (priv_merge(&rec, &req) < 0)
			return -E2BIG;
		why = priv_validate(&rec);
		if (why) {
			kprintf("kernel: %s's privileges for %s refused: %s\n", caller->name, target->name, why);
			return -EINVAL;
		}
		rec.kcalls[0] |= KCALLS_BASIC;
		target->priv = rec;
		irq_drop_unowned(target);
	}
	if (a->op & PRIVCTL_START)
		proc_start(target);
	return 0;
}
