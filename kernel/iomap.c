/*
 * iomap: the I/O permission bitmap and port-instruction decoding (interface
 * in iomap.h).
 *
 * The CPU consults the bitmap for every in/out a process makes at CPL 3
 * (IOPL is 0): a port whose bit is clear is allowed, every bit an access
 * touches must be clear, and a set bit raises #GP. The kernel then decodes
 * the instruction to refuse it the way KC_DEVIO would (devio_refuse).
 */
#include <bulkhead/errno.h>
#include "iomap.h"

#define PREFIX_OPSIZE   0x66
#define PREFIX_ADDRSIZE 0x67
#define PREFIX_REP      0xf3
#define PREFIX_REPNE    0xf2

static void mark_port(uint8_t *map, uint32_t port, int allow)
{
	if (allow)
		map[port / 8] &= (uint8_t)~(1u << (port % 8));
	else
		map[port / 8] |= (uint8_t)(1u << (port % 8));
}

static void mark_range(uint8_t *map, uint32_t port, uint32_t end, int allow)
{
	for (; port < end && port % 8; port++)
		mark_port(map, port, allow);
	for (; port + 8 <= end; port += 8)
		map[port / 8] = allow ? 0 : 0xff;
	for (; port < end; port++)
		mark_port(map, port, allow);
}

void iomap_mark(uint8_t *map, const struct io_range *r, uint32_t n, int allow)
{
	const struct io_range *end = r + n;

	for (; r < end; r++)
		if (r->base < IO_PORTS && r->len <= IO_PORTS - r->base)   /* priv_validate made sure */
			mark_range(map, r->base, r->base + r->len, allow);
}

static int is_segment_prefix(uint8_t b)
{
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

/* The opcode byte: in/out with an immediate port or dx, ins/outs. */
static int decode_opcode(const uint8_t *code, uint32_t i, uint32_t avail, uint16_t dx, struct portio *io)
{
	uint8_t op = code[i++];
	int wide = op & 1;

	if ((op & 0xf4) == 0xe4) {                 /* e4-e7: imm8 port; ec-ef: dx */
		io->out = (op & 2) != 0;
		if (!(op & 8)) {
			if (i >= avail)
				return -EINVAL;
			io->port = code[i++];
		} else {
			io->port = dx;
		}
	} else if ((op & 0xfc) == 0x6c) {          /* 6c/6d ins, 6e/6f outs */
		io->out = (op & 2) != 0;
		io->string = 1;
		io->port = dx;
	} else {
		return -EINVAL;
	}
	if (!wide)
		io->size = 1;
	io->len = (uint8_t)i;
	return 0;
}

int portio_decode(const uint8_t *code, uint32_t avail, uint16_t dx, struct portio *io)
{
	uint32_t i;

	*io = (struct portio){ .size = 4 };
	if (avail > INSN_MAX)
		avail = INSN_MAX;
	for (i = 0; i < avail; i++) {
		if (code[i] == PREFIX_OPSIZE)
			io->size = 2;
		else if (code[i] == PREFIX_REP || code[i] == PREFIX_REPNE)
			io->rep = 1;
		else if (code[i] == PREFIX_ADDRSIZE)
			return -EINVAL;
		else if (!is_segment_prefix(code[i]))
			break;
	}
	if (i >= avail || decode_opcode(code, i, avail, dx, io) < 0)
		return -EINVAL;
	if (!io->string)
		io->rep = 0;                       /* rep on in/out means nothing */
	return 0;
}
