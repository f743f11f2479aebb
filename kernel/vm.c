/*
 * vm: address spaces (interface in vm.h).
 */
#include <bulkhead/errno.h>
#include <bulkhead/ipc.h>
#include "vm.h"
#include "pmem.h"
#include "cpu.h"
#include "panic.h"
#include "string.h"
#include "clock.h"

#define PD_INDEX(va)  ((va) >> 22)
#define PT_INDEX(va)  (((va) >> 12) & 0x3ff)
#define FRAME(e)      ((e) & ~0xfffu)
#define KERNEL_PDES   PD_INDEX(KERNEL_SPACE_END)
#define USER_PDES_END PD_INDEX(USER_SPACE_END)    /* the process's own PDEs: KERNEL_PDES up to this */
#define CLOCK_PDE     PD_INDEX(USER_CLOCK_PAGE)
#define USER_PDE_FLAGS (PTE_P | PTE_W | PTE_U)

/* The clock page's table lies past every PDE a process owns: nothing it does reaches it. */
BH_STATIC_ASSERT(USER_MAP_END <= USER_SPACE_END && CLOCK_PDE >= USER_PDES_END &&
                 sizeof(struct clock_page) <= PAGE_SIZE, "clock page layout");

static uint32_t kernel_pd[1024] __attribute__((aligned(4096)));
static uint32_t kernel_pt0[1024] __attribute__((aligned(4096)));
static uint32_t clock_pt[1024] __attribute__((aligned(4096)));   /* shared by every address space */

void vm_init(void)
{
	uint32_t i;

	for (i = 1; i < 1024; i++)          /* page 0 stays unmapped: NULL faults */
		kernel_pt0[i] = (i << 12) | PTE_P | PTE_W | PTE_G;
	kernel_pd[0] = (uint32_t)kernel_pt0 | PTE_P | PTE_W;
	for (i = 1; i < KERNEL_PDES; i++)
		kernel_pd[i] = (i << 22) | PTE_P | PTE_W | PTE_PS | PTE_G;
	clock_pt[PT_INDEX(USER_CLOCK_PAGE)] = FRAME(clock_page_frame()) | PTE_P | PTE_U;   /* read-only */
	write_cr4(read_cr4() | CR4_PSE | CR4_PGE);
	write_cr3((uint32_t)kernel_pd);
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
}

static int is_user_range(vir_bytes va, size_t len)
{
	return va >= USER_BASE && va < USER_SPACE_END && len <= USER_SPACE_END - va;
}

static phys_bytes alloc_zeroed(void)
{
	phys_bytes pa = pmem_alloc();

	if (pa)
		memset((void *)pa, 0, PAGE_SIZE);
	return pa;
}

int vm_create(struct vmspace *vm)
{
	memset(vm, 0, sizeof *vm);
	vm->pd = alloc_zeroed();
	if (!vm->pd)
		return -ENOMEM;
	memcpy((void *)vm->pd, kernel_pd, KERNEL_PDES * sizeof(uint32_t));
	((uint32_t *)vm->pd)[CLOCK_PDE] = (uint32_t)clock_pt | PTE_P | PTE_U;
	vm->pages = 1;
	vm->map_next = USER_MAP_BASE;
	return 0;
}

void vm_switch(const struct vmspace *vm)
{
	phys_bytes pd = vm ? vm->pd : (phys_bytes)kernel_pd;

	if (read_cr3() != pd)
		write_cr3(pd);
}

static int is_loaded(const struct vmspace *vm) { return read_cr3() == vm->pd; }

void vm_destroy(struct vmspace *vm)
{
	uint32_t *pd = (uint32_t *)vm->pd;
	uint32_t i, j;

	if (!vm->pd)
		return;
	if (is_loaded(vm))
		write_cr3((uint32_t)kernel_pd);
	KASSERT(FRAME(pd[CLOCK_PDE]) == (uint32_t)clock_pt);   /* shared: never freed here */
	for (i = KERNEL_PDES; i < USER_PDES_END; i++) {
		uint32_t *pt = (uint32_t *)FRAME(pd[i]);

		if (!(pd[i] & PTE_P))
			continue;
		for (j = 0; j < 1024; j++)
			if ((pt[j] & PTE_P) && !(pt[j] & PTE_DEVICE))
				pmem_free(FRAME(pt[j]));
		pmem_free((phys_bytes)pt);
	}
	pmem_free(vm->pd);
	vm->pd = 0;
	vm->pages = 0;
	vm->gen++;
	vm->msg_va = 0;
}

/* The PTE for va, or NULL if its page table does not exist. */
static uint32_t *pte_find(const struct vmspace *vm, vir_bytes va)
{
	uint32_t pde = ((uint32_t *)vm->pd)[PD_INDEX(va)];

	if (va < KERNEL_SPACE_END || va >= USER_SPACE_END || !(pde & PTE_P))
		return NULL;
	return &((uint32_t *)FRAME(pde))[PT_INDEX(va)];
}

/* The PTE for va, creating its page table if needed. */
static uint32_t *pte_make(struct vmspace *vm, vir_bytes va)
{
	uint32_t *pde = &((uint32_t *)vm->pd)[PD_INDEX(va)];
	phys_bytes pt;

	if (va < KERNEL_SPACE_END || va >= USER_SPACE_END)
		return NULL;
	if (!(*pde & PTE_P)) {
		pt = alloc_zeroed();
		if (!pt)
			return NULL;
		*pde = pt | USER_PDE_FLAGS;
		vm->pages++;
	}
	return &((uint32_t *)FRAME(*pde))[PT_INDEX(va)];
}

int vm_map(struct vmspace *vm, vir_bytes va, phys_bytes pa, uint32_t flags)
{
	uint32_t *pte = pte_make(vm, va);

	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_P)
		return -EEXIST;
	*pte = FRAME(pa) | (flags & 0xfff) | PTE_P | (flags & PTE_KERNEL ? 0 : PTE_U);
	if (!(flags & PTE_DEVICE))
		vm->pages++;
	return 0;
}

/* Unmap [va, va+len); free the owned pages if `free`, else they are the caller's to keep. */
static void unmap(struct vmspace *vm, vir_bytes va, size_t len, int free)
{
	vir_bytes end = va + len;
	uint32_t *pte;

	vm->gen++;
	for (va &= ~(PAGE_SIZE - 1); va < end && va >= USER_BASE; va += PAGE_SIZE) {
		pte = pte_find(vm, va);
		if (!pte || !(*pte & PTE_P))
			continue;
		if (!(*pte & PTE_DEVICE)) {
			if (free)
				pmem_free(FRAME(*pte));
			vm->pages--;
		}
		*pte = 0;
		if (is_loaded(vm))
			invlpg(va);
	}
}

void vm_release(struct vmspace *vm, vir_bytes va, size_t len) { unmap(vm, va, len, 1); }
void vm_unmap_keep(struct vmspace *vm, vir_bytes va, size_t len) { unmap(vm, va, len, 0); }

/* Zeroed pages for [va, va+len); all or nothing. */
int vm_alloc(struct vmspace *vm, vir_bytes va, size_t len, uint32_t flags)
{
	vir_bytes p, end = va + len;
	phys_bytes pa;
	int r;

	if (va % PAGE_SIZE || len % PAGE_SIZE || !is_user_range(va, len))
		return -EINVAL;
	for (p = va; p < end; p += PAGE_SIZE) {
		pa = alloc_zeroed();
		if (!pa) {
			r = -ENOMEM;
			goto undo;
		}
		r = vm_map(vm, p, pa, flags);
		if (r < 0) {
			pmem_free(pa);
			goto undo;
		}
	}
	return 0;
undo:
	vm_release(vm, va, p - va);
	return r;
}

int vm_protect(struct vmspace *vm, vir_bytes va, size_t len, uint32_t flags)
{
	vir_bytes end = va + len;
	uint32_t *pte;

	vm->gen++;
	for (va &= ~(PAGE_SIZE - 1); va < end; va += PAGE_SIZE) {
		pte = pte_find(vm, va);
		if (!pte || !(*pte & PTE_P))
			return -EFAULT;
		*pte = (*pte & ~(uint32_t)PTE_W) | (flags & PTE_W);
		if (is_loaded(vm))
			invlpg(va);
	}
	return 0;
}

/* 0 if every page of [va, va+len) is present user memory with `need` set. */
static int check(const struct vmspace *vm, vir_bytes va, size_t len, uint32_t need)
{
	vir_bytes page, last;
	uint32_t *pte;

	if (!is_user_range(va, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	last = (va + len - 1) & ~(PAGE_SIZE - 1);
	for (page = va & ~(PAGE_SIZE - 1);; page += PAGE_SIZE) {
		pte = pte_find(vm, page);
		if (!pte || (*pte & (need | PTE_DEVICE)) != need)
			return -EFAULT;
		if (page == last)
			return 0;
	}
}

int vm_check(const struct vmspace *vm, vir_bytes va, size_t len, int write)
{
	return check(vm, va, len, PTE_P | PTE_U | (write ? PTE_W : 0));
}

/* The kernel's (1:1) address of a checked user address. */
static uint8_t *direct(const struct vmspace *vm, vir_bytes va)
{
	return (uint8_t *)(FRAME(*pte_find(vm, va)) + (va & (PAGE_SIZE - 1)));
}

static size_t page_left(vir_bytes va) { return PAGE_SIZE - (va & (PAGE_SIZE - 1)); }

static void copy_checked(const struct vmspace *vm, vir_bytes va, uint8_t *buf, size_t len, int to_user)
{
	size_t n;

	for (; len; len -= n, va += n, buf += n) {
		n = page_left(va) < len ? page_left(va) : len;
		if (to_user)
			memcpy(direct(vm, va), buf, n);
		else
			memcpy(buf, direct(vm, va), n);
	}
}

int vm_read(const struct vmspace *vm, vir_bytes va, void *buf, size_t len)
{
	int r = check(vm, va, len, PTE_P | PTE_U);

	if (r == 0)
		copy_checked(vm, va, buf, len, 0);
	return r;
}

int vm_write(const struct vmspace *vm, vir_bytes va, const void *buf, size_t len)
{
	int r = check(vm, va, len, PTE_P | PTE_U | PTE_W);

	if (r == 0)
		copy_checked(vm, va, (uint8_t *)buf, len, 1);
	return r;
}

/* Like vm_write, but into read-only pages too: for loading programs. */
int vm_load(const struct vmspace *vm, vir_bytes va, const void *buf, size_t len)
{
	int r = check(vm, va, len, PTE_P | PTE_U);

	if (r == 0)
		copy_checked(vm, va, (uint8_t *)buf, len, 1);
	return r;
}

BH_STATIC_ASSERT(sizeof(message) == MSG_BYTES, "MSG_BYTES");

/* vm_msg_slot missed: check va, and remember it for next time. */
uint8_t *vm_msg_fill(struct vmspace *vm, vir_bytes va)
{
	if (page_left(va) < MSG_BYTES || check(vm, va, MSG_BYTES, PTE_P | PTE_U | PTE_W) < 0)
		return NULL;
	vm->msg_va = va;
	vm->msg_kva = direct(vm, va);
	vm->msg_gen = vm->gen;
	return vm->msg_kva;
}

static int copy_between(const struct vmspace *dst, vir_bytes dva, const struct vmspace *src,
                        vir_bytes sva, size_t len, uint32_t dst_need)
{
	size_t n;
	int r;

	r = check(src, sva, len, PTE_P | PTE_U);
	if (r == 0)
		r = check(dst, dva, len, dst_need);
	if (r < 0)
		return r;
	for (; len; len -= n, sva += n, dva += n) {
		n = len;
		if (page_left(sva) < n)
			n = page_left(sva);
		if (page_left(dva) < n)
			n = page_left(dva);
		memmove(direct(dst, dva), direct(src, sva), n);
	}
	return 0;
}

int vm_copy(const struct vmspace *dst, vir_bytes dva,
            const struct vmspace *src, vir_bytes sva, size_t len)
{
	return copy_between(dst, dva, src, sva, len, PTE_P | PTE_U | PTE_W);
}

/* Like vm_copy, but into read-only pages too: for loading programs. */
int vm_copy_load(const struct vmspace *dst, vir_bytes dva,
                 const struct vmspace *src, vir_bytes sva, size_t len)
{
	return copy_between(dst, dva, src, sva, len, PTE_P | PTE_U);
}

/* Give child a copy of every page parent owns (device memory and DMA guards are not copied). */
int vm_fork(struct vmspace *child, const struct vmspace *parent)
{
	const uint32_t *pd = (const uint32_t *)parent->pd;
	uint32_t i, j, pte;
	phys_bytes pa;
	int r;

	for (i = KERNEL_PDES; i < USER_PDES_END; i++) {
		const uint32_t *pt = (const uint32_t *)FRAME(pd[i]);
		if (!(pd[i] & PTE_P))
			continue;
		for (j = 0; j < 1024; j++) {
			pte = pt[j];
			if (!(pte & PTE_P) || (pte & (PTE_DEVICE | PTE_KERNEL)))
				continue;
			pa = pmem_alloc();
			if (!pa)
				return -ENOMEM;
			memcpy((void *)pa, (const void *)FRAME(pte), PAGE_SIZE);
			r = vm_map(child, (i << 22) | (j << 12), pa, pte & (PTE_W | PTE_PCD | PTE_PWT));
			if (r < 0) {
				pmem_free(pa);
				return r;
			}
		}
	}
	child->heap_start = parent->heap_start;
	child->brk = parent->brk;
	child->map_next = parent->map_next;
	return 0;
}

int vm_translate(const struct vmspace *vm, vir_bytes va, phys_bytes *pa, uint32_t *flags)
{
	uint32_t *pte = pte_find(vm, va);

	if (!pte || !(*pte & PTE_P))
		return -EFAULT;
	*pa = FRAME(*pte) + (va & (PAGE_SIZE - 1));
	*flags = *pte & 0xfff;
	return 0;
}
