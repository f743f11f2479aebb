/*
 * gdt: flat segments for ring 0 and ring 3, and the TSS that tells the CPU
 * which stack to use when a user process traps into the kernel.
 *
 * The TSS carries an I/O permission bitmap for the process about to run
 * (gdt_enter): the ports of its privilege record are allowed, every other
 * in/out faults (#GP) and is refused by the kernel (devio_refuse). Only one
 * set of ranges is in the bitmap at a time; it is rewritten only when the
 * next process with ports has other ranges, and a process without ports
 * gets no bitmap at all (its offset lies beyond the TSS limit).
 */
#include "gdt.h"
#include "iomap.h"
#include "string.h"

struct tss {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
} __attribute__((packed));

/* The TSS, its bitmap, and the byte of ones the CPU wants after the bitmap. */
struct tss_area {
	struct tss tss;
	uint8_t iomap[IOMAP_BYTES];
	uint8_t end;
} __attribute__((packed));

static struct tss_area tss_area;
#define IOMAP_ON   ((uint16_t)offsetof(struct tss_area, iomap))
#define IOMAP_NONE ((uint16_t)sizeof tss_area)      /* beyond the limit: every port faults */

static struct io_range loaded[PRIV_MAX_IO];        /* the ranges allowed in the bitmap now */
static uint32_t n_loaded;
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
	gdt[5] = segment((uint32_t)&tss_area, sizeof tss_area - 1, 0x89, 0x0);

	tss_area.tss.ss0 = SEL_KDATA;
	tss_area.tss.esp0 = kernel_stack_top;
	memset(tss_area.iomap, 0xff, sizeof tss_area.iomap);
	tss_area.end = 0xff;
	tss_area.tss.iomap_base = IOMAP_NONE;

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

/* Put io's ranges in the bitmap (unless they are there already), and no others. */
static void __attribute__((noinline)) load_io(const struct priv *io)
{
	uint32_t n = io->n_io;

	if (n != n_loaded || memcmp(loaded, io->io, n * sizeof loaded[0]) != 0) {
		iomap_mark(tss_area.iomap, loaded, n_loaded, 0);
		iomap_mark(tss_area.iomap, io->io, n, 1);
		memcpy(loaded, io->io, n * sizeof loaded[0]);
		n_loaded = n;
	}
	tss_area.tss.iomap_base = IOMAP_ON;
}

/*
 * A process is about to run: its next trap saves its registers at
 * regs_end (backwards), and its in/out reach the ports of io (its record,
 * or NULL for none) and no others.
 */
void gdt_enter(uint32_t regs_end, const struct priv *io)
{
	tss_area.tss.esp0 = regs_end;
	if (io)
		load_io(io);
	else
		tss_area.tss.iomap_base = IOMAP_NONE;
}
