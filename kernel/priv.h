/* priv: privilege checks against a process's record (see priv.c). */
#ifndef KERNEL_PRIV_H
#define KERNEL_PRIV_H

#include <bulkhead/kcall.h>
#include "proc.h"

void priv_init_basic(struct priv *priv);
int  priv_may_call(const struct proc *caller, unsigned nr);
int  priv_may_io(const struct proc *p, uint32_t port, uint32_t size);
int  priv_may_map(const struct proc *p, phys_bytes base, uint32_t len);
int  priv_device_memory(phys_bytes base, uint32_t len);   /* not RAM the kernel manages */
int  priv_may_trace(const struct proc *tracer, const struct proc *target);
void priv_forget_traced(const struct proc *dead);
const char *priv_validate(const struct priv *r);
int  priv_merge(struct priv *into, const struct priv *add);

/* May caller send to dst? The rule is spelt out in include/bulkhead/priv.h. */
static inline int priv_may_send(const struct proc *caller, const struct proc *dst)
{
	if ((caller->priv.flags & PRIV_IPC_ANY) || bit_test(caller->priv.ipc_to, (unsigned)dst->slot))
		return 1;
	if ((caller->priv.flags & PRIV_USER) && (dst->priv.flags & PRIV_PUBLIC))
		return 1;
	return dst->state == PSTATE_RECEIVING && dst->ipc_peer == caller->endpoint;
}

/* May p's in/out reach its ports directly? Only with the right to KC_DEVIO, as before. */
static inline int priv_direct_io(const struct proc *p)
{
	return p->priv.n_io > 0 && bit_test(p->priv.kcalls, KC_DEVIO);
}

#endif
