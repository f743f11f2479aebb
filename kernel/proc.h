/*
 * proc: the process table.
 *
 * A slot is FREE, RUNNABLE (in a ready queue), blocked (SENDING/RECEIVING),
 * STOPPED (created, not yet allowed to run) or a ZOMBIE (dead; its manager
 * has not yet collected the death report). Each reuse of a slot bumps its
 * generation, so old endpoints stop working.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <bulkhead/ipc.h>
#include <bulkhead/priv.h>
#include <bulkhead/klog.h>
#include <bulkhead/procinfo.h>
#include "trap.h"
#include "vm.h"
#include "dma.h"

#define NR_PRIORITIES 8
#define QUANTUM_MS    10

/* Pending notifications from kernel pseudo-endpoints (proc.notify_kernel). */
#define NOTIFY_FROM_HARDWARE 0x1
#define NOTIFY_FROM_CLOCK    0x2
#define NOTIFY_FROM_KERNEL   0x4

/* Returned by IPC code when the caller blocked: its eax is set later. */
#define SUSPEND 1

struct proc {
	struct trapframe regs;        /* user registers while not running */
	uint8_t fpu[108];             /* x87 state (fnsave), valid if fpu_used */
	int fpu_used;

	int slot;
	int gen;
	endpoint_t endpoint;
	enum proc_state state;
	char name[PROC_NAME_LEN];
	endpoint_t manager;           /* receives the death report */
	uint32_t uid;                 /* user id, set by the manager; 0 is the administrator */

	int priority;                 /* now: 0 is the highest */
	int base_priority;            /* its own; priority sinks below it while it spins */
	int ticks_left;
	uint32_t cpu_ticks;
	uint32_t run_ticks;           /* ticks run since it last blocked or received a message */
	struct proc *next_ready;

	struct vmspace vm;

	endpoint_t ipc_peer;          /* SENDING: to whom; RECEIVING: from whom */
	vir_bytes ipc_buf;            /* where a received message goes */
	int ipc_sendrec;              /* in a sendrec: waiting for the reply takes no notifications */
	uint32_t blocked_at;          /* uptime (ms) when it last blocked in IPC; a sendrec's send and reply are one wait */
	message ipc_msg;              /* SENDING: the message, copied in */
	struct proc *senders;         /* processes blocked sending to this one */
	struct proc *next_sender;
	uint32_t notify_pending[NR_PROCS / 32];   /* by sender slot */
	uint32_t notify_kernel;       /* NOTIFY_FROM_* */
	uint32_t irq_pending;         /* lines that fired since the last delivery */

	struct priv priv;
	uint32_t denied[NR_DENY_KINDS];

	vir_bytes grant_table;        /* the process's struct grant array, or 0 */
	uint32_t grant_count;
	uint32_t dma_pages;           /* DMA buffers it holds, in pages, guards included */
	uint32_t n_dma;
	struct dma_buffer dma[DMA_MAX_BUFFERS];   /* where they are (dma.c) */

	uint32_t alarm_at;            /* uptime in ms; 0: no alarm */
	struct kc_getdeath death;     /* ZOMBIE: how it ended */
};

extern struct proc proc_table[NR_PROCS];
extern struct proc *current;      /* NULL while the kernel idles */

void proc_init(void);
struct proc *proc_alloc(const char *name, endpoint_t manager, int priority);
struct proc *proc_target(struct proc *caller, endpoint_t ep);
void proc_start(struct proc *p);
void proc_discard(struct proc *p);
void proc_set_user_regs(struct proc *p, uint32_t eip, uint32_t esp);
void proc_replace_image(struct proc *p, struct vmspace *vm, uint32_t entry, uint32_t esp, const char *name);
void proc_end(struct proc *p, const struct kc_getdeath *how);
int  proc_reap(struct proc *manager, struct kc_getdeath *out);
void proc_fault(struct proc *p, const struct trapframe *tf, uint32_t addr);
void proc_info(const struct proc *p, struct procinfo *out);
void proc_dump(void);

/* The live process with endpoint ep (generation included), or NULL. */
static inline struct proc *proc_lookup(endpoint_t ep)
{
	struct proc *p;

	if (ep < 0 || endpoint_slot(ep) >= NR_PROCS)
		return NULL;
	p = &proc_table[endpoint_slot(ep)];
	if (p->endpoint != ep || p->state == PSTATE_FREE || p->state == PSTATE_ZOMBIE)
		return NULL;
	return p;
}

/* sched.c */
void sched_ready(struct proc *p);
void sched_unready(struct proc *p);
void sched_tick(void);
void sched_fpu_trap(struct proc *p);
void sched_forget(struct proc *p);
uint32_t sched_space_loads(const struct proc *p);   /* times its address space was loaded to run it */
void sched_fpu_sync(struct proc *p);
void sched_fpu_reset(struct proc *p);
void sched_rested(struct proc *p);
void kernel_exit(void) __attribute__((noreturn));

/* Blocking and waking, used by IPC. */
void proc_block(struct proc *p, enum proc_state why);
void proc_wake(struct proc *p, int result);

#endif
