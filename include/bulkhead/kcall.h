/*
 * Kernel calls: numbers and message payloads.
 *
 * A kernel call is sendrec(EP_KERNEL, m) with m.m_type set to the call
 * number; the kernel answers in the same message, m_type holding 0 or a
 * negated errno. The numbers are ABI: add new calls at the end.
 */
#ifndef BULKHEAD_KCALL_H
#define BULKHEAD_KCALL_H

#include <bulkhead/types.h>

enum kcall_nr {
	KC_EXIT,        /* end the caller */
	KC_BRK,         /* move the caller's heap end */
	KC_DIAG,        /* print a string on the kernel console */
	KC_TIME,        /* uptime and cycle counter */
	KC_ALARM,       /* notify the caller from EP_CLOCK after some ms */
	KC_GETDEATH,    /* manager: collect one death report */
	KC_KILL,        /* manager: end a process */
	KC_PROCINFO,    /* read one process-table slot */
	KC_GETLOG,      /* read the kernel event log */
	KC_SHUTDOWN,    /* power off (isa-debug-exit status for the test harness) */
	KC_SYSINFO,     /* free memory and other system-wide figures */
	KC_PRIVCTL,     /* installer: set or extend a process's privilege record */
	KC_DEVIO,       /* one port read or write */
	KC_VDEVIO,      /* a vector of port reads and writes, all or nothing */
	KC_SETGRANT,    /* register the caller's grant table */
	KC_SAFECOPY,    /* copy to/from memory granted to the caller */
	KC_VSAFECOPY,   /* a vector of such copies, all or nothing */
	KC_IRQCTL,      /* hook, enable, disable or release an IRQ line */
	KC_MAPMEM,      /* map device memory the caller owns */
	KC_DMAALLOC,    /* physically contiguous memory, with its address */
	KC_UMAP,        /* physical address of the caller's own memory */
	KC_TRACE,       /* read or patch another process's text */
	KC_FORK,        /* manager: copy a process, or make an empty stopped one */
	KC_EXEC,        /* manager: replace a process's program with an ELF image */
	KC_SETUID,      /* manager: set the user id of a process it manages */
	KC_DMACTL,      /* the IOMMU driver: DMA buffers, their quarantine, DMA refusals */
	KC_SCREEN,      /* the boot screen GRUB set up: its geometry, a mapping; the kernel's text */
	NR_KCALLS
};

/* Every privilege record has these. */
#define KCALLS_BASIC ((1u << KC_EXIT) | (1u << KC_BRK) | (1u << KC_DIAG) | \
                      (1u << KC_TIME) | (1u << KC_ALARM) | (1u << KC_PROCINFO) | \
                      (1u << KC_SYSINFO) | (1u << KC_GETLOG) | (1u << KC_SETGRANT))


struct kc_exit      { int32_t status; };
struct kc_brk       { vir_bytes addr; };            /* in: wanted end (0: query); out: end */
struct kc_diag      { vir_bytes buf; uint32_t len; };
struct kc_time      { uint64_t tsc; uint32_t uptime_ms; uint32_t tsc_khz; };
#define ALARM_OR_IDLE 0x1     /* kc_alarm.flags: or sooner, as soon as the CPU has nothing else to run */
struct kc_alarm     { uint32_t ms; uint32_t flags; };   /* ms 0 cancels */
struct kc_kill      { endpoint_t target; int32_t status; };
struct kc_procinfo  { int32_t slot; endpoint_t target; vir_bytes buf; };  /* slot < 0: by target */
struct kc_getlog    { uint32_t from_seq; vir_bytes buf; uint32_t max;     /* in */
                      uint32_t count; uint32_t next_seq; };                /* out */
#define SHUTDOWN_RESET 0x1    /* kc_shutdown.how: reset the machine instead of powering off */
struct kc_shutdown  { int32_t status; uint32_t how; };
/* How often the CPU entered the kernel since boot, by what brought it in (kernel/trap.c). */
struct kernel_entries { uint32_t ipc_traps, interrupts, exceptions; };
struct kc_sysinfo   { uint32_t free_pages, total_pages, procs, uptime_ms;
                      phys_bytes text_start; uint32_t text_len, text_sum;     /* the kernel's code, a checksum */
                      struct kernel_entries entries; };

#define PRIVCTL_SET    0x1     /* replace the record (basic calls are always kept) */
#define PRIVCTL_EXTEND 0x2     /* add the record's rights to the current ones */
#define PRIVCTL_START  0x4     /* let a process waiting for its privileges run */
#define PRIVCTL_SET_IPC 0x8    /* replace only whom it may send to (after a peer restarted) */
struct kc_privctl   { endpoint_t target; uint32_t op; vir_bytes priv; };

struct kc_devio     { uint32_t port; uint32_t value; uint8_t size; uint8_t dir; uint8_t pad[2]; };
struct kc_vdevio    { vir_bytes vec; uint32_t count; int32_t bad_index; };   /* out: -1 or bad entry */
struct kc_setgrant  { vir_bytes table; uint32_t count; };
struct kc_safecopy  { endpoint_t granter; grant_id_t grant; uint32_t offset;
                      vir_bytes addr; uint32_t len; uint32_t dir; };
struct kc_vsafecopy { vir_bytes vec; uint32_t count; int32_t bad_index; };

#define IRQ_SETPOLICY 1        /* hook the line (it must be in the record) */
#define IRQ_ENABLE    2        /* done with the last interrupt: unmask */
#define IRQ_DISABLE   3
#define IRQ_RELEASE   4        /* unhook; the line stays masked */
struct kc_irqctl    { uint32_t op; uint32_t irq; };

struct kc_mapmem    { phys_bytes base; uint32_t len; vir_bytes addr; };         /* addr: out */
struct kc_dmaalloc  { uint32_t len; vir_bytes addr; phys_bytes phys; };         /* addr, phys: out */
struct kc_umap      { vir_bytes addr; uint32_t len; phys_bytes phys; uint32_t contig; };

/*
 * KC_DMACTL, for the IOMMU driver only (its policy alone may name DMACTL,
 * lib/policy/rules.c). Once it has said DMACTL_GUARD (translation is on),
 * the DMA buffers of a process that ends or execs are not freed but
 * quarantined: kept out of use, and the guard notified (from EP_KERNEL),
 * until it has removed their mappings, invalidated the IOTLB, and said
 * DMACTL_RELEASE. Without a guard they are freed at once, as before.
 */
#define DMACTL_BUFFER      1   /* target's index-th DMA buffer: phys, pages (the guard pages not counted) */
#define DMACTL_QUARANTINED 2   /* the index-th quarantined run: phys, pages, target (its owner) */
#define DMACTL_RELEASE     3   /* free the quarantined run at phys: nothing maps it any more */
#define DMACTL_GUARD       4   /* quarantine from now on, and notify the caller */
#define DMACTL_REFUSED     5   /* count and log a DMA refusal against target: phys, info */
struct kc_dmactl    { uint32_t op; endpoint_t target; uint32_t index; phys_bytes phys;
                      uint32_t pages; uint32_t info; };

#define FORK_EMPTY 0x1         /* no copy: an empty, stopped process to exec into */
struct kc_fork      { endpoint_t parent; uint32_t flags; endpoint_t child; };   /* child: out */

#define EXEC_START 0x1         /* let it run once loaded (else it stays stopped) */
struct kc_setuid    { endpoint_t target; uint32_t uid; };

struct kc_exec      { endpoint_t target; vir_bytes image; uint32_t size;
                      vir_bytes args; uint32_t args_len; uint32_t argc; uint32_t flags; };

#define TRACE_READ_TEXT  1
#define TRACE_WRITE_TEXT 2
struct kc_trace     { uint32_t op; endpoint_t target; vir_bytes addr; vir_bytes buf; uint32_t len; };

/*
 * KC_SCREEN. GRUB describes the screen it leaves (multiboot framebuffer
 * info): VGA text cells, or a linear framebuffer. SCREEN_INFO copies a
 * struct screen_info to buf; SCREEN_MAP maps the screen's memory into the
 * caller (addr: out), uncached; SCREEN_TEXT copies up to len bytes of what
 * the kernel has printed on its console, from byte position `from` on, to
 * buf (count and next: out; text older than KTEXT_KEEP bytes is gone, and
 * the copy starts at the oldest kept).
 */
#define SCREEN_INFO 1
#define SCREEN_MAP  2
#define SCREEN_TEXT 3
#define KTEXT_KEEP  16384
enum screen_type { SCREEN_NONE, SCREEN_RGB, SCREEN_EGA_TEXT };
struct screen_info {
	uint32_t type;                 /* enum screen_type */
	phys_bytes addr;
	uint32_t pitch, width, height; /* bytes a row; pixels, or text cells */
	uint32_t bpp;                  /* bits a pixel (16 for a text cell) */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size, pad[2];
};
struct kc_screen    { uint32_t op; vir_bytes buf; uint32_t len; uint32_t from;
                      uint32_t count; uint32_t next; vir_bytes addr; };

/* How a process ended, as reported by KC_GETDEATH. */
enum death_cause {
	DEATH_EXIT = 1,     /* called KC_EXIT; status is its exit status */
	DEATH_EXCEPTION,    /* CPU exception: vector, error, addr (cr2), eip */
	DEATH_KILLED,       /* KC_KILL by killer */
};

struct kc_getdeath {
	endpoint_t who;
	uint32_t   cause;    /* enum death_cause */
	int32_t    status;
	uint32_t   vector, error, addr, eip;
	endpoint_t killer;
	uint32_t   time_ms;
	char       name[16];
};

MSG_PAYLOAD(kc_exit);
MSG_PAYLOAD(kc_brk);
MSG_PAYLOAD(kc_diag);
MSG_PAYLOAD(kc_time);
MSG_PAYLOAD(kc_alarm);
MSG_PAYLOAD(kc_kill);
MSG_PAYLOAD(kc_procinfo);
MSG_PAYLOAD(kc_getlog);
MSG_PAYLOAD(kc_shutdown);
MSG_PAYLOAD(kc_getdeath);
MSG_PAYLOAD(kc_sysinfo);
MSG_PAYLOAD(kc_privctl);
MSG_PAYLOAD(kc_devio);
MSG_PAYLOAD(kc_vdevio);
MSG_PAYLOAD(kc_setgrant);
MSG_PAYLOAD(kc_safecopy);
MSG_PAYLOAD(kc_vsafecopy);
MSG_PAYLOAD(kc_irqctl);
MSG_PAYLOAD(kc_mapmem);
MSG_PAYLOAD(kc_dmaalloc);
MSG_PAYLOAD(kc_umap);
MSG_PAYLOAD(kc_trace);
MSG_PAYLOAD(kc_fork);
MSG_PAYLOAD(kc_exec);
MSG_PAYLOAD(kc_setuid);
MSG_PAYLOAD(kc_dmactl);
MSG_PAYLOAD(kc_screen);

#endif
