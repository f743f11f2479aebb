/*
 * KC_VDEVIO: a vector of port accesses. Every entry is checked before any is
 * made: if one is refused, none is performed and bad_index says which.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../devio.h"
#include "../klog.h"

static struct devio_req vec[VDEVIO_MAX];

int do_vdevio(struct proc *caller, message *m)
{
	struct kc_vdevio *a = &m->kc_vdevio;
	uint32_t i, bytes = a->count * sizeof vec[0];
	int err;

	a->bad_index = -1;
	if (a->count == 0 || a->count > VDEVIO_MAX)
		return -EINVAL;
	if (vm_read(&caller->vm, a->vec, vec, bytes) < 0 || vm_check(&caller->vm, a->vec, bytes, 1) < 0)
		return -EFAULT;
	for (i = 0; i < a->count; i++) {
		err = devio_check(caller, &vec[i]);
		if (err < 0) {
			a->bad_index = (int32_t)i;
			deny(caller, DENY_IO, vec[i].port, err);
			return err;
		}
	}
	for (i = 0; i < a->count; i++)
		devio_do(&vec[i]);
	return vm_write(&caller->vm, a->vec, vec, bytes);
}
