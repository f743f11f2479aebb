/*
 * main: the kernel's start. GRUB enters boot/multiboot.asm, which calls
 * kmain() on the kernel stack with interrupts off. We bring up the CPU
 * tables, memory, the clock and the boot processes, then leave to user mode
 * and never come back here.
 */
#include "boot.h"
#include "console.h"
#include "gdt.h"
#include "trap.h"
#include "pic.h"
#include "pmem.h"
#include "vm.h"
#include "proc.h"
#include "clock.h"

extern char kernel_stack_top[];

void kmain(uint32_t magic, const struct multiboot_info *mbi);

void kmain(uint32_t magic, const struct multiboot_info *mbi)
{
	console_init();
	kprintf("\nBulkhead kernel\n");
	gdt_init((uint32_t)kernel_stack_top);
	idt_init();
	pic_init();
	boot_read_info(magic, mbi);
	vm_init();
	proc_init();
	clock_init();
	kprintf("kernel: %u KiB free memory, cycle counter %u kHz\n",
	        pmem_free_pages() * (PAGE_SIZE / 1024), clock_tsc_khz());
	boot_start_processes();
	kernel_exit();
}
