/*
 * ipc: synchronous rendezvous messages and asynchronous notifications.
 *
 * The sender's buffer is checked when it sends. If the destination is
 * waiting for it, the message goes straight from the sender's buffer to the
 * receiver's, in one copy through the kernel's 1:1 map (vm_msg_slot: the
 * address of a process's last message buffer is kept until its mappings
 * change, so the common case walks no page table); otherwise it is copied
 * into the kernel, and a blocked sender waits in its destination's
 * `senders` queue. A blocked receiver has checked that its buffer is
 * writable. Before anyone blocks, the chain of processes it would wait on is
 * followed: if the chain comes back to it, the call fails with EDEADLK instead
 * of hanging both forever.
 *
 * Every send or notify is checked against the caller's privilege record and
 * against the destination's generation; refusals are counted and logged.
 */
#include <bulkhead/errno.h>
#include "ipc.h"
#include "proc.h"
#include "priv.h"
#include "klog.h"
#include "system.h"
#include "clock.h"
#include "string.h"

#define SEND_BLOCK   0
#define SEND_NB      1
#define SEND_SENDREC 2

static int wants_from(const struct proc *dst, endpoint_t src)
{
	return dst->state == PSTATE_RECEIVING && (dst->ipc_peer == EP_ANY || dst->ipc_peer == src);
}

/* A process waiting for the reply to its sendrec takes that reply, nothing else. */
static int wants_notification(const struct proc *dst, endpoint_t src)
{
	return wants_from(dst, src) && !dst->ipc_sendrec;
}

/* Put m in the buffer of dst, which is waiting in receive, and wake it. */
static void deliver(struct proc *dst, const message *m)
{
	int r = vm_msg_write(&dst->vm, dst->ipc_buf, m);

	proc_wake(dst, r);
}

/* Would `caller` waiting on `first` close a cycle of waiting processes? */
static int deadlock(const struct proc *caller, const struct proc *first)
{
	const struct proc *p = first;
	int hops;

	if (first == caller)
		return 1;
	for (hops = 0; p && hops < NR_PROCS; hops++) {
		if (p->state != PSTATE_SENDING && !(p->state == PSTATE_RECEIVING && p->ipc_peer >= 0))
			return 0;
		if (p->ipc_peer == caller->endpoint)
			return 1;
		p = proc_lookup(p->ipc_peer);
	}
	return 0;
}

/* Find the live process behind ep that caller may send to; log a refusal. */
static int ipc_target(struct proc *caller, endpoint_t ep, struct proc **dst)
{
	*dst = proc_lookup(ep);
	if (!*dst) {
		deny(caller, DENY_IPC, (uint32_t)ep, -ESRCH);
		return -ESRCH;
	}
	if (!priv_may_send(caller, *dst)) {
		deny(caller, DENY_IPC, (uint32_t)ep, -EPERM);
		return -EPERM;
	}
	return 0;
}

static int kernel_call(struct proc *caller, vir_bytes umsg)
{
	message m;
	int r;

	if (vm_msg_read(&caller->vm, umsg, &m) < 0 || vm_msg_writable(&caller->vm, umsg) < 0)
		return -EFAULT;
	r = kcall_dispatch(caller, &m);
	if (r == SUSPEND || caller->state == PSTATE_FREE || caller->state == PSTATE_ZOMBIE)
		return SUSPEND;
	m.m_source = EP_KERNEL;
	m.m_type = r;
	return vm_msg_write(&caller->vm, umsg, &m);
}

/* Hand caller's message at src (a kernel address) to dst, waiting in receive: one copy. */
static void deliver_from(struct proc *dst, const void *src, struct proc *caller)
{
	uint8_t *k = vm_msg_slot(&dst->vm, dst->ipc_buf);

	if (!k) {
		if (src != &caller->ipc_msg)
			msg_copy(&caller->ipc_msg, src);
		caller->ipc_msg.m_source = caller->endpoint;
		deliver(dst, &caller->ipc_msg);
		return;
	}
	msg_copy(k, src);
	((message *)k)->m_source = caller->endpoint;
	proc_wake(dst, 0);
}

static int send(struct proc *caller, endpoint_t ep, vir_bytes umsg, int how)
{
	struct proc *dst, **q;
	uint8_t *src;
	int r;

	if (ep == EP_KERNEL)
		return how == SEND_SENDREC ? kernel_call(caller, umsg) : -EINVAL;
	src = vm_msg_slot(&caller->vm, umsg);           /* whole and writable: the common case */
	if (!src && vm_read(&caller->vm, umsg, &caller->ipc_msg, MSG_BYTES) < 0)
		return -EFAULT;
	if (!src && how == SEND_SENDREC && vm_check(&caller->vm, umsg, MSG_BYTES, 1) < 0)
		return -EFAULT;
	r = ipc_target(caller, ep, &dst);
	if (r < 0)
		return r;
	if (!src)
		caller->ipc_msg.m_source = caller->endpoint;

	if (wants_from(dst, caller->endpoint)) {
		deliver_from(dst, src ? src : (uint8_t *)&caller->ipc_msg, caller);
		if (how != SEND_SENDREC)
			return 0;
		caller->ipc_peer = dst->endpoint;
		caller->ipc_buf = umsg;
		caller->ipc_sendrec = 1;
		proc_block(caller, PSTATE_RECEIVING);
		return SUSPEND;
	}
	if (how == SEND_NB)
		return -EAGAIN;
	if (deadlock(caller, dst))
		return -EDEADLK;

	if (src) {                                       /* kept in the kernel while it waits */
		msg_copy(&caller->ipc_msg, src);
		caller->ipc_msg.m_source = caller->endpoint;
	}
	caller->ipc_peer = dst->endpoint;
	caller->ipc_buf = umsg;
	caller->ipc_sendrec = how == SEND_SENDREC;
	caller->next_sender = NULL;
	for (q = &dst->senders; *q; q = &(*q)->next_sender)
		;
	*q = caller;
	proc_block(caller, PSTATE_SENDING);
	return SUSPEND;
}


/* Fill in a notification from src, clearing what it reports. */
static void notification(struct proc *p, endpoint_t src, message *m)
{
	memset(m, 0, sizeof *m);
	m->m_type = NOTIFY_MESSAGE;
	m->m_source = src;
	m->notify.time_ms = clock_uptime_ms();
	if (src == EP_HARDWARE) {
		m->notify.irq_pending = p->irq_pending;
		p->irq_pending = 0;
	}
}

/* Build the notification message for the highest pending source src allows. */
static int take_notification(struct proc *p, endpoint_t src, message *m)
{
	static const struct { uint32_t bit; endpoint_t ep; } kernel_sources[] = {
		{ NOTIFY_FROM_HARDWARE, EP_HARDWARE },
		{ NOTIFY_FROM_CLOCK, EP_CLOCK },
		{ NOTIFY_FROM_KERNEL, EP_KERNEL },
	};
	uint32_t i, w, bits, any = p->notify_kernel;

	for (w = 0; w < NR_PROCS / 32; w++)
		any |= p->notify_pending[w];
	if (!any)
		return 0;
	for (i = 0; p->notify_kernel && i < sizeof kernel_sources / sizeof kernel_sources[0]; i++) {
		if ((p->notify_kernel & kernel_sources[i].bit) &&
		    (src == EP_ANY || src == kernel_sources[i].ep)) {
			p->notify_kernel &= ~kernel_sources[i].bit;
			notification(p, kernel_sources[i].ep, m);
			return 1;
		}
	}
	for (w = 0; w < NR_PROCS / 32; w++) {
		for (bits = p->notify_pending[w]; bits; bits &= bits - 1) {
			i = w * 32 + (uint32_t)__builtin_ctz(bits);
			if (src != EP_ANY && src != proc_table[i].endpoint)
				continue;
			bit_clear(p->notify_pending, i);
			notification(p, proc_table[i].endpoint, m);
			return 1;
		}
	}
	return 0;
}

static int do_receive(struct proc *caller, endpoint_t src, vir_bytes umsg)
{
	struct proc **q, *s, *from = NULL;
	message m;

	if (vm_msg_writable(&caller->vm, umsg) < 0)
		return -EFAULT;
	if (src >= 0 && !(from = proc_lookup(src)))
		return -ESRCH;
	if (from == caller)
		return -EDEADLK;
	if (src < 0 && src != EP_ANY && src != EP_HARDWARE && src != EP_CLOCK && src != EP_KERNEL)
		return -EINVAL;

	if (take_notification(caller, src, &m)) {
		caller->run_ticks = 0;             /* busy with work, not spinning (see procinfo's run_ms) */
		return vm_msg_write(&caller->vm, umsg, &m);
	}

	for (q = &caller->senders; (s = *q); q = &s->next_sender) {
		if (src != EP_ANY && s->endpoint != src)
			continue;
		*q = s->next_sender;
		caller->run_ticks = 0;
		vm_msg_write(&caller->vm, umsg, &s->ipc_msg);
		if (s->ipc_sendrec) {
			s->state = PSTATE_RECEIVING;   /* now waiting for the reply */
			s->ipc_peer = caller->endpoint;
		} else {
			proc_wake(s, 0);
		}
		return 0;
	}

	if (from && deadlock(caller, from))
		return -EDEADLK;
	caller->ipc_peer = src;
	caller->ipc_buf = umsg;
	proc_block(caller, PSTATE_RECEIVING);
	return SUSPEND;
}

static int do_notify(struct proc *caller, endpoint_t ep)
{
	struct proc *dst;
	message m;
	int r;

	r = ipc_target(caller, ep, &dst);
	if (r < 0)
		return r;
	bit_set(dst->notify_pending, (unsigned)caller->slot);
	if (wants_notification(dst, caller->endpoint) && take_notification(dst, dst->ipc_peer, &m))
		deliver(dst, &m);
	return 0;
}

/* A notification from the kernel itself (interrupts, alarms, death reports). */
void notify_kernel(struct proc *dst, uint32_t which)
{
	endpoint_t src = which == NOTIFY_FROM_HARDWARE ? EP_HARDWARE :
	                 which == NOTIFY_FROM_CLOCK ? EP_CLOCK : EP_KERNEL;
	message m;

	dst->notify_kernel |= which;
	if (wants_notification(dst, src) && take_notification(dst, dst->ipc_peer, &m))
		deliver(dst, &m);
}

/* The IPC trap: eax = op, ebx = endpoint, ecx = message address. */
void ipc_trap(struct proc *caller)
{
	endpoint_t ep = (endpoint_t)caller->regs.ebx;
	vir_bytes umsg = caller->regs.ecx;
	int r;

	switch (caller->regs.eax) {
	case IPC_SENDREC: r = send(caller, ep, umsg, SEND_SENDREC); break;
	case IPC_SEND:    r = send(caller, ep, umsg, SEND_BLOCK); break;
	case IPC_RECEIVE: r = do_receive(caller, ep, umsg); break;
	case IPC_SENDNB:  r = send(caller, ep, umsg, SEND_NB); break;
	case IPC_NOTIFY:  r = do_notify(caller, ep); break;
	default:          r = -ENOSYS; break;
	}
	if (r != SUSPEND)
		caller->regs.eax = (uint32_t)r;
}

/* Take p out of the queue of the process it is blocked sending to. */
void ipc_cancel(struct proc *p)
{
	struct proc *dst, **q;

	if (p->state != PSTATE_SENDING || !(dst = proc_lookup(p->ipc_peer)))
		return;
	for (q = &dst->senders; *q; q = &(*q)->next_sender) {
		if (*q == p) {
			*q = p->next_sender;
			return;
		}
	}
}

/* `dead` is ending: nobody may stay blocked on it or hold its notifications. */
void ipc_cleanup(struct proc *dead)
{
	struct proc *p, *s;

	while ((s = dead->senders)) {
		dead->senders = s->next_sender;
		proc_wake(s, -ESRCH);
	}
	ipc_cancel(dead);
	for (p = proc_table; p < proc_table + NR_PROCS; p++) {
		bit_clear(p->notify_pending, (unsigned)dead->slot);
		if (p != dead && p->state == PSTATE_RECEIVING && p->ipc_peer == dead->endpoint)
			proc_wake(p, -ESRCH);
	}
}
