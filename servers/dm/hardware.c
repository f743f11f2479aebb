/*
 * hardware: which driver may run under a policy, and which driver holds
 * which hardware, as the driver manager sees it.
 *
 * A policy runs only the binary it names. A driver holds the ports, memory
 * and IRQs its policy names, and the PCI devices the PCI bus server had the
 * manager give it (DM_PCI_GRANT). It holds them while it is live: from
 * `service up` until it is stopped or given up, across its restarts, so its
 * next incarnation can claim its device again and nobody can take the
 * device in between. This table lives here, not in the PCI server, so a
 * restarted PCI server asks for it (DM_PCI_HELD) and forgets nothing.
 *
 * Two live drivers never hold the same port, memory page or IRQ unless both
 * policies say 'shared' (PCI interrupt lines count as shared: PCI devices
 * share them by design), nor the same PCI device; and no driver is given a
 * device whose resources are the kernel's (lib/policy/rules.c).
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/iommu.h>
#include "dm.h"

#define MAX_HOLDS (MAX_DRIVERS * POLICY_MAX_PCI)

_Static_assert(POLICY_PATH_MAX == DM_PATH_MAX, "a policy's binary is compared with DM_UP's");

struct hold {
	struct driver *d;            /* NULL: free */
	endpoint_t ep;               /* the incarnation it was given to */
	struct dm_pci_grant g;       /* the device and its resources */
};

static struct hold holds[MAX_HOLDS];

/* Does d hold its hardware: started, not stopped or given up (or not yet dead)? */
static int live(const struct driver *d)
{
	return d->used && ((d->state != DRV_DOWN && d->state != DRV_GAVE_UP) || d->ep != EP_NONE);
}

static int valid(const struct hold *h)
{
	return h->d && live(h->d);
}

static int same_device(const struct dm_pci_grant *a, const struct dm_pci_grant *b)
{
	return a->bus == b->bus && a->dev == b->dev && a->func == b->func;
}

/* A device's resources as a policy of `label`'s, for policy_clash(). */
static void device_policy(const char *label, const struct dm_pci_grant *g, struct policy *p)
{
	memset(p, 0, sizeof *p);
	strncpy(p->name, label, POLICY_NAME_MAX - 1);
	p->n_io = g->n_io;
	memcpy(p->io, g->io, g->n_io * sizeof g->io[0]);
	p->n_mem = g->n_mem;
	memcpy(p->mem, g->mem, g->n_mem * sizeof g->mem[0]);
	p->irqs = p->irqs_shared = g->irq ? 1u << g->irq : 0;
}

/* 0, or -1 (line, what) if a, self's, clashes with what another live driver holds. */
static int clash_with_others(const struct driver *self, const struct policy *a, uint32_t *line,
                             char *what, size_t len)
{
	const struct driver *o;
	const struct hold *h;
	struct policy p;

	for (o = drivers; o < drivers + MAX_DRIVERS; o++) {
		if (o == self || !live(o))
			continue;
		p = o->pol;
		strcpy(p.name, o->label);
		if (policy_clash(a, &p, line, what, len) < 0)
			return -1;
	}
	for (h = holds; h < holds + MAX_HOLDS; h++) {
		if (!valid(h) || h->d == self)
			continue;
		device_policy(h->d->label, &h->g, &p);
		if (policy_clash(a, &p, line, what, len) < 0)
			return -1;
	}
	return 0;
}

int hardware_admit(struct driver *d, char *err, size_t errlen)
{
	char what[POLICY_ERR_MAX];
	struct hold *h;
	uint32_t line;

	if (strcmp(d->pol.binary, d->binary)) {
		snprintf(err, errlen, "%s:%u: this policy is for %s, not %s", d->config,
		         (unsigned)d->pol.binary_line, d->pol.binary, d->binary);
		return -EPERM;
	}
	for (h = holds; h < holds + MAX_HOLDS; h++)
		if (h->d == d)
			h->d = NULL;                  /* whoever had this slot before */
	if (clash_with_others(d, &d->pol, &line, what, sizeof what) < 0) {
		snprintf(err, errlen, "%s:%u: %s", d->config, (unsigned)line, what);
		return -EBUSY;
	}
	return 0;
}

/* The hold to record g in: the device's own, else a free one; NULL if none. */
static struct hold *slot_for(const struct dm_pci_grant *g)
{
	struct hold *h;

	for (h = holds; h < holds + MAX_HOLDS; h++)
		if (h->d && same_device(&h->g, g))
			return h;
	for (h = holds; h < holds + MAX_HOLDS; h++)
		if (!valid(h))
			return h;
	return NULL;
}

/* The first of the device's resources that is the kernel's, or NULL. */
static const char *kernel_resource(const struct dm_pci_grant *g)
{
	const char *dev = NULL;
	uint32_t i;

	for (i = 0; i < g->n_io && !dev; i++)
		dev = policy_kernel_ports(g->io[i].base, g->io[i].len, 0);
	for (i = 0; i < g->n_mem && !dev; i++)
		dev = policy_kernel_memory(g->mem[i].base, g->mem[i].len);
	return dev ? dev : policy_kernel_irq(g->irq) ? "the clock or cascade IRQ" : NULL;
}

int hardware_check_grant(const struct driver *d, const struct dm_pci_grant *g)
{
	char what[POLICY_ERR_MAX];
	struct hold *h = slot_for(g);
	const char *dev = kernel_resource(g);
	struct policy p;
	uint32_t line;

	if (h && valid(h) && h->d != d) {
		printf("dm: %s asked for %02x:%02x.%u, which %s holds: refused\n", d->label, g->bus, g->dev,
		       g->func, h->d->label);
		return -EBUSY;
	}
	if (!h)
		return -ENOSPC;
	if (dev) {
		printf("dm: %s: %02x:%02x.%u uses %s: refused\n", d->label, g->bus, g->dev, g->func, dev);
		return -EPERM;
	}
	device_policy(d->label, g, &p);
	if (clash_with_others(d, &p, &line, what, sizeof what) < 0) {
		printf("dm: %s: %02x:%02x.%u: %s: refused\n", d->label, g->bus, g->dev, g->func, what);
		return -EBUSY;
	}
	return 0;
}

void hardware_record(struct driver *d, const struct dm_pci_grant *g)
{
	struct hold *h = slot_for(g);

	if (!h)
		return;                               /* hardware_check_grant() said so first */
	h->d = d;
	h->ep = g->driver;
	h->g = *g;
}

int hardware_held(uint32_t index, struct dm_pci_held *out)
{
	const struct hold *h;

	for (h = holds; h < holds + MAX_HOLDS; h++) {
		if (!valid(h) || index-- != 0)
			continue;
		memset(out, 0, sizeof *out);
		out->bus = h->g.bus;
		out->dev = h->g.dev;
		out->func = h->g.func;
		out->vendor = h->g.vendor;
		out->device = h->g.device;
		out->holder = h->ep;
		strcpy(out->label, h->d->label);
		return 0;
	}
	return -ENOENT;
}

static int iommu_has_run;               /* translation was turned on: it stays on without its driver */

/* Is the IOMMU driver (label "iommu", its binary) up, so DMA domains are being set up? */
static int iommu_running(void)
{
	const struct driver *i = driver_by_label(IOMMU_LABEL);

	return i && i->state == DRV_RUNNING && !strcmp(i->binary, POLICY_IOMMU_DRIVER);
}

void hardware_serving(const struct driver *d)
{
	if (!strcmp(d->label, IOMMU_LABEL) && !strcmp(d->binary, POLICY_IOMMU_DRIVER))
		iommu_has_run = 1;
}

/*
 * Once the IOMMU driver has run, the remapping unit translates whether its
 * driver is up or not: while it is down (restarting, crashed, stopped) no
 * device gets a new domain, so a DMA driver is not started until it is back.
 */
enum dm_dma hardware_dma(const struct driver *d)
{
	if (!(d->pol.flags & POLICY_DMA))
		return DMA_NONE;
	if (iommu_running())
		return DMA_CONFINED;
	return iommu_has_run ? DMA_WAITING : DMA_UNCONFINED;
}

/* A policy saying 'dma iommu' is not started without an IOMMU; plain 'dma' is, and we say so. */
int hardware_dma_check(const struct driver *d, char *why, size_t why_len)
{
	enum dm_dma dma = hardware_dma(d);

	if (dma == DMA_WAITING) {
		snprintf(why, why_len, "the IOMMU driver is down: no new DMA domain until it is back");
		return -EAGAIN;
	}
	if (dma != DMA_UNCONFINED)
		return 0;
	if (d->pol.flags & POLICY_DMA_IOMMU) {
		snprintf(why, why_len, "its policy says 'dma iommu' and no IOMMU is running");
		return -ENODEV;
	}
	printf("dm: %s: DMA unconfined: no IOMMU, its device can reach all of memory\n", d->label);
	return 0;
}
