/*
 * priv: checking what a process may do against its struct priv
 * (include/bulkhead/priv.h). The callers log denials with deny().
 */
#include <bulkhead/kcall.h>
#include "priv.h"
#include "string.h"

/* The record every process starts with: only the basic kernel calls. */
void priv_init_basic(struct priv *priv)
{
	memset(priv, 0, sizeof *priv);
	priv->kcalls[0] = KCALLS_BASIC;
}

int priv_may_send(const struct proc *caller, const struct proc *dst)
{
	return (caller->priv.flags & PRIV_IPC_ANY) || bit_test(caller->priv.ipc_to, (unsigned)dst->slot);
}

int priv_may_call(const struct proc *caller, unsigned nr)
{
	return nr < NR_KCALL_BITS && bit_test(caller->priv.kcalls, nr);
}
