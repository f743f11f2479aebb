/*
 * gdt: flat segments for ring 0 and ring 3, and the TSS that tells the CPU
 * which stack to use when a user process traps into the kernel. The TSS has
 * no I/O permission bitmap, so every in/out from ring 3 faults.
 */
#include "gdt.h"

struct tss {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
} __attribute__((packed));

static struct tss tss;
static uint64_t gdt[6];

static uint64_t segment(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (uint64_t)(limit & 0xffff)
	     | (uint64_t)(base & 0xffffff) << 16
	     | (uint64_t)access << 40
	     | (uint64_t)((limit >> 16) & 0xf) << 48
	     | (uint64_t)(flags & 0xf) << 52
	     | (uint64_t)(base >> 24) << 56;
}

void gdt_init(uint32_t kernel_stack_top)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr;

	gdt[0] = 0;
	gdt[1] = segment(0, 0xfffff, 0x9a, 0xc);   /* kernel code */
	gdt[2] = segment(0, 0xfffff, 0x92, 0xc);   /* kernel data */
	gdt[3] = segment(0, 0xfffff, 0xfa, 0xc);   /* user code, DPL 3 */
	gdt[4] = segment(0, 0xfffff, 0xf2, 0xc);   /* user data, DPL 3 */
	gdt[5] = segment((uint32_t)&tss, sizeof tss - 1, 0x89, 0x0);

	tss.ss0 = SEL_KDATA;
	tss.esp0 = kernel_stack_top;
	tss.iomap_base = sizeof tss;               /* no bitmap: all ports denied */

	gdtr.limit = sizeof gdt - 1;
	gdtr.base = (uint32_t)gdt;
	__asm__ volatile(
		"lgdt %0\n\t"
		"ljmp %1, $1f\n"
		"1:\tmov %2, %%ax\n\t"
		"mov %%ax, %%ds\n\tmov %%ax, %%es\n\tmov %%ax, %%fs\n\t"
		"mov %%ax, %%gs\n\tmov %%ax, %%ss\n\t"
		"mov %3, %%ax\n\tltr %%ax"
		:: "m"(gdtr), "i"(SEL_KCODE), "i"(SEL_KDATA), "i"(SEL_TSS) : "eax", "memory");
}
