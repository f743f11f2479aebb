/*
 * portio: port I/O straight from a process (no kernel call).
 *
 * While a process runs, the CPU lets through in/out/ins/outs on the ports of
 * its privilege record if the record allows KC_DEVIO (the kernel loads them
 * into the TSS I/O bitmap). Any
 * other port faults and the kernel refuses it as KC_DEVIO does: counted and
 * logged (DENY_IO), nothing reaches the port, a read gives all ones, and the
 * process goes on after the instruction with the carry flag set. These
 * helpers clear the carry flag first, so they can return -EPERM as
 * sys_devio() would. Misaligned or out-of-range ports go to sys_devio(),
 * which refuses them (-EINVAL / -EPERM) exactly as before.
 */
#ifndef BULKHEAD_PORTIO_H
#define BULKHEAD_PORTIO_H

#include <bulkhead/types.h>
#include <bulkhead/errno.h>
#include <bulkhead/devio.h>

#define PORTIO_LAST_PORT 0xffffu

int sys_devio(uint32_t port, uint8_t size, uint8_t dir, uint32_t *value);

/* Is port, accessed size bytes wide, one the instructions can name as DEVIO would accept? */
static inline int portio_direct(uint32_t port, uint32_t size)
{
	return port <= PORTIO_LAST_PORT && port % size == 0;
}

static inline int port_in(uint32_t port, uint8_t size, uint32_t *v)
{
	uint32_t x = 0;
	uint8_t refused;

	if (!portio_direct(port, size))
		return sys_devio(port, size, DEVIO_IN, v);
	if (size == 1)
		__asm__ volatile("clc; inb %w2, %b0; setc %1" : "+a"(x), "=q"(refused) : "Nd"(port) : "cc");
	else if (size == 2)
		__asm__ volatile("clc; inw %w2, %w0; setc %1" : "+a"(x), "=q"(refused) : "Nd"(port) : "cc");
	else
		__asm__ volatile("clc; inl %w2, %0; setc %1" : "=a"(x), "=q"(refused) : "Nd"(port) : "cc");
	if (refused)
		return -EPERM;
	*v = x;
	return 0;
}

static inline int port_out(uint32_t port, uint8_t size, uint32_t v)
{
	uint8_t refused;

	if (!portio_direct(port, size))
		return sys_devio(port, size, DEVIO_OUT, &v);
	if (size == 1)
		__asm__ volatile("clc; outb %b1, %w2; setc %0" : "=q"(refused) : "a"(v), "Nd"(port) : "cc");
	else if (size == 2)
		__asm__ volatile("clc; outw %w1, %w2; setc %0" : "=q"(refused) : "a"(v), "Nd"(port) : "cc");
	else
		__asm__ volatile("clc; outl %1, %w2; setc %0" : "=q"(refused) : "a"(v), "Nd"(port) : "cc");
	return refused ? -EPERM : 0;
}

/* rep insw / outsw (insl / outsl): count 16-bit words (32-bit dwords) between
   port and buf. A refused port: nothing is written to it, and buf reads as all ones. */
static inline int port_insw(uint32_t port, uint16_t *buf, uint32_t count)
{
	uint8_t refused;

	if (!portio_direct(port, 2))
		return -EINVAL;
	__asm__ volatile("cld; clc; rep insw; setc %0"
	                 : "=q"(refused), "+D"(buf), "+c"(count) : "d"(port) : "cc", "memory");
	return refused ? -EPERM : 0;
}

static inline int port_insl(uint32_t port, uint32_t *buf, uint32_t count)
{
	uint8_t refused;

	if (!portio_direct(port, 4))
		return -EINVAL;
	__asm__ volatile("cld; clc; rep insl; setc %0"
	                 : "=q"(refused), "+D"(buf), "+c"(count) : "d"(port) : "cc", "memory");
	return refused ? -EPERM : 0;
}

static inline int port_outsl(uint32_t port, const uint32_t *buf, uint32_t count)
{
	uint8_t refused;

	if (!portio_direct(port, 4))
		return -EINVAL;
	__asm__ volatile("cld; clc; rep outsl; setc %0"
	                 : "=q"(refused), "+S"(buf), "+c"(count) : "d"(port) : "cc", "memory");
	return refused ? -EPERM : 0;
}

static inline int port_outsw(uint32_t port, const uint16_t *buf, uint32_t count)
{
	uint8_t refused;

	if (!portio_direct(port, 2))
		return -EINVAL;
	__asm__ volatile("cld; clc; rep outsw; setc %0"
	                 : "=q"(refused), "+S"(buf), "+c"(count) : "d"(port) : "cc", "memory");
	return refused ? -EPERM : 0;
}

#endif
