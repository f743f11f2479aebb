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
	copy_bytes(dst, src, n);
	return dst;
}
