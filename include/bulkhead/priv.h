/*
 * Privilege records: what a process may do.
 *
 * The kernel keeps one struct priv per process and checks it on every IPC,
 * kernel call, port access, IRQ operation, memory mapping and trace. A record
 * is set when a process is created (boot processes from the boot
 * configuration, children inherit their parent's) and replaced or extended by
 * KC_PRIVCTL, which only callers with PRIV_CAN_INSTALL may make.
 *
 * Every record always includes the basic kernel calls (KCALLS_BASIC in
 * kcall.h): exiting, growing the heap, the clock and alarms, console
 * diagnostics, reading process information and the kernel log, and
 * registering one's own grant table (which by itself grants nothing).
 */
#ifndef BULKHEAD_PRIV_H
#define BULKHEAD_PRIV_H

#include <bulkhead/types.h>
#include <bulkhead/endpoint.h>

#define NR_KCALL_BITS 64
#define PRIV_MAX_IO   8    /* port ranges per process */
#define PRIV_MAX_MEM  4    /* physical memory ranges per process */
#define NR_IRQS       16

/* flags */
#define PRIV_IPC_ANY      0x01   /* may send to every process */
#define PRIV_CAN_INSTALL  0x02   /* may set other processes' records (KC_PRIVCTL) */
#define PRIV_TRACE_ANY    0x04   /* may trace every process */
#define PRIV_SYSTEM       0x08   /* a system server: shown as such, may not be traced */
#define PRIV_DMA          0x10   /* its devices may master the bus (checked by the PCI server) */
#define PRIV_PUBLIC       0x20   /* a service: PRIV_USER processes may send to it */
#define PRIV_USER         0x40   /* an ordinary program: may send to PRIV_PUBLIC services */

/*
 * Who may send to whom: a process may send to (or notify) dst if it has
 * PRIV_IPC_ANY, or dst's slot is in its ipc_to, or it has PRIV_USER and dst
 * has PRIV_PUBLIC. A reply is always allowed: a process may send to one
 * that is waiting in receive for a message from it (as in sendrec), so a
 * driver can answer its clients without naming them in its policy.
 */

struct io_range {
	uint32_t base;
	uint32_t len;         /* ports base .. base+len-1 */
};

struct mem_range {
	phys_bytes base;      /* page aligned */
	uint32_t   len;       /* bytes, page multiple */
};

struct priv {
	uint32_t flags;
	uint32_t ipc_to[NR_PROCS / 32];     /* slots it may send to */
	uint32_t kcalls[NR_KCALL_BITS / 32];
	uint32_t trace_to[NR_PROCS / 32];   /* slots whose text it may read/patch */
	uint32_t irqs;                       /* bit n: owns IRQ line n */
	uint32_t n_io;
	struct io_range io[PRIV_MAX_IO];
	uint32_t n_mem;
	struct mem_range mem[PRIV_MAX_MEM];
};

static inline int bit_test(const uint32_t *map, unsigned bit)
{
	return (map[bit / 32] >> (bit % 32)) & 1;
}

static inline void bit_set(uint32_t *map, unsigned bit)
{
	map[bit / 32] |= 1u << (bit % 32);
}

static inline void bit_clear(uint32_t *map, unsigned bit)
{
	map[bit / 32] &= ~(1u << (bit % 32));
}

#endif
