/*
 * trap: the IDT and the single entry point for interrupts, exceptions and
 * IPC traps. kernel/entry.asm builds a struct trapframe and calls trap().
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>
#include <bulkhead/kcall.h>

struct trapframe {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags, esp, ss;   /* esp, ss: only from user mode */
};

_Static_assert(__builtin_offsetof(struct trapframe, cs) == 60, "FRAME_CS in entry.asm");

#define IRQ_BASE 32     /* IRQ n arrives on vector IRQ_BASE + n */
#define VEC_NMI  2      /* non-maskable interrupt: the operator asks for a process dump */
#define VEC_NM   7      /* device not available: lazy FPU switch */
#define VEC_GP   13
#define VEC_PF   14

void idt_init(void);
void trap(struct trapframe *tf);
void restore_user(struct trapframe *tf) __attribute__((noreturn));
void dump_frame(const struct trapframe *tf);
void trap_entries(struct kernel_entries *out);   /* the kernel entries counted since boot */

#endif
