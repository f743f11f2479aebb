/*
 * Driver policy files: what a driver may do, as data.
 *
 *   driver rtl8139 {
 *       pci device  10ec/8139;         # devices it may claim (vendor/device, hex)
 *       io          300:20;            # port ranges (hex base:length)
 *       memory      fe000000:1000;     # device memory ranges (hex base:length)
 *       irq         9;                 # IRQ lines
 *       ipc         pm ds inet;        # whom it may send to (dm is implicit)
 *       kernel      DEVIO SAFECOPY;    # kernel calls beyond the basic ones
 *       heartbeat   500;               # ms; no answer for 1.5 periods -> restart
 *       restart     10;                # failures in a row before giving up (0: never)
 *       backoff     100 5000;          # ms before the 2nd restart in a row, doubling, at most
 *       cpu         2000;              # ms of CPU without blocking -> restart (0: no limit)
 *       liveness    3000;              # ms with work pending and none done -> restart (0: off)
 *       clients     inet;              # services that may ask for it to be restarted
 *       public;                        # ordinary programs may send to it
 *       dma;                           # its PCI devices may master the bus
 *   };
 *
 * Shared by the driver manager and tools/policycheck. The parser checks
 * everything and reports the first problem as "FILE:LINE: ...".
 */
#ifndef BULKHEAD_POLICY_H
#define BULKHEAD_POLICY_H

#include <bulkhead/types.h>
#include <bulkhead/priv.h>

#define POLICY_NAME_MAX 16
#define POLICY_MAX_IPC  8
#define POLICY_MAX_PCI  4
#define POLICY_ERR_MAX  160
#define POLICY_MAX_CLIENTS 4
#define POLICY_CPU_DEFAULT_MS      2000  /* without a 'cpu' statement */
#define POLICY_LIVENESS_DEFAULT_MS 5000  /* without a 'liveness' statement */

#define POLICY_PUBLIC 0x1
#define POLICY_DMA    0x2

struct pci_id { uint16_t vendor, device; };

struct policy {
	char name[POLICY_NAME_MAX];
	uint32_t line;                          /* where its block starts */
	uint32_t n_pci;
	struct pci_id pci[POLICY_MAX_PCI];
	uint32_t n_io;
	struct io_range io[PRIV_MAX_IO];
	uint32_t n_mem;
	struct mem_range mem[PRIV_MAX_MEM];
	uint32_t irqs;                          /* bit n: line n */
	uint32_t n_ipc;
	char ipc[POLICY_MAX_IPC][POLICY_NAME_MAX];
	uint32_t kcalls[NR_KCALL_BITS / 32];
	uint32_t heartbeat_ms;                  /* 0: no heartbeat */
	uint32_t restart_limit;                 /* 0: restart forever */
	uint32_t backoff_base_ms, backoff_max_ms;
	uint32_t flags;                         /* POLICY_PUBLIC, POLICY_DMA */
	uint32_t cpu_ms;                        /* 0: no limit */
	uint32_t liveness_ms;                   /* 0: not checked */
	uint32_t n_clients;
	char clients[POLICY_MAX_CLIENTS][POLICY_NAME_MAX];
};

/*
 * Parse len bytes of text (from `file`, for messages) into at most max
 * policies. Returns how many, or -1 with the reason in err.
 */
int policy_parse(const char *text, size_t len, const char *file,
                 struct policy *out, int max, char *err, size_t errlen);
/* The kernel call named name (e.g. "DEVIO"), or -1. */
int policy_kcall(const char *name);
const char *policy_kcall_name(int nr);

#endif
