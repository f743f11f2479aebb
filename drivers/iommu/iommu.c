/*
 * iommu: the IOMMU driver (Intel VT-d, as QEMU's q35 emulates it).
 *
 * A trusted user-level driver: it owns only the remapping unit's registers,
 * the BIOS area and its own DMA buffers (its translation tables), and the
 * kernel call DMACTL, which tells it where drivers' DMA buffers are.
 *
 * Translation: one root table (a root entry per bus, pointing at that bus's
 * context table), a context entry per device the PCI bus server asked for
 * (IOMMU_DOMAIN) pointing at that device's own second-level page tables
 * (3 levels, 39-bit addresses, I/O virtual address = physical address)
 * with its own domain id. A domain maps exactly its driver's DMA buffers,
 * read and write; nothing else, not their guard pages. Any other device, or
 * any other address, faults: the fault recording registers are polled,
 * each fault is counted and logged in the kernel against the device's
 * driver (deny kind DMA), and a driver whose device faults
 * IOMMU_FAULTS_RESTART times is restarted through the driver manager. A
 * fault after the driver ended (its device left mid-DMA) is only printed:
 * there is nobody to count it against or restart, and its next incarnation
 * (already on its way) resets the device.
 *
 * Reuse: when a process with DMA buffers ends, the kernel quarantines them
 * and notifies us; we remove their mappings, invalidate the IOTLB
 * (register-based, global) and only then let the kernel free them.
 *
 * Restart: the tables of a previous incarnation were its DMA buffers, which
 * the kernel quarantined when it died (the hardware kept using them). A new
 * incarnation builds fresh tables, with a domain for every device the PCI
 * server says a DMA-capable driver holds, switches the root pointer, and
 * only then releases the quarantine.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/driver.h>
#include <bulkhead/netdriver.h>
#include <bulkhead/iommu.h>
#include <bulkhead/pci.h>
#include <bulkhead/dm.h>
#include <bulkhead/procinfo.h>
#include <bulkhead/syslib.h>
#include <bulkhead/layout.h>
#include "iommu.h"

/* Remapping unit registers (VT-d spec, chapter 11). */
#define REG_CAP      0x08
#define REG_ECAP     0x10
#define REG_GCMD     0x18
#define REG_GSTS     0x1c
#define REG_RTADDR   0x20
#define REG_CCMD     0x28
#define REG_FSTS     0x34
#define REG_FECTL    0x38
#define GCMD_TE      (1u << 31)           /* translation enable */
#define GCMD_SRTP    (1u << 30)           /* set root table pointer */
#define GSTS_PERSIST (GCMD_TE | (1u << 26) | (1u << 25) | (1u << 23))   /* TE QIE IRE CFI */
#define CCMD_HI_ICC    (1u << 31)         /* bit 63: invalidate context cache */
#define CCMD_HI_GLOBAL (1u << 29)         /* bits 62:61 = 01 */
#define IOTLB_HI_IVT    (1u << 31)        /* bit 63: invalidate IOTLB */
#define IOTLB_HI_GLOBAL (1u << 28)        /* bits 61:60 = 01 */
#define IOTLB_HI_DRAIN  (3u << 16)        /* bits 49:48: drain reads and writes */
#define FSTS_PFO     (1u << 0)            /* primary fault overflow */
#define FSTS_PPF     (1u << 1)            /* primary pending fault */
#define FECTL_IM     (1u << 31)           /* fault event interrupt masked: we poll */
#define FRCD_F       (1u << 31)           /* in a fault record's top dword: valid */
#define FRCD_T_READ  (1u << 30)           /* the faulting request was a read */
#define CAP_SAGAW_39 (1u << 9)            /* 3-level tables supported */
#define CAP_FRO(cap) ((uint32_t)((cap) >> 24) & 0x3ff)
#define CAP_NFR(cap) (((uint32_t)((cap) >> 40) & 0xff) + 1)
#define CAP_ND(cap)  ((uint32_t)(cap) & 7)
#define ECAP_IRO(e)  ((uint32_t)((e) >> 8) & 0x3ff)

/* Table entries. */
#define ENTRY_P      1ull                 /* root/context entry present */
#define CTX_AW_39    1u                   /* context high: 3-level tables */
#define CTX_DID_SHIFT 8
#define SL_R         1ull                 /* second-level: read */
#define SL_W         2ull                 /* second-level: write */
#define SL_ADDR      0x000ffffffffff000ull
#define ENTRIES      512                  /* 64-bit entries in a 4 KiB table */
#define LEVELS       3

#define POOL_PAGES   96                   /* our tables: root, context tables, domains' */
#define MAX_DOMAINS  16
#define POLL_MS      20                   /* fault recording and quarantine */
#define MAX_SPIN     1000000              /* register handshakes: a broken unit ends us */
#define FAULT_LINES  4                    /* faults printed per domain; all are counted */

struct domain {
	int used;
	uint8_t bus, devfn;
	uint16_t did;
	endpoint_t owner;
	char label[16];
	uint64_t *top;                        /* level-3 table */
	struct { phys_bytes pa; uint32_t pages; } runs[64];   /* the kernel's DMA_MAX_BUFFERS */
	uint32_t n_runs;
	uint32_t faults;
	uint32_t late;                        /* faults after its driver ended */
	int restart_asked;
};

static volatile uint8_t *regs;
static uint32_t iotlb_reg, fault_reg, n_fault_regs;
static uint8_t *pool;                     /* POOL_PAGES pages of our DMA buffer */
static phys_bytes pool_pa;
static uint8_t pool_used[POOL_PAGES];
static uint64_t *root;                    /* 256 root entries (two 64-bit words each) */
static struct domain domains[MAX_DOMAINS];

static uint32_t rd32(uint32_t off) { return *(volatile uint32_t *)(regs + off); }
static void wr32(uint32_t off, uint32_t v) { *(volatile uint32_t *)(regs + off) = v; }
static uint64_t rd64(uint32_t off) { return rd32(off) | (uint64_t)rd32(off + 4) << 32; }

static phys_bytes pa_of(const void *p) { return pool_pa + (phys_bytes)((const uint8_t *)p - pool); }
static void *va_of(uint64_t pa) { return pool + ((phys_bytes)pa - pool_pa); }

/* A zeroed table page from the pool, or NULL. */
static void *page_alloc(void)
{
	int i;

	for (i = 0; i < POOL_PAGES; i++) {
		if (!pool_used[i]) {
			pool_used[i] = 1;
			memset(pool + i * PAGE_SIZE, 0, PAGE_SIZE);
			return pool + i * PAGE_SIZE;
		}
	}
	return NULL;
}

static void page_free(void *p)
{
	pool_used[((uint8_t *)p - pool) / PAGE_SIZE] = 0;
}

static int wait_bits(uint32_t off, uint32_t mask, uint32_t want)
{
	int n;

	for (n = 0; n < MAX_SPIN; n++)
		if ((rd32(off) & mask) == want)
			return 0;
	driver_panic("remapping unit register %x never showed %x", off, want);
}

static void global_command(uint32_t bit, int on)
{
	uint32_t status = rd32(REG_GSTS) & GSTS_PERSIST;

	wr32(REG_GCMD, on ? status | bit : status & ~bit);
	wait_bits(REG_GSTS, bit == GCMD_SRTP ? 1u << 30 : bit, on || bit == GCMD_SRTP ? bit : 0);
}

/* Everything the unit caches is dropped: context entries, then translations. */
static void invalidate_all(void)
{
	wr32(REG_CCMD, 0);
	wr32(REG_CCMD + 4, CCMD_HI_ICC | CCMD_HI_GLOBAL);
	wait_bits(REG_CCMD + 4, CCMD_HI_ICC, 0);
	wr32(iotlb_reg + 8, 0);
	wr32(iotlb_reg + 12, IOTLB_HI_IVT | IOTLB_HI_GLOBAL | IOTLB_HI_DRAIN);
	wait_bits(iotlb_reg + 12, IOTLB_HI_IVT, 0);
}

/* The level-1 entry for I/O address pa in d, making tables on the way if make. */
static uint64_t *sl_entry(struct domain *d, phys_bytes pa, int make)
{
	uint64_t *t = d->top, *e;
	int level;
	void *next;

	for (level = LEVELS; level > 1; level--) {
		e = &t[(pa >> (12 + 9 * (level - 1))) & (ENTRIES - 1)];
		if (!(*e & (SL_R | SL_W))) {
			if (!make || !(next = page_alloc()))
				return NULL;
			*e = pa_of(next) | SL_R | SL_W;
		}
		t = va_of(*e & SL_ADDR);
	}
	return &t[(pa >> 12) & (ENTRIES - 1)];
}

static void free_tables(uint64_t *t, int level)
{
	int i;

	for (i = 0; level > 1 && i < ENTRIES; i++)
		if (t[i] & (SL_R | SL_W))
			free_tables(va_of(t[i] & SL_ADDR), level - 1);
	page_free(t);
}

static int mapped(const struct domain *d, phys_bytes pa)
{
	uint32_t i;

	for (i = 0; i < d->n_runs; i++)
		if (d->runs[i].pa == pa)
			return 1;
	return 0;
}

/* Map every DMA buffer d's owner holds that is not mapped yet. New entries need no invalidation. */
static int map_buffers(struct domain *d)
{
	struct kc_dmactl b;
	uint64_t *e;
	uint32_t i, p;

	for (i = 0; sys_dmactl(DMACTL_BUFFER, d->owner, i, &b) == 0; i++) {
		if (mapped(d, b.phys) || d->n_runs == sizeof d->runs / sizeof d->runs[0])
			continue;
		for (p = 0; p < b.pages; p++) {
			e = sl_entry(d, b.phys + p * PAGE_SIZE, 1);
			if (!e)
				return -ENOMEM;
			*e = (b.phys + p * PAGE_SIZE) | SL_R | SL_W;
		}
		d->runs[d->n_runs].pa = b.phys;
		d->runs[d->n_runs++].pages = b.pages;
	}
	return 0;
}

/* Remove d's mappings of the run at pa; the caller invalidates. */
static void unmap_run(struct domain *d, phys_bytes pa)
{
	uint32_t i, p;
	uint64_t *e;

	for (i = 0; i < d->n_runs; i++) {
		if (d->runs[i].pa != pa)
			continue;
		for (p = 0; p < d->runs[i].pages; p++)
			if ((e = sl_entry(d, pa + p * PAGE_SIZE, 0)))
				*e = 0;
		d->runs[i] = d->runs[--d->n_runs];
		return;
	}
}

/* Bus `bus`'s context table, made if need be. */
static uint64_t *context_table(uint8_t bus)
{
	uint64_t *rootent = &root[2 * bus];
	void *t;

	if (!(*rootent & ENTRY_P)) {
		if (!(t = page_alloc()))
			return NULL;
		*rootent = pa_of(t) | ENTRY_P;
	}
	return va_of(*rootent & SL_ADDR);
}

static struct domain *domain_of(uint8_t bus, uint8_t devfn)
{
	struct domain *d;

	for (d = domains; d < domains + MAX_DOMAINS; d++)
		if (d->used && d->bus == bus && d->devfn == devfn)
			return d;
	return NULL;
}

/* Give device bus:devfn a fresh domain for `owner`: nothing of an earlier domain survives. */
static int set_domain(uint8_t bus, uint8_t devfn, endpoint_t owner, const char *label)
{
	struct domain *d = domain_of(bus, devfn);
	uint64_t *ctx = context_table(bus);
	int r;

	if (!ctx)
		return -ENOMEM;
	if (!d) {
		for (d = domains; d < domains + MAX_DOMAINS && d->used; d++)
			;
		if (d == domains + MAX_DOMAINS)
			return -ENOSPC;
		memset(d, 0, sizeof *d);
		d->used = 1;
		d->bus = bus;
		d->devfn = devfn;
		d->did = (uint16_t)(1 + (d - domains));
	}
	ctx[2 * devfn] = 0;                    /* the device reaches nothing meanwhile */
	invalidate_all();
	if (d->top)
		free_tables(d->top, LEVELS);
	d->top = page_alloc();
	d->n_runs = d->faults = d->late = 0;
	d->restart_asked = 0;
	d->owner = owner;
	strncpy(d->label, label, sizeof d->label - 1);
	if (!d->top)
		return -ENOMEM;
	r = map_buffers(d);
	if (r < 0)
		return r;
	ctx[2 * devfn + 1] = CTX_AW_39 | (uint64_t)d->did << CTX_DID_SHIFT;
	ctx[2 * devfn] = pa_of(d->top) | ENTRY_P;   /* translation type 0: through our tables */
	invalidate_all();
	printf("iommu: %02x:%02x.%u has its own DMA domain %u for %s (endpoint %d): %u buffers mapped\n",
	       bus, devfn >> 3, devfn & 7, d->did, label, (int)owner, d->n_runs);
	return 0;
}

/* Quarantined runs: unmap from every domain, invalidate, then let the kernel free them. */
static void drain_quarantine(void)
{
	struct kc_dmactl q;
	struct domain *d;
	phys_bytes runs[32];
	uint32_t n = 0, i;

	while (n < 32 && sys_dmactl(DMACTL_QUARANTINED, EP_NONE, n, &q) == 0) {
		runs[n++] = q.phys;
		for (d = domains; d < domains + MAX_DOMAINS; d++)
			if (d->used)
				unmap_run(d, q.phys);
	}
	if (!n)
		return;
	invalidate_all();
	for (i = 0; i < n; i++)
		sys_dmactl(DMACTL_RELEASE, EP_NONE, 0, &(struct kc_dmactl){ .phys = runs[i] });
}

static void ask_restart(struct domain *d)
{
	message m;
	endpoint_t dm = driver_manager();

	d->restart_asked = 1;
	printf("iommu: %s's device %02x:%02x.%u faulted %u times: asking for a restart\n", d->label,
	       d->bus, d->devfn >> 3, d->devfn & 7, d->faults);
	memset(&m, 0, sizeof m);
	m.m_type = DM_RESTART;
	strncpy(m.dm_req.label, d->label, DM_LABEL_MAX - 1);
	ipc_sendrec(dm, &m);
}

static void fault(uint32_t sid, uint64_t addr, int write, uint32_t reason)
{
	struct domain *d = domain_of((uint8_t)(sid >> 8), (uint8_t)sid);
	uint32_t info = IOMMU_FAULT_INFO(sid >> 8, sid & 0xff, write, reason);
	struct kc_dmactl a = { .phys = (phys_bytes)addr, .info = info };

	if (!d) {
		printf("iommu: DMA %s by %02x:%02x.%u (no domain) at %x refused (reason %u)\n",
		       write ? "write" : "read", sid >> 8, (sid >> 3) & 31, sid & 7, (uint32_t)addr, reason);
		return;
	}
	if (sys_dmactl(DMACTL_REFUSED, d->owner, 0, &a) < 0) {
		/* its driver is gone: its buffers are unmapped, its next incarnation resets the device */
		if (++d->late <= FAULT_LINES)
			printf("iommu: late DMA %s by %02x:%02x.%u (%s, endpoint %d, which has ended) at %x refused\n",
			       write ? "write" : "read", d->bus, d->devfn >> 3, d->devfn & 7, d->label,
			       (int)d->owner, (uint32_t)addr);
		return;
	}
	d->faults++;
	if (d->faults <= FAULT_LINES)
		printf("iommu: DMA %s by %02x:%02x.%u (%s, endpoint %d) at %x refused (reason %u)\n",
		       write ? "write" : "read", d->bus, d->devfn >> 3, d->devfn & 7, d->label,
		       (int)d->owner, (uint32_t)addr, reason);
	if (d->faults >= IOMMU_FAULTS_RESTART && !d->restart_asked)
		ask_restart(d);
}

static void poll_faults(void)
{
	uint32_t i, off, hi, lo, sid, reason;

	if (!(rd32(REG_FSTS) & (FSTS_PPF | FSTS_PFO)))
		return;
	for (i = 0; i < n_fault_regs; i++) {
		off = fault_reg + 16 * i;
		hi = rd32(off + 12);
		if (!(hi & FRCD_F))
			continue;
		lo = rd32(off);
		sid = rd32(off + 8) & 0xffff;
		reason = hi & 0xff;
		wr32(off + 12, FRCD_F);              /* write 1 to clear */
		fault(sid, lo & ~0xfffu, !(hi & FRCD_T_READ), reason);
	}
	wr32(REG_FSTS, FSTS_PFO);
}

/* After a restart: a domain for every device a DMA-capable driver holds (the PCI server knows). */
static void rebuild_domains(void)
{
	struct pci_device dev;
	struct procinfo info;
	uint32_t i;

	for (i = 0; pci_list(i, &dev) == 0; i++) {
		if (dev.owner == EP_NONE || sys_procinfo(-1, dev.owner, &info) < 0 || !(info.priv_flags & PRIV_DMA))
			continue;
		set_domain(dev.bus, (uint8_t)(dev.dev << 3 | dev.func), dev.owner, dev.owner_label);
	}
}

static int init_unit(void)
{
	uint64_t cap, ecap;
	phys_bytes base;
	void *va;
	int r;

	r = acpi_find_remapping_unit(&base);
	if (r < 0) {
		printf("iommu: no DMA remapping unit in the ACPI tables (%d): DMA stays unconfined\n", r);
		return r;
	}
	r = sys_mapmem(base, PAGE_SIZE, &va);
	if (r < 0) {
		printf("iommu: the DMAR table puts the remapping unit at %x, which my policy does not name\n", base);
		return r;
	}
	regs = va;
	cap = rd64(REG_CAP);
	ecap = rd64(REG_ECAP);
	if (!(cap & CAP_SAGAW_39) || (4u + 2 * CAP_ND(cap) < 5)) {
		printf("iommu: the remapping unit lacks 3-level tables or domains (cap %x)\n", (uint32_t)cap);
		return -ENODEV;
	}
	iotlb_reg = ECAP_IRO(ecap) * 16;
	fault_reg = CAP_FRO(cap) * 16;
	n_fault_regs = CAP_NFR(cap);
	if (iotlb_reg + 16 > PAGE_SIZE || fault_reg + 16 * n_fault_regs > PAGE_SIZE)
		return -ENODEV;
	r = sys_dmaalloc(POOL_PAGES * PAGE_SIZE, &va, &pool_pa);
	if (r < 0)
		return r;
	pool = va;
	root = page_alloc();
	printf("iommu: VT-d remapping unit at %x (version %x), %u fault records\n", base, rd32(0), n_fault_regs);
	return 0;
}

static int init(int argc, char **argv)
{
	int r = init_unit();

	(void)argc; (void)argv;
	if (r < 0)
		return r;
	wr32(REG_FECTL, FECTL_IM);
	rebuild_domains();
	wr32(REG_RTADDR, pa_of(root));
	wr32(REG_RTADDR + 4, 0);
	global_command(GCMD_SRTP, 1);
	invalidate_all();
	global_command(GCMD_TE, 1);
	sys_dmactl(DMACTL_GUARD, EP_NONE, 0, &(struct kc_dmactl){ 0 });
	drain_quarantine();                  /* a previous incarnation's tables, dead drivers' buffers */
	printf("iommu: DMA remapping on: devices reach only their own driver's DMA buffers\n");
	sys_alarm(POLL_MS);
	return 0;
}

/* The PCI bus server, as the data store (written only by the driver manager) knows it. */
static int from_pci_server(endpoint_t who)
{
	uint32_t ep;

	return ds_lookup("pci", &ep) == 0 && (endpoint_t)ep == who;
}

static int sync_buffers(endpoint_t who)
{
	struct domain *d;
	int r, n = 0;

	for (d = domains; d < domains + MAX_DOMAINS; d++) {
		if (!d->used || d->owner != who)
			continue;
		r = map_buffers(d);              /* new entries: nothing cached to invalidate */
		if (r < 0)
			return r;
		n++;
	}
	return n ? 0 : -ENOENT;
}

static void request(message *m)
{
	struct iommu_req *q = &m->iommu_req;
	int r;

	if (m->m_type == IOMMU_DOMAIN) {
		q->label[sizeof q->label - 1] = '\0';
		if (!from_pci_server(m->m_source)) {
			printf("iommu: domain request from endpoint %d refused: not the PCI bus server\n",
			       (int)m->m_source);
			r = -EPERM;
		} else if (q->dev > 31 || q->func > 7) {
			r = -EINVAL;
		} else {
			r = set_domain(q->bus, (uint8_t)(q->dev << 3 | q->func), q->driver, q->label);
		}
	} else if (m->m_type == IOMMU_SYNC) {
		r = sync_buffers(m->m_source);
	} else {
		r = -ENOSYS;
	}
	driver_reply(m, m, r);
}

static void alarm(void)
{
	poll_faults();
	drain_quarantine();
	sys_alarm(POLL_MS);
}

static void notify(endpoint_t from)
{
	if (from == EP_KERNEL)
		drain_quarantine();              /* a process with DMA buffers ended */
}

static const struct driver_ops ops = {
	.name = "iommu",
	.init = init,
	.request = request,
	.alarm = alarm,
	.notify = notify,
};

int main(int argc, char **argv)
{
	driver_main(&ops, argc, argv);
}
