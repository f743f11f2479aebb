/*
 * sched: priority round-robin scheduling and the way back to user mode.
 *
 * Runnable processes sit in one FIFO per priority; the one running stays at
 * the head of its queue. A process that uses up its quantum drops one
 * priority (to the tail of that queue) until it blocks, which gives it back
 * the priority it was created with. So a process that spins, driver and
 * server included, sinks below every process that blocks now and then and
 * ends up sharing the lowest queue round-robin with the other spinners: it
 * cannot starve anyone. Each process also counts the ticks it has run since
 * it last blocked (the driver manager reads them to end a spinning driver).
 * When nothing is runnable the kernel halts until the next interrupt. The
 * x87 state is switched lazily: the first FPU instruction after a switch
 * traps (CR0.TS) and loads the right state.
 */
#include "proc.h"
#include "cpu.h"
#include "gdt.h"
#include "priv.h"
#include "panic.h"
#include "clock.h"

struct proc *current;
static struct proc *ready_head[NR_PRIORITIES];
static struct proc *ready_tail[NR_PRIORITIES];
static uint32_t ready_queues;     /* bit q: ready_head[q] is not empty */
/*
 * By slot: how often the kernel wrote CR3 to run that process (each write
 * costs an emulator its whole TLB; make bench reports them per frame). Kept
 * out of struct proc: a bigger struct made slot arithmetic on the IPC path
 * dearer than the count itself.
 */
static uint32_t space_loads[NR_PROCS];
static struct proc *fpu_owner;

void sched_ready(struct proc *p)
{
	int q = p->priority;

	p->next_ready = NULL;
	if (ready_tail[q])
		ready_tail[q]->next_ready = p;
	else
		ready_head[q] = p;
	ready_tail[q] = p;
	ready_queues |= 1u << q;
}

void sched_unready(struct proc *p)
{
	int q = p->priority;
	struct proc **pp, *prev = NULL;

	if (ready_head[q] == p && ready_tail[q] != p) {    /* the running process, blocking */
		ready_head[q] = p->next_ready;
		p->next_ready = NULL;
		return;
	}
	for (pp = &ready_head[q]; *pp; prev = *pp, pp = &(*pp)->next_ready) {
		if (*pp == p) {
			*pp = p->next_ready;
			if (ready_tail[q] == p)
				ready_tail[q] = prev;
			if (!ready_head[q])
				ready_queues &= ~(1u << q);
			p->next_ready = NULL;
			return;
		}
	}
	panic("sched_unready: %s (ep %d) is not in ready queue %d", p->name, p->endpoint, q);
}

void proc_block(struct proc *p, enum proc_state why)
{
	sched_unready(p);
	p->state = why;
	p->blocked_at = clock_uptime_ms();
	sched_rested(p);
}

/* p blocked (or starts a new program): it has its own priority back. */
void sched_rested(struct proc *p)
{
	KASSERT(p->state != PSTATE_RUNNABLE);
	p->priority = p->base_priority;
	p->run_ticks = 0;
}

void proc_wake(struct proc *p, int result)
{
	p->ipc_sendrec = 0;
	p->regs.eax = (uint32_t)result;
	p->state = PSTATE_RUNNABLE;
	sched_ready(p);
}

void sched_tick(void)
{
	struct proc *p = current;

	if (!p || p->state != PSTATE_RUNNABLE)
		return;
	p->cpu_ticks++;
	p->run_ticks++;
	if (--p->ticks_left > 0)
		return;
	p->ticks_left = QUANTUM_MS;
	sched_unready(p);
	if (p->priority < NR_PRIORITIES - 1)
		p->priority++;               /* a whole quantum again: one step down */
	KASSERT(p->priority >= p->base_priority && p->priority < NR_PRIORITIES);
	sched_ready(p);
}

void sched_fpu_trap(struct proc *p)
{
	write_cr0(read_cr0() & ~CR0_TS);
	if (fpu_owner == p)
		return;
	if (fpu_owner)
		__asm__ volatile("fnsave %0" : "=m"(fpu_owner->fpu));
	if (p->fpu_used)
		__asm__ volatile("frstor %0" :: "m"(p->fpu));
	else
		__asm__ volatile("fninit");
	p->fpu_used = 1;
	fpu_owner = p;
}

/* Make p->fpu hold p's current x87 state (it may still be in the FPU). */
void sched_fpu_sync(struct proc *p)
{
	if (fpu_owner != p)
		return;
	write_cr0(read_cr0() & ~CR0_TS);          /* kernel_exit sets TS right again */
	__asm__ volatile("fnsave %0; frstor %0" : "+m"(p->fpu));
}

/* p's program is being replaced: its FPU state is void. */
void sched_fpu_reset(struct proc *p)
{
	if (fpu_owner == p)
		fpu_owner = NULL;
	p->fpu_used = 0;
}

/* p is going away: drop it from the queues and the FPU. */
void sched_forget(struct proc *p)
{
	if (p->state == PSTATE_RUNNABLE)
		sched_unready(p);
	if (fpu_owner == p)
		fpu_owner = NULL;
	if (current == p)
		current = NULL;
	space_loads[p->slot] = 0;            /* (the slot's next process counts from 0) */
}

uint32_t sched_space_loads(const struct proc *p)
{
	return space_loads[p->slot];
}

static inline __attribute__((always_inline)) struct proc *pick(void)
{
	struct proc *p;

	if (!ready_queues)
		return NULL;
	p = ready_head[__builtin_ctz(ready_queues)];
	KASSERT(p != NULL);
	return p;
}

/*
 * Halt polling, as Linux's cpuidle-haltpoll does in a virtual machine: a
 * halted virtual CPU is woken late (under QEMU's TCG its thread sleeps, and
 * the I/O thread must wake it when a frame comes in, some 10-20 us), so
 * the idle CPU first looks for work for up to poll_cycles, interrupts
 * open, and halts only then. The poll adapts to how long idle spells last:
 * one that ends within IDLE_POLL_US (the poll would have caught it) grows
 * the poll, from a quarter of that up to all of it; a longer one halves
 * it, so a system idle between clock ticks soon polls not at all. `pause`
 * matters: under TCG it leaves the translated code, letting the I/O
 * thread's interrupt in; a bare loop would hold it off.
 */
#define IDLE_POLL_US 200

static uint32_t poll_cycles;

static int poll_for_work(uint64_t start, uint32_t cycles)
{
	while (!ready_queues && rdtsc() - start < cycles)
		__asm__ volatile("sti; nop; pause; cli" ::: "memory");
	return ready_queues != 0;
}

static void wait_for_work(void)
{
	uint32_t window = clock_tsc_khz() / 1000 * IDLE_POLL_US;
	uint64_t start = rdtsc();

	if (poll_for_work(start, poll_cycles))
		return;
	idle_wait();
	if (rdtsc() - start > window)
		poll_cycles /= 2;
	else if (!poll_cycles)
		poll_cycles = window / 4;
	else
		poll_cycles = poll_cycles < window / 2 ? poll_cycles * 2 : window;
}

/*
 * Nothing to run: alarms that may go off early do (clock_idle), else wait
 * (wait_for_work) until an interrupt makes someone runnable. Out of line:
 * the way back to user mode after IPC stays a straight path (no loop for
 * gcc to align).
 */
static __attribute__((noinline, cold)) struct proc *idle(void)
{
	struct proc *p;

	while (!(p = pick())) {
		current = NULL;
		if (!clock_idle())
			wait_for_work();
	}
	return p;
}

void kernel_exit(void)
{
	struct proc *p = pick();
	uint32_t cr0;

	if (!p)
		p = idle();
	current = p;
	vm_enter(&p->vm, &space_loads[p->slot]);
	gdt_enter((uint32_t)(&p->regs + 1), priv_direct_io(p) ? &p->priv : NULL);
	cr0 = read_cr0();
	if ((fpu_owner == p) == !!(cr0 & CR0_TS))
		write_cr0(cr0 ^ CR0_TS);
	restore_user(&p->regs);
}
