/*
 * The virtual address space every process sees.
 *
 *   0          .. 1 GiB    kernel: physical memory mapped 1:1, supervisor only
 *   USER_BASE  .. heap     program segments, then the heap (KC_BRK)
 *   stack                  USER_STACK_SIZE bytes below USER_STACK_TOP, with
 *                          nothing mapped underneath: overflowing it faults
 *   USER_MAP_BASE ..       device memory and DMA buffers, placed by the kernel
 *   USER_SPACE_END ..      the clock page (struct clock_page at USER_CLOCK_PAGE):
 *                          the kernel's, the same in every process, read-only;
 *                          no call takes an address there as the process's own
 */
#ifndef BULKHEAD_LAYOUT_H
#define BULKHEAD_LAYOUT_H

#define PAGE_SIZE        4096u
#define KERNEL_SPACE_END 0x40000000u
#define USER_BASE        0x40000000u
#define USER_HEAP_LIMIT  0xA0000000u
#define USER_STACK_TOP   0xC0000000u
#define USER_STACK_SIZE  (64u * 1024u)
#define USER_MAP_BASE    0xC0000000u
#define USER_MAP_END     0xF0000000u
#define USER_SPACE_END   0xFFC00000u   /* the process's own addresses end here */
#define USER_CLOCK_PAGE  0xFFC00000u

#ifndef __ASSEMBLER__
/* What a process reads at USER_CLOCK_PAGE: sys_uptime_ms() without a kernel call. */
struct clock_page {
	volatile unsigned int uptime_ms;    /* the kernel's uptime, advanced every tick */
};
#endif

#endif
