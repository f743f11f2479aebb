/*
 * KC_SHUTDOWN: stop the machine. The status goes to QEMU's isa-debug-exit
 * port (the test harness reads it as its exit code); then ACPI power-off,
 * and if nothing listens, halt. With SHUTDOWN_RESET, the keyboard
 * controller pulses the CPU's reset line instead.
 */
#include "../system.h"
#include "../console.h"
#include "../cpu.h"

#define DEBUG_EXIT_PORT 0xf4
#define ACPI_PM1A_CNT   0x604     /* QEMU PIIX4 with SeaBIOS */
#define ACPI_SLP_EN_S5  0x2000
#define KBC_COMMAND     0x64      /* 8042 keyboard controller */
#define KBC_PULSE_RESET 0xfe

int do_shutdown(struct proc *caller, message *m)
{
	if (m->kc_shutdown.how & SHUTDOWN_RESET) {
		kprintf("kernel: reset by %s\n", caller->name);
		outb(KBC_COMMAND, KBC_PULSE_RESET);
	}
	kprintf("kernel: shutdown by %s, status %d\n", caller->name, m->kc_shutdown.status);
	outb(DEBUG_EXIT_PORT, (uint8_t)m->kc_shutdown.status);
	outw(ACPI_PM1A_CNT, ACPI_SLP_EN_S5);
	for (;;)
		__asm__ volatile("cli; hlt");
}
