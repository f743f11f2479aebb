/*
 * arch/cc.h: lwIP's compiler and platform definitions for the network
 * server inet (i686, little-endian, newlib). Diagnostics go to the kernel
 * console; a failed lwIP assertion ends inet (the driver manager restarts it).
 */
#ifndef INET_ARCH_CC_H
#define INET_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define BYTE_ORDER LITTLE_ENDIAN

void inet_assert_failed(const char *what, const char *file, int line) __attribute__((noreturn));

#define LWIP_PLATFORM_DIAG(x)      do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)    inet_assert_failed((x), __FILE__, __LINE__)
#define LWIP_RAND()                ((u32_t)rand())

/* Per frame, lwIP swaps header fields and sums every byte: inline swaps, and a sum four bytes a step. */
#define lwip_htons(x)              ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x)              ((u32_t)__builtin_bswap32((u32_t)(x)))
#define LWIP_CHKSUM                net_sum16
#include <bulkhead/chksum.h>

#endif
