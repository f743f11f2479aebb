/*
 * dma: DMA buffers and their quarantine.
 *
 * A device reaches memory by physical address, past the page tables. With
 * an IOMMU, a trusted user-level driver (drivers/iommu) maps for each device
 * exactly its driver's DMA buffers; this file is the kernel's share of that:
 *
 *  - every process's DMA buffers are recorded (KC_DMAALLOC adds them), and
 *    the IOMMU driver may read where they are (KC_DMACTL DMACTL_BUFFER);
 *  - once it has turned translation on and said so (DMACTL_GUARD), a
 *    process's buffers are not freed when it ends or execs: they may still be
 *    mapped for its device, which may still be writing into them. They go to
 *    the quarantine, the guard is notified, and the pages are freed only when
 *    it says their mappings are gone and the IOTLB invalidated
 *    (DMACTL_RELEASE). Until then nobody can be given those pages.
 *
 * The guard's own buffers (its translation tables, which the hardware keeps
 * reading) are quarantined too when it dies; its successor releases them
 * once it has installed its own tables. With no guard, buffers are freed with
 * the address space, as before. A full quarantine keeps a run out of use for
 * good (and says so) rather than free memory a device may reach.
 */
#include <bulkhead/errno.h>
#include "dma.h"
#include "proc.h"
#include "pmem.h"
#include "ipc.h"
#include "console.h"

#define QUARANTINE_MAX 64

struct quarantined {
	phys_bytes pa;                /* 0: free slot */
	uint32_t   pages;             /* buffer and guard */
	endpoint_t owner;             /* who held it (now dead or exec'd) */
};

static struct quarantined quarantine[QUARANTINE_MAX];
static endpoint_t guard_ep = EP_NONE;   /* the IOMMU driver to notify */
static int guarded;                     /* translation was turned on: quarantine from now on */

static int quarantine_add(phys_bytes pa, uint32_t pages, endpoint_t owner)
{
	struct quarantined *q;

	for (q = quarantine; q < quarantine + QUARANTINE_MAX; q++) {
		if (!q->pa) {
			*q = (struct quarantined){ pa, pages, owner };
			return 0;
		}
	}
	kprintf("kernel: DMA quarantine full: %u pages at %x kept out of use\n", pages, pa);
	return -ENOSPC;
}

void dma_release_all(struct proc *p)
{
	struct dma_buffer *b;
	struct proc *guard;
	uint32_t total;

	if (!guarded || !p->n_dma) {
		p->n_dma = p->dma_pages = 0;
		return;                   /* vm_destroy frees them */
	}
	for (b = p->dma; b < p->dma + p->n_dma; b++) {
		total = b->pages + DMA_GUARD_PAGES;
		vm_unmap_keep(&p->vm, b->va, total * PAGE_SIZE);
		quarantine_add(b->pa, total, p->endpoint);
	}
	p->n_dma = p->dma_pages = 0;
	guard = proc_lookup(guard_ep);
	if (guard && guard != p)
		notify_kernel(guard, NOTIFY_FROM_KERNEL);
}

int dma_buffer(const struct proc *p, uint32_t index, phys_bytes *pa, uint32_t *pages)
{
	if (index >= p->n_dma)
		return -ENOENT;
	*pa = p->dma[index].pa;
	*pages = p->dma[index].pages;
	return 0;
}

int dma_quarantined(uint32_t index, phys_bytes *pa, uint32_t *pages, endpoint_t *owner)
{
	struct quarantined *q;

	for (q = quarantine; q < quarantine + QUARANTINE_MAX; q++) {
		if (q->pa && index-- == 0) {
			*pa = q->pa;
			*pages = q->pages;
			*owner = q->owner;
			return 0;
		}
	}
	return -ENOENT;
}

int dma_release(phys_bytes pa)
{
	struct quarantined *q;

	for (q = quarantine; q < quarantine + QUARANTINE_MAX; q++) {
		if (q->pa && q->pa == pa) {
			pmem_free_contig(q->pa, q->pages);
			q->pa = 0;
			return 0;
		}
	}
	return -ENOENT;
}

void dma_guard(struct proc *guard)
{
	guarded = 1;
	guard_ep = guard->endpoint;
}
