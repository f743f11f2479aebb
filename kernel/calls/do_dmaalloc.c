/*
 * KC_DMAALLOC: physically contiguous, page-aligned, zeroed memory mapped
 * into the caller, with its physical address for the device. It is the
 * caller's own memory: freed when it ends. A process may hold at most
 * DMA_LIMIT bytes of it.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../pmem.h"
#include "../string.h"

#define DMA_LIMIT_PAGES 2048      /* 8 MiB per process */

int do_dmaalloc(struct proc *caller, message *m)
{
	struct kc_dmaalloc *a = &m->kc_dmaalloc;
	struct vmspace *vm = &caller->vm;
	uint32_t pages = a->len / PAGE_SIZE + (a->len % PAGE_SIZE != 0), i;
	phys_bytes pa;
	int r;

	if (a->len == 0 || pages > DMA_LIMIT_PAGES)
		return -EINVAL;
	if (caller->dma_pages + pages > DMA_LIMIT_PAGES || USER_MAP_END - vm->map_next < pages * PAGE_SIZE)
		return -ENOMEM;
	pa = pmem_alloc_contig(pages);
	if (!pa)
		return -ENOMEM;
	memset((void *)pa, 0, pages * PAGE_SIZE);
	for (i = 0; i < pages; i++) {
		r = vm_map(vm, vm->map_next + i * PAGE_SIZE, pa + i * PAGE_SIZE, PTE_W);
		if (r < 0) {
			vm_release(vm, vm->map_next, i * PAGE_SIZE);      /* frees what was mapped */
			pmem_free_contig(pa + i * PAGE_SIZE, pages - i);
			return r;
		}
	}
	a->addr = vm->map_next;
	a->phys = pa;
	vm->map_next += pages * PAGE_SIZE;
	caller->dma_pages += pages;
	return 0;
}
