/*
 * devio: port I/O for drivers. An access is allowed only if every port it
 * touches (port .. port+size-1) lies in one of the caller's I/O ranges and
 * the port is aligned to the size: EINVAL for a bad size, direction or
 * alignment, EPERM for a port outside the ranges.
 *
 * A process that may make KC_DEVIO may also use in/out/ins/outs itself: the
 * TSS bitmap (gdt.c) lets its own ports through, and any other port faults.
 * devio_refuse then refuses the instruction as KC_DEVIO would: counted and logged (DENY_IO,
 * EPERM), nothing reaches the port, a read gives all ones, and the process
 * goes on after the instruction with the carry flag set (in/out leave the
 * flags alone, so a caller that cleared CF before can tell). A process
 * without KC_DEVIO is ended by a port instruction, as by any privileged one.
 */
#include <bulkhead/errno.h>
#include "devio.h"
#include "iomap.h"
#include "priv.h"
#include "klog.h"
#include "panic.h"
#include "cpu.h"

#define EFLAGS_CF 0x001u
#define EFLAGS_DF 0x400u
#define ONES_CHUNK 64

int devio_check(const struct proc *p, const struct devio_req *r)
{
	if ((r->size != 1 && r->size != 2 && r->size != 4) || r->port % r->size ||
	    (r->dir != DEVIO_IN && r->dir != DEVIO_OUT))
		return -EINVAL;
	return priv_may_io(p, r->port, r->size) ? 0 : -EPERM;
}

void devio_do(struct devio_req *r)
{
	if (r->dir == DEVIO_OUT) {
		if (r->size == 1)
			outb(r->port, (uint8_t)r->value);
		else if (r->size == 2)
			outw(r->port, (uint16_t)r->value);
		else
			outl(r->port, r->value);
	} else {
		r->value = r->size == 1 ? inb(r->port) : r->size == 2 ? inw(r->port) : inl(r->port);
	}
}

/* Read the instruction at the process's eip: as many bytes as are mapped. */
static uint32_t fetch(const struct proc *p, uint8_t *code)
{
	uint32_t n;

	for (n = 0; n < INSN_MAX; n++)
		if (vm_read(&p->vm, p->regs.eip + n, &code[n], 1) < 0)
			break;
	return n;
}

/* A refused ins: count elements of all ones at edi, as if the port gave them. */
static int refuse_ins(struct proc *p, uint32_t count, uint32_t size)
{
	static const uint8_t ones[ONES_CHUNK] = { [0 ... ONES_CHUNK - 1] = 0xff };
	uint64_t bytes = (uint64_t)count * size;
	uint32_t start = p->regs.edi, done, n;

	if (p->regs.eflags & EFLAGS_DF)
		start = start - (uint32_t)bytes + size;
	if (bytes > 0xffffffffu || vm_check(&p->vm, start, (size_t)bytes, 1) < 0)
		return -EFAULT;
	for (done = 0; done < bytes; done += n) {
		n = bytes - done < ONES_CHUNK ? (uint32_t)(bytes - done) : ONES_CHUNK;
		vm_write(&p->vm, start + done, ones, n);
	}
	return 0;
}

/* Apply a refused string instruction's effect on ecx, esi/edi and memory. */
static int refuse_string(struct proc *p, const struct portio *io)
{
	uint32_t count = io->rep ? p->regs.ecx : 1;
	uint32_t step = count * io->size;
	uint32_t *index = io->out ? &p->regs.esi : &p->regs.edi;

	if (!io->out && refuse_ins(p, count, io->size) < 0)
		return -EFAULT;
	*index += p->regs.eflags & EFLAGS_DF ? -step : step;
	if (io->rep)
		p->regs.ecx = 0;
	return 0;
}

/* p (current) faulted with #GP: if on a port instruction, refuse it and go on. */
int devio_refuse(struct proc *p)
{
	uint8_t code[INSN_MAX];
	struct portio io;
	uint32_t ones;

	if (!bit_test(p->priv.kcalls, KC_DEVIO))
		return -EPERM;                          /* no port I/O at all: a privileged instruction */
	if (portio_decode(code, fetch(p, code), (uint16_t)p->regs.edx, &io) < 0)
		return -EINVAL;
	KASSERT(!priv_may_io(p, io.port, io.size));     /* the bitmap holds p's ranges */
	if (io.string && refuse_string(p, &io) < 0)
		return -EFAULT;
	if (!io.string && !io.out) {
		ones = io.size == 4 ? 0xffffffffu : (1u << (io.size * 8)) - 1;
		p->regs.eax |= ones;
	}
	deny(p, DENY_IO, io.port, -EPERM);
	p->regs.eflags |= EFLAGS_CF;
	p->regs.eip += io.len;
	return 0;
}
