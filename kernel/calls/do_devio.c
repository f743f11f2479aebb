/* KC_DEVIO: one port read or write, within the caller's I/O ranges. */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../devio.h"
#include "../klog.h"

int do_devio(struct proc *caller, message *m)
{
	struct kc_devio *a = &m->kc_devio;
	struct devio_req r = { (uint16_t)a->port, a->size, a->dir, a->value };
	int err = a->port > 0xffff ? -EPERM : devio_check(caller, &r);

	if (err < 0) {
		deny(caller, DENY_IO, a->port, err);
		return err;
	}
	devio_do(&r);
	a->value = r.value;
	return 0;
}
