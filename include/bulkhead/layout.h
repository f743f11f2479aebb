/*
 * The virtual address space every process sees.
 *
 *   0          .. 1 GiB    kernel: physical memory mapped 1:1, supervisor only
 *   USER_BASE  .. heap     program segments, then the heap (KC_BRK)
 *   stack                  USER_STACK_SIZE bytes below USER_STACK_TOP, with
 *                          nothing mapped underneath: overflowing it faults
 *   USER_MAP_BASE ..       device memory and DMA buffers, placed by the kernel
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

#endif
