/*
 * KC_UMAP: the physical address of the caller's own memory (for DMA), and
 * how many bytes from there on are physically contiguous (up to len). Only
 * memory the caller owns: not the kernel, not device memory.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../klog.h"

int do_umap(struct proc *caller, message *m)
{
	struct kc_umap *a = &m->kc_umap;
	phys_bytes pa, next;
	uint32_t flags, contig;

	if (vm_translate(&caller->vm, a->addr, &pa, &flags) < 0 || !(flags & PTE_U) || (flags & PTE_DEVICE)) {
		deny(caller, DENY_MEM, a->addr, -EFAULT);
		return -EFAULT;
	}
	contig = PAGE_SIZE - (a->addr & (PAGE_SIZE - 1));
	while (contig < a->len &&
	       vm_translate(&caller->vm, a->addr + contig, &next, &flags) == 0 &&
	       !(flags & PTE_DEVICE) && next == pa + contig)
		contig += PAGE_SIZE;
	a->phys = pa;
	a->contig = contig < a->len ? contig : a->len;
	return 0;
}
