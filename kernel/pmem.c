/*
 * pmem: the physical page allocator (interface in pmem.h).
 *
 * One bit per page, set when the page is free. Page 0 is never free, so 0
 * doubles as "no page". Freeing a page that is already free is a kernel bug
 * and panics.
 */
#include "pmem.h"
#include "panic.h"

static uint32_t free_map[PMEM_PAGES / 32];
static uint32_t nr_free;
static uint32_t hint;           /* word index where the last search succeeded */

static int is_free(uint32_t pfn) { return (free_map[pfn / 32] >> (pfn % 32)) & 1; }

static void set_free(uint32_t pfn)
{
	if (!is_free(pfn)) {
		free_map[pfn / 32] |= 1u << (pfn % 32);
		nr_free++;
	}
}

static void set_used(uint32_t pfn)
{
	if (is_free(pfn)) {
		free_map[pfn / 32] &= ~(1u << (pfn % 32));
		nr_free--;
	}
}

void pmem_mark_free(uint64_t base, uint64_t len)
{
	uint64_t first = (base + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t end = (base + len) / PAGE_SIZE;

	if (first == 0)
		first = 1;
	if (end > PMEM_PAGES)
		end = PMEM_PAGES;
	for (; first < end; first++)
		set_free((uint32_t)first);
}

void pmem_mark_used(uint64_t base, uint64_t len)
{
	uint64_t first = base / PAGE_SIZE;
	uint64_t end = (base + len + PAGE_SIZE - 1) / PAGE_SIZE;

	if (end > PMEM_PAGES)
		end = PMEM_PAGES;
	for (; first < end; first++)
		set_used((uint32_t)first);
}

phys_bytes pmem_alloc(void)
{
	uint32_t i, w, bit;

	for (i = 0; i < PMEM_PAGES / 32; i++) {
		w = (hint + i) % (PMEM_PAGES / 32);
		if (free_map[w]) {
			bit = (uint32_t)__builtin_ctz(free_map[w]);
			hint = w;
			set_used(w * 32 + bit);
			return (w * 32 + bit) * PAGE_SIZE;
		}
	}
	return 0;
}

phys_bytes pmem_alloc_contig(uint32_t npages)
{
	uint32_t pfn, run = 0, i;

	if (npages == 0 || npages > PMEM_PAGES)
		return 0;
	for (pfn = 1; pfn < PMEM_PAGES; pfn++) {
		run = is_free(pfn) ? run + 1 : 0;
		if (run == npages) {
			for (i = pfn + 1 - npages; i <= pfn; i++)
				set_used(i);
			return (pfn + 1 - npages) * PAGE_SIZE;
		}
	}
	return 0;
}

void pmem_free(phys_bytes pa)
{
	uint32_t pfn = pa / PAGE_SIZE;

	if (pa % PAGE_SIZE || pfn == 0 || pfn >= PMEM_PAGES || is_free(pfn))
		panic("pmem_free: bad or already free page %x", pa);
	set_free(pfn);
}

void pmem_free_contig(phys_bytes pa, uint32_t npages)
{
	while (npages--) {
		pmem_free(pa);
		pa += PAGE_SIZE;
	}
}

/* Give back a range marked used at boot (boot modules). */
void pmem_release(uint64_t base, uint64_t len)
{
	uint64_t first = base / PAGE_SIZE;
	uint64_t end = (base + len + PAGE_SIZE - 1) / PAGE_SIZE;

	for (; first < end && first < PMEM_PAGES; first++)
		pmem_free((phys_bytes)(first * PAGE_SIZE));
}

uint32_t pmem_free_pages(void) { return nr_free; }

int pmem_is_free(phys_bytes pa)
{
	return pa / PAGE_SIZE < PMEM_PAGES && is_free(pa / PAGE_SIZE);
}

int pmem_may_take(uint32_t uid, uint32_t npages)
{
	if (uid == 0)
		return npages <= nr_free;
	return nr_free >= PMEM_RESERVED_PAGES && npages <= nr_free - PMEM_RESERVED_PAGES;
}
