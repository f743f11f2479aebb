/*
 * iomap: the x86 I/O permission bitmap, built from a privilege record's port
 * ranges, and the decoding of a port instruction the bitmap refused (see
 * iomap.c). Neither touches the CPU: both are tested on the host.
 */
#ifndef KERNEL_IOMAP_H
#define KERNEL_IOMAP_H

#include <stdint.h>
#include <bulkhead/priv.h>

#define IO_PORTS      0x10000u
#define IOMAP_BYTES   (IO_PORTS / 8)   /* one bit a port: set = refused */
#define INSN_MAX      15               /* the longest x86 instruction */

/* Allow (clear the bits of) or refuse (set them) every port of the n ranges. */
void iomap_mark(uint8_t *map, const struct io_range *r, uint32_t n, int allow);

/* A decoded in, out, ins or outs (with prefixes). */
struct portio {
	uint16_t port;
	uint8_t size;        /* 1, 2 or 4 bytes */
	uint8_t out;         /* out/outs, else in/ins */
	uint8_t string;      /* ins/outs: memory at es:edi / ds:esi */
	uint8_t rep;         /* rep prefix (ecx times) */
	uint8_t len;         /* instruction length in bytes */
};

/* Decode the avail bytes at code as a port instruction; dx is the process's
   dx. 0, or -EINVAL if it is anything else (or uses 16-bit addressing). */
int portio_decode(const uint8_t *code, uint32_t avail, uint16_t dx, struct portio *io);

#endif
