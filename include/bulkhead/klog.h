/*
 * The kernel's event log: denied accesses and process faults.
 *
 * Every denied attempt (IPC, kernel call, port I/O, grant, memory, IRQ, trace)
 * is counted in the offender's process record under its kind and appended to a
 * ring buffer of struct klog_entry. KC_GETLOG reads the ring; KC_PROCINFO reads
 * the counters. Faults (CPU exceptions in user mode) are logged too.
 */
#ifndef BULKHEAD_KLOG_H
#define BULKHEAD_KLOG_H

#include <bulkhead/types.h>

enum deny_kind {
	DENY_IPC,     /* destination not in the record, or dead/stale endpoint */
	DENY_KCALL,   /* kernel call not in the record, or no such call */
	DENY_IO,      /* port outside the caller's I/O ranges, or misaligned */
	DENY_GRANT,   /* SAFECOPY or grant use that the grant does not allow */
	DENY_MEM,     /* physical memory or address lookup outside what it owns */
	DENY_IRQ,     /* IRQ line the caller does not own */
	DENY_TRACE,   /* trace of a process without trace rights */
	DENY_PRIV,    /* privilege install by an unauthorised caller */
	DENY_DMA,     /* a device's DMA outside its driver's buffers, blocked by the IOMMU:
	                 target = address, detail = IOMMU_FAULT_INFO (iommu.h) */
	NR_DENY_KINDS
};

/* A deny_kind as the tools print it. */
static inline const char *deny_kind_name(uint32_t kind)
{
	static const char *const names[NR_DENY_KINDS] = {
		"ipc", "kernel call", "port I/O", "grant", "memory", "irq", "trace", "privileges", "dma",
	};

	return kind < NR_DENY_KINDS ? names[kind] : "?";
}

enum klog_kind {
	KLOG_DENIED = 1,   /* code = deny_kind, target, detail as below */
	KLOG_FAULT,        /* code = CPU vector, target = fault address, detail = eip */
	KLOG_EXIT,         /* code = 0, detail = exit status; only drivers and servers
	                      (an ordinary program's exit would push failures out) */
	KLOG_KILLED,       /* target = killer's endpoint */
};

#define KLOG_NAME_LEN 12

struct klog_entry {
	uint32_t   seq;        /* increases by one per entry, never reused */
	uint32_t   time_ms;    /* uptime when it happened */
	endpoint_t who;        /* the process concerned */
	uint16_t   kind;       /* enum klog_kind */
	uint16_t   code;       /* deny_kind or vector */
	uint32_t   target;     /* endpoint, port, call number, address ... */
	uint32_t   detail;     /* secondary value: error code, eip, status */
	char       name[KLOG_NAME_LEN];  /* who's name, kept after it is gone */
};
BH_STATIC_ASSERT(sizeof(struct klog_entry) == 36, "klog entry layout");

#define KLOG_ENTRIES 256

#endif
