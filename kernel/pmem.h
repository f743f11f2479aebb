/*
 * pmem: the physical page allocator.
 *
 * A bitmap over the first PMEM_LIMIT bytes of physical memory (the part the
 * kernel maps 1:1). Boot code marks the usable RAM from the multiboot memory
 * map free, then reserves what is in use (kernel, modules). Pages are handed
 * out singly or as physically contiguous runs (DMA buffers).
 *
 * The last PMEM_RESERVED_PAGES free pages are kept for the administrator
 * and the system (uid 0: servers, drivers being restarted): an ordinary
 * user's allocation that would dip into them is refused (pmem_may_take), so
 * a memory hog cannot stop the recovery of a driver that died meanwhile.
 */
#ifndef KERNEL_PMEM_H
#define KERNEL_PMEM_H

#include <bulkhead/types.h>
#include <bulkhead/layout.h>

#define PMEM_LIMIT KERNEL_SPACE_END
#define PMEM_PAGES (PMEM_LIMIT / PAGE_SIZE)
#define PMEM_RESERVED_PAGES 1024     /* 4 MiB kept for uid 0 */

void pmem_mark_free(uint64_t base, uint64_t len);   /* shrinks to whole pages */
void pmem_mark_used(uint64_t base, uint64_t len);   /* grows to whole pages */
phys_bytes pmem_alloc(void);                         /* 0: none left */
phys_bytes pmem_alloc_contig(uint32_t npages);       /* 0: no such run */
void pmem_free(phys_bytes pa);
void pmem_free_contig(phys_bytes pa, uint32_t npages);
void pmem_release(uint64_t base, uint64_t len);
uint32_t pmem_free_pages(void);
int pmem_is_free(phys_bytes pa);
int pmem_may_take(uint32_t uid, uint32_t npages);  /* may uid allocate npages more? */

#endif
