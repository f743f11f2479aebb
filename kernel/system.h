/*
 * system: kernel calls. One handler per call, in kernel/calls/do_*.c; each
 * takes the caller and its message, fills in reply fields in the message and
 * returns 0, a negated errno, or SUSPEND when there is no reply (the caller
 * ended).
 */
#ifndef KERNEL_SYSTEM_H
#define KERNEL_SYSTEM_H

#include "proc.h"

int kcall_dispatch(struct proc *caller, message *m);

int do_exit(struct proc *caller, message *m);
int do_brk(struct proc *caller, message *m);
int do_diag(struct proc *caller, message *m);
int do_time(struct proc *caller, message *m);
int do_alarm(struct proc *caller, message *m);
int do_getdeath(struct proc *caller, message *m);
int do_kill(struct proc *caller, message *m);
int do_procinfo(struct proc *caller, message *m);
int do_getlog(struct proc *caller, message *m);
int do_shutdown(struct proc *caller, message *m);
int do_sysinfo(struct proc *caller, message *m);
int do_privctl(struct proc *caller, message *m);
int do_devio(struct proc *caller, message *m);
int do_vdevio(struct proc *caller, message *m);
int do_setgrant(struct proc *caller, message *m);
int do_safecopy(struct proc *caller, message *m);
int do_vsafecopy(struct proc *caller, message *m);
int do_irqctl(struct proc *caller, message *m);
int do_mapmem(struct proc *caller, message *m);
int do_dmaalloc(struct proc *caller, message *m);
int do_umap(struct proc *caller, message *m);
int do_trace(struct proc *caller, message *m);
int do_fork(struct proc *caller, message *m);
int do_exec(struct proc *caller, message *m);
int do_setuid(struct proc *caller, message *m);
int do_dmactl(struct proc *caller, message *m);
int do_screen(struct proc *caller, message *m);

#endif
