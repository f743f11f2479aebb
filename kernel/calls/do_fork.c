/*
 * KC_FORK: the process manager makes a process. Either a copy of a process
 * it manages (memory, registers, FPU state, privileges; a parent blocked
 * waiting for the caller's reply leaves its copy waiting the same way, so one
 * reply each wakes both), or with FORK_EMPTY a process with nothing in it,
 * stopped, to exec a driver into once its privileges are installed.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../klog.h"
#include "../string.h"
#include "../pmem.h"

#define EMPTY_PRIORITY 2        /* drivers: below the servers, above programs */

#define UNSTARTED_NAME "(unstarted)"   /* an empty process until a program is exec'd into it */

int do_fork(struct proc *caller, message *m)
{
	struct kc_fork *a = &m->kc_fork;
	struct proc *parent = NULL, *child;
	int r;

	if (!(a->flags & FORK_EMPTY)) {
		parent = proc_lookup(a->parent);
		if (!parent)
			return -ESRCH;
		if (parent->manager != caller->endpoint) {
			deny(caller, DENY_KCALL, (uint32_t)a->parent, -EPERM);
			return -EPERM;
		}
		if (!pmem_may_take(parent->uid, parent->vm.pages))
			return -ENOMEM;
	}
	child = proc_alloc(parent ? parent->name : UNSTARTED_NAME, caller->endpoint,
	                   parent ? parent->base_priority : EMPTY_PRIORITY);
	if (!child)
		return -EAGAIN;
	if (parent) {
		r = vm_fork(&child->vm, &parent->vm);
		if (r < 0) {
			proc_discard(child);
			return r;
		}
		sched_fpu_sync(parent);
		child->regs = parent->regs;
		memcpy(child->fpu, parent->fpu, sizeof child->fpu);
		child->fpu_used = parent->fpu_used;
		child->priv = parent->priv;
		child->uid = parent->uid;
		child->grant_table = parent->grant_table;
		child->grant_count = parent->grant_count;
		if (parent->state == PSTATE_RECEIVING && parent->ipc_peer == caller->endpoint) {
			child->state = PSTATE_RECEIVING;
			child->ipc_peer = caller->endpoint;
			child->ipc_buf = parent->ipc_buf;
		}
	}
	a->child = child->endpoint;
	return 0;
}
