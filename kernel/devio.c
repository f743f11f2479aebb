/*
 * devio: port I/O for drivers. An access is allowed only if every port it
 * touches (port .. port+size-1) lies in one of the caller's I/O ranges and
 * the port is aligned to the size: EINVAL for a bad size, direction or
 * alignment, EPERM for a port outside the ranges.
 */
#include <bulkhead/errno.h>
#include "devio.h"
#include "priv.h"
#include "cpu.h"

int devio_check(const struct proc *p, const struct devio_req *r)
{
	if ((r->size != 1 && r->size != 2 && r->size != 4) || r->port % r->size ||
	    (r->dir != DEVIO_IN && r->dir != DEVIO_OUT))
		return -EINVAL;
	return priv_may_io(p, r->port, r->size) ? 0 : -EPERM;
}

void devio_do(struct devio_req *r)
{
	if (r->dir == DEVIO_OUT) {
		if (r->size == 1)
			outb(r->port, (uint8_t)r->value);
		else if (r->size == 2)
			outw(r->port, (uint16_t)r->value);
		else
			outl(r->port, r->value);
	} else {
		r->value = r->size == 1 ? inb(r->port) : r->size == 2 ? inw(r->port) : inl(r->port);
	}
}
