/* ipc: message passing between processes (see ipc.c, include/bulkhead/ipc.h). */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <stdint.h>

struct proc;

void ipc_trap(struct proc *caller);
void ipc_cleanup(struct proc *dead);
void ipc_cancel(struct proc *p);
void notify_kernel(struct proc *dst, uint32_t which);

#endif
