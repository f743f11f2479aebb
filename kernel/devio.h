/* devio: port I/O on behalf of drivers (see devio.c). */
#ifndef KERNEL_DEVIO_H
#define KERNEL_DEVIO_H

#include <bulkhead/devio.h>
#include "proc.h"

int  devio_check(const struct proc *p, const struct devio_req *r);
void devio_do(struct devio_req *r);
int  devio_refuse(struct proc *p);   /* a #GP on a port instruction: refuse it */

#endif
