/* panic: report a broken kernel invariant with the registers, then stop. */
#include <stdarg.h>
#include "panic.h"
#include "console.h"
#include "format.h"
#include "proc.h"
#include "cpu.h"

#define DEBUG_EXIT_PORT 0xf4
#define PANIC_STATUS    0x7f

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	uint32_t esp, ebp;

	cli();
	va_start(ap, fmt);
	kformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	__asm__ volatile("mov %%esp, %0; mov %%ebp, %1" : "=r"(esp), "=r"(ebp));
	kprintf("\nKERNEL PANIC: %s\n", buf);
	kprintf("  kernel esp %x ebp %x cr0 %x cr2 %x cr3 %x\n", esp, ebp, read_cr0(), read_cr2(), read_cr3());
	if (current) {
		kprintf("  current process %s (ep %d), saved user registers:\n", current->name, current->endpoint);
		dump_frame(&current->regs);
	}
	outb(DEBUG_EXIT_PORT, PANIC_STATUS);
	for (;;)
		__asm__ volatile("cli; hlt");
}
