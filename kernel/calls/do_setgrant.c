/* KC_SETGRANT: register (or, with count 0, drop) the caller's grant table. */
#include <bulkhead/errno.h>
#include <bulkhead/grant.h>
#include "../system.h"

int do_setgrant(struct proc *caller, message *m)
{
	struct kc_setgrant *a = &m->kc_setgrant;

	if (a->count > GRANT_MAX_ENTRIES)
		return -EINVAL;
	if (a->count && vm_check(&caller->vm, a->table, a->count * sizeof(struct grant), 0) < 0)
		return -EFAULT;
	caller->grant_table = a->count ? a->table : 0;
	caller->grant_count = a->count;
	return 0;
}
