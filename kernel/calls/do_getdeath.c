/* KC_GETDEATH: a manager collects the report of one process it managed. */
#include "../system.h"

int do_getdeath(struct proc *caller, message *m)
{
	return proc_reap(caller, &m->kc_getdeath);
}
