/* What KC_PROCINFO reports about one process-table slot (for ps and tests). */
#ifndef BULKHEAD_PROCINFO_H
#define BULKHEAD_PROCINFO_H

#include <bulkhead/types.h>
#include <bulkhead/klog.h>

#define PROC_NAME_LEN 16

enum proc_state {
	PSTATE_FREE,
	PSTATE_RUNNABLE,
	PSTATE_SENDING,     /* blocked in send to ipc_peer */
	PSTATE_RECEIVING,   /* blocked in receive from ipc_peer (or EP_ANY) */
	PSTATE_STOPPED,     /* created but not allowed to run yet */
	PSTATE_ZOMBIE,      /* dead, waiting for its manager to collect the report */
};

struct procinfo {
	endpoint_t endpoint;
	endpoint_t manager;
	uint32_t   uid;              /* user id: 0 is the administrator */
	uint32_t   state;            /* enum proc_state */
	endpoint_t ipc_peer;         /* whom it is blocked on, if blocked */
	int32_t    priority;         /* now (lower while it spins) */
	int32_t    base_priority;    /* its own */
	uint32_t   cpu_ticks;
	uint32_t   space_loads;      /* times the kernel loaded its address space (wrote CR3) to run it */
	uint32_t   run_ms;           /* CPU time used since it last blocked or received (0 while blocked) */
	uint32_t   blocked_ms;       /* how long it has been blocked in IPC (0 unless SENDING/RECEIVING) */
	uint32_t   in_sendrec;       /* RECEIVING: the reply to its own request, from ipc_peer */
	endpoint_t waiter;           /* who has waited longest on this process: blocked sending to it, */
	uint32_t   waiter_ms;        /* or for its reply (EP_NONE, 0: nobody); for how long */
	uint32_t   pages;            /* physical pages owned */
	uint32_t   priv_flags;       /* PRIV_* from priv.h */
	uint32_t   n_kcalls;         /* how many kernel calls it may make */
	uint32_t   n_ipc_targets;    /* how many slots it may send to (NR_PROCS if any) */
	uint32_t   n_io_ranges, n_irqs, n_mem_ranges;
	uint32_t   denied[NR_DENY_KINDS];
	char       name[PROC_NAME_LEN];
};

#endif
