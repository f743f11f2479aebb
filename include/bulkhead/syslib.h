/*
 * syslib: the user-space interface to the kernel (lib/sys).
 *
 * IPC primitives return 0 or a negated errno. Kernel-call wrappers return the
 * call's result the same way.
 */
#ifndef BULKHEAD_SYSLIB_H
#define BULKHEAD_SYSLIB_H

#include <bulkhead/ipc.h>
#include <bulkhead/procinfo.h>
#include <bulkhead/klog.h>

int ipc_send(endpoint_t dst, message *m);
int ipc_sendnb(endpoint_t dst, message *m);
int ipc_receive(endpoint_t src, message *m);
int ipc_sendrec(endpoint_t dst, message *m);
int ipc_notify(endpoint_t dst);

/* Make kernel call nr with m (m->m_type is set); the result is also in m->m_type. */
int kernel_call(int nr, message *m);

void sys_exit(int status) __attribute__((noreturn));
int sys_brk(vir_bytes want, vir_bytes *now);
int sys_diag(const char *s, size_t len);
int sys_time(struct kc_time *out);
uint32_t sys_uptime_ms(void);
int sys_alarm(uint32_t ms);
int sys_getdeath(struct kc_getdeath *out);
int sys_kill(endpoint_t target, int status);
int sys_procinfo(int slot, endpoint_t target, struct procinfo *out);
endpoint_t sys_self(void);
int sys_getlog(uint32_t from_seq, struct klog_entry *buf, uint32_t max,
               uint32_t *count, uint32_t *next_seq);
void sys_shutdown(int status) __attribute__((noreturn));

#endif
