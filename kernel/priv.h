/* priv: privilege checks against a process's record (see priv.c). */
#ifndef KERNEL_PRIV_H
#define KERNEL_PRIV_H

#include "proc.h"

void priv_init_basic(struct priv *priv);
int  priv_may_send(const struct proc *caller, const struct proc *dst);
int  priv_may_call(const struct proc *caller, unsigned nr);

#endif
