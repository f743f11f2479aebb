/*
 * KC_DMACTL: the IOMMU driver's kernel call (see dma.c and kcall.h). Only
 * a record with the DMACTL bit may make it, and only the IOMMU driver's
 * policy may name it (lib/policy/rules.c).
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../klog.h"

static int buffer(struct kc_dmactl *a)
{
	struct proc *t = proc_lookup(a->target);

	return t ? dma_buffer(t, a->index, &a->phys, &a->pages) : -ESRCH;
}

/*
 * A DMA refusal counts against the driver whose device it was. If that
 * driver has just ended (its device left mid-DMA), the refusal is still
 * logged under its endpoint (and its name while its slot keeps it), and
 * -ESRCH says nobody was counted.
 */
static int refused(struct kc_dmactl *a)
{
	struct proc *t = proc_lookup(a->target);
	const struct proc *slot;

	if (t) {
		t->denied[DENY_DMA]++;
		klog_add(t, KLOG_DENIED, DENY_DMA, a->phys, a->info);
		return 0;
	}
	if (a->target <= 0 || endpoint_slot(a->target) >= NR_PROCS)
		return -ESRCH;
	slot = &proc_table[endpoint_slot(a->target)];
	klog_add_as(a->target, slot->endpoint == a->target ? slot->name : "(ended)", KLOG_DENIED, DENY_DMA,
	            a->phys, a->info);
	return -ESRCH;
}

int do_dmactl(struct proc *caller, message *m)
{
	struct kc_dmactl *a = &m->kc_dmactl;

	switch (a->op) {
	case DMACTL_BUFFER:
		return buffer(a);
	case DMACTL_QUARANTINED:
		return dma_quarantined(a->index, &a->phys, &a->pages, &a->target);
	case DMACTL_RELEASE:
		return dma_release(a->phys);
	case DMACTL_GUARD:
		dma_guard(caller);
		return 0;
	case DMACTL_REFUSED:
		return refused(a);
	default:
		return -EINVAL;
	}
}
