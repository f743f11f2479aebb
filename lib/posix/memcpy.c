/*
 * memcpy for programs, in place of newlib's (the linker finds it in
 * libbulkhead before libc): long copies go through the block loop the
 * kernel's memcpy uses (include/bulkhead/copy.h), the rest a word, then
 * a byte, at a time. inet copies every segment it sends or receives with
 * it, and the drivers every frame they send.
 */
#include <string.h>
#include <bulkhead/copy.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t words, tail;

	if (n >= COPY_BLOCKS_MIN) {
		copy_blocks(&d, &s, n / COPY_BLOCK);
		n %= COPY_BLOCK;
	}
	words = n / 4;
	tail = n % 4;
	__asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(words) :: "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(tail) :: "memory");
	return dst;
}
