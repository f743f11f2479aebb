/* ipc: the IPC trap (include/bulkhead/ipc.h describes the register interface). */
#include <bulkhead/syslib.h>

static inline int ipc_trap(int op, endpoint_t ep, message *m)
{
	int r;

	__asm__ volatile("int %1" : "=a"(r) : "i"(IPC_VECTOR), "a"(op), "b"(ep), "c"(m) : "memory");
	return r;
}

int ipc_send(endpoint_t dst, message *m)    { return ipc_trap(IPC_SEND, dst, m); }
int ipc_sendnb(endpoint_t dst, message *m)  { return ipc_trap(IPC_SENDNB, dst, m); }
int ipc_receive(endpoint_t src, message *m) { return ipc_trap(IPC_RECEIVE, src, m); }
int ipc_sendrec(endpoint_t dst, message *m) { return ipc_trap(IPC_SENDREC, dst, m); }
int ipc_notify(endpoint_t dst)              { return ipc_trap(IPC_NOTIFY, dst, NULL); }

int kernel_call(int nr, message *m)
{
	int r;

	m->m_type = nr;
	r = ipc_sendrec(EP_KERNEL, m);
	return r < 0 ? r : m->m_type;
}
