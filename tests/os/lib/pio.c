/*
 * pio: port instructions made by hand for the isolation tests, without the
 * checks the library's port helpers make first (alignment, port range), so
 * the CPU's I/O bitmap and the kernel's refusal are what is tested. Each
 * returns whether the kernel refused the instruction (it sets the carry
 * flag) and what the registers held after it.
 */
#include "testlib.h"

#define EFLAGS_CF 0x001u

int t_pio_in(uint16_t port, int size, uint32_t eax_before, uint32_t *eax_after)
{
	uint32_t a = eax_before, fl;

	if (size == 1)
		__asm__ volatile("clc; inb %%dx, %%al; pushfl; popl %1" : "+a"(a), "=r"(fl) : "d"(port) : "cc");
	else if (size == 2)
		__asm__ volatile("clc; inw %%dx, %%ax; pushfl; popl %1" : "+a"(a), "=r"(fl) : "d"(port) : "cc");
	else
		__asm__ volatile("clc; inl %%dx, %%eax; pushfl; popl %1" : "+a"(a), "=r"(fl) : "d"(port) : "cc");
	*eax_after = a;
	return (fl & EFLAGS_CF) != 0;
}

int t_pio_out(uint16_t port, int size, uint32_t v)
{
	uint32_t fl;

	if (size == 1)
		__asm__ volatile("clc; outb %%al, %%dx; pushfl; popl %0" : "=r"(fl) : "a"(v), "d"(port) : "cc");
	else if (size == 2)
		__asm__ volatile("clc; outw %%ax, %%dx; pushfl; popl %0" : "=r"(fl) : "a"(v), "d"(port) : "cc");
	else
		__asm__ volatile("clc; outl %%eax, %%dx; pushfl; popl %0" : "=r"(fl) : "a"(v), "d"(port) : "cc");
	return (fl & EFLAGS_CF) != 0;
}

/* inb $0x64: the immediate-port form (the keyboard controller's status). */
int t_pio_in_imm64(uint32_t eax_before, uint32_t *eax_after)
{
	uint32_t a = eax_before, fl;

	__asm__ volatile("clc; inb $0x64, %%al; pushfl; popl %1" : "+a"(a), "=r"(fl) :: "cc");
	*eax_after = a;
	return (fl & EFLAGS_CF) != 0;
}

/* ds: o16 in (dx): a segment and an operand-size prefix before the opcode. */
int t_pio_in_prefixed(uint16_t port, uint32_t eax_before, uint32_t *eax_after)
{
	uint32_t a = eax_before, fl;

	__asm__ volatile("clc; .byte 0x3e, 0x66, 0xed; pushfl; popl %1" : "+a"(a), "=r"(fl) : "d"(port) : "cc");
	*eax_after = a;
	return (fl & EFLAGS_CF) != 0;
}

int t_pio_rep_outs(uint16_t port, int size, const void *buf, uint32_t count, struct t_pio_string *after)
{
	const void *s = buf;
	uint32_t c = count, fl;

	if (size == 1)
		__asm__ volatile("cld; clc; rep outsb; pushfl; popl %0" : "=r"(fl), "+S"(s), "+c"(c) : "d"(port) : "cc", "memory");
	else
		__asm__ volatile("cld; clc; rep outsw; pushfl; popl %0" : "=r"(fl), "+S"(s), "+c"(c) : "d"(port) : "cc", "memory");
	after->ecx = c;
	after->index = (uint32_t)s;
	return (fl & EFLAGS_CF) != 0;
}

/* rep ins into buf; backwards (std) from the end of buf if `down`. */
int t_pio_rep_ins(uint16_t port, int size, void *buf, uint32_t count, int down, struct t_pio_string *after)
{
	void *d = down ? (uint8_t *)buf + (count - 1) * (uint32_t)size : buf;
	uint32_t c = count, fl;

	if (size == 1)
		__asm__ volatile("cld; testl %4, %4; jz 1f; std; 1: clc; rep insb; pushfl; popl %0; cld"
		                 : "=r"(fl), "+D"(d), "+c"(c) : "d"(port), "r"(down) : "cc", "memory");
	else
		__asm__ volatile("cld; testl %4, %4; jz 1f; std; 1: clc; rep insw; pushfl; popl %0; cld"
		                 : "=r"(fl), "+D"(d), "+c"(c) : "d"(port), "r"(down) : "cc", "memory");
	after->ecx = c;
	after->index = (uint32_t)d;
	return (fl & EFLAGS_CF) != 0;
}

/* How many DENY_IO entries for port the kernel logged against us from seq on. */
uint32_t t_denied_port_logged(uint32_t seq, uint32_t port)
{
	static struct klog_entry log[64];
	endpoint_t self = sys_self();
	uint32_t n = 0, got, i, next;

	while (sys_getlog(seq, log, 64, &got, &next) == 0 && got > 0) {
		for (i = 0; i < got; i++)
			n += log[i].kind == KLOG_DENIED && log[i].who == self && log[i].code == DENY_IO &&
			     log[i].target == port;
		seq = next;
	}
	return n;
}

/* The sequence number the next kernel log entry will have. */
uint32_t t_log_next(void)
{
	struct klog_entry e;
	uint32_t got, next = 0;

	sys_getlog(0xffffffffu, &e, 1, &got, &next);
	return next;
}
