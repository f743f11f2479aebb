/*
 * dma: where each process's DMA buffers are, and their quarantine (see dma.c).
 */
#ifndef KERNEL_DMA_H
#define KERNEL_DMA_H

#include <bulkhead/types.h>

#define DMA_MAX_BUFFERS 64        /* DMA buffers one process may hold */
#define DMA_GUARD_PAGES 16        /* DMA_GUARD_BYTES = 64 KiB after each buffer */

struct dma_buffer {
	vir_bytes  va;                /* where the owner sees it */
	phys_bytes pa;                /* the buffer; its guard follows */
	uint32_t   pages;             /* the buffer's pages, the guard not counted */
};

struct proc;

void dma_release_all(struct proc *p);      /* before p's address space goes */
int  dma_buffer(const struct proc *p, uint32_t index, phys_bytes *pa, uint32_t *pages);
int  dma_quarantined(uint32_t index, phys_bytes *pa, uint32_t *pages, endpoint_t *owner);
int  dma_release(phys_bytes pa);
void dma_guard(struct proc *guard);

#endif
