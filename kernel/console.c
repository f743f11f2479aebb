/*
 * console: the kernel's own output, on the first serial port.
 *
 * Polled, 115200 8N1. Used for boot messages, fault reports and KC_DIAG from
 * user processes. The user-level console driver may share the port for its
 * own output; the kernel never reads from it. The last KTEXT_KEEP bytes
 * printed are kept, for the screen driver to show (KC_SCREEN).
 */
#include "console.h"
#include "cpu.h"
#include "format.h"
#include <bulkhead/kcall.h>

#define COM1 0x3f8
#define LSR_THR_EMPTY 0x20

void console_init(void)
{
	outb(COM1 + 1, 0x00);   /* no interrupts from the kernel's side */
	outb(COM1 + 3, 0x80);   /* DLAB on */
	outb(COM1 + 0, 0x01);   /* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);   /* 8N1, DLAB off */
	outb(COM1 + 2, 0xc7);   /* FIFO on, cleared */
	outb(COM1 + 4, 0x03);   /* DTR, RTS */
}

static void serial_putc(char c)
{
	int spins = 100000;   /* a missing UART must not hang the kernel */

	while (!(inb(COM1 + 5) & LSR_THR_EMPTY) && --spins)
		;
	outb(COM1, (uint8_t)c);
}

static char kept[KTEXT_KEEP];
static uint32_t printed;               /* bytes printed since boot; wraps at 4 GiB */

uint32_t console_text(uint32_t from, char *buf, uint32_t len, uint32_t *next)
{
	uint32_t n = 0;

	if (printed - from > KTEXT_KEEP)   /* too old, or ahead of us */
		from = printed > KTEXT_KEEP ? printed - KTEXT_KEEP : 0;
	for (; n < len && from + n != printed; n++)
		buf[n] = kept[(from + n) % KTEXT_KEEP];
	*next = from + n;
	return n;
}

void console_write(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		kept[printed++ % KTEXT_KEEP] = s[i];
	while (n--) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s++);
	}
}

void kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof buf)
		n = sizeof buf - 1;
	console_write(buf, (size_t)n);
}
