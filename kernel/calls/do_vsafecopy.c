/*
 * KC_VSAFECOPY: many grant-checked copies in one call. Every entry is checked
 * before any is made; if one fails, nothing is copied and bad_index says which.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../grant.h"
#include "../klog.h"

static struct safecopy_req vec[VSAFECOPY_MAX];
static struct proc *owners[VSAFECOPY_MAX];
static vir_bytes addrs[VSAFECOPY_MAX];

int do_vsafecopy(struct proc *caller, message *m)
{
	struct kc_vsafecopy *a = &m->kc_vsafecopy;
	uint32_t i;
	int err;

	a->bad_index = -1;
	if (a->count == 0 || a->count > VSAFECOPY_MAX)
		return -EINVAL;
	if (vm_read(&caller->vm, a->vec, vec, a->count * sizeof vec[0]) < 0)
		return -EFAULT;
	for (i = 0; i < a->count; i++) {
		err = safecopy_check(caller, &vec[i], &owners[i], &addrs[i]);
		if (err < 0) {
			a->bad_index = (int32_t)i;
			deny(caller, DENY_GRANT, (uint32_t)vec[i].grant, err);
			return err;
		}
	}
	for (i = 0; i < a->count; i++)
		safecopy_do(caller, &vec[i], owners[i], addrs[i]);
	return 0;
}
