/* KC_KILL: end a process. Only its manager may (or the process itself). */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../klog.h"

int do_kill(struct proc *caller, message *m)
{
	struct proc *target = proc_target(caller, m->kc_kill.target);
	struct kc_getdeath how = { .cause = DEATH_KILLED, .status = m->kc_kill.status };

	if (!target)
		return -ESRCH;
	if (target != caller && target->manager != caller->endpoint) {
		deny(caller, DENY_KCALL, (uint32_t)m->kc_kill.target, -EPERM);
		return -EPERM;
	}
	how.killer = caller->endpoint;
	proc_end(target, &how);
	return target == caller ? SUSPEND : 0;
}
