/* priv: privilege checks against a process's record (see priv.c). */
#ifndef KERNEL_PRIV_H
#define KERNEL_PRIV_H

#include "proc.h"

void priv_init_basic(struct priv *priv);
int  priv_may_send(const struct proc *caller, const struct proc *dst);
int  priv_may_call(const struct proc *caller, unsigned nr);
int  priv_may_io(const struct proc *p, uint32_t port, uint32_t size);
int  priv_direct_io(const struct proc *p);
int  priv_may_map(const struct proc *p, phys_bytes base, uint32_t len);
int  priv_device_memory(phys_bytes base, uint32_t len);   /* not RAM the kernel manages */
int  priv_may_trace(const struct proc *tracer, const struct proc *target);
void priv_forget_traced(const struct proc *dead);
const char *priv_validate(const struct priv *r);
int  priv_merge(struct priv *into, const struct priv *add);

#endif
