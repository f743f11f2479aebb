/*
 * proc: process slots, their lifetime, and how they end (interface in proc.h).
 *
 * A process ends in one place, proc_end(): it leaves the scheduler and IPC,
 * gives back its memory, and becomes a ZOMBIE holding a death report until
 * its manager collects it with KC_GETDEATH (the manager is notified from
 * EP_KERNEL). A process with no live manager is freed at once.
 */
#include <bulkhead/errno.h>
#include "proc.h"
#include "priv.h"
#include "ipc.h"
#include "irq.h"
#include "klog.h"
#include "clock.h"
#include "console.h"
#include "gdt.h"
#include "string.h"

struct proc proc_table[NR_PROCS];
static int next_slot;   /* slots are handed out round-robin, delaying reuse */

static const char *const vector_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check", "machine check",
	"SIMD error", "virtualization", "control protection",
};

void proc_init(void)
{
	int i;

	for (i = 0; i < NR_PROCS; i++) {
		proc_table[i].slot = i;
		proc_table[i].state = PSTATE_FREE;
		proc_table[i].endpoint = EP_NONE;
	}
}

static void clear_slot(struct proc *p)
{
	int slot = p->slot, gen = p->gen;

	memset(p, 0, sizeof *p);
	p->slot = slot;
	p->gen = gen;
	p->endpoint = EP_NONE;
	p->state = PSTATE_FREE;
}

struct proc *proc_alloc(const char *name, endpoint_t manager, int priority)
{
	struct proc *p = NULL;
	int i;

	for (i = 0; i < NR_PROCS && !p; i++) {
		struct proc *q = &proc_table[(next_slot + i) % NR_PROCS];
		if (q->state == PSTATE_FREE)
			p = q;
	}
	if (!p)
		return NULL;
	next_slot = (p->slot + 1) % NR_PROCS;
	clear_slot(p);
	if (vm_create(&p->vm) < 0)
		return NULL;
	p->gen = p->gen % ENDPOINT_GEN_MAX + 1;
	p->endpoint = make_endpoint(p->gen, p->slot);
	p->state = PSTATE_STOPPED;
	p->manager = manager;
	p->priority = priority < 0 ? 0 : priority >= NR_PRIORITIES ? NR_PRIORITIES - 1 : priority;
	p->base_priority = p->priority;
	p->ticks_left = QUANTUM_MS;
	strlcpy(p->name, name, sizeof p->name);
	priv_init_basic(&p->priv);
	proc_set_user_regs(p, 0, 0);
	return p;
}

/* A fresh register set: flat user segments, interrupts on, IOPL 0. */
void proc_set_user_regs(struct proc *p, uint32_t eip, uint32_t esp)
{
	memset(&p->regs, 0, sizeof p->regs);
	p->regs.cs = SEL_UCODE;
	p->regs.ds = p->regs.es = p->regs.fs = p->regs.gs = p->regs.ss = SEL_UDATA;
	p->regs.eflags = 0x202;
	p->regs.eip = eip;
	p->regs.esp = esp;
}

/*
 * exec: p gets a new program. Whatever it was doing (blocked in IPC, as a
 * process asking for exec is) is dropped, along with everything tied to the
 * old program: memory, FPU state, IRQ hooks, alarm, grant table. It is left
 * STOPPED; the caller starts it.
 */
void proc_replace_image(struct proc *p, struct vmspace *vm, uint32_t entry, uint32_t esp, const char *name)
{
	if (p->state == PSTATE_RUNNABLE)
		sched_unready(p);
	ipc_cancel(p);
	p->state = PSTATE_STOPPED;
	sched_rested(p);
	dma_release_all(p);
	vm_destroy(&p->vm);
	p->vm = *vm;
	proc_set_user_regs(p, entry, esp);
	sched_fpu_reset(p);
	irq_release_all(p);
	clock_set_alarm(p, 0, 0);
	p->grant_table = 0;
	p->grant_count = 0;
	p->irq_pending = 0;
	strlcpy(p->name, name, sizeof p->name);
}

/* Like proc_lookup, with EP_SELF meaning the caller. */
struct proc *proc_target(struct proc *caller, endpoint_t ep)
{
	return ep == EP_SELF ? caller : proc_lookup(ep);
}

void proc_start(struct proc *p)
{
	if (p->state != PSTATE_STOPPED)
		return;
	p->state = PSTATE_RUNNABLE;
	sched_ready(p);
}

/* Throw away a process that never ran. */
void proc_discard(struct proc *p)
{
	vm_destroy(&p->vm);
	clear_slot(p);
}

static void log_end(const struct proc *p, const struct kc_getdeath *how)
{
	switch (how->cause) {
	case DEATH_EXCEPTION:
		klog_add(p, KLOG_FAULT, (uint16_t)how->vector, how->addr, how->eip);
		break;
	case DEATH_KILLED:
		klog_add(p, KLOG_KILLED, 0, (uint32_t)how->killer, (uint32_t)how->status);
		break;
	default:
		if (!(p->priv.flags & PRIV_USER))     /* an ordinary program's exit is no event */
			klog_add(p, KLOG_EXIT, 0, 0, (uint32_t)how->status);
		break;
	}
}

/* Children of a dead manager: their reports have nowhere to go. */
static void orphan(const struct proc *dead)
{
	struct proc *p;

	for (p = proc_table; p < proc_table + NR_PROCS; p++) {
		if (p->state == PSTATE_FREE || p->manager != dead->endpoint)
			continue;
		if (p->state == PSTATE_ZOMBIE)
			clear_slot(p);
		else
			p->manager = EP_NONE;
	}
}

void proc_end(struct proc *p, const struct kc_getdeath *how)
{
	struct proc *manager;

	if (p->state == PSTATE_FREE || p->state == PSTATE_ZOMBIE)
		return;
	sched_forget(p);
	ipc_cleanup(p);
	irq_release_all(p);
	priv_forget_traced(p);
	p->state = PSTATE_ZOMBIE;
	dma_release_all(p);
	vm_destroy(&p->vm);
	clock_set_alarm(p, 0, 0);

	p->death = *how;
	p->death.who = p->endpoint;
	p->death.time_ms = clock_uptime_ms();
	strlcpy(p->death.name, p->name, sizeof p->death.name);
	log_end(p, how);
	orphan(p);

	manager = proc_lookup(p->manager);
	if (manager)
		notify_kernel(manager, NOTIFY_FROM_KERNEL);
	else
		clear_slot(p);
}

int proc_reap(struct proc *manager, struct kc_getdeath *out)
{
	struct proc *p;

	for (p = proc_table; p < proc_table + NR_PROCS; p++) {
		if (p->state == PSTATE_ZOMBIE && p->manager == manager->endpoint) {
			*out = p->death;
			clear_slot(p);
			return 0;
		}
	}
	return -EAGAIN;
}

/* A CPU exception in user mode ends the process; the kernel goes on. */
void proc_fault(struct proc *p, const struct trapframe *tf, uint32_t addr)
{
	struct kc_getdeath how = {
		.cause = DEATH_EXCEPTION, .vector = tf->vector, .error = tf->error,
		.addr = addr, .eip = tf->eip,
	};
	const char *what = tf->vector < 32 && vector_names[tf->vector] ? vector_names[tf->vector] : "exception";

	kprintf("kernel: %s (ep %d) ended by %s (vector %u, error %x) at eip %x, address %x\n",
	        p->name, p->endpoint, what, tf->vector, tf->error, tf->eip, addr);
	proc_end(p, &how);
}

static uint32_t count_bits(const uint32_t *map, unsigned words)
{
	uint32_t n = 0;

	while (words--)
		n += (uint32_t)__builtin_popcount(*map++);
	return n;
}

static int ipc_blocked(const struct proc *p)
{
	return p->state == PSTATE_SENDING || p->state == PSTATE_RECEIVING;
}

/* Whether w waits on p: blocked sending to it, or in a sendrec waiting for its reply. */
static int waits_on(const struct proc *w, const struct proc *p)
{
	return w != p && w->ipc_peer == p->endpoint &&
	       (w->state == PSTATE_SENDING || (w->state == PSTATE_RECEIVING && w->ipc_sendrec));
}

/* Who has waited longest on p, and for how long (so a manager sees a driver keep a client waiting). */
static void longest_waiter(const struct proc *p, struct procinfo *out, uint32_t now)
{
	const struct proc *w;

	out->waiter = EP_NONE;
	for (w = proc_table; w < proc_table + NR_PROCS; w++)
		if (waits_on(w, p) && (out->waiter == EP_NONE || now - w->blocked_at > out->waiter_ms)) {
			out->waiter = w->endpoint;
			out->waiter_ms = now - w->blocked_at;
		}
}

void proc_info(const struct proc *p, struct procinfo *out)
{
	uint32_t now = clock_uptime_ms();

	memset(out, 0, sizeof *out);
	out->endpoint = p->endpoint;
	out->manager = p->manager;
	out->uid = p->uid;
	out->state = p->state;
	out->ipc_peer = ipc_blocked(p) ? p->ipc_peer : EP_NONE;
	out->blocked_ms = ipc_blocked(p) ? now - p->blocked_at : 0;
	out->in_sendrec = p->state == PSTATE_RECEIVING && p->ipc_sendrec;
	longest_waiter(p, out, now);
	out->priority = p->priority;
	out->base_priority = p->base_priority;
	out->cpu_ticks = p->cpu_ticks;
	out->space_loads = sched_space_loads(p);
	out->run_ms = p->state == PSTATE_RUNNABLE ? p->run_ticks * (1000 / HZ) : 0;
	out->pages = p->vm.pages;
	out->priv_flags = p->priv.flags;
	out->n_kcalls = count_bits(p->priv.kcalls, NR_KCALL_BITS / 32);
	out->n_ipc_targets = p->priv.flags & PRIV_IPC_ANY ? NR_PROCS : count_bits(p->priv.ipc_to, NR_PROCS / 32);
	out->n_io_ranges = p->priv.n_io;
	out->n_irqs = count_bits(&p->priv.irqs, 1);
	out->n_mem_ranges = p->priv.n_mem;
	memcpy(out->denied, p->denied, sizeof out->denied);
	strlcpy(out->name, p->name, sizeof out->name);
}

static const char *const state_names[] = {
	[PSTATE_FREE] = "free", [PSTATE_RUNNABLE] = "runnable", [PSTATE_SENDING] = "sending",
	[PSTATE_RECEIVING] = "receiving", [PSTATE_STOPPED] = "stopped", [PSTATE_ZOMBIE] = "zombie",
};

static void dump_one(const struct proc *p)
{
	const char *wait = p->state == PSTATE_RECEIVING && p->ipc_sendrec ? " (its reply)" : "";

	kprintf("  %-2d %-5d %-15s %-9s", p->slot, p->endpoint, p->name, state_names[p->state]);
	if (p->state == PSTATE_RECEIVING && p->ipc_peer == EP_ANY)
		kprintf(" from any");
	else if (p->state == PSTATE_SENDING || p->state == PSTATE_RECEIVING)
		kprintf(" %s %d%s", p->state == PSTATE_SENDING ? "to" : "from", p->ipc_peer, wait);
	kprintf("  eip %x cr3 %x cpu %u loads %u%s\n", p->regs.eip, p->vm.pd, p->cpu_ticks, sched_space_loads(p),
	        p->senders ? " senders waiting" : "");
}

/* Every live process: who runs, who waits on whom (for an NMI, see trap.c). */
void proc_dump(void)
{
	int i;

	kprintf("kernel: NMI: process table (uptime %u ms); slot endpoint name state:\n", clock_uptime_ms());
	for (i = 0; i < NR_PROCS; i++)
		if (proc_table[i].state != PSTATE_FREE)
			dump_one(&proc_table[i]);
	kprintf("kernel: NMI: end of process table\n");
}
