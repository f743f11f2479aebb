/*
 * KC_SHUTDOWN: stop the machine. The status goes to QEMU's isa-debug-exit
 * port (the test harness reads it as its exit code); then ACPI power-off,
 * and if nothing listens, halt. With SHUTDOWN_RESET, system control port
 * A resets the machine instead (and if it does not, the power goes off).
 */
#include "../system.h"
#include "../console.h"
#include "../cpu.h"

#define DEBUG_EXIT_PORT 0xf4
#define ACPI_PM1A_CNT   0x604     /* QEMU PIIX4 with SeaBIOS */
#define ACPI_SLP_EN_S5  0x2000
#define SYSCTL_PORT_A   0x92      /* system control port A (a kernel port in lib/policy/rules.c) */
#define SYSCTL_RESET    0x01      /* its fast-reset bit */

int do_shutdown(struct proc *caller, message *m)
{
	if (m->kc_shutdown.how & SHUTDOWN_RESET) {
		kprintf("kernel: reset by %s\n", caller->name);
		outb(SYSCTL_PORT_A, (uint8_t)(inb(SYSCTL_PORT_A) | SYSCTL_RESET));
	}
	kprintf("kernel: shutdown by %s, status %d\n", caller->name, m->kc_shutdown.status);
	outb(DEBUG_EXIT_PORT, (uint8_t)m->kc_shutdown.status);
	outw(ACPI_PM1A_CNT, ACPI_SLP_EN_S5);
	for (;;)
		__asm__ volatile("cli; hlt");
}
