/*
 * The driver manager's protocol (used by `service` and by drivers).
 *
 * From `service`:
 *   DM_UP       start a driver: a struct dm_up_request behind a grant. The
 *               answer comes once the driver has initialised; if it fails
 *               before that, or its policy is bad ("file:line: ..."), the
 *               reason goes into the error buffer and nothing keeps running
 *   DM_DOWN     stop a driver for good
 *   DM_REFRESH  restart a driver now
 *   DM_INFO     a struct dm_driver_info, by label (or by index if the label
 *               is empty: -ENOENT past the last driver)
 *   DM_HISTORY  the index-th most recent struct dm_failure of a driver
 *   DM_POLICY   the text of the policy file in force
 *   DM_TRACE    give the caller (an administrator's program: uid 0, an
 *               ordinary program) the right to read and patch the text of
 *               the driver `label` with KC_TRACE, for the fault injector
 *               (commands/swifi.c). Only drivers this manager runs and
 *               /etc/swifi.conf lists; never a system server. The answer
 *               is the driver's endpoint (>0) or -errno. The right ends
 *               when that incarnation of the driver does.
 * From a client service named in a driver's policy (`clients`):
 *   DM_RESTART  restart that driver now (it is not working for the client);
 *               anyone else is refused (-EPERM) and the attempt is logged
 * From a driver (the driver library sends these):
 *   DM_INIT_DONE  initialised: serving requests from now on; a driver that
 *               reports progress grants the manager (read) its struct
 *               dm_progress (grant, len; else grant is GRANT_INVALID)
 *   DM_PANIC      about to exit because of the message behind the grant
 * From the PCI bus server (the driver labelled "pci") only:
 *   DM_PCI_ACL    which PCI devices may the driver at endpoint `index` claim
 *                 (a struct dm_pci_acl behind the grant)
 *   DM_PCI_GRANT  give a driver a device's ports, memory and IRQ (a struct
 *                 dm_pci_grant behind the grant), if its policy names the device,
 *                 no other live driver holds that device (by bus/device/function:
 *                 EBUSY), and none of its resources is the kernel's (EPERM) or
 *                 clashes with another live driver's (EBUSY). The manager keeps
 *                 who holds what; a driver's hold lasts across its restarts and
 *                 ends when it is stopped or given up
 *   DM_PCI_HELD   the index-th device a live driver holds (a struct dm_pci_held
 *                 behind the grant; ENOENT past the last): how a restarted PCI
 *                 server learns who holds what
 * Heartbeats are notifications: the manager notifies the driver, the driver
 * notifies it back. With each answer the manager reads the driver's struct
 * dm_progress through its grant (a kernel copy: nothing waits on the driver).
 */
#ifndef BULKHEAD_DM_H
#define BULKHEAD_DM_H

#include <bulkhead/types.h>
#include <bulkhead/priv.h>

enum {
	DM_UP = 0x600,
	DM_DOWN,
	DM_REFRESH,
	DM_INFO,
	DM_HISTORY,
	DM_POLICY,
	DM_INIT_DONE,
	DM_PANIC,
	DM_PCI_ACL,
	DM_PCI_GRANT,
	DM_PCI_HELD,
	DM_RESTART,
	DM_TRACE,
};

#define DM_LABEL_MAX 16
#define DM_PATH_MAX  64
#define DM_ARGS_MAX  256
#define DM_DETAIL_MAX 48
#define DM_TRACERS_FILE "/etc/swifi.conf"   /* the drivers DM_TRACE may open to tracing */

struct dm_up_request {
	char     binary[DM_PATH_MAX];
	char     config[DM_PATH_MAX];      /* empty: /etc/drivers/LABEL.conf */
	char     label[DM_LABEL_MAX];      /* empty: the binary's name */
	uint32_t argc;
	char     args[DM_ARGS_MAX];        /* argc NUL-terminated strings */
};

struct dm_req {
	char       label[DM_LABEL_MAX];
	uint32_t   index;
	grant_id_t grant;
	uint32_t   len;
	grant_id_t err;                    /* DM_UP: where to put the reason */
	uint32_t   err_len;
};
MSG_PAYLOAD(dm_req);

enum dm_state {
	DRV_STARTING = 1,    /* exec'd, not yet initialised */
	DRV_RUNNING,         /* initialised and answering heartbeats */
	DRV_RESTARTING,      /* failed; waiting out the backoff */
	DRV_DOWN,            /* stopped by `service down` */
	DRV_GAVE_UP,         /* failed more often in a row than its policy allows */
};

enum dm_cause {
	CAUSE_NONE,
	CAUSE_EXIT,          /* it exited (status) */
	CAUSE_EXCEPTION,     /* a CPU exception (vector, address) */
	CAUSE_KILLED,        /* killed by someone (signal) */
	CAUSE_PANIC,         /* it called driver_panic() (detail: its message) */
	CAUSE_HEARTBEAT,     /* stopped answering heartbeats; killed */
	CAUSE_REFRESH,       /* `service refresh` */
	CAUSE_CPU,           /* ran longer than its policy's cpu limit without blocking; killed */
	CAUSE_STALLED,       /* held work and did none for its policy's liveness time; killed */
	CAUSE_CLIENT,        /* a client named in its policy asked for a restart */
};

/* What a driver has done so far (counts since it started). */
struct dm_progress {
	uint32_t done;                     /* requests completed (a NIC: frames transmitted) */
	uint32_t pending;                  /* requests accepted and not yet completed */
	uint32_t received;                 /* input delivered (a NIC: frames received) */
};

struct dm_driver_info {
	char       label[DM_LABEL_MAX];
	char       binary[DM_PATH_MAX];
	endpoint_t endpoint;
	uint32_t   state;                  /* enum dm_state */
	uint32_t   incarnation;            /* 1 for the first start */
	uint32_t   restarts;
	uint32_t   failures_in_row;
	uint32_t   heartbeat_ms;
	uint32_t   last_cause;             /* enum dm_cause */
	uint32_t   last_recovery_ms;       /* failure detected -> serving again */
	uint32_t   next_delay_ms;          /* backoff before the next restart */
	char       last_detail[DM_DETAIL_MAX];
	uint32_t   cpu_ms;                 /* its policy's limits (0: none) */
	uint32_t   liveness_ms;
	uint32_t   reports_progress;       /* progress below is what it last reported */
	struct dm_progress progress;
	uint32_t   dma;                    /* enum dm_dma */
};

enum dm_dma {
	DMA_NONE,                          /* its policy does not say dma */
	DMA_UNCONFINED,                    /* dma, and no IOMMU running: its device reaches all memory */
	DMA_CONFINED,                      /* dma, behind the IOMMU: only its own DMA buffers */
	DMA_WAITING,                       /* dma, and the IOMMU that ran is down: not started until it is back */
};

struct dm_failure {
	uint32_t incarnation;              /* the incarnation that failed */
	uint32_t cause;                    /* enum dm_cause */
	int32_t  status;                   /* exit status, signal or vector */
	uint32_t addr;                     /* exception: faulting address */
	uint32_t failed_ms;                /* uptime when the failure was detected */
	uint32_t restarted_ms;             /* when the new incarnation was exec'd (0: not) */
	uint32_t serving_ms;               /* when it said it was initialised (0: not yet) */
	uint32_t delay_ms;                 /* backoff waited before restarting */
	uint32_t recovery_us;              /* detected -> serving, by the cycle counter (0: not yet) */
	char     detail[DM_DETAIL_MAX];
};

#define DM_PCI_MAX_IDS 4
#define DM_PCI_MAX_BARS 6

struct dm_pci_acl {
	char     label[DM_LABEL_MAX];
	uint32_t n_ids;
	uint16_t vendor[DM_PCI_MAX_IDS], device[DM_PCI_MAX_IDS];
	uint32_t dma;                      /* its policy lets its devices master the bus */
};

struct dm_pci_grant {
	endpoint_t driver;
	uint16_t   vendor, device;
	uint32_t   n_io;
	struct io_range io[DM_PCI_MAX_BARS];
	uint32_t   n_mem;
	struct mem_range mem[DM_PCI_MAX_BARS];
	uint32_t   irq;                    /* 0: none */
	uint8_t    bus, dev, func, pad;    /* which device: one driver holds it at a time */
};

struct dm_pci_held {
	uint8_t    bus, dev, func, pad;
	uint16_t   vendor, device;
	endpoint_t holder;                 /* the incarnation it was given to */
	char       label[DM_LABEL_MAX];
};

#endif
