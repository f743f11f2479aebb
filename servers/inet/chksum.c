/*
 * chksum: the one's-complement sum of 16-bit words that the Internet
 * checksum is made of (RFC 1071), for lwIP as LWIP_CHKSUM. It is what
 * lwIP's own lwip_standard_chksum returns (the words as they lie in memory,
 * from the first byte on; a last odd byte as the low half of a word; not
 * complemented), computed four bytes at a time into a 64-bit sum and
 * folded once at the end: a third of the instructions per byte of lwIP's
 * byte-pair loop, and it runs over every frame inet sends or receives.
 * x86 loads need no alignment; __builtin_memcpy says so to the compiler
 * (inet is built freestanding: a plain memcpy would be a call per word).
 */
#include <string.h>
#include "chksum.h"

#define UNROLL 16                     /* bytes per round of the main loop */

static uint32_t word32(const uint8_t *p)
{
	uint32_t w;

	__builtin_memcpy(&w, p, sizeof w);
	return w;
}

/* 2^32 = 1 (mod 2^16 - 1): folding a wider sum keeps its value in one's complement. */
static uint16_t fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t inet_sum16(const void *data, int len)
{
	const uint8_t *p = data;
	uint64_t sum = 0;
	uint16_t half;

	for (; len >= UNROLL; len -= UNROLL, p += UNROLL)
		sum += (uint64_t)word32(p) + word32(p + 4) + word32(p + 8) + word32(p + 12);
	for (; len >= 4; len -= 4, p += 4)
		sum += word32(p);
	if (len >= 2) {
		__builtin_memcpy(&half, p, sizeof half);
		sum += half;
		p += 2;
		len -= 2;
	}
	if (len > 0)
		sum += *p;
	return fold(sum);
}
