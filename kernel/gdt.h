/* gdt: segment selectors and the TSS (see gdt.c). */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#include <stdint.h>
#include <bulkhead/priv.h>

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b   /* GDT entry 3, RPL 3 */
#define SEL_UDATA 0x23   /* GDT entry 4, RPL 3 */
#define SEL_TSS   0x28

void gdt_init(uint32_t kernel_stack_top);
void gdt_enter(uint32_t regs_end, const struct priv *io);

#endif
