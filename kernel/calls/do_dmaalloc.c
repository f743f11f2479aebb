/*
 * KC_DMAALLOC: physically contiguous, page-aligned, zeroed memory mapped
 * into the caller, with its physical address for the device. It is the
 * caller's own memory: freed when it ends. A process may hold at most
 * DMA_LIMIT_PAGES pages of it, guards included.
 *
 * Guard: a device told to write into the buffer may write past its end
 * (a NIC handed an oversize frame, a driver that sized its buffer for
 * well-formed traffic). So each buffer is followed, physically, by
 * DMA_GUARD_PAGES zeroed pages that belong to the same process but are
 * mapped supervisor-only (the process cannot touch them, the kernel never
 * copies through them): an overrun of up to DMA_GUARD_BYTES lands there,
 * not in someone else's page. The guard is freed with the buffer, when the
 * process ends; fork does not copy it.
 *
 * Each buffer is recorded (dma.c), so an IOMMU driver can learn which pages
 * a process's device may reach, and so they are quarantined, not freed, when
 * the process ends while an IOMMU guards them.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../pmem.h"
#include "../string.h"

#define DMA_LIMIT_PAGES 2048      /* 8 MiB per process */

/* Map pages [0, pages) for the caller, the guard after them for the kernel only. */
static int map_buffer(struct vmspace *vm, phys_bytes pa, uint32_t pages)
{
	uint32_t i, total = pages + DMA_GUARD_PAGES;
	int r;

	for (i = 0; i < total; i++) {
		r = vm_map(vm, vm->map_next + i * PAGE_SIZE, pa + i * PAGE_SIZE, i < pages ? PTE_W : PTE_KERNEL);
		if (r < 0) {
			vm_release(vm, vm->map_next, i * PAGE_SIZE);      /* frees what was mapped */
			pmem_free_contig(pa + i * PAGE_SIZE, total - i);
			return r;
		}
	}
	return 0;
}

int do_dmaalloc(struct proc *caller, message *m)
{
	struct kc_dmaalloc *a = &m->kc_dmaalloc;
	struct vmspace *vm = &caller->vm;
	uint32_t pages = a->len / PAGE_SIZE + (a->len % PAGE_SIZE != 0);
	uint32_t total = pages + DMA_GUARD_PAGES;
	phys_bytes pa;
	int r;

	if (a->len == 0 || total > DMA_LIMIT_PAGES)
		return -EINVAL;
	if (caller->dma_pages + total > DMA_LIMIT_PAGES || caller->n_dma == DMA_MAX_BUFFERS ||
	    USER_MAP_END - vm->map_next < total * PAGE_SIZE)
		return -ENOMEM;
	pa = pmem_alloc_contig(total);
	if (!pa)
		return -ENOMEM;
	memset((void *)pa, 0, total * PAGE_SIZE);
	r = map_buffer(vm, pa, pages);
	if (r < 0)
		return r;
	a->addr = vm->map_next;
	a->phys = pa;
	caller->dma[caller->n_dma++] = (struct dma_buffer){ vm->map_next, pa, pages };
	vm->map_next += total * PAGE_SIZE;
	caller->dma_pages += total;
	return 0;
}
