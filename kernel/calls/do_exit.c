/* KC_EXIT: the caller ends with an exit status; its manager is told. */
#include "../system.h"

int do_exit(struct proc *caller, message *m)
{
	struct kc_getdeath how = { .cause = DEATH_EXIT, .status = m->kc_exit.status };

	proc_end(caller, &how);
	return SUSPEND;
}
