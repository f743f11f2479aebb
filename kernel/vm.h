/*
 * vm: address spaces.
 *
 * Every process has its own page directory. The low KERNEL_SPACE_END bytes
 * (physical memory, 1:1) are shared, supervisor-only; the rest is the
 * process's own. The kernel never dereferences a user pointer: it walks the
 * page tables, checks present/user/writable for every page of a range before
 * copying anything, and copies through the 1:1 map. A bad address is -EFAULT,
 * never a kernel page fault.
 *
 * IPC copies whole messages with vm_msg_read/vm_msg_write: the kernel
 * address of the last message buffer an address space used (whole, in one
 * writable page) is kept with the space's generation, which every unmap or
 * loss of rights bumps, so a repeated buffer costs no page-table walk.
 *
 * Pages mapped with PTE_DEVICE (device memory) are not owned: they are never
 * freed, never copied by the kernel. Pages mapped with PTE_KERNEL are owned
 * (freed with the address space) but supervisor-only: the process cannot
 * reach them, the kernel never copies through them, fork leaves them out.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <bulkhead/types.h>
#include <bulkhead/layout.h>

#define PTE_P      0x001
#define PTE_W      0x002
#define PTE_U      0x004
#define PTE_PWT    0x008
#define PTE_PCD    0x010
#define PTE_PS     0x080
#define PTE_G      0x100
#define PTE_DEVICE 0x200   /* available bit: device memory, not owned */
#define PTE_KERNEL 0x400   /* available bit: owned, but not the process's to touch (a DMA guard) */

struct vmspace {
	phys_bytes pd;          /* page directory */
	vir_bytes heap_start;   /* end of the loaded program, page aligned */
	vir_bytes brk;          /* current end of the heap */
	vir_bytes map_next;     /* next free address for device/DMA mappings */
	uint32_t pages;         /* physical pages owned, page tables included */
	uint32_t gen;           /* bumped whenever a mapping goes or loses rights */
	vir_bytes msg_va;       /* the cached message buffer: user address, */
	uint8_t *msg_kva;       /* kernel address (NULL: none), */
	uint32_t msg_gen;       /* valid while gen is this */
};

void vm_init(void);
int  vm_create(struct vmspace *vm);
void vm_destroy(struct vmspace *vm);
void vm_switch(const struct vmspace *vm);

int  vm_alloc(struct vmspace *vm, vir_bytes va, size_t len, uint32_t flags);
int  vm_map(struct vmspace *vm, vir_bytes va, phys_bytes pa, uint32_t flags);
void vm_release(struct vmspace *vm, vir_bytes va, size_t len);
void vm_unmap_keep(struct vmspace *vm, vir_bytes va, size_t len);   /* unmap, free nothing */
int  vm_protect(struct vmspace *vm, vir_bytes va, size_t len, uint32_t flags);

int  vm_check(const struct vmspace *vm, vir_bytes va, size_t len, int write);
uint8_t *vm_msg_fill(struct vmspace *vm, vir_bytes va);

int  vm_read(const struct vmspace *vm, vir_bytes va, void *buf, size_t len);
int  vm_write(const struct vmspace *vm, vir_bytes va, const void *buf, size_t len);
int  vm_load(const struct vmspace *vm, vir_bytes va, const void *buf, size_t len);
int  vm_copy(const struct vmspace *dst, vir_bytes dva,
             const struct vmspace *src, vir_bytes sva, size_t len);
int  vm_copy_load(const struct vmspace *dst, vir_bytes dva,
                  const struct vmspace *src, vir_bytes sva, size_t len);
int  vm_fork(struct vmspace *child, const struct vmspace *parent);
int  vm_translate(const struct vmspace *vm, vir_bytes va, phys_bytes *pa, uint32_t *flags);

/* Load vm (not NULL) for the process about to run, counting it in *loads unless it was loaded already. */
static inline void vm_enter(const struct vmspace *vm, uint32_t *loads)
{
	uint32_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	if (cr3 == vm->pd)
		return;
	__asm__ volatile("mov %0, %%cr3" :: "r"(vm->pd) : "memory");
	(*loads)++;
}

#define MSG_BYTES 64     /* sizeof(message) (static assert in vm.c) */

/* The kernel address of the whole message at va, if user-writable in one page; else NULL. */
static inline uint8_t *vm_msg_slot(struct vmspace *vm, vir_bytes va)
{
	if (va == vm->msg_va && vm->msg_gen == vm->gen)
		return vm->msg_kva;
	return vm_msg_fill(vm, va);
}

static inline void msg_copy(void *dst, const void *src)
{
	uint32_t n = MSG_BYTES / 4;

	__asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
}

/* Copy a whole message from or to user memory at va: 0, or -EFAULT. */
static inline int vm_msg_read(struct vmspace *vm, vir_bytes va, void *m)
{
	uint8_t *k = vm_msg_slot(vm, va);

	if (!k)
		return vm_read(vm, va, m, MSG_BYTES);
	msg_copy(m, k);
	return 0;
}

static inline int vm_msg_write(struct vmspace *vm, vir_bytes va, const void *m)
{
	uint8_t *k = vm_msg_slot(vm, va);

	if (!k)
		return vm_write(vm, va, m, MSG_BYTES);
	msg_copy(k, m);
	return 0;
}

static inline int vm_msg_writable(struct vmspace *vm, vir_bytes va)
{
	return vm_msg_slot(vm, va) ? 0 : vm_check(vm, va, MSG_BYTES, 1);
}
#endif
