/*
 * Driver policy files: what a driver may do, as data.
 *
 *   driver rtl8139 {
 *       binary      /drivers/rtl8139;  # the only program this policy may run (required)
 *       pci device  10ec/8139;         # devices it may claim (vendor/device, hex)
 *       io          300:20;            # port ranges (hex base:length)
 *       memory      fe000000:1000;     # device memory ranges (hex base:length)
 *       irq         9;                 # IRQ lines
 *       io          2f8:8 shared;      # 'shared' last: other drivers whose policies
 *       irq         3 shared;          #   also say 'shared' may hold them too
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
 *       dma iommu;                     #   only behind an IOMMU (else it is not started)
 *   };
 *
 * Shared by the driver manager and tools/policycheck. The parser checks
 * everything and reports the first problem as "FILE:LINE: ...". Besides the
 * syntax it refuses hardware the kernel keeps for itself (the interrupt
 * controllers, the timer, the DMA controllers, the reset and power-off
 * ports; the PCI configuration ports cf8-cff for every binary but the PCI
 * bus server's) and memory that is not plainly device memory (rules.c).
 * The driver manager and policycheck also refuse ports, memory and IRQs two
 * drivers would hold at once unless both policies say 'shared'.
 */
#ifndef BULKHEAD_POLICY_H
#define BULKHEAD_POLICY_H

#include <bulkhead/types.h>
#include <bulkhead/priv.h>

#define POLICY_NAME_MAX 16
#define POLICY_MAX_IPC  8
#define POLICY_MAX_PCI  4
#define POLICY_ERR_MAX  160
#define POLICY_PATH_MAX 64
#define POLICY_PCI_SERVER "/drivers/pci"   /* the one binary that may have cf8-cff */
#define POLICY_MAX_CLIENTS 4
#define POLICY_CPU_DEFAULT_MS      2000  /* without a 'cpu' statement */
#define POLICY_LIVENESS_DEFAULT_MS 5000  /* without a 'liveness' statement */
#define POLICY_MS_MAX            600000  /* the longest time any statement takes */
#define POLICY_RESTARTS_MAX      100000  /* the largest 'restart' limit */
#define POLICY_HEARTBEAT_MIN_MS      10
#define POLICY_CPU_MIN_MS            50
#define POLICY_LIVENESS_MIN_MS      250  /* over two of the network driver library's polls (NET_POLL_MS): a NIC's
                                            completions may be taken only at the next one (netdriver.c asserts it) */

#define POLICY_PUBLIC 0x1
#define POLICY_DMA    0x2
#define POLICY_DMA_IOMMU 0x4                /* 'dma iommu': never without an IOMMU */
#define POLICY_IOMMU_DRIVER "/drivers/iommu" /* the one binary that may have DMACTL and the IOMMU's registers */

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
	char binary[POLICY_PATH_MAX];           /* the program it is for */
	uint32_t io_shared, mem_shared;         /* bit i: io[i] / mem[i] says 'shared' */
	uint32_t irqs_shared;                   /* bit n: line n says 'shared' */
	uint32_t binary_line;                   /* where each thing was named */
	uint32_t io_line[PRIV_MAX_IO], mem_line[PRIV_MAX_MEM];
	uint32_t irq_line[NR_IRQS], ipc_line[POLICY_MAX_IPC];
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

/* Hardware rules (lib/policy/rules.c), shared by the driver manager and policycheck. */

/* Which of the kernel's devices ports [base, base+len) touch, or NULL if none.
   pci_server: for the PCI bus server, which alone may have cf8-cff. */
const char *policy_kernel_ports(uint32_t base, uint32_t len, int pci_server);
/* Which of the kernel's devices memory [base, base+len) touches, or NULL. */
const char *policy_kernel_memory(uint32_t base, uint32_t len);
/* Is IRQ line irq the kernel's (the clock, the cascade)? */
int policy_kernel_irq(uint32_t irq);
/* Is [base, base+len) plainly device memory (not RAM)? */
int policy_device_memory(uint32_t base, uint32_t len);
/* 0, or -1 with the line of pol's statement that names the kernel's hardware
   or memory that is not device memory, and what is wrong in what. */
int policy_check_hardware(const struct policy *pol, uint32_t *line, char *what, size_t len);
/* 0, or -1 if a and b name the same port, memory page or IRQ and not both say
   'shared': the line in a, and what clashes in what. */
int policy_clash(const struct policy *a, const struct policy *b, uint32_t *line, char *what, size_t len);
/* Is label one of the system servers (started by the boot loader, or inet)? */
int policy_system_label(const char *label);
extern const char policy_system_labels[];

#endif
